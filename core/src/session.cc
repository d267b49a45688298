// The session's decisions about the job: its fetch, polling, timers, the page and the network,
// and Session's inputs and outputs, each input running the decisions for the current job and
// republishing the snapshot. The S3 list's decisions are in session_steps.cc; the mechanics live
// beside them: SessionHost (effects, ids, timers, page and network, clock skew, randomness),
// FetchOperation (attempts, backoff, pause, timeout), StepsDownload (the S3 response and its rows
// while streaming), JobState (everything about the one job), the shown list and the snapshot.
#include "job_detail/session.h"

#include <algorithm>
#include <utility>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/shown_list.h"
#include "job_detail/detail/snapshot_of.h"
#include "job_detail/dynamodb_step_summary.h"
#include "session_state.h"

namespace job_detail {
namespace {

using detail::LoadPhase;
using detail::PollPhase;
using detail::ReceivedSteps;
using detail::StepsPhase;
using detail::StepsRequest;
using detail::TimerPurpose;

// encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is percent-encoded.
std::string PercentEncodeComponent(std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || detail::IsAsciiDigit(c) ||
                      std::string_view("-_.!~*'()").find(c) != std::string_view::npos;
    if (keep) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

// Durations come from the host (JS options); bounding them keeps `now + duration` far from
// int64 overflow whatever a caller passes. A week is beyond any sensible wait in a dashboard tab.
constexpr std::int64_t kMaxDurationMs = 7LL * 24 * 60 * 60 * 1000;

std::int64_t BoundDuration(std::int64_t ms) {
  return std::clamp<std::int64_t>(ms, 0, kMaxDurationMs);
}

SessionConfig Bounded(SessionConfig config) {
  for (std::int64_t* ms :
       {&config.retry.base_ms, &config.retry.cap_ms, &config.retry.max_retry_after_ms,
        &config.request_timeout_ms, &config.expiry_margin_ms, &config.unknown_expiry_ttl_ms}) {
    *ms = BoundDuration(*ms);
  }
  if (config.poll_interval_ms) *config.poll_interval_ms = BoundDuration(*config.poll_interval_ms);
  return config;
}

}  // namespace

void Session::State::StartJobEpisode(detail::JobState& s, std::int64_t now_ms) {
  s.job_op.StartEpisode(&host);
  CancelPoll(s);
  AttemptJob(s, now_ms);
}

void Session::State::AttemptJob(detail::JobState& s, std::int64_t now_ms) {
  if (!s.job_op.ReadyToRun(host)) return;
  std::string base = config.api_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  s.job_op.Launch(&host, base + "/jobs/" + PercentEncodeComponent(s.job_id), {}, false, now_ms,
                  config.request_timeout_ms);
}

void Session::State::CancelPoll(detail::JobState& s) {
  host.CancelTimer(TimerPurpose::kPoll);
  s.poll = PollPhase::kIdle;
}

void Session::State::JobFailed(detail::JobState& s, const FetchOutcome& outcome,
                               std::int64_t now_ms, std::optional<std::int64_t> retry_after_ms) {
  if (outcome.verdict == FetchVerdict::kRetry &&
      s.job_op.ScheduleRetry(&host, config.retry, now_ms, retry_after_ms)) {
    return;
  }
  s.job_error = ToSnapshotError(outcome);
  s.load = LoadPhase::kSettled;
  CancelPoll(s);
  if (s.steps_request == StepsRequest::kFreshUrl) {
    s.steps_request = StepsRequest::kRoutine;
    StepsFinal(s, SnapshotError{ErrorCode::kExpired,
                                "presigned URL expired and the job could not be fetched again"});
  }
}

void Session::State::OnJobResponse(detail::JobState& s, int status, const HttpHeaders& headers,
                                   std::string_view body, std::int64_t now_ms) {
  if (auto date = HttpHeaderValue(headers, "Date")) {
    if (auto skew = SkewFromDateHeader(*date, now_ms)) host.set_skew_ms(*skew);
  }
  FetchOutcome outcome = ClassifyApiResponse(status);
  std::optional<Job> parsed;
  if (outcome.verdict == FetchVerdict::kSuccess) {
    Result<Job> result = ParseJob(body);
    if (result.ok()) {
      parsed = std::move(result).value();
    } else {
      outcome = ClassifyDocumentError(result.error());
    }
  }
  const detail::InFlight request = s.job_op.End(&host, /*abort=*/false);
  s.job_op.EmitEnd(&host, request, status, outcome, body.size(), now_ms, false);
  if (!parsed) {
    const auto value = HttpHeaderValue(headers, "Retry-After");
    JobFailed(s, outcome, now_ms,
              value ? ParseRetryAfterMs(*value, now_ms, host.skew_ms()) : std::nullopt);
    return;
  }
  s.job = std::make_unique<Job>(std::move(*parsed));
  s.job_error.reset();
  s.shown.stale = true;
  // Merges under way were made against the previous DynamoDB steps.
  for (ReceivedSteps* received : {&s.download.steps(), &s.partial}) {
    if (received->merge) {
      received->Rebind(s.job->step_keys);
      received->CatchUp(s.job->step_keys);
    }
  }
  s.phase = ClassifyStatus(s.job->status, config.statuses);
  DecideSteps(s, now_ms);
  if (!IsTerminal(s.phase)) ArmPoll(s, now_ms + PollDelayMs(s));
}

// A running job: the poll interval. A status nobody listed: the interval doubling per answer in a
// row, up to the cap, so an unforeseen vocabulary neither stops updates nor polls at full rate.
std::int64_t Session::State::PollDelayMs(detail::JobState& s) const {
  const std::int64_t interval = config.poll_interval_ms.value_or(0);
  if (s.phase != StatusPhase::kUnknown) {
    s.unknown_status_polls = 0;
    return interval;
  }
  std::int64_t delay = interval;
  const std::int64_t cap = std::max(interval, config.unknown_status_poll_cap_ms);
  for (int i = 0; i < s.unknown_status_polls && delay > 0 && delay < cap; ++i) delay *= 2;
  ++s.unknown_status_polls;
  return std::min(delay, cap);
}

void Session::State::ArmPoll(detail::JobState& s, std::int64_t at_ms) {
  if (!config.poll_interval_ms) return;
  host.ArmTimer(TimerPurpose::kPoll, at_ms);
  s.poll = PollPhase::kWaiting;
}

void Session::State::Reconfigure(SessionConfig next, std::int64_t now_ms) {
  const std::optional<std::int64_t> previous = config.poll_interval_ms;
  config = std::move(next);
  if (!current) return;
  detail::JobState& s = *current;
  if (!config.poll_interval_ms) {
    CancelPoll(s);
    return;
  }
  if (const auto due = host.timers().due(TimerPurpose::kPoll)) {
    // The poll keeps the moment it was armed from; only its interval changes.
    const std::int64_t armed_at = *due - previous.value_or(0);
    ArmPoll(s, std::max(now_ms, armed_at + *config.poll_interval_ms));
    return;
  }
  // Polling was off: a running job whose last answer was good starts being polled from now.
  const bool settled_good = s.job && !s.job_error && !s.job_op.active(host);
  if (!previous && settled_good && s.poll == PollPhase::kIdle && !IsTerminal(s.phase)) {
    ArmPoll(s, now_ms + *config.poll_interval_ms);
  }
}

void Session::State::OnTransportError(detail::JobState& s, std::uint64_t request_id,
                                      TransportErrorKind kind, std::int64_t now_ms) {
  const FetchOutcome outcome = ClassifyTransportError(kind);
  if (s.job_op.Awaits(request_id)) {
    const detail::InFlight request = s.job_op.End(&host, /*abort=*/false);
    s.job_op.EmitEnd(&host, request, 0, outcome, 0, now_ms, false);
    JobFailed(s, outcome, now_ms, std::nullopt);
  } else if (s.steps_op.Awaits(request_id)) {
    // Browsers report a body cut off mid-stream as a network failure, and whether any of its
    // bytes reached the page first depends on the browser's buffering. What is known either way:
    // a 2xx body ended short of its Content-Length (or, without one, after some bytes). Say
    // that the document ended early (retried the same way), not that the network failed.
    if (kind == TransportErrorKind::kNetwork && s.download.EndedShort()) {
      const std::uint64_t bytes = s.download.bytes();
      return FinishSteps(
          s,
          ClassifyDocumentError(Error{ErrorCode::kTruncated, bytes,
                                      "the connection closed after " + std::to_string(bytes) +
                                          " bytes of the steps document"}),
          now_ms, /*abort=*/false);
    }
    FinishSteps(s, outcome, now_ms, /*abort=*/false);
  }
}

void Session::State::OnTimer(detail::JobState& s, TimerPurpose purpose, std::int64_t now_ms) {
  switch (purpose) {
    case TimerPurpose::kJobRetry:
      return AttemptJob(s, now_ms);
    case TimerPurpose::kStepsRetry:
      return AttemptSteps(s, now_ms);
    case TimerPurpose::kPoll:
      s.poll = PollPhase::kIdle;
      return Poll(s, now_ms);
    case TimerPurpose::kJobTimeout:
      if (!s.job_op.ExtendTimeout(&host, config.request_timeout_ms, now_ms)) {
        const FetchOutcome outcome = ClassifyTransportError(TransportErrorKind::kTimeout);
        const detail::InFlight request = s.job_op.End(&host, /*abort=*/true);
        s.job_op.EmitEnd(&host, request, 0, outcome, 0, now_ms, false);
        JobFailed(s, outcome, now_ms, std::nullopt);
      }
      return;
    case TimerPurpose::kStepsTimeout:
      if (!s.steps_op.ExtendTimeout(&host, config.request_timeout_ms, now_ms)) {
        FinishSteps(s, ClassifyTransportError(TransportErrorKind::kTimeout), now_ms,
                    /*abort=*/true);
      }
      return;
  }
}

void Session::State::Poll(detail::JobState& s, std::int64_t now_ms) {
  if (!host.online() || !host.visible()) {
    s.poll = PollPhase::kDue;
    return;
  }
  s.poll = PollPhase::kIdle;
  if (!s.job_op.in_flight()) StartJobEpisode(s, now_ms);
}

// The page came back or the network returned: run what waited, at once.
void Session::State::Resume(detail::JobState& s, std::int64_t now_ms) {
  if (s.job_op.paused() && s.job_op.MayRun(host)) AttemptJob(s, now_ms);
  if (s.steps_op.paused() && s.steps_op.MayRun(host)) AttemptSteps(s, now_ms);
  if (s.poll == PollPhase::kDue && host.online() && host.visible()) Poll(s, now_ms);
}

void Session::State::Refetch(detail::JobState& s, std::int64_t now_ms) {
  CancelStepsWork(s);
  if (s.steps_phase == StepsPhase::kPending) {
    s.steps_phase = StepsPhase::kNotRequested;
    s.shown.stale = true;  // rows received so far wait for the new episode
  }
  s.expiry_refreshes = 0;
  s.steps_request = StepsRequest::kForced;
  StartJobEpisode(s, now_ms);
}

// Cancels every request and timer of the current job.
void Session::State::CancelAll() {
  if (current) {
    current->job_op.Cancel(&host);
    CancelStepsWork(*current);
    CancelPoll(*current);
  }
  host.CancelAllTimers();
}

Session::Session(SessionConfig config)
    : state_(std::make_unique<State>(Bounded(std::move(config)))) {}
Session::~Session() = default;

// --- Each input runs the decisions for the current job, then republishes the snapshot. ---

void Session::Start(std::string_view job_id, std::int64_t now_ms) {
  State& s = *state_;
  s.CancelAll();
  s.current.emplace(std::string(job_id));
  s.StartJobEpisode(*s.current, now_ms);
  Publish();
}

void Session::Stop(std::int64_t /*now_ms*/) {
  state_->CancelAll();
  Publish();
}

void Session::OnJobResponse(std::uint64_t request_id, int status, const HttpHeaders& headers,
                            std::string_view body, std::int64_t now_ms) {
  State& s = *state_;
  if (!s.current || !s.current->job_op.Awaits(request_id)) return;
  s.OnJobResponse(*s.current, status, headers, body, now_ms);
  Publish();
}

void Session::OnStepsResponseStart(std::uint64_t request_id, int status, const HttpHeaders& headers,
                                   std::int64_t now_ms) {
  State& s = *state_;
  if (!s.current || !s.current->steps_op.Awaits(request_id)) return;
  s.OnStepsResponseStart(*s.current, status, headers, now_ms);
  Publish();
}

void Session::OnStepsChunk(std::uint64_t request_id, std::span<const std::uint8_t> bytes,
                           std::int64_t now_ms) {
  State& s = *state_;
  if (!s.current || !s.current->steps_op.Awaits(request_id)) return;
  s.OnStepsChunk(*s.current, bytes, now_ms);
  Publish();
}

void Session::OnStepsChunk(std::uint64_t request_id, std::string_view bytes, std::int64_t now_ms) {
  OnStepsChunk(request_id,
               std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                             bytes.size()),
               now_ms);
}

void Session::OnStepsEnd(std::uint64_t request_id, std::int64_t now_ms) {
  State& s = *state_;
  if (!s.current || !s.current->steps_op.Awaits(request_id)) return;
  s.OnStepsEnd(*s.current, now_ms);
  Publish();
}

void Session::OnTransportError(std::uint64_t request_id, TransportErrorKind kind,
                               std::int64_t now_ms) {
  State& s = *state_;
  if (request_id == 0 || !s.current) return;
  s.OnTransportError(*s.current, request_id, kind, now_ms);
  Publish();
}

void Session::OnTimer(std::uint64_t timer_id, std::int64_t now_ms) {
  State& s = *state_;
  const auto purpose = s.host.TakeFired(timer_id);  // nullopt: cancelled or already fired
  if (purpose && s.current) s.OnTimer(*s.current, *purpose, now_ms);
  Publish();
}

void Session::SetPageVisible(bool visible, std::int64_t now_ms) {
  State& s = *state_;
  s.host.set_visible(visible);
  if (visible && s.current) s.Resume(*s.current, now_ms);
  Publish();
}

void Session::SetOnline(bool online, std::int64_t now_ms) {
  State& s = *state_;
  s.host.set_online(online);
  if (online && s.current) s.Resume(*s.current, now_ms);
  Publish();
}

void Session::Refetch(std::int64_t now_ms) {
  State& s = *state_;
  if (!s.current) return;
  s.Refetch(*s.current, now_ms);
  Publish();
}

void Session::SetRandom(double random) { state_->host.SetRandom(random); }

void Session::FailSteps(SnapshotError error, std::int64_t /*now_ms*/) {
  State& s = *state_;
  if (!s.current || !s.current->job) return;
  s.CancelStepsWork(*s.current);
  s.current->steps_request = StepsRequest::kRoutine;
  s.StepsFinal(*s.current, std::move(error));
  Publish();
}

void Session::SetConfig(SessionConfig config, std::int64_t now_ms) {
  state_->Reconfigure(Bounded(std::move(config)), now_ms);
  Publish();
}

std::optional<SessionEffect> Session::PollEffect() { return state_->host.PollEffect(); }

std::optional<std::int64_t> Session::NextDeadline() const {
  return state_->host.timers().NextDeadline();
}

const StepIndex* Session::steps_index() const {
  const auto& current = state_->current;
  return current ? current->loaded.index.get() : nullptr;
}

const StepIndex* Session::streaming_steps_index() const {
  const auto& current = state_->current;
  return current ? current->download.steps().index.get() : nullptr;
}

const StepIndex* Session::merged_steps_index() const {
  const auto& current = state_->current;
  return current ? detail::ShownStepIndex(*current) : nullptr;
}

const MergedList* Session::merged() const {
  const auto& current = state_->current;
  return current ? detail::ShownMergedList(*current) : nullptr;
}

const StepIndex* Session::shown_document() const {
  const MergedList* list = merged();
  if (list == nullptr || list->source != StepsSource::kS3 || !list->complete) return nullptr;
  return steps_index();
}

const Job* Session::job() const {
  const auto& current = state_->current;
  return current ? current->job.get() : nullptr;
}

Result<ShownRow> Session::Row(std::size_t i) const {
  const MergedList* list = merged();
  if (list == nullptr || i >= list->entries.size()) {
    return Error{ErrorCode::kInvalidArgument, std::nullopt, "step index out of range"};
  }
  const MergedEntry& entry = list->entries[i];
  Result<StepRow> row = Error{ErrorCode::kInvalidArgument, std::nullopt, "no S3 steps"};
  if (entry.origin == StepOrigin::kDynamoDb) {
    row = SummarizeDynamoDbStep(*job(), entry.index);
  } else if (const StepIndex* index = merged_steps_index()) {
    row = index->Summary(entry.index);
  }
  if (!row.ok()) return row.error();
  return ShownRow{std::move(row).value(), entry.origin};
}

std::string_view Session::StepText(std::size_t i) const {
  const MergedList* list = merged();
  if (list == nullptr || i >= list->entries.size()) return {};
  const MergedEntry& entry = list->entries[i];
  const StepIndex* index =
      entry.origin == StepOrigin::kDynamoDb ? &job()->steps_index : merged_steps_index();
  return index != nullptr ? index->StepJsonText(entry.index) : std::string_view();
}

void Session::Publish() {
  State& s = *state_;
  if (s.current && s.current->shown.stale) detail::RecomputeShownList(*s.current);
  SessionSnapshot next = detail::SnapshotOf(s.current ? &*s.current : nullptr, s.host);
  next.version = snapshot_.version;
  if (next == snapshot_) return;
  next.version = snapshot_.version + 1;
  snapshot_ = std::move(next);
}

}  // namespace job_detail
