// What a session keeps across jobs: its conversation with the host. The effect queue, the id
// allocator (ids keep increasing across jobs, so a late answer for the previous job stays stale),
// the timer table, whether the page is visible and the network up, the server's clock skew and the
// random numbers for backoff. Session::Start replaces the per-job state and keeps this whole.
#ifndef JOB_DETAIL_DETAIL_SESSION_HOST_H_
#define JOB_DETAIL_DETAIL_SESSION_HOST_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "job_detail/detail/timer_table.h"
#include "job_detail/session_effect.h"

namespace job_detail::detail {

class SessionHost {
 public:
  explicit SessionHost(std::uint64_t random_seed) : rng_(random_seed) {}

  // --- Effects and ids ---
  std::uint64_t NewId() { return next_id_++; }
  // A metric's text fields pass the redactor (redact.h) here, on their way out of the core.
  void Emit(SessionEffect effect);
  std::optional<SessionEffect> PollEffect();

  // --- Timers ---
  // Arms `purpose` under a new id (StartTimer); one already armed for it is cancelled first.
  void ArmTimer(TimerPurpose purpose, std::int64_t at_ms);
  // Cancels `purpose` (Cancel) when it is armed.
  void CancelTimer(TimerPurpose purpose);
  void CancelAllTimers();
  // The purpose of the timer that fired, now disarmed; nullopt for a cancelled or unknown id.
  std::optional<TimerPurpose> TakeFired(std::uint64_t timer_id) { return timers_.Take(timer_id); }
  const TimerTable& timers() const { return timers_; }

  // --- Page and network ---
  bool visible() const { return visible_; }
  bool online() const { return online_; }
  void set_visible(bool visible) { visible_ = visible; }
  void set_online(bool online) { online_ = online; }

  // --- Server clock: its time minus ours ---
  std::int64_t skew_ms() const { return skew_ms_; }
  void set_skew_ms(std::int64_t skew_ms) { skew_ms_ = skew_ms; }

  // --- Randomness: the host's number when it gave one, else a seeded sequence ---
  void SetRandom(double random) { given_random_ = random; }
  double NextRandom();

 private:
  // A queue: effects_[next_effect_] is the next to poll (a vector where std::deque's code was
  // several KB of the module).
  std::vector<SessionEffect> effects_;
  std::size_t next_effect_ = 0;
  std::uint64_t next_id_ = 1;
  TimerTable timers_;
  bool visible_ = true;
  bool online_ = true;
  std::int64_t skew_ms_ = 0;
  std::optional<double> given_random_;
  std::uint64_t rng_;
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_SESSION_HOST_H_
