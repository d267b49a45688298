// Scripted scenarios for the session with virtual time: every input carries `now`, timers fire by
// jumping `now` to NextDeadline(), and every assertion is on effects and snapshots. No sleeps.
#include "job_detail/session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "job_detail/detail/civil_time.h"

namespace job_detail {
namespace {

// Sun, 29 Nov 2026 14:00:00 GMT.
constexpr std::int64_t kT0 = 1'795'960'800'000;
constexpr std::int64_t kHour = 3'600'000;

std::string TwoDigits(std::int64_t v) { return (v < 10 ? "0" : "") + std::to_string(v); }

// `X-Amz-Date` text for an epoch time (the test side of the parser under test, written plainly).
std::string IsoBasic(std::int64_t ms) {
  std::int64_t seconds = ms / 1000;
  std::int64_t days = seconds / 86400;
  const std::int64_t rem = seconds % 86400;
  // Civil from days (Hinnant), inverse of the parser's arithmetic.
  days += 719468;
  const std::int64_t era = days / 146097;
  const std::int64_t doe = days - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t year = yoe + era * 400;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  year += month <= 2 ? 1 : 0;
  return std::to_string(year) + TwoDigits(month) + TwoDigits(day) + "T" + TwoDigits(rem / 3600) +
         TwoDigits(rem / 60 % 60) + TwoDigits(rem % 60) + "Z";
}

std::string HttpDate(std::int64_t ms) {
  static const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string iso = IsoBasic(ms);  // YYYYMMDDTHHMMSSZ
  const std::int64_t days = ms / 86'400'000;
  return std::string(kDays[days % 7]) + ", " + iso.substr(6, 2) + " " +
         kMonths[std::stoi(iso.substr(4, 2)) - 1] + " " + iso.substr(0, 4) + " " +
         iso.substr(9, 2) + ":" + iso.substr(11, 2) + ":" + iso.substr(13, 2) + " GMT";
}

std::string PresignedUrl(std::string_view key, std::int64_t signed_at_ms, int expires_s = 3600,
                         std::string_view host = "https://bucket.s3.amazonaws.com") {
  return std::string(host) + "/" + std::string(key) +
         "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASECRET%2F20261129%2Fus-east-1"
         "%2Fs3%2Faws4_request&X-Amz-Date=" +
         IsoBasic(signed_at_ms) + "&X-Amz-Expires=" + std::to_string(expires_s) +
         "&X-Amz-SignedHeaders=host&X-Amz-Signature=sig" + std::to_string(signed_at_ms);
}

// A job as the API returns it: `dynamo_steps` steps numbered from 1, each costing 0.25.
std::string JobJson(std::string_view status, int dynamo_steps,
                    std::optional<std::string> s3_url = std::nullopt,
                    std::optional<std::string> s3_key = std::string("jobs/j1/steps.json")) {
  std::string steps = "[";
  for (int i = 1; i <= dynamo_steps; ++i) {
    if (i > 1) steps += ",";
    steps += "{\"step_number\":" + std::to_string(i) + ",\"cost_usd\":0.25}";
  }
  steps += "]";
  std::string json =
      "{\"id\":\"j1\",\"status\":\"" + std::string(status) + "\",\"execution_steps\":" + steps;
  if (s3_url) {
    if (s3_key) json += ",\"execution_steps_s3_key\":\"" + *s3_key + "\"";
    json += ",\"execution_steps_s3_url\":\"" + *s3_url + "\"";
  }
  return json + "}";
}

// The S3 document: `count` steps numbered from 1, each costing "0.5".
std::string StepsJson(int count) {
  std::string json = "{\"execution_steps\":[";
  for (int i = 1; i <= count; ++i) {
    if (i > 1) json += ",";
    json += "{\"step_number\":" + std::to_string(i) +
            ",\"step_name\":\"s\",\"output\":\"<html>…</html>\",\"cost_usd\":\"0.5\"}";
  }
  return json + "]}";
}

std::string S3ErrorXml(std::string_view code, std::string_view message,
                       std::string_view extra = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + std::string(code) +
         "</Code><Message>" + std::string(message) + "</Message>" + std::string(extra) +
         "<RequestId>R</RequestId></Error>";
}

std::string MetricText(const Metric& metric, std::string_view field) {
  const MetricValue* value = metric.Find(field);
  if (value == nullptr) return "<missing>";
  if (const auto* s = std::get_if<std::string>(value)) return *s;
  if (const auto* b = std::get_if<bool>(value)) return *b ? "true" : "false";
  return std::to_string(std::get<std::int64_t>(*value));
}

// Drives a Session like a host would: drains effects, keeps the armed timers, jumps virtual time.
class Script {
 public:
  explicit Script(SessionConfig config = DefaultConfig()) : session(std::move(config)) {}

  static SessionConfig DefaultConfig() {
    SessionConfig config;
    config.api_base_url = "https://api.example/v1/";
    return config;
  }

  // Drains the session's effects into the lists below.
  void Drain() {
    while (auto effect = session.PollEffect()) {
      if (auto* f = std::get_if<FetchJob>(&*effect)) {
        job_fetches.push_back(*f);
      } else if (auto* s = std::get_if<FetchSteps>(&*effect)) {
        steps_fetches.push_back(*s);
      } else if (auto* c = std::get_if<Cancel>(&*effect)) {
        cancels.push_back(c->id);
        timers.erase(c->id);
      } else if (auto* t = std::get_if<StartTimer>(&*effect)) {
        timers[t->id] = t->at_ms;
      } else {
        metrics.push_back(std::get<Metric>(*effect));
      }
    }
  }

  void Start(std::int64_t at = kT0) {
    now = at;
    session.Start("j1", now);
    Drain();
  }

  // Answers the latest job fetch.
  void JobResponds(int status, const std::string& body, HttpHeaders headers = {}) {
    ASSERT_FALSE(job_fetches.empty());
    session.OnJobResponse(job_fetches.back().id, status, headers, body, now);
    Drain();
  }

  // Answers the latest steps fetch with a whole body in chunks of `chunk` bytes.
  void StepsRespond(int status, const std::string& body, HttpHeaders headers = {},
                    std::size_t chunk = 7) {
    ASSERT_FALSE(steps_fetches.empty());
    const std::uint64_t id = steps_fetches.back().id;
    session.OnStepsResponseStart(id, status, headers, now);
    for (std::size_t at = 0; at < body.size(); at += chunk) {
      session.OnStepsChunk(id, std::string_view(body).substr(at, chunk), now);
    }
    session.OnStepsEnd(id, now);
    Drain();
  }

  void JobFails(TransportErrorKind kind) {
    session.OnTransportError(job_fetches.back().id, kind, now);
    Drain();
  }

  void StepsFail(TransportErrorKind kind) {
    session.OnTransportError(steps_fetches.back().id, kind, now);
    Drain();
  }

  // Jumps to the next deadline and fires every timer due then, like a host's event loop.
  void AdvanceToNextDeadline() {
    const auto deadline = session.NextDeadline();
    ASSERT_TRUE(deadline.has_value());
    ASSERT_GE(*deadline, now);
    now = *deadline;
    FireDue();
  }

  void AdvanceTo(std::int64_t at) {
    now = at;
    FireDue();
  }

  void FireDue() {
    std::vector<std::uint64_t> due;
    for (const auto& [id, at] : timers) {
      if (at <= now) due.push_back(id);
    }
    for (std::uint64_t id : due) {
      if (timers.erase(id) == 0) continue;
      session.OnTimer(id, now);
      Drain();
    }
  }

  std::vector<Metric> MetricsNamed(std::string_view name) const {
    std::vector<Metric> out;
    for (const Metric& m : metrics) {
      if (m.name == name) out.push_back(m);
    }
    return out;
  }

  const SessionSnapshot& snap() const { return session.Snapshot(); }

