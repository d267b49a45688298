// Differential tests: the step index in strict mode against nlohmann/json as the oracle, over
// generated steps documents (valid ones and mutated ones), each fed under many chunkings. Same
// accept/reject decisions, same decoded steps, same row fields and totals, and an outcome that
// never depends on where the chunks are cut.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/detail/step_dom.h"
#include "job_detail/detail/step_key_dom.h"
#include "job_detail/step_index.h"
#include "job_detail/step_key.h"
#include "json_scan_test_util.h"
#include "steps_oracle.h"

namespace job_detail {
namespace {

using nlohmann::json;

// Builds steps documents as text, so whitespace, escapes and number spellings vary.
class DocGenerator {
 public:
  explicit DocGenerator(std::uint32_t seed) : rng_(seed) {}

  std::string Document(int max_steps, std::size_t big_string_bytes = 0) {
    std::string steps = "[" + Ws();
    const int count = Int(big_string_bytes > 0 ? max_steps / 2 : 0, max_steps);
    for (int i = 0; i < count; ++i) {
      if (i > 0) steps += "," + Ws();
      steps += Int(0, 15) == 0 ? Value(2) : Step(i, big_string_bytes);
    }
    steps += Ws() + "]";
    switch (Int(0, 3)) {
      case 0:
        return Ws() + "{" + Ws() + R"("job_id": "j-1",)" + Ws() + R"("execution_steps":)" + Ws() +
               steps + "}" + Ws();
      case 1:
        return "{\"steps\":" + steps + ",\"meta\":{\"n\":[1,2]}}";
      case 2:
        return "\xEF\xBB\xBF" + steps;
      default:
        return steps + Ws();
    }
  }

  std::string Mutate(const std::string& doc) {
    static const char kBytes[] = {'"', '\\', '{', '}',    '[',    ']',    ',',    ':', ' ', 'e',
                                  '0', '-',  'u', '\x80', '\xC3', '\xFF', '\x1F', '.', 'n', '\xED'};
    std::string out = doc;
    if (out.empty()) return "[";
    const std::size_t at = static_cast<std::size_t>(Int(0, static_cast<int>(out.size()) - 1));
    const char byte = kBytes[Int(0, static_cast<int>(sizeof(kBytes)) - 1)];
    switch (Int(0, 4)) {
      case 0:
        out.erase(at, 1);
        break;
      case 1:
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), byte);
        break;
      case 2:
        out[at] = byte;
        break;
      case 3:
        out.resize(at);
        break;
      default:
        out.insert(at, out.substr(at / 2, 7));
        break;
    }
    return out;
  }

 private:
  int Int(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }

  std::string Ws() {
    static const char* kSpaces[] = {"", "", "", " ", "\n  ", "\t", "\r\n", "  "};
    return kSpaces[Int(0, 7)];
  }

  std::string StringBody(int length) {
    static const char* kPieces[] = {"a",
                                    "Z",
                                    " ",
                                    "<p>",
                                    "\\\"",
                                    "\\\\",
                                    "\\/",
                                    "\\n",
                                    "\\u00e9",
                                    "\\u20AC",
                                    "\\uD83D\\uDE00",
                                    "\xC3\xA9",
                                    "\xE2\x82\xAC",
                                    "\xF0\x9F\x98\x80",
                                    "\\t",
                                    "0",
                                    "plain ascii run of text ",
                                    "\\u0000"};
    std::string out;
    for (int i = 0; i < length; ++i) out += kPieces[Int(0, 17)];
    return out;
  }
  std::string String(int max_length = 6) { return "\"" + StringBody(Int(0, max_length)) + "\""; }

  std::string Number() {
    std::string out = Int(0, 3) == 0 ? "-" : "";
    out += Int(0, 4) == 0 ? "0" : std::to_string(Int(1, 99999));
    if (Int(0, 2) == 0) out += "." + std::to_string(Int(0, 999));
    if (Int(0, 4) == 0)
      out +=
          std::string(Int(0, 1) ? "e" : "E") + (Int(0, 1) ? "-" : "+") + std::to_string(Int(0, 30));
    return out;
  }

