// ParseJob on arbitrary bytes. Input: byte 0 picks the depth limit, the rest is the API's job
// text. Checked: the job accepts exactly what the scanner's JSON.parse rules accept (up to the
// depth limit, which must give kTooDeep, and a non-object, kUnexpectedShape), so never less than
// `JSON.parse`; typed errors with offsets inside the input; its keys and costs are its step index's
// rows; and wherever nlohmann/json accepts the text too, the job agrees with nlohmann's DOM as an
// oracle (members, ids, S3 fields, one key and one cost per step).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "job_detail/cost.h"
#include "job_detail/detail/job_document.h"
#include "job_detail/detail/json_scanner.h"
#include "job_detail/detail/step_key_dom.h"
#include "job_detail/job.h"
#include "job_detail/step_key.h"

namespace job_detail::fuzz {
namespace {

using nlohmann::json;

std::optional<std::string> NonEmptyString(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

// The first byte of the top-level value of a text the scanner accepted: after an optional BOM and
// whitespace.
char TopLevelValueStart(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text[text.find_first_not_of(" \t\r\n")];
}

// One reader of step lists: the job's keys and costs are its index's.
void CheckStepsAreTheIndexRows(const Job& job) {
  JD_FUZZ_CHECK(job.step_keys.size() == job.steps_index.count());
  JD_FUZZ_CHECK(job.step_costs.size() == job.steps_index.count());
  JD_FUZZ_CHECK(!job.steps_index.error().has_value());
  for (std::size_t i = 0; i < job.step_count(); ++i) {
    const Result<StepRow> row = job.steps_index.Summary(i);
    JD_FUZZ_CHECK(row.ok());
    JD_FUZZ_CHECK(row.value().key == job.step_keys[i]);
    JD_FUZZ_CHECK(row.value().cost == job.step_costs[i]);
  }
}

void CheckJob(const Job& job, const json& oracle) {
  JD_FUZZ_CHECK(detail::JobDom(job).is_object());
  json members = oracle;
  members.erase("execution_steps");  // read by the step index, not kept in the DOM
  JD_FUZZ_CHECK(detail::JobDom(job) == members);
  JD_FUZZ_CHECK(job.s3_key == NonEmptyString(oracle, "execution_steps_s3_key"));
  JD_FUZZ_CHECK(job.s3_url == NonEmptyString(oracle, "execution_steps_s3_url"));
  JD_FUZZ_CHECK(job.status == NonEmptyString(oracle, "status"));
  JD_FUZZ_CHECK(job.step_keys.size() == job.step_costs.size());
  const auto steps_member = oracle.find("execution_steps");
  if (steps_member == oracle.end() || !steps_member->is_array()) {
    JD_FUZZ_CHECK(job.step_count() == 0);
    JD_FUZZ_CHECK(job.steps_field == (steps_member == oracle.end() ? StepsField::kAbsent
                                      : steps_member->is_null()    ? StepsField::kNull
                                                                   : StepsField::kOtherType));
    return;
  }
  JD_FUZZ_CHECK(job.steps_field == StepsField::kArray);
  JD_FUZZ_CHECK(job.step_count() == steps_member->size());
  for (std::size_t i = 0; i < job.step_count(); ++i) {
    const json& step = (*steps_member)[i];
    JD_FUZZ_CHECK(job.step_keys[i] == detail::StepKeyOf(step, i));
    Cost expected = Cost::Invalid();
    bool from_float_text = false;
    if (step.is_object()) {
      const auto cost = step.find("cost_usd");
      expected = cost == step.end() ? Cost::None() : ParseCostJsonText(cost->dump());
      from_float_text = cost != step.end() && cost->is_number_float();
    }
    // A float's cost is read from its source text, which may carry more digits than dump() keeps
    // (or overflow a double): only strings, integers, null and non-objects compare exactly.
    if (!from_float_text) JD_FUZZ_CHECK(job.step_costs[i] == expected);
  }
}

}  // namespace
}  // namespace job_detail::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace job_detail;
  if (size < 1) return 0;
  JobParseOptions options;
  options.max_depth = data[0] & 0x80 ? 1 + data[0] % 24 : 512;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const Result<Job> job = ParseJob(text, options);
  if (!job.ok()) {
    const Error& error = job.error();
    JD_FUZZ_CHECK(error.code == ErrorCode::kInvalidJson || error.code == ErrorCode::kTooDeep ||
                  error.code == ErrorCode::kUnexpectedShape);
    JD_FUZZ_CHECK(!error.offset || *error.offset <= text.size());
    JD_FUZZ_CHECK(!error.message.empty());
  }
  if (fuzz::HasNul(text)) {
    JD_FUZZ_CHECK(!job.ok());
    return 0;
  }
  // What JSON.parse(new TextDecoder().decode(bytes)) accepts, depth aside.
  const auto like_json_parse =
      detail::CheckJsonValue(text, 0xFFFFFFFFu, detail::JsonTextRules::kLikeJsonParse);
  if (like_json_parse) {
    JD_FUZZ_CHECK(!job.ok());
    return 0;
  }
  if (fuzz::MaxNesting(text) > options.max_depth) {
    JD_FUZZ_CHECK(!job.ok() && job.error().code == ErrorCode::kTooDeep);
    return 0;
  }
  if (fuzz::TopLevelValueStart(text) != '{') {
    JD_FUZZ_CHECK(!job.ok() && job.error().code == ErrorCode::kUnexpectedShape);
    return 0;
  }
  JD_FUZZ_CHECK(job.ok());
  fuzz::CheckStepsAreTheIndexRows(job.value());
  const nlohmann::json oracle =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!oracle.is_discarded()) fuzz::CheckJob(job.value(), oracle);
  return 0;
}
