#include "job_detail/detail/stable_sort.h"

#include <algorithm>

namespace job_detail::detail {

// A bottom-up merge sort between two buffers: a few hundred bytes of code where libc++'s
// std::stable_sort (insertion sort, in-place merge with rotations, a move variant) is ~4 KB of
// wasm. Runs of 1, 2, 4, ... are merged from one buffer into the other; ties take the left run's
// element first, which keeps the sort stable.
std::vector<std::uint32_t> StableOrder(std::size_t count,
                                       bool (*less)(const void* context, std::uint32_t a,
                                                    std::uint32_t b),
                                       const void* context) {
  std::vector<std::uint32_t> order(count);
  for (std::size_t i = 0; i < count; ++i) order[i] = static_cast<std::uint32_t>(i);
  if (count < 2) return order;
  std::vector<std::uint32_t> scratch(count);
  std::uint32_t* from = order.data();
  std::uint32_t* to = scratch.data();
  for (std::size_t width = 1; width < count; width *= 2) {
    for (std::size_t left = 0; left < count; left += 2 * width) {
      const std::size_t middle = std::min(left + width, count);
      const std::size_t right = std::min(left + 2 * width, count);
      std::size_t a = left;
      std::size_t b = middle;
      std::size_t out = left;
      while (a < middle && b < right) {
        to[out++] = less(context, from[b], from[a]) ? from[b++] : from[a++];
      }
      while (a < middle) to[out++] = from[a++];
      while (b < right) to[out++] = from[b++];
    }
    std::swap(from, to);
  }
  if (from != order.data()) order.swap(scratch);
  return order;
}

}  // namespace job_detail::detail
