// A hash index over a list the caller owns: it maps a hash to positions in that list and asks the
// caller, through one type-erased comparison, which of them holds the value sought. One
// open-addressing table serves every key type (step keys, facet values), so the module carries one
// copy of the hashing code instead of a std::unordered_map instantiation (node allocation, bucket
// lists, __next_prime) per key and value type. Positions are only added, never removed.
#ifndef JOB_DETAIL_DETAIL_INDEX_TABLE_H_
#define JOB_DETAIL_DETAIL_INDEX_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace job_detail::detail {

// FNV-1a over the bytes: short texts (statuses, model names, ids) hash in a few instructions.
std::uint32_t HashBytes(std::string_view bytes, std::uint32_t seed = 2166136261u);

class IndexTable {
 public:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // Whether the list's element at `position` is the value sought (which `context` describes).
  using Same = bool (*)(const void* context, std::uint32_t position);

  // The position added under `hash` for which `same` holds, or kNone.
  std::uint32_t Find(std::uint32_t hash, Same same, const void* context) const;
  // Adds `position` under `hash`; the caller has checked (Find) that its value is not in yet.
  void Add(std::uint32_t hash, std::uint32_t position);
  bool empty() const { return count_ == 0; }

 private:
  struct Slot {
    std::uint32_t hash;
    std::uint32_t position;  // kNone: empty
  };
  void Grow();

  std::vector<Slot> slots_;  // a power of two in size, at most half full
  std::size_t count_ = 0;
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_INDEX_TABLE_H_
