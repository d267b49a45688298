// CloudFront signed URLs: both policy forms, the clock rules shared with presigned S3 URLs, typed
// problems for policies that cannot be read, CloudFront's 403 bodies, and redaction.
#include "job_detail/cloudfront_url.h"

#include <gtest/gtest.h>

#include <string>

#include "job_detail/fetch_outcome.h"
#include "job_detail/presigned_url.h"
#include "job_detail/redact.h"

namespace job_detail {
namespace {

// Sun, 29 Nov 2026 14:00:00 GMT, in epoch seconds.
constexpr std::int64_t kSignedAtS = 1'795'960'800;
constexpr std::int64_t kExpiresS = kSignedAtS + 3600;
constexpr std::int64_t kExpiresMs = kExpiresS * 1000;
constexpr std::int64_t kHourMs = 3'600'000;
const std::string kBase = "https://d111111abcdef8.cloudfront.net/jobs/j1/steps.json";

// Base64 in CloudFront's alphabet, written plainly (the test side of the decoder under test).
std::string CloudFrontBase64(std::string_view text) {
  static const char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(text[i]) << 16) |
                       (static_cast<unsigned char>(text[i + 1]) << 8) |
                       static_cast<unsigned char>(text[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kDigits[(v >> shift) & 63]);
  }
  if (text.size() - i == 1) {
    const unsigned v = static_cast<unsigned char>(text[i]) << 16;
    out += {kDigits[(v >> 18) & 63], kDigits[(v >> 12) & 63], '_', '_'};
  } else if (text.size() - i == 2) {
    const unsigned v = (static_cast<unsigned char>(text[i]) << 16) |
                       (static_cast<unsigned char>(text[i + 1]) << 8);
    out += {kDigits[(v >> 18) & 63], kDigits[(v >> 12) & 63], kDigits[(v >> 6) & 63], '_'};
  }
  return out;
}

std::string PolicyJson(std::string_view conditions) {
  return R"({"Statement":[{"Resource":")" + kBase + R"(","Condition":{)" + std::string(conditions) +
         "}}]}";
}

std::string Until(std::int64_t s) {
  return R"("DateLessThan":{"AWS:EpochTime":)" + std::to_string(s) + "}";
}
std::string From(std::int64_t s) {
  return R"("DateGreaterThan":{"AWS:EpochTime":)" + std::to_string(s) + "}";
}

std::string CustomUrl(std::string_view policy_json) {
  return kBase + "?Policy=" + CloudFrontBase64(policy_json) +
         "&Signature=Nql641NHEUkUaXQHZINK1FZ~SYeUSoBJMxjdgqrzIdzV2gyEXPDNv0pYdWJkflDKJ3xIu7lbwRpSk"
         "G98NBlgPi4ZJpRRnVX4kXAJK6tdNx6FucDB7OVqzcxkxHsGFd8VCG1BkC-Afh9~lOCMIYHIaiOB6~5jt9w2EOwi6s"
         "IIqrg_&Key-Pair-Id=K2JCJMDEHXQW5F";
}

std::string CannedUrl(std::string_view expires) {
  return kBase + "?Expires=" + std::string(expires) +
         "&Signature=abc~def-ghi_&Key-Pair-Id=K2JCJMDEHXQW5F";
}

TEST(CloudFrontUrlTest, CannedPolicyExpiresAtItsEpochSeconds) {
  const auto terms = ReadCloudFrontUrl(CannedUrl(std::to_string(kExpiresS)));
  EXPECT_EQ(terms.form, CloudFrontUrlForm::kCanned);
  EXPECT_EQ(terms.problem, CloudFrontPolicyProblem::kNone);
  EXPECT_EQ(terms.expires_ms, kExpiresMs);
  EXPECT_EQ(terms.not_before_ms, std::nullopt);
  // The session reads every signed URL's expiry through one function.
  EXPECT_EQ(PresignedExpiryMs(CannedUrl(std::to_string(kExpiresS))), kExpiresMs);
}

TEST(CloudFrontUrlTest, CustomPolicyExpiresAtDateLessThan) {
  const std::string url = CustomUrl(PolicyJson(Until(kExpiresS)));
  const auto terms = ReadCloudFrontUrl(url);
  EXPECT_EQ(terms.form, CloudFrontUrlForm::kCustom);
  EXPECT_EQ(terms.problem, CloudFrontPolicyProblem::kNone);
  EXPECT_EQ(terms.expires_ms, kExpiresMs);
  EXPECT_EQ(terms.not_before_ms, std::nullopt);
  EXPECT_EQ(PresignedExpiryMs(url), kExpiresMs);
}

TEST(CloudFrontUrlTest, CustomPolicyReadsDateGreaterThanInAnyOrderAndSpacing) {
  const std::string json = "{ \"Statement\" : [ { \"Condition\" : { " + From(kSignedAtS) + " , " +
                           Until(kExpiresS) + " }, \"Resource\" : \"https://*\" } ] }";
  const auto terms = ReadCloudFrontUrl(CustomUrl(json));
  EXPECT_EQ(terms.problem, CloudFrontPolicyProblem::kNone);
  EXPECT_EQ(terms.expires_ms, kExpiresMs);
  EXPECT_EQ(terms.not_before_ms, kSignedAtS * 1000);
}

TEST(CloudFrontUrlTest, PercentEncodedPolicyIsDecodedFirst) {
  std::string url = CustomUrl(PolicyJson(Until(kExpiresS)));
  const std::size_t at = url.find("Policy=") + 7;
  url.replace(at, 1,
              "%" + std::string(1, "0123456789ABCDEF"[url[at] >> 4]) +
                  std::string(1, "0123456789ABCDEF"[url[at] & 15]));
  EXPECT_EQ(ReadCloudFrontUrl(url).expires_ms, kExpiresMs);
}

TEST(CloudFrontUrlTest, ExpiryFollowsTheServerClockWithTheMargin) {
  const auto terms = ReadCloudFrontUrl(CustomUrl(PolicyJson(Until(kExpiresS))));
  const std::int64_t local = kExpiresMs - 10 * 60'000;  // 10 min left on our clock
  EXPECT_EQ(CheckCloudFrontFreshness(terms, local, 0), UrlFreshness::kFresh);
  // The server is 10 min ahead (minus 20 s): inside the 30 s margin.
  EXPECT_EQ(CheckCloudFrontFreshness(terms, local, 10 * 60'000 - 20'000), UrlFreshness::kExpired);
  // Our clock says expired, the server is an hour behind: still fresh.
  EXPECT_EQ(CheckCloudFrontFreshness(terms, kExpiresMs + 60'000, -kHourMs), UrlFreshness::kFresh);
  // Canned works the same way.
  const auto canned = ReadCloudFrontUrl(CannedUrl(std::to_string(kExpiresS)));
  EXPECT_EQ(CheckCloudFrontFreshness(canned, kExpiresMs - 29'000, 0), UrlFreshness::kExpired);
  EXPECT_EQ(CheckCloudFrontFreshness(canned, kExpiresMs - 31'000, 0), UrlFreshness::kFresh);
}

TEST(CloudFrontUrlTest, NotYetValidOnTheServerClock) {
  const auto terms =
      ReadCloudFrontUrl(CustomUrl(PolicyJson(From(kSignedAtS + 600) + "," + Until(kExpiresS))));
  ASSERT_EQ(terms.problem, CloudFrontPolicyProblem::kNone);
  const std::int64_t local = kSignedAtS * 1000;
  EXPECT_EQ(CheckCloudFrontFreshness(terms, local, 0), UrlFreshness::kNotYetValid);
  // At DateGreaterThan exactly CloudFront still refuses; one second later it accepts.
  EXPECT_EQ(CheckCloudFrontFreshness(terms, local + 600'000, 0), UrlFreshness::kNotYetValid);
  EXPECT_EQ(CheckCloudFrontFreshness(terms, local + 601'000, 0), UrlFreshness::kFresh);
  // Our clock is behind the server's by 11 minutes: valid already.
  EXPECT_EQ(CheckCloudFrontFreshness(terms, local, 11 * 60'000), UrlFreshness::kFresh);
  // Our clock is 11 minutes ahead: on the server's it is not valid yet.
  EXPECT_EQ(CheckCloudFrontFreshness(terms, local + 601'000, -11 * 60'000),
            UrlFreshness::kNotYetValid);
  // Expired wins over not-yet-valid when a policy's window is empty and past.
  const auto empty_window =
      ReadCloudFrontUrl(CustomUrl(PolicyJson(From(kExpiresS) + "," + Until(kSignedAtS))));
  EXPECT_EQ(CheckCloudFrontFreshness(empty_window, kExpiresMs, 0), UrlFreshness::kExpired);
}

struct MalformedRow {
  const char* name;
  std::string url;
  CloudFrontUrlForm form;
  CloudFrontPolicyProblem problem;
};

class MalformedTest : public ::testing::TestWithParam<MalformedRow> {};

TEST_P(MalformedTest, IsATypedProblemWithAnUnknownExpiry) {
  const MalformedRow& row = GetParam();
  const auto terms = ReadCloudFrontUrl(row.url);
  EXPECT_EQ(terms.form, row.form);
  EXPECT_EQ(terms.problem, row.problem);
  EXPECT_EQ(terms.expires_ms, std::nullopt);
  EXPECT_EQ(PresignedExpiryMs(row.url), std::nullopt);
  EXPECT_EQ(CheckCloudFrontFreshness(terms, 0, 0), UrlFreshness::kUnknown);
}

const std::string kPolicyParam = "?Signature=s&Key-Pair-Id=K&Policy=";

INSTANTIATE_TEST_SUITE_P(
    Policies, MalformedTest,
    ::testing::Values(
        MalformedRow{"standard_alphabet", kBase + kPolicyParam + "eyJTdGF0ZW1lbnQiOltdfQ==",
                     CloudFrontUrlForm::kCustom, CloudFrontPolicyProblem::kBadBase64},
        MalformedRow{"bad_length", kBase + kPolicyParam + "eyJTd", CloudFrontUrlForm::kCustom,
                     CloudFrontPolicyProblem::kBadBase64},
        MalformedRow{"plus_sign", kBase + kPolicyParam + "eyJT+GF0", CloudFrontUrlForm::kCustom,
                     CloudFrontPolicyProblem::kBadBase64},
        MalformedRow{"not_json", CustomUrl("{\"Statement\":[{"), CloudFrontUrlForm::kCustom,
                     CloudFrontPolicyProblem::kBadJson},
        MalformedRow{"not_an_object", CustomUrl("[1]"), CloudFrontUrlForm::kCustom,
                     CloudFrontPolicyProblem::kBadJson},
        MalformedRow{"two_statements",
                     CustomUrl("{\"Statement\":[{\"Condition\":{" + Until(kExpiresS) +
                               "}},{\"Condition\":{" + Until(kExpiresS) + "}}]}"),
                     CloudFrontUrlForm::kCustom, CloudFrontPolicyProblem::kBadJson},
        MalformedRow{"string_epoch",
                     CustomUrl(PolicyJson(R"("DateLessThan":{"AWS:EpochTime":"1795964400"})")),
                     CloudFrontUrlForm::kCustom, CloudFrontPolicyProblem::kBadJson},
        MalformedRow{"fractional_epoch",
                     CustomUrl(PolicyJson(R"("DateLessThan":{"AWS:EpochTime":1795964400.5})")),
                     CloudFrontUrlForm::kCustom, CloudFrontPolicyProblem::kBadJson},
        MalformedRow{"negative_epoch", CustomUrl(PolicyJson(Until(-1))), CloudFrontUrlForm::kCustom,
                     CloudFrontPolicyProblem::kBadJson},
        MalformedRow{"huge_epoch",
                     CustomUrl(PolicyJson(R"("DateLessThan":{"AWS:EpochTime":1e400})")),
                     CloudFrontUrlForm::kCustom, CloudFrontPolicyProblem::kBadJson},
        MalformedRow{"bad_date_greater_than",
                     CustomUrl(PolicyJson(Until(kExpiresS) +
                                          R"(,"DateGreaterThan":{"AWS:EpochTime":null})")),
                     CloudFrontUrlForm::kCustom, CloudFrontPolicyProblem::kBadJson},
        MalformedRow{"no_date_less_than", CustomUrl(PolicyJson(From(kSignedAtS))),
                     CloudFrontUrlForm::kCustom, CloudFrontPolicyProblem::kNoDateLessThan},
        MalformedRow{"no_condition", CustomUrl(R"({"Statement":[{"Resource":"*"}]})"),
                     CloudFrontUrlForm::kCustom, CloudFrontPolicyProblem::kNoDateLessThan},
        MalformedRow{"canned_without_expires", kBase + "?Signature=s&Key-Pair-Id=K",
                     CloudFrontUrlForm::kCanned, CloudFrontPolicyProblem::kBadExpires},
        MalformedRow{"canned_negative", CannedUrl("-1"), CloudFrontUrlForm::kCanned,
                     CloudFrontPolicyProblem::kBadExpires},
        MalformedRow{"canned_date_text", CannedUrl("2026-11-29"), CloudFrontUrlForm::kCanned,
                     CloudFrontPolicyProblem::kBadExpires},
        MalformedRow{"canned_too_far", CannedUrl("99999999999999"), CloudFrontUrlForm::kCanned,
                     CloudFrontPolicyProblem::kBadExpires}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CloudFrontUrlTest, UrlsWithoutCloudFrontTermsAreNotCloudFront) {
  EXPECT_EQ(ReadCloudFrontUrl(kBase).form, CloudFrontUrlForm::kNotCloudFront);
  EXPECT_EQ(ReadCloudFrontUrl(kBase + "?x=1&Expires=5").form, CloudFrontUrlForm::kNotCloudFront);
  EXPECT_EQ(ReadCloudFrontUrl("not a url?Signature=s&Expires=5").form,
            CloudFrontUrlForm::kNotCloudFront);
  // A presigned S3 URL keeps its own expiry even when it also carries an `Expires`.
  EXPECT_EQ(PresignedExpiryMs(
                kBase + "?X-Amz-Date=20261129T140000Z&X-Amz-Expires=60&Expires=1&Signature=s"),
            kSignedAtS * 1000 + 60'000);
}

TEST(CloudFrontUrlTest, ForbiddenBodiesAreFinalAndExpiredOnesRefresh) {
  const auto body = [](std::string_view code, std::string_view message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + std::string(code) +
           "</Code><Message>" + std::string(message) + "</Message></Error>";
  };
  for (const auto& [code, message] : {std::pair{"AccessDenied", "Access denied"},
                                      {"MissingKey",
                                       "Missing Key-Pair-Id query parameter or "
                                       "cookie value"},
                                      {"AccessDenied", "Unknown Key"}}) {
    const FetchOutcome outcome = ClassifyS3Response(403, body(code, message));
    EXPECT_EQ(outcome.verdict, FetchVerdict::kFinal) << message;
    EXPECT_EQ(outcome.code, ErrorCode::kForbidden) << message;
  }
  for (const char* message : {"Request has expired", "Access denied: URL expired"}) {
    const FetchOutcome outcome = ClassifyS3Response(403, body("AccessDenied", message));
    EXPECT_EQ(outcome.verdict, FetchVerdict::kRefreshUrl) << message;
    EXPECT_EQ(outcome.code, ErrorCode::kExpired) << message;
  }
}

TEST(CloudFrontUrlTest, RedactedInMetricsAndErrors) {
  const std::string custom = CustomUrl(PolicyJson(Until(kExpiresS)));
  const std::string canned = CannedUrl(std::to_string(kExpiresS));
  for (const std::string& url : {custom, canned}) {
    const std::string redacted = RedactUrl(url);
    EXPECT_EQ(redacted.find("Nql641"), std::string::npos) << redacted;
    EXPECT_EQ(redacted.find("abc~def"), std::string::npos) << redacted;
    EXPECT_EQ(redacted.find("K2JCJMDEHXQW5F"), std::string::npos) << redacted;
    EXPECT_EQ(redacted.find(CloudFrontBase64(PolicyJson(Until(kExpiresS)))), std::string::npos);
    EXPECT_NE(redacted.find("Key-Pair-Id=REDACTED"), std::string::npos) << redacted;
    EXPECT_NE(redacted.find("Signature=REDACTED"), std::string::npos) << redacted;
    EXPECT_NE(redacted.find("/jobs/j1/steps.json"), std::string::npos) << redacted;
  }
  EXPECT_NE(RedactUrl(custom).find("Policy=REDACTED"), std::string::npos);
  EXPECT_NE(RedactUrl(canned).find("Expires=" + std::to_string(kExpiresS)), std::string::npos);
  // An error body that echoes the URL does not carry its credentials into the message.
  const FetchOutcome outcome =
      ClassifyS3Response(403, "<Error><Code>AccessDenied</Code><Message>Access denied for " +
                                  custom + "</Message></Error>");
  EXPECT_EQ(outcome.message.find("Nql641"), std::string::npos) << outcome.message;
  EXPECT_EQ(outcome.message.find("K2JCJMDEHXQW5F"), std::string::npos) << outcome.message;
  EXPECT_EQ(RedactSecrets("GET " + custom).find("K2JCJMDEHXQW5F"), std::string::npos);
}

}  // namespace
}  // namespace job_detail
