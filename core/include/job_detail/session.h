// Session: the sans-I/O state machine behind one job detail view (quinn-proto / h11 style).
//
// The host feeds it events (responses, chunks, timer expiries, visibility and connectivity, all
// with the current time as epoch milliseconds) and drains effects with PollEffect(): fetches to
// start, requests and timers to cancel, timers to arm, metrics. It reads no clock, performs no I/O
// and draws no random numbers of its own accord, so every scenario is a deterministic test.
//
// What it decides:
// - classification of every way a fetch ends (FetchOutcome), retries with full-jitter backoff and
//   Retry-After, paused while the page is hidden or offline and resumed when it returns;
// - presigned URL expiry on the server's clock (skew from the API's Date header), a single job
//   re-fetch for a fresh URL when one expired (before the fetch, or on S3's 403), then final;
// - polling the job while its status is not terminal; the S3 steps are fetched again when the URL's
//   object (StepsCacheKey) changed, and otherwise on every poll with If-None-Match when an ETag is
//   known (without one: only when the DynamoDB step count grew, the job status changed or the user
//   asked); a 304 keeps the index untouched;
// - the step list to show (Merge), keeping DynamoDB steps visible whenever S3 failed. While the
//   first S3 document of a job downloads, the list is its steps indexed so far plus the DynamoDB
//   steps not among them (source s3, incomplete, `streaming`), merged step by step as they arrive
//   (StreamingMerge); an attempt that fails and is retried keeps its rows shown until the next one
//   has as many. A failure for good falls back to DynamoDB. A refresh of a list already shown
//   keeps the old list until the new document is complete;
// - the document cache across jobs (SetDocumentCache): a cached object is shown at once, then
//   revalidated; complete documents are given to it;
// - a request timeout (no response or no new bytes for request_timeout_ms): cancel, then retry.
// Responses, chunks and timers with an id the session no longer waits for are ignored.
//
// Inside (core/include/job_detail/detail/, core/src/): the host plumbing that survives a job change
// (SessionHost: effects, ids, a timer table keyed by purpose, page and network, clock skew,
// randomness), a reusable fetch with its retry budget (FetchOperation), the S3 download with its
// rows while streaming (StepsDownload), and one per-job state (JobState, with an explicit steps
// phase) that Start replaces whole. session.cc and session_steps.cc hold the decisions.
#ifndef JOB_DETAIL_SESSION_H_
#define JOB_DETAIL_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/error.h"
#include "job_detail/fetch_outcome.h"
#include "job_detail/job.h"
#include "job_detail/merge.h"
#include "job_detail/presigned_url.h"
#include "job_detail/retry_policy.h"
#include "job_detail/session_effect.h"
#include "job_detail/session_snapshot.h"
#include "job_detail/step_index.h"

