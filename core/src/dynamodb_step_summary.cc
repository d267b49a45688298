#include "job_detail/dynamodb_step_summary.h"

#include <string>
#include <utility>

namespace job_detail {

Result<StepRow> SummarizeDynamoDbStep(const Job& job, std::size_t i) {
  if (i >= job.steps_index.count()) {
    return Error{ErrorCode::kInvalidArgument, std::nullopt, "DynamoDB step index out of range"};
  }
  Result<StepRow> row = job.steps_index.Summary(i);
  if (!row.ok()) return row;
  StepRow summary = std::move(row).value();
  summary.begin = 0;
  summary.end = 0;
  return summary;
}

}  // namespace job_detail
