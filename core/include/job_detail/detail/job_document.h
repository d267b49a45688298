// The job's top-level members as an nlohmann DOM (built by detail/json_dom.h from Job::text,
// `execution_steps` set aside for Job::steps_index), for the CLI, the tests and the fuzzers: the
// job itself keeps only the fields it decides on, so that the module needs no DOM.
#ifndef JOB_DETAIL_DETAIL_JOB_DOCUMENT_H_
#define JOB_DETAIL_DETAIL_JOB_DOCUMENT_H_

#include <nlohmann/json.hpp>

#include "job_detail/job.h"

namespace job_detail::detail {

// The job's object without `execution_steps` (an empty object for a default-constructed Job).
nlohmann::json JobDom(const Job& job);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_JOB_DOCUMENT_H_
