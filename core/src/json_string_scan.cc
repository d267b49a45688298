// The JSON scanner's strings: content skipped 64 bytes at a time by SIMD where the target has it
// (json_string_simd.h: UTF-8, simple and `\u` escapes, surrogate pairs), else plain ASCII runs 8 or
// 16 bytes at a time; the scalar code below settles what the fast path stops at (the closing
// quote, errors, repairs and whatever the end of the available bytes cuts), so error offsets and
// resumption between any two bytes are the scalar ones.
#include <array>
#include <cstring>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/json_string_simd.h"
#include "job_detail/detail/utf8.h"
#include "json_scanner_state.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace job_detail::detail {
namespace {

// Bytes that end a run of plain string content: '"', '\\', controls and non-ASCII lead bytes.
constexpr std::array<bool, 256> MakeStringSpecials() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return table;
}
constexpr std::array<bool, 256> kStringSpecial = MakeStringSpecials();

#if !defined(__SSE2__)
// SWAR: a mask with the high bit set in each byte of `x` that is a string special (the lowest set
// byte is exact; borrows can only flag bytes above a true hit, which the caller never looks at).
inline std::uint64_t StringSpecialMask(std::uint64_t x) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  const std::uint64_t quote = x ^ (kOnes * '"');
  const std::uint64_t backslash = x ^ (kOnes * '\\');
  const std::uint64_t is_quote = (quote - kOnes) & ~quote;
  const std::uint64_t is_backslash = (backslash - kOnes) & ~backslash;
  const std::uint64_t is_control = (x - kOnes * 0x20) & ~x;
  return (is_quote | is_backslash | is_control | x) & kHigh;  // `x`: bytes >= 0x80
}
#endif

// The position (0..15) of the first string special among the 16 bytes at `p`, or 16 when there
// is none (for targets without the SIMD string pass). With SSE2, one signed compare `< 0x20`
// catches both controls and bytes >= 0x80 (they are negative as int8).
inline unsigned FirstSpecialIn16(const std::uint8_t* p) {
#if defined(__SSE2__)
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i special = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
      _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
  const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
  return mask == 0 ? 16 : static_cast<unsigned>(__builtin_ctz(mask));
#else
  std::uint64_t a;
  std::uint64_t b;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  const std::uint64_t mask_a = StringSpecialMask(a);
  if (mask_a != 0) return static_cast<unsigned>(__builtin_ctzll(mask_a) >> 3);
  const std::uint64_t mask_b = StringSpecialMask(b);
  if (mask_b != 0) return 8 + static_cast<unsigned>(__builtin_ctzll(mask_b) >> 3);
  return 16;
#endif
}

// Skips plain string bytes from `p`; returns the first special byte or `end`.
[[maybe_unused]] inline const std::uint8_t* SkipPlainString(const std::uint8_t* p,
                                                            const std::uint8_t* end) {
  while (end - p >= 16) {
    const unsigned first = FirstSpecialIn16(p);
    if (first < 16) return p + first;
    p += 16;
  }
  while (p < end && !kStringSpecial[*p]) ++p;
  return p;
}

}  // namespace

