#include "job_detail/job.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/job_document.h"
#include "job_detail/detail/json_dom.h"
#include "job_detail/redact.h"

namespace job_detail {
namespace {

constexpr const char* kStepsMember = "execution_steps";

std::optional<std::string> NonEmptyString(const nlohmann::json& object, const char* name) {
  const auto member = object.find(name);
  if (member == object.end() || !member->is_string()) return std::nullopt;
  const auto& text = member->get_ref<const std::string&>();
  if (text.empty()) return std::nullopt;
  return text;
}

// Ids come as strings or integers depending on the writer; both are shown as text.
std::optional<std::string> IdMemberText(const nlohmann::json& object, std::string_view name) {
  const auto member = object.find(name);
  if (member == object.end()) return std::nullopt;
  if (member->is_string()) return member->get_ref<const std::string&>();
  if (member->is_number_unsigned()) return std::to_string(member->get<std::uint64_t>());
  if (member->is_number_integer()) return std::to_string(member->get<std::int64_t>());
  return std::nullopt;
}

// The API returns the DynamoDB item as stored, keyed by `job_id`; other APIs say `id`.
std::optional<std::string> IdText(const nlohmann::json& object) {
  if (auto id = IdMemberText(object, "id")) return id;
  return IdMemberText(object, "job_id");
}

StepsField StepsFieldOf(const std::optional<detail::SetAsideValue>& steps) {
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

namespace detail {

const nlohmann::json& JobDom(const Job& job) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  return job.document ? job.document->value : kEmpty;
}

}  // namespace detail

Result<Job> ParseJob(std::string_view text, const JobParseOptions& options) {
  // Limits are 32-bit in the scanner: clamp rather than wrap.
  const auto max_depth = static_cast<std::uint32_t>(
      std::min<std::size_t>(options.max_depth, std::numeric_limits<std::uint32_t>::max()));
  auto parsed =
      detail::ParseJsonDom(text, {.max_depth = max_depth, .set_aside_member = kStepsMember});
  if (!parsed.ok()) return JobTextError(parsed.error());
  if (!parsed.value().value.is_object()) {
    return Error{
        ErrorCode::kUnexpectedShape, std::nullopt,
        std::string("job is a JSON ") + parsed.value().value.type_name() + ", not an object"};
  }
  detail::JsonDom dom = std::move(parsed).value();
  Job job;
  job.document =
      std::make_shared<const detail::JobDocument>(detail::JobDocument{std::move(dom.value)});
  const nlohmann::json& object = job.document->value;
  job.id = IdText(object);
  job.status = NonEmptyString(object, "status");
  job.steps_field = StepsFieldOf(dom.set_aside);
  job.s3_key = NonEmptyString(object, "execution_steps_s3_key");
  job.s3_url = NonEmptyString(object, "execution_steps_s3_url");
  job.text = std::string(text);
  if (job.steps_field == StepsField::kArray) {
    const detail::SetAsideValue& steps = *dom.set_aside;
    if (auto error =
            IndexSteps(std::string_view(job.text).substr(steps.begin, steps.end - steps.begin),
                       max_depth, &job)) {
      if (error->offset) *error->offset += steps.begin;
      return *std::move(error);
    }
  }
  return job;
}

}  // namespace job_detail
