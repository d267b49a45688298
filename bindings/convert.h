// Conversions between core values and plain JS values, shared by every *_bindings.cc. No logic:
// structs and enums convert by their field and name tables (job_detail/field_table.h), so a field
// added to a core struct's table reaches JS with no change here.
#ifndef JOB_DETAIL_BINDINGS_CONVERT_H_
#define JOB_DETAIL_BINDINGS_CONVERT_H_

#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/error.h"
#include "job_detail/field_table.h"
#include "job_detail/result.h"
#include "job_detail/step_key.h"

namespace job_detail::bindings {

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

template <class T>
inline constexpr bool kIsOptional = false;
template <class T>
inline constexpr bool kIsOptional<std::optional<T>> = true;
template <class T>
inline constexpr bool kIsVector = false;
template <class T>
inline constexpr bool kIsVector<std::vector<T>> = true;

// Numbers in bulk as a typed array of their own (a copy: the core's memory may move).
inline emscripten::val TypedArrayToJs(const std::vector<std::uint32_t>& values) {
  return emscripten::val::global("Uint32Array")
      .new_(emscripten::typed_memory_view(values.size(), values.data()));
}
inline emscripten::val TypedArrayToJs(const std::vector<double>& values) {
  return emscripten::val::global("Float64Array")
      .new_(emscripten::typed_memory_view(values.size(), values.data()));
}

// The conversions every instantiation of ToJs below shares, kept out of line: a field then costs
// one call rather than its own copy of the emval calls (the module ships to every dashboard tab).
[[gnu::noinline]] inline emscripten::val NumberToJs(double value) { return emscripten::val(value); }
[[gnu::noinline]] inline emscripten::val StringToJs(std::string_view text) {
  return emscripten::val(std::string(text));
}
[[gnu::noinline]] inline void SetMember(emscripten::val& object, std::string_view name,
                                        const emscripten::val& value) {
  object.set(std::string(name), value);
}

// Value types with a text form of their own.
inline emscripten::val ValueToJs(const StepKey& key) {
  return emscripten::val(StepKeyToString(key));
}

// {kind, value (canonical decimal string or null), display}
inline emscripten::val ValueToJs(const Cost& cost) {
  emscripten::val out = emscripten::val::object();
  out.set("kind", std::string(NameOf(cost.kind)));
  out.set("value", cost.kind == CostKind::kValid ? emscripten::val(cost.value.ToCanonicalString())
                                                 : emscripten::val::null());
  out.set("display", FormatCostDisplay(cost));
  return out;
}

// bool → boolean; integers and doubles → number; vectors → arrays (numbers: a typed array) (counts
// and byte offsets stay far below 2^53); enums → their wire name; strings → string; optional → null
// when empty; described structs → objects by their field table; Cost and StepKey by their own text
// forms.
template <class T>
emscripten::val ToJs(const T& value);

template <class T>
emscripten::val ToJs(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return emscripten::val(value);
  } else if constexpr (std::is_integral_v<T> || std::is_floating_point_v<T>) {
    return NumberToJs(static_cast<double>(value));
  } else if constexpr (std::is_enum_v<T>) {
    return StringToJs(NameOf(value));
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
    return StringToJs(value);
  } else if constexpr (kIsOptional<T>) {
    return value ? ToJs(*value) : emscripten::val::null();
  } else if constexpr (kIsVector<T>) {
    if constexpr (std::is_arithmetic_v<typename T::value_type>) {
      return TypedArrayToJs(value);
    } else {
      emscripten::val out = emscripten::val::array();
      for (const auto& item : value) out.call<void>("push", ToJs(item));
      return out;
    }
  } else if constexpr (HasFieldTable<T>) {
    emscripten::val out = emscripten::val::object();
    ForEachField(value, [&](std::string_view name, const auto& member) {
      SetMember(out, name, ToJs(member));
    });
    return out;
  } else {
    return ValueToJs(value);
  }
}

// {totalCostUsd, totalCostDisplay, noCost, invalidCost}
inline void SetTotals(emscripten::val& out, const CostTotal& total) {
  out.set("totalCostUsd", total.canonical());
  out.set("totalCostDisplay", total.display());
  out.set("noCost", static_cast<double>(total.no_cost()));
  out.set("invalidCost", static_cast<double>(total.invalid_cost()));
}

// {ok: true, value} or {ok: false, error}: the facade throws JobDetailError for the second.
template <class T>
emscripten::val ResultToJs(const Result<T>& result) {
  emscripten::val out = emscripten::val::object();
  out.set("ok", result.ok());
  if (result.ok()) {
    out.set("value", ToJs(result.value()));
  } else {
    out.set("error", ToJs(result.error()));
  }
  return out;
}

}  // namespace job_detail::bindings

#endif  // JOB_DETAIL_BINDINGS_CONVERT_H_
