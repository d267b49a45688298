#include "job_detail/job.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "job_detail/detail/job_document.h"
#include "job_detail/dynamodb_step_summary.h"

namespace job_detail {
namespace {

using namespace std::string_literals;

Job MustParse(std::string_view text) {
  auto job = ParseJob(text);
  EXPECT_TRUE(job.ok()) << text << " -> " << (job.ok() ? "" : job.error().message);
  return job.ok() ? std::move(job).value() : Job{};
}

std::string Nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JobTest, ReadsTheFieldsTheViewDecidesOn) {
  const Job job = MustParse(R"({"id":"job-1","status":"running",
    "execution_steps":[{"step_number":1,"cost_usd":0.5},{"step_number":2,"cost_usd":"$1.25"}],
    "execution_steps_s3_key":"jobs/job-1/steps.json",
    "execution_steps_s3_url":"https://bucket.s3.amazonaws.com/jobs/job-1/steps.json?X-Amz-Expires=3600"})");
  EXPECT_EQ(job.id, "job-1");
  EXPECT_EQ(job.status, "running");
  EXPECT_EQ(job.steps_field, StepsField::kArray);
  ASSERT_EQ(job.step_count(), 2u);
  EXPECT_EQ(StepKeyToString(job.step_keys[0]), "1");
  EXPECT_EQ(StepKeyToString(job.step_keys[1]), "2");
  ASSERT_EQ(job.step_costs.size(), 2u);
  EXPECT_EQ(job.step_costs[0].value.ToCanonicalString(), "0.5");
  EXPECT_EQ(job.step_costs[1].value.ToCanonicalString(), "1.25");
  EXPECT_EQ(job.s3_key, "jobs/job-1/steps.json");
  ASSERT_TRUE(job.s3_url.has_value());
  EXPECT_EQ(job.s3_url->rfind("https://bucket", 0), 0u);
  // The steps are read by the index alone: the DOM holds the other members.
  EXPECT_EQ(job.steps_index.count(), 2u);
  EXPECT_FALSE(detail::JobDom(job).contains("execution_steps"));
  EXPECT_TRUE(detail::JobDom(job).contains("execution_steps_s3_key"));
}

TEST(JobTest, StepsAbsentNullEmptyOrOtherType) {
  const Job absent = MustParse(R"({"id":"a"})");
  EXPECT_EQ(absent.steps_field, StepsField::kAbsent);
  EXPECT_EQ(absent.step_count(), 0u);
  EXPECT_EQ(absent.steps_index.count(), 0u);

  const Job null_steps = MustParse(R"({"id":"a","execution_steps":null})");
  EXPECT_EQ(null_steps.steps_field, StepsField::kNull);
  EXPECT_EQ(null_steps.step_count(), 0u);

  const Job empty = MustParse(R"({"id":"a","execution_steps":[]})");
  EXPECT_EQ(empty.steps_field, StepsField::kArray);
  EXPECT_EQ(empty.step_count(), 0u);
  EXPECT_FALSE(empty.steps_index.error().has_value());

  const Job other = MustParse(R"({"id":"a","execution_steps":{"1":{}}})");
  EXPECT_EQ(other.steps_field, StepsField::kOtherType);
  EXPECT_EQ(other.step_count(), 0u);
  EXPECT_EQ(other.steps_index.count(), 0u);
  EXPECT_EQ(MustParse(R"({"execution_steps":"x"})").steps_field, StepsField::kOtherType);
  EXPECT_EQ(MustParse(R"({"execution_steps":7})").steps_field, StepsField::kOtherType);
}

TEST(JobTest, PartialDynamoDbListKeepsEveryStepAsIs) {
  // The first 5 steps, as the API sends them when the item would pass 400 KB.
  const Job job = MustParse(R"({"id":"j","execution_steps_s3_key":"k","execution_steps":[
    {"step_number":1,"output":"<html>1</html>"},{"step_number":2},{"step_id":"s3"},{"id":7},
    {"name":"no key"}]})");
  ASSERT_EQ(job.step_count(), 5u);
  EXPECT_EQ(StepKeyToString(job.step_keys[2]), "id:s3");
  EXPECT_EQ(StepKeyToString(job.step_keys[3]), "id:7");
  EXPECT_EQ(StepKeyToString(job.step_keys[4]), "#4");
  EXPECT_EQ(job.steps_index.StepJsonText(0), R"({"step_number":1,"output":"<html>1</html>"})");
  EXPECT_EQ(job.s3_key, "k");
  EXPECT_FALSE(job.s3_url.has_value());
}

