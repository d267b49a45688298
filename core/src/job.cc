#include "job_detail/job.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/json_members.h"
#include "job_detail/detail/json_text.h"
#include "job_detail/redact.h"

namespace job_detail {
namespace {

constexpr std::string_view kStepsMember = "execution_steps";

// A member's decoded string when it is a non-empty string.
std::optional<std::string> NonEmptyString(std::string_view text, const detail::JsonMembers& object,
                                          std::string_view name) {
  const detail::JsonSpan* member = detail::FindMember(object, name);
  if (member == nullptr || member->kind != detail::JsonEventKind::kString) return std::nullopt;
  auto decoded = detail::DecodeJsonString(detail::SpanText(text, *member));
  if (!decoded || decoded->empty()) return std::nullopt;
  return decoded;
}

// Ids come as strings or integers depending on the writer; both are shown as text.
std::optional<std::string> IdMemberText(std::string_view text, const detail::JsonMembers& object,
                                        std::string_view name) {
  const detail::JsonSpan* member = detail::FindMember(object, name);
  if (member == nullptr) return std::nullopt;
  if (member->kind == detail::JsonEventKind::kString) {
    return detail::DecodeJsonString(detail::SpanText(text, *member));
  }
  if (member->kind != detail::JsonEventKind::kNumber) return std::nullopt;
  const auto integer = detail::JsonIntegerText(detail::SpanText(text, *member));
  if (!integer) return std::nullopt;
  return std::string(*integer);
}

// The API returns the DynamoDB item as stored, keyed by `job_id`; other APIs say `id`.
std::optional<std::string> IdText(std::string_view text, const detail::JsonMembers& object) {
  if (auto id = IdMemberText(text, object, "id")) return id;
  return IdMemberText(text, object, "job_id");
}

// What JSON calls a value of this first token, for messages.
const char* JsonTypeName(detail::JsonEventKind kind) {
  switch (kind) {
    case detail::JsonEventKind::kBeginObject:
      return "object";
    case detail::JsonEventKind::kBeginArray:
      return "array";
    case detail::JsonEventKind::kString:
      return "string";
    case detail::JsonEventKind::kNumber:
      return "number";
    case detail::JsonEventKind::kTrue:
    case detail::JsonEventKind::kFalse:
      return "boolean";
    default:
      return "null";
  }
}

StepsField StepsFieldOf(const detail::JsonSpan* steps) {
  if (!steps) return StepsField::kAbsent;
  switch (steps->kind) {
    case detail::JsonEventKind::kNull:
      return StepsField::kNull;
    case detail::JsonEventKind::kBeginArray:
      return StepsField::kArray;
    default:
      return StepsField::kOtherType;
  }
}

// The job is one response read whole: a text that ends early is malformed, not a cut download to
// retry (the session retries kTruncated).
Error JobTextError(Error error) {
  if (error.code == ErrorCode::kTruncated) {
    error.code = ErrorCode::kInvalidJson;
    error.message = "the job's JSON text ends before its value is complete";
  }
  error.message = RedactSecrets(error.message);
  return error;
}

// Indexes the bytes of the `execution_steps` array (already validated with the job, nested one
// level less) as a top-level array of steps, and takes each step's key and cost from the index.
std::optional<Error> IndexSteps(std::string_view array, std::uint32_t job_max_depth, Job* job) {
  job->steps_index = StepIndex({.max_depth = job_max_depth - 1});
  job->steps_index.Reserve(array.size());
  job->steps_index.Feed(array);
  if (const auto& error = job->steps_index.Finish()) return *error;
  const std::size_t count = job->steps_index.count();
  job->step_keys.reserve(count);
  job->step_costs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Result<StepRow> row = job->steps_index.Summary(i);
    if (!row.ok()) return row.error();
    job->step_keys.push_back(std::move(row.value().key));
    job->step_costs.push_back(row.value().cost);
  }
  return std::nullopt;
}

}  // namespace

Result<Job> ParseJob(std::string_view text, const JobParseOptions& options) {
  // Limits are 32-bit in the scanner: clamp rather than wrap.
  const auto max_depth = static_cast<std::uint32_t>(
      std::min<std::size_t>(options.max_depth, std::numeric_limits<std::uint32_t>::max()));
  auto parsed = detail::ReadJsonMembers(text, max_depth);
  if (!parsed.ok()) return JobTextError(parsed.error());
  const detail::JsonMembers& object = parsed.value();
  if (object.value.kind != detail::JsonEventKind::kBeginObject) {
    return Error{
        ErrorCode::kUnexpectedShape, std::nullopt,
        std::string("job is a JSON ") + JsonTypeName(object.value.kind) + ", not an object"};
  }
  const detail::JsonSpan* steps = detail::FindMember(object, kStepsMember);
  Job job;
  job.id = IdText(text, object);
  job.status = NonEmptyString(text, object, "status");
  job.steps_field = StepsFieldOf(steps);
  job.s3_key = NonEmptyString(text, object, "execution_steps_s3_key");
  job.s3_url = NonEmptyString(text, object, "execution_steps_s3_url");
  job.text = std::string(text);
  if (job.steps_field == StepsField::kArray) {
    if (auto error = IndexSteps(detail::SpanText(job.text, *steps), max_depth, &job)) {
      if (error->offset) *error->offset += steps->begin;
      return *std::move(error);
    }
  }
  return job;
}

}  // namespace job_detail