  Session session;
  std::int64_t now = kT0;
  std::vector<FetchJob> job_fetches;
  std::vector<FetchSteps> steps_fetches;
  std::vector<std::uint64_t> cancels;
  std::map<std::uint64_t, std::int64_t> timers;
  std::vector<Metric> metrics;
};

const std::string kUrl = PresignedUrl("jobs/j1/steps.json", kT0);

std::string Source(const SessionSnapshot& snap) {
  return snap.steps ? std::string(StepsSourceName(snap.steps->source)) : "<none>";
}

std::string Reason(const SessionSnapshot& snap) {
  return snap.steps && snap.steps->reason ? std::string(ErrorCodeName(*snap.steps->reason))
                                          : "<none>";
}

// Start, answer the job with `job_body`, return the script ready for the steps fetch.
void LoadJob(Script& s, const std::string& job_body, HttpHeaders headers = {}) {
  s.Start();
  ASSERT_EQ(s.job_fetches.size(), 1u);
  s.JobResponds(200, job_body, std::move(headers));
}

// Loads `job_body` and starts a 200 response to its steps fetch; returns the request id.
std::uint64_t BeginDownload(Script& s, const std::string& job_body) {
  LoadJob(s, job_body);
  const std::uint64_t id = s.steps_fetches.back().id;
  s.session.OnStepsResponseStart(id, 200, {}, s.now);
  return id;
}

TEST(SessionTest, IdleBeforeStart) {
  Script s;
  EXPECT_EQ(s.snap().status, SessionStatus::kIdle);
  EXPECT_EQ(s.snap().version, 0u);
  EXPECT_FALSE(s.session.NextDeadline().has_value());
  EXPECT_FALSE(s.session.PollEffect().has_value());
}

TEST(SessionTest, JobWithoutS3ListUsesDynamoDbAndStopsAtTerminalStatus) {
  Script s;
  s.Start();
  ASSERT_EQ(s.job_fetches.size(), 1u);
  EXPECT_EQ(s.job_fetches[0].url, "https://api.example/v1/jobs/j1");
  EXPECT_EQ(s.snap().status, SessionStatus::kLoading);
  EXPECT_TRUE(s.snap().fetching);
  s.JobResponds(200, JobJson("completed", 3));
  EXPECT_EQ(s.snap().status, SessionStatus::kReady);
  EXPECT_TRUE(s.steps_fetches.empty());
  EXPECT_EQ(Source(s.snap()), "dynamodb");
  EXPECT_TRUE(s.snap().steps->complete);
  EXPECT_EQ(s.snap().steps->count, 3u);
  EXPECT_EQ(s.snap().steps->total_cost_usd, "0.75");
  ASSERT_TRUE(s.snap().job.has_value());
  EXPECT_EQ(s.snap().job->id, "j1");
  EXPECT_TRUE(s.snap().job->terminal);
  // Terminal: no poll, no timers left.
  EXPECT_FALSE(s.session.NextDeadline().has_value());
  EXPECT_TRUE(s.timers.empty());
}

TEST(SessionTest, JobIdIsPercentEncodedIntoTheUrl) {
  Script s;
  s.session.Start("a b/ç?", kT0);
  s.Drain();
  ASSERT_EQ(s.job_fetches.size(), 1u);
  EXPECT_EQ(s.job_fetches[0].url, "https://api.example/v1/jobs/a%20b%2F%C3%A7%3F");
}

TEST(SessionTest, S3ListWinsAndStreamsWithProgress) {
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  ASSERT_EQ(s.steps_fetches.size(), 1u);
  EXPECT_EQ(s.steps_fetches[0].url, kUrl);
  EXPECT_TRUE(s.steps_fetches[0].headers.empty());
  // The job is known, the steps are not: still loading, showing the DynamoDB steps meanwhile.
  EXPECT_EQ(s.snap().status, SessionStatus::kLoading);
  ASSERT_TRUE(s.snap().job.has_value());
  const std::string body = StepsJson(8);
  const std::uint64_t id = s.steps_fetches[0].id;
  s.session.OnStepsResponseStart(
      id, 200, {{"content-length", std::to_string(body.size())}, {"ETag", "\"v1\""}}, s.now);
  ASSERT_TRUE(s.snap().progress.has_value());
  EXPECT_EQ(s.snap().progress->bytes, 0u);
  EXPECT_EQ(s.snap().progress->total, body.size());
  const std::uint64_t before = s.session.version();
  s.session.OnStepsChunk(id, std::string_view(body).substr(0, 100), s.now);
  EXPECT_GT(s.session.version(), before);
  EXPECT_EQ(s.snap().progress->bytes, 100u);
  ASSERT_NE(s.session.streaming_steps_index(), nullptr);
  s.session.OnStepsChunk(id, std::string_view(body).substr(100), s.now);
  s.session.OnStepsEnd(id, s.now);
  s.Drain();
  EXPECT_EQ(s.snap().status, SessionStatus::kReady);
  EXPECT_FALSE(s.snap().progress.has_value());
  EXPECT_EQ(Source(s.snap()), "s3");
  EXPECT_TRUE(s.snap().steps->complete);
  EXPECT_EQ(s.snap().steps->count, 8u);
  EXPECT_EQ(s.snap().steps->total_cost_usd, "4");
  EXPECT_EQ(s.snap().steps->total_cost_display, "$4.00");
  ASSERT_NE(s.session.steps_index(), nullptr);
  EXPECT_EQ(s.session.steps_index()->count(), 8u);
  EXPECT_EQ(s.session.streaming_steps_index(), nullptr);
  EXPECT_FALSE(s.snap().error.has_value());
  EXPECT_FALSE(s.session.NextDeadline().has_value());
}

TEST(SessionTest, RowsAndStepTextsComeFromTheListEachShownStepIsFrom) {
  Script s;
  LoadJob(s, JobJson("completed", 3, kUrl));
  // Before S3 answers: the DynamoDB steps, read by the same rules.
  ASSERT_TRUE(s.session.Row(0).ok());
  EXPECT_EQ(s.session.Row(0).value().origin, StepOrigin::kDynamoDb);
  EXPECT_EQ(s.session.Row(0).value().row.step_number, "1");
  EXPECT_EQ(s.session.StepText(0), R"({"step_number":1,"cost_usd":0.25})");
  const std::string body = StepsJson(2);
  const std::uint64_t id = s.steps_fetches[0].id;
  s.session.OnStepsResponseStart(id, 200, {}, s.now);
  s.session.OnStepsChunk(id, body, s.now);
  s.session.OnStepsEnd(id, s.now);
  // S3 wins for steps 1 and 2; DynamoDB's step 3 stays.
  ASSERT_EQ(s.snap().steps->count, 3u);
  EXPECT_EQ(s.session.Row(0).value().origin, StepOrigin::kS3);
  EXPECT_EQ(s.session.Row(0).value().row.name, "s");
  EXPECT_EQ(s.session.StepText(1).substr(0, 16), R"({"step_number":2)");
  EXPECT_EQ(s.session.Row(2).value().origin, StepOrigin::kDynamoDb);
  EXPECT_EQ(s.session.Row(2).value().row.step_number, "3");
  EXPECT_EQ(s.session.StepText(2), R"({"step_number":3,"cost_usd":0.25})");
  EXPECT_EQ(s.session.Row(3).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(s.session.StepText(3).empty());
}

TEST(SessionTest, SnapshotVersionChangesExactlyWhenTheSnapshotDoes) {
  Script s;
  s.Start();
  const std::uint64_t v = s.session.version();
  const SessionSnapshot copy = s.snap();
  // A response to an id nobody asked for changes nothing.
  s.session.OnJobResponse(999, 200, {}, JobJson("completed", 1), s.now);
  s.session.OnTimer(12345, s.now);
  s.Drain();
  EXPECT_EQ(s.session.version(), v);
  EXPECT_EQ(s.snap(), copy);
  s.JobResponds(200, JobJson("completed", 1));
  EXPECT_EQ(s.session.version(), v + 1);
}

// --- Classification: every retryable row, then final after the budget (3 attempts). ---

struct RetryRow {
  const char* name;
  int status;  // 0: transport error
  std::string body;
  TransportErrorKind kind;
  ErrorCode final_code;
};

class RetryableTest : public ::testing::TestWithParam<RetryRow> {};

void FailSteps(Script& s, const RetryRow& row) {
  if (row.status == 0) {
    s.StepsFail(row.kind);
  } else {
    s.StepsRespond(row.status, row.body);
  }
}

TEST_P(RetryableTest, RetriedThenFinalWithDynamoDbFallback) {
  const RetryRow& row = GetParam();
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_EQ(s.steps_fetches.size(), static_cast<std::size_t>(attempt));
    EXPECT_EQ(s.snap().attempt, attempt);
    s.session.SetRandom(1.0);
    FailSteps(s, row);
    if (attempt < 3) {
      // Full jitter with random 1: the upper bound, 250 ms then 500 ms.
      const std::int64_t delay = attempt == 1 ? 250 : 500;
      ASSERT_EQ(s.snap().next_retry_at, s.now + delay) << row.name;
      EXPECT_EQ(Source(s.snap()), "dynamodb");
      s.AdvanceToNextDeadline();
    }
  }
  EXPECT_EQ(s.steps_fetches.size(), 3u);
  EXPECT_EQ(s.snap().status, SessionStatus::kReady);
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_FALSE(s.snap().steps->complete);
  EXPECT_EQ(Reason(s.snap()), ErrorCodeName(row.final_code));
  EXPECT_EQ(s.snap().steps->count, 2u);  // DynamoDB steps stay visible
  ASSERT_TRUE(s.snap().error.has_value());
  EXPECT_EQ(s.snap().error->code, row.final_code);
  EXPECT_FALSE(s.snap().next_retry_at.has_value());
  const auto ends = s.MetricsNamed("fetch_end");
  ASSERT_FALSE(ends.empty());
  EXPECT_EQ(MetricText(ends.back(), "fell_back"), "true");
  EXPECT_EQ(MetricText(ends.back(), "attempt"), "3");
}

INSTANTIATE_TEST_SUITE_P(
    Rows, RetryableTest,
    ::testing::Values(
        RetryRow{"network", 0, "", TransportErrorKind::kNetwork, ErrorCode::kNetwork},
        RetryRow{"timeout", 0, "", TransportErrorKind::kTimeout, ErrorCode::kTimeout},
        RetryRow{"s408", 408, "", {}, ErrorCode::kTimeout},
        RetryRow{"s429", 429, "", {}, ErrorCode::kHttpError},
        RetryRow{"s500", 500, S3ErrorXml("InternalError", "x"), {}, ErrorCode::kServerError},
        RetryRow{"s502", 502, "<html>bad gateway</html>", {}, ErrorCode::kServerError},
        RetryRow{"s503",
                 503,
                 S3ErrorXml("SlowDown", "Reduce your request rate."),
                 {},
                 ErrorCode::kServerError},
        RetryRow{"s504", 504, "", {}, ErrorCode::kServerError},
        RetryRow{"s400_request_timeout",
                 400,
                 S3ErrorXml("RequestTimeout", "Idle"),
                 {},
                 ErrorCode::kTimeout},
        RetryRow{"truncated", 200, StepsJson(3).substr(0, 50), {}, ErrorCode::kTruncated}),
    [](const auto& row) { return std::string(row.param.name); });

TEST(SessionTest, ABodyCutOffMidStreamIsTruncatedNotANetworkError) {
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  const std::string body = StepsJson(8);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_EQ(s.steps_fetches.size(), static_cast<std::size_t>(attempt));
    const std::uint64_t id = s.steps_fetches.back().id;
    s.session.OnStepsResponseStart(id, 200, {{"Content-Length", std::to_string(body.size())}},
                                   s.now);
    s.session.OnStepsChunk(id, std::string_view(body).substr(0, 40), s.now);
    s.StepsFail(TransportErrorKind::kNetwork);
    if (attempt < 3) s.AdvanceToNextDeadline();
  }
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), "truncated");
  EXPECT_EQ(s.snap().steps->count, 2u);
  // Without a Content-Length and before any byte of the body, the session knows nothing about
  // the body: a network failure stays a network failure.
  Script t;
  LoadJob(t, JobJson("completed", 2, kUrl));
  for (int attempt = 1; attempt <= 3; ++attempt) {
    t.session.OnStepsResponseStart(t.steps_fetches.back().id, 200, {}, t.now);
    t.StepsFail(TransportErrorKind::kNetwork);
    if (attempt < 3) t.AdvanceToNextDeadline();
  }
  EXPECT_EQ(Reason(t.snap()), "network");
}

