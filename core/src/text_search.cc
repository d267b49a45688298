#include "job_detail/detail/text_search.h"

#include <cstdint>

#include "job_detail/detail/byte_block.h"

namespace job_detail::detail {
namespace {

// A needle byte as compared against a haystack byte with `or_mask` applied (0x20 for a letter).
struct Probe {
  unsigned char byte;
  unsigned char or_mask;
};

Probe ProbeOf(unsigned char folded) {
  return {folded, static_cast<unsigned char>(IsAsciiLetter(folded) ? 0x20 : 0)};
}

// Bit k set: the needle's first byte may sit at `first + k` and its last at `last + k`.
std::uint32_t CandidateBits(const unsigned char* first, const unsigned char* last, Probe a,
                            Probe b) {
  const ByteBlock x = LoadBlock(first) | SplatBlock(a.or_mask);
  const ByteBlock y = LoadBlock(last) | SplatBlock(b.or_mask);
  return BitsOf((x == SplatBlock(a.byte)) & (y == SplatBlock(b.byte)));
}

}  // namespace

TextNeedle::TextNeedle(std::string_view text) {
  folded_.resize(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    folded_[i] = static_cast<char>(FoldAscii(static_cast<unsigned char>(text[i])));
  }
}

bool TextNeedle::MatchesAt(const unsigned char* at) const {
  const auto* needle = reinterpret_cast<const unsigned char*>(folded_.data());
  for (std::size_t i = 0; i < folded_.size(); ++i) {
    if (FoldAscii(at[i]) != needle[i]) return false;
  }
  return true;
}

std::size_t TextNeedle::Find(std::string_view haystack, std::size_t from) const {
  const std::size_t n = folded_.size();
  if (n == 0 || from > haystack.size() || haystack.size() - from < n) return std::string_view::npos;
  const auto* base = reinterpret_cast<const unsigned char*>(haystack.data());
  const std::size_t last_start = haystack.size() - n;  // the last offset a match can start at
  const Probe first = ProbeOf(static_cast<unsigned char>(folded_.front()));
  const Probe last = ProbeOf(static_cast<unsigned char>(folded_.back()));
  std::size_t pos = from;
  // Whole blocks: both loads (at pos and pos + n - 1) stay inside the haystack.
  while (pos + kByteBlockSize <= last_start + 1) {
    std::uint32_t bits = CandidateBits(base + pos, base + pos + n - 1, first, last);
    while (bits != 0) {
      const std::size_t at = pos + static_cast<std::size_t>(__builtin_ctz(bits));
      if (MatchesAt(base + at)) return at;
      bits &= bits - 1;
    }
    pos += kByteBlockSize;
  }
  for (; pos <= last_start; ++pos) {
    if (MatchesAt(base + pos)) return pos;
  }
  return std::string_view::npos;
}

std::size_t TextNeedle::Count(std::string_view haystack) const {
  std::size_t count = 0;
  for (std::size_t at = Find(haystack); at != std::string_view::npos;
       at = Find(haystack, at + size())) {
    ++count;
  }
  return count;
}

}  // namespace job_detail::detail