TEST(JobTest, UnknownFieldsAreKept) {
  const Job job = MustParse(R"({"id":"j","owner":{"name":"ana"},"tags":["a","b"],"retries":3})");
  EXPECT_EQ(detail::JobDom(job)["owner"]["name"], "ana");
  EXPECT_EQ(detail::JobDom(job)["tags"].size(), 2u);
  EXPECT_EQ(detail::JobDom(job)["retries"], 3);
}

TEST(JobTest, KeepsTheTextAndIndexesItsStepsByTheS3ListRules) {
  const std::string text =
      R"({"job_id":"j","execution_steps":[{"step_number":1,"step_name":"a","cost_usd":0.10000000000000000001},)"
      R"("junk",{"name":"b","status":"done"}],"steps":[{"step_number":9}]})";
  const Job job = MustParse(text);
  EXPECT_EQ(job.text, text);  // numbers keep the digits the API sent
  ASSERT_EQ(job.steps_index.count(), 3u);
  EXPECT_FALSE(job.steps_index.error().has_value());
  EXPECT_EQ(job.steps_index.Summary(0).value().name, "a");
  EXPECT_FALSE(job.steps_index.Summary(1).value().is_object);
  EXPECT_EQ(job.steps_index.Summary(2).value().status, "done");
  // Without an execution_steps array there is nothing to index, even with a `steps` member.
  EXPECT_EQ(MustParse(R"({"steps":[{"step_number":9}]})").steps_index.count(), 0u);
}

TEST(JobTest, IdComesFromIdElseFromTheDynamoDbKeyJobId) {
  EXPECT_EQ(MustParse(R"({"job_id":"job-big-5000"})").id, "job-big-5000");
  EXPECT_EQ(MustParse(R"({"job_id":7})").id, "7");
  EXPECT_EQ(MustParse(R"({"id":"a","job_id":"b"})").id, "a");
  EXPECT_EQ(MustParse(R"({"id":null,"job_id":"b"})").id, "b");
}

TEST(JobTest, IdStatusAndS3FieldsOfOtherTypes) {
  EXPECT_EQ(MustParse(R"({"id":42})").id, "42");
  EXPECT_EQ(MustParse(R"({"id":-4})").id, "-4");
  EXPECT_FALSE(MustParse(R"({"id":null})").id.has_value());
  EXPECT_FALSE(MustParse(R"({"id":1.5})").id.has_value());
  EXPECT_FALSE(MustParse(R"({"status":7})").status.has_value());
  EXPECT_FALSE(MustParse(R"({})").id.has_value());
  const Job job = MustParse(R"({"execution_steps_s3_key":"","execution_steps_s3_url":null})");
  EXPECT_FALSE(job.s3_key.has_value());
  EXPECT_FALSE(job.s3_url.has_value());
  EXPECT_FALSE(MustParse(R"({"execution_steps_s3_key":5})").s3_key.has_value());
}

TEST(JobTest, StepCostsComeFromTheJsonText) {
  const Job job = MustParse(R"({"execution_steps":[
    {"cost_usd":0.1},{"cost_usd":"0.2"},{"cost_usd":null},{},{"cost_usd":true},
    {"cost_usd":0.00000000000050000001},{"cost_usd":999999999999.9999999999999},
    {"cost_usd":[1]},"not an object",{"cost_usd":3,"cost_usd":"4"},{"cost_usd":"4","cost_usd":3.25},
    {"cost_usd":-7},{"cost_usd":1E-3},{"nested":{"cost_usd":5}}]})");
  ASSERT_EQ(job.step_costs.size(), 14u);
  std::vector<std::string> seen;
  for (const Cost& cost : job.step_costs) {
    seen.push_back(cost.kind == CostKind::kValid  ? cost.value.ToCanonicalString()
                   : cost.kind == CostKind::kNone ? "none"
                                                  : "invalid");
  }
  const std::vector<std::string> expected = {
      "0.1",     "0.2",     "none", "none", "invalid", "0.000000000001", "invalid",
      "invalid", "invalid", "4",    "3.25", "-7",      "0.001",          "none"};
  EXPECT_EQ(seen, expected);
  // 0.1 exactly: a double's 0.1000000000000000055 would differ in the 12th digit once summed.
  EXPECT_EQ(job.step_costs[0], Cost::Valid(Decimal::FromUnits(100'000'000'000)));
}

TEST(JobTest, CostTextsOfOtherListsDoNotLeakIntoSteps) {
  const Job job = MustParse(R"({"other":[{"cost_usd":9}],"execution_steps":[{"cost_usd":1}],
    "execution_steps_extra":[{"cost_usd":2}]})");
  ASSERT_EQ(job.step_costs.size(), 1u);
  EXPECT_EQ(job.step_costs[0].value.ToCanonicalString(), "1");
}

TEST(JobTest, MalformedJsonIsATypedErrorWithItsOffset) {
  struct Case {
    std::string text;
    std::uint64_t offset;
  };
  const Case cases[] = {
      {"", 0},     {"{", 1},   {R"({"id":})", 6}, {R"({"id":"a",})", 10},  {"[1,]", 3},
      {"{} x", 3}, {"nul", 3}, {"\"abc", 4},      {"{\"a\":\"\x01\"}", 6}, {"{\"a\":1e}", 7},
  };
  for (const auto& c : cases) {
    const auto job = ParseJob(c.text);
    ASSERT_FALSE(job.ok()) << c.text;
    EXPECT_EQ(job.error().code, ErrorCode::kInvalidJson) << c.text;
    EXPECT_EQ(job.error().offset, c.offset) << c.text << ": " << job.error().message;
    EXPECT_FALSE(job.error().message.empty());
  }
}

TEST(JobTest, NulByteIsRejectedNotTakenAsTheEnd) {
  // nlohmann alone would accept `{}` and ignore the rest.
  const auto job = ParseJob("{}\0junk"s);
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.error().code, ErrorCode::kInvalidJson);
  EXPECT_EQ(job.error().offset, 2u);
}