// Inside a string from pos_ (after the opening quote, or at a resume point between characters).
JsonEvent JsonScanner::ScanString(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t* const end = data + size;
  const std::uint8_t* p = data + pos_;
  auto need_more = [&](const std::uint8_t* resume) {
    pos_ = static_cast<std::size_t>(resume - data);
    return input_ended_ ? Truncated(size) : JsonEvent{};
  };
  auto fail_at = [&](const std::uint8_t* at, const char* message) {
    return Fail(ErrorCode::kInvalidJson, static_cast<std::size_t>(at - data), message);
  };
  const bool tolerant = rules_ == JsonTextRules::kLikeJsonParse;
  for (;;) {
    if constexpr (kHasNativeBytes16) {
      const StringContentRun run = SkipJsonStringContent<NativeBytes16>(p, end);
      p = run.stop;
      token_has_escapes_ = token_has_escapes_ || run.escapes;
    } else {
      p = SkipPlainString(p, end);
    }
    if (p == end) return need_more(p);
    const std::uint8_t c = *p;
    if (c == '"') {
      pos_ = static_cast<std::size_t>(p - data) + 1;
      const auto depth = static_cast<std::uint32_t>(stack_.size());
      const bool is_key = token_is_key_;
      if (is_key) {
        mode_ = Mode::kColon;
      } else {
        AfterValue();
      }
      return JsonEvent{is_key ? JsonEventKind::kKey : JsonEventKind::kString,
                       depth,
                       token_has_escapes_,
                       token_begin_,
                       pos_,
                       token_needs_repair_};
    }
    if (c >= 0x80) {
      // Consume a whole run of multi-byte characters here: non-ASCII text is mostly such runs.
      do {
        // Fast path for the common 2- and 3-byte forms whose second byte has no special range.
        if (end - p >= 3 && (p[1] & 0xC0) == 0x80) {
          const std::uint8_t lead = *p;
          if (lead >= 0xC2 && lead <= 0xDF) {
            p += 2;
            continue;
          }
          if (lead >= 0xE1 && lead <= 0xEF && lead != 0xED && (p[2] & 0xC0) == 0x80) {
            p += 3;
            continue;
          }
        }
        const Utf8Sequence seq = CheckUtf8Sequence(p, static_cast<std::size_t>(end - p));
        if (seq.check == Utf8Check::kValid) {
          p += seq.length;
        } else if (seq.check == Utf8Check::kNeedMore) {
          return need_more(p);
        } else if (tolerant) {
          // The decoder's maximal subpart: the bytes before the offending one (or the offending
          // lead alone) become one U+FFFD; the offending byte starts afresh (it may be a quote).
          token_needs_repair_ = true;
          p += seq.length == 0 ? 1 : seq.length;
        } else {
          return fail_at(p + seq.length, "invalid UTF-8 in a string");
        }
      } while (p < end && *p >= 0x80);
      continue;
    }
    if (c < 0x20) return fail_at(p, "control character in a string (must be escaped)");
    // A backslash escape.
    token_has_escapes_ = true;
    if (end - p < 2) return need_more(p);
    const std::uint8_t kind = p[1];
    if (kind != 'u') {
      if (kind == '"' || kind == '\\' || kind == '/' || kind == 'b' || kind == 'f' || kind == 'n' ||
          kind == 'r' || kind == 't') {
        p += 2;
        continue;
      }
      return fail_at(p + 1, "invalid escape");
    }
    auto read_hex = [&](const std::uint8_t* digits, int* value) -> int {  // 1 ok, 0 more, -1 bad
      *value = 0;
      for (int i = 0; i < 4; ++i) {
        if (digits + i >= end) return 0;
        const int h = HexDigitValue(static_cast<char>(digits[i]));
        if (h < 0) {
          p = digits + i;
          return -1;
        }
        *value = *value * 16 + h;
      }
      return 1;
    };
    const std::uint8_t* const escape = p;
    int unit = 0;
    int got = read_hex(escape + 2, &unit);
    if (got < 0) return fail_at(p, "invalid \\u escape: hex digit expected");
    if (got == 0) return need_more(escape);
    // A lone surrogate is the whole escape alone: a later escape is read on its own.
    auto lone_surrogate = [&](const std::uint8_t* at, const char* message) {
      if (!tolerant) return fail_at(at, message);
      token_needs_repair_ = true;
      p = escape + 6;
      return JsonEvent{};
    };
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      const JsonEvent failed = lone_surrogate(escape, "lone low surrogate in a \\u escape");
      if (failed.kind == JsonEventKind::kError) return failed;
      continue;
    }
    if (unit < 0xD800 || unit > 0xDBFF) {
      p = escape + 6;
      continue;
    }
    // A high surrogate: a `\u` low surrogate must follow at once.
    const std::uint8_t* const low = escape + 6;
    const char* const unpaired = "high surrogate not followed by a low surrogate escape";
    if (low >= end) return need_more(escape);
    if (*low != '\\' || (low + 1 < end && low[1] != 'u')) {
      const JsonEvent failed = lone_surrogate(low, unpaired);
      if (failed.kind == JsonEventKind::kError) return failed;
      continue;
    }
    if (low + 1 >= end) return need_more(escape);
    int low_unit = 0;
    got = read_hex(low + 2, &low_unit);
    if (got < 0) return fail_at(p, "invalid \\u escape: hex digit expected");
    if (got == 0) return need_more(escape);
    if (low_unit < 0xDC00 || low_unit > 0xDFFF) {
      const JsonEvent failed = lone_surrogate(low, unpaired);
      if (failed.kind == JsonEventKind::kError) return failed;
      continue;
    }
    p = low + 6;
  }
}

}  // namespace job_detail::detail
