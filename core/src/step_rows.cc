#include "job_detail/detail/step_rows.h"

#include <charconv>
#include <string>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/json_text.h"
#include "job_detail/step_output.h"

namespace job_detail::detail {
namespace {

// A string member's decoded content or a number member's text; nullopt for anything else.
std::optional<std::string> ScalarText(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  const char first = text->front();
  if (first == '"') return DecodeJsonString(*text);
  if (first == '-' || IsAsciiDigit(first)) return std::string(*text);
  return std::nullopt;
}

std::optional<std::uint64_t> TokenCount(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  std::uint64_t value = 0;
  const char* const end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::string_view> FieldText(DocumentView document, const StepRecord& record,
                                          RowMember field) {
  const TextSpan span = record.fields[static_cast<std::size_t>(field)];
  if (span.length == 0) return std::nullopt;
  return TextOf(document, span);
}

Cost StepCost(DocumentView document, const StepRecord& record) {
  if (!record.is_object) return Cost::Invalid();
  const auto text = FieldText(document, record, RowMember::kCostUsd);
  return text ? ParseCostJsonText(*text) : Cost::None();
}

StepKey StepKeyOfRecord(DocumentView document, const StepRecord& record, std::size_t position) {
  if (!record.is_object) {
    return StepKeyFromJsonText(std::nullopt, std::nullopt, std::nullopt, position);
  }
  auto field = [&](RowMember f) { return FieldText(document, record, f); };
  return StepKeyFromJsonText(field(RowMember::kStepNumber), field(RowMember::kStepId),
                             field(RowMember::kId), position);
}

StepRow StepRowOfRecord(DocumentView document, const StepRecord& record, std::size_t position,
                        RowDetail detail) {
  StepRow row;
  row.index = position;
  row.is_object = record.is_object;
  row.begin = record.span.offset;
  row.end = static_cast<std::uint64_t>(record.span.offset) + record.span.length;
  row.cost = StepCost(document, record);
  row.key = StepKeyOfRecord(document, record, position);
  if (!record.is_object) {
    row.problem = "step is not a JSON object";
    return row;
  }
  auto field = [&](RowMember f) { return FieldText(document, record, f); };
  row.step_number = ScalarText(field(RowMember::kStepNumber));
  row.name = ScalarText(field(RowMember::kName));
  row.status = ScalarText(field(RowMember::kStatus));
  if (row.status) row.status_phase = ClassifyStatus(*row.status);
  row.started_at = ScalarText(field(RowMember::kStartedAt));
  row.completed_at = ScalarText(field(RowMember::kCompletedAt));
  row.duration_ms = ScalarText(field(RowMember::kDurationMs));
  row.model = ScalarText(field(RowMember::kModel));
  row.input_tokens = TokenCount(field(RowMember::kInputTokens));
  row.output_tokens = TokenCount(field(RowMember::kOutputTokens));
  row.total_tokens = TokenCount(field(RowMember::kTotalTokens));
  if (detail == RowDetail::kWithoutOutputFacts) return row;
  if (const auto output = field(RowMember::kOutput); output && output->front() == '"') {
    const OutputFacts facts = OutputFactsFromJsonString(*output);
    row.output_chars = facts.chars;
    row.output_is_html = facts.looks_like_html_page || record.output_declared_html;
    row.output_truncated_legacy = facts.truncated_legacy;
  }
  return row;
}

}  // namespace job_detail::detail
