#include "job_detail/detail/step_key_table.h"

namespace job_detail::detail {
namespace {

struct Sought {
  const std::vector<StepKey>* keys;
  const StepKey* key;
};

bool SameKey(const void* context, std::uint32_t position) {
  const auto* sought = static_cast<const Sought*>(context);
  return (*sought->keys)[position] == *sought->key;
}

std::uint32_t HashOf(const StepKey& key) { return static_cast<std::uint32_t>(StepKeyHash{}(key)); }

}  // namespace

StepKeyTable::StepKeyTable(const std::vector<StepKey>& keys) {
  for (std::uint32_t i = 0; i < keys.size(); ++i) {
    if (Find(keys, keys[i]) == kNone) table_.Add(HashOf(keys[i]), i);
  }
}

std::uint32_t StepKeyTable::Find(const std::vector<StepKey>& keys, const StepKey& key) const {
  const Sought sought{&keys, &key};
  return table_.Find(HashOf(key), SameKey, &sought);
}

}  // namespace job_detail::detail
