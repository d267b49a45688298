// What a status string (a job's or a step's) says about where the work stands: one rule for the
// session's polling, the snapshot and the dashboard's colours.
//
// Statuses are compared ignoring ASCII case, with `-` and ` ` read as `_` (`TIMED_OUT`,
// `timed-out` and `Timed Out` are one status). The defaults cover the common vocabularies: this
// project's workers (`pending`, `running`, `completed`, `failed`, ...), Airflow (`success`,
// `upstream_failed`, `up_for_retry`, ...), AWS Step Functions (`SUCCEEDED`, `TIMED_OUT`,
// `ABORTED`, ...), Argo (`Succeeded`, `Error`, `Omitted`, ...), Kubernetes and GitHub Actions.
// A status in neither list is kUnknown: the session keeps polling it, backing off, because a
// status nobody listed must neither stop updates for good nor be fetched every few seconds forever.
#ifndef JOB_DETAIL_STATUS_PHASE_H_
#define JOB_DETAIL_STATUS_PHASE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/field_table.h"

namespace job_detail {

// kSucceeded, kFailed and kEnded are terminal (kEnded: finished, outcome not known to be either,
// such as `skipped`, or a caller's terminal status outside the defaults' outcome lists).
enum class StatusPhase : std::uint8_t { kUnknown, kRunning, kSucceeded, kFailed, kEnded };

inline constexpr std::array<std::string_view, 5> kStatusPhaseNames = {
    "unknown", "running", "succeeded", "failed", "ended"};
constexpr std::span<const std::string_view> NamesOf(Tag<StatusPhase>) { return kStatusPhaseNames; }

constexpr bool IsTerminal(StatusPhase phase) {
  return phase == StatusPhase::kSucceeded || phase == StatusPhase::kFailed ||
         phase == StatusPhase::kEnded;
}

// The caller's statuses. An empty list means the default one; a given list replaces it.
struct StatusVocabulary {
  std::vector<std::string> terminal;
  std::vector<std::string> running;
};

// The default lists (normalized: lower case, `_`).
std::span<const std::string_view> DefaultTerminalStatuses();
std::span<const std::string_view> DefaultRunningStatuses();

// Terminal first (a status in both lists is terminal), then running, else kUnknown (an absent
// status too). A terminal status is kSucceeded or kFailed when the defaults know its outcome.
StatusPhase ClassifyStatus(std::optional<std::string_view> status,
                           const StatusVocabulary& vocabulary = {});

}  // namespace job_detail

#endif  // JOB_DETAIL_STATUS_PHASE_H_
