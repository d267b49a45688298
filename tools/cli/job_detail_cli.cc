// job-detail: the native CLI. It reads files and arguments and prints what the core's report
// functions return, so its output matches the node CLI (the same core through wasm) byte for byte.
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/report.h"

namespace {

int Usage(std::string_view problem) {
  std::cerr << "job-detail: " << problem << "\n" << job_detail::CliUsage();
  return job_detail::kExitUsage;
}

// The whole file (`-`: standard input), or nullopt when it cannot be read.
std::optional<std::string> ReadAll(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::string bytes(std::istreambuf_iterator<char>(file), {});
  if (file.bad()) return std::nullopt;
  return bytes;
}

int Print(const job_detail::CommandOutput& output) {
  (output.exit_code == job_detail::kExitUsage ? std::cerr : std::cout) << output.line << "\n";
  return output.exit_code;
}

int InspectSteps(const std::vector<std::string>& args) {
  if (args.size() != 1) return Usage("inspect-steps takes one file (or - for standard input)");
  const auto document = ReadAll(args[0]);
  if (!document) return Usage("cannot read " + args[0]);
  return Print(job_detail::InspectStepsCommand(*document));
}

int Merge(const std::vector<std::string>& args) {
  std::optional<std::string> job_path;
  std::optional<std::string> steps_path;
  std::optional<std::string> steps_error;
  for (std::size_t i = 0; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return Usage(args[i] + " needs a value");
    std::optional<std::string>* target = args[i] == "--job"           ? &job_path
                                         : args[i] == "--steps"       ? &steps_path
                                         : args[i] == "--steps-error" ? &steps_error
                                                                      : nullptr;
    if (target == nullptr) return Usage("unknown merge option " + args[i]);
    if (target->has_value()) return Usage(args[i] + " given twice");
    *target = args[i + 1];
  }
  if (!job_path) return Usage("merge needs --job <file>");
  if (steps_path && steps_error) return Usage("--steps and --steps-error exclude each other");
  const auto job = ReadAll(*job_path);
  if (!job) return Usage("cannot read " + *job_path);
  std::optional<std::string> steps;
  if (steps_path) {
    steps = ReadAll(*steps_path);
    if (!steps) return Usage("cannot read " + *steps_path);
  }
  job_detail::MergeCommandInput input{*job, std::nullopt, std::nullopt};
  if (steps) input.steps_document = *steps;
  if (steps_error) input.steps_error = *steps_error;
  return Print(job_detail::MergeCommand(input));
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("no command");
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << job_detail::CliUsage();
    return job_detail::kExitOk;
  }
  if (command == "format-cost") {
    if (rest.size() != 1) return Usage("format-cost takes one JSON value");
    return Print(job_detail::FormatCostCommand(rest[0]));
  }
  if (command == "inspect-steps") return InspectSteps(rest);
  if (command == "merge") return Merge(rest);
  return Usage("unknown command " + command);
}
