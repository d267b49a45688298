// StepKeyFromJsonText's rules on a step parsed into an nlohmann DOM (the job's DynamoDB steps).
#ifndef JOB_DETAIL_DETAIL_STEP_KEY_DOM_H_
#define JOB_DETAIL_DETAIL_STEP_KEY_DOM_H_

#include <cstddef>
#include <nlohmann/json.hpp>

#include "job_detail/step_key.h"

namespace job_detail::detail {

// A non-object step is keyed by its position.
StepKey StepKeyOf(const nlohmann::json& step, std::size_t position);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_STEP_KEY_DOM_H_
