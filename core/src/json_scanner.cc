#include "job_detail/detail/json_scanner.h"

#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "job_detail/detail/utf8.h"
#include "job_detail/detail/utf8_simd.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace job_detail::detail {

enum class JsonScanner::Mode : std::uint8_t {
  kBom,         // offset 0: an optional BOM, then the top-level value
  kValue,       // a value is required (top level, after ':' or after ',' in an array)
  kValueOrEnd,  // just after '[': a value or ']'
  kKeyOrEnd,    // just after '{': a key or '}'
  kKey,         // after ',' in an object: a key
  kColon,       // after a key
  kCommaOrEnd,  // after a value inside a container
  kAfterRoot,   // after the top-level value: whitespace only
  kString,      // inside a string or key (token_begin_ is its opening quote)
  kNumber,      // inside a number (token_begin_ is its first byte)
  kLiteral,     // inside true/false/null (re-read from token_begin_)
  kError,
};

enum class JsonScanner::NumberState : std::uint8_t {
  kMinus,      // after '-': a digit is required
  kZero,       // a leading 0: '.', 'e' or the end
  kInt,        // integer digits
  kDot,        // after '.': a digit is required
  kFrac,       // fraction digits
  kExp,        // after 'e': sign or digit
  kExpSign,    // after the exponent sign: a digit is required
  kExpDigits,  // exponent digits
};

