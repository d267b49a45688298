#include "job_detail/status_phase.h"

#include <algorithm>
#include <string>

#include "job_detail/detail/ascii.h"

namespace job_detail {
namespace {

constexpr std::array<std::string_view, 9> kSucceeded = {"completed", "complete",   "succeeded",
                                                        "success",   "successful", "done",
                                                        "finished",  "passed",     "ok"};

constexpr std::array<std::string_view, 14> kFailed = {
    "failed",    "failure",         "error",    "errored", "cancelled", "canceled", "aborted",
    "timed_out", "upstream_failed", "rejected", "killed",  "crashed",   "expired",  "terminated"};

constexpr std::array<std::string_view, 4> kEndedOther = {"skipped", "stopped", "removed",
                                                         "omitted"};

constexpr auto kDefaultTerminal = [] {
  std::array<std::string_view, kSucceeded.size() + kFailed.size() + kEndedOther.size()> all{};
  std::size_t n = 0;
  for (std::string_view s : kSucceeded) all[n++] = s;
  for (std::string_view s : kFailed) all[n++] = s;
  for (std::string_view s : kEndedOther) all[n++] = s;
  return all;
}();

constexpr std::array<std::string_view, 21> kDefaultRunning = {
    "pending",           "queued",     "scheduled",  "submitted",       "created",
    "accepted",          "waiting",    "started",    "starting",        "running",
    "in_progress",       "processing", "active",     "retrying",        "up_for_retry",
    "up_for_reschedule", "deferred",   "restarting", "pending_redrive", "initializing",
    "provisioning"};

// Lower case, `-` and ` ` as `_`, surrounding whitespace dropped.
std::string Normalized(std::string_view status) {
  const std::size_t first = status.find_first_not_of(detail::kSpaceTabNewline);
  if (first == std::string_view::npos) return {};
  const std::size_t last = status.find_last_not_of(detail::kSpaceTabNewline);
  std::string out(status.substr(first, last - first + 1));
  for (char& c : out) c = (c == '-' || c == ' ') ? '_' : detail::AsciiLower(c);
  return out;
}

bool InDefaults(std::span<const std::string_view> list, std::string_view normalized) {
  return std::find(list.begin(), list.end(), normalized) != list.end();
}

bool InCallerList(const std::vector<std::string>& list, std::string_view normalized) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& entry) { return Normalized(entry) == normalized; });
}

bool Listed(const std::vector<std::string>& given, std::span<const std::string_view> defaults,
            std::string_view normalized) {
  return given.empty() ? InDefaults(defaults, normalized) : InCallerList(given, normalized);
}

}  // namespace

std::span<const std::string_view> DefaultTerminalStatuses() { return kDefaultTerminal; }
std::span<const std::string_view> DefaultRunningStatuses() { return kDefaultRunning; }

StatusPhase ClassifyStatus(std::optional<std::string_view> status,
                           const StatusVocabulary& vocabulary) {
  if (!status) return StatusPhase::kUnknown;
  const std::string normalized = Normalized(*status);
  if (normalized.empty()) return StatusPhase::kUnknown;
  if (Listed(vocabulary.terminal, kDefaultTerminal, normalized)) {
    if (InDefaults(kSucceeded, normalized)) return StatusPhase::kSucceeded;
    if (InDefaults(kFailed, normalized)) return StatusPhase::kFailed;
    return StatusPhase::kEnded;
  }
  if (Listed(vocabulary.running, kDefaultRunning, normalized)) return StatusPhase::kRunning;
  return StatusPhase::kUnknown;
}

}  // namespace job_detail
