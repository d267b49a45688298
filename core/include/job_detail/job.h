// The API's job JSON, parsed without throwing: the fields the detail view decides on, the DynamoDB
// steps' keys and costs, and the body's text, which the UI parses itself (unknown fields included).
// It accepts what `JSON.parse(new TextDecoder().decode(bytes))` accepts, with the same values, as
// the step index does (detail/json_scanner.h has the rules): the top-level members are read by
// that scanner as spans (detail/json_members.h), the few fields used decoded from them, and
// `execution_steps` is read by a StepIndex only, the same reader and the same rules as the S3 list
// (keys, costs, rows).
#ifndef JOB_DETAIL_JOB_H_
#define JOB_DETAIL_JOB_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/result.h"
#include "job_detail/step_index.h"
#include "job_detail/step_key.h"

namespace job_detail {

// What the job says about `execution_steps`. kOtherType (a string, an object, ...) keeps the job
// usable with no DynamoDB steps: the S3 list may still be there.
enum class StepsField : std::uint8_t { kAbsent, kNull, kArray, kOtherType };

struct Job {
  // `id`, else `job_id` (the DynamoDB key): a string or integer text.
  std::optional<std::string> id;
  std::optional<std::string> status;
  StepsField steps_field = StepsField::kAbsent;
  // One per DynamoDB step, in list order: steps_index's keys and costs, kept at hand for the merge
  // and the totals.
  std::vector<StepKey> step_keys;
  std::vector<Cost> step_costs;
  std::optional<std::string> s3_key;  // `execution_steps_s3_key` when a non-empty string
  std::optional<std::string> s3_url;  // `execution_steps_s3_url` when a non-empty string
  // The body as received: what the UI parses, so numbers keep the digits the API sent.
  std::string text;
  // The DynamoDB steps: the bytes of the `execution_steps` array of `text`, indexed as a top-level
  // array of steps (kArray only; empty otherwise). Rows, keys and costs read the same way as the
  // complete list's; its byte spans count from the array's `[`.
  StepIndex steps_index = StepIndex();

  std::size_t step_count() const { return step_keys.size(); }
};

struct JobParseOptions {
  std::size_t max_depth = 512;
};

// kInvalidJson (byte offset; NUL bytes and a text that ends early included), kTooDeep, or
// kUnexpectedShape when the JSON is not an object; kTooLarge when memory cannot hold the steps.
// Messages never quote the text.
Result<Job> ParseJob(std::string_view text, const JobParseOptions& options = {});

}  // namespace job_detail

#endif  // JOB_DETAIL_JOB_H_
