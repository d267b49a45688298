// The SIMD pass over a JSON string's content: 64-byte windows classified into bitmasks (quote,
// backslash, control, escape codes, hex digits), escapes found as in simdjson (odd-length
// backslash runs by one subtraction), `\uXXXX` escapes validated by shifting masks, surrogate
// pairs matched, and UTF-8 validated over the same window (utf8_simd.h). Text written by
// Python's `json.dumps`, where every non-ASCII character is a `\u` escape, stays in this loop.
//
// SkipJsonStringContent(p, end) returns exactly where a byte-by-byte walk stops (see the
// contract below): the scalar scanner only ever sees the closing quote, what is wrong, and what
// the end of the available bytes cuts. A window that ends inside an escape (or a surrogate pair)
// is not an error: the next window starts at that escape.
#ifndef JOB_DETAIL_DETAIL_JSON_STRING_SIMD_H_
#define JOB_DETAIL_DETAIL_JSON_STRING_SIMD_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/utf8_simd.h"

namespace job_detail::detail {

namespace json_escape_classes {

// One bit per class; a byte is in a class when the lookups of both its nibbles have the bit
// (every class is a product of a high-nibble set and a low-nibble set).
inline constexpr std::uint8_t kHexDigit = 1 << 0;    // 0-9
inline constexpr std::uint8_t kHexLetter = 1 << 1;   // a-f A-F
inline constexpr std::uint8_t kD = 1 << 2;           // d D: the first digit of a surrogate
inline constexpr std::uint8_t kQuoteSlash = 1 << 3;  // " /
inline constexpr std::uint8_t kBackslash = 1 << 4;   // \ (as an escape code)
inline constexpr std::uint8_t kBFN = 1 << 5;         // b f n
inline constexpr std::uint8_t kRT = 1 << 6;          // r t
inline constexpr std::uint8_t kU = 1 << 7;           // u
inline constexpr std::uint8_t kHex = kHexDigit | kHexLetter;
inline constexpr std::uint8_t kSimple = kQuoteSlash | kBackslash | kBFN | kRT;

inline constexpr utf8_lookup::Table kHigh = {
    0,
    0,
    kQuoteSlash,
    kHexDigit,
    kHexLetter | kD,
    kBackslash,
    kHexLetter | kD | kBFN,
    kRT | kU,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
};
inline constexpr utf8_lookup::Table kLow = {
    kHexDigit,
    kHexDigit | kHexLetter,
    kHexDigit | kHexLetter | kQuoteSlash | kBFN | kRT,  // 2: " b r
    kHexDigit | kHexLetter,
    kHexDigit | kHexLetter | kD | kRT,  // 4: d D t
    kHexDigit | kHexLetter | kU,
    kHexDigit | kHexLetter | kBFN,  // 6: f
    kHexDigit,
    kHexDigit,
    kHexDigit,
    0,
    0,
    kBackslash,  // C
    0,
    kBFN,         // E: n
    kQuoteSlash,  // F: /
};

}  // namespace json_escape_classes

// Bit i of each mask describes byte i of a 64-byte window.
struct StringWindowMasks {
  std::uint64_t quote_or_control = 0;  // '"' and bytes < 0x20
  std::uint64_t backslash = 0;
  std::uint64_t non_ascii = 0;
};

// The escape-code classes of a window's bytes (json_escape_classes), one vector per 16 bytes.
template <class B>
struct EscapeCodeClasses {
  typename B::V lanes[4];
};

template <class B>
EscapeCodeClasses<B> ClassifyEscapeCodes(const typename B::V (&input)[4]) {
  namespace c = json_escape_classes;
  EscapeCodeClasses<B> classes;
  for (int k = 0; k < 4; ++k) {
    classes.lanes[k] = B::And(B::Lookup(c::kHigh, B::HighNibbles(input[k])),
                              B::Lookup(c::kLow, B::LowNibbles(input[k])));
  }
  return classes;
}

// Bit i: byte i of the window is in one of `classes_wanted`.
template <class B>
std::uint64_t EscapeClassMask(const EscapeCodeClasses<B>& classes, std::uint8_t classes_wanted) {
  std::uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    mask |= std::uint64_t{B::NonZeroMask(B::And(classes.lanes[k], B::Splat(classes_wanted)))}
            << (16 * k);
  }
  return mask;
}

// Bit i: byte i is `"`, `\\`, `n` or `t`, the codes of nearly every escape in text without `\u`
// escapes (HTML's quotes, newlines and tabs): when every escape of a window has one of them, the
// window needs no classification (four compares cost V8 less than the two nibble lookups).
template <class B>
std::uint64_t CommonEscapeCodeMask(const typename B::V (&input)[4]) {
  std::uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) {
    const typename B::V v = input[k];
    mask |= std::uint64_t{B::HighMask(B::Or(B::Or(B::Equal(v, '"'), B::Equal(v, '\\')),
                                            B::Or(B::Equal(v, 'n'), B::Equal(v, 't'))))}
            << (16 * k);
  }
  return mask;
}