namespace {

constexpr std::uint8_t kBom[] = {0xEF, 0xBB, 0xBF};

// Bytes that end a run of plain string content: '"', '\\', controls and non-ASCII lead bytes.
constexpr std::array<bool, 256> MakeStringSpecials() {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return table;
}
constexpr std::array<bool, 256> kStringSpecial = MakeStringSpecials();

inline bool IsWhitespace(std::uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool IsDigit(std::uint8_t c) { return c >= '0' && c <= '9'; }

inline int HexValue(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

#if !defined(__wasm_simd128__) && !defined(__SSE2__)
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
// is none. With SIMD, one signed compare `< 0x20` catches both controls and bytes >= 0x80 (they
// are negative as int8).
inline unsigned FirstSpecialIn16(const std::uint8_t* p) {
#if defined(__wasm_simd128__)
  const v128_t v = wasm_v128_load(p);
  const v128_t special = wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(v, wasm_i8x16_splat('"')),
                                                   wasm_i8x16_eq(v, wasm_i8x16_splat('\\'))),
                                      wasm_i8x16_lt(v, wasm_i8x16_splat(0x20)));
  const auto mask = static_cast<unsigned>(wasm_i8x16_bitmask(special));
  return mask == 0 ? 16 : static_cast<unsigned>(__builtin_ctz(mask));
#elif defined(__SSE2__)
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
inline const std::uint8_t* SkipPlainString(const std::uint8_t* p, const std::uint8_t* end) {
  while (end - p >= 16) {
    const unsigned first = FirstSpecialIn16(p);
    if (first < 16) return p + first;
    p += 16;
  }
  while (p < end && !kStringSpecial[*p]) ++p;
  return p;
}

// The decimal exponent of the leading significant digit of a JSON number (0 for any zero), with the
// written exponent saturated far beyond what matters.
std::int64_t LeadingDecimalExponent(const std::uint8_t* p, const std::uint8_t* end, bool* is_zero) {
  if (p < end && *p == '-') ++p;
  std::int64_t int_digits = 0;  // significant integer digits (after leading zeros)
  std::int64_t frac_leading_zeros = 0;
  bool seen_nonzero = false;
  for (; p < end && IsDigit(*p); ++p) {
    if (*p != '0') seen_nonzero = true;
    if (seen_nonzero) ++int_digits;
  }
  if (p < end && *p == '.') {
    for (++p; p < end && IsDigit(*p); ++p) {
      if (seen_nonzero) continue;
      if (*p == '0') {
        ++frac_leading_zeros;
      } else {
        seen_nonzero = true;
      }
    }
  }
  std::int64_t exponent = 0;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool negative = false;
    if (p < end && (*p == '+' || *p == '-')) negative = *p++ == '-';
    for (; p < end && IsDigit(*p); ++p) {
      if (exponent < 1'000'000'000) exponent = exponent * 10 + (*p - '0');
    }
    if (negative) exponent = -exponent;
  }
  *is_zero = !seen_nonzero;
  const std::int64_t lead = int_digits > 0 ? int_digits - 1 : -(frac_leading_zeros + 1);
  return lead + exponent;
}

// True when the number text rounds to a finite double, as nlohmann's strtod-based decoding needs.
bool NumberIsFinite(const std::uint8_t* begin, const std::uint8_t* end) {
  bool is_zero = false;
  const std::int64_t exponent = LeadingDecimalExponent(begin, end, &is_zero);
  if (is_zero || exponent < 308) return true;  // at most 9.99..e307 < DBL_MAX
  if (exponent > 308) return false;
  // Around DBL_MAX (1.797...e308) only a real conversion knows; such numbers are rare.
  const std::string text(begin, end);
  const double value = std::strtod(text.c_str(), nullptr);
  return std::isfinite(value);
}

}  // namespace

JsonEvent JsonScanner::Fail(ErrorCode code, std::size_t offset, const char* message) {
  mode_ = Mode::kError;
  error_ = Error{code, offset, message};
  return JsonEvent{JsonEventKind::kError, 0, false, offset, offset};
}

JsonEvent JsonScanner::Truncated(std::size_t size) {
  return Fail(ErrorCode::kTruncated, size, "the document ends before the JSON value is complete");
}

std::size_t JsonScanner::earliest_needed() const {
  const bool in_token = mode_ == Mode::kString || mode_ == Mode::kNumber || mode_ == Mode::kLiteral;
  return in_token ? token_begin_ : pos_;
}

void JsonScanner::DropPrefix(std::size_t n) {
  pos_ -= n;
  token_begin_ = token_begin_ >= n ? token_begin_ - n : 0;  // a finished token's start is unused
}

void JsonScanner::AfterValue() { mode_ = stack_.empty() ? Mode::kAfterRoot : Mode::kCommaOrEnd; }

JsonEvent JsonScanner::BeginContainer(std::uint8_t bracket, std::size_t offset) {
  const auto depth = static_cast<std::uint32_t>(stack_.size());
  if (depth >= max_depth_) {
    return Fail(ErrorCode::kTooDeep, offset, "nesting exceeds the maximum depth");
  }
  stack_.push_back(bracket);
  pos_ = offset + 1;
  const bool is_object = bracket == '{';
  mode_ = is_object ? Mode::kKeyOrEnd : Mode::kValueOrEnd;
  return JsonEvent{is_object ? JsonEventKind::kBeginObject : JsonEventKind::kBeginArray, depth,
                   false, offset, offset + 1};
}

JsonEvent JsonScanner::EndContainer(std::size_t offset) {
  const bool is_object = stack_.back() == '{';
  stack_.pop_back();
  pos_ = offset + 1;
  AfterValue();
  return JsonEvent{is_object ? JsonEventKind::kEndObject : JsonEventKind::kEndArray,
                   static_cast<std::uint32_t>(stack_.size()), false, offset, offset + 1};
}

// At a byte that must start a value (whitespace already skipped, pos_ < size).
JsonEvent JsonScanner::StartValue(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t c = data[pos_];
  token_begin_ = pos_;
  switch (c) {
    case '{':
    case '[':
      return BeginContainer(c, pos_);
    case '"':
      token_is_key_ = false;
      token_has_escapes_ = false;
      token_needs_repair_ = false;
      mode_ = Mode::kString;
      ++pos_;
      return ScanString(data, size);
    case 't':
    case 'f':
    case 'n':
      mode_ = Mode::kLiteral;
      return ScanLiteral(data, size);
    default:
      if (c == '-' || IsDigit(c)) {
        mode_ = Mode::kNumber;
        ++pos_;
        number_state_ = c == '-'   ? NumberState::kMinus
                        : c == '0' ? NumberState::kZero
                                   : NumberState::kInt;
        return ScanNumber(data, size);
      }
      return Fail(ErrorCode::kInvalidJson, pos_, "expected a JSON value");
  }
}

JsonEvent JsonScanner::ScanLiteral(const std::uint8_t* data, std::size_t size) {
  const char* word = data[token_begin_] == 't'   ? "true"
                     : data[token_begin_] == 'f' ? "false"
                                                 : "null";
  const std::size_t length = std::strlen(word);
  for (std::size_t i = 1; i < length; ++i) {
    const std::size_t at = token_begin_ + i;
    if (at >= size) {
      pos_ = token_begin_;
      return input_ended_ ? Truncated(size) : JsonEvent{};
    }
    if (data[at] != static_cast<std::uint8_t>(word[i])) {
      return Fail(ErrorCode::kInvalidJson, at, "invalid literal (expected true, false or null)");
    }
  }
  pos_ = token_begin_ + length;
  const auto depth = static_cast<std::uint32_t>(stack_.size());
  AfterValue();
  const JsonEventKind kind = word[0] == 't'   ? JsonEventKind::kTrue
                             : word[0] == 'f' ? JsonEventKind::kFalse
                                              : JsonEventKind::kNull;
  return JsonEvent{kind, depth, false, token_begin_, pos_};
}

JsonEvent JsonScanner::FinishNumber(const std::uint8_t* data, std::size_t end) {
  if (rules_ == JsonTextRules::kStrict && !NumberIsFinite(data + token_begin_, data + end)) {
    return Fail(ErrorCode::kInvalidJson, token_begin_, "number out of range for a double");
  }
  pos_ = end;
  const auto depth = static_cast<std::uint32_t>(stack_.size());
  AfterValue();
  return JsonEvent{JsonEventKind::kNumber, depth, false, token_begin_, end};
}

JsonEvent JsonScanner::ScanNumber(const std::uint8_t* data, std::size_t size) {
  std::size_t p = pos_;
  for (;;) {
    if (number_state_ == NumberState::kInt || number_state_ == NumberState::kFrac ||
        number_state_ == NumberState::kExpDigits) {
      while (p < size && IsDigit(data[p])) ++p;
    }
    if (p >= size) {
      pos_ = p;
      if (!input_ended_) return JsonEvent{};
      switch (number_state_) {
        case NumberState::kZero:
        case NumberState::kInt:
        case NumberState::kFrac:
        case NumberState::kExpDigits:
          return FinishNumber(data, p);
        default:
          return Truncated(size);
      }
    }
    const std::uint8_t c = data[p];
    switch (number_state_) {
      case NumberState::kMinus:
        if (!IsDigit(c)) return Fail(ErrorCode::kInvalidJson, p, "invalid number: digit expected");
        number_state_ = c == '0' ? NumberState::kZero : NumberState::kInt;
        ++p;
        break;
      case NumberState::kZero:
      case NumberState::kInt:
        if (c == '.') {
          number_state_ = NumberState::kDot;
        } else if (c == 'e' || c == 'E') {
          number_state_ = NumberState::kExp;
        } else {
          return FinishNumber(data, p);
        }
        ++p;
        break;
      case NumberState::kDot:
        if (!IsDigit(c)) return Fail(ErrorCode::kInvalidJson, p, "invalid number: digit expected");
        number_state_ = NumberState::kFrac;
        ++p;
        break;
      case NumberState::kFrac:
        if (c == 'e' || c == 'E') {
          number_state_ = NumberState::kExp;
          ++p;
          break;
        }
        return FinishNumber(data, p);
      case NumberState::kExp:
        if (c == '+' || c == '-') {
          number_state_ = NumberState::kExpSign;
        } else if (IsDigit(c)) {
          number_state_ = NumberState::kExpDigits;
        } else {
          return Fail(ErrorCode::kInvalidJson, p, "invalid number: exponent digit expected");
        }
        ++p;
        break;
      case NumberState::kExpSign:
        if (!IsDigit(c)) {
          return Fail(ErrorCode::kInvalidJson, p, "invalid number: exponent digit expected");
        }
        number_state_ = NumberState::kExpDigits;
        ++p;
        break;
      case NumberState::kExpDigits:
        return FinishNumber(data, p);
    }
  }
}

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
      // 16 bytes at a time through ASCII, multi-byte characters and simple escapes alike; the
      // code below only sees what the SIMD loop leaves (the closing quote, `\u` escapes, block
      // and chunk edges, and anything invalid, which it locates exactly).
      const StringContentRun run = SkipJsonStringContent<NativeBytes16>(p, end);
      p = run.stop;
      token_has_escapes_ = token_has_escapes_ || run.escapes;
    }
    p = SkipPlainString(p, end);
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
        const int h = HexValue(digits[i]);
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

