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

// The conversions shared by every binding, kept out of line: a call site costs one call rather
// than its own copy of the emval calls (the module ships to every dashboard tab).
[[gnu::noinline]] inline emscripten::val NumberToJs(double value) { return emscripten::val(value); }
[[gnu::noinline]] inline emscripten::val StringToJs(std::string_view text) {
  return emscripten::val(std::string(text));
}

// Any described value (job_detail/field_table.h) as a plain JS value, by one walk over its
// constant descriptor (convert.cc): bool → boolean; integers and doubles → number (counts and byte
// offsets stay far below 2^53); enums → their wire name; strings → string; optional → null when
// empty; vectors → arrays (of numbers: a Uint32Array or Float64Array, a copy, since the core's
// memory may move); structs → objects by their field table; Cost and StepKey by their own text
// forms. Every struct and call site shares this one function.
emscripten::val WireToJs(const void* value, const WireType& type);

template <class T>
emscripten::val ToJs(const T& value) {
  return WireToJs(&value, WireTypeOf<T>());
}

// Sets {totalCostUsd, totalCostDisplay, noCost, invalidCost} on `out`.
void SetTotals(emscripten::val& out, const CostTotal& total);

// {ok: true, value} or {ok: false, error}: the facade throws JobDetailError for the second.
// Out of line: `value` (of `type`) when there is no `error`.
emscripten::val ResultToJs(const void* value, const WireType& type, const Error* error);

template <class T>
emscripten::val ResultToJs(const Result<T>& result) {
  return result.ok() ? ResultToJs(&result.value(), WireTypeOf<T>(), nullptr)
                     : ResultToJs(nullptr, WireTypeOf<T>(), &result.error());
}

}  // namespace job_detail::bindings

#endif  // JOB_DETAIL_BINDINGS_CONVERT_H_