// Bit i: byte i is a `u` (kU is the high bit, read without a compare).
template <class B>
std::uint64_t EscapeUMask(const EscapeCodeClasses<B>& classes) {
  std::uint64_t mask = 0;
  for (int k = 0; k < 4; ++k) mask |= std::uint64_t{B::HighMask(classes.lanes[k])} << (16 * k);
  return mask;
}

// The backslashes that start an escape in a window that does not begin inside one: in a run of
// backslashes the 1st, 3rd, ... start escapes (simdjson's subtraction trick: one borrow chain
// tells even-aligned runs from odd-aligned ones).
inline std::uint64_t EscapeStarts(std::uint64_t backslash) {
  constexpr std::uint64_t kOddBits = 0xAAAAAAAAAAAAAAAAULL;
  const std::uint64_t escape_and_code = (((backslash << 1) | kOddBits) - backslash) ^ kOddBits;
  return escape_and_code & backslash;
}

// Among the `\uD...` escapes at `candidates` (bits of well-formed `\u` escapes at `u_escapes`),
// the first that is a surrogate not paired as a high escape immediately followed by a low one,
// or 64. `w` is the window.
inline unsigned FirstUnpairedSurrogate(const std::uint8_t* w, std::uint64_t candidates,
                                       std::uint64_t u_escapes) {
  std::uint64_t paired_lows = 0;
  while (candidates != 0) {
    const auto e = static_cast<unsigned>(__builtin_ctzll(candidates));
    candidates &= candidates - 1;
    const int second = HexDigitValue(static_cast<char>(w[e + 3]));
    if (second < 0x8) continue;  // U+D000..U+D7FF: not a surrogate
    if (second >= 0xC) {
      if ((paired_lows >> e & 1) == 0) return e;  // a low without its high
      continue;
    }
    // A high surrogate: a well-formed low `\u` escape must follow at once, in this window.
    const unsigned low = e + 6;
    if (low >= 64 || (u_escapes >> low & 1) == 0 || (w[low + 2] | 0x20) != 'd' ||
        HexDigitValue(static_cast<char>(w[low + 3])) < 0xC) {
      return e;
    }
    paired_lows |= std::uint64_t{1} << low;
    candidates &= ~(std::uint64_t{1} << low);
  }
  return 64;
}

struct StringContentRun {
  const std::uint8_t* stop;
  bool escapes;  // a backslash escape was passed over
};

