#include "job_detail/detail/decimal_to_double.h"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace job_detail::detail {
namespace {

// Significant digits kept exactly. A double's value is pinned down by at most 767 significant
// digits (the longest exact decimal expansion of a midpoint between two doubles), so the digits
// past 800 only matter as "something nonzero follows", which one extra nonzero digit keeps.
constexpr std::size_t kKeptDigits = 800;

bool IsDigit(char c) { return static_cast<unsigned>(c - '0') < 10U; }

// A non-negative integer of any size: 32-bit limbs, least significant first, no zero limb on top
// (zero is no limbs). Only what the exact conversion needs.
class BigInt {
 public:
  void MultiplyAdd(std::uint32_t factor, std::uint32_t addend) {
    std::uint64_t carry = addend;
    for (std::uint32_t& limb : limbs_) {
      const std::uint64_t product = std::uint64_t{limb} * factor + carry;
      limb = static_cast<std::uint32_t>(product);
      carry = product >> 32;
    }
    if (carry != 0) limbs_.push_back(static_cast<std::uint32_t>(carry));
  }

  void MultiplyByPowerOf10(long long exponent) {
    for (; exponent >= 9; exponent -= 9) MultiplyAdd(1000000000U, 0);
    static constexpr std::uint32_t kSmallPowers[] = {1,      10,      100,      1000,     10000,
                                                     100000, 1000000, 10000000, 100000000};
    if (exponent > 0) MultiplyAdd(kSmallPowers[exponent], 0);
  }

  void ShiftLeft(long long bits) {
    if (limbs_.empty() || bits <= 0) return;
    const auto whole = static_cast<std::size_t>(bits / 32);
    const auto part = static_cast<unsigned>(bits % 32);
    if (part != 0) {
      std::uint32_t carry = 0;
      for (std::uint32_t& limb : limbs_) {
        const std::uint32_t next = limb >> (32 - part);
        limb = (limb << part) | carry;
        carry = next;
      }
      if (carry != 0) limbs_.push_back(carry);
    }
    limbs_.insert(limbs_.begin(), whole, 0U);
  }

  long long BitLength() const {
    if (limbs_.empty()) return 0;
    const std::uint32_t top = limbs_.back();
    return static_cast<long long>(limbs_.size() - 1) * 32 + (32 - __builtin_clz(top));
  }

  bool IsZero() const { return limbs_.empty(); }

  friend int Compare(const BigInt& a, const BigInt& b) {
    if (a.limbs_.size() != b.limbs_.size()) return a.limbs_.size() < b.limbs_.size() ? -1 : 1;
    for (std::size_t i = a.limbs_.size(); i-- > 0;) {
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] < b.limbs_[i] ? -1 : 1;
    }
    return 0;
  }

  // *this -= other; other must not be larger.
  void Subtract(const BigInt& other) {
    std::int64_t borrow = 0;
    for (std::size_t i = 0; i < limbs_.size(); ++i) {
      std::int64_t difference = std::int64_t{limbs_[i]} - borrow;
      if (i < other.limbs_.size()) difference -= other.limbs_[i];
      borrow = difference < 0 ? 1 : 0;
      limbs_[i] = static_cast<std::uint32_t>(difference + (borrow << 32));
    }
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  }

 private:
  std::vector<std::uint32_t> limbs_;
};

// floor(numerator / denominator) when it is below 2^55, numerator left as the remainder.
std::uint64_t DivideSmallQuotient(BigInt& numerator, const BigInt& denominator) {
  std::uint64_t quotient = 0;
  for (int bit = 55; bit >= 0; --bit) {
    BigInt shifted = denominator;
    shifted.ShiftLeft(bit);
    if (Compare(numerator, shifted) >= 0) {
      numerator.Subtract(shifted);
      quotient |= std::uint64_t{1} << bit;
    }
  }
  return quotient;
}

