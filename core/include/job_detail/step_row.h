// A list row: what the step list shows of one step, read from the step's top-level members
// without decoding the rest (its HTML output stays bytes in the document). The field table below
// is the row's one description: the bindings and the schema report follow it.
#ifndef JOB_DETAIL_STEP_ROW_H_
#define JOB_DETAIL_STEP_ROW_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "job_detail/cost.h"
#include "job_detail/field_table.h"
#include "job_detail/status_phase.h"
#include "job_detail/step_key.h"

namespace job_detail {

// Text fields hold a string member's decoded content or a number member's JSON text; null,
// booleans, objects and arrays give nullopt. Alternatives, first present wins: `step_name` then
// `name`; `started_at` then `start_time`; `completed_at`, `ended_at`, then `end_time`. Token
// counts are read at the step's top level only (not inside a `usage` object) and only when they
// are non-negative integers.
struct StepRow {
  std::size_t index = 0;
  bool is_object = true;  // false: an invalid entry (the document's element is not an object)
  std::optional<std::string> problem;  // why the entry is invalid; nullopt for an object
  std::uint64_t begin = 0;             // byte span [begin, end) of the step in the document
  std::uint64_t end = 0;
  StepKey key;  // the merge key (StepKeyFromJsonText over step_number, step_id, id, position)
  std::optional<std::string> step_number;
  std::optional<std::string> name;
  std::optional<std::string> status;
  StatusPhase status_phase = StatusPhase::kUnknown;  // `status` by the default vocabulary
  std::optional<std::string> started_at;
  std::optional<std::string> completed_at;
  std::optional<std::string> duration_ms;
  std::optional<std::string> model;
  std::optional<std::uint64_t> input_tokens;
  std::optional<std::uint64_t> output_tokens;
  std::optional<std::uint64_t> total_tokens;
  Cost cost;  // `cost_usd`; a non-object entry counts as kInvalid
  // Code points of the `output` member when it is a string (see step_output.h), else nullopt.
  std::optional<std::uint64_t> output_chars;
  // The output is an HTML page: `output_type` says `html` (any case), or the text starts with
  // `<!doctype html` or `<html` (step_output.h). The page renders it framed, not as text.
  bool output_is_html = false;
  // The output is an HTML page cut by the legacy worker's 5,000-character limit (step_output.h).
  bool output_truncated_legacy = false;
};

// How much of a row to read. The output's facts (length, HTML, legacy cut) take a pass over the
// whole output; a caller that only sorts and filters rows can leave them out.
enum class RowDetail : std::uint8_t { kFull, kWithoutOutputFacts };

constexpr auto FieldsOf(Tag<StepRow>) {
  return std::make_tuple(
      Member("index", &StepRow::index), Member("isObject", &StepRow::is_object),
      Member("problem", &StepRow::problem), Member("begin", &StepRow::begin),
      Member("end", &StepRow::end), Member("key", &StepRow::key),
      Member("stepNumber", &StepRow::step_number), Member("name", &StepRow::name),
      Member("status", &StepRow::status), Member("statusPhase", &StepRow::status_phase),
      Member("startedAt", &StepRow::started_at), Member("completedAt", &StepRow::completed_at),
      Member("durationMs", &StepRow::duration_ms), Member("model", &StepRow::model),
      Member("inputTokens", &StepRow::input_tokens),
      Member("outputTokens", &StepRow::output_tokens),
      Member("totalTokens", &StepRow::total_tokens), Member("cost", &StepRow::cost),
      Member("outputChars", &StepRow::output_chars),
      Member("outputIsHtml", &StepRow::output_is_html),
      Member("outputTruncatedLegacy", &StepRow::output_truncated_legacy));
}

}  // namespace job_detail

#endif  // JOB_DETAIL_STEP_ROW_H_
