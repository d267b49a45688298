// The JSON scanner's numbers: RFC 8259's grammar, resumable at any byte, and the check that the
// text rounds to a finite double (as nlohmann's decoding needs).
#include <cmath>
#include <cstdlib>
#include <string>

#include "json_scanner_state.h"

namespace job_detail::detail {
namespace {

// The decimal exponent of the leading significant digit of a JSON number (0 for any zero), with the
// written exponent saturated far beyond what matters.
std::int64_t LeadingDecimalExponent(const std::uint8_t* p, const std::uint8_t* end, bool* is_zero) {
  if (p < end && *p == '-') ++p;
  std::int64_t int_digits = 0;  // significant integer digits (after leading zeros)
  std::int64_t frac_leading_zeros = 0;
  bool seen_nonzero = false;
  for (; p < end && IsJsonDigit(*p); ++p) {
    if (*p != '0') seen_nonzero = true;
    if (seen_nonzero) ++int_digits;
  }
  if (p < end && *p == '.') {
    for (++p; p < end && IsJsonDigit(*p); ++p) {
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
    for (; p < end && IsJsonDigit(*p); ++p) {
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

// Always inlined into ScanNumber's exits: it runs once per number, and the module's link limits
// wasm-opt's inlining to small functions (for the bundle's size).
[[gnu::always_inline]] inline JsonEvent JsonScanner::FinishNumber(const std::uint8_t* data,
                                                                  std::size_t end) {
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
      while (p < size && IsJsonDigit(data[p])) ++p;
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
        if (!IsJsonDigit(c))
          return Fail(ErrorCode::kInvalidJson, p, "invalid number: digit expected");
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
        if (!IsJsonDigit(c))
          return Fail(ErrorCode::kInvalidJson, p, "invalid number: digit expected");
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
        } else if (IsJsonDigit(c)) {
          number_state_ = NumberState::kExpDigits;
        } else {
          return Fail(ErrorCode::kInvalidJson, p, "invalid number: exponent digit expected");
        }
        ++p;
        break;
      case NumberState::kExpSign:
        if (!IsJsonDigit(c)) {
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

}  // namespace job_detail::detail
