#include "job_detail/decimal.h"

#include <algorithm>
#include <cmath>

namespace job_detail {

Int128 DivideInt128(Int128 non_negative, Int128 divisor, Int128* remainder) {
  __extension__ typedef unsigned __int128 Uint128;
  const auto n = static_cast<Uint128>(non_negative);
  const auto d = static_cast<Uint128>(divisor);
  Uint128 quotient = 0;
  Uint128 rest = 0;
  if ((n >> 64) == 0 && (d >> 64) == 0) {
    const auto n64 = static_cast<std::uint64_t>(n);
    const auto d64 = static_cast<std::uint64_t>(d);
    quotient = n64 / d64;
    rest = n64 % d64;
  } else {
    for (int bit = 127; bit >= 0; --bit) {
      rest = (rest << 1) | ((n >> bit) & 1);
      if (rest >= d) {
        rest -= d;
        quotient |= Uint128{1} << bit;
      }
    }
  }
  if (remainder != nullptr) *remainder = static_cast<Int128>(rest);
  return static_cast<Int128>(quotient);
}

double Int128ToDouble(Int128 value) {
  __extension__ typedef unsigned __int128 Uint128;
  const bool negative = value < 0;
  Uint128 magnitude = negative ? -static_cast<Uint128>(value) : static_cast<Uint128>(value);
  int shift = 0;
  // Past 64 bits, keep the top 64 with the dropped bits folded into the lowest one (sticky): the
  // 64-bit conversion rounds at bit 11, above it, so the rounding is the one of the whole value;
  // scaling back by a power of two is exact.
  while ((magnitude >> 64) != 0) {
    magnitude = (magnitude >> 1) | (magnitude & 1);
    ++shift;
  }
  const double scaled =
      std::ldexp(static_cast<double>(static_cast<std::uint64_t>(magnitude)), shift);
  return negative ? -scaled : scaled;
}

std::string Int128ToDigits(Int128 non_negative) {
  if (non_negative <= 0) return "0";
  std::string digits;
  while (non_negative > 0) {
    Int128 digit = 0;
    non_negative = DivideInt128(non_negative, 10, &digit);
    digits.push_back(static_cast<char>('0' + static_cast<int>(digit)));
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string Decimal::ToCanonicalString() const {
  if (units_ == 0) return "0";
  const Int128 magnitude = units_ < 0 ? -units_ : units_;
  std::string text = units_ < 0 ? "-" : "";
  Int128 fraction_units = 0;
  text += Int128ToDigits(DivideInt128(magnitude, kUnitsPerOne, &fraction_units));
  std::string fraction = Int128ToDigits(fraction_units);
  fraction.insert(0, static_cast<std::size_t>(kFractionDigits) - fraction.size(), '0');
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) text += "." + fraction;
  return text;
}

}  // namespace job_detail
