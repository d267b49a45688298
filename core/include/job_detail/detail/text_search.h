// Substring search for the step explorer: ASCII letters match whatever their case, every other
// byte (digits, punctuation, the bytes of other scripts) exactly, so `Café` finds `cAFé` but not
// `CAFÉ` (case-folding beyond ASCII would need Unicode tables the module does not carry).
//
// Candidates come 16 positions at a time (wasm simd128, SSE2 natively, a scalar loop elsewhere):
// the needle's first and last bytes are compared at every offset of a block at once (the
// "generic SIMD" substring search of W. Muła), and only positions where both agree are compared
// in full. Case-insensitivity costs one OR per block: a letter is compared with bit 5 set.
#ifndef JOB_DETAIL_DETAIL_TEXT_SEARCH_H_
#define JOB_DETAIL_DETAIL_TEXT_SEARCH_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace job_detail::detail {

constexpr bool IsAsciiLetter(unsigned char c) {
  return static_cast<unsigned char>((c | 0x20) - 'a') < 26;
}
constexpr unsigned char FoldAscii(unsigned char c) {
  return IsAsciiLetter(c) ? static_cast<unsigned char>(c | 0x20) : c;
}

class TextNeedle {
 public:
  // `text`: UTF-8; an empty needle matches nothing.
  explicit TextNeedle(std::string_view text);

  bool empty() const { return folded_.empty(); }
  std::size_t size() const { return folded_.size(); }
  const std::string& folded() const { return folded_; }

  // The first match in `haystack` at or after `from`, or npos.
  std::size_t Find(std::string_view haystack, std::size_t from = 0) const;
  // Non-overlapping matches, left to right (as `split(needle).length - 1` counts them).
  std::size_t Count(std::string_view haystack) const;

 private:
  bool MatchesAt(const unsigned char* at) const;

  std::string folded_;
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_TEXT_SEARCH_H_
