// When to try a failed request again. Defaults follow the AWS SDK "standard" retry mode: at most 3
// attempts, full-jitter exponential backoff (base 250 ms, cap 20 s), and a server's Retry-After
// wins when it asks for a longer wait. Randomness is an input so every delay is reproducible in
// tests.
#ifndef JOB_DETAIL_RETRY_POLICY_H_
#define JOB_DETAIL_RETRY_POLICY_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace job_detail {

struct RetryConfig {
  int max_attempts = 3;  // including the first one
  std::int64_t base_ms = 250;
  std::int64_t cap_ms = 20'000;
  // A Retry-After beyond this is clipped: a server cannot park a tab for an hour.
  std::int64_t max_retry_after_ms = 60'000;
};

// Whether a request that has been attempted `attempts_made` times may be attempted again.
bool MayRetry(const RetryConfig& config, int attempts_made);

// Full jitter: floor(random * min(cap, base * 2^retry_index)), where retry_index is 0 for the first
// retry. `random` is taken from [0, 1] (values outside are clamped, NaN counts as 0), so 1 gives
// the upper bound exactly.
std::int64_t BackoffDelayMs(const RetryConfig& config, int retry_index, double random);

// A Retry-After header value (delay-seconds or an HTTP-date) as a delay from `now_ms`, never
// negative; nullopt when absent or unparsable. `server_skew_ms` (server clock minus ours) converts
// an HTTP-date from the server's clock to ours.
std::optional<std::int64_t> ParseRetryAfterMs(std::string_view value, std::int64_t now_ms,
                                              std::int64_t server_skew_ms = 0);

// The wait before retry `retry_index`: the jittered backoff, or the server's Retry-After when that
// is longer (clipped to max_retry_after_ms).
std::int64_t RetryDelayMs(const RetryConfig& config, int retry_index, double random,
                          std::optional<std::int64_t> retry_after_ms);

}  // namespace job_detail

#endif  // JOB_DETAIL_RETRY_POLICY_H_
