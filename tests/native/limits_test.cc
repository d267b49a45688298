// Bombs and limits: each hostile input gives a typed outcome, and the memory it
// costs is bounded by the document size (or the byte cap) plus a fixed amount per step. The same
// inputs go through the wasm package in wasm/test/limits.test.mjs.
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "job_detail/cost.h"
#include "job_detail/detail/step_dom.h"
#include "job_detail/detail/step_key_dom.h"
#include "job_detail/fetch_outcome.h"
#include "job_detail/job.h"
#include "job_detail/presigned_url.h"
#include "job_detail/redact.h"
#include "job_detail/session.h"
#include "job_detail/step_index.h"
#include "job_detail/step_key.h"
#include "json_scan_test_util.h"

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__has_feature)
#define JOB_DETAIL_HEAP_FIGURES 1
#include <malloc.h>
#elif defined(__GLIBC__) && defined(__has_feature)
#if !__has_feature(address_sanitizer)
#define JOB_DETAIL_HEAP_FIGURES 1
#include <malloc.h>
#endif
#endif

namespace job_detail {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

// Feeds `doc` in network-sized chunks, as the session does.
void FeedInChunks(StepIndex& index, std::string_view doc, std::size_t chunk = kChunk) {
  for (std::size_t at = 0; at < doc.size(); at += chunk) index.Feed(doc.substr(at, chunk));
}

std::string Outcome(const std::optional<Error>& error) {
  if (!error) return "ok";
  return std::string(ErrorCodeName(error->code)) + "@" +
         (error->offset ? std::to_string(*error->offset) : "-");
}

std::string IndexOutcome(std::string_view doc, StepIndexOptions options = {}) {
  StepIndex index(options);
  FeedInChunks(index, doc);
  return Outcome(index.Finish());
}

std::string JobOutcome(std::string_view text) {
  const Result<Job> job = ParseJob(text);
  return job.ok() ? "ok" : Outcome(job.error());
}

// Heap bytes in use (glibc, outside ASan): what a test may allocate while it holds the result,
// large blocks (which glibc maps apart) included.
std::size_t HeapInUse() {
#ifdef JOB_DETAIL_HEAP_FIGURES
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#else
  return 0;
#endif
}

TEST(LimitsTest, NestingOfAMillionLevelsStopsAtTheDepthLimit) {
  const std::string brackets(1'000'000, '[');
  const std::string braces = [] {
    std::string out;
    for (int i = 0; i < 1'000'000 / 5; ++i) out += "{\"a\":";
    return out;
  }();
  // The 513th container is over the default limit of 512: its first byte is the offset.
  EXPECT_EQ(IndexOutcome(brackets), "too_deep@512");
  EXPECT_EQ(IndexOutcome("{\"execution_steps\":" + brackets), "too_deep@530");
  EXPECT_EQ(JobOutcome(brackets), "too_deep@512");
  EXPECT_EQ(JobOutcome(braces), "too_deep@2560");
  EXPECT_EQ(ParseCostJsonText(brackets).kind, CostKind::kInvalid);

  // After the error the index stops buffering: the bytes it keeps stay bounded by one chunk.
  StepIndex index;
  FeedInChunks(index, brackets);
  ASSERT_TRUE(index.error().has_value());
  EXPECT_LE(index.bytes_fed(), kChunk);
}

TEST(LimitsTest, DocumentsOverTheByteCapStopAtTheCap) {
  const std::size_t cap = 1 << 20;
  std::string doc = "[";
  while (doc.size() < 3 * cap)
    doc += R"({"step_number":1,"output":"<p>)" + std::string(1000, 'x') + "</p>\"},";
  doc.back() = ']';
  StepIndexOptions options;
  options.max_bytes = cap;
  StepIndex index(options);
  FeedInChunks(index, doc);
  ASSERT_TRUE(index.error().has_value());
  EXPECT_EQ(Outcome(index.error()), "too_large@" + std::to_string(cap));
  // Never more than the cap is held, and the steps complete before the cap stay readable.
  EXPECT_LE(index.bytes_fed(), cap);
  EXPECT_GT(index.count(), 900u);
  EXPECT_TRUE(detail::DecodeStep(index, index.count() - 1).ok());
  EXPECT_EQ(Outcome(index.Finish()), "too_large@" + std::to_string(cap));
}

