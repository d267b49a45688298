// Cost parsing and display on arbitrary text. Checked: the display is never empty and always valid
// UTF-8 (`—` exactly for none/invalid), a valid cost stays under the 1e12 limit, its canonical text
// re-parses to the same value as a JSON number, a JSON string and a bare string, a two-decimal
// display reads back within half a cent, totals are exact, and the JSON-text reading agrees with
// nlohmann on what kind of value the text is.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "job_detail/cost.h"
#include "job_detail/decimal.h"

namespace job_detail::fuzz {
namespace {

constexpr std::string_view kDash = "\xE2\x80\x94";  // U+2014, the display of no cost

void CheckDisplay(const Cost& cost) {
  const std::string display = FormatCostDisplay(cost);
  JD_FUZZ_CHECK(!display.empty());
  JD_FUZZ_CHECK(IsValidUtf8(display));
  JD_FUZZ_CHECK((display == kDash) == (cost.kind != CostKind::kValid));
  if (cost.kind != CostKind::kValid) return;
  const Int128 units = cost.value.units();
  JD_FUZZ_CHECK(units < kCostLimitUnits && units > -kCostLimitUnits);
  const bool tiny = display.starts_with("<$") || display.starts_with(">-$");
  JD_FUZZ_CHECK(display.starts_with("$") || display.starts_with("-$") || tiny);
  JD_FUZZ_CHECK((display.find('-') != std::string::npos) == (units < 0));
  if (tiny) {
    JD_FUZZ_CHECK(units != 0 && units < 1'000'000 && units > -1'000'000);
    return;
  }
  // Any other display reads back as a cost within half a unit of its last digit.
  const std::size_t dot = display.find('.');
  JD_FUZZ_CHECK(dot != std::string::npos);
  const std::size_t decimals = display.size() - dot - 1;
  JD_FUZZ_CHECK(decimals >= 2 && decimals <= 8);
  Int128 half_unit = Decimal::kUnitsPerOne / 2;
  for (std::size_t i = 0; i < decimals; ++i) half_unit /= 10;
  const Cost shown = ParseCostString(display);
  if (shown.kind != CostKind::kValid) {
    // Only a value within half a cent of the limit may display as the limit itself.
    JD_FUZZ_CHECK(units + half_unit >= kCostLimitUnits || units - half_unit <= -kCostLimitUnits);
    return;
  }
  const Int128 diff = shown.value.units() - units;
  JD_FUZZ_CHECK(diff <= half_unit && diff >= -half_unit);
}

void CheckRoundTrips(const Cost& cost) {
  if (cost.kind != CostKind::kValid) return;
  const std::string canonical = cost.value.ToCanonicalString();
  JD_FUZZ_CHECK(ParseCostJsonText(canonical) == cost);
  JD_FUZZ_CHECK(ParseCostJsonText("\"" + canonical + "\"") == cost);
  JD_FUZZ_CHECK(ParseCostString(canonical) == cost);
  JD_FUZZ_CHECK(ParseCostString(" $" + canonical.substr(canonical[0] == '-') + " ") ==
                (canonical[0] == '-' ? Cost::Valid(-cost.value) : cost));
  CostTotal total;
  total.Add(cost);
  total.Add(Cost::None());
  total.Add(cost);
  total.Add(Cost::Invalid());
  JD_FUZZ_CHECK(total.sum() == cost.value + cost.value);
  JD_FUZZ_CHECK(total.valid_cost() == 2 && total.no_cost() == 1 && total.invalid_cost() == 1);
  JD_FUZZ_CHECK(ParseCostJsonText(total.canonical()) == Cost::Valid(total.sum()) ||
                ParseCostJsonText(total.canonical()).kind == CostKind::kInvalid);
  JD_FUZZ_CHECK(IsValidUtf8(total.display()) && !total.display().empty());
}

// What kind of JSON value the text is, by nlohmann (a BOM is skipped by nlohmann, not by the cost
// reader, so those inputs are left out).
void CheckKindAgainstOracle(std::string_view text, const Cost& cost) {
  if (HasNul(text)) {
    JD_FUZZ_CHECK(cost.kind == CostKind::kInvalid);
    return;
  }
  if (text.starts_with("\xEF\xBB\xBF") || MaxNesting(text) > 64) return;
  const nlohmann::json value = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (value.is_discarded() || value.is_boolean() || value.is_object() || value.is_array()) {
    JD_FUZZ_CHECK(cost.kind == CostKind::kInvalid);
  } else if (value.is_null()) {
    JD_FUZZ_CHECK(cost.kind == CostKind::kNone);
  } else if (value.is_string()) {
    JD_FUZZ_CHECK(cost == ParseCostString(value.get_ref<const std::string&>()));
  } else if (value.is_number_integer() || value.is_number_unsigned()) {
    const std::string digits = value.dump();
    const bool small = digits.size() <= (digits[0] == '-' ? 13u : 12u);
    JD_FUZZ_CHECK(cost.kind == (small ? CostKind::kValid : CostKind::kInvalid));
    if (small) JD_FUZZ_CHECK(cost.value.ToCanonicalString() == digits);
  } else {
    JD_FUZZ_CHECK(cost.kind != CostKind::kNone);
  }
}

}  // namespace
}  // namespace job_detail::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace job_detail;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const Cost json_cost = ParseCostJsonText(text);
  fuzz::CheckDisplay(json_cost);
  fuzz::CheckRoundTrips(json_cost);
  fuzz::CheckKindAgainstOracle(text, json_cost);
  const Cost string_cost = ParseCostString(text);
  JD_FUZZ_CHECK(string_cost.kind != CostKind::kNone);
  fuzz::CheckDisplay(string_cost);
  fuzz::CheckRoundTrips(string_cost);
  return 0;
}
