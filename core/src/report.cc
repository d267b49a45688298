#include "job_detail/report.h"

#include <utility>

#include "job_detail/detail/json_dom.h"
#include "job_detail/detail/json_scanner.h"
#include "job_detail/detail/json_text.h"
#include "job_detail/redact.h"
#include "job_detail/step_index.h"

namespace job_detail {
namespace {

std::string JsonString(std::string_view text) { return detail::EncodeJsonString(text); }

std::string Field(std::string_view name, std::string_view json_value) {
  std::string field = JsonString(name);
  field += ':';
  field += json_value;
  return field;
}

// Keys of the S3 list once StepIndex accepted the whole document; its error otherwise.
Result<std::vector<StepKey>> S3Keys(std::string_view steps_document) {
  StepIndex index;
  index.Feed(steps_document);
  if (const auto& error = index.Finish()) return *error;
  std::vector<StepKey> keys;
  keys.reserve(index.count());
  for (std::size_t i = 0; i < index.count(); ++i) keys.push_back(index.Summary(i).value().key);
  return keys;
}

}  // namespace

std::string_view CliUsage() {
  return "usage:\n"
         "  job-detail format-cost '<json value>'   print a cost_usd value as the UI shows it\n"
         "  job-detail inspect-steps <file|->       count an S3 steps document and total its "
         "costs\n"
         "  job-detail merge --job <file> [--steps <file> | --steps-error <reason>]\n"
         "                                          which steps the detail view shows, and why\n"
         "  job-detail --help\n"
         "exit status: 0 ok, 1 the printed line is an error report, 2 usage error\n";
}

std::string ErrorReport(const Error& error) {
  const std::string offset = error.offset ? std::to_string(*error.offset) : "null";
  return "{\"ok\":false,\"error\":{" + Field("code", JsonString(ErrorCodeName(error.code))) + "," +
         Field("offset", offset) + "," +
         Field("message", JsonString(RedactSecrets(error.message))) + "}}";
}

std::string InspectStepsReport(std::uint64_t count, const CostTotal& total) {
  return "{\"ok\":true," + Field("count", std::to_string(count)) + "," +
         Field("total_cost_usd", JsonString(total.canonical())) + "," +
         Field("total_cost_display", JsonString(total.display())) + "," +
         Field("no_cost", std::to_string(total.no_cost())) + "," +
         Field("invalid_cost", std::to_string(total.invalid_cost())) + "}";
}

std::string MergeReport(const MergedList& merged) {
  std::string steps = "[";
  for (std::size_t i = 0; i < merged.entries.size(); ++i) {
    const MergedEntry& entry = merged.entries[i];
    if (i > 0) steps += ',';
    steps += "{" + Field("key", JsonString(StepKeyToString(entry.key))) + "," +
             Field("origin", JsonString(StepOriginName(entry.origin))) + "}";
  }
  steps += ']';
  const std::string reason = merged.reason ? JsonString(ErrorCodeName(*merged.reason)) : "null";
  return "{" + Field("source", JsonString(StepsSourceName(merged.source))) + "," +
         Field("complete", merged.complete ? "true" : "false") + "," + Field("reason", reason) +
         "," + Field("count", std::to_string(merged.entries.size())) + "," + Field("steps", steps) +
         "}";
}

std::string MergeReport(const Job& job, const S3Outcome& s3) {
  return MergeReport(MergeSteps(job, s3));
}

CommandOutput FormatCostCommand(std::string_view json_value_text) {
  // Any value JSON.parse accepts is a cost value (`1e400` and `"\ud800"` are invalid costs).
  if (const auto error = detail::CheckJsonValue(json_value_text, detail::kDefaultMaxJsonDepth,
                                                detail::JsonTextRules::kLikeJsonParse)) {
    return {kExitErrorResult, ErrorReport(*error)};
  }
  return {kExitOk, FormatCostDisplay(ParseCostJsonText(json_value_text))};
}

std::string FormatCostReport(std::string_view json_value_text) {
  return FormatCostCommand(json_value_text).line;
}

CommandOutput InspectStepsCommand(std::string_view steps_document) {
  StepIndex index;
  index.Feed(steps_document);
  if (const auto& error = index.Finish()) return {kExitErrorResult, ErrorReport(*error)};
  return {kExitOk, InspectStepsReport(index.count(), index.cost_total())};
}

CommandOutput MergeCommand(const MergeCommandInput& input) {
  S3Outcome s3 = S3Outcome::NotRequested();
  if (input.steps_error && input.steps_document) {
    return {kExitUsage, ErrorReport({ErrorCode::kInvalidArgument, std::nullopt,
                                     "--steps and --steps-error exclude each other"})};
  }
  if (input.steps_error) {
    const auto reason = ErrorCodeFromName(*input.steps_error);
    if (!reason) {
      return {kExitUsage,
              ErrorReport({ErrorCode::kInvalidArgument, std::nullopt,
                           "unknown --steps-error reason: " + std::string(*input.steps_error)})};
    }
    s3 = S3Outcome::Failure(*reason);
  }
  const auto job = ParseJob(input.job);
  if (!job.ok()) return {kExitErrorResult, ErrorReport(job.error())};
  if (input.steps_document) {
    auto keys = S3Keys(*input.steps_document);
    s3 = keys.ok() ? S3Outcome::Steps(std::move(keys).value())
                   : S3Outcome::Failure(keys.error().code);
  }
  return {kExitOk, MergeReport(job.value(), s3)};
}

}  // namespace job_detail
