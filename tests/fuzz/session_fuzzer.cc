// The session driven by random event sequences from a model host that keeps its own books of the
// requests and timers the session asked for. After every input it checks:
// - ids: every fetch and timer id is fresh; a Cancel names a live request or timer (no stale id);
//   an event for an id the session no longer waits for changes nothing and emits nothing;
// - attempts: fetch_start's attempt is 1, or the previous attempt of that target plus one, never
//   above max_attempts; the snapshot's attempt is within the budget too;
// - the snapshot: `fetching` matches the host's live requests, NextDeadline the earliest live
//   timer, the version moves exactly when a field changes, counts match the merged list;
// - DynamoDB steps: every DynamoDB step key is in the merged list (so they are all shown when S3
//   failed, which the fallback source also says with the exact count);
// - secrets: no presigned signature or credential in any metric, effect other than the fetch
//   itself, or error message.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "fuzz_util.h"
#include "job_detail/session.h"

namespace job_detail::fuzz {
namespace {

constexpr std::int64_t kT0 = 1'795'960'800'000;  // Sun, 29 Nov 2026 14:00:00 GMT
constexpr std::string_view kSecret = "SECRETSIG";
constexpr std::string_view kCredential = "AKIASECRETKEY";
// Metrics carry RedactUrl's form, which drops the fragment too.
constexpr std::string_view kFragment = "FRAGMENTMARK";

std::string Two(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// `X-Amz-Date` for kT0 + offset (within the same day: kT0 is 14:00 UTC, offsets stay small).
std::string AmzDate(std::int64_t offset_s) {
  const std::int64_t s = 14 * 3600 + offset_s;
  if (s < 0 || s >= 86400) return "20261129T000000Z";
  return "20261129T" + Two(static_cast<int>(s / 3600)) + Two(static_cast<int>(s / 60 % 60)) +
         Two(static_cast<int>(s % 60)) + "Z";
}

std::string PresignedUrl(FuzzedDataProvider& in, std::int64_t now_ms) {
  static const char* kHosts[] = {"https://bucket.s3.amazonaws.com",
                                 "https://BUCKET.s3.amazonaws.com:443", "http://127.0.0.1:9000",
                                 "http://evil.example", "https://other.example"};
  std::string url = kHosts[in.ConsumeIntegralInRange<int>(0, 4)];
  url += in.ConsumeBool() ? "/jobs/j1/steps.json" : "/jobs/j1/steps-v2.json";
  url += "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + std::string(kCredential) +
         "%2F20261129%2Fus-east-1%2Fs3%2Faws4_request";
  if (in.ConsumeIntegralInRange<int>(0, 5) != 0) {
    const std::int64_t signed_offset_s =
        (now_ms - kT0) / 1000 - in.ConsumeIntegralInRange<int>(0, 2 * 3600);
    url += "&X-Amz-Date=" + AmzDate(signed_offset_s) +
           "&X-Amz-Expires=" + std::to_string(in.ConsumeIntegralInRange<int>(1, 7200));
  }
  url += "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + std::string(kSecret) +
         std::to_string(in.ConsumeIntegral<std::uint16_t>());
  if (in.ConsumeIntegralInRange<int>(0, 9) == 0) url += "#" + std::string(kFragment);
  return url;
}

// Random bytes for a body, without the marker the secret checks look for: a body is the server's
// text, not our URL, so only the signatures of the URLs we hand out count as secrets.
std::string RandomBody(FuzzedDataProvider& in, std::size_t max_length) {
  std::string out = in.ConsumeRandomLengthString(max_length);
  for (std::size_t at = out.find("SECRET"); at != std::string::npos; at = out.find("SECRET", at)) {
    out[at] = 's';
  }
  return out;
}

std::string StepsArray(int count, int first_number, const char* cost) {
  std::string out = "[";
  for (int i = 0; i < count; ++i) {
    if (i > 0) out += ",";
    out += "{\"step_number\":" + std::to_string(first_number + i) + ",\"cost_usd\":" + cost +
           ",\"output\":\"<p>step</p>\"}";
  }
  return out + "]";
}

std::string JobBody(FuzzedDataProvider& in, std::int64_t now_ms) {
  if (in.ConsumeIntegralInRange<int>(0, 15) == 0) return RandomBody(in, 64);
  static const char* kStatus[] = {"running", "completed", "failed", "", "RUNNING"};
  std::string body = "{\"id\":\"j1\",\"status\":\"" +
                     std::string(kStatus[in.ConsumeIntegralInRange<int>(0, 4)]) + "\"";
  const int dynamo = in.ConsumeIntegralInRange<int>(0, 7);
  if (in.ConsumeIntegralInRange<int>(0, 7) != 0) {
    body +=
        ",\"execution_steps\":" + StepsArray(dynamo, in.ConsumeIntegralInRange<int>(0, 3), "0.25");
  }
  const int s3 = in.ConsumeIntegralInRange<int>(0, 3);  // 0 none, 1 key only, 2/3 key and URL
  if (s3 >= 1) body += ",\"execution_steps_s3_key\":\"jobs/j1/steps.json\"";
  if (s3 >= 2) body += ",\"execution_steps_s3_url\":\"" + PresignedUrl(in, now_ms) + "\"";
  body += "}";
  // A body cut short or with a stray byte: the parse error must not quote the URL's signature.
  if (in.ConsumeIntegralInRange<int>(0, 7) == 0) {
    body.resize(in.ConsumeIntegralInRange<std::size_t>(0, body.size()));
    if (in.ConsumeBool()) body += in.ConsumeBool() ? " x" : "\x01";
  }
  return body;
}

std::string S3ErrorBody(FuzzedDataProvider& in) {
  static const char* kBodies[] = {
      ("<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
       "<ServerTime>2026-11-29T15:00:00Z</ServerTime></Error>"),
      "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
      "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>",
      "<Error><Code>SlowDown</Code></Error>",
      // A proxy or a misbehaving store may echo the request: no signature may reach a message.
      ("<Error><Code>SignatureDoesNotMatch</Code><Message>GET /jobs/j1/steps.json?X-Amz-Credential="
       "AKIASECRETKEY%2F20261129&amp;X-Amz-Signature=SECRETSIG1</Message>"
       "<SignatureProvided>SECRETSIG1</SignatureProvided></Error>"),
      "<html>bad gateway</html>", ""};
  return kBodies[in.ConsumeIntegralInRange<int>(0, 6)];
}

std::string StepsDocument(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 5)) {
    case 0:
      return RandomBody(in, 96);
    case 1:
      return "{\"execution_steps\":" +
             StepsArray(in.ConsumeIntegralInRange<int>(0, 12), 1, "\"$0.10\"") + "}";
    case 2:
      return StepsArray(in.ConsumeIntegralInRange<int>(0, 12), 1, "0.5");
    case 3:
      return "[{\"step_number\":1},{\"step_number\":";  // truncated
    default:
      return StepsArray(in.ConsumeIntegralInRange<int>(1, 9), in.ConsumeIntegralInRange<int>(0, 4),
                        "null");
  }
}

HttpHeaders Headers(FuzzedDataProvider& in, std::int64_t now_ms) {
  HttpHeaders headers;
  if (in.ConsumeBool())
    headers.emplace_back(
        "Date",
        "Sun, 29 Nov 2026 14:0" + std::to_string(in.ConsumeIntegralInRange<int>(0, 9)) + ":00 GMT");
  if (in.ConsumeIntegralInRange<int>(0, 3) == 0) {
    headers.emplace_back("Retry-After", std::to_string(in.ConsumeIntegralInRange<int>(-1, 100000)));
  }
  if (in.ConsumeBool()) headers.emplace_back("ETag", in.ConsumeBool() ? "\"v1\"" : "\"v2\"");
  if (in.ConsumeIntegralInRange<int>(0, 3) == 0) {
    headers.emplace_back("content-length", std::to_string(in.ConsumeIntegral<std::uint32_t>()));
  }
  (void)now_ms;
  return headers;
}

bool HasSecret(std::string_view text) {
  return text.find(kSecret) != std::string_view::npos ||
         text.find(kCredential) != std::string_view::npos;
}

enum class Kind { kJob, kSteps };

// JD_FUZZ_TRACE=1 prints every input the host gives the session, to replay a finding by hand.
bool Tracing() {
  static const bool tracing = std::getenv("JD_FUZZ_TRACE") != nullptr;
  return tracing;
}
#define JD_TRACE(...) (Tracing() ? (void)std::fprintf(stderr, __VA_ARGS__) : (void)0)

class Host {
 public:
  Host(FuzzedDataProvider& in, SessionConfig config)
      : in_(in), max_attempts_(config.retry.max_attempts), session_(std::move(config)) {}

