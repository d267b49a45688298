#include "job_detail/step_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <span>
#include <string>

#include "job_detail/detail/step_dom.h"
#include "json_scan_test_util.h"

namespace job_detail {
namespace {

using testing::DescribeError;
using testing::IndexOutcome;

std::string Result(std::string_view doc, StepIndexOptions options = {}) {
  StepIndex index(options);
  index.Feed(doc);
  const auto& error = index.Finish();
  return error ? DescribeError(*error) : "ok";
}

const char kThreeSteps[] =
    R"([{"step_number": 1, "step_name": "fetch", "name": "ignored", "status": "completed",)"
    R"( "started_at": "2026-01-01T00:00:00Z", "completed_at": "2026-01-01T00:00:01Z",)"
    R"( "duration_ms": 1000, "model": "gpt-x", "input_tokens": 10, "output_tokens": 5,)"
    R"( "total_tokens": 15, "cost_usd": 0.1, "output": "<p>caf\u00e9 \"quoted\"</p>"},)"
    R"( {"step_number": "2", "name": "r\u00e9sum\u00e9", "start_time": "a", "end_time": "b",)"
    R"( "ended_at": "c", "cost_usd": "$0.2", "usage": {"input_tokens": 99}},)"
    R"( {"id": "x", "cost_usd": null, "status": {"nested": true}, "input_tokens": -1}])";

