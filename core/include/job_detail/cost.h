// A step's `cost_usd`: read exactly from a JSON number's text or a string, summed exactly, and
// displayed the same way everywhere (C++, CLI, JS, dashboard).
#ifndef JOB_DETAIL_COST_H_
#define JOB_DETAIL_COST_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "job_detail/decimal.h"
#include "job_detail/field_table.h"

namespace job_detail {

// kNone: null or missing ("no cost"); kInvalid: present but not a cost. The UI counts them apart.
enum class CostKind : std::uint8_t { kNone, kValid, kInvalid };

inline constexpr std::array<std::string_view, 3> kCostKindNames = {"none", "valid", "invalid"};
constexpr std::span<const std::string_view> NamesOf(Tag<CostKind>) { return kCostKindNames; }

struct Cost {
  CostKind kind = CostKind::kNone;
  Decimal value;  // meaningful only when kind == kValid

  static Cost None() { return {}; }
  static Cost Invalid() { return {CostKind::kInvalid, {}}; }
  static Cost Valid(Decimal value) { return {CostKind::kValid, value}; }
};

bool operator==(const Cost& a, const Cost& b);

// Costs at or beyond this magnitude (1e12 USD) are invalid: out of range.
inline constexpr Int128 kCostLimitUnits =
    static_cast<Int128>(Decimal::kUnitsPerOne) * Decimal::kUnitsPerOne;

// `json_text` is the raw text of one JSON value as it appears in a document (`0.5`,
// `"$1,234.56"` with its quotes and escapes, `null`, `true`, `{...}`), surrounded by optional JSON
// whitespace. `null` gives kNone; a number (strict RFC 8259 grammar) or a string (ParseCostString)
// gives kValid or kInvalid; anything else (booleans, objects, arrays, malformed text) is kInvalid.
// More than 12 fractional digits round half to even; |value| >= 1e12 after rounding is kInvalid.
Cost ParseCostJsonText(std::string_view json_text);

// The string rules, on the decoded string content. Accepted: optional surrounding ASCII
// whitespace, an optional sign (`+`/`-`), then an optional `$` (so `-$5` is valid, `$-5` is not:
// the sign comes first, as the display writes it), then digits with an optional fraction and
// exponent: `0.0123`, ` $0.5 `, `1e-5`, `.5`, `5.`, `-2`, `007`, `1,234.56`. Commas are
// allowed only as thousands separators of the integer part (`1,234` yes; `12,34`, `,123`,
// `1,2345`, `0,123`, `1,234,56` no). Anything else is kInvalid (``, `abc`, `NaN`, `Infinity`,
// `0x10`, `1.2.3`, `$`, `.`).
Cost ParseCostString(std::string_view unquoted);

// en-US USD display: `—` (U+2014) for none/invalid; `$0.00` for zero; |v| >= 0.01: two decimals
// rounded half away from zero with thousands separators (`-$1,234.50`); 0.000001 <= |v| < 0.01:
// three significant digits rounded half away from zero, trailing zeros dropped (`$0.000123`,
// `$0.005`), or `$0.01` when that rounding reaches a cent; 0 < |v| < 0.000001: `<$0.000001`
// (negative: `>-$0.000001`).
std::string FormatCostDisplay(const Cost& cost);

// The exact total of a list of steps' costs, and how many steps it leaves out (so the UI can say
// "total excludes 3 steps").
class CostTotal {
 public:
  void Add(const Cost& cost);

  Decimal sum() const { return sum_; }
  std::uint64_t valid_cost() const { return valid_cost_; }
  std::uint64_t no_cost() const { return no_cost_; }
  std::uint64_t invalid_cost() const { return invalid_cost_; }
  // The sum as canonical decimal text (`1537.19`, `0` for an empty total).
  std::string canonical() const { return sum_.ToCanonicalString(); }
  // The sum as FormatCostDisplay shows it (`$0.00` for an empty total).
  std::string display() const { return FormatCostDisplay(Cost::Valid(sum_)); }

 private:
  Decimal sum_;
  std::uint64_t valid_cost_ = 0;
  std::uint64_t no_cost_ = 0;
  std::uint64_t invalid_cost_ = 0;
};

}  // namespace job_detail

#endif  // JOB_DETAIL_COST_H_