  void Run() {
    session_.Start(in_.ConsumeBool() ? "j1" : "j/1 ?#", now_);
    Drain();
    Check();
    for (int step = 0; step < 400 && in_.remaining_bytes() > 0; ++step) {
      Act();
      Check();
    }
  }

 private:
  void Act() {
    switch (in_.ConsumeIntegralInRange<int>(0, 13)) {
      case 0:
      case 1:
        FireTimer();
        break;
      case 2:
      case 3:
        if (auto id = LiveRequest(Kind::kJob)) {
          const int status = Pick({200, 200, 200, 200, 304, 403, 404, 429, 500, 503, 400, 0});
          const HttpHeaders headers = Headers(in_, now_);
          const std::string body = JobBody(in_, now_);
          JD_TRACE("t=%lld job response id=%llu status=%d body=%s\n", T(), U(*id), status,
                   body.c_str());
          session_.OnJobResponse(*id, status, headers, body, now_);
          requests_.erase(*id);
          Drain();
        }
        break;
      case 4:
      case 5:
        if (auto id = LiveRequest(Kind::kSteps)) {
          if (!started_.count(*id)) {
            const int status = Pick({200, 200, 200, 304, 400, 403, 403, 404, 500, 503, 302});
            started_.insert(*id);
            error_status_[*id] = status < 200 || status > 299;
            JD_TRACE("t=%lld steps start id=%llu status=%d\n", T(), U(*id), status);
            session_.OnStepsResponseStart(*id, status, Headers(in_, now_), now_);
          } else {
            const std::string body = error_status_[*id] ? S3ErrorBody(in_) : StepsDocument(in_);
            std::size_t at = 0;
            while (at < body.size() && requests_.count(*id)) {
              const std::size_t piece = in_.ConsumeIntegralInRange<std::size_t>(1, 64);
              JD_TRACE("t=%lld steps chunk id=%llu %s\n", T(), U(*id),
                       std::string(std::string_view(body).substr(at, piece)).c_str());
              session_.OnStepsChunk(*id, std::string_view(body).substr(at, piece), now_);
              at += piece;
              Drain();
            }
            if (!requests_.count(*id)) break;  // the session aborted the download
            if (in_.ConsumeIntegralInRange<int>(0, 4) != 0) {
              JD_TRACE("t=%lld steps end id=%llu\n", T(), U(*id));
              session_.OnStepsEnd(*id, now_);
              requests_.erase(*id);
            }
          }
          Drain();
        }
        break;
      case 6:
        if (auto id = AnyLiveRequest()) {
          JD_TRACE("t=%lld transport error id=%llu\n", T(), U(*id));
          session_.OnTransportError(
              *id, static_cast<TransportErrorKind>(in_.ConsumeIntegralInRange<int>(0, 2)), now_);
          requests_.erase(*id);
          Drain();
        }
        break;
      case 7:
        JD_TRACE("t=%lld visibility\n", T());
        session_.SetPageVisible(in_.ConsumeBool(), now_);
        Drain();
        break;
      case 8:
        JD_TRACE("t=%lld online\n", T());
        session_.SetOnline(in_.ConsumeBool(), now_);
        Drain();
        break;
      case 9:
        JD_TRACE("t=%lld refetch\n", T());
        session_.Refetch(now_);
        Drain();
        break;
      case 10:
        session_.SetRandom(in_.ConsumeFloatingPoint<double>());
        break;
      case 11:
        now_ += in_.ConsumeIntegralInRange<std::int64_t>(0, 4'000'000);
        break;
      case 12:
        StaleEvent();
        break;
      default:
        JD_TRACE("t=%lld start or stop\n", T());
        if (in_.ConsumeIntegralInRange<int>(0, 7) == 0) {
          session_.Start(in_.ConsumeBool() ? "j1" : "j2", now_);
        } else {
          session_.Stop(now_);
        }
        Drain();
        break;
    }
  }

