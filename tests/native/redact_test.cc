#include "job_detail/redact.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "job_detail/job.h"
#include "job_detail/presigned_url.h"

namespace job_detail {
namespace {

// Every secret below carries this marker, so a leak of any part of one is found by a search.
constexpr std::string_view kMarker = "SECRET";

void ExpectNoSecret(std::string_view text) {
  const std::string redacted = RedactSecrets(text);
  EXPECT_EQ(redacted.find(kMarker), std::string::npos) << text << "\n-> " << redacted;
  EXPECT_EQ(RedactSecrets(redacted), redacted) << "not idempotent: " << redacted;
}

// A SigV4 presigned URL whose credential, token and signature hold the marker, with `&` written
// as `amp`, `=` as `eq`, `?` as `q` and `/` as `slash` (so each writer's escapes can be applied).
std::string PresignedUrl(std::string_view amp, std::string_view eq, std::string_view q = "?",
                         std::string_view slash = "/", std::string_view plus = "+") {
  std::string url = "https:" + std::string(slash) + std::string(slash) + "b.s3.amazonaws.com" +
                    std::string(slash) + "jobs" + std::string(slash) + "steps.json" +
                    std::string(q);
  const auto param = [&](std::string_view name, std::string_view value, bool first = false) {
    if (!first) url += amp;
    url += name;
    url += eq;
    url += value;
  };
  param("X-Amz-Algorithm", "AWS4-HMAC-SHA256", true);
  param("X-Amz-Credential", "AKIASECRET%2F20261129%2Fus-east-1%2Fs3%2Faws4_request");
  param("X-Amz-Date", "20261129T140000Z");
  param("X-Amz-Expires", "3600");
  param("X-Amz-Security-Token", "IQoJSECRETb3JpZ2lu" + std::string(plus) + "ZWMQ" +
                                    std::string(slash) + "SECRETx" + std::string(eq) +
                                    std::string(eq));
  param("X-Amz-Signature", "0123456789abcdefSECRET");
  param("X-Amz-SignedHeaders", "host");
  return url;
}

TEST(RedactTest, RawS3Url) {
  const std::string url = PresignedUrl("&", "=");
  EXPECT_EQ(RedactSecrets(url),
            "https://b.s3.amazonaws.com/jobs/steps.json?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=REDACTED&X-Amz-Date=20261129T140000Z&X-Amz-Expires=3600"
            "&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED&X-Amz-SignedHeaders=host");
}

TEST(RedactTest, PercentEncodedUrls) {
  // An echoed URL, encoded once (as a query value) or twice.
  ExpectNoSecret("redirect=" + PresignedUrl("%26", "%3D", "%3F", "%2F", "%2B"));
  ExpectNoSecret("redirect=" + PresignedUrl("%2526", "%253D", "%253F", "%252F", "%252B"));
  EXPECT_EQ(RedactSecrets("k%3FX-Amz-Signature%3DabcSECRET%26X-Amz-Date%3D1"),
            "k%3FX-Amz-Signature%3DREDACTED%26X-Amz-Date%3D1");
  EXPECT_EQ(RedactSecrets("k?X%2DAmz%2DSignature=abcSECRET"), "k?X%2DAmz%2DSignature=REDACTED");
  EXPECT_EQ(RedactSecrets("k?x-amz-signature%3dabcSECRET"), "k?x-amz-signature%3dREDACTED");
}

TEST(RedactTest, JsonEscapedUrls) {
  ExpectNoSecret(PresignedUrl("\\u0026", "="));
  ExpectNoSecret(PresignedUrl("\\u0026", "\\u003d", "\\u003f", "\\/", "\\u002b"));
  ExpectNoSecret(PresignedUrl("\\u0026", "\\u003D", "\\u003F", "\\u002F", "\\u002B"));
  // JSON inside JSON: the backslash escaped once more.
  ExpectNoSecret(PresignedUrl("\\\\u0026", "\\\\u003d", "\\\\u003f", "\\\\/", "\\\\u002b"));
  EXPECT_EQ(RedactSecrets(R"(k\u003FSignature\u003dabcSECRET\u0026Expires=1)"),
            R"(k\u003FSignature\u003dREDACTED\u0026Expires=1)");
}

TEST(RedactTest, HtmlEntityEscapedUrls) {
  ExpectNoSecret(PresignedUrl("&amp;", "="));
  ExpectNoSecret(PresignedUrl("&#38;", "&#61;", "&#63;"));
  ExpectNoSecret(PresignedUrl("&#x26;", "&#x3D;", "&#x3f;", "&#x2F;", "&#x2B;"));
  ExpectNoSecret(PresignedUrl("&AMP;", "&equals;", "&quest;", "&sol;", "&plus;"));
  // HTML inside JSON.
  ExpectNoSecret(PresignedUrl("\\u0026amp;", "\\u003d"));
}

// A job as Go's encoding/json writes it: `&` (and `<`, `>`) as \u0026, slashes as they are.
std::string GoStyleJob() {
  return R"({"job_id":"j1","status":"completed","execution_steps_s3_key":"jobs/j1/steps.json",)"
         R"("execution_steps_s3_url":")" +
         PresignedUrl("\\u0026", "=") + R"("})";
}

// A job as .NET's System.Text.Json writes it by default: `&`, `+`, `=` and friends as \u00XX in
// upper-case hex.
std::string DotNetStyleJob() {
  return R"({"job_id":"j1","status":"completed","execution_steps_s3_key":"jobs/j1/steps.json",)"
         R"("execution_steps_s3_url":")" +
         PresignedUrl("\\u0026", "\\u003D", "?", "/", "\\u002B") + R"("})";
}