TEST(LimitsTest, StepsOverTheStepCapStopAtTheFirstOneTooMany) {
  StepIndexOptions options;
  options.max_steps = 2;
  for (const std::string doc : {R"([{"cost_usd":1},{"cost_usd":2},{"cost_usd":4}])",
                                R"({"execution_steps":[{"cost_usd":1},{"cost_usd":2},3]})"}) {
    SCOPED_TRACE(doc);
    for (std::size_t chunk : {std::size_t{1}, doc.size()}) {
      StepIndex index(options);
      FeedInChunks(index, doc, chunk);
      const std::size_t third = doc.rfind(doc[1] == '{' ? "{\"cost_usd\":4" : "3");
      EXPECT_EQ(Outcome(index.Finish()), "too_large@" + std::to_string(third));
      // The steps before the cap stay, with their totals.
      EXPECT_EQ(index.count(), 2u);
      EXPECT_EQ(index.cost_total().canonical(), "3");
    }
  }
  StepIndex exact(options);
  exact.Feed(R"([{},{}])");
  EXPECT_EQ(Outcome(exact.Finish()), "ok");
}

TEST(LimitsTest, NumbersBeyondUint64AreTypedNotWrapped) {
  // 2^64 + 1: valid JSON (a double for nlohmann), but no integer field may wrap it.
  const std::string doc =
      R"([{"step_number":18446744073709551617,"input_tokens":18446744073709551617,)"
      R"("total_tokens":18446744073709551615,"duration_ms":18446744073709551617,)"
      R"("cost_usd":18446744073709551617},)"
      R"({"step_number":-9223372036854775809,"id":18446744073709551617,"cost_usd":"1e400"}])";
  StepIndex index;
  index.Feed(doc);
  ASSERT_EQ(Outcome(index.Finish()), "ok");
  ASSERT_EQ(index.count(), 2u);

  const StepRow first = index.Summary(0).value();
  EXPECT_EQ(first.key.kind, StepKeyKind::kPosition);  // not a wrapped step number
  EXPECT_EQ(first.input_tokens, std::nullopt);
  EXPECT_EQ(first.total_tokens, 18446744073709551615u);  // the largest uint64 still fits
  EXPECT_EQ(first.duration_ms, "18446744073709551617");  // text fields keep the number's text
  EXPECT_EQ(first.cost.kind, CostKind::kInvalid);        // over the 1e12 limit, not wrapped

  const StepRow second = index.Summary(1).value();
  // Neither step_number (below int64) nor id (beyond uint64) qualifies: keyed by position.
  EXPECT_EQ(second.key.kind, StepKeyKind::kPosition);
  EXPECT_EQ(second.key.number, 1);
  EXPECT_EQ(second.cost.kind, CostKind::kInvalid);
  EXPECT_EQ(index.cost_total().invalid_cost(), 2u);
  EXPECT_EQ(index.cost_total().sum(), Decimal());
  for (std::size_t i = 0; i < 2; ++i) EXPECT_TRUE(detail::DecodeStep(index, i).ok()) << i;

  const Result<Job> job = ParseJob(R"({"id":18446744073709551617,"execution_steps":)" + doc + "}");
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job.value().id, std::nullopt);  // neither a uint64 nor a string: no id text
  ASSERT_EQ(job.value().step_costs.size(), 2u);
  for (const Cost& cost : job.value().step_costs) EXPECT_EQ(cost.kind, CostKind::kInvalid);
  EXPECT_EQ(ParseCostJsonText("18446744073709551617").kind, CostKind::kInvalid);
}

