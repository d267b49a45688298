#include "job_detail/detail/streaming_merge.h"

#include <algorithm>
#include <utility>

#include "job_detail/detail/merge_order.h"
#include "job_detail/detail/stable_sort.h"

namespace job_detail::detail {
namespace {

// MergeSteps' order when every entry has a step number.
using NumberOrder = StepNumberOrder;

bool Numbered(const StepKey& key) { return key.kind == StepKeyKind::kStepNumber; }

// entries.insert(entries.begin() + at, entry) in a few instructions: libc++'s insert is over a KB
// of wasm, and the usual insertion (steps in number order) is at the end, where nothing moves.
void InsertAt(std::vector<MergedEntry>& entries, std::size_t at, const MergedEntry& entry) {
  entries.push_back(entry);
  for (std::size_t i = entries.size() - 1; i > at; --i) entries[i] = std::move(entries[i - 1]);
  if (at + 1 < entries.size()) entries[at] = entry;
}

}  // namespace

StreamingMerge::StreamingMerge(std::vector<StepKey> dynamodb_keys)
    : dynamodb_keys_(std::move(dynamodb_keys)),
      first_of_key_(dynamodb_keys_),
      group_(dynamodb_keys_.size()),
      next_in_group_(dynamodb_keys_.size(), StepKeyTable::kNone),
      matched_(dynamodb_keys_.size(), false) {
  list_.source = StepsSource::kS3;
  list_.complete = false;
  list_.entries.reserve(dynamodb_keys_.size());
  // The last index seen of each group, while linking the groups.
  std::vector<std::uint32_t> last(dynamodb_keys_.size());
  for (std::uint32_t i = 0; i < dynamodb_keys_.size(); ++i) {
    const std::uint32_t group = first_of_key_.Find(dynamodb_keys_, dynamodb_keys_[i]);
    group_[i] = group;
    if (group != i) next_in_group_[last[group]] = i;
    last[group] = i;
    list_.entries.push_back({StepOrigin::kDynamoDb, i, dynamodb_keys_[i]});
    by_number_ = by_number_ && Numbered(dynamodb_keys_[i]);
  }
  if (by_number_) StableSort(list_.entries, NumberOrder{});
}

void StreamingMerge::Append(const StepKey& key) {
  if (const std::uint32_t group = first_of_key_.Find(dynamodb_keys_, key);
      group != StepKeyTable::kNone && !matched_[group]) {
    for (std::uint32_t i = group; i != StepKeyTable::kNone; i = next_in_group_[i]) {
      RemoveDynamoDbEntry(i);
    }
    matched_[group] = true;
  }
  if (by_number_ && !Numbered(key)) LeaveNumberOrder();
  const MergedEntry entry{StepOrigin::kS3, s3_keys_.size(), key};
  auto& entries = list_.entries;
  if (by_number_) {
    // After every S3 entry with this number: those came earlier in the document.
    InsertAt(entries,
             static_cast<std::size_t>(
                 std::upper_bound(entries.begin(), entries.end(), entry, NumberOrder{}) -
                 entries.begin()),
             entry);
  } else {
    // S3 entries first, in document order, then the unmatched DynamoDB ones.
    InsertAt(entries, s3_keys_.size(), entry);
  }
  s3_keys_.push_back(key);
}

std::vector<std::size_t> StreamingMerge::UnmatchedDynamoDb() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < dynamodb_keys_.size(); ++i) {
    if (!matched_[group_[i]]) out.push_back(i);
  }
  return out;
}

void StreamingMerge::RemoveDynamoDbEntry(std::size_t dynamodb_index) {
  auto& entries = list_.entries;
  const MergedEntry probe{StepOrigin::kDynamoDb, dynamodb_index, dynamodb_keys_[dynamodb_index]};
  // By number: DynamoDB entries of one number sit together; otherwise they are the tail.
  auto first = by_number_ ? std::lower_bound(entries.begin(), entries.end(), probe, NumberOrder{})
                          : entries.begin() + static_cast<std::ptrdiff_t>(s3_keys_.size());
  const auto it = std::find_if(first, entries.end(), [&](const MergedEntry& e) {
    return e.origin == StepOrigin::kDynamoDb && e.index == dynamodb_index;
  });
  if (it != entries.end()) entries.erase(it);
}

void StreamingMerge::LeaveNumberOrder() {
  by_number_ = false;
  // MergeSteps' unsorted order: S3 entries in document order, then the unmatched DynamoDB ones in
  // list order; both are known, so the list is rebuilt rather than re-sorted.
  auto& entries = list_.entries;
  entries.clear();
  for (std::size_t i = 0; i < s3_keys_.size(); ++i) {
    entries.push_back({StepOrigin::kS3, i, s3_keys_[i]});
  }
  for (std::size_t i : UnmatchedDynamoDb()) {
    entries.push_back({StepOrigin::kDynamoDb, i, dynamodb_keys_[i]});
  }
}

}  // namespace job_detail::detail
