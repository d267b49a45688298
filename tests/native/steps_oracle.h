// The steps array of a document decoded by nlohmann, by the documented shape rules: the oracle
// that the differential test and the step index fuzzer compare StepIndex against.
#ifndef JOB_DETAIL_TESTS_NATIVE_STEPS_ORACLE_H_
#define JOB_DETAIL_TESTS_NATIVE_STEPS_ORACLE_H_

#include <nlohmann/json.hpp>

namespace job_detail::testing {

// A top-level array, or the `execution_steps` (else `steps`) member of an object; null when the
// shape is wrong.
inline const nlohmann::json* OracleSteps(const nlohmann::json& doc) {
  if (doc.is_array()) return &doc;
  if (!doc.is_object()) return nullptr;
  for (const char* name : {"execution_steps", "steps"}) {
    const auto it = doc.find(name);
    if (it != doc.end()) return it->is_array() ? &*it : nullptr;
  }
  return nullptr;
}

}  // namespace job_detail::testing

#endif  // JOB_DETAIL_TESTS_NATIVE_STEPS_ORACLE_H_
