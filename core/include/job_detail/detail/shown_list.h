// The list a session shows and its summary, computed from the per-job state: the complete S3 list
// merged with the DynamoDB steps, the DynamoDB list (alone or as a fallback), or while the first S3
// document downloads the steps received so far plus the DynamoDB steps they do not include.
#ifndef JOB_DETAIL_DETAIL_SHOWN_LIST_H_
#define JOB_DETAIL_DETAIL_SHOWN_LIST_H_

#include "job_detail/detail/job_state.h"
#include "job_detail/merge.h"
#include "job_detail/step_index.h"

namespace job_detail::detail {

// Recomputes `state.shown` (clearing `stale`).
void RecomputeShownList(JobState& state);

// The list shown now, or nullptr before the job is known.
const MergedList* ShownMergedList(const JobState& state);
// The document the shown list's S3 entries index into; nullptr when it has none.
const StepIndex* ShownStepIndex(const JobState& state);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_SHOWN_LIST_H_
