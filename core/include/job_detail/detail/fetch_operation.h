// A fetch with its retry budget, reusable for the job and the steps (quinn-proto keeps such pieces
// in connection/ submodules): one "episode" runs from the first attempt to a success or a final
// failure. It owns the request in flight (id, URL, timing, timeout), the attempts made, the
// backoff before the next one, and the pause while the page is hidden or offline. What an answer
// means is the session's decision; this part only carries the mechanics and their metrics.
#ifndef JOB_DETAIL_DETAIL_FETCH_OPERATION_H_
#define JOB_DETAIL_DETAIL_FETCH_OPERATION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "job_detail/detail/session_host.h"
#include "job_detail/detail/timer_table.h"
#include "job_detail/fetch_outcome.h"
#include "job_detail/retry_policy.h"
#include "job_detail/session_effect.h"

namespace job_detail::detail {

enum class FetchTarget : std::uint8_t { kJob, kSteps };

// One request in flight. id 0: none.
struct InFlight {
  std::uint64_t id = 0;
  std::string url;
  std::int64_t started_ms = 0;
  std::int64_t last_progress_ms = 0;
  bool conditional = false;
};

class FetchOperation {
 public:
  explicit FetchOperation(FetchTarget target) : target_(target) {}

  FetchTarget target() const { return target_; }
  const InFlight& request() const { return request_; }
  // Whether `id` is the request this operation waits for.
  bool Awaits(std::uint64_t id) const { return id != 0 && id == request_.id; }
  bool in_flight() const { return request_.id != 0; }
  int attempts() const { return attempts_; }
  bool paused() const { return paused_; }
  // A request in flight, a retry armed, or an attempt waiting for the page or the network.
  bool active(const SessionHost& host) const;
  std::optional<std::int64_t> retry_at(const SessionHost& host) const;

  // Cancels everything and starts a new episode with a full budget.
  void StartEpisode(SessionHost* host);
  // Cancels the request in flight (the host aborts it) and the retry; the budget stays.
  void Cancel(SessionHost* host);

  // First attempts need the network; retries and polls also wait while the page is hidden.
  bool MayRun(const SessionHost& host) const;
  // Pauses the operation when it may not run now (the session resumes it later); true when it may.
  bool ReadyToRun(const SessionHost& host);
  // Counts an attempt and asks the host for it (FetchJob or FetchSteps), with a timeout.
  void Launch(SessionHost* host, std::string url, HttpHeaders headers, bool conditional,
              std::int64_t now_ms, std::int64_t timeout_ms);
  // Bytes (or the response head) arrived: the timeout counts from here.
  void Progressed(std::int64_t now_ms) { request_.last_progress_ms = now_ms; }
  // Forgets the request, returning it; with `abort`, tells the host to abort it too.
  InFlight End(SessionHost* host, bool abort);
  // The `fetch_end` metric for a request End() returned; `cache` (steps only) is what the answer
  // did to a document shown from the DocumentCache.
  void EmitEnd(SessionHost* host, const InFlight& request, int status, const FetchOutcome& outcome,
               std::uint64_t bytes, std::int64_t now_ms, bool fell_back,
               const char* cache = nullptr) const;

  // Arms the retry timer when the budget allows; false when the failure is final.
  bool ScheduleRetry(SessionHost* host, const RetryConfig& retry, std::int64_t now_ms,
                     std::optional<std::int64_t> retry_after_ms);
  // The timeout fired. When bytes arrived since it was armed, waits a full timeout from the last
  // of them and returns true: one timer per request instead of one per chunk keeps the effect
  // stream quiet on large downloads. False: the request timed out.
  bool ExtendTimeout(SessionHost* host, std::int64_t timeout_ms, std::int64_t now_ms);

  TimerPurpose retry_purpose() const {
    return target_ == FetchTarget::kJob ? TimerPurpose::kJobRetry : TimerPurpose::kStepsRetry;
  }
  TimerPurpose timeout_purpose() const {
    return target_ == FetchTarget::kJob ? TimerPurpose::kJobTimeout : TimerPurpose::kStepsTimeout;
  }

 private:
  FetchTarget target_;
  InFlight request_;
  int attempts_ = 0;     // made in this episode
  bool paused_ = false;  // an attempt is due but waits for the page / the network
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_FETCH_OPERATION_H_