TEST(StepIndexTest, IndexesTheRowFieldsOfEachStep) {
  StepIndex index;
  index.Feed(kThreeSteps);
  ASSERT_FALSE(index.Finish().has_value());
  ASSERT_EQ(index.count(), 3u);

  const StepRow first = index.Summary(0).value();
  EXPECT_TRUE(first.is_object);
  EXPECT_EQ(first.begin, 1u);
  EXPECT_EQ(first.step_number, "1");
  EXPECT_EQ(first.name, "fetch");  // step_name wins over name
  EXPECT_EQ(first.status, "completed");
  EXPECT_EQ(first.started_at, "2026-01-01T00:00:00Z");
  EXPECT_EQ(first.completed_at, "2026-01-01T00:00:01Z");
  EXPECT_EQ(first.duration_ms, "1000");
  EXPECT_EQ(first.model, "gpt-x");
  EXPECT_EQ(first.input_tokens, 10u);
  EXPECT_EQ(first.output_tokens, 5u);
  EXPECT_EQ(first.total_tokens, 15u);
  EXPECT_EQ(first.cost.kind, CostKind::kValid);
  EXPECT_EQ(first.cost.value.ToCanonicalString(), "0.1");
  EXPECT_EQ(first.key.kind, StepKeyKind::kStepNumber);
  EXPECT_EQ(first.key.number, 1);

  const StepRow second = index.Summary(1).value();
  EXPECT_EQ(second.step_number, "2");
  EXPECT_EQ(second.name, "r\xC3\xA9sum\xC3\xA9");  // escapes decoded
  EXPECT_EQ(second.started_at, "a");
  EXPECT_EQ(second.completed_at, "c");           // ended_at ranks above end_time whatever the order
  EXPECT_EQ(second.input_tokens, std::nullopt);  // only the step's top level counts
  EXPECT_EQ(second.cost.value.ToCanonicalString(), "0.2");
  EXPECT_EQ(second.key.kind, StepKeyKind::kStepNumber);
  EXPECT_EQ(second.key.number, 2);

  const StepRow third = index.Summary(2).value();
  EXPECT_EQ(third.status, std::nullopt);  // an object is not row text
  EXPECT_EQ(third.input_tokens, std::nullopt);
  EXPECT_EQ(third.cost.kind, CostKind::kNone);
  EXPECT_EQ(third.key.kind, StepKeyKind::kId);
  EXPECT_EQ(third.key.id, "x");

  EXPECT_EQ(index.cost_total().canonical(), "0.3");
  EXPECT_EQ(index.cost_total().no_cost(), 1u);
  EXPECT_EQ(index.cost_total().invalid_cost(), 0u);
  EXPECT_EQ(index.Summary(3).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(detail::DecodeStep(index, 3).error().code, ErrorCode::kInvalidArgument);
}

TEST(StepIndexTest, KeyReadsTheMergeKeyAloneAsTheRowHasIt) {
  StepIndex index;
  index.Feed(std::string_view(R"([{"step_number":1},{"step_number":"2"},{"id":"x"},{"step_id":7},)"
                              R"({},"not a step"])"));
  ASSERT_FALSE(index.Finish().has_value());
  ASSERT_EQ(index.count(), 6u);
  for (std::size_t i = 0; i < index.count(); ++i) {
    const auto key = index.Key(i);
    ASSERT_TRUE(key.ok()) << i;
    EXPECT_EQ(key.value(), index.Summary(i).value().key) << i;
  }
  EXPECT_EQ(StepKeyToString(index.Key(1).value()), "2");
  EXPECT_EQ(StepKeyToString(index.Key(2).value()), "id:x");
  EXPECT_EQ(StepKeyToString(index.Key(5).value()), "#5");
  EXPECT_EQ(index.Key(6).error().code, ErrorCode::kInvalidArgument);
}

TEST(StepIndexTest, DecodesAWholeStepOnDemand) {
  StepIndex index;
  index.Feed(kThreeSteps);
  ASSERT_FALSE(index.Finish().has_value());
  const auto step = detail::DecodeStep(index, 0);
  ASSERT_TRUE(step.ok());
  ASSERT_TRUE(step.value().is_object());
  const auto& output = step.value()["output"];
  ASSERT_TRUE(output.is_string());
  EXPECT_EQ(output.get<std::string>(), "<p>caf\xC3\xA9 \"quoted\"</p>");
  EXPECT_EQ(index.StepJsonText(2),
            R"({"id": "x", "cost_usd": null, "status": {"nested": true}, "input_tokens": -1})");
}

TEST(StepIndexTest, KeepsLastDuplicateMembersAsADecodedObjectWould) {
  StepIndex index;
  index.Feed(R"([{"status": "a", "cost_usd": 1, "status": "b", "cost_usd": "x", "name": "n",)"
             R"( "step_name": "s", "name": "m"}])");
  ASSERT_FALSE(index.Finish().has_value());
  const StepRow summary = index.Summary(0).value();
  EXPECT_EQ(summary.status, "b");
  EXPECT_EQ(summary.cost.kind, CostKind::kInvalid);
  EXPECT_EQ(summary.name, "s");
  EXPECT_EQ(index.cost_total().invalid_cost(), 1u);
}

TEST(StepIndexTest, IndexesNonObjectStepsAsInvalidEntries) {
  StepIndex index;
  index.Feed(R"([1, {"cost_usd": 2}, "text", [3], null])");
  ASSERT_FALSE(index.Finish().has_value());
  ASSERT_EQ(index.count(), 5u);
  const StepRow number = index.Summary(0).value();
  EXPECT_FALSE(number.is_object);
  EXPECT_TRUE(number.problem.has_value());
  EXPECT_EQ(number.cost.kind, CostKind::kInvalid);
  EXPECT_EQ(number.key.kind, StepKeyKind::kPosition);
  EXPECT_TRUE(index.Summary(1).value().is_object);
  EXPECT_EQ(index.StepJsonText(3), "[3]");
  ASSERT_TRUE(detail::DecodeStep(index, 2).ok());
  EXPECT_EQ(detail::DecodeStep(index, 2).value(), nlohmann::json("text"));
  EXPECT_EQ(index.cost_total().canonical(), "2");
  EXPECT_EQ(index.cost_total().invalid_cost(), 4u);
}

TEST(StepIndexTest, AcceptsTheWrapperShapes) {
  EXPECT_EQ(IndexOutcome(R"({"job_id": "j", "execution_steps": [{"cost_usd": 1}]})", 1000),
            "ok count=1 total=1 none=0 invalid=0 [36,51)");
  EXPECT_EQ(IndexOutcome(R"({"steps": [{}, {}], "other": [1]})", 1000),
            "ok count=2 total=0 none=2 invalid=0 [11,13) [15,17)");
  // execution_steps wins over steps, before or after it.
  EXPECT_EQ(IndexOutcome(R"({"steps": [{}, {}], "execution_steps": [{"cost_usd": 3}]})", 1000),
            "ok count=1 total=3 none=0 invalid=0 [40,55)");
  EXPECT_EQ(IndexOutcome(R"({"execution_steps": [{}], "steps": [{}, {}, {}]})", 1000),
            "ok count=1 total=0 none=1 invalid=0 [21,23)");
  // A member name written with escapes is the same name.
  EXPECT_EQ(IndexOutcome(R"({"st\u0065ps": [{}]})", 1000),
            "ok count=1 total=0 none=1 invalid=0 [16,18)");
  EXPECT_EQ(Result(R"({"steps": []})"), "ok");
  EXPECT_EQ(Result("[]"), "ok");
}

TEST(StepIndexTest, RejectsOtherShapesWhereTheyBecomeCertain) {
  EXPECT_EQ(Result(R"({"a": 1})"), "unexpected_shape@7");
  EXPECT_EQ(Result(R"({})"), "unexpected_shape@1");
  EXPECT_EQ(Result(R"(  "steps")"), "unexpected_shape@2");
  EXPECT_EQ(Result("42"), "unexpected_shape@0");
  EXPECT_EQ(Result(R"({"execution_steps": {"a": []}})"), "unexpected_shape@20");
  EXPECT_EQ(Result(R"({"steps": null})"), "unexpected_shape@10");
  EXPECT_EQ(Result(R"({"x": {"steps": []}})"), "unexpected_shape@19");
  // Invalid JSON before the shape is known is invalid JSON.
  EXPECT_EQ(Result(R"({"a": tru})"), "invalid_json@9");
}

TEST(StepIndexTest, ReportsJsonErrorsAndKeepsWhatWasIndexed) {
  StepIndex index;
  index.Feed(R"([{"cost_usd": 1}, {"cost_usd": 2}, {"cost_usd": 3 x])");
  const auto& error = index.Finish();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(DescribeError(*error), "invalid_json@50");
  EXPECT_EQ(index.count(), 2u);
  EXPECT_EQ(index.cost_total().canonical(), "3");
  index.Feed("]");  // a no-op after an error
  EXPECT_EQ(index.count(), 2u);
  EXPECT_TRUE(detail::DecodeStep(index, 1).ok());
}

TEST(StepIndexTest, ReportsTruncationAtEveryPrefix) {
  const std::string doc = std::string("\xEF\xBB\xBF") + kThreeSteps;
  std::size_t previous_count = 0;
  for (std::size_t length = 0; length < doc.size(); ++length) {
    StepIndex index;
    index.Feed(std::string_view(doc).substr(0, length));
    const auto& error = index.Finish();
    ASSERT_TRUE(error.has_value()) << length;
    EXPECT_EQ(DescribeError(*error), "truncated@" + std::to_string(length));
    EXPECT_GE(index.count(), previous_count);
    previous_count = index.count();
  }
  EXPECT_EQ(previous_count, 3u);  // a step counts from its closing brace on
  EXPECT_EQ(Result(doc), "ok");
}

TEST(StepIndexTest, EnforcesTheByteLimit) {
  StepIndexOptions options;
  options.max_bytes = 20;
  EXPECT_EQ(IndexOutcome(R"([{"cost_usd": 1}, {"cost_usd": 2}])", 7, options),
            "too_large@20 count=1 total=1 none=0 invalid=0 [1,16)");
  EXPECT_EQ(IndexOutcome(R"([1 2, {"cost_usd": 1}, {"cost_usd": 2}])", 100, options),
            "invalid_json@3 count=1 total=0 none=0 invalid=1 [1,2)");
  options.max_bytes = 35;  // exactly the document's size
  EXPECT_EQ(Result(R"([{"cost_usd": 1}, {"cost_usd": 2}])", options), "ok");
}

TEST(StepIndexTest, StopsADepthBombInsideAStep) {
  std::string doc = R"([{"ok": 1}, {"output": )";
  doc += std::string(1'000'000, '[');
  doc += std::string(1'000'000, ']');
  doc += "}]";
  StepIndex index;
  for (std::size_t at = 0; at < doc.size(); at += 65536) {
    index.Feed(std::string_view(doc).substr(at, 65536));
  }
  const auto& error = index.Finish();
  ASSERT_TRUE(error.has_value());
  // The step object is depth 2, so the 511th nested bracket would be depth 513.
  EXPECT_EQ(DescribeError(*error), "too_deep@" + std::to_string(23 + 510));
  EXPECT_EQ(index.count(), 1u);
}

TEST(StepIndexTest, DecodesADeepStepWithoutOverflowingTheStack) {
  const int depth = 100'000;
  std::string doc = R"([{"output": )" + std::string(depth, '[') + std::string(depth, ']') + "}]";
  StepIndexOptions options;
  options.max_depth = depth + 2;
  StepIndex index(options);
  index.Feed(doc);
  ASSERT_FALSE(index.Finish().has_value());
  const auto step = detail::DecodeStep(index, 0);
  ASSERT_TRUE(step.ok());
  EXPECT_TRUE(step.value()["output"].is_array());
}

TEST(StepIndexTest, ReservesAndReportsTheRecordSize) {
  StepIndex index;
  index.Reserve(1 << 20);
  index.Feed(kThreeSteps);
  EXPECT_FALSE(index.Finish().has_value());
  EXPECT_EQ(index.bytes_fed(), sizeof(kThreeSteps) - 1);
  EXPECT_LE(StepIndex::kStepRecordBytes, 128u);
}

// Feeds `doc` through PrepareFeed/CommitFeed in pieces of `chunk` bytes, writing in place.
std::string ResultInPlace(std::string_view doc, std::size_t chunk, StepIndexOptions options = {}) {
  StepIndex index(options);
  for (std::size_t at = 0; at < doc.size(); at += chunk) {
    const std::string_view piece = doc.substr(at, chunk);
    const std::span<std::uint8_t> room = index.PrepareFeed(piece.size());
    EXPECT_LE(room.size(), piece.size());
    std::copy_n(piece.data(), room.size(), room.data());
    index.CommitFeed(room.size());
  }
  const auto& error = index.Finish();
  return (error ? DescribeError(*error) : "ok") + " count=" + std::to_string(index.count());
}

TEST(StepIndexTest, FeedsInPlaceLikeFeed) {
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 100000u}) {
    EXPECT_EQ(ResultInPlace(kThreeSteps, chunk), "ok count=3") << chunk;
    EXPECT_EQ(ResultInPlace(R"([{"a": 1}, {"b": tru}])", chunk), "invalid_json@20 count=1")
        << chunk;
  }
  StepIndex index;
  index.Feed(std::string_view(kThreeSteps).substr(0, 40));
  const std::span<std::uint8_t> room = index.PrepareFeed(sizeof(kThreeSteps) - 1 - 40);
  std::copy_n(kThreeSteps + 40, room.size(), room.data());
  index.CommitFeed(room.size());
  ASSERT_FALSE(index.Finish().has_value());
  EXPECT_EQ(index.StepJsonText(2), R"({"id": "x", "cost_usd": null, "status": {"nested": true},)"
                                   R"( "input_tokens": -1})");
  EXPECT_EQ(index.Summary(1).value().name, "résumé");
}

