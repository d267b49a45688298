// What the UI renders, as one plain value. The session keeps the same object (same version) until a
// field changes, which is what React's useSyncExternalStore needs. Each struct's field table (wire
// names, in JS order) sits beside it: the bindings and the schema report follow the tables.
#ifndef JOB_DETAIL_SESSION_SNAPSHOT_H_
#define JOB_DETAIL_SESSION_SNAPSHOT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>

#include "job_detail/error.h"
#include "job_detail/field_table.h"
#include "job_detail/merge.h"
#include "job_detail/status_phase.h"

namespace job_detail {

// idle: before Start. loading: the job, or the first answer about its steps, is not known yet.
// ready: both are known (the steps may be a fallback: see steps.reason). error: the job request
// failed for good; what was shown before stays in the snapshot.
enum class SessionStatus : std::uint8_t { kIdle, kLoading, kReady, kError };

inline constexpr std::array<std::string_view, 4> kSessionStatusNames = {"idle", "loading", "ready",
                                                                        "error"};
constexpr std::span<const std::string_view> NamesOf(Tag<SessionStatus>) {
  return kSessionStatusNames;
}
constexpr std::string_view SessionStatusName(SessionStatus status) { return NameOf(status); }

struct SnapshotError {
  ErrorCode code = ErrorCode::kHttpError;
  std::string message;
  bool operator==(const SnapshotError&) const = default;
};

constexpr auto FieldsOf(Tag<SnapshotError>) {
  return std::make_tuple(Member("code", &SnapshotError::code),
                         Member("message", &SnapshotError::message));
}

// What the session read from the job. `phase` is the session's status rule (status_phase.h, with
// the caller's vocabulary): polling stops when it is terminal, runs at the poll interval while it
// is running, and backs off while it is unknown.
struct JobInfo {
  std::string id;
  std::optional<std::string> status;
  StatusPhase phase = StatusPhase::kUnknown;
  bool terminal = false;  // phase is succeeded, failed or ended
  bool running = false;   // phase is running
  bool has_s3_key = false;
  bool has_s3_url = false;
  std::size_t dynamodb_step_count = 0;
  bool operator==(const JobInfo&) const = default;
};

constexpr auto FieldsOf(Tag<JobInfo>) {
  return std::make_tuple(Member("id", &JobInfo::id), Member("status", &JobInfo::status),
                         Member("phase", &JobInfo::phase), Member("terminal", &JobInfo::terminal),
                         Member("running", &JobInfo::running),
                         Member("hasS3Key", &JobInfo::has_s3_key),
                         Member("hasS3Url", &JobInfo::has_s3_url),
                         Member("dynamodbStepCount", &JobInfo::dynamodb_step_count));
}

// The merged list's summary: where it came from and its exact totals.
struct StepsInfo {
  StepsSource source = StepsSource::kDynamoDb;
  bool complete = false;
  std::optional<ErrorCode> reason;  // why S3 did not provide the list, when it did not
  // The list is the first S3 document's steps received so far (source s3, complete false, reason
  // none) plus the DynamoDB steps not among them: it grows while the download goes on.
  bool streaming = false;
  std::size_t count = 0;
  std::string total_cost_usd = "0";  // canonical decimal
  std::string total_cost_display = "$0.00";
  std::uint64_t no_cost = 0;
  std::uint64_t invalid_cost = 0;
  // Rows of both origins are shown (some S3 steps, some DynamoDB ones): the UI labels origins.
  bool mixes_origins = false;
  // Strings in the S3 document shown that held ill-formed UTF-8 or a lone surrogate escape, read
  // as `JSON.parse` reads them (U+FFFD in rows): the UI can say so.
  std::uint64_t repaired_strings = 0;
  // The S3 list shown was taken from the module's DocumentCache (not downloaded for this view);
  // it stays true once a revalidation answered 304, false after a 200 replaced it.
  bool from_cache = false;
  bool operator==(const StepsInfo&) const = default;
};

constexpr auto FieldsOf(Tag<StepsInfo>) {
  return std::make_tuple(
      Member("source", &StepsInfo::source), Member("complete", &StepsInfo::complete),
      Member("reason", &StepsInfo::reason), Member("streaming", &StepsInfo::streaming),
      Member("count", &StepsInfo::count), Member("totalCostUsd", &StepsInfo::total_cost_usd),
      Member("totalCostDisplay", &StepsInfo::total_cost_display),
      Member("noCost", &StepsInfo::no_cost), Member("invalidCost", &StepsInfo::invalid_cost),
      Member("mixesOrigins", &StepsInfo::mixes_origins),
      Member("repairedStrings", &StepsInfo::repaired_strings),
      Member("fromCache", &StepsInfo::from_cache));
}

// The S3 download under way.
struct StepsProgress {
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> total;  // Content-Length when the response had one
  std::size_t steps = 0;               // steps indexed so far
  bool operator==(const StepsProgress&) const = default;
};

constexpr auto FieldsOf(Tag<StepsProgress>) {
  return std::make_tuple(Member("bytes", &StepsProgress::bytes),
                         Member("total", &StepsProgress::total),
                         Member("steps", &StepsProgress::steps));
}

struct SessionSnapshot {
  std::uint64_t version = 0;  // increases by one each time any other field changes
  SessionStatus status = SessionStatus::kIdle;
  std::optional<JobInfo> job;
  std::optional<StepsInfo> steps;
  std::optional<StepsProgress> progress;
  int attempt = 0;  // of the request in flight or waiting to be retried; 0 when idle
  std::optional<std::int64_t> next_retry_at;  // epoch ms of the armed retry
  bool retry_paused = false;  // a retry or poll waits for the page to be visible / the network
  bool fetching = false;      // a request is in flight
  std::optional<SnapshotError> error;  // the job's final error, else the steps' last final error
  bool operator==(const SessionSnapshot&) const = default;
};

constexpr auto FieldsOf(Tag<SessionSnapshot>) {
  return std::make_tuple(
      Member("version", &SessionSnapshot::version), Member("status", &SessionSnapshot::status),
      Member("job", &SessionSnapshot::job), Member("steps", &SessionSnapshot::steps),
      Member("progress", &SessionSnapshot::progress), Member("attempt", &SessionSnapshot::attempt),
      Member("nextRetryAt", &SessionSnapshot::next_retry_at),
      Member("retryPaused", &SessionSnapshot::retry_paused),
      Member("fetching", &SessionSnapshot::fetching), Member("error", &SessionSnapshot::error));
}

}  // namespace job_detail

#endif  // JOB_DETAIL_SESSION_SNAPSHOT_H_