namespace job_detail {

class DocumentCache;

struct SessionConfig {
  // The job is fetched from `<api_base_url>/jobs/<percent-encoded id>`.
  std::string api_base_url;
  RetryConfig retry;
  // How long after each answer a running job is fetched again; nullopt: never (the host polls,
  // e.g. TanStack Query's refetchInterval, or the page wants one answer). A job whose status is in
  // neither list of `statuses` is fetched again after poll_interval_ms, doubling per answer up to
  // unknown_status_poll_cap_ms; a terminal one is not polled.
  std::optional<std::int64_t> poll_interval_ms = 5'000;
  std::int64_t unknown_status_poll_cap_ms = 60'000;
  StatusVocabulary statuses;
  // A request with no response, or a body with no new bytes, for this long is cancelled and counts
  // as a timeout (retried).
  std::int64_t request_timeout_ms = 30'000;
  std::int64_t expiry_margin_ms = kPresignedExpiryMarginMs;
  // A presigned URL without a readable expiry is used only this long after the API gave it; after
  // that (a retry, a resume) it is refreshed through the job like an expired one.
  std::int64_t unknown_expiry_ttl_ms = 60'000;
  // When non-empty, S3 URLs must point at one of these hosts (see CheckFetchAllowed).
  std::vector<std::string> allowed_hosts;
  StepIndexOptions steps_limits;
  // Seeds the fallback generator used for a backoff when the host gave no SetRandom value.
  std::uint64_t random_seed = 0x9E3779B97F4A7C15u;
};

// A row of the list the session shows, and which list it comes from.
struct ShownRow {
  StepRow row;
  StepOrigin origin = StepOrigin::kS3;
};

constexpr auto FieldsOf(Tag<ShownRow>) {
  return std::make_tuple(Inlined(&ShownRow::row), Member("origin", &ShownRow::origin));
}

class Session {
 public:
  explicit Session(SessionConfig config = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // --- Inputs ---
  // Begins (or restarts, cancelling everything in flight) loading job `job_id`.
  void Start(std::string_view job_id, std::int64_t now_ms);
  // Cancels all requests and timers; the snapshot stays as it is.
  void Stop(std::int64_t now_ms);
  void OnJobResponse(std::uint64_t request_id, int status, const HttpHeaders& headers,
                     std::string_view body, std::int64_t now_ms);
  void OnStepsResponseStart(std::uint64_t request_id, int status, const HttpHeaders& headers,
                            std::int64_t now_ms);
  void OnStepsChunk(std::uint64_t request_id, std::span<const std::uint8_t> bytes,
                    std::int64_t now_ms);
  void OnStepsChunk(std::uint64_t request_id, std::string_view bytes, std::int64_t now_ms);
  void OnStepsEnd(std::uint64_t request_id, std::int64_t now_ms);
  void OnTransportError(std::uint64_t request_id, TransportErrorKind kind, std::int64_t now_ms);
  void OnTimer(std::uint64_t timer_id, std::int64_t now_ms);
  void SetPageVisible(bool visible, std::int64_t now_ms);
  void SetOnline(bool online, std::int64_t now_ms);
  // Fetch the job again now (and the steps, conditionally): cancels what is in flight, resets the
  // retry budget, restarts polling after a final error. Ignored before Start.
  void Refetch(std::int64_t now_ms);
  // The random number in [0, 1) for the next backoff. Used once; without one the session draws
  // from a generator seeded by SessionConfig::random_seed (still deterministic).
  void SetRandom(double random);
  // Replaces the configuration (the host's options changed) without touching the job, its rows or
  // the requests in flight: each setting applies from its next use. An armed poll keeps its
  // start and takes the new interval (due at once if that is already past); no interval cancels
  // it, and an interval given to a running job that was not polled arms one.
  void SetConfig(SessionConfig config, std::int64_t now_ms);
  // The host could not process the steps (its module instance failed while reading them): the
  // download is given up for good with `error` and the job's own steps are shown with it as the
  // reason, as for any final S3 failure. Ignored before the job is known.
  void FailSteps(SnapshotError error, std::int64_t now_ms);
  // The documents kept across jobs, shared with the module's other sessions (null: none). A job
  // whose S3 object is cached is shown from it at once after the job's answer, then revalidated
  // with If-None-Match (304 keeps it, 200 replaces it here and in the cache); every complete
  // document with an ETag is given to it. Applies from the next job answer.
  void SetDocumentCache(std::shared_ptr<DocumentCache> cache);

  // --- Outputs ---
  std::optional<SessionEffect> PollEffect();
  // The earliest armed timer, or nullopt when the session waits for nothing but responses.
  std::optional<std::int64_t> NextDeadline() const;
  // The same object (same version) until something in it changes.
  const SessionSnapshot& Snapshot() const { return snapshot_; }
  std::uint64_t version() const { return snapshot_.version; }
  // Snapshot().steps->count, or 0 without a list: what a caller checks after every chunk,
  // without converting the whole snapshot.
  std::size_t shown_count() const { return snapshot_.steps ? snapshot_.steps->count : 0; }
  // The last complete, valid S3 document, or nullptr.
  const StepIndex* steps_index() const;
  // The document being downloaded right now (for progress rows), or nullptr.
  const StepIndex* streaming_steps_index() const;
  // The list to show (S3 and DynamoDB merged), or nullptr before the job is known. While the first
  // S3 document downloads (snapshot steps.streaming) it is the steps received so far plus the
  // DynamoDB steps they do not include, and it grows as bytes arrive.
  const MergedList* merged() const;
  // The document the merged list's S3 entries index into: steps_index(), or while the list is
  // streaming, the document received so far. nullptr when the list has no S3 entries.
  const StepIndex* merged_steps_index() const;
  // The complete S3 document the shown list comes from (source s3, the download finished), or
  // nullptr: what "download the steps" hands over, as the index holds it.
  const StepIndex* shown_document() const;
  // The last successfully parsed job, or nullptr.
  const Job* job() const;

  // Row i of the shown list (merged()) with its origin, read by the same rules whichever list it
  // comes from. kInvalidArgument when i is out of range.
  Result<ShownRow> Row(std::size_t i, RowDetail detail = RowDetail::kFull) const;
  // The full JSON text of step i of the shown list, from the S3 document or the job's own
  // `execution_steps`; empty when i is out of range. Valid until the next input.
  std::string_view StepText(std::size_t i) const;

 private:
  struct State;
  // Rebuilds the snapshot from the state; bumps the version only when a field changed.
  void Publish();

  std::unique_ptr<State> state_;
  SessionSnapshot snapshot_;
};

}  // namespace job_detail

#endif  // JOB_DETAIL_SESSION_H_
