// The session's decisions about the S3 steps list: whether to ask S3 after a job answer, how an
// answer, a chunk or a failure changes what is shown, and the presigned URL's refresh.
#include <utility>

#include "job_detail/detail/shown_list.h"
#include "session_state.h"

namespace job_detail {

using detail::LoadPhase;
using detail::ReceivedSteps;
using detail::StepsPhase;
using detail::StepsRequest;

void Session::State::ResetDownload(detail::JobState& s) {
  if (s.download.steps().count() > 0 && s.ShownStream() == &s.download.steps()) {
    s.shown.stale = true;
  }
  s.download = detail::StepsDownload{};
}

void Session::State::CancelStepsWork(detail::JobState& s) {
  s.steps_op.Cancel(&host);
  ResetDownload(s);
}

void Session::State::DropLoaded(detail::JobState& s) {
  s.shown.stale = true;
  s.partial = ReceivedSteps{};
  s.loaded = detail::LoadedSteps{};
}

void Session::State::DropPartial(detail::JobState& s) {
  if (s.partial.index) s.shown.stale = true;
  s.partial = ReceivedSteps{};
}

// After each good job response: whether and how to ask S3 for the steps.
void Session::State::DecideSteps(detail::JobState& s, std::int64_t now_ms) {
  const StepsRequest request = std::exchange(s.steps_request, StepsRequest::kRoutine);
  const Job& job = *s.job;
  if (!job.s3_key && !job.s3_url) {
    CancelStepsWork(s);
    DropLoaded(s);
    s.steps_error.reset();
    s.steps_phase = StepsPhase::kNotRequested;
    s.load = LoadPhase::kSettled;
    return;
  }
  if (!job.s3_url) {
    CancelStepsWork(s);
    DropLoaded(s);
    StepsFinal(s, SnapshotError{ErrorCode::kS3UrlMissing,
                                "the job names an S3 steps key but the API gave no URL"});
    return;
  }
  if (auto refused = CheckFetchAllowed(*job.s3_url, config.allowed_hosts)) {
    CancelStepsWork(s);
    DropLoaded(s);
    StepsFinal(s, SnapshotError{refused->code, "steps URL refused: " + refused->message});
    return;
  }
  const std::string key = StepsCacheKey(*job.s3_url);
  const bool key_changed = key != s.steps_url.key;
  s.steps_url = detail::StepsUrl{*job.s3_url, key, PresignedExpiryMs(*job.s3_url), now_ms};
  if (key_changed) {
    s.expiry_refreshes = 0;
    // A different document: what is shown stays until the new one is complete or fails, unless
    // the cache has it (then it is shown now and the episode only revalidates it).
    if (s.loaded.key != key) {
      TakeFromCache(s, now_ms);
      return StartStepsEpisode(s, now_ms);
    }
  }
  if (request == StepsRequest::kFreshUrl) return StartStepsEpisode(s, now_ms);
  // Same object: a fetch or retry under way simply continues, now with the fresher URL.
  if (s.steps_op.active(host)) return;
  // With an ETag, asking again costs a 304 and catches an object rewritten in place (a running
  // job past 400 KB keeps its first 5 DynamoDB steps and status while S3 grows). Without one, a
  // full download is worth it only when the job says something changed.
  const bool job_changed = job.step_count() > s.basis_step_count || job.status != s.basis_status;
  const bool never_answered = s.steps_phase == StepsPhase::kNotRequested;
  const bool can_ask_cheaply = s.KeepsLoaded() && s.loaded.etag.has_value();
  if (request == StepsRequest::kForced || job_changed || never_answered || can_ask_cheaply) {
    StartStepsEpisode(s, now_ms);
  }
}

void Session::State::StartStepsEpisode(detail::JobState& s, std::int64_t now_ms) {
  CancelStepsWork(s);
  if (s.partial.key != s.steps_url.key) DropPartial(s);
  s.steps_op.StartEpisode(&host);
  s.basis_step_count = s.job->step_count();
  s.basis_status = s.job->status;
  if (s.steps_phase != StepsPhase::kLoaded) s.steps_phase = StepsPhase::kPending;
  AttemptSteps(s, now_ms);
}

void Session::State::AttemptSteps(detail::JobState& s, std::int64_t now_ms) {
  if (!s.steps_op.ReadyToRun(host)) return;
  const detail::StepsUrl& url = s.steps_url;
  UrlFreshness freshness =
      CheckFreshness(url.expiry_ms, now_ms, host.skew_ms(), config.expiry_margin_ms);
  if (freshness == UrlFreshness::kUnknown &&
      now_ms - url.received_ms > config.unknown_expiry_ttl_ms) {
    freshness = UrlFreshness::kExpired;
  }
  if (freshness == UrlFreshness::kExpired) {
    host.Emit(Metric{"url_expired",
                     {{"url", RedactUrl(url.url)},
                      {"before_fetch", true},
                      {"known_expiry", url.expiry_ms.has_value()}}});
    RefreshUrl(s, now_ms, "presigned URL expired before the fetch");
    return;
  }
  ResetDownload(s);
  const bool conditional = s.KeepsLoaded() && s.loaded.etag.has_value();
  HttpHeaders headers;
  if (conditional) headers.emplace_back("If-None-Match", *s.loaded.etag);
  s.steps_op.Launch(&host, url.url, std::move(headers), conditional, now_ms,
                    config.request_timeout_ms);
}

// The URL expired (before the fetch, or S3 said so): one job re-fetch for a new URL, then final.
void Session::State::RefreshUrl(detail::JobState& s, std::int64_t now_ms, std::string message) {
  if (s.expiry_refreshes >= 1) {
    StepsFinal(s,
               SnapshotError{ErrorCode::kExpired, std::move(message) + " (again after a refresh)"});
    return;
  }
  ++s.expiry_refreshes;
  s.steps_request = StepsRequest::kFreshUrl;
  // A job request already under way brings a URL signed after this moment.
  if (!s.job_op.in_flight()) StartJobEpisode(s, now_ms);
}

// S3 failed for good. Steps already shown from the same object stay; otherwise the merge falls
// back to the DynamoDB list and says why.
void Session::State::StepsFinal(detail::JobState& s, SnapshotError error) {
  s.shown.stale = true;
  s.partial = ReceivedSteps{};
  error.message = RedactSecrets(error.message);
  s.steps_error = std::move(error);
  s.load = LoadPhase::kSettled;
  if (s.KeepsLoaded()) {
    s.steps_phase = StepsPhase::kLoaded;
  } else {
    DropLoaded(s);
    s.steps_phase = StepsPhase::kFailed;
  }
}

void Session::State::StepsAnswered(detail::JobState& s) {
  s.shown.stale = true;
  s.steps_phase = StepsPhase::kLoaded;
  s.steps_error.reset();
  s.expiry_refreshes = 0;
  s.load = LoadPhase::kSettled;
}

void Session::State::FinishSteps(detail::JobState& s, const FetchOutcome& outcome,
                                 std::int64_t now_ms, bool abort) {
  const bool keeps_loaded = s.KeepsLoaded();
  const bool final_failure =
      outcome.verdict == FetchVerdict::kFinal ||
      (outcome.verdict == FetchVerdict::kRetry && !MayRetry(config.retry, s.steps_op.attempts())) ||
      (outcome.verdict == FetchVerdict::kRefreshUrl && s.expiry_refreshes >= 1) ||
      (outcome.verdict == FetchVerdict::kNotModified && !keeps_loaded);
  const detail::InFlight request = s.steps_op.End(&host, abort);
  s.steps_op.EmitEnd(&host, request, s.download.status(), outcome, s.download.bytes(), now_ms,
                     final_failure && !keeps_loaded, CacheVerdict(s, outcome, keeps_loaded));
  // Whatever happens next, the rows received so far stop being the live download.
  s.shown.stale = s.shown.stale || s.ShownStream() != nullptr;
  ReceivedSteps received = std::move(s.download.steps());
  received.CatchUp(s.job->step_keys);  // Finish() may have completed a last step
  const std::optional<std::string> etag = s.download.etag();
  const std::optional<std::int64_t> retry_after = s.download.retry_after_ms();
  ResetDownload(s);
  switch (outcome.verdict) {
    case FetchVerdict::kSuccess:
      if (!received.index) break;  // kSuccess always comes with an index; stay safe
      s.loaded = detail::LoadedSteps{std::move(received.index), received.merge->s3_keys(),
                                     s.steps_url.key, etag};
      s.partial = ReceivedSteps{};
      GiveToCache(s);
      StepsAnswered(s);
      return;
    case FetchVerdict::kNotModified:
      if (keeps_loaded) return StepsAnswered(s);
      StepsFinal(s, SnapshotError{ErrorCode::kHttpError, "HTTP 304 without a document to keep"});
      return;
    case FetchVerdict::kRetry:
      if (!s.steps_op.ScheduleRetry(&host, config.retry, now_ms, retry_after)) {
        return StepsFinal(s, ToSnapshotError(outcome));
      }
      // Rows of a first download stay shown while S3 is retried.
      if (s.steps_phase == StepsPhase::kPending && received.count() > s.partial.count()) {
        s.partial = std::move(received);
        s.shown.stale = true;
      }
      return;
    case FetchVerdict::kRefreshUrl:
      // S3's own clock is the one that judged the URL: trust its ServerTime over the API's Date.
      if (outcome.server_time_ms) host.set_skew_ms(*outcome.server_time_ms - now_ms);
      RefreshUrl(s, now_ms, outcome.message);
      return;
    case FetchVerdict::kFinal:
      StepsFinal(s, ToSnapshotError(outcome));
      return;
  }
}

void Session::State::OnStepsResponseStart(detail::JobState& s, int status,
                                          const HttpHeaders& headers, std::int64_t now_ms) {
  if (s.download.started()) return;
  s.steps_op.Progressed(now_ms);
  s.download.Start(status, headers, now_ms, host.skew_ms(), s.steps_url.key, config.steps_limits);
}

void Session::State::OnStepsChunk(detail::JobState& s, std::span<const std::uint8_t> bytes,
                                  std::int64_t now_ms) {
  if (!s.download.started()) return;
  s.steps_op.Progressed(now_ms);
  const ReceivedSteps* shown_before = s.ShownStream();
  if (s.download.Append(bytes, s.job->step_keys)) {
    if (s.partial.index && s.download.steps().count() >= s.partial.count()) DropPartial(s);
    // Rows came (or went: a later `execution_steps` restarts the list) in what is shown.
    if (shown_before != nullptr || s.ShownStream() != nullptr) s.shown.stale = true;
  }
  // Nothing after this byte can repair the document: stop downloading now.
  if (auto error = s.download.FatalError()) {
    FinishSteps(s, ClassifyDocumentError(*error), now_ms, /*abort=*/true);
  }
}

void Session::State::OnStepsEnd(detail::JobState& s, std::int64_t now_ms) {
  if (!s.download.started()) return;
  FinishSteps(s, s.download.Finish(), now_ms, /*abort=*/false);
}

}  // namespace job_detail
