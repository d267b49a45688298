// A step's merge key: which DynamoDB step and which S3 step are the same step.
// `step_number` when it is an integer (JSON `3` and `"3"` are the same key), else `step_id`, else
// `id` (a string, or an integer written as its decimal text), else the step's position in its list.
#ifndef JOB_DETAIL_STEP_KEY_H_
#define JOB_DETAIL_STEP_KEY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace job_detail {

enum class StepKeyKind : std::uint8_t { kStepNumber, kId, kPosition };

struct StepKey {
  StepKeyKind kind = StepKeyKind::kPosition;
  std::int64_t number = 0;  // the step number (kStepNumber) or the 0-based position (kPosition)
  std::string id;           // kId only
};

// Each argument is the raw JSON text of that member's value when the step has it, nullopt when
// absent. A member whose value does not qualify (null, `3.5`, `true`, an object, `""`, malformed
// text) counts as absent, so the next rule decides. `step_number` qualifies as an integer number
// in int64 range or a string holding one (`"3"`, `"-1"`, `"03"` is 3). `step_id`/`id` qualify as
// a non-empty string or an integer number (`7` and `"7"` are the same id).
StepKey StepKeyFromJsonText(std::optional<std::string_view> step_number,
                            std::optional<std::string_view> step_id,
                            std::optional<std::string_view> id, std::size_t position);

// For reports: `3` (step number), `id:abc`, `#7` (position).
std::string StepKeyToString(const StepKey& key);

bool operator==(const StepKey& a, const StepKey& b);

struct StepKeyHash {
  std::size_t operator()(const StepKey& key) const;
};

}  // namespace job_detail

#endif  // JOB_DETAIL_STEP_KEY_H_
