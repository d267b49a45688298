// The job's top-level members as an nlohmann DOM (built by detail/json_dom.h, `execution_steps`
// set aside for Job::steps_index), behind Job::document so that no public header includes nlohmann.
#ifndef JOB_DETAIL_DETAIL_JOB_DOCUMENT_H_
#define JOB_DETAIL_DETAIL_JOB_DOCUMENT_H_

#include <nlohmann/json.hpp>

#include "job_detail/job.h"

namespace job_detail::detail {

struct JobDocument {
  nlohmann::json value;  // always an object; never holds `execution_steps`
};

// The job's object (an empty object for a default-constructed Job).
const nlohmann::json& JobDom(const Job& job);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_JOB_DOCUMENT_H_
