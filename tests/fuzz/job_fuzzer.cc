// ParseJob on arbitrary bytes, against nlohmann/json as the oracle. Input: byte 0 picks the depth
// limit, the rest is the API's job text. Checked: same accept/reject as nlohmann (up to the depth
// limit, which must give kTooDeep), typed errors with offsets inside the input, and a parsed job
// whose fields agree with its own document (ids, S3 fields, one key and one cost per step).
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "job_detail/cost.h"
#include "job_detail/detail/job_document.h"
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

void CheckJob(const Job& job, const json& oracle) {
  JD_FUZZ_CHECK(detail::JobDom(job).is_object());
  JD_FUZZ_CHECK(detail::JobDom(job) == oracle);
  JD_FUZZ_CHECK(job.s3_key == NonEmptyString(oracle, "execution_steps_s3_key"));
  JD_FUZZ_CHECK(job.s3_url == NonEmptyString(oracle, "execution_steps_s3_url"));
  JD_FUZZ_CHECK(job.status == NonEmptyString(oracle, "status"));
  JD_FUZZ_CHECK(job.step_keys.size() == job.step_costs.size());
  const auto steps_member = oracle.find("execution_steps");
  if (steps_member == oracle.end() || !steps_member->is_array()) {
    JD_FUZZ_CHECK(detail::JobDynamoDbSteps(job) == nullptr && job.step_count() == 0);
    JD_FUZZ_CHECK(job.steps_field == (steps_member == oracle.end() ? StepsField::kAbsent
                                      : steps_member->is_null()    ? StepsField::kNull
                                                                   : StepsField::kOtherType));
    return;
  }
  JD_FUZZ_CHECK(job.steps_field == StepsField::kArray && detail::JobDynamoDbSteps(job) != nullptr);
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
  const nlohmann::json oracle =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (oracle.is_discarded()) {
    JD_FUZZ_CHECK(!job.ok());
    return 0;
  }
  if (fuzz::MaxNesting(text) > options.max_depth) {
    JD_FUZZ_CHECK(!job.ok() && job.error().code == ErrorCode::kTooDeep);
    return 0;
  }
  if (!oracle.is_object()) {
    JD_FUZZ_CHECK(!job.ok() && job.error().code == ErrorCode::kUnexpectedShape);
    return 0;
  }
  JD_FUZZ_CHECK(job.ok());
  fuzz::CheckJob(job.value(), oracle);
  return 0;
}
