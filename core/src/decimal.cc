#include "job_detail/decimal.h"

#include <algorithm>

namespace job_detail {

std::string Int128ToDigits(Int128 non_negative) {
  if (non_negative <= 0) return "0";
  std::string digits;
  while (non_negative > 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(non_negative % 10)));
    non_negative /= 10;
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string Decimal::ToCanonicalString() const {
  if (units_ == 0) return "0";
  const Int128 magnitude = units_ < 0 ? -units_ : units_;
  std::string text = units_ < 0 ? "-" : "";
  text += Int128ToDigits(magnitude / kUnitsPerOne);
  std::string fraction = Int128ToDigits(magnitude % kUnitsPerOne);
  fraction.insert(0, static_cast<std::size_t>(kFractionDigits) - fraction.size(), '0');
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) text += "." + fraction;
  return text;
}

}  // namespace job_detail
