// MergeSteps for an S3 list that arrives one step at a time: after each Append the list equals
// MergeSteps(dynamodb, S3Outcome::Steps(keys appended so far)) in entries, with source s3 and
// `complete` false (the caller says when the document is whole).
//
// Cost: an Append is a hash lookup plus, when every entry has a step number, a binary search and an
// insertion that moves only the entries after it (none when steps arrive in step-number order, the
// usual case). A fresh MergeSteps per chunk would be O(n) each time: O(n^2) over a 5,000-step
// download in 500 chunks.
#ifndef JOB_DETAIL_DETAIL_STREAMING_MERGE_H_
#define JOB_DETAIL_DETAIL_STREAMING_MERGE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "job_detail/detail/step_key_table.h"
#include "job_detail/merge.h"
#include "job_detail/step_key.h"

namespace job_detail::detail {

class StreamingMerge {
 public:
  explicit StreamingMerge(std::vector<StepKey> dynamodb_keys);

  // The next S3 step, in document order.
  void Append(const StepKey& key);

  std::size_t s3_count() const { return s3_keys_.size(); }
  // S3 keys in document order (what S3Outcome::Steps takes).
  const std::vector<StepKey>& s3_keys() const { return s3_keys_; }
  // DynamoDB steps no S3 step has matched yet, by index into the DynamoDB list, ascending.
  std::vector<std::size_t> UnmatchedDynamoDb() const;
  const MergedList& list() const { return list_; }

 private:
  void RemoveDynamoDbEntry(std::size_t dynamodb_index);
  void LeaveNumberOrder();

  std::vector<StepKey> dynamodb_keys_;
  // DynamoDB steps with equal keys form a group, named by its first index: each step's group, the
  // next index in its group (kNone at the end), and whether an S3 step has matched the group.
  StepKeyTable first_of_key_;
  std::vector<std::uint32_t> group_;
  std::vector<std::uint32_t> next_in_group_;
  std::vector<bool> matched_;
  std::vector<StepKey> s3_keys_;
  // MergeSteps sorts by step number only while every entry has one; once an entry without one is
  // in, it stays (S3 entries never leave, and a DynamoDB entry leaves only for an equal S3 key).
  bool by_number_ = true;
  MergedList list_;
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_STREAMING_MERGE_H_
