#include "job_detail/detail/timer_table.h"

namespace job_detail::detail {

void TimerTable::Set(TimerPurpose purpose, std::uint64_t id, std::int64_t at_ms) {
  slot(purpose) = Slot{id, at_ms};
}

std::uint64_t TimerTable::Clear(TimerPurpose purpose) {
  const std::uint64_t id = slot(purpose).id;
  slot(purpose) = Slot{};
  return id;
}

std::optional<TimerPurpose> TimerTable::Take(std::uint64_t id) {
  if (id == 0) return std::nullopt;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].id == id) {
      slots_[i] = Slot{};
      return static_cast<TimerPurpose>(i);
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> TimerTable::due(TimerPurpose purpose) const {
  if (!armed(purpose)) return std::nullopt;
  return slot(purpose).at_ms;
}

std::optional<std::int64_t> TimerTable::NextDeadline() const {
  std::optional<std::int64_t> earliest;
  for (const Slot& s : slots_) {
    if (s.id != 0 && (!earliest || s.at_ms < *earliest)) earliest = s.at_ms;
  }
  return earliest;
}

}  // namespace job_detail::detail
