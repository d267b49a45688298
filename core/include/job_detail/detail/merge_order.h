// The order of a merged list when every entry has a step number, shared by MergeSteps and the
// streaming merge so both sort the same way (and the module carries one sort, not two).
#ifndef JOB_DETAIL_DETAIL_MERGE_ORDER_H_
#define JOB_DETAIL_DETAIL_MERGE_ORDER_H_

#include "job_detail/merge.h"

namespace job_detail::detail {

// By step number; among equal numbers S3 entries before DynamoDB ones (a stable sort keeps each
// side's own order).
struct StepNumberOrder {
  static int Rank(StepOrigin origin) { return origin == StepOrigin::kS3 ? 0 : 1; }
  bool operator()(const MergedEntry& a, const MergedEntry& b) const {
    if (a.key.number != b.key.number) return a.key.number < b.key.number;
    return Rank(a.origin) < Rank(b.origin);
  }
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_MERGE_ORDER_H_
