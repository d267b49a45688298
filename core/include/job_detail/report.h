// The one-line JSON (or text) outputs of the `job-detail` commands. Built here, in the core, so the
// native CLI and the node CLI (the same functions through wasm) print identical bytes. Lines carry
// no trailing newline; the CLIs add it.
#ifndef JOB_DETAIL_REPORT_H_
#define JOB_DETAIL_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "job_detail/cost.h"
#include "job_detail/error.h"
#include "job_detail/job.h"
#include "job_detail/merge.h"

namespace job_detail {

// Exit statuses shared by both CLIs.
inline constexpr int kExitOk = 0;
inline constexpr int kExitErrorResult = 1;  // the line is an error report
inline constexpr int kExitUsage = 2;        // bad arguments; the line goes to stderr

// The usage text both CLIs print for --help and after a usage error.
std::string_view CliUsage();

struct CommandOutput {
  int exit_code = kExitOk;
  std::string line;
};

// {"ok":false,"error":{"code":"invalid_json","offset":N,"message":"…"}} (offset null when the
// error is not about a byte).
std::string ErrorReport(const Error& error);

// {"ok":true,"count":N,"total_cost_usd":"…","total_cost_display":"…","no_cost":N,"invalid_cost":N}
std::string InspectStepsReport(std::uint64_t count, const CostTotal& total);

// {"source":…,"complete":…,"reason":…,"count":N,"steps":[{"key":…,"origin":…},…]}; keys as
// StepKeyToString writes them (`"3"`, `"id:abc"`, `"#7"`).
std::string MergeReport(const MergedList& merged);
std::string MergeReport(const Job& job, const S3Outcome& s3);

// `format-cost '<json value>'`: the display string (`$0.000123`, `—`), or ErrorReport when the
// argument is not one JSON value (exit 1). A valid JSON value that is not a cost displays as `—`.
CommandOutput FormatCostCommand(std::string_view json_value_text);
std::string FormatCostReport(std::string_view json_value_text);

// `inspect-steps <file|->`: the document read by StepIndex (validated whole, streaming).
CommandOutput InspectStepsCommand(std::string_view steps_document);

// `merge --job <file> [--steps <file> | --steps-error <reason>]`. An invalid job is an error
// report (exit 1); an invalid steps document is an S3 failure (dynamodb_fallback with its code,
// exit 0); an unknown reason name, or both steps inputs at once, is a usage error (exit 2).
struct MergeCommandInput {
  std::string_view job;
  std::optional<std::string_view> steps_document;
  std::optional<std::string_view> steps_error;  // an ErrorCodeName: `expired`, `network`, ...
};
CommandOutput MergeCommand(const MergeCommandInput& input);

}  // namespace job_detail

#endif  // JOB_DETAIL_REPORT_H_