TEST(JobTest, NonObjectIsUnexpectedShape) {
  for (const char* text : {"[]", "null", "\"job\"", "42", "true", "[{\"id\":\"a\"}]"}) {
    const auto job = ParseJob(text);
    ASSERT_FALSE(job.ok()) << text;
    EXPECT_EQ(job.error().code, ErrorCode::kUnexpectedShape) << text;
    EXPECT_FALSE(job.error().offset.has_value());
  }
}

TEST(JobTest, DepthLimit) {
  const std::string at_limit = R"({"a":)" + Nested(511) + "}";  // 512 levels with the object
  EXPECT_TRUE(ParseJob(at_limit).ok());
  const std::string past_limit = R"({"a":)" + Nested(512) + "}";
  const auto job = ParseJob(past_limit);
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.error().code, ErrorCode::kTooDeep);
  EXPECT_EQ(job.error().offset, 5u + 511u);  // the bracket that opens level 513

  JobParseOptions shallow;
  shallow.max_depth = 2;
  EXPECT_FALSE(ParseJob(R"({"s":["[[[",{}]})", shallow).ok());  // `{}` is level 3
  EXPECT_TRUE(ParseJob(R"({"s":["[[[{"]})", shallow).ok());  // brackets inside strings don't count
  const auto strings = ParseJob(R"({"s":"{[\"","t":[[1]]})", shallow);
  ASSERT_FALSE(strings.ok());
  EXPECT_EQ(strings.error().offset, 17u);
}

TEST(JobTest, DepthLimitBeyond32BitsStillIndexesTheSteps) {
  if constexpr (sizeof(std::size_t) > sizeof(std::uint32_t)) {
    JobParseOptions huge;
    huge.max_depth = (std::size_t{1} << 32) + 2;  // would wrap to 2 in the 32-bit index limit
    const auto job = ParseJob(R"({"execution_steps":[{"step_number":1,"usage":{"n":1}}]})", huge);
    ASSERT_TRUE(job.ok());
    EXPECT_EQ(job.value().steps_index.count(), 1u);
    EXPECT_FALSE(job.value().steps_index.error().has_value());
  }
}

TEST(JobTest, VeryDeepDocumentFailsCleanly) {
  // Far past the limit: no stack overflow in the parse, and an error, not an abort.
  const auto job = ParseJob(R"({"a":)" + Nested(200'000) + "}");
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.error().code, ErrorCode::kTooDeep);
}

// The job is never worse than `JSON.parse(new TextDecoder().decode(bytes))`, the `res.json()` it
// replaces: what that accepts is accepted with the same values (U+FFFD where UTF-8 cannot hold
// them), whether the anomaly sits in a top-level field, a step's output or a step's cost.
constexpr const char* kFffd = "\xEF\xBF\xBD";

TEST(JobJsonParseTest, ALeadingBomIsSkipped) {
  const Job job = MustParse("\xEF\xBB\xBF{\"id\":\"j\",\"execution_steps\":[{\"step_number\":1}]}");
  EXPECT_EQ(job.id, "j");
  EXPECT_EQ(job.step_count(), 1u);
}

TEST(JobJsonParseTest, IllFormedUtf8InATopLevelFieldBecomesReplacementCharacters) {
  const Job job = MustParse("{\"id\":\"j\",\"status\":\"run\xFF\xFEning\",\"note\":\"\xE2\x82\"}");
  EXPECT_EQ(job.status, "run"s + kFffd + kFffd + "ning");  // one per maximal subpart
  EXPECT_EQ(detail::JobDom(job)["note"], kFffd);           // a cut sequence is one subpart
}

TEST(JobJsonParseTest, ALoneSurrogateEscapeInATopLevelFieldBecomesAReplacementCharacter) {
  const Job job = MustParse(R"({"id":"a\ud800","status":"\udc00done"})");
  EXPECT_EQ(job.id, "a"s + kFffd);
  EXPECT_EQ(job.status, kFffd + "done"s);
}

TEST(JobJsonParseTest, ANumberBeyondDoubleInATopLevelFieldIsInfinity) {
  const Job job = MustParse(R"({"id":"j","retries":1e400,"execution_steps_s3_key":"k"})");
  EXPECT_TRUE(std::isinf(detail::JobDom(job)["retries"].get<double>()));
  EXPECT_EQ(job.s3_key, "k");
  EXPECT_EQ(MustParse(R"({"id":1e400,"job_id":"b"})").id, "b");  // not an integer: job_id
}

TEST(JobJsonParseTest, AnomaliesInAStepOutputKeepTheStep) {
  const Job job = MustParse(
      "{\"execution_steps\":[{\"step_number\":1,\"output\":\"<p>\xFF\\ud800</p>\"},"
      "{\"step_number\":2,\"name\":\"n\\udfff\"}]}");
  ASSERT_EQ(job.step_count(), 2u);
  EXPECT_EQ(job.steps_index.repaired_strings(), 2u);
  const Result<StepRow> first = SummarizeDynamoDbStep(job, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value().output_chars, 9u);  // <p> U+FFFD U+FFFD </p>
  const Result<StepRow> second = SummarizeDynamoDbStep(job, 1);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value().name, "n"s + kFffd);
  // The step's text is the job's own bytes, for a decoder that reads it as JSON.parse does.
  EXPECT_EQ(job.steps_index.StepJsonText(1), R"({"step_number":2,"name":"n\udfff"})");
}

TEST(JobJsonParseTest, ACostBeyondDoubleIsAnInvalidCostAndTheStepIsKept) {
  const Job job = MustParse(R"({"execution_steps":[{"step_number":1,"cost_usd":1e400},
    {"step_number":2,"cost_usd":0.5},{"step_number":3,"cost_usd":-1e400}]})");
  ASSERT_EQ(job.step_count(), 3u);
  EXPECT_EQ(job.step_costs[0].kind, CostKind::kInvalid);
  EXPECT_EQ(FormatCostDisplay(job.step_costs[0]), "—");
  EXPECT_EQ(job.step_costs[1].value.ToCanonicalString(), "0.5");
  EXPECT_EQ(job.step_costs[2].kind, CostKind::kInvalid);
  EXPECT_EQ(SummarizeDynamoDbStep(job, 0).value().cost.kind, CostKind::kInvalid);
  EXPECT_EQ(StepKeyToString(job.step_keys[2]), "3");
}

TEST(JobJsonParseTest, KeysAndCostsComeFromTheStepIndexAlone) {
  // One reader: the job's keys and costs are its index's rows, whatever the text's quirks.
  const Job job = MustParse(R"({"execution_steps":[{"step_number":"7","cost_usd":" $1,234.50 "},
    {"step_id":"a\u0062","cost_usd":1E-3},{"id":3,"cost_usd":null},[1],{"step_number":2,
    "step_number":9}],"execution_steps":[{"step_number":4},{"step_number":5,"cost_usd":"x"}]})");
  ASSERT_EQ(job.step_count(), 2u);  // the last `execution_steps` wins, as in JSON.parse
  for (std::size_t i = 0; i < job.step_count(); ++i) {
    EXPECT_EQ(job.step_keys[i], job.steps_index.Key(i).value()) << i;
    EXPECT_EQ(job.step_costs[i], job.steps_index.Summary(i).value().cost) << i;
  }
  EXPECT_EQ(StepKeyToString(job.step_keys[1]), "5");
  EXPECT_EQ(job.step_costs[1].kind, CostKind::kInvalid);
}

TEST(JobJsonParseTest, StructuralErrorsStayTypedWithTheirOffsets) {
  // The tolerant text rules widen strings and numbers only.
  const auto cut = ParseJob("{\"id\":\"j\xFF\",\"execution_steps\":[{\"step_number\":1},");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().code, ErrorCode::kInvalidJson);
  EXPECT_EQ(cut.error().offset, 48u);  // the end of the text
  const auto outside = ParseJob("{\"id\":\"j\"\xFF}");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.error().offset, 9u);  // ill-formed UTF-8 outside a string is not JSON
  const auto bom_later = ParseJob(" \xEF\xBB\xBF{}");
  ASSERT_FALSE(bom_later.ok());
  EXPECT_EQ(bom_later.error().offset, 1u);
}

}  // namespace
}  // namespace job_detail
