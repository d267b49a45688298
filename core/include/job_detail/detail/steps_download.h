// The S3 steps document as it downloads: the response head (status, ETag, Content-Length,
// Retry-After), the body fed into a StepIndex (a 2xx) or kept for its S3 error code (anything
// else), and the rows received so far merged step by step with the job's DynamoDB steps
// (StreamingMerge), so the list can be shown while the bytes arrive. Whether to show them, keep
// them or drop them is the session's decision.
#ifndef JOB_DETAIL_DETAIL_STEPS_DOWNLOAD_H_
#define JOB_DETAIL_DETAIL_STEPS_DOWNLOAD_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "job_detail/detail/streaming_merge.h"
#include "job_detail/fetch_outcome.h"
#include "job_detail/session_effect.h"
#include "job_detail/step_index.h"
#include "job_detail/step_key.h"

namespace job_detail::detail {

// An S3 document as received so far (all of it once the response ended well), with its merge
// against the job's DynamoDB steps kept up to date step by step.
struct ReceivedSteps {
  std::unique_ptr<StepIndex> index;
  std::unique_ptr<StreamingMerge> merge;
  std::string key;               // StepsCacheKey of the URL it came from
  std::uint64_t last_begin = 0;  // byte offset of the last merged step, to notice a restart

  std::size_t count() const { return merge ? merge->s3_count() : 0; }

  // Merges the steps indexed since the last call; true when the merged list changed.
  bool CatchUp(const std::vector<StepKey>& dynamodb_keys);
  // The job's DynamoDB steps changed (or the index restarted): merge again from the first step.
  void Rebind(const std::vector<StepKey>& dynamodb_keys);
};

// The S3 response being received.
class StepsDownload {
 public:
  bool started() const { return started_; }
  int status() const { return status_; }
  std::uint64_t bytes() const { return bytes_; }
  const std::optional<std::string>& etag() const { return etag_; }
  const std::optional<std::uint64_t>& content_length() const { return content_length_; }
  const std::optional<std::int64_t>& retry_after_ms() const { return retry_after_ms_; }
  // The document received so far (a 2xx only).
  const ReceivedSteps& steps() const { return steps_; }
  ReceivedSteps& steps() { return steps_; }

  // The response head. A 2xx body goes into a StepIndex for the object `key`, reserved to the
  // Content-Length up to a few megabytes; any other body is kept (capped) for its S3 error.
  void Start(int status, const HttpHeaders& headers, std::int64_t now_ms, std::int64_t skew_ms,
             const std::string& key, const StepIndexOptions& limits);
  // Feeds a chunk; true when the rows merged with `dynamodb_keys` changed.
  bool Append(std::span<const std::uint8_t> bytes, const std::vector<StepKey>& dynamodb_keys);
  // A document error no later byte can repair (a 2xx body only), else nullopt.
  std::optional<Error> FatalError() const;
  // The body ended: what the whole response means.
  FetchOutcome Finish();
  // A 2xx body ended short of its Content-Length (or, without one, after some bytes).
  bool EndedShort() const;

 private:
  bool started_ = false;
  int status_ = 0;
  ReceivedSteps steps_;     // 2xx only
  std::string error_body_;  // non-2xx only, capped
  std::optional<std::string> etag_;
  std::optional<std::uint64_t> content_length_;
  std::optional<std::int64_t> retry_after_ms_;
  std::uint64_t bytes_ = 0;
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_STEPS_DOWNLOAD_H_