TEST(StepIndexTest, CommitsOnlyWhatWasPrepared) {
  StepIndex index;
  std::span<std::uint8_t> room = index.PrepareFeed(2);
  ASSERT_EQ(room.size(), 2u);
  room[0] = '[';
  room[1] = '1';
  index.CommitFeed(100);  // more than prepared: clamped
  EXPECT_EQ(index.bytes_fed(), 2u);
  index.CommitFeed(5);  // no PrepareFeed before: nothing
  EXPECT_EQ(index.bytes_fed(), 2u);
  room = index.PrepareFeed(1);
  room[0] = ']';
  index.CommitFeed(1);
  EXPECT_FALSE(index.Finish().has_value());
  EXPECT_TRUE(index.PrepareFeed(10).empty());  // after Finish
  EXPECT_EQ(index.count(), 1u);
}

TEST(StepIndexTest, PreparesNoMoreThanTheByteLimitAllows) {
  StepIndexOptions options;
  options.max_bytes = 20;
  const std::string_view doc = R"([{"cost_usd": 1}, {"cost_usd": 2}])";
  EXPECT_EQ(ResultInPlace(doc, 7, options), "too_large@20 count=1");
  EXPECT_EQ(ResultInPlace(doc, 100, options), "too_large@20 count=1");
  StepIndex index(options);
  const std::span<std::uint8_t> room = index.PrepareFeed(doc.size());
  EXPECT_EQ(room.size(), 20u);
  std::copy_n(doc.data(), room.size(), room.data());
  index.CommitFeed(room.size());
  ASSERT_TRUE(index.error().has_value());
  EXPECT_EQ(DescribeError(*index.error()), "too_large@20");
  EXPECT_TRUE(index.PrepareFeed(1).empty());  // after an error
  options.max_bytes = doc.size();
  EXPECT_EQ(ResultInPlace(doc, 7, options), "ok count=2");
}

