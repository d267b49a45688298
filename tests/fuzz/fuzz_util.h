// Helpers shared by the fuzz targets: facts about bytes that the targets check the core against,
// computed plainly so they can serve as oracles.
#ifndef JOB_DETAIL_TESTS_FUZZ_FUZZ_UTIL_H_
#define JOB_DETAIL_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace job_detail::fuzz {

// Aborts with a message: libFuzzer records the input that got here as a crash.
[[noreturn]] inline void Fail(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

#define JD_FUZZ_CHECK(condition) \
  ((condition) ? (void)0 : ::job_detail::fuzz::Fail(#condition " at " __FILE__))

// The deepest container nesting of a document, brackets inside strings excluded. Exact for valid
// JSON; an upper bound for anything else. Bounding depth this way lets the oracle side call
// nlohmann's recursive `==` and `dump()` only on documents shallow enough for them.
inline std::size_t MaxNesting(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

// nlohmann reads a NUL byte as the end of the input (so `2\0` parses as 2), while RFC 8259 allows
// a NUL nowhere: raw in a string it is an unescaped control character, elsewhere not whitespace.
// The oracle is consulted only for NUL-free text; with a NUL the core must reject.
inline bool HasNul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

// Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
inline bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if (b0 < 0x80) {
      ++i;
      continue;
    } else if ((b0 & 0xE0) == 0xC0) {
      length = 2;
      cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
      length = 3;
      cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
      length = 4;
      cp = b0 & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

}  // namespace job_detail::fuzz

#endif  // JOB_DETAIL_TESTS_FUZZ_FUZZ_UTIL_H_