// digits × 10^exponent (digits: decimal digits, the first nonzero) to the nearest double, ties
// to even, exactly: the value is a ratio of two integers, scaled by a power of two so that the
// quotient holds the double's significand, and the remainder decides the rounding.
double ExactValue(const std::string& digits, long long exponent) {
  BigInt numerator;
  for (const char digit : digits)
    numerator.MultiplyAdd(10, static_cast<std::uint32_t>(digit - '0'));
  BigInt denominator;
  denominator.MultiplyAdd(1, 1);
  if (exponent >= 0) {
    numerator.MultiplyByPowerOf10(exponent);
  } else {
    denominator.MultiplyByPowerOf10(-exponent);
  }
  constexpr long long kMinLowBit = DBL_MIN_EXP - DBL_MANT_DIG;  // -1074: the smallest subnormal's
  // The value is numerator / denominator; find `low_bit`, the power of two of the significand's
  // last bit, so that the quotient has DBL_MANT_DIG bits (fewer for subnormals).
  long long low_bit = numerator.BitLength() - denominator.BitLength() - DBL_MANT_DIG;
  for (;;) {
    if (low_bit < kMinLowBit) low_bit = kMinLowBit;
    BigInt scaled_numerator = numerator;
    BigInt scaled_denominator = denominator;
    if (low_bit < 0) {
      scaled_numerator.ShiftLeft(-low_bit);
    } else {
      scaled_denominator.ShiftLeft(low_bit);
    }
    std::uint64_t quotient = DivideSmallQuotient(scaled_numerator, scaled_denominator);
    if (quotient >= (std::uint64_t{1} << DBL_MANT_DIG)) {
      ++low_bit;  // one bit too many
      continue;
    }
    if (quotient < (std::uint64_t{1} << (DBL_MANT_DIG - 1)) && low_bit > kMinLowBit) {
      --low_bit;  // one bit short, and not a subnormal
      continue;
    }
    // Round: compare twice the remainder with the divisor.
    scaled_numerator.ShiftLeft(1);
    const int half = Compare(scaled_numerator, scaled_denominator);
    if (half > 0 || (half == 0 && (quotient & 1) != 0)) ++quotient;
    return std::ldexp(static_cast<double>(quotient), static_cast<int>(low_bit));
  }
}

}  // namespace

double DecimalToDouble(const char* text, std::size_t* used) {
  const char* p = text;
  *used = 0;
  const bool negative = *p == '-';
  if (*p == '+' || *p == '-') ++p;

  // The significant digits (no leading zeros), and the power of ten of the last one kept.
  std::string digits;
  long long exponent = 0;
  bool any_digit = false;
  bool dropped_nonzero = false;
  auto take = [&](char c, bool after_point) {
    any_digit = true;
    if (digits.empty() && c == '0') {
      if (after_point) --exponent;
      return;
    }
    if (digits.size() < kKeptDigits) {
      digits.push_back(c);
      if (after_point) --exponent;
    } else {
      dropped_nonzero = dropped_nonzero || c != '0';
      if (!after_point) ++exponent;
    }
  };
  for (; IsDigit(*p); ++p) take(*p, false);
  if (*p == '.' && (any_digit || IsDigit(p[1]))) {
    for (++p; IsDigit(*p); ++p) take(*p, true);
  }
  if (!any_digit) return 0.0;
  if (*p == 'e' || *p == 'E') {
    const char* at = p + 1;
    const bool exponent_negative = *at == '-';
    if (*at == '+' || *at == '-') ++at;
    if (IsDigit(*at)) {
      // Saturated far past any double's range: the digits then decide only 0 or infinity.
      long long written = 0;
      for (; IsDigit(*at); ++at) {
        if (written < 100000000) written = written * 10 + (*at - '0');
      }
      exponent += exponent_negative ? -written : written;
      p = at;
    }
  }
  *used = static_cast<std::size_t>(p - text);
  const double sign = negative ? -1.0 : 1.0;
  if (digits.empty()) return sign * 0.0;
  if (dropped_nonzero) {
    digits.push_back('1');  // below the last kept digit, nonzero: decides a tie, nothing else
    --exponent;
  }

  // The leading digit's power of ten: past DBL_MAX (1.8e308) or below half the smallest
  // subnormal (4.9e-324), the answer needs no arithmetic.
  const long long leading = exponent + static_cast<long long>(digits.size()) - 1;
  if (leading > 308) return sign * HUGE_VAL;
  if (leading < -325) return sign * 0.0;

  // Few digits and a small power of ten: both exact as doubles, so one correctly rounded
  // multiplication or division gives the answer.
  static constexpr double kExactPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                            1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (digits.size() <= 15 && exponent >= -22 && exponent <= 22) {
    double value = 0;
    for (const char digit : digits) value = value * 10 + (digit - '0');
    value = exponent >= 0 ? value * kExactPowers[exponent] : value / kExactPowers[-exponent];
    return sign * value;
  }
  return sign * ExactValue(digits, exponent);
}

}  // namespace job_detail::detail
