#include "job_detail/cost.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>

#include "job_detail/detail/json_text.h"

namespace job_detail {
namespace {

constexpr std::string_view kDash = "\xE2\x80\x94";  // U+2014 EM DASH
// Exponents beyond this magnitude are clamped: the value is then out of range or rounds to zero
// either way, and clamping keeps the arithmetic below in int64.
constexpr std::int64_t kExponentClamp = 1'000'000'000'000;
// Units (1e-12) have at most 24 digits below the 1e12 limit.
constexpr std::int64_t kMaxUnitDigits = 24;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

Int128 Pow10(std::int64_t exponent) {
  Int128 value = 1;
  for (std::int64_t i = 0; i < exponent; ++i) value *= 10;
  return value;
}

// A number as written: sign, significant digits (integer and fraction parts concatenated, commas
// removed) and the power of ten of the last digit.
struct Literal {
  bool negative = false;
  std::string digits;
  std::int64_t power = 0;
};

// Rounds digits x 10^power to 12 fractional digits, half to even. nullopt when out of range.
std::optional<Decimal> ToDecimal(const Literal& literal) {
  const std::string_view all = literal.digits;
  const std::size_t first_nonzero = all.find_first_not_of('0');
  if (first_nonzero == std::string_view::npos) return Decimal();
  const std::string_view digits = all.substr(first_nonzero);
  const auto length = static_cast<std::int64_t>(digits.size());
  const std::int64_t shift = literal.power + Decimal::kFractionDigits;  // units = digits x 10^shift
  if (length + shift > kMaxUnitDigits) return std::nullopt;
  Int128 units = 0;
  if (shift >= 0) {
    for (const char c : digits) units = units * 10 + (c - '0');
    units *= Pow10(shift);
  } else {
    // Digits that stay above the 12th fractional place; none when the value is below a tenth of a
    // unit, which then rounds down to zero.
    const std::int64_t kept_signed = length + shift;
    if (kept_signed >= 0) {
      const auto kept = static_cast<std::size_t>(kept_signed);
      for (std::size_t i = 0; i < kept; ++i) units = units * 10 + (digits[i] - '0');
      const char first_dropped = digits[kept];
      const bool rest_nonzero =
          digits.substr(kept + 1).find_first_not_of('0') != std::string_view::npos;
      // The parity by a mask (`units` is not negative): `%` on 128 bits is a compiler-rt call.
      const bool round_up =
          first_dropped > '5' || (first_dropped == '5' && (rest_nonzero || (units & 1) != 0));
      if (round_up) ++units;
    }
  }
  if (units >= kCostLimitUnits) return std::nullopt;
  return Decimal::FromUnits(literal.negative ? -units : units);
}

// Reads [eE][+-]?[0-9]+ at `at` when present. false on a malformed exponent.
bool ReadExponent(std::string_view text, std::size_t& at, std::int64_t& exponent) {
  exponent = 0;
  if (at == text.size() || (text[at] != 'e' && text[at] != 'E')) return true;
  ++at;
  bool negative = false;
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) negative = text[at++] == '-';
  const std::size_t start = at;
  while (at < text.size() && IsDigit(text[at])) {
    exponent = std::min(exponent * 10 + (text[at] - '0'), kExponentClamp);
    ++at;
  }
  if (negative) exponent = -exponent;
  return at > start;
}

// Reads `.` and the digits after it when present; returns how many fraction digits it appended.
std::int64_t ReadFraction(std::string_view text, std::size_t& at, std::string& digits) {
  std::int64_t count = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    while (at < text.size() && IsDigit(text[at])) {
      digits.push_back(text[at++]);
      ++count;
    }
  }
  return count;
}