// Whether a browser hands any body bytes to the page before reporting the cut is its own timing;
// the outcome must not depend on it. A 2xx that announced a length and ended short is truncated
// with zero bytes read too; one that delivered all it announced and then failed is a network error.
TEST(SessionTest, ABodyShortOfItsContentLengthIsTruncatedEvenBeforeItsFirstByte) {
  const std::string body = StepsJson(8);
  const auto run = [&](std::size_t delivered) {
    Script s;
    LoadJob(s, JobJson("completed", 2, kUrl));
    for (int attempt = 1; attempt <= 3; ++attempt) {
      const std::uint64_t id = s.steps_fetches.back().id;
      s.session.OnStepsResponseStart(id, 200, {{"Content-Length", std::to_string(body.size())}},
                                     s.now);
      if (delivered > 0)
        s.session.OnStepsChunk(id, std::string_view(body).substr(0, delivered), s.now);
      s.StepsFail(TransportErrorKind::kNetwork);
      if (attempt < 3) s.AdvanceToNextDeadline();
    }
    EXPECT_EQ(s.steps_fetches.size(), 3u);
    return std::string(Reason(s.snap()));
  };
  EXPECT_EQ(run(0), "truncated");
  EXPECT_EQ(run(1), "truncated");
  EXPECT_EQ(run(body.size() - 1), "truncated");
  EXPECT_EQ(run(body.size()), "network");
  // A non-2xx answer cut off is not a steps document: the transport failed.
  Script e;
  LoadJob(e, JobJson("completed", 2, kUrl));
  for (int attempt = 1; attempt <= 3; ++attempt) {
    e.session.OnStepsResponseStart(e.steps_fetches.back().id, 500, {{"Content-Length", "100"}},
                                   e.now);
    e.StepsFail(TransportErrorKind::kNetwork);
    if (attempt < 3) e.AdvanceToNextDeadline();
  }
  EXPECT_EQ(Reason(e.snap()), "network");
}

TEST(SessionTest, HugeDurationsInTheConfigAreBoundedNotOverflowed) {
  SessionConfig config = Script::DefaultConfig();
  config.retry.base_ms = std::numeric_limits<std::int64_t>::max();
  config.retry.cap_ms = std::numeric_limits<std::int64_t>::max();
  config.poll_interval_ms = std::numeric_limits<std::int64_t>::max();
  config.request_timeout_ms = std::numeric_limits<std::int64_t>::max();
  Script s(config);
  LoadJob(s, JobJson("running", 2, kUrl));
  s.session.SetRandom(1.0);
  s.StepsRespond(503, S3ErrorXml("SlowDown", "slow"));
  const auto deadline = s.session.NextDeadline();
  ASSERT_TRUE(deadline.has_value());
  EXPECT_GT(*deadline, s.now);
  EXPECT_LE(*deadline - s.now, 7LL * 24 * 60 * 60 * 1000);
}

struct FinalRow {
  const char* name;
  int status;
  std::string body;
  ErrorCode code;
};

class FinalTest : public ::testing::TestWithParam<FinalRow> {};

TEST_P(FinalTest, NoRetryAndDynamoDbFallback) {
  const FinalRow& row = GetParam();
  SessionConfig config = Script::DefaultConfig();
  config.steps_limits.max_bytes = 4096;
  config.steps_limits.max_depth = 16;
  Script s(config);
  LoadJob(s, JobJson("completed", 2, kUrl));
  s.StepsRespond(row.status, row.body);
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  EXPECT_EQ(s.job_fetches.size(), 1u);
  EXPECT_EQ(s.snap().status, SessionStatus::kReady);
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), ErrorCodeName(row.code));
  EXPECT_EQ(s.snap().steps->count, 2u);
  EXPECT_FALSE(s.session.NextDeadline().has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Rows, FinalTest,
    ::testing::Values(
        FinalRow{"access_denied", 403, S3ErrorXml("AccessDenied", "Access Denied"),
                 ErrorCode::kForbidden},
        FinalRow{"signature", 403, S3ErrorXml("SignatureDoesNotMatch", "no"),
                 ErrorCode::kForbidden},
        FinalRow{"skewed", 403, S3ErrorXml("RequestTimeTooSkewed", "too large"),
                 ErrorCode::kForbidden},
        FinalRow{"no_such_key", 404, S3ErrorXml("NoSuchKey", "gone"), ErrorCode::kNotFound},
        FinalRow{"invalid_json", 200, "<html>error page</html>", ErrorCode::kInvalidJson},
        FinalRow{"unexpected_shape", 200, "{\"a\":1}", ErrorCode::kUnexpectedShape},
        FinalRow{"too_large", 200, StepsJson(200), ErrorCode::kTooLarge},
        FinalRow{"too_deep", 200, "[" + std::string(40, '[') + std::string(40, ']') + "]",
                 ErrorCode::kTooDeep}),
    [](const auto& row) { return std::string(row.param.name); });

TEST(SessionTest, InvalidDocumentAbortsTheDownloadEarly) {
  Script s;
  LoadJob(s, JobJson("completed", 1, kUrl));
  const std::uint64_t id = s.steps_fetches[0].id;
  s.session.OnStepsResponseStart(id, 200, {}, s.now);
  s.session.OnStepsChunk(id, std::string_view("[{\"step_number\":1},!"), s.now);
  s.Drain();
  EXPECT_NE(std::find(s.cancels.begin(), s.cancels.end(), id), s.cancels.end());
  EXPECT_EQ(Reason(s.snap()), "invalid_json");
  // The rest of the body arrives anyway (the host was slow to abort): ignored.
  const std::uint64_t v = s.session.version();
  s.session.OnStepsChunk(id, std::string_view("more"), s.now);
  s.session.OnStepsEnd(id, s.now);
  EXPECT_EQ(s.session.version(), v);
}

// --- Backoff and Retry-After ---

TEST(SessionTest, BackoffWithRandomZeroRetriesImmediately) {
  Script s;
  LoadJob(s, JobJson("completed", 1, kUrl));
  s.session.SetRandom(0.0);
  s.StepsRespond(503, S3ErrorXml("SlowDown", "x"));
  EXPECT_EQ(s.snap().next_retry_at, s.now);
  s.AdvanceToNextDeadline();
  EXPECT_EQ(s.steps_fetches.size(), 2u);
}

TEST(SessionTest, BackoffUsesTheGivenRandomOnce) {
  Script s;
  LoadJob(s, JobJson("completed", 1, kUrl));
  s.session.SetRandom(0.5);
  s.StepsFail(TransportErrorKind::kNetwork);
  EXPECT_EQ(s.snap().next_retry_at, s.now + 125);
  s.AdvanceToNextDeadline();
  s.session.SetRandom(0.5);
  s.StepsFail(TransportErrorKind::kNetwork);
  EXPECT_EQ(s.snap().next_retry_at, s.now + 250);
}

TEST(SessionTest, WithoutSetRandomTheSeededGeneratorStaysWithinBounds) {
  SessionConfig a_config = Script::DefaultConfig();
  Script a(a_config), b(a_config);
  for (Script* s : {&a, &b}) {
    LoadJob(*s, JobJson("completed", 1, kUrl));
    s->StepsFail(TransportErrorKind::kNetwork);
  }
  ASSERT_TRUE(a.snap().next_retry_at.has_value());
  EXPECT_GE(*a.snap().next_retry_at, a.now);
  EXPECT_LE(*a.snap().next_retry_at, a.now + 250);
  EXPECT_EQ(a.snap().next_retry_at, b.snap().next_retry_at);  // deterministic
}

