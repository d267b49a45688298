#include "job_detail/presigned_url.h"

#include <gtest/gtest.h>

#include <string>

#include "job_detail/detail/civil_time.h"

namespace job_detail {
namespace {

// Signed at Sun, 29 Nov 2026 14:00:00 GMT for one hour.
constexpr std::int64_t kSignedAt = 1'795'960'800'000;
constexpr std::int64_t kExpiresAt = kSignedAt + 3'600'000;
const std::string kUrl =
    "https://bucket.s3.us-east-1.amazonaws.com/jobs/j1/steps.json?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAEXAMPLE%2F20261129%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20261129T140000Z&X-Amz-Expires=3600"
    "&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE&X-Amz-Signature=deadbeef"
    "&X-Amz-SignedHeaders=host&x-id=GetObject";

TEST(CivilTimeTest, ParsesEveryHttpDateForm) {
  EXPECT_EQ(detail::ParseHttpDate("Sun, 29 Nov 2026 14:00:00 GMT"), kSignedAt);
  EXPECT_EQ(detail::ParseHttpDate("Sunday, 29-Nov-26 14:00:00 GMT"), kSignedAt);
  EXPECT_EQ(detail::ParseHttpDate("Sun Nov 29 14:00:00 2026"), kSignedAt);
  EXPECT_EQ(detail::ParseHttpDate("Sun Nov  6 08:49:37 1994"), 784'111'777'000);
  EXPECT_EQ(detail::ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784'111'777'000);
  EXPECT_EQ(detail::ParseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(detail::ParseHttpDate("Sat, 29 Feb 2020 00:00:00 GMT"), 1'582'934'400'000);
}

TEST(CivilTimeTest, RejectsImpossibleOrSloppyDates) {
  EXPECT_EQ(detail::ParseHttpDate("Sun, 29 Feb 2026 00:00:00 GMT"), std::nullopt);
  EXPECT_EQ(detail::ParseHttpDate("Sun, 31 Apr 2026 00:00:00 GMT"), std::nullopt);
  EXPECT_EQ(detail::ParseHttpDate("Sun, 29 Nov 2026 24:00:00 GMT"), std::nullopt);
  EXPECT_EQ(detail::ParseHttpDate("Sun, 29 Nov 2026 14:00 GMT"), std::nullopt);
  EXPECT_EQ(detail::ParseHttpDate("Sun, 29 Nov 2026 14:00:00 +0000"), std::nullopt);
  EXPECT_EQ(detail::ParseHttpDate("Xyz, 29 Nov 2026 14:00:00 GMT"), std::nullopt);
  EXPECT_EQ(detail::ParseHttpDate(""), std::nullopt);
  EXPECT_EQ(detail::ParseIsoBasicUtc("20261129T140000"), std::nullopt);
  EXPECT_EQ(detail::ParseIsoBasicUtc("20261329T140000Z"), std::nullopt);
  EXPECT_EQ(detail::ParseIsoExtendedUtc("2026-11-29T14:00:00.250Z"), kSignedAt + 250);
}

TEST(PresignedUrlTest, ExpiryFromDateAndExpires) { EXPECT_EQ(PresignedExpiryMs(kUrl), kExpiresAt); }

TEST(PresignedUrlTest, UnparsableUrlHasUnknownExpiry) {
  EXPECT_EQ(PresignedExpiryMs("https://b.example/k.json"), std::nullopt);
  EXPECT_EQ(PresignedExpiryMs("https://b.example/k?X-Amz-Date=20261129T140000Z"), std::nullopt);
  EXPECT_EQ(PresignedExpiryMs("https://b.example/k?X-Amz-Expires=60"), std::nullopt);
  EXPECT_EQ(PresignedExpiryMs("https://b.example/k?X-Amz-Date=2026-11-29&X-Amz-Expires=60"),
            std::nullopt);
  EXPECT_EQ(PresignedExpiryMs("https://b.example/k?X-Amz-Date=20261129T140000Z&X-Amz-Expires=0"),
            std::nullopt);
  EXPECT_EQ(
      PresignedExpiryMs("https://b.example/k?X-Amz-Date=20261129T140000Z&X-Amz-Expires=604801"),
      std::nullopt);
  EXPECT_EQ(PresignedExpiryMs("https://b.example/k?X-Amz-Date=20261129T140000Z&X-Amz-Expires=1h"),
            std::nullopt);
  EXPECT_EQ(PresignedExpiryMs("not a url"), std::nullopt);
  EXPECT_EQ(CheckFreshness(std::nullopt, kSignedAt, 0), UrlFreshness::kUnknown);
}

TEST(PresignedUrlTest, ExpiredThirtySecondsEarly) {
  const auto expiry = PresignedExpiryMs(kUrl);
  EXPECT_EQ(CheckFreshness(expiry, kExpiresAt - 30'001, 0), UrlFreshness::kFresh);
  EXPECT_EQ(CheckFreshness(expiry, kExpiresAt - 30'000, 0), UrlFreshness::kExpired);
  EXPECT_EQ(CheckFreshness(expiry, kExpiresAt + 1, 0), UrlFreshness::kExpired);
}

TEST(PresignedUrlTest, SkewFromTheDateHeaderInBothDirections) {
  // Our clock is 10 minutes behind the server: the URL expires earlier on our clock.
  const auto behind = SkewFromDateHeader("Sun, 29 Nov 2026 14:10:00 GMT", kSignedAt);
  ASSERT_EQ(behind, 600'000);
  const auto expiry = PresignedExpiryMs(kUrl);
  EXPECT_EQ(CheckFreshness(expiry, kExpiresAt - 600'000 - 30'001, *behind), UrlFreshness::kFresh);
  EXPECT_EQ(CheckFreshness(expiry, kExpiresAt - 600'000 - 30'000, *behind), UrlFreshness::kExpired);
  // Our clock is 10 minutes ahead: the URL lives longer on our clock.
  const auto ahead = SkewFromDateHeader("Sun, 29 Nov 2026 13:50:00 GMT", kSignedAt);
  ASSERT_EQ(ahead, -600'000);
  EXPECT_EQ(CheckFreshness(expiry, kExpiresAt + 600'000 - 30'001, *ahead), UrlFreshness::kFresh);
  EXPECT_EQ(CheckFreshness(expiry, kExpiresAt, 0), UrlFreshness::kExpired);
  EXPECT_EQ(SkewFromDateHeader("garbage", kSignedAt), std::nullopt);
}

TEST(PresignedUrlTest, CacheKeyIsTheObjectNotTheSignature) {
  EXPECT_EQ(StepsCacheKey(kUrl), "https://bucket.s3.us-east-1.amazonaws.com/jobs/j1/steps.json");
  const std::string resigned =
      "https://BUCKET.s3.us-east-1.amazonaws.com/jobs/j1/steps.json?X-Amz-Date=20261129T150000Z"
      "&X-Amz-Expires=3600&X-Amz-Signature=cafe#frag";
  EXPECT_EQ(StepsCacheKey(resigned), StepsCacheKey(kUrl));
  EXPECT_NE(StepsCacheKey("https://bucket.s3.us-east-1.amazonaws.com/jobs/j2/steps.json?a=b"),
            StepsCacheKey(kUrl));
  EXPECT_EQ(StepsCacheKey("HTTP://127.0.0.1:4569/b/k?X-Amz-Signature=s"),
            "http://127.0.0.1:4569/b/k");
  EXPECT_EQ(StepsCacheKey("/relative/k?X-Amz-Signature=s"), "/relative/k");
}

TEST(PresignedUrlTest, RedactionRemovesEverySecret) {
  const std::string redacted = RedactUrl(kUrl);
  EXPECT_EQ(redacted,
            "https://bucket.s3.us-east-1.amazonaws.com/jobs/j1/steps.json"
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED"
            "&X-Amz-Date=20261129T140000Z&X-Amz-Expires=3600&X-Amz-Security-Token=REDACTED"
            "&X-Amz-Signature=REDACTED&X-Amz-SignedHeaders=host&x-id=GetObject");
  EXPECT_EQ(redacted.find("deadbeef"), std::string::npos);
  EXPECT_EQ(redacted.find("AKIA"), std::string::npos);
  EXPECT_EQ(redacted.find("FwoG"), std::string::npos);
}

TEST(PresignedUrlTest, RedactionIsCaseAndEncodingInsensitive) {
  EXPECT_EQ(RedactUrl("https://h/k?x-amz-signature=s1&X%2DAmz%2DCredential=c&Signature=v2"
                      "&AWSAccessKeyId=AKIA&flag#frag"),
            "https://h/k?x-amz-signature=REDACTED&X%2DAmz%2DCredential=REDACTED"
            "&Signature=REDACTED&AWSAccessKeyId=REDACTED&flag");
  EXPECT_EQ(RedactUrl("https://user:pw@h/k?X-Amz-Signature=s"),
            "https://h/k?X-Amz-Signature=REDACTED");
  EXPECT_EQ(RedactUrl("/api/jobs/1"), "/api/jobs/1");
  EXPECT_EQ(RedactUrl("k?X-Amz-Signature=s"), "k?X-Amz-Signature=REDACTED");
}

TEST(PresignedUrlTest, SchemePolicy) {
  EXPECT_EQ(CheckFetchAllowed(kUrl), std::nullopt);
  EXPECT_EQ(CheckFetchAllowed("HTTPS://h.example/k"), std::nullopt);
  EXPECT_EQ(CheckFetchAllowed("http://127.0.0.1:4569/b/k"), std::nullopt);
  EXPECT_EQ(CheckFetchAllowed("http://127.255.3.4/b/k"), std::nullopt);
  EXPECT_EQ(CheckFetchAllowed("http://localhost:4569/b/k"), std::nullopt);
  EXPECT_EQ(CheckFetchAllowed("http://LocalHost./b/k"), std::nullopt);
  EXPECT_EQ(CheckFetchAllowed("http://[::1]:4569/b/k"), std::nullopt);
  for (const char* refused :
       {"http://bucket.s3.amazonaws.com/k", "http://128.0.0.1/k", "http://127.0.0.1.evil.example/k",
        "http://127.0.0.256/k", "http://127.1/k", "http://localhost.evil.example/k",
        "http://[::2]/k", "ftp://localhost/k", "javascript:alert(1)", "data:text/plain,x",
        "file:///etc/passwd", "/relative/k", "https:///k", "https://127.0.0.1@evil.example/k",
        "https://h.example/k with space", "http://[::1/k"}) {
    const auto verdict = CheckFetchAllowed(refused);
    ASSERT_TRUE(verdict.has_value()) << refused;
    EXPECT_EQ(verdict->code, ErrorCode::kForbidden) << refused;
  }
}

TEST(PresignedUrlTest, AllowedHosts) {
  const std::vector<std::string> allowed = {"bucket.s3.us-east-1.amazonaws.com", "127.0.0.1:4569"};
  EXPECT_EQ(CheckFetchAllowed(kUrl, allowed), std::nullopt);
  EXPECT_EQ(CheckFetchAllowed("https://BUCKET.s3.us-east-1.amazonaws.com/k", allowed),
            std::nullopt);
  EXPECT_EQ(CheckFetchAllowed("http://127.0.0.1:4569/b/k", allowed), std::nullopt);
  EXPECT_TRUE(CheckFetchAllowed("http://127.0.0.1:9999/b/k", allowed).has_value());
  EXPECT_TRUE(CheckFetchAllowed("https://other.example/k", allowed).has_value());
}

}  // namespace
}  // namespace job_detail