TEST(LimitsTest, NumbersBeyondDoubleAreValidJsonAndInvalidCosts) {
  // JSON.parse reads 1e400 as Infinity: the document is valid and every step is kept; the cost
  // rules read the text exactly, so out of range is an invalid cost and a tiny one rounds to 0.
  StepIndex index;
  index.Feed(R"([{"output_tokens":1e400},{"cost_usd":-1e400},{"cost_usd":1e-400}])");
  ASSERT_EQ(Outcome(index.Finish()), "ok");
  ASSERT_EQ(index.count(), 3u);
  EXPECT_EQ(index.Summary(0).value().output_tokens, std::nullopt);
  EXPECT_EQ(index.Summary(1).value().cost.kind, CostKind::kInvalid);
  EXPECT_EQ(index.Summary(2).value().cost, Cost::Valid(Decimal()));
  EXPECT_EQ(index.cost_total().invalid_cost(), 1u);
  EXPECT_EQ(index.StepJsonText(1), R"({"cost_usd":-1e400})");
  // The DOM decoder cannot hold it: a typed refusal, never an abort.
  EXPECT_EQ(detail::DecodeStep(index, 1).error().code, ErrorCode::kInvalidJson);
  EXPECT_EQ(ParseCostJsonText("1e400").kind, CostKind::kInvalid);
  EXPECT_EQ(ParseCostJsonText("\"1e400\"").kind, CostKind::kInvalid);
  EXPECT_EQ(ParseCostJsonText("-1e-400"), Cost::Valid(Decimal()));
  // Strict rules keep nlohmann's decision, at the number.
  EXPECT_EQ(IndexOutcome(R"([{"output_tokens":1e400}])", testing::StrictOptions()),
            "invalid_json@18");
  EXPECT_EQ(IndexOutcome(R"([{"cost_usd":-1e400}])", testing::StrictOptions()), "invalid_json@13");
}

TEST(LimitsTest, LoneSurrogatesAreKeptAndRepairedInRows) {
  const std::string fffd = "\xEF\xBF\xBD";
  const auto name = [](std::string_view doc) {
    StepIndex index;
    index.Feed(doc);
    EXPECT_FALSE(index.Finish().has_value());
    EXPECT_EQ(index.repaired_strings(), 1u);
    return index.Summary(0).value().name.value_or("<none>");
  };
  EXPECT_EQ(name(R"([{"name":"\uD800"}])"), fffd);
  EXPECT_EQ(name(R"([{"name":"\uDC00"}])"), fffd);
  EXPECT_EQ(name(R"([{"name":"\uD83D\u0041"}])"), fffd + "A");
  EXPECT_EQ(name(R"([{"name":"\uD83Dx"}])"), fffd + "x");
  EXPECT_EQ(name(R"([{"name":"\uD83D\uD83D\uDE00"}])"), fffd + "\xF0\x9F\x98\x80");
  EXPECT_EQ(IndexOutcome(R"([{"name":"\uD83D\uDE00"}])"), "ok");
  EXPECT_EQ(ParseCostJsonText(R"("\uD800")").kind, CostKind::kInvalid);
  // Strict rules: refused at the escape, as before.
  EXPECT_EQ(IndexOutcome(R"([{"name":"\uD800"}])", testing::StrictOptions()), "invalid_json@16");
  EXPECT_EQ(IndexOutcome(R"([{"name":"\uDC00"}])", testing::StrictOptions()), "invalid_json@10");
  EXPECT_EQ(IndexOutcome(R"([{"name":"\uD83D\u0041"}])", testing::StrictOptions()),
            "invalid_json@16");
  EXPECT_EQ(IndexOutcome(R"([{"name":"\uD83Dx"}])", testing::StrictOptions()), "invalid_json@16");
}

TEST(LimitsTest, NulBytesAreInvalidExceptAsAnEscape) {
  using namespace std::string_literals;
  EXPECT_EQ(IndexOutcome("[{\"name\":\"a\0b\"}]"s), "invalid_json@11");
  EXPECT_EQ(IndexOutcome("[{}]\0"s), "invalid_json@4");
  EXPECT_EQ(IndexOutcome("\0[]"s), "invalid_json@0");
  EXPECT_EQ(JobOutcome("{}\0"s), "invalid_json@2");
  EXPECT_EQ(ParseCostJsonText("1\0"s).kind, CostKind::kInvalid);
  // The escape is a real character of the decoded string.
  StepIndex index;
  index.Feed(R"([{"name":"a\u0000b"}])");
  ASSERT_EQ(Outcome(index.Finish()), "ok");
  EXPECT_EQ(index.Summary(0).value().name, "a\0b"s);
}