JsonEvent JsonScanner::Next(std::span<const std::uint8_t> document) {
  const std::uint8_t* const data = document.data();
  const std::size_t size = document.size();
  for (;;) {
    switch (mode_) {
      case Mode::kError:
        return JsonEvent{JsonEventKind::kError, 0, false, pos_, pos_};
      case Mode::kString:
        return ScanString(data, size);
      case Mode::kNumber:
        return ScanNumber(data, size);
      case Mode::kLiteral:
        return ScanLiteral(data, size);
      case Mode::kBom:
        // Compare what is there against the BOM; a partial match waits for more bytes.
        for (std::size_t i = 0; i < 3; ++i) {
          if (i >= size) return input_ended_ ? Truncated(size) : JsonEvent{};
          if (data[i] != kBom[i]) {
            if (i == 0) break;
            return Fail(ErrorCode::kInvalidJson, i, "invalid byte order mark");
          }
          if (i == 2) pos_ = 3;
        }
        mode_ = Mode::kValue;
        continue;
      default:
        break;
    }
    while (pos_ < size && IsWhitespace(data[pos_])) ++pos_;
    if (pos_ >= size) {
      if (!input_ended_) return JsonEvent{};
      if (mode_ == Mode::kAfterRoot) return JsonEvent{JsonEventKind::kDone, 0, false, size, size};
      return Truncated(size);
    }
    const std::uint8_t c = data[pos_];
    switch (mode_) {
      case Mode::kValueOrEnd:
        if (c == ']') return EndContainer(pos_);
        return StartValue(data, size);
      case Mode::kValue:
        return StartValue(data, size);
      case Mode::kKeyOrEnd:
        if (c == '}') return EndContainer(pos_);
        [[fallthrough]];
      case Mode::kKey:
        if (c != '"') return Fail(ErrorCode::kInvalidJson, pos_, "expected a string member name");
        token_begin_ = pos_++;
        token_is_key_ = true;
        token_has_escapes_ = false;
        token_needs_repair_ = false;
        mode_ = Mode::kString;
        return ScanString(data, size);
      case Mode::kColon:
        if (c != ':')
          return Fail(ErrorCode::kInvalidJson, pos_, "expected ':' after a member name");
        ++pos_;
        mode_ = Mode::kValue;
        continue;
      case Mode::kCommaOrEnd: {
        const bool in_object = stack_.back() == '{';
        if (c == ',') {
          ++pos_;
          mode_ = in_object ? Mode::kKey : Mode::kValue;
          continue;
        }
        if (c == (in_object ? '}' : ']')) return EndContainer(pos_);
        return Fail(ErrorCode::kInvalidJson, pos_,
                    in_object ? "expected ',' or '}'" : "expected ',' or ']'");
      }
      case Mode::kAfterRoot:
        return Fail(ErrorCode::kInvalidJson, pos_, "unexpected content after the top-level value");
      default:
        return Fail(ErrorCode::kInvalidJson, pos_, "internal scanner state");
    }
  }
}

std::optional<Error> CheckJsonValue(std::string_view text, std::uint32_t max_depth,
                                    JsonTextRules rules) {
  JsonScanner scanner(max_depth, rules);
  scanner.EndInput();
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()),
                                            text.size());
  for (;;) {
    const JsonEventKind kind = scanner.Next(bytes).kind;
    if (kind == JsonEventKind::kDone) return std::nullopt;
    if (kind == JsonEventKind::kError) return scanner.error();
  }
}

}  // namespace job_detail::detail
