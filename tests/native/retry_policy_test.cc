#include "job_detail/retry_policy.h"

#include <gtest/gtest.h>

namespace job_detail {
namespace {

TEST(RetryPolicyTest, DefaultsAreAwsStandardMode) {
  const RetryConfig config;
  EXPECT_EQ(config.max_attempts, 3);
  EXPECT_EQ(config.base_ms, 250);
  EXPECT_EQ(config.cap_ms, 20'000);
  EXPECT_TRUE(MayRetry(config, 1));
  EXPECT_TRUE(MayRetry(config, 2));
  EXPECT_FALSE(MayRetry(config, 3));
}

TEST(RetryPolicyTest, RandomZeroGivesNoDelay) {
  const RetryConfig config;
  for (int retry = 0; retry < 10; ++retry) EXPECT_EQ(BackoffDelayMs(config, retry, 0.0), 0);
}

TEST(RetryPolicyTest, RandomOneGivesTheUpperBound) {
  const RetryConfig config;
  EXPECT_EQ(BackoffDelayMs(config, 0, 1.0), 250);
  EXPECT_EQ(BackoffDelayMs(config, 1, 1.0), 500);
  EXPECT_EQ(BackoffDelayMs(config, 2, 1.0), 1000);
  EXPECT_EQ(BackoffDelayMs(config, 6, 1.0), 16'000);
  EXPECT_EQ(BackoffDelayMs(config, 7, 1.0), 20'000);  // capped
  EXPECT_EQ(BackoffDelayMs(config, 1000, 1.0), 20'000);
}

TEST(RetryPolicyTest, FullJitterScalesTheBound) {
  const RetryConfig config;
  EXPECT_EQ(BackoffDelayMs(config, 0, 0.5), 125);
  EXPECT_EQ(BackoffDelayMs(config, 2, 0.25), 250);
  EXPECT_EQ(BackoffDelayMs(config, 1, 0.999), 499);  // floor
}

TEST(RetryPolicyTest, OutOfRangeRandomIsClamped) {
  const RetryConfig config;
  EXPECT_EQ(BackoffDelayMs(config, 0, -3.0), 0);
  EXPECT_EQ(BackoffDelayMs(config, 0, 7.0), 250);
  EXPECT_EQ(BackoffDelayMs(config, 0, std::numeric_limits<double>::quiet_NaN()), 0);
}

TEST(RetryPolicyTest, CustomBaseAndCap) {
  RetryConfig config;
  config.base_ms = 100;
  config.cap_ms = 300;
  EXPECT_EQ(BackoffDelayMs(config, 0, 1.0), 100);
  EXPECT_EQ(BackoffDelayMs(config, 1, 1.0), 200);
  EXPECT_EQ(BackoffDelayMs(config, 2, 1.0), 300);
}

TEST(RetryPolicyTest, HugeBaseAndCapStayInRange) {
  RetryConfig config;
  config.base_ms = std::numeric_limits<std::int64_t>::max() / 2 + 1;  // one doubling overflows
  config.cap_ms = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(BackoffDelayMs(config, 0, 1.0), config.base_ms);
  EXPECT_EQ(BackoffDelayMs(config, 1, 1.0), config.cap_ms);
  EXPECT_EQ(BackoffDelayMs(config, 5, 1.0), config.cap_ms);
  EXPECT_EQ(BackoffDelayMs(config, 1, 0.0), 0);
  const std::int64_t half = BackoffDelayMs(config, 1, 0.5);
  EXPECT_GT(half, 0);
  EXPECT_LT(half, config.cap_ms);
}

TEST(RetryPolicyTest, RetryAfterSeconds) {
  EXPECT_EQ(ParseRetryAfterMs("120", 0), 120'000);
  EXPECT_EQ(ParseRetryAfterMs(" 0 ", 0), 0);
  EXPECT_EQ(ParseRetryAfterMs("99999999999999999999", 0), std::int64_t{1'000'000'000} * 1000);
  EXPECT_EQ(ParseRetryAfterMs("", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfterMs("-5", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfterMs("1.5", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfterMs("soon", 0), std::nullopt);
}

TEST(RetryPolicyTest, RetryAfterHttpDate) {
  // Sun, 29 Nov 2026 14:00:00 GMT is 1795960800 s since the epoch.
  const std::int64_t at = 1'795'960'800'000;
  EXPECT_EQ(ParseRetryAfterMs("Sun, 29 Nov 2026 14:00:10 GMT", at), 10'000);
  // A date in the past means "now".
  EXPECT_EQ(ParseRetryAfterMs("Sun, 29 Nov 2026 13:00:00 GMT", at), 0);
  // The date is on the server's clock: a server 4 s ahead of us means 4 s less wait.
  EXPECT_EQ(ParseRetryAfterMs("Sun, 29 Nov 2026 14:00:10 GMT", at, 4'000), 6'000);
  EXPECT_EQ(ParseRetryAfterMs("Sun, 29 Nov 2026 14:00:10 UTC", at), std::nullopt);
}

TEST(RetryPolicyTest, RetryAfterWinsWhenLongerAndIsClipped) {
  const RetryConfig config;
  EXPECT_EQ(RetryDelayMs(config, 0, 1.0, std::nullopt), 250);
  EXPECT_EQ(RetryDelayMs(config, 0, 1.0, 3'000), 3'000);
  EXPECT_EQ(RetryDelayMs(config, 2, 1.0, 10), 1'000);  // backoff is longer
  EXPECT_EQ(RetryDelayMs(config, 0, 0.0, 3'600'000), config.max_retry_after_ms);
}

}  // namespace
}  // namespace job_detail