TEST(LimitsTest, AByteOrderMarkIsAcceptedOnlyFirst) {
  const std::string bom = "\xEF\xBB\xBF";
  StepIndex index;
  index.Feed(bom + R"([{"step_number":1}])");
  ASSERT_EQ(Outcome(index.Finish()), "ok");
  EXPECT_EQ(index.Summary(0).value().begin, 4u);  // offsets count the BOM's bytes
  EXPECT_EQ(IndexOutcome("[" + bom + "]"), "invalid_json@1");
  EXPECT_EQ(IndexOutcome(bom + bom + "[]"), "invalid_json@3");
  EXPECT_EQ(IndexOutcome(bom), "truncated@3");
}

TEST(LimitsTest, DuplicateKeysKeepTheLastAsADecodedObjectWould) {
  StepIndex index;
  index.Feed(R"({"execution_steps":[{"cost_usd":1}],"execution_steps":)"
             R"([{"step_number":1,"step_number":2,"cost_usd":"0.5","cost_usd":"0.25"}]})");
  ASSERT_EQ(Outcome(index.Finish()), "ok");
  ASSERT_EQ(index.count(), 1u);
  EXPECT_EQ(index.Summary(0).value().key.number, 2);
  EXPECT_EQ(index.cost_total().canonical(), "0.25");
  const Result<Job> job =
      ParseJob(R"({"id":"a","id":"b","execution_steps":[],"execution_steps":[{}]})");
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job.value().id, "b");
  EXPECT_EQ(job.value().step_count(), 1u);
}

TEST(LimitsTest, AHundredThousandTinyStepsCostAFixedRecordEach) {
  constexpr std::size_t kSteps = 100'000;
  std::string doc = "[";
  for (std::size_t i = 0; i < kSteps; ++i)
    doc += i ? ",{\"cost_usd\":0.01}" : "{\"cost_usd\":0.01}";
  doc += "]";
  const std::size_t before = HeapInUse();
  StepIndex index;
  index.Reserve(doc.size());
  FeedInChunks(index, doc);
  ASSERT_EQ(Outcome(index.Finish()), "ok");
  ASSERT_EQ(index.count(), kSteps);
  EXPECT_EQ(index.cost_total().canonical(), "1000");
  EXPECT_EQ(index.Summary(kSteps - 1).value().key.number, static_cast<std::int64_t>(kSteps - 1));
  // The record per step is small and fixed; the heap holds the document plus the records (vector
  // growth may double the record array: 2x), and nothing per step besides.
  EXPECT_LE(StepIndex::kStepRecordBytes, 256u);
#ifdef JOB_DETAIL_HEAP_FIGURES
  const std::size_t held = HeapInUse() - before;
  EXPECT_LE(held, doc.size() + 2 * kSteps * StepIndex::kStepRecordBytes + (1 << 20)) << held;
#endif
  (void)before;
}

TEST(LimitsTest, OneFiftyMegabyteHtmlStringIsHeldOnce) {
  constexpr std::size_t kHtml = 50u << 20;
  std::string doc = R"({"execution_steps":[{"step_number":1,"cost_usd":"0.5","output":"<div>)";
  doc.append(kHtml, 'x');
  doc += R"(</div>"},{"step_number":2}]})";
  const std::size_t before = HeapInUse();
  StepIndex index;
  FeedInChunks(index, doc);
  ASSERT_EQ(Outcome(index.Finish()), "ok");
  ASSERT_EQ(index.count(), 2u);
  EXPECT_EQ(index.bytes_fed(), doc.size());
#ifdef JOB_DETAIL_HEAP_FIGURES
  // Growth without a size hint may leave spare capacity (at most the size again).
  const std::size_t held = HeapInUse() - before;
  EXPECT_LE(held, 2 * doc.size() + (1 << 20)) << held;
#endif
  (void)before;
  // The row never copies the output; decoding the step does, once, untruncated.
  EXPECT_EQ(index.Summary(0).value().cost, ParseCostJsonText("0.5"));
  const Result<nlohmann::json> step = detail::DecodeStep(index, 0);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ(step.value()["output"].get_ref<const std::string&>().size(), kHtml + 11);
}