// Integer part with commas: [1-9][0-9]{0,2}(,[0-9]{3})+ ; without: [0-9]*.
bool ReadIntegerPart(std::string_view text, std::size_t& at, std::string& digits) {
  const std::size_t start = at;
  while (at < text.size() && (IsDigit(text[at]) || text[at] == ',')) ++at;
  const std::string_view part = text.substr(start, at - start);
  if (part.find(',') == std::string_view::npos) {
    digits.append(part);
    return true;
  }
  const std::size_t first_group = part.find(',');
  if (first_group == 0 || first_group > 3 || part[0] == '0') return false;
  for (std::size_t comma = first_group; comma < part.size(); comma += 4) {
    if (part[comma] != ',' || comma + 4 > part.size()) return false;
    for (std::size_t i = comma + 1; i < comma + 4; ++i) {
      if (!IsDigit(part[i])) return false;
    }
  }
  for (const char c : part) {
    if (c != ',') digits.push_back(c);
  }
  return true;
}

// The lenient string grammar (see ParseCostString), after whitespace, sign and `$`.
std::optional<Literal> ReadLenientNumber(std::string_view text, bool negative) {
  Literal literal{negative, {}, 0};
  std::size_t at = 0;
  if (!ReadIntegerPart(text, at, literal.digits)) return std::nullopt;
  const std::size_t integer_digits = literal.digits.size();
  const std::int64_t fraction_digits = ReadFraction(text, at, literal.digits);
  if (integer_digits == 0 && fraction_digits == 0) return std::nullopt;
  std::int64_t exponent = 0;
  if (!ReadExponent(text, at, exponent) || at != text.size()) return std::nullopt;
  literal.power = exponent - fraction_digits;
  return literal;
}

// A JSON number's text, already checked against the RFC 8259 grammar.
Literal ReadJsonNumber(std::string_view text) {
  Literal literal;
  std::size_t at = 0;
  if (text[at] == '-') {
    literal.negative = true;
    ++at;
  }
  while (at < text.size() && IsDigit(text[at])) literal.digits.push_back(text[at++]);
  const std::int64_t fraction_digits = ReadFraction(text, at, literal.digits);
  std::int64_t exponent = 0;
  ReadExponent(text, at, exponent);
  literal.power = exponent - fraction_digits;
  return literal;
}

Cost FromLiteral(const std::optional<Literal>& literal) {
  if (!literal) return Cost::Invalid();
  const auto value = ToDecimal(*literal);
  return value ? Cost::Valid(*value) : Cost::Invalid();
}

// 1234567 -> "1,234,567"
std::string GroupThousands(const std::string& digits) {
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return grouped;
}

std::string TwoDecimals(Int128 cents) {
  Int128 cent_digits = 0;
  const Int128 whole = DivideInt128(cents, 100, &cent_digits);
  std::string fraction = Int128ToDigits(cent_digits);
  if (fraction.size() < 2) fraction.insert(0, "0");
  return GroupThousands(Int128ToDigits(whole)) + "." + fraction;
}

