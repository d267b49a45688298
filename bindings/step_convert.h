// The step index's options and a step's JSON text across the boundary, shared by the step index
// and session bindings. No logic.
#ifndef JOB_DETAIL_BINDINGS_STEP_CONVERT_H_
#define JOB_DETAIL_BINDINGS_STEP_CONVERT_H_

#include <emscripten/val.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "convert.h"
#include "job_detail/error.h"
#include "job_detail/step_index.h"
#include "job_detail/step_key.h"

namespace job_detail::bindings {

// `options`: {maxBytes?, maxDepth?, maxSteps?: number, strict?: boolean}, already checked by the
// facade (non-negative integers, a boolean); absent members keep the core's defaults.
inline StepIndexOptions StepIndexOptionsFromJs(const emscripten::val& options) {
  StepIndexOptions out;
  if (options.isUndefined() || options.isNull()) return out;
  const emscripten::val max_bytes = options["maxBytes"];
  if (max_bytes.isNumber()) out.max_bytes = IntegerFromJs<std::uint64_t>(max_bytes.as<double>());
  const emscripten::val max_depth = options["maxDepth"];
  if (max_depth.isNumber()) out.max_depth = IntegerFromJs<std::uint32_t>(max_depth.as<double>());
  const emscripten::val max_steps = options["maxSteps"];
  if (max_steps.isNumber()) out.max_steps = IntegerFromJs<std::uint64_t>(max_steps.as<double>());
  const emscripten::val strict = options["strict"];
  if (strict.isTrue() || strict.isFalse()) out.strict = strict.as<bool>();
  return out;
}

// The step's JSON text as a Uint8Array view into the document (the facade decodes it at once,
// before the next call into the module can move memory), or the core's error for an index out of
// range.
inline emscripten::val StepTextToJs(const StepIndex& index, std::size_t i) {
  emscripten::val out = emscripten::val::object();
  const std::string_view text = index.StepJsonText(i);
  out.set("ok", !text.empty());
  if (!text.empty()) {
    out.set("value", emscripten::val(emscripten::typed_memory_view(
                         text.size(), reinterpret_cast<const std::uint8_t*>(text.data()))));
  } else {
    const Result<StepRow> summary = index.Summary(i);  // carries the out-of-range error
    out.set("error", summary.ok() ? emscripten::val::null() : ToJs(summary.error()));
  }
  return out;
}

}  // namespace job_detail::bindings

#endif  // JOB_DETAIL_BINDINGS_STEP_CONVERT_H_