TEST(StepIndexTest, GrowsWithoutAHintAndKeepsEveryByte) {
  // Many small feeds through the 1.25x growth: the spans must still point at the right bytes.
  std::string doc = "[";
  for (int i = 0; i < 3000; ++i) {
    if (i > 0) doc += ",";
    doc += R"({"step_number": )" + std::to_string(i) + R"(, "output": ")" +
           std::string(100 + i % 37, 'x') + R"("})";
  }
  doc += "]";
  StepIndex index;
  for (std::size_t at = 0; at < doc.size(); at += 1000) {
    index.Feed(std::string_view(doc).substr(at, 1000));
  }
  ASSERT_FALSE(index.Finish().has_value());
  ASSERT_EQ(index.count(), 3000u);
  EXPECT_EQ(index.Summary(2999).value().step_number, "2999");
  EXPECT_EQ(detail::DecodeStep(index, 1234).value()["output"].get<std::string>().size(),
            100u + 1234 % 37);
}

// Everything a caller can observe, step by step: summaries, raw text and decoded steps.
std::string Observe(std::string_view doc, std::size_t chunk, StepIndexOptions options) {
  StepIndex index(options);
  for (std::size_t at = 0; at < doc.size(); at += chunk) index.Feed(doc.substr(at, chunk));
  const auto& error = index.Finish();
  std::string out = (error ? DescribeError(*error) : "ok") +
                    " count=" + std::to_string(index.count()) +
                    " total=" + index.cost_total().canonical();
  for (std::size_t i = 0; i < index.count(); ++i) {
    const StepRow summary = index.Summary(i).value();
    out += "\n" + std::to_string(summary.begin) + "-" + std::to_string(summary.end) + " " +
           summary.name.value_or("-") + " " + summary.status.value_or("-") + " " +
           std::to_string(static_cast<int>(summary.cost.kind)) +
           summary.cost.value.ToCanonicalString() + " " + std::string(index.StepJsonText(i)) + " " +
           detail::DecodeStep(index, i).value().dump();
  }
  return out;
}

