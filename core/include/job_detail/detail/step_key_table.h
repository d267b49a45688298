// Finding a step key in a list of keys by hashing (the merges' "is this S3 step in DynamoDB's
// list", "which DynamoDB steps has this S3 step matched"), over the shared index table.
#ifndef JOB_DETAIL_DETAIL_STEP_KEY_TABLE_H_
#define JOB_DETAIL_DETAIL_STEP_KEY_TABLE_H_

#include <cstdint>
#include <vector>

#include "job_detail/detail/index_table.h"
#include "job_detail/step_key.h"

namespace job_detail::detail {

class StepKeyTable {
 public:
  static constexpr std::uint32_t kNone = IndexTable::kNone;

  // Indexes the first position of each distinct key of `keys`. The table keeps no reference to
  // `keys`: every Find takes the same list again.
  explicit StepKeyTable(const std::vector<StepKey>& keys);

  // The first position of `key` in `keys`, or kNone.
  std::uint32_t Find(const std::vector<StepKey>& keys, const StepKey& key) const;

 private:
  IndexTable table_;
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_STEP_KEY_TABLE_H_
