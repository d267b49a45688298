// The one conversion of described values to JS (convert.h): a switch over the descriptor's kind,
// so the module carries this walk once instead of a copy per struct and call site.
#include "convert.h"

#include <emscripten/val.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "job_detail/cost.h"
#include "job_detail/field_table.h"
#include "job_detail/step_key.h"

namespace job_detail::bindings {
namespace {

using emscripten::val;

// The members of a struct's fields on `out`; an inlined member's fields at the same level.
void SetFields(val& out, const void* object, const WireType& type) {
  for (const WireField& field : type.fields) {
    const void* member = field.address(object);
    if (field.name.empty()) {
      SetFields(out, member, *field.type);
    } else {
      out.set(std::string(field.name), WireToJs(member, *field.type));
    }
  }
}

// {kind, value (canonical decimal string or null), display}
val CostToJs(const Cost& cost) {
  val out = val::object();
  out.set("kind", StringToJs(NameOf(cost.kind)));
  out.set("value",
          cost.kind == CostKind::kValid ? val(cost.value.ToCanonicalString()) : val::null());
  out.set("display", FormatCostDisplay(cost));
  return out;
}

}  // namespace

val WireToJs(const void* value, const WireType& type) {
  switch (type.kind) {
    case WireKind::kBool:
      return val(type.number(value) != 0);
    case WireKind::kNumber:
      return NumberToJs(type.number(value));
    case WireKind::kEnum:
      return StringToJs(WireEnumName(type, type.number(value)));
    case WireKind::kString:
      return StringToJs(*static_cast<const std::string*>(value));
    case WireKind::kOptional: {
      const void* contained = type.contained(value);
      return contained != nullptr ? WireToJs(contained, *type.element) : val::null();
    }
    case WireKind::kList: {
      val out = val::array();
      const WireSpan items = type.elements(value);
      const auto* item = static_cast<const std::uint8_t*>(items.data);
      for (std::size_t i = 0; i < items.size; ++i, item += type.stride) {
        out.set(i, WireToJs(item, *type.element));
      }
      return out;
    }
    case WireKind::kUint32Array: {
      const WireSpan items = type.elements(value);
      return val::global("Uint32Array")
          .new_(emscripten::typed_memory_view(items.size,
                                              static_cast<const std::uint32_t*>(items.data)));
    }
    case WireKind::kFloat64Array: {
      const WireSpan items = type.elements(value);
      return val::global("Float64Array")
          .new_(emscripten::typed_memory_view(items.size, static_cast<const double*>(items.data)));
    }
    case WireKind::kStruct: {
      val out = val::object();
      SetFields(out, value, type);
      return out;
    }
    case WireKind::kStepKey:
      return val(StepKeyToString(*static_cast<const StepKey*>(value)));
    case WireKind::kCost:
      return CostToJs(*static_cast<const Cost*>(value));
  }
  return val::undefined();
}

val ResultToJs(const void* value, const WireType& type, const Error* error) {
  val out = val::object();
  out.set("ok", error == nullptr);
  if (error == nullptr) {
    out.set("value", WireToJs(value, type));
  } else {
    out.set("error", ToJs(*error));
  }
  return out;
}

void SetTotals(val& out, const CostTotal& total) {
  out.set("totalCostUsd", total.canonical());
  out.set("totalCostDisplay", total.display());
  out.set("noCost", static_cast<double>(total.no_cost()));
  out.set("invalidCost", static_cast<double>(total.invalid_cost()));
}

}  // namespace job_detail::bindings