TEST(LimitsTest, ALyingContentLengthReservesAFewMegabytesNotWhatItClaims) {
  SessionConfig config;
  config.api_base_url = "https://api.example";
  Session session(config);
  session.Start("j1", 0);
  std::uint64_t job_request = 0;
  while (auto effect = session.PollEffect()) {
    if (auto* fetch = std::get_if<FetchJob>(&*effect)) job_request = fetch->id;
  }
  session.OnJobResponse(job_request, 200, {},
                        R"({"id":"j1","status":"completed","execution_steps":[],)"
                        R"("execution_steps_s3_url":"https://bucket.example/steps.json"})",
                        0);
  std::uint64_t steps_request = 0;
  while (auto effect = session.PollEffect()) {
    if (auto* fetch = std::get_if<FetchSteps>(&*effect)) steps_request = fetch->id;
  }
  ASSERT_NE(steps_request, 0u);
  const std::size_t before = HeapInUse();
  session.OnStepsResponseStart(steps_request, 200, {{"Content-Length", "268435456"}}, 0);
#ifdef JOB_DETAIL_HEAP_FIGURES
  const std::size_t reserved = HeapInUse() - before;
  EXPECT_LE(reserved, 5u << 20) << reserved;
#endif
  (void)before;
  // The bytes that really come still make a document, grown as they arrive.
  const std::string doc = R"({"execution_steps":[{"step_number":1,"cost_usd":"0.5"}]})";
  session.OnStepsChunk(steps_request, doc, 0);
  session.OnStepsEnd(steps_request, 0);
  ASSERT_TRUE(session.Snapshot().steps.has_value());
  EXPECT_EQ(session.Snapshot().steps->source, StepsSource::kS3);
  EXPECT_EQ(session.Snapshot().steps->count, 1u);
}

}  // namespace
}  // namespace job_detail

namespace job_detail {
namespace {

// Found by session_fuzzer: an S3 (or proxy) error whose <Message> echoes the request carried the
// presigned signature into the snapshot's error message.
TEST(SecretsTest, AnEchoedRequestInAnS3ErrorLosesItsSignature) {
  const FetchOutcome outcome = ClassifyS3Response(
      403,
      "<Error><Code>SignatureDoesNotMatch</Code><Message>GET /k?X-Amz-Credential=AKIASECRET%2F2026"
      "&amp;X-Amz-Signature=abc123SECRET&amp;x-amz-security-token=TOKEN/SECRET+x= ok</Message>"
      "</Error>");
  EXPECT_EQ(outcome.message.find("SECRET"), std::string::npos) << outcome.message;
  EXPECT_NE(outcome.message.find("X-Amz-Signature=REDACTED"), std::string::npos) << outcome.message;
  EXPECT_NE(outcome.message.find("SignatureDoesNotMatch"), std::string::npos);
  EXPECT_EQ(RedactSecrets("Signature=a b AWSAccessKeyId=AKIA1&c=2 MySignature=keep"),
            "Signature=REDACTED b AWSAccessKeyId=REDACTED&c=2 MySignature=keep");
  EXPECT_EQ(RedactSecrets("no secrets here = fine"), "no secrets here = fine");
}

// Found by session_fuzzer: a job body cut short inside its presigned URL made nlohmann's message
// ("last read: '...'") quote the URL's credential and signature.
TEST(SecretsTest, AJobParseErrorNeverQuotesTheSignature) {
  const std::string url =
      "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIASECRET%2F2026&X-Amz-Signature=abcSECRET";
  for (const std::string& body :
       {"{\"execution_steps_s3_url\":\"" + url + "\" x}", "{\"execution_steps_s3_url\":\"" + url,
        "{\"execution_steps_s3_url\":\"" + url + "\x01\"}"}) {
    const Result<Job> job = ParseJob(body);
    ASSERT_FALSE(job.ok());
    EXPECT_EQ(job.error().code, ErrorCode::kInvalidJson);
    EXPECT_EQ(job.error().message.find("SECRET"), std::string::npos) << job.error().message;
  }
}

}  // namespace
}  // namespace job_detail
