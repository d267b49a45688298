#include "job_detail/report.h"

#include <gtest/gtest.h>

#include <string>

namespace job_detail {
namespace {

using namespace std::string_literals;

TEST(ReportTest, ErrorReportWithAndWithoutOffset) {
  EXPECT_EQ(ErrorReport({ErrorCode::kInvalidJson, 12, "bad \"x\""}),
            R"({"ok":false,"error":{"code":"invalid_json","offset":12,"message":"bad \"x\""}})");
  EXPECT_EQ(
      ErrorReport({ErrorCode::kUnexpectedShape, std::nullopt, "job is a JSON array"}),
      R"({"ok":false,"error":{"code":"unexpected_shape","offset":null,"message":"job is a JSON array"}})");
}

TEST(ReportTest, ErrorMessageWithInvalidUtf8IsReplacedNotAborted) {
  EXPECT_EQ(ErrorReport({ErrorCode::kInvalidJson, 0, "byte \xFF here\n"}),
            "{\"ok\":false,\"error\":{\"code\":\"invalid_json\",\"offset\":0,"
            "\"message\":\"byte \xEF\xBF\xBD here\\n\"}}");
}

TEST(ReportTest, InspectStepsReport) {
  CostTotal total;
  total.Add(ParseCostJsonText("1234.5"));
  total.Add(ParseCostJsonText("\"0.000123\""));
  total.Add(Cost::None());
  total.Add(Cost::Invalid());
  EXPECT_EQ(
      InspectStepsReport(4, total),
      R"({"ok":true,"count":4,"total_cost_usd":"1234.500123","total_cost_display":"$1,234.50","no_cost":1,"invalid_cost":1})");
  EXPECT_EQ(
      InspectStepsReport(0, CostTotal()),
      R"({"ok":true,"count":0,"total_cost_usd":"0","total_cost_display":"$0.00","no_cost":0,"invalid_cost":0})");
}

TEST(ReportTest, MergeReportNamesEverything) {
  MergedList merged;
  merged.source = StepsSource::kDynamoDbFallback;
  merged.complete = false;
  merged.reason = ErrorCode::kExpired;
  merged.entries = {{StepOrigin::kDynamoDb, 0, {StepKeyKind::kStepNumber, 3, ""}},
                    {StepOrigin::kDynamoDb, 1, {StepKeyKind::kId, 0, "a\"b"}},
                    {StepOrigin::kS3, 2, {StepKeyKind::kPosition, 7, ""}}};
  EXPECT_EQ(
      MergeReport(merged),
      R"({"source":"dynamodb_fallback","complete":false,"reason":"expired","count":3,"steps":[{"key":"3","origin":"dynamodb"},{"key":"id:a\"b","origin":"dynamodb"},{"key":"#7","origin":"s3"}]})");
  EXPECT_EQ(MergeReport(MergedList{}),
            R"({"source":"dynamodb","complete":true,"reason":null,"count":0,"steps":[]})");
}

TEST(ReportTest, FormatCostCommand) {
  EXPECT_EQ(FormatCostReport(R"("0.000123")"), "$0.000123");
  EXPECT_EQ(FormatCostReport("null"), "\xE2\x80\x94");
  EXPECT_EQ(FormatCostReport(" 1234.5 "), "$1,234.50");
  EXPECT_EQ(FormatCostReport("{\"a\":1}"), "\xE2\x80\x94");  // valid JSON, not a cost
  const CommandOutput ok = FormatCostCommand("\"abc\"");
  EXPECT_EQ(ok.exit_code, kExitOk);
  EXPECT_EQ(ok.line, "\xE2\x80\x94");
  const CommandOutput bad = FormatCostCommand("007");  // not JSON: leading zeros
  EXPECT_EQ(bad.exit_code, kExitErrorResult);
  EXPECT_EQ(bad.line.rfind(R"({"ok":false,"error":{"code":"invalid_json","offset":1,)", 0), 0u)
      << bad.line;
  const CommandOutput nul = FormatCostCommand("1\0"s);
  EXPECT_EQ(nul.exit_code, kExitErrorResult);
  EXPECT_EQ(
      nul.line,
      R"({"ok":false,"error":{"code":"invalid_json","offset":1,"message":"unexpected content after the top-level value"}})");
  EXPECT_EQ(FormatCostCommand("").exit_code, kExitErrorResult);
  // Whatever JSON.parse accepts is a value: beyond double and lone surrogates are invalid costs.
  EXPECT_EQ(FormatCostReport("1e400"), "\xE2\x80\x94");
  EXPECT_EQ(FormatCostReport(R"("\ud800")"), "\xE2\x80\x94");
}

