// The API's job JSON, parsed without throwing: the fields the detail view decides on, the DynamoDB
// steps' keys and costs, and the body's text, which the UI parses itself (unknown fields included).
#ifndef JOB_DETAIL_JOB_H_
#define JOB_DETAIL_JOB_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/result.h"
#include "job_detail/step_index.h"
#include "job_detail/step_key.h"

namespace job_detail {

namespace detail {
struct JobDocument;  // the parsed object (detail/job_document.h)
}  // namespace detail

// What the job says about `execution_steps`. kOtherType (a string, an object, ...) keeps the job
// usable with no DynamoDB steps: the S3 list may still be there.
enum class StepsField : std::uint8_t { kAbsent, kNull, kArray, kOtherType };

struct Job {
  // The whole object as parsed, unknown members included (detail/job_document.h reads it).
  std::shared_ptr<const detail::JobDocument> document;
  // `id`, else `job_id` (the DynamoDB key): a string or integer text.
  std::optional<std::string> id;
  std::optional<std::string> status;
  StepsField steps_field = StepsField::kAbsent;
  std::vector<StepKey> step_keys;     // one per DynamoDB step, in list order
  std::vector<Cost> step_costs;       // one per DynamoDB step, read from the JSON text
  std::optional<std::string> s3_key;  // `execution_steps_s3_key` when a non-empty string
  std::optional<std::string> s3_url;  // `execution_steps_s3_url` when a non-empty string
  // The body as received: what the UI parses, so numbers keep the digits the API sent.
  std::string text;
  // The DynamoDB steps indexed from `text` by the S3 list's rules (kArray only; empty otherwise):
  // their rows and byte spans read the same way as the complete list's.
  StepIndex steps_index = StepIndex();

  std::size_t step_count() const { return step_keys.size(); }
};

struct JobParseOptions {
  std::size_t max_depth = 512;
};

// kInvalidJson (byte offset; NUL bytes included), kTooDeep, or kUnexpectedShape when the JSON is
// not an object.
Result<Job> ParseJob(std::string_view text, const JobParseOptions& options = {});

}  // namespace job_detail

#endif  // JOB_DETAIL_JOB_H_
