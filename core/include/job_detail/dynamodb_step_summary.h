// The list row of a DynamoDB step (one of the job's `execution_steps`): a row of the job's step
// index, read by the same rules as a row of the S3 list, so a merged list reads one way whatever
// each entry's origin.
#ifndef JOB_DETAIL_DYNAMODB_STEP_SUMMARY_H_
#define JOB_DETAIL_DYNAMODB_STEP_SUMMARY_H_

#include <cstddef>

#include "job_detail/job.h"
#include "job_detail/result.h"
#include "job_detail/step_index.h"

namespace job_detail {

// Row `i` of job.steps_index without a byte span (begin = end = 0: the span would count from the
// array inside the job's text, not from a steps document). kInvalidArgument when the job has no
// step `i`.
Result<StepRow> SummarizeDynamoDbStep(const Job& job, std::size_t i);

}  // namespace job_detail

#endif  // JOB_DETAIL_DYNAMODB_STEP_SUMMARY_H_
