#include "job_detail/document_cache.h"

namespace job_detail {

std::uint64_t DocumentCache::CostOf(const StepIndex& index) {
  return index.bytes_fed() + std::uint64_t{index.count()} * StepIndex::kStepRecordBytes;
}

std::shared_ptr<const CachedSteps> DocumentCache::Find(std::string_view key) {
  const auto found = by_key_.find(std::string(key));
  if (found == by_key_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, found->second);
  return found->second->second;
}

void DocumentCache::Put(std::string key, std::shared_ptr<const CachedSteps> document) {
  Erase(key);
  if (!document || !document->index || document->bytes > budget_bytes_) return;
  bytes_ += document->bytes;
  entries_.emplace_front(key, std::move(document));
  by_key_.emplace(std::move(key), entries_.begin());
  EvictToBudget();
}

void DocumentCache::Erase(std::string_view key) {
  const auto found = by_key_.find(std::string(key));
  if (found == by_key_.end()) return;
  bytes_ -= found->second->second->bytes;
  entries_.erase(found->second);
  by_key_.erase(found);
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
    const Entry& last = entries_.back();
    bytes_ -= last.second->bytes;
    by_key_.erase(last.first);
    entries_.pop_back();
  }
}

}  // namespace job_detail
