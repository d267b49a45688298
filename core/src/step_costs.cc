#include "job_detail/detail/step_costs.h"

namespace job_detail::detail {

NumberTextHook StepCostTexts::Hook() {
  return [this](const std::vector<JsonPathFrame>& frames, std::string_view text) {
    Record(frames, text);
  };
}

void StepCostTexts::Record(const std::vector<JsonPathFrame>& frames, std::string_view text) {
  const bool in_root_list = frames.size() == 2 && !frames[0].is_object;
  const bool in_member_list = frames.size() == 3 && frames[0].is_object && !frames[1].is_object;
  if (!in_root_list && !in_member_list) return;
  const JsonPathFrame& step = frames.back();
  if (!step.is_object || step.key != "cost_usd") return;
  const JsonPathFrame& list = frames[frames.size() - 2];
  const std::string member = in_root_list ? std::string(kRootList) : frames[0].key;
  texts_[{member, list.count - 1}] = std::string(text);
}

const std::string* StepCostTexts::Find(std::string_view list_member, std::size_t index) const {
  const auto found = texts_.find(std::pair<std::string, std::size_t>(list_member, index));
  return found == texts_.end() ? nullptr : &found->second;
}

std::vector<Cost> StepCosts(const nlohmann::json& steps, const StepCostTexts& texts,
                            std::string_view list_member) {
  std::vector<Cost> costs;
  if (!steps.is_array()) return costs;
  costs.reserve(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const nlohmann::json& step = steps[i];
    // An entry that is not a step object has no readable cost: invalid, as StepIndex counts it for
    // S3 lists, so both sources total the same way.
    if (!step.is_object()) {
      costs.push_back(Cost::Invalid());
      continue;
    }
    const auto member = step.find("cost_usd");
    if (member == step.end() || member->is_null()) {
      costs.push_back(Cost::None());
    } else if (member->is_string()) {
      costs.push_back(ParseCostString(member->get_ref<const std::string&>()));
    } else if (member->is_number()) {
      const std::string* text = texts.Find(list_member, i);
      costs.push_back(text != nullptr ? ParseCostJsonText(*text) : Cost::Invalid());
    } else {
      costs.push_back(Cost::Invalid());
    }
  }
  return costs;
}

}  // namespace job_detail::detail
