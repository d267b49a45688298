#include "job_detail/session_snapshot.h"

#include "job_detail/detail/snapshot_of.h"

namespace job_detail {

namespace detail {

SessionSnapshot SnapshotOf(const JobState* state, const SessionHost& host) {
  SessionSnapshot next;
  if (state == nullptr) return next;  // idle
  const JobState& s = *state;
  if (s.job_error) {
    next.status = SessionStatus::kError;
  } else if (!s.job || s.load == LoadPhase::kFirstLoad) {
    next.status = SessionStatus::kLoading;
  } else {
    next.status = SessionStatus::kReady;
  }
  if (s.job) {
    JobInfo job;
    job.id = s.job->id.value_or(s.job_id);
    job.status = s.job->status;
    job.phase = s.phase;
    job.terminal = IsTerminal(s.phase);
    job.running = s.phase == StatusPhase::kRunning;
    job.has_s3_key = s.job->s3_key.has_value();
    job.has_s3_url = s.job->s3_url.has_value();
    job.dynamodb_step_count = s.job->step_count();
    next.job = std::move(job);
  }
  next.steps = s.shown.summary;
  if (next.steps && next.steps->source == StepsSource::kS3 && !next.steps->streaming) {
    next.steps->from_cache = s.loaded.from_cache;
  }
  const ReceivedSteps& received = s.download.steps();
  if (s.steps_op.in_flight() && received.index) {
    next.progress =
        StepsProgress{s.download.bytes(), s.download.content_length(), received.index->count()};
  }
  const FetchOperation* active = s.steps_op.active(host) ? &s.steps_op
                                 : s.job_op.active(host) ? &s.job_op
                                                         : nullptr;
  if (active != nullptr) next.attempt = active->attempts();
  for (const FetchOperation* op : {&s.job_op, &s.steps_op}) {
    const auto retry_at = op->retry_at(host);
    if (retry_at && (!next.next_retry_at || *retry_at < *next.next_retry_at)) {
      next.next_retry_at = retry_at;
    }
  }
  next.retry_paused = s.job_op.paused() || s.steps_op.paused() || s.poll == PollPhase::kDue;
  next.fetching = s.job_op.in_flight() || s.steps_op.in_flight();
  next.error = s.job_error ? s.job_error : s.steps_error;
  return next;
}

}  // namespace detail
}  // namespace job_detail
