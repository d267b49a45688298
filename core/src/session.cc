#include "job_detail/session.h"

#include <algorithm>
#include <utility>

#include "job_detail/detail/s3_error.h"
#include "job_detail/detail/streaming_merge.h"
#include "job_detail/job.h"
#include "job_detail/merge.h"

namespace job_detail {
namespace {

// Reserve() takes Content-Length only up to this: the header is untrusted, the buffer grows anyway.
constexpr std::uint64_t kMaxReserveBytes = 256u * 1024 * 1024;

enum class TimerPurpose { kJobRetry, kStepsRetry, kPoll, kJobTimeout, kStepsTimeout };

struct Timer {
  std::uint64_t id = 0;
  std::int64_t at_ms = 0;
  TimerPurpose purpose = TimerPurpose::kPoll;
};

enum class Target { kJob, kSteps };

std::string_view TargetName(Target target) { return target == Target::kJob ? "job" : "steps"; }

// One request in flight. id 0: none.
struct InFlight {
  std::uint64_t id = 0;
  std::string url;
  std::int64_t started_ms = 0;
  std::int64_t last_progress_ms = 0;
  std::uint64_t timeout_timer = 0;
  bool conditional = false;
};

// A job fetch or a steps fetch with its retry budget: one "episode" runs from the first attempt to
// a success or a final failure.
struct Operation {
  InFlight request;
  int attempts = 0;  // made in this episode
  std::uint64_t retry_timer = 0;
  std::int64_t retry_at_ms = 0;
  bool paused = false;  // an attempt is due but waits for the page / the network

  bool active() const { return request.id != 0 || retry_timer != 0 || paused; }
};

// An S3 document as received so far (all of it once the response ended well), with its merge
// against the job's DynamoDB steps kept up to date step by step.
struct ReceivedSteps {
  std::unique_ptr<StepIndex> index;
  std::unique_ptr<detail::StreamingMerge> merge;
  std::string key;               // StepsCacheKey of the URL it came from
  std::uint64_t last_begin = 0;  // byte offset of the last merged step, to notice a restart

  std::size_t count() const { return merge ? merge->s3_count() : 0; }

  // Merges the steps indexed since the last call; true when the merged list changed.
  bool CatchUp(const std::vector<StepKey>& dynamodb_keys) {
    if (!index) return false;
    const std::size_t merged = count();
    // The index restarts when a later `execution_steps` (or a repeated key) replaces the list.
    const bool restarted = merged > index->count() ||
                           (merged > 0 && index->Summary(merged - 1).value().begin != last_begin);
    if (merge && !restarted && merged == index->count()) return false;
    if (!merge || restarted) Rebind(dynamodb_keys);
    // Keys only: decoding whole rows here would cost a pass over every step's fields and output.
    for (std::size_t i = merge->s3_count(); i < index->count(); ++i) {
      merge->Append(index->Key(i).value());  // i < count(): always a key
    }
    if (index->count() > 0) last_begin = index->Summary(index->count() - 1).value().begin;
    return true;
  }

