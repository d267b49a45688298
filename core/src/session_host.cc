#include "job_detail/detail/session_host.h"

#include <utility>

#include "job_detail/redact.h"

namespace job_detail::detail {

void SessionHost::Emit(SessionEffect effect) {
  if (auto* metric = std::get_if<Metric>(&effect)) {
    for (MetricField& field : metric->fields) {
      if (auto* text = std::get_if<std::string>(&field.value)) *text = RedactSecrets(*text);
    }
  }
  effects_.push_back(std::move(effect));
}

std::optional<SessionEffect> SessionHost::PollEffect() {
  if (next_effect_ == effects_.size()) return std::nullopt;
  SessionEffect effect = std::move(effects_[next_effect_++]);
  if (next_effect_ == effects_.size()) {
    effects_.clear();
    next_effect_ = 0;
  } else if (next_effect_ >= 64 && 2 * next_effect_ >= effects_.size()) {
    // A host that never drains the queue whole still gets the polled half's memory back.
    effects_.erase(effects_.begin(), effects_.begin() + static_cast<std::ptrdiff_t>(next_effect_));
    next_effect_ = 0;
  }
  return effect;
}

void SessionHost::ArmTimer(TimerPurpose purpose, std::int64_t at_ms) {
  CancelTimer(purpose);
  const std::uint64_t id = NewId();
  timers_.Set(purpose, id, at_ms);
  Emit(StartTimer{id, at_ms});
}

void SessionHost::CancelTimer(TimerPurpose purpose) {
  if (const std::uint64_t id = timers_.Clear(purpose)) Emit(Cancel{id});
}

void SessionHost::CancelAllTimers() {
  for (std::size_t i = 0; i < kTimerPurposeCount; ++i) {
    CancelTimer(static_cast<TimerPurpose>(i));
  }
}

double SessionHost::NextRandom() {
  if (given_random_) {
    const double r = *given_random_;
    given_random_.reset();
    return r;
  }
  // splitmix64: a fixed, portable sequence, so runs without SetRandom are reproducible too.
  rng_ += 0x9E3779B97F4A7C15u;
  std::uint64_t z = rng_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

}  // namespace job_detail::detail
