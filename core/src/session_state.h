// The session's state and the decisions over it, shared by session.cc (the job, polling, timers,
// the page and the network) and session_steps.cc (the S3 steps list). Internal to the core.
#ifndef JOB_DETAIL_SRC_SESSION_STATE_H_
#define JOB_DETAIL_SRC_SESSION_STATE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "job_detail/detail/job_state.h"
#include "job_detail/detail/session_host.h"
#include "job_detail/document_cache.h"
#include "job_detail/redact.h"
#include "job_detail/session.h"

namespace job_detail {

// The snapshot's errors leave the core: their messages pass the redactor.
inline SnapshotError ToSnapshotError(const FetchOutcome& outcome) {
  return SnapshotError{outcome.code.value_or(ErrorCode::kHttpError),
                       RedactSecrets(outcome.message)};
}

struct Session::State {
  explicit State(SessionConfig cfg) : config(std::move(cfg)), host(config.random_seed) {}

  SessionConfig config;
  detail::SessionHost host;
  std::optional<detail::JobState> current;  // engaged from the first Start
  // The module's documents across jobs (shared with other sessions); null: no cache.
  std::shared_ptr<DocumentCache> cache;

  // --- The job ---
  void StartJobEpisode(detail::JobState& s, std::int64_t now_ms);
  void AttemptJob(detail::JobState& s, std::int64_t now_ms);
  void CancelPoll(detail::JobState& s);
  // Arms the poll timer at `at_ms`, unless polling is off.
  void ArmPoll(detail::JobState& s, std::int64_t at_ms);
  void JobFailed(detail::JobState& s, const FetchOutcome& outcome, std::int64_t now_ms,
                 std::optional<std::int64_t> retry_after_ms);
  std::int64_t PollDelayMs(detail::JobState& s) const;
  void OnJobResponse(detail::JobState& s, int status, const HttpHeaders& headers,
                     std::string_view body, std::int64_t now_ms);

  // --- The steps ---
  void ResetDownload(detail::JobState& s);
  void CancelStepsWork(detail::JobState& s);
  void DropLoaded(detail::JobState& s);
  void DropPartial(detail::JobState& s);

  // After each good job response: whether and how to ask S3 for the steps.
  void DecideSteps(detail::JobState& s, std::int64_t now_ms);
  void StartStepsEpisode(detail::JobState& s, std::int64_t now_ms);
  void AttemptSteps(detail::JobState& s, std::int64_t now_ms);

  // The URL expired (before the fetch, or S3 said so): one job re-fetch for a new URL, then final.
  void RefreshUrl(detail::JobState& s, std::int64_t now_ms, std::string message);

  // S3 failed for good. Steps already shown from the same object stay; otherwise the merge falls
  // back to the DynamoDB list and says why.
  void StepsFinal(detail::JobState& s, SnapshotError error);
  void StepsAnswered(detail::JobState& s);
  void FinishSteps(detail::JobState& s, const FetchOutcome& outcome, std::int64_t now_ms,
                   bool abort);
  void OnStepsResponseStart(detail::JobState& s, int status, const HttpHeaders& headers,
                            std::int64_t now_ms);
  void OnStepsChunk(detail::JobState& s, std::span<const std::uint8_t> bytes, std::int64_t now_ms);
  void OnStepsEnd(detail::JobState& s, std::int64_t now_ms);
  void OnTransportError(detail::JobState& s, std::uint64_t request_id, TransportErrorKind kind,
                        std::int64_t now_ms);

  // --- The document cache (session_cache.cc) ---
  // A new object to show: its cached document, if any, is shown at once (true) and then only
  // revalidated.
  bool TakeFromCache(detail::JobState& s, std::int64_t now_ms);
  // A complete document arrived: the cache keeps it (with an ETag to revalidate it by).
  void GiveToCache(const detail::JobState& s);
  // The `cache` field of a steps `fetch_end`: what the answer did to a document from the cache.
  static const char* CacheVerdict(const detail::JobState& s, const FetchOutcome& outcome,
                                  bool keeps_loaded);

  // --- Timers, page and network ---
  void OnTimer(detail::JobState& s, detail::TimerPurpose purpose, std::int64_t now_ms);
  void Poll(detail::JobState& s, std::int64_t now_ms);

  // The page came back or the network returned: run what waited, at once.
  void Resume(detail::JobState& s, std::int64_t now_ms);
  void Refetch(detail::JobState& s, std::int64_t now_ms);

  // Cancels every request and timer of the current job.
  void CancelAll();
  // Takes a new configuration; the poll timer follows the new interval.
  void Reconfigure(SessionConfig next, std::int64_t now_ms);
};

}  // namespace job_detail

#endif  // JOB_DETAIL_SRC_SESSION_STATE_H_
