// Each step's `cost_usd` from a DOM built by ParseJsonDom: numbers are read from the text the
// parser reported (never from nlohmann's double), strings and other values from the DOM.
#ifndef JOB_DETAIL_DETAIL_STEP_COSTS_H_
#define JOB_DETAIL_DETAIL_STEP_COSTS_H_

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/detail/json_dom.h"

namespace job_detail::detail {

// Collects, while ParseJsonDom runs, the text of numbers at `[i].cost_usd` (a top-level array of
// steps) and `{"<member>": [i].cost_usd}` (a list held by a top-level member).
class StepCostTexts {
 public:
  // Member name used for a top-level array of steps.
  static constexpr std::string_view kRootList = "";

  NumberTextHook Hook();
  // The text of the last number seen at that place, or nullptr.
  const std::string* Find(std::string_view list_member, std::size_t index) const;

 private:
  void Record(const std::vector<JsonPathFrame>& frames, std::string_view text);
  std::map<std::pair<std::string, std::size_t>, std::string> texts_;
};

// One Cost per element of `steps` (an array): a missing or null `cost_usd` (or a step that is not
// an object) is no cost; a number comes from its recorded text; a string follows the string rules.
std::vector<Cost> StepCosts(const nlohmann::json& steps, const StepCostTexts& texts,
                            std::string_view list_member);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_STEP_COSTS_H_
