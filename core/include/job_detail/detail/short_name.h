// A name of at most 16 bytes packed into two integers, so that finding it among a table of
// names costs integer compares instead of a memcmp call per candidate: every step's member names
// are looked up in the field table while the index runs, and wasm has no inline memcmp for sizes
// that are not a single load.
#ifndef JOB_DETAIL_DETAIL_SHORT_NAME_H_
#define JOB_DETAIL_DETAIL_SHORT_NAME_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace job_detail::detail {

class ShortName {
 public:
  static constexpr std::size_t kMaxSize = 16;

  // The packed form of `text`, or nullopt when it is longer than kMaxSize (no such name is in a
  // table of short names).
  static constexpr std::optional<ShortName> Of(std::string_view text) {
    if (text.size() > kMaxSize) return std::nullopt;
    return ShortName(text);
  }

  constexpr bool operator==(const ShortName& other) const {
    return size_ == other.size_ && head_ == other.head_ && tail_ == other.tail_;
  }

 private:
  // Two overlapping little-endian words (the first and the last 8 bytes, or 4 for a shorter name)
  // with the size identify at most kMaxSize bytes exactly.
  constexpr explicit ShortName(std::string_view text) : size_(text.size()) {
    const char* p = text.data();
    const std::size_t n = text.size();
    if (n >= 8) {
      head_ = LoadLittle(p, 8);
      tail_ = LoadLittle(p + n - 8, 8);
    } else if (n >= 4) {
      head_ = LoadLittle(p, 4);
      tail_ = LoadLittle(p + n - 4, 4);
    } else {
      head_ = LoadLittle(p, n);
    }
  }

  // A byte loop the compiler turns into one load for the fixed sizes.
  static constexpr std::uint64_t LoadLittle(const char* p, std::size_t n) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < n; ++i) {
      value |= std::uint64_t{static_cast<std::uint8_t>(p[i])} << (8 * i);
    }
    return value;
  }

  std::size_t size_;
  std::uint64_t head_ = 0;
  std::uint64_t tail_ = 0;
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_SHORT_NAME_H_
