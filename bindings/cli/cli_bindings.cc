// report.h's CLI commands for the node CLI, whose one-line outputs it prints as they are (so both
// CLIs print identical bytes). They are in a module of their own (job_detail_cli, with
// job_bindings.cc for mergeCommand, which the facade's mergeSteps uses too): browsers never load
// them.
#include <emscripten/bind.h>

#include <string>

#include "job_detail/report.h"

namespace job_detail::bindings {
namespace {

// {exitCode, line}
emscripten::val ToJs(const CommandOutput& output) {
  emscripten::val out = emscripten::val::object();
  out.set("exitCode", output.exit_code);
  out.set("line", output.line);
  return out;
}

emscripten::val FormatCost(const std::string& json_value_text) {
  return ToJs(FormatCostCommand(json_value_text));
}

// `steps_document`: a Uint8Array or string (Embind copies either into the std::string).
emscripten::val InspectSteps(const std::string& steps_document) {
  return ToJs(InspectStepsCommand(steps_document));
}

std::string CliUsageText() { return std::string(CliUsage()); }

}  // namespace

EMSCRIPTEN_BINDINGS(job_detail_cli) {
  emscripten::function("formatCostCommand", &FormatCost);
  emscripten::function("inspectStepsCommand", &InspectSteps);
  emscripten::function("cliUsage", &CliUsageText);
}

}  // namespace job_detail::bindings
