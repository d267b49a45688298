// Conversions of the step index's values to plain JS values, shared by the step index and session
// bindings. No logic: field-by-field copies with JS names.
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

inline emscripten::val ToJs(const std::optional<std::string>& text) {
  return text ? emscripten::val(*text) : emscripten::val::null();
}

// Counts above 2^53 lose precision as JS numbers; token counts never come near.
inline emscripten::val ToJs(const std::optional<std::uint64_t>& count) {
  return count ? emscripten::val(static_cast<double>(*count)) : emscripten::val::null();
}

inline emscripten::val ToJs(const std::optional<Error>& error) {
  return error ? ToJs(*error) : emscripten::val::null();
}

// {index, isObject, problem, begin, end, key, stepNumber, name, status, startedAt, completedAt,
//  durationMs, model, inputTokens, outputTokens, totalTokens, cost, outputChars,
//  outputTruncatedLegacy}
inline emscripten::val ToJs(const StepRow& summary) {
  emscripten::val out = emscripten::val::object();
  out.set("index", static_cast<double>(summary.index));
  out.set("isObject", summary.is_object);
  out.set("problem",
          summary.is_object ? emscripten::val::null() : emscripten::val(summary.problem));
  out.set("begin", static_cast<double>(summary.begin));
  out.set("end", static_cast<double>(summary.end));
  out.set("key", StepKeyToString(summary.key));
  out.set("stepNumber", ToJs(summary.step_number));
  out.set("name", ToJs(summary.name));
  out.set("status", ToJs(summary.status));
  out.set("startedAt", ToJs(summary.started_at));
  out.set("completedAt", ToJs(summary.completed_at));
  out.set("durationMs", ToJs(summary.duration_ms));
  out.set("model", ToJs(summary.model));
  out.set("inputTokens", ToJs(summary.input_tokens));
  out.set("outputTokens", ToJs(summary.output_tokens));
  out.set("totalTokens", ToJs(summary.total_tokens));
  out.set("cost", ToJs(summary.cost));
  out.set("outputChars", ToJs(summary.output_chars));
  out.set("outputTruncatedLegacy", summary.output_truncated_legacy);
  return out;
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