TEST(SessionTest, RetryAfterSecondsIsHonoured) {
  Script s;
  LoadJob(s, JobJson("completed", 1, kUrl));
  s.session.SetRandom(1.0);
  s.StepsRespond(503, S3ErrorXml("SlowDown", "x"), {{"Retry-After", "7"}});
  EXPECT_EQ(s.snap().next_retry_at, s.now + 7'000);
  s.AdvanceTo(s.now + 6'999);
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  s.AdvanceToNextDeadline();
  EXPECT_EQ(s.steps_fetches.size(), 2u);
}

TEST(SessionTest, RetryAfterHttpDateIsHonouredOnTheServerClock) {
  Script s;
  // The API's clock is 2 s ahead of ours.
  LoadJob(s, JobJson("completed", 1, kUrl), {{"Date", HttpDate(kT0 + 2'000)}});
  s.session.SetRandom(0.0);
  s.StepsRespond(503, "", {{"Retry-After", HttpDate(kT0 + 12'000)}});
  EXPECT_EQ(s.snap().next_retry_at, kT0 + 10'000);
}

TEST(SessionTest, JobRequestRetriesWithRetryAfterToo) {
  Script s;
  s.Start();
  s.session.SetRandom(0.0);
  s.JobResponds(429, "", {{"Retry-After", "3"}});
  EXPECT_EQ(s.snap().next_retry_at, kT0 + 3'000);
  EXPECT_EQ(s.snap().attempt, 1);
  s.AdvanceToNextDeadline();
  ASSERT_EQ(s.job_fetches.size(), 2u);
  EXPECT_EQ(s.snap().attempt, 2);
  s.JobResponds(200, JobJson("completed", 1));
  EXPECT_EQ(s.snap().status, SessionStatus::kReady);
  EXPECT_EQ(s.snap().attempt, 0);
}

// --- Pause and resume ---

TEST(SessionTest, RetriesWaitWhileHiddenAndRunOnReturn) {
  Script s;
  LoadJob(s, JobJson("completed", 1, kUrl));
  s.session.SetPageVisible(false, s.now);
  s.session.SetRandom(1.0);
  s.StepsFail(TransportErrorKind::kNetwork);
  s.AdvanceToNextDeadline();
  EXPECT_EQ(s.steps_fetches.size(), 1u);  // due, but the page is hidden
  EXPECT_TRUE(s.snap().retry_paused);
  EXPECT_FALSE(s.session.NextDeadline().has_value());
  s.now += 60'000;
  s.session.SetPageVisible(true, s.now);
  s.Drain();
  ASSERT_EQ(s.steps_fetches.size(), 2u);
  EXPECT_FALSE(s.snap().retry_paused);
  s.StepsRespond(200, StepsJson(2));
  EXPECT_EQ(Source(s.snap()), "s3");
}

TEST(SessionTest, NothingStartsOfflineAndEverythingResumesOnline) {
  Script s;
  s.session.SetOnline(false, kT0);
  s.Start();
  EXPECT_TRUE(s.job_fetches.empty());
  EXPECT_EQ(s.snap().status, SessionStatus::kLoading);
  EXPECT_TRUE(s.snap().retry_paused);
  s.now += 5'000;
  s.session.SetOnline(true, s.now);
  s.Drain();
  ASSERT_EQ(s.job_fetches.size(), 1u);
  s.JobResponds(200, JobJson("completed", 1, kUrl));
  ASSERT_EQ(s.steps_fetches.size(), 1u);
  s.session.SetOnline(false, s.now);
  s.session.SetRandom(0.0);
  s.StepsFail(TransportErrorKind::kNetwork);
  s.AdvanceToNextDeadline();
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  s.session.SetOnline(true, s.now);
  s.Drain();
  EXPECT_EQ(s.steps_fetches.size(), 2u);
}

TEST(SessionTest, FirstFetchRunsEvenWhenHidden) {
  Script s;
  s.session.SetPageVisible(false, kT0);
  s.Start();
  EXPECT_EQ(s.job_fetches.size(), 1u);
}

TEST(SessionTest, PollingWaitsWhileHidden) {
  Script s;
  LoadJob(s, JobJson("running", 1));
  s.session.SetPageVisible(false, s.now);
  s.AdvanceToNextDeadline();  // the poll is due
  EXPECT_EQ(s.job_fetches.size(), 1u);
  s.session.SetPageVisible(true, s.now + 1'000);
  s.Drain();
  EXPECT_EQ(s.job_fetches.size(), 2u);
}

TEST(SessionTest, NoPollIntervalMeansNoPollTimer) {
  SessionConfig config = Script::DefaultConfig();
  config.poll_interval_ms.reset();
  Script s(config);
  LoadJob(s, JobJson("running", 2));
  EXPECT_EQ(s.snap().status, SessionStatus::kReady);
  EXPECT_FALSE(s.snap().job->terminal);
  EXPECT_FALSE(s.session.NextDeadline().has_value());
  EXPECT_TRUE(s.timers.empty());
}

// --- Configuration replaced on a live session ---

TEST(SessionTest, SetConfigMovesAnArmedPollToTheNewIntervalFromWhenItWasArmed) {
  Script s;
  LoadJob(s, JobJson("running", 2, kUrl));
  s.StepsRespond(200, StepsJson(3));
  ASSERT_EQ(s.session.NextDeadline(), kT0 + 5'000);
  const std::uint64_t version = s.session.version();
  SessionConfig faster = Script::DefaultConfig();
  faster.poll_interval_ms = 2'000;
  s.now = kT0 + 1'000;
  s.session.SetConfig(faster, s.now);
  s.Drain();
  // Armed at kT0: due at kT0 + 2 s now. The job and its rows stay as they were.
  EXPECT_EQ(s.session.NextDeadline(), kT0 + 2'000);
  EXPECT_EQ(s.session.version(), version);
  EXPECT_EQ(Source(s.snap()), "s3");
  EXPECT_EQ(s.snap().steps->count, 3u);
  s.AdvanceToNextDeadline();
  EXPECT_EQ(s.job_fetches.size(), 2u);
  // An interval already past when it is set: the poll is due at once.
  s.JobResponds(200, JobJson("running", 2, kUrl));
  SessionConfig slow = Script::DefaultConfig();
  slow.poll_interval_ms = 60'000;
  s.session.SetConfig(slow, s.now);
  s.Drain();
  EXPECT_EQ(s.session.NextDeadline(), s.now + 60'000);
  s.session.SetConfig(faster, s.now + 10'000);
  s.Drain();
  EXPECT_EQ(s.session.NextDeadline(), s.now + 10'000);
}

TEST(SessionTest, SetConfigTurnsPollingOffAndOnAgain) {
  Script s;
  LoadJob(s, JobJson("running", 2));
  ASSERT_TRUE(s.session.NextDeadline().has_value());
  SessionConfig off = Script::DefaultConfig();
  off.poll_interval_ms.reset();
  s.session.SetConfig(off, s.now);
  s.Drain();
  EXPECT_FALSE(s.session.NextDeadline().has_value());
  EXPECT_TRUE(s.timers.empty());
  s.now += 1'000;
  s.session.SetConfig(Script::DefaultConfig(), s.now);
  s.Drain();
  EXPECT_EQ(s.session.NextDeadline(), s.now + 5'000);
  // A terminal job is not polled whatever the interval.
  s.AdvanceToNextDeadline();
  s.JobResponds(200, JobJson("completed", 2));
  s.session.SetConfig(off, s.now);
  s.session.SetConfig(Script::DefaultConfig(), s.now);
  s.Drain();
  EXPECT_FALSE(s.session.NextDeadline().has_value());
}

TEST(SessionTest, SetConfigAppliesNewLimitsToTheNextDownload) {
  Script s;
  LoadJob(s, JobJson("running", 1, kUrl));
  SessionConfig tight = Script::DefaultConfig();
  tight.steps_limits.max_steps = 2;
  s.session.SetConfig(tight, s.now);
  s.StepsRespond(200, StepsJson(5));
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), "too_large");
}

TEST(SessionTest, FailStepsFallsBackToTheDynamoDbStepsWithTheGivenReason) {
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  ASSERT_EQ(s.steps_fetches.size(), 1u);
  s.session.FailSteps(SnapshotError{ErrorCode::kInternalError, "trapped"}, s.now);
  s.Drain();
  EXPECT_NE(std::find(s.cancels.begin(), s.cancels.end(), s.steps_fetches[0].id), s.cancels.end());
  EXPECT_EQ(s.snap().status, SessionStatus::kReady);
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), "internal_error");
  EXPECT_FALSE(s.snap().steps->complete);
  EXPECT_EQ(s.snap().steps->count, 2u);
  EXPECT_FALSE(s.snap().fetching);
  // Before any job: nothing to give up.
  Script idle;
  idle.session.FailSteps(SnapshotError{ErrorCode::kInternalError, "trapped"}, kT0);
  EXPECT_EQ(idle.snap().status, SessionStatus::kIdle);
}

// --- Presigned URL expiry ---

// CloudFront signed URLs carry their expiry (`Expires`, or `DateLessThan` in the base64 policy)
// and follow the same rule: refreshed through the job once, then final.
std::string CloudFrontCannedUrl(std::int64_t expires_ms) {
  return "https://d111111abcdef8.cloudfront.net/jobs/j1/steps.json?Expires=" +
         std::to_string(expires_ms / 1000) + "&Signature=sig~-_&Key-Pair-Id=K2JCJMDEHXQW5F";
}

// {"Statement":[{"Resource":"*","Condition":{"DateLessThan":{"AWS:EpochTime":1795964400}}}]}
// in CloudFront's base64: one hour after kT0.
const std::string kCloudFrontCustomUrl =
    "https://d111111abcdef8.cloudfront.net/jobs/j1/steps.json?Policy="
    "eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiKiIsIkNvbmRpdGlvbiI6eyJEYXRlTGVzc1RoYW4iOnsiQVdTOkVwb2No"
    "VGltZSI6MTc5NTk2NDQwMH19fV19&Signature=sig&Key-Pair-Id=K2JCJMDEHXQW5F";

TEST(SessionTest, ExpiredBeforeFetchRefreshesTheJobFirst) {
  // S3 presigned, CloudFront canned and CloudFront custom: one rule for every signed URL.
  for (const std::string& stale : {kUrl, CloudFrontCannedUrl(kT0 + kHour), kCloudFrontCustomUrl}) {
    Script s;
    s.Start(kT0 + kHour - 30'000);  // inside the 30 s margin
    s.JobResponds(200, JobJson("completed", 2, stale));
    EXPECT_TRUE(s.steps_fetches.empty());
    ASSERT_EQ(s.job_fetches.size(), 2u);
    const auto expired = s.MetricsNamed("url_expired");
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(MetricText(expired[0], "known_expiry"), "true");
    EXPECT_EQ(MetricText(expired[0], "url").find("K2JCJMDEHXQW5F"), std::string::npos);
    EXPECT_EQ(MetricText(expired[0], "url").find("sig"), std::string::npos);
    const std::string fresh = stale == kUrl ? PresignedUrl("jobs/j1/steps.json", s.now)
                                            : CloudFrontCannedUrl(s.now + kHour);
    s.JobResponds(200, JobJson("completed", 2, fresh));
    ASSERT_EQ(s.steps_fetches.size(), 1u);
    EXPECT_EQ(s.steps_fetches[0].url, fresh);
    s.StepsRespond(200, StepsJson(4));
    EXPECT_EQ(Source(s.snap()), "s3");
    EXPECT_EQ(s.snap().steps->count, 4u);
  }
}

TEST(SessionTest, CloudFrontExpiredTwiceIsFinalAndForbiddenIsNotRefreshed) {
  Script s;
  s.Start(kT0 + kHour - 20'000);
  s.JobResponds(200, JobJson("completed", 2, kCloudFrontCustomUrl));
  ASSERT_EQ(s.job_fetches.size(), 2u);
  s.JobResponds(200, JobJson("completed", 2, kCloudFrontCustomUrl));  // the same stale URL again
  EXPECT_TRUE(s.steps_fetches.empty());
  EXPECT_EQ(s.job_fetches.size(), 2u);
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), "expired");

  Script denied;
  LoadJob(denied, JobJson("completed", 2, CloudFrontCannedUrl(kT0 + kHour)));
  ASSERT_EQ(denied.steps_fetches.size(), 1u);
  denied.StepsRespond(
      403, S3ErrorXml("MissingKey", "Missing Key-Pair-Id query parameter or cookie value"));
  EXPECT_EQ(denied.job_fetches.size(), 1u);
  EXPECT_EQ(Reason(denied.snap()), "forbidden");
  EXPECT_EQ(denied.snap().steps->count, 2u);
}

TEST(SessionTest, ExpiredOn403RefetchesTheJobOnceThenSucceeds) {
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  s.StepsRespond(403, S3ErrorXml("AccessDenied", "Request has expired"));
  ASSERT_EQ(s.job_fetches.size(), 2u);
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  const std::string fresh = PresignedUrl("jobs/j1/steps.json", s.now + 1'000);
  s.JobResponds(200, JobJson("completed", 2, fresh));
  ASSERT_EQ(s.steps_fetches.size(), 2u);
  EXPECT_EQ(s.steps_fetches[1].url, fresh);
  s.StepsRespond(200, StepsJson(3));
  EXPECT_EQ(Source(s.snap()), "s3");
  EXPECT_FALSE(s.snap().error.has_value());
}

TEST(SessionTest, SecondExpiryInARowIsFinal) {
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  s.StepsRespond(403, S3ErrorXml("AccessDenied", "Request has expired"));
  s.JobResponds(200, JobJson("completed", 2, PresignedUrl("jobs/j1/steps.json", s.now)));
  ASSERT_EQ(s.steps_fetches.size(), 2u);
  s.StepsRespond(403, S3ErrorXml("AccessDenied", "Request has expired"));
  EXPECT_EQ(s.job_fetches.size(), 2u);  // no third job fetch
  EXPECT_EQ(s.steps_fetches.size(), 2u);
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), "expired");
  EXPECT_EQ(s.snap().steps->count, 2u);
}

TEST(SessionTest, FailedRefreshLeavesTheStepsExpiredAndTheJobInError) {
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  s.StepsRespond(403, S3ErrorXml("AccessDenied", "Request has expired"));
  ASSERT_EQ(s.job_fetches.size(), 2u);
  s.JobResponds(404, "");
  EXPECT_EQ(s.snap().status, SessionStatus::kError);
  EXPECT_EQ(s.snap().error->code, ErrorCode::kNotFound);
  EXPECT_EQ(Reason(s.snap()), "expired");
  EXPECT_EQ(s.snap().steps->count, 2u);  // the job shown before stays, with its DynamoDB steps
  EXPECT_FALSE(s.session.NextDeadline().has_value());
}

TEST(SessionTest, RefreshedUrlAlreadyExpiredIsFinal) {
  Script s;
  s.Start(kT0 + 2 * kHour);
  s.JobResponds(200, JobJson("completed", 1, kUrl));
  ASSERT_EQ(s.job_fetches.size(), 2u);
  s.JobResponds(200, JobJson("completed", 1, kUrl));  // the API handed out the same stale URL
  EXPECT_TRUE(s.steps_fetches.empty());
  EXPECT_EQ(Reason(s.snap()), "expired");
}

TEST(SessionTest, ServerClockAheadMakesTheUrlExpireSooner) {
  Script s;
  // Local clock: 10 min before expiry minus 20 s. Server clock is 10 min ahead: 20 s before expiry.
  const std::int64_t local = kT0 + kHour - 600'000 - 20'000;
  s.Start(local);
  s.JobResponds(200, JobJson("completed", 1, kUrl), {{"Date", HttpDate(local + 600'000)}});
  EXPECT_TRUE(s.steps_fetches.empty());
  EXPECT_EQ(s.job_fetches.size(), 2u);  // refresh
}

TEST(SessionTest, ServerClockBehindKeepsTheUrlValidLonger) {
  Script s;
  // Local clock says it expired 5 min ago; the server is 10 min behind: 5 min left.
  const std::int64_t local = kT0 + kHour + 300'000;
  s.Start(local);
  s.JobResponds(200, JobJson("completed", 1, kUrl), {{"Date", HttpDate(local - 600'000)}});
  ASSERT_EQ(s.steps_fetches.size(), 1u);
  EXPECT_EQ(s.job_fetches.size(), 1u);
}

TEST(SessionTest, ExpiryResponseServerTimeCorrectsTheSkew) {
  Script s;
  LoadJob(s, JobJson("completed", 1, kUrl));
  // S3 says it is 15:00:05 although our clock (and the API, which sent no Date) says 14:00.
  s.StepsRespond(403, S3ErrorXml("AccessDenied", "Request has expired",
                                 "<ServerTime>2026-11-29T15:00:05Z</ServerTime>"));
  ASSERT_EQ(s.job_fetches.size(), 2u);
  // A URL signed at 14:00 for one hour is fresh on our clock but expired on S3's: it is not
  // fetched, and as the second expiry in a row it is final.
  s.JobResponds(200, JobJson("completed", 1, PresignedUrl("jobs/j1/steps.json", kT0)));
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  EXPECT_EQ(Reason(s.snap()), "expired");
}

TEST(SessionTest, UrlSignedOnTheServerClockIsFreshAfterTheSkewCorrection) {
  Script s;
  LoadJob(s, JobJson("completed", 1, kUrl));
  s.StepsRespond(403, S3ErrorXml("AccessDenied", "Request has expired",
                                 "<ServerTime>2026-11-29T15:00:05Z</ServerTime>"));
  s.JobResponds(200, JobJson("completed", 1, PresignedUrl("jobs/j1/steps.json", kT0 + kHour)));
  EXPECT_EQ(s.steps_fetches.size(), 2u);
}

TEST(SessionTest, UnknownExpiryIsUsedAtOnceButRefreshedWhenOld) {
  Script s;
  const std::string plain = "https://bucket.s3.amazonaws.com/jobs/j1/steps.json";
  LoadJob(s, JobJson("completed", 1, plain));
  ASSERT_EQ(s.steps_fetches.size(), 1u);
  s.session.SetRandom(1.0);
  s.StepsFail(TransportErrorKind::kNetwork);
  s.session.SetPageVisible(false, s.now);
  s.AdvanceToNextDeadline();
  s.now += 120'000;  // back after two minutes: the URL's age is past unknown_expiry_ttl_ms
  s.session.SetPageVisible(true, s.now);
  s.Drain();
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  EXPECT_EQ(s.job_fetches.size(), 2u);
}

// --- Stale responses and cancellation ---

TEST(SessionTest, RefetchCancelsInFlightRequestsAndIgnoresTheirAnswers) {
  Script s;
  LoadJob(s, JobJson("running", 2, kUrl));
  ASSERT_EQ(s.steps_fetches.size(), 1u);
  const std::uint64_t old_steps = s.steps_fetches[0].id;
  s.session.Refetch(s.now);
  s.Drain();
  EXPECT_NE(std::find(s.cancels.begin(), s.cancels.end(), old_steps), s.cancels.end());
  ASSERT_EQ(s.job_fetches.size(), 2u);
  const std::uint64_t old_job = s.job_fetches[1].id;
  s.session.Refetch(s.now);
  s.Drain();
  EXPECT_NE(std::find(s.cancels.begin(), s.cancels.end(), old_job), s.cancels.end());
  ASSERT_EQ(s.job_fetches.size(), 3u);
  // Late answers to the cancelled requests change nothing.
  const std::uint64_t v = s.session.version();
  s.session.OnJobResponse(old_job, 200, {}, JobJson("completed", 9), s.now);
  s.session.OnStepsResponseStart(old_steps, 200, {}, s.now);
  s.session.OnStepsChunk(old_steps, std::string_view(StepsJson(5)), s.now);
  s.session.OnStepsEnd(old_steps, s.now);
  s.session.OnTransportError(old_steps, TransportErrorKind::kAborted, s.now);
  s.Drain();
  EXPECT_EQ(s.session.version(), v);
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  s.JobResponds(200, JobJson("completed", 2, kUrl));
  ASSERT_EQ(s.steps_fetches.size(), 2u);
  s.StepsRespond(200, StepsJson(6));
  EXPECT_EQ(s.snap().steps->count, 6u);
}

TEST(SessionTest, StartingAnotherJobCancelsEverything) {
  Script s;
  LoadJob(s, JobJson("running", 2, kUrl));
  const std::uint64_t steps_id = s.steps_fetches[0].id;
  const std::size_t armed = s.timers.size();
  ASSERT_GT(armed, 0u);
  s.session.Start("j2", s.now);
  s.Drain();
  EXPECT_NE(std::find(s.cancels.begin(), s.cancels.end(), steps_id), s.cancels.end());
  EXPECT_EQ(s.job_fetches.back().url, "https://api.example/v1/jobs/j2");
  EXPECT_EQ(s.snap().status, SessionStatus::kLoading);
  EXPECT_FALSE(s.snap().job.has_value());
  EXPECT_EQ(s.session.steps_index(), nullptr);
}

TEST(SessionTest, RequestWithoutAnswerTimesOutAndIsRetried) {
  Script s;
  s.Start();
  const std::uint64_t first = s.job_fetches[0].id;
  s.session.SetRandom(0.0);
  s.AdvanceToNextDeadline();  // the 30 s request timeout
  EXPECT_EQ(s.now, kT0 + 30'000);
  EXPECT_NE(std::find(s.cancels.begin(), s.cancels.end(), first), s.cancels.end());
  s.AdvanceToNextDeadline();  // the retry (random 0: at once)
  EXPECT_EQ(s.job_fetches.size(), 2u);
}

TEST(SessionTest, SlowDownloadIsNotATimeoutWhileBytesArrive) {
  Script s;
  const std::string body = StepsJson(3);
  const std::uint64_t id = BeginDownload(s, JobJson("completed", 1, kUrl));
  for (char c : body) {
    s.AdvanceTo(s.now + 20'000);  // one byte every 20 s: slow, but never 30 s without progress
    s.session.OnStepsChunk(id, std::string_view(&c, 1), s.now);
  }
  s.session.OnStepsEnd(id, s.now);
  s.Drain();
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  EXPECT_EQ(Source(s.snap()), "s3");
}

// --- Polling, conditional re-fetch, 304, key change ---

TEST(SessionTest, PollsUntilTerminalAndRefetchesStepsConditionally) {
  Script s;
  LoadJob(s, JobJson("running", 2, kUrl));
  s.StepsRespond(200, StepsJson(2), {{"ETag", "\"e1\""}});
  const StepIndex* first_index = s.session.steps_index();
  ASSERT_NE(first_index, nullptr);
  // Poll 1: the job looks the same, but S3 may have been rewritten in place (a running job past
  // 400 KB keeps its first 5 DynamoDB steps): a conditional request; 304 keeps the very same index.
  s.AdvanceToNextDeadline();
  EXPECT_EQ(s.now, kT0 + 5'000);
  ASSERT_EQ(s.job_fetches.size(), 2u);
  s.JobResponds(200, JobJson("running", 2, PresignedUrl("jobs/j1/steps.json", s.now)));
  ASSERT_EQ(s.steps_fetches.size(), 2u);
  ASSERT_EQ(s.steps_fetches[1].headers.size(), 1u);
  EXPECT_EQ(s.steps_fetches[1].headers[0].first, "If-None-Match");
  EXPECT_EQ(s.steps_fetches[1].headers[0].second, "\"e1\"");
  s.StepsRespond(304, "");
  EXPECT_EQ(s.session.steps_index(), first_index);
  EXPECT_EQ(Source(s.snap()), "s3");
  EXPECT_EQ(MetricText(s.MetricsNamed("fetch_end").back(), "from_304"), "true");
  // Poll 2: the object grew in place: a new ETag and the new document replace the index.
  s.AdvanceToNextDeadline();
  s.JobResponds(200, JobJson("running", 2, PresignedUrl("jobs/j1/steps.json", s.now)));
  ASSERT_EQ(s.steps_fetches.size(), 3u);
  EXPECT_EQ(s.steps_fetches[2].headers.at(0).second, "\"e1\"");
  s.StepsRespond(200, StepsJson(4), {{"ETag", "\"e2\""}});
  EXPECT_EQ(s.snap().steps->count, 4u);
  // Poll 3: the job completed: conditional request with the new ETag, new document, polling stops.
  s.AdvanceToNextDeadline();
  s.JobResponds(200, JobJson("completed", 3, PresignedUrl("jobs/j1/steps.json", s.now)));
  ASSERT_EQ(s.steps_fetches.size(), 4u);
  EXPECT_EQ(s.steps_fetches[3].headers.at(0).second, "\"e2\"");
  s.StepsRespond(200, StepsJson(7), {{"ETag", "\"e3\""}});
  EXPECT_EQ(s.snap().steps->count, 7u);
  EXPECT_TRUE(s.snap().job->terminal);
  EXPECT_FALSE(s.session.NextDeadline().has_value());
  EXPECT_EQ(s.job_fetches.size(), 4u);
}

TEST(SessionTest, WithoutAnETagPollsDownloadStepsOnlyWhenTheJobChanged) {
  Script s;
  LoadJob(s, JobJson("running", 2, kUrl));
  s.StepsRespond(200, StepsJson(2));  // no ETag: a re-check would be a full download
  s.AdvanceToNextDeadline();
  s.JobResponds(200, JobJson("running", 2, PresignedUrl("jobs/j1/steps.json", s.now)));
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  s.AdvanceToNextDeadline();
  s.JobResponds(200, JobJson("running", 3, PresignedUrl("jobs/j1/steps.json", s.now)));
  ASSERT_EQ(s.steps_fetches.size(), 2u);
  EXPECT_TRUE(s.steps_fetches[1].headers.empty());
}

TEST(SessionTest, S3KeyChangeFetchesTheNewDocumentUnconditionally) {
  Script s;
  LoadJob(s, JobJson("running", 2, kUrl));
  s.StepsRespond(200, StepsJson(2), {{"ETag", "\"e1\""}});
  s.AdvanceToNextDeadline();
  s.JobResponds(200, JobJson("running", 2, PresignedUrl("jobs/j1/steps-v2.json", s.now),
                             std::string("jobs/j1/steps-v2.json")));
  ASSERT_EQ(s.steps_fetches.size(), 2u);
  EXPECT_TRUE(s.steps_fetches[1].headers.empty());
  // Until the new document is complete, the old one stays on screen.
  EXPECT_EQ(s.snap().steps->count, 2u);
  s.StepsRespond(200, StepsJson(5));
  EXPECT_EQ(s.snap().steps->count, 5u);
}

TEST(SessionTest, RefetchAsksS3AgainConditionally) {
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  s.StepsRespond(200, StepsJson(2), {{"ETag", "\"e1\""}});
  s.session.Refetch(s.now);
  s.Drain();
  s.JobResponds(200, JobJson("completed", 2, kUrl));
  ASSERT_EQ(s.steps_fetches.size(), 2u);
  EXPECT_EQ(s.steps_fetches[1].headers.at(0).second, "\"e1\"");
}

TEST(SessionTest, UnaskedFor304IsAnError) {
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  s.StepsRespond(304, "");
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), "http_error");
}

TEST(SessionTest, ProgressCountsStepsAsTheyAreIndexed) {
  Script s;
  const std::string body = StepsJson(3);
  const std::uint64_t id = BeginDownload(s, JobJson("completed", 0, kUrl));
  EXPECT_EQ(s.snap().progress->total, std::nullopt);  // no Content-Length: unknown
  const std::size_t second_step = body.find("{\"step_number\":2");
  s.session.OnStepsChunk(id, std::string_view(body).substr(0, second_step + 1), s.now);
  EXPECT_EQ(s.snap().progress->steps, 1u);
  EXPECT_EQ(s.session.streaming_steps_index()->count(), 1u);
  EXPECT_EQ(s.session.steps_index(), nullptr);
  s.session.OnStepsChunk(id, std::string_view(body).substr(second_step + 1), s.now);
  s.session.OnStepsEnd(id, s.now);
  EXPECT_EQ(s.snap().steps->count, 3u);
  EXPECT_EQ(s.snap().steps->total_cost_usd, "1.5");
}

TEST(SessionTest, MergedListKeepsDynamoDbStepsMissingFromS3) {
  Script s;
  LoadJob(s, JobJson("completed", 5, kUrl));
  s.StepsRespond(200, StepsJson(3));
  ASSERT_NE(s.session.merged(), nullptr);
  EXPECT_EQ(s.session.merged()->entries.size(), 5u);
  EXPECT_EQ(Source(s.snap()), "s3");
  // 3 S3 steps at 0.5 and DynamoDB steps 4 and 5 at 0.25.
  EXPECT_EQ(s.snap().steps->total_cost_usd, "2");
}

TEST(SessionTest, ShownS3ListSurvivesAFailedRefresh) {
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  s.StepsRespond(200, StepsJson(6), {{"ETag", "\"e1\""}});
  s.session.Refetch(s.now);
  s.Drain();
  s.JobResponds(200, JobJson("completed", 2, kUrl));
  s.StepsRespond(404, S3ErrorXml("NoSuchKey", "gone"));
  EXPECT_EQ(Source(s.snap()), "s3");
  EXPECT_EQ(s.snap().steps->count, 6u);
  ASSERT_TRUE(s.snap().error.has_value());
  EXPECT_EQ(s.snap().error->code, ErrorCode::kNotFound);
}

TEST(SessionTest, JobFailureAfterDataKeepsWhatWasShown) {
  Script s;
  LoadJob(s, JobJson("running", 2));
  s.AdvanceToNextDeadline();  // poll
  for (int attempt = 1; attempt <= 3; ++attempt) {
    s.session.SetRandom(0.0);
    s.JobResponds(500, "");
    if (attempt < 3) s.AdvanceToNextDeadline();
  }
  EXPECT_EQ(s.job_fetches.size(), 4u);
  EXPECT_EQ(s.snap().status, SessionStatus::kError);
  ASSERT_TRUE(s.snap().error.has_value());
  EXPECT_EQ(s.snap().error->code, ErrorCode::kServerError);
  ASSERT_TRUE(s.snap().job.has_value());
  EXPECT_EQ(s.snap().steps->count, 2u);
  EXPECT_FALSE(s.session.NextDeadline().has_value());  // polling stopped
  s.session.Refetch(s.now);
  s.Drain();
  EXPECT_EQ(s.job_fetches.size(), 5u);
  s.JobResponds(200, JobJson("running", 2));
  EXPECT_EQ(s.snap().status, SessionStatus::kReady);
  EXPECT_TRUE(s.session.NextDeadline().has_value());  // polling again
}

TEST(SessionTest, JobErrorsThatAreFinal) {
  for (auto [status, body, code] :
       {std::tuple{404, std::string(""), ErrorCode::kNotFound},
        std::tuple{403, std::string(""), ErrorCode::kForbidden},
        std::tuple{200, std::string("[1,2]"), ErrorCode::kUnexpectedShape},
        std::tuple{200, std::string("{\"id\":"), ErrorCode::kInvalidJson}}) {
    Script s;
    s.Start();
    s.JobResponds(status, body);
    EXPECT_EQ(s.job_fetches.size(), 1u) << status << body;
    EXPECT_EQ(s.snap().status, SessionStatus::kError);
    EXPECT_EQ(s.snap().error->code, code);
    EXPECT_FALSE(s.snap().job.has_value());
  }
}

// --- URL policy and redaction ---

// A job body cut inside its presigned URL, as Go's encoding/json writes it (`&` as \u0026): the
// job error the snapshot shows, and every metric, holds no credential, token or signature.
TEST(SessionTest, AJobCutInsideItsPresignedUrlGivesAnErrorWithoutSecrets) {
  std::string url = PresignedUrl("jobs/j1/steps.json", kT0) + "SECRET&X-Amz-Security-Token=SECRET";
  for (std::size_t at = url.find('&'); at != std::string::npos; at = url.find('&', at)) {
    url.replace(at, 1, "\\u0026");
  }
  const std::string body = JobJson("completed", 2, url);
  for (const std::string_view marker : {"X-Amz-Credential", "X-Amz-Signature", "Token"}) {
    Script s;
    s.Start();
    // Right after the secret's marker and one more byte: inside the value or its escapes.
    const std::size_t cut = body.find("SECRET", body.find(marker)) + 7;
    s.JobResponds(200, body.substr(0, cut));
    ASSERT_TRUE(s.snap().error.has_value()) << marker;
    EXPECT_EQ(s.snap().error->code, ErrorCode::kInvalidJson);
    EXPECT_EQ(s.snap().error->message.find("SECRET"), std::string::npos) << s.snap().error->message;
    for (const Metric& metric : s.metrics) {
      for (const MetricField& field : metric.fields) {
        if (const auto* text = std::get_if<std::string>(&field.value)) {
          EXPECT_EQ(text->find("SECRET"), std::string::npos) << metric.name << ": " << *text;
        }
      }
    }
  }
}

TEST(SessionTest, PlainHttpS3UrlIsForbiddenWithoutARequest) {
  Script s;
  LoadJob(s, JobJson("completed", 2, PresignedUrl("k", kT0, 3600, "http://bucket.example")));
  EXPECT_TRUE(s.steps_fetches.empty());
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), "forbidden");
  EXPECT_EQ(s.snap().status, SessionStatus::kReady);
}

TEST(SessionTest, LoopbackHttpIsFetchedAndAllowedHostsApply) {
  Script s;
  LoadJob(s, JobJson("completed", 1, PresignedUrl("b/k", kT0, 3600, "http://127.0.0.1:4569")));
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  SessionConfig config = Script::DefaultConfig();
  config.allowed_hosts = {"my-bucket.s3.amazonaws.com"};
  Script t(config);
  LoadJob(t, JobJson("completed", 1, kUrl));
  EXPECT_TRUE(t.steps_fetches.empty());
  EXPECT_EQ(Reason(t.snap()), "forbidden");
}

TEST(SessionTest, MissingUrlForAnS3KeyIsSaidOutLoud) {
  Script s;
  LoadJob(s,
          "{\"id\":\"j1\",\"status\":\"completed\",\"execution_steps\":[{\"step_number\":1}],"
          "\"execution_steps_s3_key\":\"jobs/j1/steps.json\"}");
  EXPECT_TRUE(s.steps_fetches.empty());
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), "s3_url_missing");
  EXPECT_EQ(s.snap().steps->count, 1u);
}

TEST(SessionTest, MetricsCarryRedactedUrlsAndFetchFacts) {
  Script s;
  LoadJob(s, JobJson("completed", 1, kUrl));
  s.now += 40;
  s.StepsRespond(200, StepsJson(2));
  const auto starts = s.MetricsNamed("fetch_start");
  const auto ends = s.MetricsNamed("fetch_end");
  ASSERT_EQ(starts.size(), 2u);
  ASSERT_EQ(ends.size(), 2u);
  const Metric& steps_end = ends[1];
  EXPECT_EQ(MetricText(steps_end, "target"), "steps");
  EXPECT_EQ(MetricText(steps_end, "status"), "200");
  EXPECT_EQ(MetricText(steps_end, "outcome"), "success");
  EXPECT_EQ(MetricText(steps_end, "bytes"), std::to_string(StepsJson(2).size()));
  EXPECT_EQ(MetricText(steps_end, "duration_ms"), "40");
  EXPECT_EQ(MetricText(steps_end, "attempt"), "1");
  EXPECT_EQ(MetricText(steps_end, "fell_back"), "false");
  EXPECT_EQ(MetricText(steps_end, "from_304"), "false");
  for (const Metric& m : s.metrics) {
    const std::string url = MetricText(m, "url");
    EXPECT_EQ(url.find("sig"), std::string::npos) << url;
    EXPECT_EQ(url.find("AKIASECRET"), std::string::npos) << url;
  }
  EXPECT_NE(MetricText(steps_end, "url").find("X-Amz-Signature=REDACTED"), std::string::npos);
}

TEST(SessionTest, StopCancelsEverythingArmed) {
  Script s;
  LoadJob(s, JobJson("running", 1, kUrl));
  ASSERT_FALSE(s.timers.empty());
  s.session.Stop(s.now);
  s.Drain();
  EXPECT_TRUE(s.timers.empty());
  EXPECT_FALSE(s.session.NextDeadline().has_value());
  EXPECT_EQ(s.snap().steps->count, 1u);  // what was shown stays
}

// --- Rows while the first S3 document downloads ---

// Feeds `body` up to just after step `steps` (1-based) is complete: the next step's opening byte.
std::size_t EndOfStep(const std::string& body, int steps) {
  const std::size_t next = body.find("{\"step_number\":" + std::to_string(steps + 1) + ",");
  return next == std::string::npos ? body.size() : next + 1;
}

std::vector<std::string> ShownKeys(const Session& session) {
  std::vector<std::string> out;
  for (const MergedEntry& e : session.merged()->entries) {
    out.push_back(std::string(StepOriginName(e.origin)) + ":" + StepKeyToString(e.key));
  }
  return out;
}

TEST(SessionTest, RowsGrowWhileTheFirstS3DocumentDownloads) {
  Script s;
  const std::string body = StepsJson(20);
  const std::uint64_t id = BeginDownload(s, JobJson("completed", 5, kUrl));
  // Nothing indexed yet: the DynamoDB list, waiting for S3, as before.
  EXPECT_EQ(Source(s.snap()), "dynamodb");
  EXPECT_FALSE(s.snap().steps->streaming);
  s.session.OnStepsChunk(id, std::string_view(body).substr(0, EndOfStep(body, 2)), s.now);
  ASSERT_TRUE(s.snap().steps.has_value());
  EXPECT_EQ(Source(s.snap()), "s3");
  EXPECT_FALSE(s.snap().steps->complete);
  EXPECT_TRUE(s.snap().steps->streaming);
  EXPECT_EQ(Reason(s.snap()), "<none>");
  EXPECT_EQ(s.snap().progress->steps, 2u);
  // S3 steps 1-2, then DynamoDB steps 3-5 (nothing lost); totals 2 x 0.5 + 3 x 0.25.
  EXPECT_EQ(ShownKeys(s.session),
            (std::vector<std::string>{"s3:1", "s3:2", "dynamodb:3", "dynamodb:4", "dynamodb:5"}));
  EXPECT_EQ(s.snap().steps->count, 5u);
  EXPECT_EQ(s.snap().steps->total_cost_usd, "1.75");
  EXPECT_EQ(s.session.merged_steps_index(), s.session.streaming_steps_index());
  EXPECT_EQ(s.session.steps_index(), nullptr);
  const std::size_t at = EndOfStep(body, 2);
  s.session.OnStepsChunk(id, std::string_view(body).substr(at, EndOfStep(body, 8) - at), s.now);
  EXPECT_EQ(s.snap().steps->count, 8u);
  EXPECT_EQ(s.snap().steps->total_cost_usd, "4");
  EXPECT_EQ(s.session.merged()->entries.back().origin, StepOrigin::kS3);
  // The row of a streamed step reads from the document received so far.
  const auto row = s.session.merged_steps_index()->Summary(s.session.merged()->entries[7].index);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row.value().step_number, "8");
  s.session.OnStepsChunk(id, std::string_view(body).substr(EndOfStep(body, 8)), s.now);
  s.session.OnStepsEnd(id, s.now);
  s.Drain();
  EXPECT_EQ(Source(s.snap()), "s3");
  EXPECT_TRUE(s.snap().steps->complete);
  EXPECT_FALSE(s.snap().steps->streaming);
  EXPECT_EQ(s.snap().steps->count, 20u);
  EXPECT_EQ(s.snap().steps->total_cost_usd, "10");
  EXPECT_EQ(s.session.merged_steps_index(), s.session.steps_index());
}

// The incremental merge is MergeSteps over the steps indexed so far, after every chunk: steps out
// of number order, repeated numbers, DynamoDB-only keys, a step without a number (the order
// switches from by-number to document order), and a later `execution_steps` that restarts the
// list.
TEST(SessionTest, StreamedListIsAlwaysTheMergeOfTheStepsIndexedSoFar) {
  Script s;
  const std::string job =
      "{\"id\":\"j1\",\"status\":\"completed\",\"execution_steps\":[{\"step_number\":2},"
      "{\"step_number\":99,\"cost_usd\":1},{\"step_number\":5},{\"step_number\":2}],"
      "\"execution_steps_s3_key\":\"k\",\"execution_steps_s3_url\":\"" +
      kUrl + "\"}";
  LoadJob(s, job);
  const std::string body =
      "{\"steps\":[{\"step_number\":8},{\"step_number\":1}],\"execution_steps\":["
      "{\"step_number\":3},{\"step_number\":1},{\"step_number\":2},{\"step_number\":2},"
      "{\"step_number\":7},{\"step_name\":\"no number\"},{\"step_number\":5},{\"step_number\":4}"
      "]}";
  const std::uint64_t id = s.steps_fetches[0].id;
  s.session.OnStepsResponseStart(id, 200, {}, s.now);
  std::size_t most_shown = 0;
  for (std::size_t at = 0; at < body.size(); at += 5) {
    s.session.OnStepsChunk(id, std::string_view(body).substr(at, 5), s.now);
    const StepIndex* index = s.session.streaming_steps_index();
    ASSERT_NE(index, nullptr);
    std::vector<StepKey> keys;
    for (std::size_t i = 0; i < index->count(); ++i) keys.push_back(index->Summary(i).value().key);
    const MergedList want = MergeSteps(*s.session.job(), S3Outcome::Steps(keys));
    const MergedList& got = *s.session.merged();
    ASSERT_EQ(got.entries.size(), want.entries.size()) << "at byte " << at;
    for (std::size_t i = 0; i < want.entries.size(); ++i) {
      EXPECT_EQ(got.entries[i].origin, want.entries[i].origin) << "at byte " << at << ", row " << i;
      EXPECT_EQ(got.entries[i].index, want.entries[i].index) << "at byte " << at << ", row " << i;
      EXPECT_EQ(StepKeyToString(got.entries[i].key), StepKeyToString(want.entries[i].key));
    }
    EXPECT_EQ(s.snap().steps->count, got.entries.size());
    EXPECT_EQ(s.session.shown_count(), got.entries.size());
    if (index->count() > 0) {
      EXPECT_TRUE(s.snap().steps->streaming);
      // DynamoDB step 99 is in no S3 list: always shown.
      const std::vector<std::string> shown = ShownKeys(s.session);
      EXPECT_NE(std::find(shown.begin(), shown.end(), "dynamodb:99"), shown.end());
    }
    most_shown = std::max(most_shown, got.entries.size());
  }
  s.session.OnStepsEnd(id, s.now);
  EXPECT_TRUE(s.snap().steps->complete);
  EXPECT_EQ(s.snap().steps->count, 9u);  // 8 S3 steps + DynamoDB step 99
  EXPECT_GE(most_shown, 9u);
}

TEST(SessionTest, FinalFailureMidStreamFallsBackToDynamoDb) {
  Script s;
  const std::string body = StepsJson(20);
  const std::uint64_t id = BeginDownload(s, JobJson("completed", 5, kUrl));
  s.session.OnStepsChunk(id, std::string_view(body).substr(0, EndOfStep(body, 8)), s.now);
  EXPECT_EQ(s.snap().steps->count, 8u);
  // Bytes no JSON can continue with: final, and the download is aborted.
  s.session.OnStepsChunk(id, std::string_view("]]"), s.now);
  s.Drain();
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), "invalid_json");
  EXPECT_FALSE(s.snap().steps->streaming);
  EXPECT_EQ(ShownKeys(s.session),
            (std::vector<std::string>{"dynamodb:1", "dynamodb:2", "dynamodb:3", "dynamodb:4",
                                      "dynamodb:5"}));
  EXPECT_EQ(s.snap().steps->total_cost_usd, "1.25");
  EXPECT_EQ(s.session.merged_steps_index(), nullptr);
  EXPECT_NE(std::find(s.cancels.begin(), s.cancels.end(), id), s.cancels.end());
}

TEST(SessionTest, RetriedDownloadKeepsItsRowsUntilTheNextAttemptHasMore) {
  Script s;
  LoadJob(s, JobJson("completed", 5, kUrl));
  const std::string body = StepsJson(20);
  auto feed = [&](std::uint64_t id, int from_steps, int to_steps) {
    const std::size_t from = from_steps == 0 ? 0 : EndOfStep(body, from_steps);
    s.session.OnStepsChunk(
        id, std::string_view(body).substr(from, EndOfStep(body, to_steps) - from), s.now);
  };
  std::uint64_t id = s.steps_fetches.back().id;
  s.session.OnStepsResponseStart(id, 200, {}, s.now);
  feed(id, 0, 8);
  s.StepsFail(TransportErrorKind::kNetwork);
  // Waiting for the retry: the 8 rows stay, still marked as an incomplete S3 list.
  ASSERT_TRUE(s.snap().next_retry_at.has_value());
  EXPECT_FALSE(s.snap().progress.has_value());
  EXPECT_EQ(Source(s.snap()), "s3");
  EXPECT_TRUE(s.snap().steps->streaming);
  EXPECT_EQ(s.snap().steps->count, 8u);
  s.AdvanceToNextDeadline();
  ASSERT_EQ(s.steps_fetches.size(), 2u);
  id = s.steps_fetches.back().id;
  s.session.OnStepsResponseStart(id, 200, {}, s.now);
  feed(id, 0, 3);
  EXPECT_EQ(s.snap().steps->count, 8u);  // the earlier attempt still has more
  EXPECT_EQ(s.session.merged()->entries[7].origin, StepOrigin::kS3);
  feed(id, 3, 10);
  EXPECT_EQ(s.snap().steps->count, 10u);
  EXPECT_EQ(s.session.merged_steps_index(), s.session.streaming_steps_index());
  s.StepsFail(TransportErrorKind::kTimeout);
  s.AdvanceToNextDeadline();
  ASSERT_EQ(s.steps_fetches.size(), 3u);
  EXPECT_EQ(s.snap().steps->count, 10u);
  s.StepsFail(TransportErrorKind::kNetwork);  // the last attempt: final
  EXPECT_EQ(Source(s.snap()), "dynamodb_fallback");
  EXPECT_EQ(Reason(s.snap()), "network");
  EXPECT_EQ(s.snap().steps->count, 5u);
  EXPECT_FALSE(s.snap().steps->streaming);
}

TEST(SessionTest, RefreshOfAShownListKeepsItUntilTheNewDocumentIsComplete) {
  Script s;
  LoadJob(s, JobJson("completed", 2, kUrl));
  s.StepsRespond(200, StepsJson(6), {{"ETag", "\"e1\""}});
  const StepIndex* shown = s.session.steps_index();
  s.session.Refetch(s.now);
  s.Drain();
  s.JobResponds(200, JobJson("completed", 2, kUrl));
  ASSERT_EQ(s.steps_fetches.size(), 2u);
  const std::uint64_t id = s.steps_fetches.back().id;
  const std::string body = StepsJson(10);
  s.session.OnStepsResponseStart(id, 200, {{"ETag", "\"e2\""}}, s.now);
  const std::optional<StepsInfo> before = s.snap().steps;
  s.session.OnStepsChunk(id, std::string_view(body).substr(0, EndOfStep(body, 9)), s.now);
  EXPECT_EQ(s.snap().progress->steps, 9u);
  EXPECT_EQ(s.snap().steps, before);  // same list: 6 steps, complete, not streaming
  EXPECT_EQ(s.snap().steps->count, 6u);
  EXPECT_TRUE(s.snap().steps->complete);
  EXPECT_EQ(s.session.merged_steps_index(), shown);
  s.session.OnStepsChunk(id, std::string_view(body).substr(EndOfStep(body, 9)), s.now);
  s.session.OnStepsEnd(id, s.now);
  EXPECT_EQ(s.snap().steps->count, 10u);
  EXPECT_TRUE(s.snap().steps->complete);
  EXPECT_NE(s.session.merged_steps_index(), nullptr);
}

TEST(SessionTest, StreamingVersionChangesOnlyWithVisibleChanges) {
  Script s;
  const std::string body = StepsJson(12);
  const std::uint64_t id = BeginDownload(s, JobJson("completed", 5, kUrl));
  std::size_t steps_changes = 0;
  std::optional<StepsInfo> last_steps = s.snap().steps;
  for (std::size_t at = 0; at < body.size(); at += 11) {
    const std::uint64_t v = s.session.version();
    const SessionSnapshot before = s.snap();
    s.session.OnStepsChunk(id, std::string_view(), s.now);  // no bytes: nothing changes
    EXPECT_EQ(s.session.version(), v);
    s.session.OnStepsChunk(id + 1000, std::string_view(body).substr(at, 11), s.now);  // stale id
    EXPECT_EQ(s.session.version(), v);
    s.session.OnStepsChunk(id, std::string_view(body).substr(at, 11), s.now);
    // Bytes are visible (progress), so each chunk is one new version, never more.
    EXPECT_EQ(s.session.version(), v + 1);
    EXPECT_NE(s.snap().progress, before.progress);
    const std::size_t indexed_before = before.progress ? before.progress->steps : 0;
    if (s.snap().steps != last_steps) {
      ++steps_changes;
      // The list changes only when a step completed (a DynamoDB row replaced or a row added).
      EXPECT_GT(s.snap().progress->steps, indexed_before);
      last_steps = s.snap().steps;
    } else {
      EXPECT_EQ(s.snap().progress->steps, indexed_before);
    }
  }
  // Rows 1-5 replace DynamoDB rows one for one; rows 6-12 add one each: 12 list changes at most,
  // one per completed step (the first one also switches the source).
  EXPECT_LE(steps_changes, 12u);
  EXPECT_GE(steps_changes, 7u);
}

TEST(SessionTest, PollDuringTheDownloadMergesTheNewDynamoDbSteps) {
  Script s;
  const std::string body = StepsJson(6);
  const std::uint64_t id = BeginDownload(s, JobJson("running", 2, kUrl));
  s.session.OnStepsChunk(id, std::string_view(body).substr(0, EndOfStep(body, 1)), s.now);
  EXPECT_EQ(ShownKeys(s.session), (std::vector<std::string>{"s3:1", "dynamodb:2"}));
  // The poll brings DynamoDB steps 3 and 4; the same object keeps downloading.
  s.AdvanceTo(s.now + 5'000);
  s.session.OnStepsChunk(id, std::string_view(body).substr(EndOfStep(body, 1), 1), s.now);
  s.JobResponds(200, JobJson("running", 4, PresignedUrl("jobs/j1/steps.json", s.now)));
  EXPECT_EQ(s.steps_fetches.size(), 1u);
  EXPECT_EQ(ShownKeys(s.session),
            (std::vector<std::string>{"s3:1", "dynamodb:2", "dynamodb:3", "dynamodb:4"}));
  EXPECT_EQ(s.snap().steps->count, 4u);
  EXPECT_TRUE(s.snap().steps->streaming);
}

}  // namespace
}  // namespace job_detail

// --- The status rule: terminal, running and unknown statuses ---

namespace job_detail {
namespace {

// The delays between successive polls of a job that keeps answering `status`.
std::vector<std::int64_t> PollDelays(Script& s, std::string_view status, int polls) {
  std::vector<std::int64_t> delays;
  for (int i = 0; i < polls; ++i) {
    const auto deadline = s.session.NextDeadline();
    if (!deadline) break;
    delays.push_back(*deadline - s.now);
    s.AdvanceToNextDeadline();
    s.JobResponds(200, JobJson(status, 2));
  }
  return delays;
}

TEST(SessionStatusTest, AnAirflowSuccessStopsPollingAndSaysTerminal) {
  Script s;
  LoadJob(s, JobJson("success", 2));
  ASSERT_TRUE(s.snap().job.has_value());
  EXPECT_EQ(s.snap().job->phase, StatusPhase::kSucceeded);
  EXPECT_TRUE(s.snap().job->terminal);
  EXPECT_FALSE(s.snap().job->running);
  EXPECT_FALSE(s.session.NextDeadline().has_value());
}

TEST(SessionStatusTest, ARunningJobIsPolledAtTheInterval) {
  Script s;
  LoadJob(s, JobJson("RUNNING", 2));
  EXPECT_TRUE(s.snap().job->running);
  EXPECT_EQ(PollDelays(s, "RUNNING", 4), (std::vector<std::int64_t>{5000, 5000, 5000, 5000}));
}

TEST(SessionStatusTest, AnUnknownStatusIsPolledWithBackoffUpToTheCapThenAtFullRateOnceRunning) {
  Script s;
  LoadJob(s, JobJson("paused_for_review", 2));
  EXPECT_EQ(s.snap().job->phase, StatusPhase::kUnknown);
  EXPECT_FALSE(s.snap().job->terminal);
  EXPECT_FALSE(s.snap().job->running);
  EXPECT_EQ(PollDelays(s, "paused_for_review", 6),
            (std::vector<std::int64_t>{5000, 10000, 20000, 40000, 60000, 60000}));
  // Once the status is known to be running, the interval is back to the poll interval.
  const auto deadline = s.session.NextDeadline();
  ASSERT_TRUE(deadline.has_value());
  s.AdvanceToNextDeadline();
  s.JobResponds(200, JobJson("running", 2));
  EXPECT_EQ(*s.session.NextDeadline() - s.now, 5000);
  s.AdvanceToNextDeadline();
  s.JobResponds(200, JobJson("odd", 2));
  EXPECT_EQ(*s.session.NextDeadline() - s.now, 5000);  // the backoff starts over
}

TEST(SessionStatusTest, TheCallersVocabularyDecidesTerminalAndRunning) {
  SessionConfig config = Script::DefaultConfig();
  config.statuses.terminal = {"DONE_OK"};
  config.statuses.running = {"busy"};
  Script s(config);
  LoadJob(s, JobJson("busy", 2));
  EXPECT_TRUE(s.snap().job->running);
  EXPECT_EQ(PollDelays(s, "busy", 2), (std::vector<std::int64_t>{5000, 5000}));
  s.AdvanceToNextDeadline();
  s.JobResponds(200, JobJson("done_ok", 2));
  EXPECT_EQ(s.snap().job->phase, StatusPhase::kEnded);
  EXPECT_TRUE(s.snap().job->terminal);
  EXPECT_FALSE(s.session.NextDeadline().has_value());
  // `completed` is not in the caller's terminal list: it is unknown, polled with backoff.
  Script other(config);
  LoadJob(other, JobJson("completed", 2));
  EXPECT_EQ(other.snap().job->phase, StatusPhase::kUnknown);
  EXPECT_TRUE(other.session.NextDeadline().has_value());
}

TEST(SessionStatusTest, TheListSaysWhenItMixesOrigins) {
  Script s;
  // S3 has steps 1-3; DynamoDB has 1-5 (4 and 5 are missing from S3 and kept).
  LoadJob(s, JobJson("completed", 5, kUrl));
  EXPECT_FALSE(s.snap().steps->mixes_origins);  // DynamoDB only while S3 is on its way
  s.StepsRespond(200, StepsJson(3));
  ASSERT_EQ(s.snap().steps->count, 5u);
  EXPECT_TRUE(s.snap().steps->mixes_origins);
  Script all;
  LoadJob(all, JobJson("completed", 2, kUrl));
  all.StepsRespond(200, StepsJson(3));
  EXPECT_FALSE(all.snap().steps->mixes_origins);
}

TEST(SessionStatusTest, TheListCountsTheStringsTheS3DocumentNeededRepairedIn) {
  Script s;
  LoadJob(s, JobJson("completed", 1, kUrl));
  s.StepsRespond(200,
                 "[{\"step_number\":1,\"output\":\"a\xff\xfe b\"},{\"step_number\":2,\"name\":"
                 "\"\\ud800\"},{\"step_number\":3,\"cost_usd\":1e400}]");
  ASSERT_EQ(s.snap().steps->count, 3u);
  EXPECT_EQ(s.snap().steps->repaired_strings, 2u);
  EXPECT_EQ(s.snap().steps->invalid_cost, 1u);
}

}  // namespace
}  // namespace job_detail