// `-?D+(.D+)?` as a JSON number (no leading zero) or alone in a string without escapes, with at
// most 18 significant digits: how costs are written. Read into one integer, without allocating;
// the index adds up every step's cost while it scans, so this is on its per-step path. nullopt for
// anything else, which the general readers below take (with the same results: the tests compare
// the two on the same values).
std::optional<Cost> ParsePlainDecimal(std::string_view text) {
  const bool quoted = text.size() >= 2 && text.front() == '"' && text.back() == '"';
  if (quoted) text = text.substr(1, text.size() - 2);
  std::size_t at = 0;
  const bool negative = at < text.size() && text[at] == '-';
  if (negative) ++at;
  const std::size_t integer_start = at;
  std::uint64_t mantissa = 0;
  int significant = 0;
  int fraction_digits = 0;
  const auto read_digits = [&](int* count) {
    const std::size_t start = at;
    for (; at < text.size() && IsDigit(text[at]); ++at) {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[at] - '0');
      if (mantissa != 0) ++significant;
      if (significant > 18) return false;
    }
    if (count != nullptr) *count = static_cast<int>(at - start);
    return at > start;
  };
  if (!read_digits(nullptr)) return std::nullopt;
  // JSON numbers have no leading zeros (`01` is not one); strings may.
  if (!quoted && text[integer_start] == '0' && at - integer_start > 1) return std::nullopt;
  if (at < text.size() && text[at] == '.') {
    ++at;
    if (!read_digits(&fraction_digits)) return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  constexpr std::uint64_t kPow10[] = {1,
                                      10,
                                      100,
                                      1'000,
                                      10'000,
                                      100'000,
                                      1'000'000,
                                      10'000'000,
                                      100'000'000,
                                      1'000'000'000,
                                      10'000'000'000,
                                      100'000'000'000,
                                      1'000'000'000'000,
                                      10'000'000'000'000,
                                      100'000'000'000'000,
                                      1'000'000'000'000'000,
                                      10'000'000'000'000'000,
                                      100'000'000'000'000'000,
                                      1'000'000'000'000'000'000,
                                      10'000'000'000'000'000'000U};
  Int128 units = 0;
  if (fraction_digits <= Decimal::kFractionDigits) {
    units = static_cast<Int128>(mantissa) * kPow10[Decimal::kFractionDigits - fraction_digits];
  } else {
    // Past the 12th fractional place: half to even, as ToDecimal rounds.
    const int dropped = fraction_digits - Decimal::kFractionDigits;
    if (dropped >= static_cast<int>(std::size(kPow10))) return std::nullopt;
    const std::uint64_t divisor = kPow10[dropped];
    std::uint64_t kept = mantissa / divisor;
    const std::uint64_t rest = mantissa % divisor;
    if (rest > divisor - rest || (rest == divisor - rest && kept % 2 == 1)) ++kept;
    units = kept;
  }
  if (units >= kCostLimitUnits) return Cost::Invalid();
  return Cost::Valid(Decimal::FromUnits(negative ? -units : units));
}

}  // namespace

bool operator==(const Cost& a, const Cost& b) {
  return a.kind == b.kind && (a.kind != CostKind::kValid || a.value == b.value);
}

Cost ParseCostString(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (!text.empty() && text.front() == '$') text.remove_prefix(1);
  return FromLiteral(ReadLenientNumber(text, negative));
}

Cost ParseCostJsonText(std::string_view json_text) {
  const std::string_view text = detail::TrimJsonWhitespace(json_text);
  if (const auto plain = ParsePlainDecimal(text)) return *plain;
  if (text == "null") return Cost::None();
  if (!text.empty() && text.front() == '"') {
    const auto decoded = detail::DecodeJsonString(text);
    return decoded ? ParseCostString(*decoded) : Cost::Invalid();
  }
  if (detail::IsJsonNumber(text)) return FromLiteral(ReadJsonNumber(text));
  return Cost::Invalid();
}

std::string FormatCostDisplay(const Cost& cost) {
  if (cost.kind != CostKind::kValid) return std::string(kDash);
  const Decimal value = cost.value;
  if (value.is_zero()) return "$0.00";
  const std::string sign = value.is_negative() ? "-" : "";
  const Int128 units = value.Abs().units();
  constexpr Int128 kCent = Decimal::kUnitsPerOne / 100;
  constexpr Int128 kMicro = Decimal::kUnitsPerOne / 1'000'000;
  if (units < kMicro) return value.is_negative() ? ">-$0.000001" : "<$0.000001";
  if (units >= kCent) return sign + "$" + TwoDecimals(DivideInt128(units + kCent / 2, kCent));
  // Three significant digits, half away from zero.
  const auto digit_count = static_cast<std::int64_t>(Int128ToDigits(units).size());
  const Int128 step = Pow10(digit_count - 3);
  const Int128 rounded = DivideInt128(units + DivideInt128(step, 2), step) * step;
  if (rounded >= kCent) return sign + "$0.01";
  return sign + "$" + Decimal::FromUnits(rounded).ToCanonicalString();
}

void CostTotal::Add(const Cost& cost) {
  switch (cost.kind) {
    case CostKind::kValid:
      sum_ += cost.value;
      ++valid_cost_;
      break;
    case CostKind::kNone:
      ++no_cost_;
      break;
    case CostKind::kInvalid:
      ++invalid_cost_;
      break;
  }
}

}  // namespace job_detail
