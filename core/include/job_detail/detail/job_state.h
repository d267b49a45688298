// Everything a session knows about the one job it shows, in one struct: Session::Start makes a new
// one (the host plumbing in SessionHost survives), so nothing of the previous job can leak into
// the next. Where the S3 list stands is StepsPhase; what the next job answer should do about it is
// StepsRequest; a poll's state is PollPhase; whether the first outcome is known is LoadPhase.
#ifndef JOB_DETAIL_DETAIL_JOB_STATE_H_
#define JOB_DETAIL_DETAIL_JOB_STATE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "job_detail/detail/fetch_operation.h"
#include "job_detail/detail/steps_download.h"
#include "job_detail/job.h"
#include "job_detail/merge.h"
#include "job_detail/session_snapshot.h"
#include "job_detail/status_phase.h"
#include "job_detail/step_index.h"

namespace job_detail::detail {

// Whether the first answer about the job and its steps is known (the snapshot's loading/ready).
// Once settled, a job stays settled: a later refresh does not turn the view back into a spinner.
enum class LoadPhase : std::uint8_t { kFirstLoad, kSettled };

// Where the job's S3 list stands: what the shown list is built from.
enum class StepsPhase : std::uint8_t {
  kNotRequested,  // no S3 document asked for: none named, or a Refetch set a first download aside
  kPending,  // the first document of this object is on its way; its rows are shown as they come
  kLoaded,   // a complete document is shown (a later fetch of it may be under way)
  kFailed,   // S3 failed for good and nothing of this object is shown: the DynamoDB fallback
};

// What the next good job answer does about the steps besides the routine decision.
enum class StepsRequest : std::uint8_t {
  kRoutine,   // ask S3 only when something says the list may have changed
  kForced,    // the user asked (Refetch): ask S3 again whatever changed
  kFreshUrl,  // the URL expired: the job is fetched again for a new one, then S3 with it
};

enum class PollPhase : std::uint8_t {
  kIdle,     // not polling (a terminal job, a final error, or a job request under way)
  kWaiting,  // the poll timer is armed
  kDue,      // the poll came due while the page was hidden or offline: it runs when they return
};

// The presigned URL to use next.
struct StepsUrl {
  std::string url;
  std::string key;  // StepsCacheKey: the object it points at
  std::optional<std::int64_t> expiry_ms;
  std::int64_t received_ms = 0;
};

// The last complete, valid S3 document. Shared: the module's DocumentCache and other sessions
// showing the same object may hold the same index.
struct LoadedSteps {
  std::shared_ptr<const StepIndex> index;
  std::vector<StepKey> keys;  // its steps' merge keys, in document order
  std::string key;            // the object it came from
  std::optional<std::string> etag;
  // Taken from the DocumentCache rather than downloaded by this job (stays so after a 304).
  bool from_cache = false;
};

// The list to show, recomputed only when something it depends on changed (`stale`).
struct ShownList {
  std::unique_ptr<MergedList> merged;  // null while streaming (the stream's merge is shown)
  std::optional<StepsInfo> summary;    // null before the job is known
  bool stale = false;
};

struct JobState {
  explicit JobState(std::string id) : job_id(std::move(id)) {}

  // --- The job ---
  std::string job_id;
  LoadPhase load = LoadPhase::kFirstLoad;
  FetchOperation job_op{FetchTarget::kJob};
  PollPhase poll = PollPhase::kIdle;
  std::unique_ptr<Job> job;
  StatusPhase phase = StatusPhase::kUnknown;  // the job's status by the session's vocabulary
  int unknown_status_polls = 0;  // answers in a row whose status was unknown: the poll backs off
  std::optional<SnapshotError> job_error;  // the job request failed for good

  // --- The S3 steps: the URL to use next, the fetch, and what is shown ---
  StepsUrl steps_url;
  FetchOperation steps_op{FetchTarget::kSteps};
  StepsDownload download;
  StepsPhase steps_phase = StepsPhase::kNotRequested;
  StepsRequest steps_request = StepsRequest::kRoutine;
  int expiry_refreshes = 0;  // job re-fetches for a fresh URL since the last good S3 answer
  std::optional<SnapshotError> steps_error;
  LoadedSteps loaded;
  // The longest part of the first document received by an attempt that failed and will be
  // retried: shown until a later attempt has received as many steps, so rows do not vanish and
  // come back while S3 is retried.
  ReceivedSteps partial;
  // The job as it was when the steps were last requested: a change asks S3 again.
  std::size_t basis_step_count = 0;
  std::optional<std::string> basis_status;
  ShownList shown;

  // The loaded document is the one the current URL points at.
  bool KeepsLoaded() const { return loaded.index && loaded.key == steps_url.key; }

  // While no complete S3 list is shown: the S3 steps received so far, from the download under
  // way or, until it has as many, from an earlier attempt's. nullptr when there are none.
  const ReceivedSteps* ShownStream() const {
    if (steps_phase != StepsPhase::kPending) return nullptr;
    const ReceivedSteps& live = download.steps();
    if (live.count() > 0 && live.count() >= partial.count()) return &live;
    return partial.count() > 0 ? &partial : nullptr;
  }
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_JOB_STATE_H_
