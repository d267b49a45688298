#include "job_detail/dynamodb_step_summary.h"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace job_detail {

Result<StepSummary> SummarizeDynamoDbStep(const Job& job, std::size_t i) {
  const nlohmann::json* steps = job.steps();
  if (steps == nullptr || i >= steps->size() || i >= job.step_keys.size() ||
      i >= job.step_costs.size()) {
    return Error{ErrorCode::kInvalidArgument, std::nullopt, "DynamoDB step index out of range"};
  }
  // One rule set for rows: index the step's text as a one-step document. dump() recursion is
  // bounded by the job's parse depth limit; DynamoDB steps are small (the item is under 400 KB).
  std::string document = "[";
  document += (*steps)[i].dump();
  document += ']';
  StepIndex index;
  index.Feed(std::string_view(document));
  if (index.Finish() || index.count() != 1) {
    return Error{ErrorCode::kInvalidJson, std::nullopt, "DynamoDB step could not be re-read"};
  }
  Result<StepSummary> row = index.Summary(0);
  if (!row.ok()) return row;
  StepSummary summary = std::move(row).value();
  summary.index = i;
  summary.begin = 0;
  summary.end = 0;
  summary.key = job.step_keys[i];
  summary.cost = job.step_costs[i];
  return summary;
}

}  // namespace job_detail
