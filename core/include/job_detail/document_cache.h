// DocumentCache: complete S3 step documents kept across jobs, so a job opened again shows its rows
// at once and only revalidates them (If-None-Match with the ETag kept beside the document).
//
// Keyed by the object's identity (StepsCacheKey: scheme, host and path, never the signing query,
// which changes on every job fetch), least recently used first out, within a byte budget that
// counts each document's bytes plus its step records (what the index really holds). Entries are
// shared: a session showing a document holds it too, so an eviction frees the memory only when the
// last session showing it lets go, and sessions of the same module showing one job share one index.
// The cache decides nothing about fetching; sessions take from it and give to it
// (session_cache.cc).
#ifndef JOB_DETAIL_DOCUMENT_CACHE_H_
#define JOB_DETAIL_DOCUMENT_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "job_detail/field_table.h"
#include "job_detail/step_index.h"
#include "job_detail/step_key.h"

namespace job_detail {

// A complete, valid document with what revalidates it. Immutable once made.
struct CachedSteps {
  std::shared_ptr<const StepIndex> index;
  std::vector<StepKey> keys;  // its steps' merge keys, in document order
  std::string etag;
  std::uint64_t bytes = 0;  // DocumentCache::CostOf(*index)
};

// What the cache holds now (the client's `documentCache()` report).
struct DocumentCacheStats {
  std::uint64_t bytes = 0;
  std::uint64_t budget_bytes = 0;
  std::size_t entries = 0;
  bool operator==(const DocumentCacheStats&) const = default;
};

constexpr auto FieldsOf(Tag<DocumentCacheStats>) {
  return std::make_tuple(Member("bytes", &DocumentCacheStats::bytes),
                         Member("budgetBytes", &DocumentCacheStats::budget_bytes),
                         Member("entries", &DocumentCacheStats::entries));
}

class DocumentCache {
 public:
  // 128 MiB: four of the realistic 31 MB documents with their records.
  static constexpr std::uint64_t kDefaultBudgetBytes = std::uint64_t{128} << 20;

  explicit DocumentCache(std::uint64_t budget_bytes = kDefaultBudgetBytes)
      : budget_bytes_(budget_bytes) {}
  DocumentCache(const DocumentCache&) = delete;
  DocumentCache& operator=(const DocumentCache&) = delete;

  // What a document costs the budget: its bytes plus a record per step.
  static std::uint64_t CostOf(const StepIndex& index);

  // The document kept for `key` (now the most recently used), or nullptr.
  std::shared_ptr<const CachedSteps> Find(std::string_view key);
  // Keeps `document` for `key` as the most recently used, replacing what was kept for it, then
  // evicts the least recently used until within the budget. A document larger than the whole
  // budget is not kept (and what was kept for `key` goes: it is outdated).
  void Put(std::string key, std::shared_ptr<const CachedSteps> document);
  void Erase(std::string_view key);
  // A new budget applies at once (evicting down to it).
  void SetBudget(std::uint64_t budget_bytes);

  DocumentCacheStats Stats() const { return {bytes_, budget_bytes_, entries_.size()}; }
  // Keys from the most to the least recently used.
  std::vector<std::string> Keys() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const CachedSteps>>;
  // The position of `key` in entries_, or entries_.size().
  std::size_t IndexOf(std::string_view key) const;
  void EvictToBudget();

  std::uint64_t budget_bytes_;
  std::uint64_t bytes_ = 0;
  // Front: most recently used. The budget holds a handful of documents (each megabytes), so a
  // search through a short vector replaces a list and a hash map of strings.
  std::vector<Entry> entries_;
};

}  // namespace job_detail

#endif  // JOB_DETAIL_DOCUMENT_CACHE_H_
