// What the UI renders, as one plain value. The session keeps the same object (same version) until a
// field changes, which is what React's useSyncExternalStore needs.
#ifndef JOB_DETAIL_SESSION_SNAPSHOT_H_
#define JOB_DETAIL_SESSION_SNAPSHOT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "job_detail/error.h"
#include "job_detail/merge.h"

namespace job_detail {

// idle: before Start. loading: the job, or the first answer about its steps, is not known yet.
// ready: both are known (the steps may be a fallback: see steps.reason). error: the job request
// failed for good; what was shown before stays in the snapshot.
enum class SessionStatus : std::uint8_t { kIdle, kLoading, kReady, kError };

std::string_view SessionStatusName(SessionStatus status);  // idle | loading | ready | error

struct SnapshotError {
  ErrorCode code = ErrorCode::kHttpError;
  std::string message;
  bool operator==(const SnapshotError&) const = default;
};

struct JobInfo {
  std::string id;
  std::optional<std::string> status;
  bool terminal = false;  // completed, failed, cancelled/canceled, succeeded, error
  bool has_s3_key = false;
  bool has_s3_url = false;
  std::size_t dynamodb_step_count = 0;
  bool operator==(const JobInfo&) const = default;
};

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
  bool operator==(const StepsInfo&) const = default;
};

// The S3 download under way.
struct StepsProgress {
  std::uint64_t bytes = 0;
  std::optional<std::uint64_t> total;  // Content-Length when the response had one
  std::size_t steps = 0;               // steps indexed so far
  bool operator==(const StepsProgress&) const = default;
};

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

}  // namespace job_detail

#endif  // JOB_DETAIL_SESSION_SNAPSHOT_H_