TEST(ReportTest, InspectStepsCommand) {
  const CommandOutput ok = InspectStepsCommand(
      R"({"execution_steps":[{"cost_usd":0.1},{"cost_usd":"0.2"},{},{"cost_usd":"x"}]})");
  EXPECT_EQ(ok.exit_code, kExitOk);
  EXPECT_EQ(
      ok.line,
      R"({"ok":true,"count":4,"total_cost_usd":"0.3","total_cost_display":"$0.30","no_cost":1,"invalid_cost":1})");
  EXPECT_EQ(
      InspectStepsCommand("[]").line,
      R"({"ok":true,"count":0,"total_cost_usd":"0","total_cost_display":"$0.00","no_cost":0,"invalid_cost":0})");
  const CommandOutput bad = InspectStepsCommand("[{},");
  EXPECT_EQ(bad.exit_code, kExitErrorResult);
  EXPECT_EQ(bad.line.rfind(R"({"ok":false,"error":{"code":"truncated","offset":4,)", 0), 0u)
      << bad.line;
  const CommandOutput shape = InspectStepsCommand(R"({"other":[]})");
  EXPECT_EQ(shape.exit_code, kExitErrorResult);
  EXPECT_NE(shape.line.find(R"("code":"unexpected_shape")"), std::string::npos) << shape.line;
}

constexpr std::string_view kJob =
    R"({"id":"j","execution_steps_s3_key":"k","execution_steps_s3_url":"https://s3/x",)"
    R"("execution_steps":[{"step_number":1},{"step_number":"2"},{"step_number":9}]})";

TEST(ReportTest, MergeCommandWithS3Steps) {
  const CommandOutput out = MergeCommand(
      {kJob, R"([{"step_number":"1"},{"step_number":2},{"step_number":3}])", std::nullopt});
  EXPECT_EQ(out.exit_code, kExitOk);
  EXPECT_EQ(
      out.line,
      R"({"source":"s3","complete":true,"reason":null,"count":4,"steps":[{"key":"1","origin":"s3"},{"key":"2","origin":"s3"},{"key":"3","origin":"s3"},{"key":"9","origin":"dynamodb"}]})");
}

TEST(ReportTest, MergeCommandFallbacks) {
  const std::string dynamodb_steps =
      R"("count":3,"steps":[{"key":"1","origin":"dynamodb"},{"key":"2","origin":"dynamodb"},{"key":"9","origin":"dynamodb"}]})";
  EXPECT_EQ(
      MergeCommand({kJob, std::nullopt, "timeout"}).line,
      R"({"source":"dynamodb_fallback","complete":false,"reason":"timeout",)" + dynamodb_steps);
  EXPECT_EQ(
      MergeCommand({kJob, "[1,", std::nullopt}).line,
      R"({"source":"dynamodb_fallback","complete":false,"reason":"truncated",)" + dynamodb_steps);
  EXPECT_EQ(MergeCommand({kJob, R"({"nope":1})", std::nullopt}).line,
            R"({"source":"dynamodb_fallback","complete":false,"reason":"unexpected_shape",)" +
                dynamodb_steps);
  EXPECT_EQ(MergeCommand({kJob, std::nullopt, std::nullopt}).line,
            R"({"source":"dynamodb","complete":false,"reason":null,)" + dynamodb_steps);
  EXPECT_EQ(
      MergeCommand({R"({"execution_steps_s3_key":"k"})", std::nullopt, std::nullopt}).line,
      R"({"source":"dynamodb_fallback","complete":false,"reason":"s3_url_missing","count":0,"steps":[]})");
  EXPECT_EQ(MergeCommand({R"({"execution_steps":null})", std::nullopt, std::nullopt}).line,
            R"({"source":"dynamodb","complete":true,"reason":null,"count":0,"steps":[]})");
}

TEST(ReportTest, MergeCommandErrors) {
  const CommandOutput bad_job = MergeCommand({"[]", std::nullopt, std::nullopt});
  EXPECT_EQ(bad_job.exit_code, kExitErrorResult);
  EXPECT_EQ(
      bad_job.line,
      R"({"ok":false,"error":{"code":"unexpected_shape","offset":null,"message":"job is a JSON array, not an object"}})");
  EXPECT_EQ(MergeCommand({"{", std::nullopt, std::nullopt}).exit_code, kExitErrorResult);
  const CommandOutput unknown = MergeCommand({kJob, std::nullopt, "bogus"});
  EXPECT_EQ(unknown.exit_code, kExitUsage);
  EXPECT_NE(unknown.line.find("invalid_argument"), std::string::npos);
  EXPECT_EQ(MergeCommand({kJob, "[]", "expired"}).exit_code, kExitUsage);
}

}  // namespace
}  // namespace job_detail