TEST(RedactTest, GoAndDotNetStyleJobBodies) {
  for (const std::string& body : {GoStyleJob(), DotNetStyleJob()}) {
    // The job decodes the URL as written by the API.
    const Result<Job> job = ParseJob(body);
    ASSERT_TRUE(job.ok()) << body;
    ASSERT_TRUE(job.value().s3_url.has_value());
    EXPECT_EQ(*job.value().s3_url, PresignedUrl("&", "="));
    // The body itself, cut anywhere, and any error the cut body gives, holds no secret.
    for (std::size_t cut = 0; cut <= body.size(); ++cut) {
      const std::string_view prefix = std::string_view(body).substr(0, cut);
      ExpectNoSecret(prefix);
      const Result<Job> cut_job = ParseJob(prefix);
      if (cut_job.ok()) continue;
      EXPECT_EQ(cut_job.error().message.find(kMarker), std::string::npos)
          << cut_job.error().message;
    }
  }
}

TEST(RedactTest, CloudFrontCannedPolicyUrl) {
  EXPECT_EQ(
      RedactSecrets("https://d111111abcdef8.cloudfront.net/image.jpg?Expires=1357034400"
                    "&Signature=nitfHRCrtziwO2HwPfWw~yYDhUF5EwRunQA-j19DzZrvDh6hQ73lDx~-SECRET"
                    "&Key-Pair-Id=APKA9ONS7QCOWSECRET"),
      "https://d111111abcdef8.cloudfront.net/image.jpg?Expires=1357034400"
      "&Signature=REDACTED&Key-Pair-Id=REDACTED");
}

TEST(RedactTest, CloudFrontCustomPolicyUrl) {
  const std::string url =
      "https://d111111abcdef8.cloudfront.net/game_download.zip"
      "?Policy=eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cDovL2QxMTExMTFhYmNkZWY4SECRET__"
      "&Signature=H5qVUr~Di4tMKIJSECRET-x5~QzoQv&Key-Pair-Id=K2JCJMDEHXQW5FSECRET";
  EXPECT_EQ(RedactSecrets(url),
            "https://d111111abcdef8.cloudfront.net/game_download.zip"
            "?Policy=REDACTED&Signature=REDACTED&Key-Pair-Id=REDACTED");
  ExpectNoSecret(R"(https:\/\/d1.cloudfront.net\/a.zip?Policy=eyJTSECRET\u0026Signature=)"
                 R"(H5qSECRET\u0026Key-Pair-Id=K2JSECRET)");
  ExpectNoSecret(
      "url=https%3A%2F%2Fd1.cloudfront.net%2Fa%3FPolicy%3DeyJSECRET%26Signature%3D"
      "H5SECRET%26Key-Pair-Id%3DK2SECRET");
}

TEST(RedactTest, SignatureMatchesAsAParameterNameOnly) {
  // Inside X-Amz-Signature: one redaction, not two.
  EXPECT_EQ(RedactSecrets("?X-Amz-Signature=abc"), "?X-Amz-Signature=REDACTED");
  // Inside words, or without a value: left alone.
  EXPECT_EQ(RedactSecrets("MySignature=keep&NoPolicy=keep"), "MySignature=keep&NoPolicy=keep");
  EXPECT_EQ(RedactSecrets("SignatureDoesNotMatch: The request signature we calculated"),
            "SignatureDoesNotMatch: The request signature we calculated");
  EXPECT_EQ(RedactSecrets("Signature= b"), "Signature= b");
  // At the start of the text, after a space, `?` or `&` in any form: a parameter.
  EXPECT_EQ(RedactSecrets("Signature=a b AWSAccessKeyId=AKIA1&c=2"),
            "Signature=REDACTED b AWSAccessKeyId=REDACTED&c=2");
  EXPECT_EQ(RedactSecrets("k&amp;signature=a&#38;POLICY=b"),
            "k&amp;signature=REDACTED&#38;POLICY=REDACTED");
}

TEST(RedactTest, OrdinaryTextIsKeptAsWritten) {
  for (std::string_view text :
       {"no secrets here = fine", "", "a=b&c=d", "100% done, 50%2 of it", "\\u00", "&#;&#x;",
        "caf\xC3\xA9 \\u00e9", "policy: keep the Key-Pair-Id secret"}) {
    EXPECT_EQ(RedactSecrets(text), text);
  }
}

TEST(RedactTest, AValueCutByTheEndOfTheTextIsRedacted) {
  EXPECT_EQ(RedactSecrets("?X-Amz-Signature=ab"), "?X-Amz-Signature=REDACTED");
  EXPECT_EQ(RedactSecrets("?X-Amz-Credential=AKIA%2"), "?X-Amz-Credential=REDACTED");
  EXPECT_EQ(RedactSecrets("?X-Amz-Credential=AKIA\\u00"), "?X-Amz-Credential=REDACTED\\u00");
}

TEST(RedactTest, UrlsLoseUserInfoAndFragmentToo) {
  EXPECT_EQ(RedactUrl("https://user:pw@h/k?X-Amz-Signature=s#frag"),
            "https://h/k?X-Amz-Signature=REDACTED");
  EXPECT_EQ(RedactUrl("https://h/k?Policy=p&Signature=s&Key-Pair-Id=k"),
            "https://h/k?Policy=REDACTED&Signature=REDACTED&Key-Pair-Id=REDACTED");
}

}  // namespace
}  // namespace job_detail
