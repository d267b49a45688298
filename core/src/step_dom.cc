#include "job_detail/detail/step_dom.h"

#include <cstdint>
#include <limits>

#include "job_detail/detail/json_scanner.h"

namespace job_detail::detail {

namespace {
// The index bounded the step's depth already.
constexpr std::uint32_t kAnyDepth = std::numeric_limits<std::uint32_t>::max();
}  // namespace

Result<nlohmann::json> DecodeStep(const StepIndex& index, std::size_t i) {
  const Result<StepRow> row = index.Summary(i);
  if (!row.ok()) return row.error();
  const std::string_view text = index.StepJsonText(i);
  // nlohmann decodes RFC 8259 with well-formed UTF-8 only, and with exceptions off it aborts on a
  // number beyond double: what the index's default rules accept beyond that is refused here with
  // a typed error (StepJsonText has the step whole, for a decoder that reads it as JSON.parse).
  if (!detail::IsStrictJsonValue(text, kAnyDepth)) {
    return Error{ErrorCode::kInvalidJson, row.value().begin,
                 "the step holds ill-formed UTF-8, a lone surrogate or a number beyond double, "
                 "which this decoder does not read; use its JSON text"};
  }
  // Non-throwing parse; the span was validated (grammar, UTF-8, depth, finite numbers) already,
  // and nlohmann parses iteratively, so a deep step cannot overflow the stack.
  nlohmann::json step = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (step.is_discarded()) {
    return Error{ErrorCode::kInvalidJson, row.value().begin, "step could not be decoded"};
  }
  return step;
}

}  // namespace job_detail::detail