TEST(StepIndexTest, SegmentedStorageIsInvisible) {
  // Steps of varied sizes (some bigger than a segment), non-object entries, escapes, non-ASCII
  // text and nested members, indexed in tiny segments at several chunkings: every observable
  // result must match one contiguous buffer.
  std::string doc = R"({"job_id": "j", "execution_steps": [)";
  for (int i = 0; i < 60; ++i) {
    if (i > 0) doc += ", ";
    if (i % 13 == 5) {
      doc += i % 2 ? "42" : R"("not an object")";
      continue;
    }
    doc += R"({"step_number": )" + std::to_string(i) + R"(, "step_name": "caf\u00e9 )" +
           std::to_string(i) + R"(", "status": "done", "cost_usd": ")" + std::to_string(i) +
           R"(.25", "usage": {"input_tokens": [1, {"a": null}]}, )" +
           R"("output": "<p>日本語 \"q\" 😀</p>)" + std::string((i * 37) % 300, 'x') + R"("})";
  }
  doc += "]}";
  StepIndexOptions contiguous;
  contiguous.segment_bytes = 0;
  const std::string expected = Observe(doc, doc.size(), contiguous);
  ASSERT_EQ(expected.substr(0, 13), "ok count=60 t");
  for (std::size_t segment : {1u, 16u, 64u, 200u, 1000u}) {
    for (std::size_t chunk : {1u, 7u, 64u, 333u, 4096u}) {
      StepIndexOptions options;
      options.segment_bytes = segment;
      ASSERT_EQ(Observe(doc, chunk, options), expected)
          << "segment " << segment << " chunk " << chunk;
    }
  }
  // Errors keep their offsets and what was indexed, whichever segment they fall in.
  for (const std::string& broken : {doc.substr(0, doc.size() - 700), doc.substr(0, 4000) + "@"}) {
    const std::string broken_expected = Observe(broken, broken.size(), contiguous);
    for (std::size_t chunk : {1u, 64u, 999u}) {
      StepIndexOptions options;
      options.segment_bytes = 64;
      EXPECT_EQ(Observe(broken, chunk, options), broken_expected) << "chunk " << chunk;
    }
  }
}

}  // namespace
}  // namespace job_detail
