#include "job_detail/document_cache.h"

#include <algorithm>

namespace job_detail {

std::uint64_t DocumentCache::CostOf(const StepIndex& index) {
  return index.bytes_fed() + std::uint64_t{index.count()} * StepIndex::kStepRecordBytes;
}

std::size_t DocumentCache::IndexOf(std::string_view key) const {
  std::size_t i = 0;
  while (i < entries_.size() && entries_[i].first != key) ++i;
  return i;
}

std::shared_ptr<const CachedSteps> DocumentCache::Find(std::string_view key) {
  const std::size_t i = IndexOf(key);
  if (i == entries_.size()) return nullptr;
  std::rotate(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(i),
              entries_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  return entries_.front().second;
}

void DocumentCache::Put(std::string key, std::shared_ptr<const CachedSteps> document) {
  Erase(key);
  if (!document || !document->index || document->bytes > budget_bytes_) return;
  bytes_ += document->bytes;
  entries_.emplace(entries_.begin(), std::move(key), std::move(document));
  EvictToBudget();
}

void DocumentCache::Erase(std::string_view key) {
  const std::size_t i = IndexOf(key);
  if (i == entries_.size()) return;
  bytes_ -= entries_[i].second->bytes;
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
}

void DocumentCache::SetBudget(std::uint64_t budget_bytes) {
  budget_bytes_ = budget_bytes;
  EvictToBudget();
}

std::vector<std::string> DocumentCache::Keys() const {
  std::vector<std::string> keys;
  keys.reserve(entries_.size());
  for (const Entry& entry : entries_) keys.push_back(entry.first);
  return keys;
}

void DocumentCache::EvictToBudget() {
  while (bytes_ > budget_bytes_ && !entries_.empty()) {
    bytes_ -= entries_.back().second->bytes;
    entries_.pop_back();
  }
}

}  // namespace job_detail
