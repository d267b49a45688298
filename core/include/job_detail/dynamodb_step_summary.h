// The list row of a DynamoDB step (one of the job's `execution_steps`), in the same shape and by
// the same field rules as a row of the S3 step index, so a merged list reads one way whatever each
// entry's origin. Added for the JS client's summary(i) over the merged list.
#ifndef JOB_DETAIL_DYNAMODB_STEP_SUMMARY_H_
#define JOB_DETAIL_DYNAMODB_STEP_SUMMARY_H_

#include <cstddef>

#include "job_detail/job.h"
#include "job_detail/result.h"
#include "job_detail/step_index.h"

namespace job_detail {

// Row `i` of `job.steps()`: fields read by StepIndex's rules, the key and exact cost the job parsed
// from its text (a number's digits are not reprinted), no byte span (begin = end = 0).
// kInvalidArgument when the job has no step `i`.
Result<StepRow> SummarizeDynamoDbStep(const Job& job, std::size_t i);

}  // namespace job_detail

#endif  // JOB_DETAIL_DYNAMODB_STEP_SUMMARY_H_
