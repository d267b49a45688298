// A step's list row and merge key, read from its StepRecord (spans into the document) on demand:
// string members are decoded, numbers kept as written, token counts and the cost parsed, and the
// output's length and legacy-cut verdict computed (step_output.h).
#ifndef JOB_DETAIL_DETAIL_STEP_ROWS_H_
#define JOB_DETAIL_DETAIL_STEP_ROWS_H_

#include <cstddef>
#include <optional>
#include <string_view>

#include "job_detail/cost.h"
#include "job_detail/detail/document_buffer.h"
#include "job_detail/detail/step_record.h"
#include "job_detail/step_index.h"
#include "job_detail/step_key.h"

namespace job_detail::detail {

inline std::string_view TextOf(DocumentView document, TextSpan span) {
  return std::string_view(reinterpret_cast<const char*>(document.At(span.offset)), span.length);
}

// The field's JSON text, nullopt when the step has no such member.
std::optional<std::string_view> FieldText(DocumentView document, const StepRecord& record,
                                          RowMember field);
// `cost_usd`; a non-object entry counts as invalid.
Cost StepCost(DocumentView document, const StepRecord& record);
// The merge key of the step at `position` in the list.
StepKey StepKeyOfRecord(DocumentView document, const StepRecord& record, std::size_t position);
// The row of the step at `position` in the list.
StepRow StepRowOfRecord(DocumentView document, const StepRecord& record, std::size_t position,
                        RowDetail detail = RowDetail::kFull);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_STEP_ROWS_H_
