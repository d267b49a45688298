// Conversions between core types and plain JS values. Shared by every *_bindings.cc; no logic.
#ifndef JOB_DETAIL_BINDINGS_CONVERT_H_
#define JOB_DETAIL_BINDINGS_CONVERT_H_

#include <emscripten/val.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include "job_detail/cost.h"
#include "job_detail/error.h"

namespace job_detail::bindings {

inline emscripten::val ToJs(std::string_view text) { return emscripten::val(std::string(text)); }

// A JS number as the integer type T: truncated toward zero and saturated at T's range (NaN: 0).
// A plain static_cast of a double outside T's range is undefined behaviour.
template <class T>
T IntegerFromJs(double value) {
  static_assert(std::is_integral_v<T>);
  constexpr T kLowest = std::numeric_limits<T>::lowest();
  constexpr T kMax = std::numeric_limits<T>::max();
  if (std::isnan(value)) return T{};
  if (value <= static_cast<double>(kLowest)) return kLowest;
  if (value >= static_cast<double>(kMax)) return kMax;  // kMax may round up to 2^N as a double
  return static_cast<T>(value);
}

// {code, offset (number or null), message}
inline emscripten::val ToJs(const Error& error) {
  emscripten::val out = emscripten::val::object();
  out.set("code", ToJs(ErrorCodeName(error.code)));
  out.set("offset", error.offset ? emscripten::val(static_cast<double>(*error.offset))
                                 : emscripten::val::null());
  out.set("message", error.message);
  return out;
}

inline std::string_view CostKindName(CostKind kind) {
  switch (kind) {
    case CostKind::kNone:
      return "none";
    case CostKind::kValid:
      return "valid";
    case CostKind::kInvalid:
      return "invalid";
  }
  return "invalid";
}

// {kind, value (canonical decimal string or null), display}
inline emscripten::val ToJs(const Cost& cost) {
  emscripten::val out = emscripten::val::object();
  out.set("kind", ToJs(CostKindName(cost.kind)));
  out.set("value", cost.kind == CostKind::kValid ? ToJs(cost.value.ToCanonicalString())
                                                 : emscripten::val::null());
  out.set("display", FormatCostDisplay(cost));
  return out;
}

// {totalCostUsd, totalCostDisplay, noCost, invalidCost}
inline void SetTotals(emscripten::val& out, const CostTotal& total) {
  out.set("totalCostUsd", total.canonical());
  out.set("totalCostDisplay", total.display());
  out.set("noCost", static_cast<double>(total.no_cost()));
  out.set("invalidCost", static_cast<double>(total.invalid_cost()));
}

}  // namespace job_detail::bindings

#endif  // JOB_DETAIL_BINDINGS_CONVERT_H_
