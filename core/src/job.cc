#include "job_detail/job.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/job_document.h"
#include "job_detail/detail/json_dom.h"
#include "job_detail/detail/step_costs.h"
#include "job_detail/detail/step_key_dom.h"

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

StepsField StepsFieldOf(const nlohmann::json& object) {
  const auto member = object.find(kStepsMember);
  if (member == object.end()) return StepsField::kAbsent;
  if (member->is_null()) return StepsField::kNull;
  return member->is_array() ? StepsField::kArray : StepsField::kOtherType;
}

}  // namespace

namespace detail {

const nlohmann::json& JobDom(const Job& job) {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  return job.document ? job.document->value : kEmpty;
}

const nlohmann::json* JobDynamoDbSteps(const Job& job) {
  if (job.steps_field != StepsField::kArray) return nullptr;
  const nlohmann::json& object = JobDom(job);
  const auto member = object.find(kStepsMember);
  return member == object.end() ? nullptr : &*member;
}

}  // namespace detail

Result<Job> ParseJob(std::string_view text, const JobParseOptions& options) {
  detail::StepCostTexts cost_texts;
  auto parsed = detail::ParseJsonDom(text, options.max_depth, cost_texts.Hook());
  if (!parsed.ok()) return parsed.error();
  if (!parsed.value().is_object()) {
    return Error{ErrorCode::kUnexpectedShape, std::nullopt,
                 std::string("job is a JSON ") + parsed.value().type_name() + ", not an object"};
  }
  Job job;
  job.document =
      std::make_shared<const detail::JobDocument>(detail::JobDocument{std::move(parsed).value()});
  const nlohmann::json& object = job.document->value;
  job.id = IdText(object);
  job.status = NonEmptyString(object, "status");
  job.steps_field = StepsFieldOf(object);
  job.s3_key = NonEmptyString(object, "execution_steps_s3_key");
  job.s3_url = NonEmptyString(object, "execution_steps_s3_url");
  if (const nlohmann::json* steps = detail::JobDynamoDbSteps(job)) {
    job.step_keys.reserve(steps->size());
    for (std::size_t i = 0; i < steps->size(); ++i) {
      job.step_keys.push_back(detail::StepKeyOf((*steps)[i], i));
    }
    job.step_costs = detail::StepCosts(*steps, cost_texts, kStepsMember);
  }
  job.text = std::string(text);
  if (job.steps_field == StepsField::kArray) {
    // The text is valid JSON within the same depth limit, and `execution_steps` is an array, so
    // the index accepts it and picks that member. Its limit is 32-bit: clamp rather than wrap.
    const std::size_t max_depth =
        std::min<std::size_t>(options.max_depth, std::numeric_limits<std::uint32_t>::max());
    job.steps_index = StepIndex({.max_depth = static_cast<std::uint32_t>(max_depth)});
    job.steps_index.Reserve(job.text.size());
    job.steps_index.Feed(std::string_view(job.text));
    static_cast<void>(job.steps_index.Finish());
  }
  return job;
}

}  // namespace job_detail
