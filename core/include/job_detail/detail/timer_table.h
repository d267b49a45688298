// The session's timers, one slot per purpose (as quinn-proto's connection/timer.rs keeps them):
// each purpose is armed at most once, so "which timer fired" is a table lookup and cancelling a
// purpose needs no id bookkeeping by its owner. Each slot keeps the id the host knows it by.
#ifndef JOB_DETAIL_DETAIL_TIMER_TABLE_H_
#define JOB_DETAIL_DETAIL_TIMER_TABLE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace job_detail::detail {

enum class TimerPurpose : std::uint8_t {
  kJobRetry,      // the next attempt of the job fetch
  kStepsRetry,    // the next attempt of the steps fetch
  kPoll,          // the next poll of a running job
  kJobTimeout,    // the job request's deadline
  kStepsTimeout,  // the steps request's deadline (pushed back while bytes arrive)
};
inline constexpr std::size_t kTimerPurposeCount = 5;

class TimerTable {
 public:
  // Records `purpose` as armed under the host's `id`, due at `at_ms`.
  void Set(TimerPurpose purpose, std::uint64_t id, std::int64_t at_ms);
  // Forgets `purpose`; returns the id it was armed under, 0 when it was not.
  std::uint64_t Clear(TimerPurpose purpose);
  // Forgets the timer with this id and returns its purpose; nullopt when none has it (cancelled,
  // or fired already).
  std::optional<TimerPurpose> Take(std::uint64_t id);
  bool armed(TimerPurpose purpose) const { return slot(purpose).id != 0; }
  std::optional<std::int64_t> due(TimerPurpose purpose) const;
  // The earliest armed deadline.
  std::optional<std::int64_t> NextDeadline() const;

 private:
  struct Slot {
    std::uint64_t id = 0;  // 0: not armed
    std::int64_t at_ms = 0;
  };
  const Slot& slot(TimerPurpose purpose) const { return slots_[static_cast<std::size_t>(purpose)]; }
  Slot& slot(TimerPurpose purpose) { return slots_[static_cast<std::size_t>(purpose)]; }

  std::array<Slot, kTimerPurposeCount> slots_{};
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_TIMER_TABLE_H_