  // The job's DynamoDB steps changed (or the index restarted): merge again from the first step.
  void Rebind(const std::vector<StepKey>& dynamodb_keys) {
    merge = std::make_unique<detail::StreamingMerge>(dynamodb_keys);
    last_begin = 0;
  }
};

// The S3 response being received.
struct StepsResponse {
  bool started = false;
  int status = 0;
  ReceivedSteps steps;     // 2xx only
  std::string error_body;  // non-2xx only, capped
  std::optional<std::string> etag;
  std::optional<std::uint64_t> content_length;
  std::optional<std::int64_t> retry_after_ms;
  std::uint64_t bytes = 0;
};

enum class S3State { kNotRequested, kPending, kLoaded, kFailed };

bool IsTerminalStatus(const std::optional<std::string>& status) {
  if (!status) return false;
  std::string lower = *status;
  for (char& c : lower) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  for (std::string_view terminal :
       {"completed", "failed", "cancelled", "canceled", "succeeded", "error"}) {
    if (lower == terminal) return true;
  }
  return false;
}

// encodeURIComponent: everything but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is percent-encoded.
std::string PercentEncodeComponent(std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
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

std::optional<std::uint64_t> ParseContentLength(std::optional<std::string_view> value) {
  if (!value || value->empty() || value->size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : *value) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

SnapshotError ToSnapshotError(const FetchOutcome& outcome) {
  return SnapshotError{outcome.code.value_or(ErrorCode::kHttpError), outcome.message};
}

}  // namespace

struct Session::State {
  explicit State(SessionConfig cfg) : config(std::move(cfg)), rng(config.random_seed) {}

  SessionConfig config;
  std::deque<SessionEffect> effects;
  std::uint64_t next_id = 1;
  std::vector<Timer> timers;
  bool visible = true;
  bool online = true;
  std::int64_t skew_ms = 0;  // server clock minus ours
  std::optional<double> given_random;
  std::uint64_t rng;

  // The job.
  bool started = false;
  std::string job_id;
  Operation job_op;
  std::uint64_t poll_timer = 0;
  bool poll_paused = false;
  std::unique_ptr<Job> job;
  std::optional<SnapshotError> job_error;  // the job request failed for good

  // The S3 steps: the URL to use next, the fetch, and what is shown.
  std::string steps_url;
  std::string steps_key;
  std::optional<std::int64_t> steps_url_expiry_ms;
  std::int64_t steps_url_received_ms = 0;
  Operation steps_op;
  StepsResponse response;
  int expiry_refreshes = 0;  // job re-fetches for a fresh URL since the last good S3 answer
  bool awaiting_fresh_url = false;
  bool force_steps = false;  // Refetch: ask S3 again even if nothing changed
  S3State s3_state = S3State::kNotRequested;
  std::optional<SnapshotError> steps_error;
  std::unique_ptr<StepIndex> index;
  std::vector<StepKey> index_keys;  // the S3 keys of `index`, in document order
  std::string index_key;
  // The longest part of the first document received by an attempt that failed and will be
  // retried: shown until a later attempt has received as many steps, so rows do not vanish and
  // come back while S3 is retried.
  ReceivedSteps partial;
  std::optional<std::string> index_etag;
  // The job as it was when the steps were last requested: a change asks S3 again.
  std::size_t basis_step_count = 0;
  std::optional<std::string> basis_status;
  std::unique_ptr<MergedList> merged;
  std::optional<StepsSummary> merged_summary;  // computed with `merged`, not on every chunk
  bool merge_stale = false;       // the job or the S3 side changed since `merged` was computed
  bool initial_resolved = false;  // the first job + steps outcome is known

  // --- Plumbing ---
  std::uint64_t NewId() { return next_id++; }
  void Emit(SessionEffect effect) { effects.push_back(std::move(effect)); }

  std::uint64_t ArmTimer(TimerPurpose purpose, std::int64_t at_ms) {
    const std::uint64_t id = NewId();
    timers.push_back(Timer{id, at_ms, purpose});
    Emit(StartTimer{id, at_ms});
    return id;
  }

  void CancelTimer(std::uint64_t* id) {
    if (*id == 0) return;
    const std::uint64_t target = *id;
    timers.erase(std::remove_if(timers.begin(), timers.end(),
                                [&](const Timer& t) { return t.id == target; }),
                 timers.end());
    Emit(Cancel{target});
    *id = 0;
  }

  // Forgets the request; with `abort`, tells the host to abort it too.
  void EndRequest(InFlight* request, bool abort) {
    CancelTimer(&request->timeout_timer);
    if (abort && request->id != 0) Emit(Cancel{request->id});
    *request = InFlight{};
  }

  void CancelOperation(Operation* op) {
    EndRequest(&op->request, /*abort=*/true);
    CancelTimer(&op->retry_timer);
    op->paused = false;
  }

  double NextRandom() {
    if (given_random) {
      const double r = *given_random;
      given_random.reset();
      return r;
    }
    // splitmix64: a fixed, portable sequence, so runs without SetRandom are reproducible too.
    rng += 0x9E3779B97F4A7C15u;
    std::uint64_t z = rng;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  }

  // First attempts need the network; retries and polls also wait while the page is hidden.
  bool MayRun(const Operation& op) const { return online && (visible || op.attempts == 0); }

  // Marks `op` paused when it may not run now (Resume runs it later); true when it may.
  bool ReadyToRun(Operation* op) const {
    op->paused = !MayRun(*op);
    return !op->paused;
  }

  std::string JobUrl() const {
    std::string base = config.api_base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/jobs/" + PercentEncodeComponent(job_id);
  }

  void EmitFetchStart(Target target, const InFlight& request, int attempt) {
    Emit(Metric{"fetch_start",
                {{"target", std::string(TargetName(target))},
                 {"request_id", static_cast<std::int64_t>(request.id)},
                 {"url", RedactUrl(request.url)},
                 {"attempt", std::int64_t{attempt}},
                 {"conditional", request.conditional}}});
  }

  void EmitFetchEnd(Target target, const InFlight& request, int attempt, int status,
                    const FetchOutcome& outcome, std::uint64_t bytes, std::int64_t now_ms,
                    bool fell_back) {
    Emit(Metric{"fetch_end",
                {{"target", std::string(TargetName(target))},
                 {"request_id", static_cast<std::int64_t>(request.id)},
                 {"url", RedactUrl(request.url)},
                 {"attempt", std::int64_t{attempt}},
                 {"status", std::int64_t{status}},
                 {"outcome", std::string(FetchVerdictName(outcome.verdict))},
                 {"code", outcome.code ? std::string(ErrorCodeName(*outcome.code)) : std::string()},
                 {"bytes", static_cast<std::int64_t>(bytes)},
                 {"duration_ms", now_ms - request.started_ms},
                 {"fell_back", fell_back},
                 {"from_304", outcome.verdict == FetchVerdict::kNotModified}}});
  }

  // Arms the retry timer when the budget allows; false when the failure is final.
  bool ScheduleRetry(Operation* op, TimerPurpose purpose, std::int64_t now_ms,
                     std::optional<std::int64_t> retry_after_ms) {
    if (!MayRetry(config.retry, op->attempts)) return false;
    const std::int64_t delay =
        RetryDelayMs(config.retry, op->attempts - 1, NextRandom(), retry_after_ms);
    op->retry_at_ms = now_ms + delay;
    op->retry_timer = ArmTimer(purpose, op->retry_at_ms);
    return true;
  }

  // --- The job ---
  void StartJobEpisode(std::int64_t now_ms) {
    CancelOperation(&job_op);
    CancelTimer(&poll_timer);
    poll_paused = false;
    job_op.attempts = 0;
    AttemptJob(now_ms);
  }

  void AttemptJob(std::int64_t now_ms) {
    if (!ReadyToRun(&job_op)) return;
    ++job_op.attempts;
    job_op.request = InFlight{NewId(), JobUrl(), now_ms, now_ms, 0, false};
    Emit(FetchJob{job_op.request.id, job_op.request.url});
    EmitFetchStart(Target::kJob, job_op.request, job_op.attempts);
    job_op.request.timeout_timer =
        ArmTimer(TimerPurpose::kJobTimeout, now_ms + config.request_timeout_ms);
  }

  void JobFailed(const FetchOutcome& outcome, std::int64_t now_ms,
                 std::optional<std::int64_t> retry_after_ms) {
    if (outcome.verdict == FetchVerdict::kRetry &&
        ScheduleRetry(&job_op, TimerPurpose::kJobRetry, now_ms, retry_after_ms)) {
      return;
    }
    job_error = ToSnapshotError(outcome);
    initial_resolved = true;
    CancelTimer(&poll_timer);
    if (awaiting_fresh_url) {
      awaiting_fresh_url = false;
      StepsFinal(SnapshotError{ErrorCode::kExpired,
                               "presigned URL expired and the job could not be fetched again"});
    }
  }

  void FinishJobRequest(int status, const FetchOutcome& outcome, std::uint64_t bytes,
                        std::int64_t now_ms) {
    const InFlight request = job_op.request;
    EndRequest(&job_op.request, /*abort=*/false);
    EmitFetchEnd(Target::kJob, request, job_op.attempts, status, outcome, bytes, now_ms, false);
  }

  void OnJobResponse(int status, const HttpHeaders& headers, std::string_view body,
                     std::int64_t now_ms) {
    if (auto date = HttpHeaderValue(headers, "Date")) {
      if (auto skew = SkewFromDateHeader(*date, now_ms)) skew_ms = *skew;
    }
    const auto retry_after = [&]() -> std::optional<std::int64_t> {
      const auto value = HttpHeaderValue(headers, "Retry-After");
      return value ? ParseRetryAfterMs(*value, now_ms, skew_ms) : std::nullopt;
    };
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
    FinishJobRequest(status, outcome, body.size(), now_ms);
    if (!parsed) {
      JobFailed(outcome, now_ms, retry_after());
      return;
    }
    job = std::make_unique<Job>(std::move(*parsed));
    job_error.reset();
    merge_stale = true;
    // Merges under way were made against the previous DynamoDB steps.
    for (ReceivedSteps* received : {&response.steps, &partial}) {
      if (received->merge) {
        received->Rebind(job->step_keys);
        received->CatchUp(job->step_keys);
      }
    }
    DecideSteps(now_ms);
    if (!IsTerminalStatus(job->status)) {
      poll_timer = ArmTimer(TimerPurpose::kPoll, now_ms + config.poll_interval_ms);
    }
  }

  // --- The steps ---
  void ResetResponse() {
    if (response.steps.count() > 0 && ShownStream() == &response.steps) merge_stale = true;
    response = StepsResponse{};
  }

  void CancelStepsWork() {
    CancelOperation(&steps_op);
    ResetResponse();
  }

  void DropIndex() {
    merge_stale = true;
    partial = ReceivedSteps{};
    index.reset();
    index_keys.clear();
    index_key.clear();
    index_etag.reset();
  }

  // After each good job response: whether and how to ask S3 for the steps.
  void DecideSteps(std::int64_t now_ms) {
    const bool refreshing = awaiting_fresh_url;
    awaiting_fresh_url = false;
    const bool forced = force_steps;
    force_steps = false;
    if (!job->s3_key && !job->s3_url) {
      CancelStepsWork();
      DropIndex();
      steps_error.reset();
      s3_state = S3State::kNotRequested;
      initial_resolved = true;
      return;
    }
    if (!job->s3_url) {
      CancelStepsWork();
      DropIndex();
      StepsFinal(SnapshotError{ErrorCode::kS3UrlMissing,
                               "the job names an S3 steps key but the API gave no URL"});
      return;
    }
    if (auto refused = CheckFetchAllowed(*job->s3_url, config.allowed_hosts)) {
      CancelStepsWork();
      DropIndex();
      StepsFinal(SnapshotError{refused->code, "steps URL refused: " + refused->message});
      return;
    }
    const std::string key = StepsCacheKey(*job->s3_url);
    const bool key_changed = key != steps_key;
    steps_url = *job->s3_url;
    steps_key = key;
    steps_url_expiry_ms = PresignedExpiryMs(steps_url);
    steps_url_received_ms = now_ms;
    if (key_changed) {
      expiry_refreshes = 0;
      if (index_key != key) {
        // A different document: what is shown stays until the new one is complete or fails.
        StartStepsEpisode(now_ms);
        return;
      }
    }
    if (refreshing) {
      StartStepsEpisode(now_ms);
      return;
    }
    // Same object: a fetch or retry under way simply continues, now with the fresher URL.
    if (steps_op.active()) return;
    // With an ETag, asking again costs a 304 and catches an object rewritten in place (a running
    // job past 400 KB keeps its first 5 DynamoDB steps and status while S3 grows). Without one, a
    // full download is worth it only when the job says something changed.
    const bool job_changed = job->step_count() > basis_step_count || job->status != basis_status;
    const bool never_answered = s3_state == S3State::kNotRequested;
    const bool can_ask_cheaply = index && index_key == key && index_etag.has_value();
    if (forced || job_changed || never_answered || can_ask_cheaply) StartStepsEpisode(now_ms);
  }

  void StartStepsEpisode(std::int64_t now_ms) {
    CancelStepsWork();
    if (partial.key != steps_key) DropPartial();
    steps_op.attempts = 0;
    basis_step_count = job->step_count();
    basis_status = job->status;
    if (s3_state != S3State::kLoaded) s3_state = S3State::kPending;
    AttemptSteps(now_ms);
  }

  void AttemptSteps(std::int64_t now_ms) {
    if (!ReadyToRun(&steps_op)) return;
    UrlFreshness freshness =
        CheckFreshness(steps_url_expiry_ms, now_ms, skew_ms, config.expiry_margin_ms);
    if (freshness == UrlFreshness::kUnknown &&
        now_ms - steps_url_received_ms > config.unknown_expiry_ttl_ms) {
      freshness = UrlFreshness::kExpired;
    }
    if (freshness == UrlFreshness::kExpired) {
      Emit(Metric{"url_expired",
                  {{"url", RedactUrl(steps_url)},
                   {"before_fetch", true},
                   {"known_expiry", steps_url_expiry_ms.has_value()}}});
      RefreshUrl(now_ms, "presigned URL expired before the fetch");
      return;
    }
    ++steps_op.attempts;
    ResetResponse();
    const bool conditional = index && index_key == steps_key && index_etag.has_value();
    steps_op.request = InFlight{NewId(), steps_url, now_ms, now_ms, 0, conditional};
    HttpHeaders headers;
    if (conditional) headers.emplace_back("If-None-Match", *index_etag);
    Emit(FetchSteps{steps_op.request.id, steps_url, std::move(headers)});
    EmitFetchStart(Target::kSteps, steps_op.request, steps_op.attempts);
    steps_op.request.timeout_timer =
        ArmTimer(TimerPurpose::kStepsTimeout, now_ms + config.request_timeout_ms);
  }

  // The URL expired (before the fetch, or S3 said so): one job re-fetch for a new URL, then final.
  void RefreshUrl(std::int64_t now_ms, std::string message) {
    if (expiry_refreshes >= 1) {
      StepsFinal(
          SnapshotError{ErrorCode::kExpired, std::move(message) + " (again after a refresh)"});
      return;
    }
    ++expiry_refreshes;
    awaiting_fresh_url = true;
    // A job request already under way brings a URL signed after this moment.
    if (job_op.request.id == 0) StartJobEpisode(now_ms);
  }

  // S3 failed for good. Steps already shown from the same object stay; otherwise the merge falls
  // back to the DynamoDB list and says why.
  void StepsFinal(SnapshotError error) {
    merge_stale = true;
    partial = ReceivedSteps{};
    steps_error = std::move(error);
    initial_resolved = true;
    if (index && index_key == steps_key) {
      s3_state = S3State::kLoaded;
    } else {
      DropIndex();
      s3_state = S3State::kFailed;
    }
  }

  void FinishSteps(const FetchOutcome& outcome, std::int64_t now_ms, bool abort) {
    const InFlight request = steps_op.request;
    const bool keeps_index = index && index_key == steps_key;
    const bool final_failure =
        outcome.verdict == FetchVerdict::kFinal ||
        (outcome.verdict == FetchVerdict::kRetry && !MayRetry(config.retry, steps_op.attempts)) ||
        (outcome.verdict == FetchVerdict::kRefreshUrl && expiry_refreshes >= 1) ||
        (outcome.verdict == FetchVerdict::kNotModified && !keeps_index);
    EndRequest(&steps_op.request, abort);
    EmitFetchEnd(Target::kSteps, request, steps_op.attempts, response.status, outcome,
                 response.bytes, now_ms, final_failure && !keeps_index);
    // Whatever happens next, the rows received so far stop being the live download.
    merge_stale = merge_stale || ShownStream() != nullptr;
    ReceivedSteps received = std::move(response.steps);
    received.CatchUp(job->step_keys);  // Finish() may have completed a last step
    const std::optional<std::string> etag = response.etag;
    const std::optional<std::int64_t> retry_after = response.retry_after_ms;
    ResetResponse();
    switch (outcome.verdict) {
      case FetchVerdict::kSuccess:
        if (!received.index) break;  // kSuccess always comes with an index; stay safe
        index = std::move(received.index);
        index_keys = received.merge->s3_keys();
        index_key = steps_key;
        index_etag = etag;
        partial = ReceivedSteps{};
        StepsAnswered();
        return;
      case FetchVerdict::kNotModified:
        if (keeps_index) {
          StepsAnswered();
        } else {
          StepsFinal(SnapshotError{ErrorCode::kHttpError, "HTTP 304 without a document to keep"});
        }
        return;
      case FetchVerdict::kRetry:
        if (!ScheduleRetry(&steps_op, TimerPurpose::kStepsRetry, now_ms, retry_after)) {
          StepsFinal(ToSnapshotError(outcome));
          return;
        }
        KeepAsPartial(std::move(received));
        return;
      case FetchVerdict::kRefreshUrl:
        // S3's own clock is the one that judged the URL: trust its ServerTime over the API's Date.
        if (outcome.server_time_ms) skew_ms = *outcome.server_time_ms - now_ms;
        RefreshUrl(now_ms, outcome.message);
        return;
      case FetchVerdict::kFinal:
        StepsFinal(ToSnapshotError(outcome));
        return;
    }
  }

  // While no complete S3 list is shown: the S3 steps received so far, from the download under
  // way or, until it has as many, from an earlier attempt's. nullptr when there are none.
  const ReceivedSteps* ShownStream() const {
    if (s3_state != S3State::kPending) return nullptr;
    const ReceivedSteps& live = response.steps;
    if (live.count() > 0 && live.count() >= partial.count()) return &live;
    return partial.count() > 0 ? &partial : nullptr;
  }

  void KeepAsPartial(ReceivedSteps received) {
    if (s3_state != S3State::kPending || received.count() <= partial.count()) return;
    partial = std::move(received);
    merge_stale = true;
  }

  void DropPartial() {
    if (partial.index) merge_stale = true;
    partial = ReceivedSteps{};
  }

  void StepsAnswered() {
    merge_stale = true;
    s3_state = S3State::kLoaded;
    steps_error.reset();
    expiry_refreshes = 0;
    initial_resolved = true;
  }

  void OnStepsResponseStart(int status, const HttpHeaders& headers, std::int64_t now_ms) {
    if (response.started) return;
    response.started = true;
    response.status = status;
    steps_op.request.last_progress_ms = now_ms;
    if (auto etag = HttpHeaderValue(headers, "ETag")) response.etag = std::string(*etag);
    response.content_length = ParseContentLength(HttpHeaderValue(headers, "Content-Length"));
    if (auto value = HttpHeaderValue(headers, "Retry-After")) {
      response.retry_after_ms = ParseRetryAfterMs(*value, now_ms, skew_ms);
    }
    if (status >= 200 && status <= 299) {
      response.steps.index = std::make_unique<StepIndex>(config.steps_limits);
      response.steps.key = steps_key;
      if (response.content_length &&
          *response.content_length <= std::min(kMaxReserveBytes, config.steps_limits.max_bytes)) {
        response.steps.index->Reserve(static_cast<std::size_t>(*response.content_length));
      }
    }
  }

  void OnStepsChunk(std::span<const std::uint8_t> bytes, std::int64_t now_ms) {
    if (!response.started) return;
    steps_op.request.last_progress_ms = now_ms;
    response.bytes += bytes.size();
    if (response.steps.index) {
      response.steps.index->Feed(bytes);
      const ReceivedSteps* shown_before = ShownStream();
      if (response.steps.CatchUp(job->step_keys)) {
        if (partial.index && response.steps.count() >= partial.count()) DropPartial();
        // Rows came (or went: a later `execution_steps` restarts the list) in what is shown.
        if (shown_before != nullptr || ShownStream() != nullptr) merge_stale = true;
      }
      const auto& error = response.steps.index->error();
      // Nothing after this byte can repair the document: stop downloading now.
      if (error && error->code != ErrorCode::kTruncated) {
        FinishSteps(ClassifyDocumentError(*error), now_ms, /*abort=*/true);
      }
    } else if (response.error_body.size() < detail::kMaxS3ErrorBodyBytes) {
      const std::size_t room = detail::kMaxS3ErrorBodyBytes - response.error_body.size();
      const std::size_t take = std::min(room, bytes.size());
      response.error_body.append(reinterpret_cast<const char*>(bytes.data()), take);
    }
  }

  void OnStepsEnd(std::int64_t now_ms) {
    if (!response.started) return;
    FetchOutcome outcome;
    if (response.steps.index) {
      const auto& error = response.steps.index->Finish();
      outcome = error ? ClassifyDocumentError(*error) : FetchOutcome{};
    } else {
      outcome = ClassifyS3Response(response.status, response.error_body);
    }
    FinishSteps(outcome, now_ms, /*abort=*/false);
  }

  void OnTransportError(std::uint64_t request_id, TransportErrorKind kind, std::int64_t now_ms) {
    const FetchOutcome outcome = ClassifyTransportError(kind);
    if (request_id == job_op.request.id) {
      FinishJobRequest(0, outcome, 0, now_ms);
      JobFailed(outcome, now_ms, std::nullopt);
    } else if (request_id == steps_op.request.id) {
      // Browsers report a body cut off mid-stream as a network failure, and whether any of its
      // bytes reached the page first depends on the browser's buffering. What is known either way:
      // a 2xx body ended short of its Content-Length (or, without one, after some bytes). Say
      // that the document ended early (retried the same way), not that the network failed.
      if (kind == TransportErrorKind::kNetwork && BodyEndedShort()) {
        FinishSteps(ClassifyDocumentError(Error{ErrorCode::kTruncated, response.bytes,
                                                "the connection closed after " +
                                                    std::to_string(response.bytes) +
                                                    " bytes of the steps document"}),
                    now_ms, /*abort=*/false);
        return;
      }
      FinishSteps(outcome, now_ms, /*abort=*/false);
    }
  }

  bool BodyEndedShort() const {
    if (!response.steps.index) return false;  // not a 2xx body
    if (response.content_length) return response.bytes < *response.content_length;
    return response.bytes > 0;
  }

  // --- Timers ---
  void OnTimer(std::uint64_t timer_id, std::int64_t now_ms) {
    const auto it = std::find_if(timers.begin(), timers.end(),
                                 [&](const Timer& t) { return t.id == timer_id; });
    if (it == timers.end()) return;  // cancelled or already fired
    const TimerPurpose purpose = it->purpose;
    timers.erase(it);
    switch (purpose) {
      case TimerPurpose::kJobRetry:
        job_op.retry_timer = 0;
        AttemptJob(now_ms);
        return;
      case TimerPurpose::kStepsRetry:
        steps_op.retry_timer = 0;
        AttemptSteps(now_ms);
        return;
      case TimerPurpose::kPoll:
        poll_timer = 0;
        Poll(now_ms);
        return;
      case TimerPurpose::kJobTimeout:
        job_op.request.timeout_timer = 0;
        if (!RearmIfProgressed(&job_op.request, TimerPurpose::kJobTimeout, now_ms)) {
          const FetchOutcome outcome = ClassifyTransportError(TransportErrorKind::kTimeout);
          const InFlight request = job_op.request;
          EndRequest(&job_op.request, /*abort=*/true);
          EmitFetchEnd(Target::kJob, request, job_op.attempts, 0, outcome, 0, now_ms, false);
          JobFailed(outcome, now_ms, std::nullopt);
        }
        return;
      case TimerPurpose::kStepsTimeout:
        steps_op.request.timeout_timer = 0;
        if (!RearmIfProgressed(&steps_op.request, TimerPurpose::kStepsTimeout, now_ms)) {
          FinishSteps(ClassifyTransportError(TransportErrorKind::kTimeout), now_ms,
                      /*abort=*/true);
        }
        return;
    }
  }

  // Bytes arrived since the timer was armed: wait a full timeout from the last of them. One timer
  // per request instead of one per chunk keeps the effect stream quiet on large downloads.
  bool RearmIfProgressed(InFlight* request, TimerPurpose purpose, std::int64_t now_ms) {
    const std::int64_t due = request->last_progress_ms + config.request_timeout_ms;
    if (due <= now_ms) return false;
    request->timeout_timer = ArmTimer(purpose, due);
    return true;
  }

  void Poll(std::int64_t now_ms) {
    if (!online || !visible) {
      poll_paused = true;
      return;
    }
    poll_paused = false;
    if (job_op.request.id == 0) StartJobEpisode(now_ms);
  }

  // The page came back or the network returned: run what waited, at once.
  void Resume(std::int64_t now_ms) {
    if (job_op.paused && MayRun(job_op)) AttemptJob(now_ms);
    if (steps_op.paused && MayRun(steps_op)) AttemptSteps(now_ms);
    if (poll_paused && online && visible) Poll(now_ms);
  }

  void Reset() {
    CancelOperation(&job_op);
    CancelStepsWork();
    CancelTimer(&poll_timer);
    poll_paused = false;
    for (const Timer& t : timers) Emit(Cancel{t.id});
    timers.clear();
  }

  // --- The list to show ---
  void Remerge();
};

namespace {

// Durations come from the host (JS options); bounding them keeps `now + duration` far from
// int64 overflow whatever a caller passes. A week is beyond any sensible wait in a dashboard tab.
constexpr std::int64_t kMaxDurationMs = 7LL * 24 * 60 * 60 * 1000;

std::int64_t BoundDuration(std::int64_t ms) {
  return std::clamp<std::int64_t>(ms, 0, kMaxDurationMs);
}

SessionConfig Bounded(SessionConfig config) {
  config.retry.base_ms = BoundDuration(config.retry.base_ms);
  config.retry.cap_ms = BoundDuration(config.retry.cap_ms);
  config.retry.max_retry_after_ms = BoundDuration(config.retry.max_retry_after_ms);
  config.poll_interval_ms = BoundDuration(config.poll_interval_ms);
  config.request_timeout_ms = BoundDuration(config.request_timeout_ms);
  config.expiry_margin_ms = BoundDuration(config.expiry_margin_ms);
  config.unknown_expiry_ttl_ms = BoundDuration(config.unknown_expiry_ttl_ms);
  return config;
}

}  // namespace

Session::Session(SessionConfig config)
    : state_(std::make_unique<State>(Bounded(std::move(config)))) {}
Session::~Session() = default;

namespace {

StepsSummary MakeStepsSummary(const MergedList& list, const CostTotal& total, bool streaming) {
  StepsSummary steps;
  steps.source = list.source;
  steps.complete = list.complete;
  steps.reason = list.reason;
  steps.streaming = streaming;
  steps.count = list.entries.size();
  steps.total_cost_usd = total.canonical();
  steps.total_cost_display = total.display();
  steps.no_cost = total.no_cost();
  steps.invalid_cost = total.invalid_cost();
  return steps;
}

// The list's summary. Totals: the S3 document's running total plus the DynamoDB-only entries.
StepsSummary SummarizeMerged(const MergedList& list, const Job& job, const StepIndex* index) {
  CostTotal total;
  if (index != nullptr && list.source == StepsSource::kS3) total = index->cost_total();
  for (const MergedEntry& entry : list.entries) {
    if (entry.origin == StepOrigin::kDynamoDb && entry.index < job.step_costs.size()) {
      total.Add(job.step_costs[entry.index]);
    }
  }
  return MakeStepsSummary(list, total, /*streaming=*/false);
}

// While the first S3 document downloads: its steps so far plus the DynamoDB steps it has not
// matched yet. O(DynamoDB steps): the S3 side's total is the index's running one.
StepsSummary SummarizeStream(const ReceivedSteps& stream, const Job& job) {
  CostTotal total = stream.index->cost_total();
  for (std::size_t i : stream.merge->UnmatchedDynamoDb()) {
    if (i < job.step_costs.size()) total.Add(job.step_costs[i]);
  }
  return MakeStepsSummary(stream.merge->list(), total, /*streaming=*/true);
}

}  // namespace

void Session::State::Remerge() {
  merge_stale = false;
  if (!job) {
    merged.reset();
    merged_summary.reset();
    return;
  }
  if (const ReceivedSteps* stream = ShownStream()) {
    merged.reset();
    merged_summary = SummarizeStream(*stream, *job);
    return;
  }
  S3Outcome outcome;
  switch (s3_state) {
    case S3State::kNotRequested:
    case S3State::kPending:
      outcome = S3Outcome::NotRequested();
      break;
    case S3State::kLoaded:
      if (!index) break;  // kLoaded always comes with an index; stay safe if that ever changes
      outcome = S3Outcome::Steps(index_keys);
      break;
    case S3State::kFailed:
      outcome = S3Outcome::Failure(steps_error ? steps_error->code : ErrorCode::kNetwork);
      break;
  }
  merged = std::make_unique<MergedList>(MergeSteps(*job, outcome));
  merged_summary = SummarizeMerged(*merged, *job, index.get());
}

std::string_view SessionStatusName(SessionStatus status) {
  switch (status) {
    case SessionStatus::kIdle:
      return "idle";
    case SessionStatus::kLoading:
      return "loading";
    case SessionStatus::kReady:
      return "ready";
    case SessionStatus::kError:
      return "error";
  }
  return "idle";
}

// --- Session: each input runs the state machine, then republishes the snapshot if it changed. ---

void Session::Start(std::string_view job_id, std::int64_t now_ms) {
  State& s = *state_;
  s.Reset();
  SessionConfig config = std::move(s.config);
  const bool visible = s.visible;
  const bool online = s.online;
  const std::uint64_t next_id = s.next_id;
  std::deque<SessionEffect> effects = std::move(s.effects);
  const std::uint64_t rng = s.rng;
  const std::int64_t skew_ms = s.skew_ms;
  state_ = std::make_unique<State>(std::move(config));
  State& fresh = *state_;
  // Ids keep increasing across jobs, so a late answer for the previous job stays stale.
  fresh.next_id = next_id;
  fresh.effects = std::move(effects);
  fresh.visible = visible;
  fresh.online = online;
  fresh.rng = rng;
  fresh.skew_ms = skew_ms;
  fresh.started = true;
  fresh.job_id = std::string(job_id);
  fresh.StartJobEpisode(now_ms);
  Publish();
}

void Session::Stop(std::int64_t /*now_ms*/) {
  state_->Reset();
  Publish();
}

void Session::OnJobResponse(std::uint64_t request_id, int status, const HttpHeaders& headers,
                            std::string_view body, std::int64_t now_ms) {
  if (request_id == 0 || request_id != state_->job_op.request.id) return;
  state_->OnJobResponse(status, headers, body, now_ms);
  Publish();
}

void Session::OnStepsResponseStart(std::uint64_t request_id, int status, const HttpHeaders& headers,
                                   std::int64_t now_ms) {
  if (request_id == 0 || request_id != state_->steps_op.request.id) return;
  state_->OnStepsResponseStart(status, headers, now_ms);
  Publish();
}

void Session::OnStepsChunk(std::uint64_t request_id, std::span<const std::uint8_t> bytes,
                           std::int64_t now_ms) {
  if (request_id == 0 || request_id != state_->steps_op.request.id) return;
  state_->OnStepsChunk(bytes, now_ms);
  Publish();
}

void Session::OnStepsChunk(std::uint64_t request_id, std::string_view bytes, std::int64_t now_ms) {
  OnStepsChunk(request_id,
               std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                             bytes.size()),
               now_ms);
}

void Session::OnStepsEnd(std::uint64_t request_id, std::int64_t now_ms) {
  if (request_id == 0 || request_id != state_->steps_op.request.id) return;
  state_->OnStepsEnd(now_ms);
  Publish();
}

void Session::OnTransportError(std::uint64_t request_id, TransportErrorKind kind,
                               std::int64_t now_ms) {
  if (request_id == 0) return;
  state_->OnTransportError(request_id, kind, now_ms);
  Publish();
}

void Session::OnTimer(std::uint64_t timer_id, std::int64_t now_ms) {
  state_->OnTimer(timer_id, now_ms);
  Publish();
}

void Session::SetPageVisible(bool visible, std::int64_t now_ms) {
  state_->visible = visible;
  if (visible) state_->Resume(now_ms);
  Publish();
}

void Session::SetOnline(bool online, std::int64_t now_ms) {
  state_->online = online;
  if (online) state_->Resume(now_ms);
  Publish();
}

void Session::Refetch(std::int64_t now_ms) {
  State& s = *state_;
  if (!s.started) return;
  s.CancelStepsWork();
  if (s.s3_state == S3State::kPending) {
    s.s3_state = S3State::kNotRequested;
    s.merge_stale = true;  // rows received so far wait for the new episode
  }
  s.awaiting_fresh_url = false;
  s.expiry_refreshes = 0;
  s.force_steps = true;
  s.StartJobEpisode(now_ms);
  Publish();
}

void Session::SetRandom(double random) { state_->given_random = random; }

std::optional<SessionEffect> Session::PollEffect() {
  if (state_->effects.empty()) return std::nullopt;
  SessionEffect effect = std::move(state_->effects.front());
  state_->effects.pop_front();
  return effect;
}

std::optional<std::int64_t> Session::NextDeadline() const {
  std::optional<std::int64_t> earliest;
  for (const auto& timer : state_->timers) {
    if (!earliest || timer.at_ms < *earliest) earliest = timer.at_ms;
  }
  return earliest;
}

const StepIndex* Session::steps_index() const { return state_->index.get(); }

const StepIndex* Session::streaming_steps_index() const {
  return state_->response.steps.index.get();
}

const StepIndex* Session::merged_steps_index() const {
  const State& s = *state_;
  const ReceivedSteps* stream = s.ShownStream();
  return stream != nullptr ? stream->index.get() : s.index.get();
}

const MergedList* Session::merged() const {
  const State& s = *state_;
  if (!s.job) return nullptr;
  const ReceivedSteps* stream = s.ShownStream();
  return stream != nullptr ? &stream->merge->list() : s.merged.get();
}

const Job* Session::job() const { return state_->job.get(); }

void Session::Publish() {
  if (state_->merge_stale) state_->Remerge();
  const State& s = *state_;
  SessionSnapshot next;
  if (!s.started) {
    next.status = SessionStatus::kIdle;
  } else if (s.job_error) {
    next.status = SessionStatus::kError;
  } else if (!s.job || !s.initial_resolved) {
    next.status = SessionStatus::kLoading;
  } else {
    next.status = SessionStatus::kReady;
  }
  if (s.job) {
    JobSummary job;
    job.id = s.job->id.value_or(s.job_id);
    job.status = s.job->status;
    job.terminal = IsTerminalStatus(s.job->status);
    job.has_s3_key = s.job->s3_key.has_value();
    job.has_s3_url = s.job->s3_url.has_value();
    job.dynamodb_step_count = s.job->step_count();
    next.job = std::move(job);
  }
  next.steps = s.merged_summary;
  if (s.steps_op.request.id != 0 && s.response.steps.index) {
    next.progress = SnapshotProgress{s.response.bytes, s.response.content_length,
                                     s.response.steps.index->count()};
  }
  const Operation* active = s.steps_op.active() ? &s.steps_op
                            : s.job_op.active() ? &s.job_op
                                                : nullptr;
  if (active != nullptr) next.attempt = active->attempts;
  for (const Operation* op : {&s.job_op, &s.steps_op}) {
    if (op->retry_timer != 0 && (!next.next_retry_at || op->retry_at_ms < *next.next_retry_at)) {
      next.next_retry_at = op->retry_at_ms;
    }
  }
  next.retry_paused = s.job_op.paused || s.steps_op.paused || s.poll_paused;
  next.fetching = s.job_op.request.id != 0 || s.steps_op.request.id != 0;
  next.error = s.job_error ? s.job_error : s.steps_error;
  next.version = snapshot_.version;
  if (next == snapshot_) return;
  next.version = snapshot_.version + 1;
  snapshot_ = std::move(next);
}

}  // namespace job_detail