// From `p`, a character boundary inside a string (not inside an escape), returns the longest
// prefix [p, stop) that is well-formed UTF-8 whose specials ('"', '\\', bytes < 0x20) all belong
// to complete escapes: simple ones (`\"`, `\n`, ...), `\uXXXX` outside the surrogates, and a high
// surrogate escape immediately followed by a low one. `stop` is a character boundary outside any
// escape: the closing quote, the start of what is wrong (a control byte, an invalid or lone
// surrogate escape, the lead of an ill-formed UTF-8 sequence) or of what `end` cuts, or `end`.
template <class B>
StringContentRun SkipJsonStringContent(const std::uint8_t* p, const std::uint8_t* end) {
  using V = typename B::V;
  const std::uint8_t* const start = p;
  bool escapes = false;
  // Most strings (member names, short values) end plain within 16 bytes: one look before the
  // windows.
  if (end - p >= 16) {
    const V input = B::Load(p);
    const unsigned specials = B::SpecialMask(input);
    if (specials != 0) {
      const auto first = static_cast<unsigned>(__builtin_ctz(specials));
      if (p[first] == '"' && (B::HighMask(input) & ((1u << first) - 1)) == 0) {
        return {p + first, false};
      }
    }
  }
  V previous = B::Zero();  // the 16 bytes before the window; a boundary looks like ASCII
  bool previous_non_ascii = false;
  bool u_escapes_before = false;  // the last window with escapes had a `\u` one
  alignas(16) std::uint8_t tail[64];
  for (;;) {
    // The window: 64 bytes at p, or the last bytes padded with NUL (a control: it stops there).
    const std::size_t left = static_cast<std::size_t>(end - p);
    if (left == 0) return {Utf8BoundaryBefore(start, p), escapes};  // a sequence `end` may cut
    const std::uint8_t* w = p;
    if (left < 64) {
      std::memcpy(tail, p, left);
      std::memset(tail + left, 0, 64 - left);
      w = tail;
    }
    V input[4];
    StringWindowMasks m;
    for (int k = 0; k < 4; ++k) {
      input[k] = B::Load(w + 16 * k);
      const int shift = 16 * k;
      const V v = input[k];
      m.quote_or_control |= std::uint64_t{B::QuoteControlOrHighMask(v)} << shift;
      m.backslash |= std::uint64_t{B::EqualMask(v, '\\')} << shift;
    }
    // ASCII windows (all of an ASCII document's) skip the four non-ASCII bitmasks.
    if (B::HighMask(B::Or(B::Or(input[0], input[1]), B::Or(input[2], input[3]))) != 0) {
      for (int k = 0; k < 4; ++k) m.non_ascii |= std::uint64_t{B::HighMask(input[k])} << (16 * k);
    }
    m.quote_or_control &= ~m.non_ascii;
    std::uint64_t stops = m.quote_or_control;
    std::uint64_t escape_starts = 0;
    if (m.backslash != 0) {
      namespace c = json_escape_classes;
      escape_starts = EscapeStarts(m.backslash);
      const std::uint64_t escaped = escape_starts << 1;  // the escape codes
      // Escapes other than `\u` are whole at their code; `\u` ones are checked further below.
      // (An escape whose code lies past the window is not whole here: the next window starts at
      // its backslash.)
      // Windows with `\u` escapes come in runs (a non-English page written by Python's
      // json.dumps): after one, the next window is classified at once.
      std::uint64_t common_codes = 0;
      if (!u_escapes_before) common_codes = escaped & CommonEscapeCodeMask<B>(input);
      std::uint64_t whole_escapes = escape_starts & (common_codes >> 1);
      if (common_codes != escaped) {
        const EscapeCodeClasses<B> classes = ClassifyEscapeCodes<B>(input);
        const std::uint64_t u_codes = EscapeUMask<B>(classes) & escaped;
        u_escapes_before = u_codes != 0;
        whole_escapes = escape_starts & (EscapeClassMask<B>(classes, c::kSimple) >> 1);
        if (u_codes != 0) {
          const std::uint64_t hex = EscapeClassMask<B>(classes, c::kHex);
          const std::uint64_t hex4 = (hex >> 2) & (hex >> 3) & (hex >> 4) & (hex >> 5);
          const std::uint64_t u_escapes = (u_codes >> 1) & hex4;
          whole_escapes |= u_escapes;
          const std::uint64_t surrogate_candidates =
              u_escapes & (EscapeClassMask<B>(classes, c::kD) >> 2);
          if (surrogate_candidates != 0) {
            const unsigned unpaired = FirstUnpairedSurrogate(w, surrogate_candidates, u_escapes);
            if (unpaired < 64) stops |= std::uint64_t{1} << unpaired;
          }
        }
      }
      // An escaped quote is content; a bad or cut escape stops at its backslash. (An escaped
      // control is not a whole escape: its backslash stops first.)
      stops = (stops & ~escaped) | (escape_starts & ~whole_escapes);
    }
    const unsigned first = stops == 0 ? 64 : static_cast<unsigned>(__builtin_ctzll(stops));
    if (m.non_ascii != 0 || previous_non_ascii) {
      const V lanes[4] = {
          Utf8ErrorLanes<B>(input[0], previous), Utf8ErrorLanes<B>(input[1], input[0]),
          Utf8ErrorLanes<B>(input[2], input[1]), Utf8ErrorLanes<B>(input[3], input[2])};
      // Bitmasks only when some byte of the window is wrong (or is cut, or lies past the stop).
      if (B::AnyNonZero(B::Or(B::Or(lanes[0], lanes[1]), B::Or(lanes[2], lanes[3])))) {
        std::uint64_t errors = 0;
        for (int k = 0; k < 4; ++k) errors |= std::uint64_t{B::NonZeroMask(lanes[k])} << (16 * k);
        // Only errors up to the stop count; one at the stop itself means a cut sequence.
        if (first < 64) errors &= (std::uint64_t{2} << first) - 1;
        if (errors != 0) {
          const auto at = static_cast<unsigned>(__builtin_ctzll(errors));
          if (m.backslash & ((std::uint64_t{1} << at) - 1)) escapes = true;
          return {Utf8BoundaryBefore(start, p + at), escapes};
        }
      }
      previous_non_ascii = (m.non_ascii >> 48) != 0;
    }
    if (first == 64) {
      if (m.backslash != 0) escapes = true;
      previous = input[3];
      p += 64;
      continue;
    }
    if (m.backslash & ((std::uint64_t{1} << first) - 1)) escapes = true;
    if (first > 0 && (escape_starts >> first & 1) != 0) {
      // An escape the window cuts (or a bad one): the next window starts at its backslash, a
      // character boundary, so it begins with a clean UTF-8 state.
      p += first;
      previous = B::Zero();
      previous_non_ascii = false;
      continue;
    }
    return {p + first, escapes};
  }
}

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_JSON_STRING_SIMD_H_
