#include "job_detail/detail/step_dom.h"

namespace job_detail::detail {

Result<nlohmann::json> DecodeStep(const StepIndex& index, std::size_t i) {
  const Result<StepSummary> row = index.Summary(i);
  if (!row.ok()) return row.error();
  const std::string_view text = index.StepJsonText(i);
  // Non-throwing parse; the span was validated (grammar, UTF-8, depth, finite numbers) already,
  // and nlohmann parses iteratively, so a deep step cannot overflow the stack.
  nlohmann::json step = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (step.is_discarded()) {
    return Error{ErrorCode::kInvalidJson, row.value().begin, "step could not be decoded"};
  }
  return step;
}

}  // namespace job_detail::detail
