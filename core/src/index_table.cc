#include "job_detail/detail/index_table.h"

#include <utility>

namespace job_detail::detail {

std::uint32_t HashBytes(std::string_view bytes, std::uint32_t seed) {
  std::uint32_t hash = seed;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

std::uint32_t IndexTable::Find(std::uint32_t hash, Same same, const void* context) const {
  if (slots_.empty()) return kNone;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t at = hash & mask;; at = (at + 1) & mask) {
    const Slot& slot = slots_[at];
    if (slot.position == kNone) return kNone;
    if (slot.hash == hash && same(context, slot.position)) return slot.position;
  }
}

void IndexTable::Add(std::uint32_t hash, std::uint32_t position) {
  if (2 * (count_ + 1) > slots_.size()) Grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t at = hash & mask;
  while (slots_[at].position != kNone) at = (at + 1) & mask;
  slots_[at] = {hash, position};
  ++count_;
}

void IndexTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 16 : 2 * old.size(), Slot{0, kNone});
  count_ = 0;
  for (const Slot& slot : old) {
    if (slot.position != kNone) Add(slot.hash, slot.position);
  }
}

}  // namespace job_detail::detail