  std::string Value(int depth) {
    switch (Int(0, depth > 0 ? 7 : 4)) {
      case 0:
        return String();
      case 1:
        return Number();
      case 2:
        return "true";
      case 3:
        return Int(0, 1) ? "false" : "null";
      case 4:
        return String(20);
      case 5: {
        std::string out = "[" + Ws();
        const int n = Int(0, 3);
        for (int i = 0; i < n; ++i) out += (i ? "," : "") + Ws() + Value(depth - 1) + Ws();
        return out + "]";
      }
      default: {
        std::string out = "{" + Ws();
        const int n = Int(0, 3);
        for (int i = 0; i < n; ++i) {
          out += (i ? "," : "") + Ws() + String(3) + Ws() + ":" + Ws() + Value(depth - 1);
        }
        return out + Ws() + "}";
      }
    }
  }

  std::string Cost() {
    switch (Int(0, 7)) {
      case 0:
        return "null";
      case 1:
        return "\"$" + std::to_string(Int(0, 9999)) + "." + std::to_string(Int(0, 99)) + "\"";
      case 2:
        return "\"abc\"";
      case 3:
        return "true";
      case 4:
        return "{\"v\": 1}";
      default:
        return std::to_string(Int(0, 999)) + "." + std::to_string(Int(0, 999999));
    }
  }

  std::string Step(int position, std::size_t big_string_bytes) {
    std::vector<std::string> members;
    auto maybe = [&](const char* name, const std::string& value) {
      if (Int(0, 3) != 0) members.push_back(std::string("\"") + name + "\":" + Ws() + value);
    };
    maybe("step_number",
          Int(0, 1) ? std::to_string(position + 1) : "\"" + std::to_string(position + 1) + "\"");
    maybe("step_id", String(2));
    maybe("id", Int(0, 1) ? String(2) : std::to_string(Int(0, 50)));
    maybe("step_name", Int(0, 5) ? String() : "null");
    maybe("name", String());
    maybe("status", Int(0, 5) ? String(2) : "{\"s\": 1}");
    maybe("started_at", String(3));
    maybe("start_time", String(3));
    maybe("completed_at", String(3));
    maybe("ended_at", String(3));
    maybe("end_time", String(3));
    maybe("duration_ms", Number());
    maybe("model", String(2));
    maybe("input_tokens", std::to_string(Int(0, 100000)));
    maybe("output_tokens", Int(0, 4) ? std::to_string(Int(0, 100000)) : "-3");
    maybe("total_tokens", Int(0, 4) ? std::to_string(Int(0, 100000)) : "1.5");
    maybe("cost_usd", Cost());
    maybe("usage", Value(3));
    maybe("output", big_string_bytes > 0 && Int(0, 2) == 0
                        ? "\"" + StringBody(static_cast<int>(big_string_bytes / 8)) + "\""
                        : String(30));
    maybe("cost_usd", Cost());  // sometimes a duplicate: the last one wins
    std::shuffle(members.begin(), members.end(), rng_);
    std::string out = "{" + Ws();
    for (std::size_t i = 0; i < members.size(); ++i) out += (i ? "," : "") + Ws() + members[i];
    return out + Ws() + "}";
  }

  std::mt19937 rng_;
};

