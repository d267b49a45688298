#include "job_detail/dynamodb_step_summary.h"

#include <gtest/gtest.h>

#include "job_detail/job.h"

namespace job_detail {
namespace {

Job MustParse(std::string_view text) {
  Result<Job> job = ParseJob(text);
  EXPECT_TRUE(job.ok());
  return std::move(job).value();
}

TEST(DynamoDbStepSummaryTest, ReadsRowFieldsByTheIndexRules) {
  const Job job = MustParse(R"({"id":"j","execution_steps":[
    {"step_number":"2","name":"fallback name","step_name":"Plan","status":"completed",
     "start_time":"t0","ended_at":"t1","duration_ms":1250,"model":"m","input_tokens":10,
     "output_tokens":-1,"cost_usd":0.1000000000000000055511151231257827},
    7]})");
  Result<StepRow> row = SummarizeDynamoDbStep(job, 0);
  ASSERT_TRUE(row.ok());
  const StepRow& s = row.value();
  EXPECT_EQ(s.index, 0u);
  EXPECT_TRUE(s.is_object);
  EXPECT_EQ(s.key.kind, StepKeyKind::kStepNumber);
  EXPECT_EQ(s.key.number, 2);
  EXPECT_EQ(s.step_number, "2");
  EXPECT_EQ(s.name, "Plan");
  EXPECT_EQ(s.status, "completed");
  EXPECT_EQ(s.started_at, "t0");
  EXPECT_EQ(s.completed_at, "t1");
  EXPECT_EQ(s.duration_ms, "1250");
  EXPECT_EQ(s.model, "m");
  EXPECT_EQ(s.input_tokens, 10u);
  EXPECT_FALSE(s.output_tokens.has_value());
  // The exact cost from the job's text, not the double reprinted.
  EXPECT_EQ(s.cost.kind, CostKind::kValid);
  EXPECT_EQ(FormatCostDisplay(s.cost), "$0.10");
  EXPECT_EQ(s.cost.value.ToCanonicalString(), "0.1");
  EXPECT_EQ(s.begin, 0u);
  EXPECT_EQ(s.end, 0u);

  Result<StepRow> entry = SummarizeDynamoDbStep(job, 1);
  ASSERT_TRUE(entry.ok());
  EXPECT_FALSE(entry.value().is_object);
  EXPECT_EQ(entry.value().index, 1u);
  // The cost the job's totals counted for this entry, so a row and the total agree.
  EXPECT_EQ(entry.value().cost, job.step_costs[1]);
}

TEST(DynamoDbStepSummaryTest, OutOfRangeAndNoStepsAreInvalidArgument) {
  const Job with_steps = MustParse(R"({"execution_steps":[{"step_number":1}]})");
  Result<StepRow> past_end = SummarizeDynamoDbStep(with_steps, 1);
  ASSERT_FALSE(past_end.ok());
  EXPECT_EQ(past_end.error().code, ErrorCode::kInvalidArgument);

  const Job without_steps = MustParse(R"({"execution_steps":"oops"})");
  Result<StepRow> none = SummarizeDynamoDbStep(without_steps, 0);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace job_detail
