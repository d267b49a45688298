// job.h and report.h for JS: the parsed job's decisions, and the merge command (the facade's
// mergeSteps and the node CLI's merge print its one-line output; the CLI's other commands are in
// cli/cli_bindings.cc, a module that only the node CLI loads).
#include <emscripten/bind.h>

#include <optional>
#include <string>

#include "convert.h"
#include "job_detail/job.h"
#include "job_detail/report.h"
#include "step_convert.h"

namespace job_detail::bindings {
namespace {

std::string_view StepsFieldName(StepsField field) {
  switch (field) {
    case StepsField::kAbsent:
      return "absent";
    case StepsField::kNull:
      return "null";
    case StepsField::kArray:
      return "array";
    case StepsField::kOtherType:
      return "other_type";
  }
  return "other_type";
}

// {ok:true, id, status, stepsField, stepCount, s3Key, s3Url, stepCosts} | {ok:false, error}
emscripten::val ParseJobText(const std::string& text) {
  const Result<Job> parsed = ParseJob(text);
  emscripten::val out = emscripten::val::object();
  out.set("ok", parsed.ok());
  if (!parsed.ok()) {
    out.set("error", ToJs(parsed.error()));
    return out;
  }
  const Job& job = parsed.value();
  out.set("id", ToJs(job.id));
  out.set("status", ToJs(job.status));
  out.set("stepsField", StringToJs(StepsFieldName(job.steps_field)));
  out.set("stepCount", static_cast<double>(job.step_count()));
  out.set("s3Key", ToJs(job.s3_key));
  out.set("s3Url", ToJs(job.s3_url));
  emscripten::val costs = emscripten::val::array();
  for (std::size_t i = 0; i < job.step_costs.size(); ++i) costs.set(i, ToJs(job.step_costs[i]));
  out.set("stepCosts", costs);
  return out;
}

// {exitCode, line}
emscripten::val ToJs(const CommandOutput& output) {
  emscripten::val out = emscripten::val::object();
  out.set("exitCode", output.exit_code);
  out.set("line", output.line);
  return out;
}

// `steps_document` and `steps_error`: a value, or null/undefined when absent.
emscripten::val Merge(const std::string& job, const emscripten::val& steps_document,
                      const emscripten::val& steps_error) {
  std::optional<std::string> document;
  std::optional<std::string> error;
  if (!steps_document.isNull() && !steps_document.isUndefined()) {
    document = steps_document.as<std::string>();
  }
  if (!steps_error.isNull() && !steps_error.isUndefined()) error = steps_error.as<std::string>();
  MergeCommandInput input{job, std::nullopt, std::nullopt};
  if (document) input.steps_document = *document;
  if (error) input.steps_error = *error;
  return ToJs(MergeCommand(input));
}

}  // namespace

EMSCRIPTEN_BINDINGS(job_detail_job) {
  emscripten::function("parseJob", &ParseJobText);
  emscripten::function("mergeCommand", &Merge);
}

}  // namespace job_detail::bindings
