// The fixed record the step index keeps per step: spans into the retained document, nothing else.
#ifndef JOB_DETAIL_DETAIL_STEP_RECORD_H_
#define JOB_DETAIL_DETAIL_STEP_RECORD_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace job_detail::detail {

// [offset, offset + length) in the document; length 0 means absent (no JSON value is empty).
struct TextSpan {
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
};

// The step members a list row needs (and the merge key's inputs).
enum class RowMember : std::uint8_t {
  kStepNumber,
  kStepId,
  kId,
  kName,
  kStatus,
  kStartedAt,
  kCompletedAt,
  kDurationMs,
  kModel,
  kInputTokens,
  kOutputTokens,
  kTotalTokens,
  kCostUsd,
  kOutput,
  // Not kept as a span (the record stays within 128 bytes): read at its value into
  // StepRecord::output_declared_html.
  kOutputType,
};
inline constexpr std::size_t kStepFieldCount = 14;  // the members kept as spans

// Which field a member name fills and its rank among alternatives (0 wins over 1 over 2):
// `step_name` over `name`, `started_at` over `start_time`, `completed_at` over `ended_at` over
// `end_time`. nullopt for any other name.
struct FieldSlot {
  RowMember field;
  std::uint8_t rank;
};
std::optional<FieldSlot> FieldForMemberName(std::string_view name);

struct StepRecord {
  TextSpan span;  // the whole step value
  std::array<TextSpan, kStepFieldCount> fields;
  // For the fields with alternatives: the rank of the member held so far (3: none yet).
  std::uint8_t name_rank = 3;
  std::uint8_t started_rank = 3;
  std::uint8_t completed_rank = 3;
  bool is_object = false;
  bool output_declared_html = false;  // `output_type` is the string `html` (any case)
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_STEP_RECORD_H_