  long long T() const { return static_cast<long long>(now_ - kT0); }
  static unsigned long long U(std::uint64_t id) { return id; }

  int Pick(std::initializer_list<int> values) {
    return *(values.begin() + in_.ConsumeIntegralInRange<std::size_t>(0, values.size() - 1));
  }

  std::optional<std::uint64_t> LiveRequest(Kind kind) const {
    for (const auto& [id, k] : requests_) {
      if (k == kind) return id;
    }
    return std::nullopt;
  }

  std::optional<std::uint64_t> AnyLiveRequest() {
    if (requests_.empty()) return std::nullopt;
    auto it = requests_.begin();
    std::advance(it, in_.ConsumeIntegralInRange<std::size_t>(0, requests_.size() - 1));
    return it->first;
  }

  void FireTimer() {
    if (timers_.empty()) return;
    auto earliest =
        std::min_element(timers_.begin(), timers_.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    const std::uint64_t id = earliest->first;
    now_ = std::max(now_, earliest->second);
    timers_.erase(earliest);
    JD_TRACE("t=%lld timer id=%llu\n", T(), U(id));
    session_.OnTimer(id, now_);
    Drain();
  }

  // An answer for an id that is not live (finished, cancelled, or never issued): ignored.
  void StaleEvent() {
    std::uint64_t id =
        in_.ConsumeIntegralInRange<std::uint64_t>(0, issued_.empty() ? 3 : *issued_.rbegin() + 2);
    if (requests_.count(id) || timers_.count(id)) return;
    const std::uint64_t version = session_.version();
    switch (in_.ConsumeIntegralInRange<int>(0, 5)) {
      case 0:
        session_.OnJobResponse(id, 200, {}, "{\"id\":\"j1\"}", now_);
        break;
      case 1:
        session_.OnStepsResponseStart(id, 200, {}, now_);
        break;
      case 2:
        session_.OnStepsChunk(id, std::string_view("[{}]"), now_);
        break;
      case 3:
        session_.OnStepsEnd(id, now_);
        break;
      case 4:
        session_.OnTransportError(id, TransportErrorKind::kNetwork, now_);
        break;
      default:
        session_.OnTimer(id, now_);
        break;
    }
    JD_FUZZ_CHECK(session_.version() == version);
    JD_FUZZ_CHECK(!session_.PollEffect().has_value());
  }

  void Fresh(std::uint64_t id) {
    JD_FUZZ_CHECK(id != 0);
    JD_FUZZ_CHECK(issued_.insert(id).second);
  }

  void Drain() {
    while (auto effect = session_.PollEffect()) {
      if (auto* metric = std::get_if<Metric>(&*effect))
        JD_TRACE("  metric %s\n", metric->name.c_str());
      if (auto* fetch = std::get_if<FetchJob>(&*effect)) {
        JD_TRACE("  fetch job id=%llu\n", U(fetch->id));
        Fresh(fetch->id);
        requests_[fetch->id] = Kind::kJob;
      } else if (auto* steps = std::get_if<FetchSteps>(&*effect)) {
        Fresh(steps->id);
        requests_[steps->id] = Kind::kSteps;
        JD_TRACE("  fetch steps id=%llu %s\n", U(steps->id), steps->url.c_str());
        JD_FUZZ_CHECK(steps->url.find("evil.example") == std::string::npos);
        JD_FUZZ_CHECK(steps->headers.size() <= 1);
      } else if (auto* timer = std::get_if<StartTimer>(&*effect)) {
        Fresh(timer->id);
        JD_FUZZ_CHECK(timer->at_ms >= now_);
        timers_[timer->id] = timer->at_ms;
        JD_TRACE("  timer id=%llu at=%lld\n", U(timer->id),
                 static_cast<long long>(timer->at_ms - kT0));
      } else if (auto* cancel = std::get_if<Cancel>(&*effect)) {
        JD_TRACE("  cancel id=%llu\n", U(cancel->id));
        const bool live = requests_.erase(cancel->id) + timers_.erase(cancel->id) == 1;
        JD_FUZZ_CHECK(live);
      } else {
        CheckMetric(std::get<Metric>(*effect));
      }
    }
    Check();  // after every input, so a version bump is seen one input at a time
  }

  void CheckMetric(const Metric& metric) {
    for (const MetricField& field : metric.fields) {
      if (auto* text = std::get_if<std::string>(&field.value)) {
        JD_FUZZ_CHECK(!HasSecret(*text) && text->find(kFragment) == std::string::npos);
      }
    }
    if (metric.name != "fetch_start") return;
    const auto* target = std::get_if<std::string>(metric.Find("target"));
    const auto* attempt = std::get_if<std::int64_t>(metric.Find("attempt"));
    JD_FUZZ_CHECK(target != nullptr && attempt != nullptr);
    JD_FUZZ_CHECK(*attempt >= 1 && *attempt <= max_attempts_);
    std::int64_t& last = last_attempt_[*target];
    JD_FUZZ_CHECK(*attempt == 1 || *attempt == last + 1);
    last = *attempt;
  }

  void Check() {
    const SessionSnapshot& snap = session_.Snapshot();
    JD_FUZZ_CHECK(snap.status != SessionStatus::kIdle);
    JD_FUZZ_CHECK(snap.attempt >= 0 && snap.attempt <= max_attempts_);
    JD_FUZZ_CHECK(snap.fetching == !requests_.empty());
    std::optional<std::int64_t> earliest;
    for (const auto& [id, at] : timers_) earliest = earliest ? std::min(*earliest, at) : at;
    JD_FUZZ_CHECK(session_.NextDeadline() == earliest);
    JD_FUZZ_CHECK(!snap.next_retry_at || timers_.size() > 0);
    if (snap.error) {
      JD_TRACE("  error %s\n", snap.error->message.c_str());
      JD_FUZZ_CHECK(!HasSecret(snap.error->message) && !snap.error->message.empty());
    }
    // The version moves exactly when a field changes.
    SessionSnapshot without_version = snap;
    without_version.version = last_.version;
    if (without_version == last_) {
      JD_FUZZ_CHECK(snap.version == last_.version);
    } else {
      JD_FUZZ_CHECK(snap.version == last_.version + 1);
    }
    last_ = snap;

    const Job* job = session_.job();
    const MergedList* merged = session_.merged();
    JD_FUZZ_CHECK((job != nullptr) == snap.job.has_value());
    JD_FUZZ_CHECK((merged != nullptr) == snap.steps.has_value());
    if (snap.status == SessionStatus::kReady) JD_FUZZ_CHECK(job != nullptr && merged != nullptr);
    if (job == nullptr || merged == nullptr) return;
    JD_FUZZ_CHECK(snap.job->dynamodb_step_count == job->step_count());
    JD_FUZZ_CHECK(snap.steps->count == merged->entries.size());
    JD_FUZZ_CHECK(snap.steps->source == merged->source);
    for (const StepKey& key : job->step_keys) {
      const bool shown = std::any_of(merged->entries.begin(), merged->entries.end(),
                                     [&](const MergedEntry& e) { return e.key == key; });
      JD_FUZZ_CHECK(shown);
    }
    if (merged->source == StepsSource::kDynamoDbFallback) {
      JD_FUZZ_CHECK(merged->entries.size() == job->step_count());
      JD_FUZZ_CHECK(!merged->complete && merged->reason.has_value());
    }
    // S3 entries index into merged_steps_index(): the complete document, or while the first one
    // streams, the part received so far.
    const StepIndex* s3_steps = session_.merged_steps_index();
    for (const MergedEntry& entry : merged->entries) {
      if (entry.origin != StepOrigin::kS3) continue;
      JD_FUZZ_CHECK(s3_steps != nullptr && entry.index < s3_steps->count());
    }
    if (merged->source == StepsSource::kS3 && !snap.steps->streaming) {
      const StepIndex* index = session_.steps_index();
      JD_FUZZ_CHECK(index != nullptr && index == s3_steps);
      JD_FUZZ_CHECK(index->finished() && !index->error());
      JD_FUZZ_CHECK(merged->entries.size() >= index->count());
    }
    if (snap.steps->streaming)
      JD_FUZZ_CHECK(merged->source == StepsSource::kS3 && !merged->complete);
    if (snap.progress) JD_FUZZ_CHECK(session_.streaming_steps_index() != nullptr);
  }

  FuzzedDataProvider& in_;
  int max_attempts_;
  Session session_;
  std::int64_t now_ = kT0;
  std::set<std::uint64_t> issued_;
  std::map<std::uint64_t, Kind> requests_;
  std::map<std::uint64_t, std::int64_t> timers_;
  std::set<std::uint64_t> started_;
  std::map<std::uint64_t, bool> error_status_;
  std::map<std::string, std::int64_t> last_attempt_;
  SessionSnapshot last_;
};

}  // namespace
}  // namespace job_detail::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace job_detail;
  FuzzedDataProvider in(data, size);
  SessionConfig config;
  config.api_base_url = "https://api.example.test/v1/";
  config.retry.max_attempts = in.ConsumeIntegralInRange<int>(1, 4);
  config.poll_interval_ms = in.ConsumeIntegralInRange<std::int64_t>(1, 60'000);
  config.request_timeout_ms = in.ConsumeIntegralInRange<std::int64_t>(1, 60'000);
  if (in.ConsumeBool()) config.allowed_hosts = {"bucket.s3.amazonaws.com", "127.0.0.1:9000"};
  if (in.ConsumeBool())
    config.steps_limits.max_bytes = in.ConsumeIntegralInRange<std::uint64_t>(0, 400);
  config.steps_limits.max_depth = in.ConsumeIntegralInRange<std::uint32_t>(1, 8);
  config.random_seed = in.ConsumeIntegral<std::uint64_t>();
  fuzz::Host host(in, std::move(config));
  host.Run();
  return 0;
}
