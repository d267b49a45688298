#include "job_detail/retry_policy.h"

#include <algorithm>
#include <cmath>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/civil_time.h"

namespace job_detail {

bool MayRetry(const RetryConfig& config, int attempts_made) {
  return attempts_made < config.max_attempts;
}

std::int64_t BackoffDelayMs(const RetryConfig& config, int retry_index, double random) {
  if (!(random > 0.0)) return 0;  // also catches NaN
  random = std::min(random, 1.0);
  const std::int64_t cap = std::max<std::int64_t>(config.cap_ms, 0);
  std::int64_t ceiling = std::max<std::int64_t>(config.base_ms, 0);
  // Doubling stops at the cap, and a doubling that would pass it takes the cap, so neither a large
  // retry index nor a large base or cap can overflow.
  for (int i = 0; i < retry_index && ceiling < cap; ++i) {
    ceiling = ceiling > cap / 2 ? cap : ceiling * 2;
  }
  ceiling = std::min(ceiling, cap);
  // A ceiling near INT64_MAX rounds up as a double: random = 1 then gives the ceiling itself
  // rather than a conversion out of int64 range.
  const double delay = std::floor(random * static_cast<double>(ceiling));
  return delay >= static_cast<double>(ceiling) ? ceiling : static_cast<std::int64_t>(delay);
}

std::optional<std::int64_t> ParseRetryAfterMs(std::string_view value, std::int64_t now_ms,
                                              std::int64_t server_skew_ms) {
  value = detail::TrimAscii(value, detail::kSpaceTab);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), detail::IsAsciiDigit)) {
    // delay-seconds. Saturate rather than overflow on absurd values (clipped by the caller).
    std::int64_t seconds = 0;
    for (char c : value) {
      seconds = seconds * 10 + (c - '0');
      if (seconds > 1'000'000'000) return std::int64_t{1'000'000'000} * 1000;
    }
    return seconds * 1000;
  }
  const auto at_server_ms = detail::ParseHttpDate(value);
  if (!at_server_ms) return std::nullopt;
  return std::max<std::int64_t>(*at_server_ms - server_skew_ms - now_ms, 0);
}

std::int64_t RetryDelayMs(const RetryConfig& config, int retry_index, double random,
                          std::optional<std::int64_t> retry_after_ms) {
  const std::int64_t backoff = BackoffDelayMs(config, retry_index, random);
  if (!retry_after_ms) return backoff;
  return std::max(backoff, std::min(*retry_after_ms, config.max_retry_after_ms));
}

}  // namespace job_detail
