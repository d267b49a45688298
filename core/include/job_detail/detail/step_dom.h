// A step of a StepIndex decoded whole into an nlohmann DOM (HTML output untruncated), for the CLI,
// tests and fuzzers; the package decodes a step from StepIndex::StepJsonText itself.
#ifndef JOB_DETAIL_DETAIL_STEP_DOM_H_
#define JOB_DETAIL_DETAIL_STEP_DOM_H_

#include <cstddef>
#include <nlohmann/json.hpp>

#include "job_detail/result.h"
#include "job_detail/step_index.h"

namespace job_detail::detail {

// kInvalidArgument when i >= index.count(). A non-object entry decodes to its value.
Result<nlohmann::json> DecodeStep(const StepIndex& index, std::size_t i);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_STEP_DOM_H_
