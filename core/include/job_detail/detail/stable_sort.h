// A stable sort whose sorting code exists once in the module: each element type only permutes,
// while the merge sort itself runs on positions with a type-erased comparison. libc++ instantiates
// std::stable_sort anew for every element type and comparator (~3.5 KB of wasm each); the lists
// sorted this way (facets, breakdowns, explorer rows, merged steps) are short or sorted rarely.
#ifndef JOB_DETAIL_DETAIL_STABLE_SORT_H_
#define JOB_DETAIL_DETAIL_STABLE_SORT_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace job_detail::detail {

// The positions 0..count-1 in the stable order `less(context, a, b)` defines.
std::vector<std::uint32_t> StableOrder(std::size_t count,
                                       bool (*less)(const void* context, std::uint32_t a,
                                                    std::uint32_t b),
                                       const void* context);

// std::stable_sort(items.begin(), items.end(), less), with the shared sorting code.
template <class T, class Less>
void StableSort(std::vector<T>& items, const Less& less) {
  struct Context {
    const std::vector<T>* items;
    const Less* less;
  };
  const Context context{&items, &less};
  const std::vector<std::uint32_t> order = StableOrder(
      items.size(),
      [](const void* erased, std::uint32_t a, std::uint32_t b) {
        const auto* c = static_cast<const Context*>(erased);
        return (*c->less)((*c->items)[a], (*c->items)[b]);
      },
      &context);
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (const std::uint32_t at : order) sorted.push_back(std::move(items[at]));
  items = std::move(sorted);
}

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_STABLE_SORT_H_
