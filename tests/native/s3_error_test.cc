#include "job_detail/detail/s3_error.h"

#include <gtest/gtest.h>

#include <string>

namespace job_detail::detail {
namespace {

TEST(S3ErrorTest, ExpiredPresignedUrlBody) {
  const auto parsed = ParseS3ErrorBody(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
      "<X-Amz-Expires>3600</X-Amz-Expires><Expires>2026-11-29T15:00:00Z</Expires>"
      "<ServerTime>2026-11-29T15:00:07Z</ServerTime><RequestId>ABC</RequestId></Error>");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->code, "AccessDenied");
  EXPECT_EQ(parsed->message, "Request has expired");
  EXPECT_EQ(parsed->server_time, "2026-11-29T15:00:07Z");
  EXPECT_EQ(parsed->server_time_ms, 1'795'964'407'000);
}

TEST(S3ErrorTest, WhitespaceEntitiesAndCdata) {
  const auto parsed = ParseS3ErrorBody(
      "<Error>\n  <Code>\n    NoSuchKey\n  </Code>\n"
      "  <Message>The key &lt;steps&gt; &amp; &quot;x&quot; &#39;y&#x27; &#x2014;</Message>\n"
      "</Error>");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->code, "NoSuchKey");
  EXPECT_EQ(parsed->message, "The key <steps> & \"x\" 'y' \xE2\x80\x94");
  EXPECT_FALSE(parsed->server_time_ms.has_value());
  const auto cdata = ParseS3ErrorBody("<Error><Code><![CDATA[SlowDown]]></Code></Error>");
  ASSERT_TRUE(cdata.has_value());
  EXPECT_EQ(cdata->code, "SlowDown");
}

TEST(S3ErrorTest, LongerElementNamesAreNotConfused) {
  const auto parsed = ParseS3ErrorBody(
      "<Error><CodeHint>nope</CodeHint><Code>RequestTimeout</Code>"
      "<MessageId>1</MessageId><Message>Your socket connection timed out</Message></Error>");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->code, "RequestTimeout");
  EXPECT_EQ(parsed->message, "Your socket connection timed out");
}

TEST(S3ErrorTest, NotAnS3ErrorBody) {
  EXPECT_FALSE(ParseS3ErrorBody("").has_value());
  EXPECT_FALSE(ParseS3ErrorBody("<html><body>503 Service Unavailable</body></html>").has_value());
  EXPECT_FALSE(ParseS3ErrorBody("<Error><Code>Unclosed").has_value());
  EXPECT_FALSE(ParseS3ErrorBody("<Code").has_value());
}

TEST(S3ErrorTest, MalformedReferencesStayLiteralAndBadServerTimeIsKeptRaw) {
  const auto parsed = ParseS3ErrorBody(
      "<Error><Code>X</Code><Message>a &bogus; b &#xZZ; c &#0; d</Message>"
      "<ServerTime>yesterday</ServerTime></Error>");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->message, "a &bogus; b &#xZZ; c \xEF\xBF\xBD d");
  EXPECT_EQ(parsed->server_time, "yesterday");
  EXPECT_FALSE(parsed->server_time_ms.has_value());
}

TEST(S3ErrorTest, OnlyTheFirstPartOfAHugeBodyIsRead) {
  std::string body(kMaxS3ErrorBodyBytes, ' ');
  body += "<Error><Code>Late</Code></Error>";
  EXPECT_FALSE(ParseS3ErrorBody(body).has_value());
}

TEST(S3ErrorTest, EmptyElement) {
  const auto parsed = ParseS3ErrorBody("<Error><Code/><Message>m</Message></Error>");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->code, "");
  EXPECT_EQ(parsed->message, "m");
}

}  // namespace
}  // namespace job_detail::detail
