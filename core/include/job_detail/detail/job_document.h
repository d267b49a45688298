// The job as an nlohmann DOM, behind Job::document so that no public header includes nlohmann.
#ifndef JOB_DETAIL_DETAIL_JOB_DOCUMENT_H_
#define JOB_DETAIL_DETAIL_JOB_DOCUMENT_H_

#include <nlohmann/json.hpp>

#include "job_detail/job.h"

namespace job_detail::detail {

struct JobDocument {
  nlohmann::json value;  // always an object
};

// The job's object (an empty object for a default-constructed Job).
const nlohmann::json& JobDom(const Job& job);
// The DynamoDB steps inside the job's object (not a copy), or nullptr when steps_field != kArray.
const nlohmann::json* JobDynamoDbSteps(const Job& job);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_JOB_DOCUMENT_H_
