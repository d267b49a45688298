#include "job_detail/detail/fetch_operation.h"

#include <string_view>
#include <utility>

#include "job_detail/presigned_url.h"

namespace job_detail::detail {
namespace {

std::string TargetName(FetchTarget target) { return target == FetchTarget::kJob ? "job" : "steps"; }

}  // namespace

bool FetchOperation::active(const SessionHost& host) const {
  return request_.id != 0 || host.timers().armed(retry_purpose()) || paused_;
}

std::optional<std::int64_t> FetchOperation::retry_at(const SessionHost& host) const {
  return host.timers().due(retry_purpose());
}

void FetchOperation::StartEpisode(SessionHost* host) {
  Cancel(host);
  attempts_ = 0;
}

void FetchOperation::Cancel(SessionHost* host) {
  End(host, /*abort=*/true);
  host->CancelTimer(retry_purpose());
  paused_ = false;
}

bool FetchOperation::MayRun(const SessionHost& host) const {
  return host.online() && (host.visible() || attempts_ == 0);
}

bool FetchOperation::ReadyToRun(const SessionHost& host) {
  paused_ = !MayRun(host);
  return !paused_;
}

void FetchOperation::Launch(SessionHost* host, std::string url, HttpHeaders headers,
                            bool conditional, std::int64_t now_ms, std::int64_t timeout_ms) {
  ++attempts_;
  request_ = InFlight{host->NewId(), std::move(url), now_ms, now_ms, conditional};
  if (target_ == FetchTarget::kJob) {
    host->Emit(FetchJob{request_.id, request_.url});
  } else {
    host->Emit(FetchSteps{request_.id, request_.url, std::move(headers)});
  }
  host->Emit(Metric{"fetch_start",
                    {{"target", TargetName(target_)},
                     {"request_id", static_cast<std::int64_t>(request_.id)},
                     {"url", RedactUrl(request_.url)},
                     {"attempt", std::int64_t{attempts_}},
                     {"conditional", request_.conditional}}});
  host->ArmTimer(timeout_purpose(), now_ms + timeout_ms);
}

InFlight FetchOperation::End(SessionHost* host, bool abort) {
  host->CancelTimer(timeout_purpose());
  if (abort && request_.id != 0) host->Emit(job_detail::Cancel{request_.id});
  return std::exchange(request_, InFlight{});
}

void FetchOperation::EmitEnd(SessionHost* host, const InFlight& request, int status,
                             const FetchOutcome& outcome, std::uint64_t bytes, std::int64_t now_ms,
                             bool fell_back, const char* cache) const {
  Metric metric{"fetch_end",
                {{"target", TargetName(target_)},
                 {"request_id", static_cast<std::int64_t>(request.id)},
                 {"url", RedactUrl(request.url)},
                 {"attempt", std::int64_t{attempts_}},
                 {"status", std::int64_t{status}},
                 {"outcome", std::string(FetchVerdictName(outcome.verdict))},
                 {"code", outcome.code ? std::string(ErrorCodeName(*outcome.code)) : std::string()},
                 {"bytes", static_cast<std::int64_t>(bytes)},
                 {"duration_ms", now_ms - request.started_ms},
                 {"fell_back", fell_back},
                 {"from_304", outcome.verdict == FetchVerdict::kNotModified}}};
  if (cache != nullptr) metric.fields.push_back({"cache", std::string(cache)});
  host->Emit(std::move(metric));
}

bool FetchOperation::ScheduleRetry(SessionHost* host, const RetryConfig& retry, std::int64_t now_ms,
                                   std::optional<std::int64_t> retry_after_ms) {
  if (!MayRetry(retry, attempts_)) return false;
  const std::int64_t delay = RetryDelayMs(retry, attempts_ - 1, host->NextRandom(), retry_after_ms);
  host->ArmTimer(retry_purpose(), now_ms + delay);
  return true;
}

bool FetchOperation::ExtendTimeout(SessionHost* host, std::int64_t timeout_ms,
                                   std::int64_t now_ms) {
  const std::int64_t due = request_.last_progress_ms + timeout_ms;
  if (due <= now_ms) return false;
  host->ArmTimer(timeout_purpose(), due);
  return true;
}

}  // namespace job_detail::detail
