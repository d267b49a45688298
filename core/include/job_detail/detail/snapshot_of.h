// The snapshot a session publishes, read off its per-job state and host plumbing. Versioning (the
// same object until a field changes) stays with Session::Publish.
#ifndef JOB_DETAIL_DETAIL_SNAPSHOT_OF_H_
#define JOB_DETAIL_DETAIL_SNAPSHOT_OF_H_

#include "job_detail/detail/job_state.h"
#include "job_detail/detail/session_host.h"
#include "job_detail/session_snapshot.h"

namespace job_detail::detail {

// `state` is nullptr before Start. The shown list must be up to date (RecomputeShownList).
SessionSnapshot SnapshotOf(const JobState* state, const SessionHost& host);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_SNAPSHOT_OF_H_