std::optional<std::string> OracleText(const json& step, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const auto it = step.find(name);
    if (it == step.end()) continue;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> OracleTokens(const json& step, const char* name) {
  const auto it = step.find(name);
  if (it == step.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

Cost OracleCost(const json& step) {
  if (!step.is_object()) return Cost::Invalid();
  const auto it = step.find("cost_usd");
  return it == step.end() ? Cost::None() : ParseCostJsonText(it->dump());
}

// Compares the index of `doc` (fed whole) with the oracle; returns the index's outcome text.
void ExpectMatchesOracle(const std::string& doc) {
  SCOPED_TRACE(::testing::PrintToString(doc.substr(0, 300)));
  const json oracle = json::parse(doc, nullptr, false);
  StepIndex index(testing::StrictOptions());
  index.Feed(doc);
  const auto& error = index.Finish();
  if (oracle.is_discarded()) {
    // Rejected too; a shape error may come first (errors are reported at the earliest byte).
    ASSERT_TRUE(error.has_value());
    EXPECT_TRUE(error->code == ErrorCode::kInvalidJson || error->code == ErrorCode::kTruncated ||
                error->code == ErrorCode::kUnexpectedShape)
        << ErrorCodeName(error->code);
    return;
  }
  const json* steps = testing::OracleSteps(oracle);
  if (steps == nullptr) {
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->code, ErrorCode::kUnexpectedShape);
    return;
  }
  if (error && error->code == ErrorCode::kUnexpectedShape && oracle.contains("steps") &&
      oracle.contains("execution_steps")) {
    return;  // a non-array `steps` before `execution_steps`: rejected as soon as it is seen
  }
  ASSERT_FALSE(error.has_value()) << testing::DescribeError(*error);
  ASSERT_EQ(index.count(), steps->size());
  CostTotal total;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    const json& expected = (*steps)[i];
    const auto step = detail::DecodeStep(index, i);
    ASSERT_TRUE(step.ok());
    EXPECT_EQ(step.value(), expected) << "step " << i;
    const StepRow summary = index.Summary(i).value();
    EXPECT_EQ(summary.is_object, expected.is_object());
    EXPECT_EQ(summary.key, detail::StepKeyOf(expected, i));
    EXPECT_EQ(summary.cost, OracleCost(expected)) << "step " << i;
    total.Add(summary.cost);
    if (!expected.is_object()) continue;
    EXPECT_EQ(summary.name, OracleText(expected, {"step_name", "name"}));
    EXPECT_EQ(summary.status, OracleText(expected, {"status"}));
    EXPECT_EQ(summary.started_at, OracleText(expected, {"started_at", "start_time"}));
    EXPECT_EQ(summary.completed_at, OracleText(expected, {"completed_at", "ended_at", "end_time"}));
    EXPECT_EQ(summary.model, OracleText(expected, {"model"}));
    EXPECT_EQ(summary.input_tokens, OracleTokens(expected, "input_tokens"));
    EXPECT_EQ(summary.output_tokens, OracleTokens(expected, "output_tokens"));
    EXPECT_EQ(summary.total_tokens, OracleTokens(expected, "total_tokens"));
  }
  EXPECT_EQ(index.cost_total().sum(), total.sum());
  EXPECT_EQ(index.cost_total().no_cost(), total.no_cost());
  EXPECT_EQ(index.cost_total().invalid_cost(), total.invalid_cost());
}

void ExpectChunkingInvariantUnder(const std::string& doc, bool every_split,
                                  const StepIndexOptions& options) {
  SCOPED_TRACE(::testing::PrintToString(doc.substr(0, 300)) + (options.strict ? " strict" : ""));
  const std::string whole = testing::IndexOutcome(doc, doc.size() + 1, options);
  for (std::size_t chunk : {1, 2, 3, 5, 8, 13, 64, 1000, 4096, 65536}) {
    ASSERT_EQ(testing::IndexOutcome(doc, chunk, options), whole) << "chunk " << chunk;
  }
  if (!every_split) return;
  for (std::size_t cut = 1; cut < doc.size(); ++cut) {
    StepIndex index(options);
    index.Feed(std::string_view(doc).substr(0, cut));
    index.Feed(std::string_view(doc).substr(cut));
    const auto& error = index.Finish();
    const std::string result = error ? testing::DescribeError(*error) : "ok";
    ASSERT_EQ(result, whole.substr(0, whole.find(' '))) << "cut at " << cut;
  }
}

// Under both text rules: where the chunks are cut never changes the outcome.
void ExpectChunkingInvariant(const std::string& doc, bool every_split) {
  for (const bool strict : {true, false}) {
    StepIndexOptions options;
    options.strict = strict;
    ExpectChunkingInvariantUnder(doc, every_split, options);
  }
}

TEST(StepIndexDifferentialTest, ValidDocumentsMatchTheOracleAtEveryChunking) {
  DocGenerator generator(20260101);
  for (int i = 0; i < 1000; ++i) {
    const std::string doc = generator.Document(i < 600 ? 3 : 12);
    ExpectMatchesOracle(doc);
    ExpectChunkingInvariant(doc, doc.size() < 600);
  }
}

TEST(StepIndexDifferentialTest, MutatedDocumentsGetTheOraclesDecision) {
  DocGenerator generator(7);
  for (int i = 0; i < 3000; ++i) {
    std::string doc = generator.Document(4);
    for (int m = 0; m <= i % 3; ++m) doc = generator.Mutate(doc);
    ExpectMatchesOracle(doc);
    ExpectChunkingInvariant(doc, doc.size() < 300);
  }
}

TEST(StepIndexDifferentialTest, BigDocumentsWithLongStringsMatchTheOracle) {
  DocGenerator generator(99);
  for (int i = 0; i < 4; ++i) {
    const std::string doc = generator.Document(40, 200'000);
    ASSERT_GT(doc.size(), 10'000u);
    ExpectMatchesOracle(doc);
    ExpectChunkingInvariant(doc, false);
  }
}

}  // namespace
}  // namespace job_detail
