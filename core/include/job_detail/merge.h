// Which steps the detail view shows, and why: the S3 list (complete) wins over the DynamoDB list
// (possibly only the first steps), a DynamoDB step missing from S3 is kept rather than dropped, and
// a failed or missing S3 list falls back to DynamoDB saying so (`complete` false, `reason`).
// Entries point into their source lists: step bodies are never copied.
#ifndef JOB_DETAIL_MERGE_H_
#define JOB_DETAIL_MERGE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "job_detail/error.h"
#include "job_detail/field_table.h"
#include "job_detail/job.h"
#include "job_detail/step_key.h"

namespace job_detail {

enum class StepsSource : std::uint8_t { kS3, kDynamoDb, kDynamoDbFallback };
enum class StepOrigin : std::uint8_t { kS3, kDynamoDb };

// The names used in JSON and JS, in enumerator order.
inline constexpr std::array<std::string_view, 3> kStepsSourceNames = {"s3", "dynamodb",
                                                                      "dynamodb_fallback"};
inline constexpr std::array<std::string_view, 2> kStepOriginNames = {"s3", "dynamodb"};
constexpr std::span<const std::string_view> NamesOf(Tag<StepsSource>) { return kStepsSourceNames; }
constexpr std::span<const std::string_view> NamesOf(Tag<StepOrigin>) { return kStepOriginNames; }

constexpr std::string_view StepsSourceName(StepsSource source) { return NameOf(source); }
constexpr std::string_view StepOriginName(StepOrigin origin) { return NameOf(origin); }

// What became of the S3 list. Keys are enough to merge, so a streaming index can supply them.
struct S3Outcome {
  enum class Kind : std::uint8_t { kNotRequested, kSteps, kFailure };

  static S3Outcome NotRequested() { return {}; }
  static S3Outcome Steps(std::vector<StepKey> keys) {
    return {Kind::kSteps, std::move(keys), ErrorCode::kInvalidJson};
  }
  static S3Outcome Failure(ErrorCode reason) { return {Kind::kFailure, {}, reason}; }

  Kind kind = Kind::kNotRequested;
  std::vector<StepKey> keys;                   // kSteps: one per S3 step, in document order
  ErrorCode reason = ErrorCode::kInvalidJson;  // kFailure only
};

struct MergedEntry {
  StepOrigin origin = StepOrigin::kS3;
  std::size_t index = 0;  // into the S3 list or the DynamoDB list, as `origin` says
  StepKey key;
};

struct MergedList {
  StepsSource source = StepsSource::kDynamoDb;
  bool complete = true;
  std::optional<ErrorCode> reason;
  std::vector<MergedEntry> entries;
};

// The DynamoDB side of the merge: the job's steps and whether it names an S3 list.
struct DynamoDbSteps {
  std::vector<StepKey> keys;
  bool has_s3_key = false;
  bool has_s3_url = false;
};

// Rules:
// - S3 steps: source s3, complete. Every S3 step (origin s3), then each DynamoDB step whose key no
//   S3 step has (origin dynamodb). Repeated keys are all kept.
// - S3 failure: source dynamodb_fallback, incomplete, reason = the failure.
// - Not requested: an S3 key without a URL gives dynamodb_fallback, incomplete, s3_url_missing; an
//   S3 key with a URL (list not fetched yet) gives dynamodb, incomplete, no reason; no S3 key gives
//   dynamodb, complete.
// When every entry is keyed by step number, entries are sorted by it (stable: equal numbers keep
// the order above); otherwise the order above stands.
MergedList MergeSteps(const DynamoDbSteps& dynamodb, const S3Outcome& s3);
MergedList MergeSteps(const Job& job, const S3Outcome& s3);

}  // namespace job_detail

#endif  // JOB_DETAIL_MERGE_H_
