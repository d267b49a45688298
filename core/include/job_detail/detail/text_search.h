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
#include <optional>
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

  // True when no two-byte JSON escape (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`) can
  // produce a character of the needle: then the raw content of a string whose only escapes are
  // those holds exactly the decoded text's matches, less the false ones that start on an escaped
  // byte (CountInRawContent).
  bool SurvivesSimpleEscapes() const { return survives_simple_escapes_; }
  // Count() of the decoded text, read from raw string content whose escapes are all two-byte ones;
  // only for a needle that SurvivesSimpleEscapes().
  std::size_t CountInRawContent(std::string_view content) const;

  // Count() of the decoded text, read from raw string content with escapes of any kind, without
  // decoding it: the needle's leading run of printable ASCII other than `"`, `\\` and `/` (what no
  // two-byte escape produces) is found as written, then the rest of the needle is compared with the
  // text as it decodes (escapes resolved on the way, a lone surrogate as U+FFFD, as
  // DecodeForSearch does). `has_unicode_escape`: the content holds a `\uXXXX`. Nullopt when the
  // content must be decoded instead: the needle does not start with such a character, or a
  // `\u00XX` escape of the content may stand for an ASCII character.
  std::optional<std::size_t> CountInEscapedContent(std::string_view content,
                                                   bool has_unicode_escape) const;
  // False when no JSON string inside `json` (raw JSON text) can decode to text holding the needle:
  // its leading run (as above) is nowhere as written and no `\u00XX` could stand for it. A step
  // it rules out is not walked at all.
  bool MayMatchIn(std::string_view json) const;

 private:
  // True when the decoded text from raw `content[at]` (outside any escape) starts with the needle's
  // bytes from `matched` on; `*end`: the raw offset after the match.
  bool DecodedMatchesAt(std::string_view content, std::size_t at, std::size_t matched,
                        std::size_t* end) const;

  std::string folded_;
  bool survives_simple_escapes_ = true;
  std::size_t plain_prefix_ = 0;  // leading bytes that no escape produces
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_TEXT_SEARCH_H_
