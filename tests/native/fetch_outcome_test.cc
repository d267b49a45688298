#include "job_detail/fetch_outcome.h"

#include <gtest/gtest.h>

#include <string>

namespace job_detail {
namespace {

std::string S3Body(std::string_view code, std::string_view message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + std::string(code) +
         "</Code><Message>" + std::string(message) + "</Message></Error>";
}

struct Row {
  int status;
  std::string body;
  FetchVerdict verdict;
  std::optional<ErrorCode> code;
};

TEST(FetchOutcomeTest, EveryS3Row) {
  const Row rows[] = {
      {200, "", FetchVerdict::kSuccess, std::nullopt},
      {304, "", FetchVerdict::kNotModified, std::nullopt},
      {408, "", FetchVerdict::kRetry, ErrorCode::kTimeout},
      {429, "", FetchVerdict::kRetry, ErrorCode::kHttpError},
      {500, S3Body("InternalError", "We encountered an internal error"), FetchVerdict::kRetry,
       ErrorCode::kServerError},
      {502, "<html>Bad Gateway</html>", FetchVerdict::kRetry, ErrorCode::kServerError},
      {503, S3Body("SlowDown", "Please reduce your request rate."), FetchVerdict::kRetry,
       ErrorCode::kServerError},
      {504, "", FetchVerdict::kRetry, ErrorCode::kServerError},
      {400, S3Body("RequestTimeout", "Your socket connection to the server was not read from"),
       FetchVerdict::kRetry, ErrorCode::kTimeout},
      {400, S3Body("InvalidArgument", "x"), FetchVerdict::kFinal, ErrorCode::kHttpError},
      {400, S3Body("ExpiredToken", "The provided token has expired."), FetchVerdict::kRefreshUrl,
       ErrorCode::kExpired},
      {403, S3Body("AccessDenied", "Request has expired"), FetchVerdict::kRefreshUrl,
       ErrorCode::kExpired},
      {403, S3Body("AccessDenied", "Access Denied"), FetchVerdict::kFinal, ErrorCode::kForbidden},
      {403, S3Body("SignatureDoesNotMatch", "The request signature we calculated does not match"),
       FetchVerdict::kFinal, ErrorCode::kForbidden},
      {403, S3Body("RequestTimeTooSkewed", "The difference ... is too large."),
       FetchVerdict::kFinal, ErrorCode::kForbidden},
      {403, "", FetchVerdict::kFinal, ErrorCode::kForbidden},
      {404, S3Body("NoSuchKey", "The specified key does not exist."), FetchVerdict::kFinal,
       ErrorCode::kNotFound},
      {404, S3Body("NoSuchBucket", "The specified bucket does not exist"), FetchVerdict::kFinal,
       ErrorCode::kNotFound},
      {501, S3Body("NotImplemented", "x"), FetchVerdict::kFinal, ErrorCode::kServerError},
      {301, S3Body("PermanentRedirect", "x"), FetchVerdict::kFinal, ErrorCode::kHttpError},
      {401, "", FetchVerdict::kFinal, ErrorCode::kForbidden},
      {410, "", FetchVerdict::kFinal, ErrorCode::kHttpError},
  };
  for (const Row& row : rows) {
    const FetchOutcome outcome = ClassifyS3Response(row.status, row.body);
    EXPECT_EQ(outcome.verdict, row.verdict) << row.status << " " << row.body;
    EXPECT_EQ(outcome.code, row.code) << row.status << " " << row.body;
  }
}

TEST(FetchOutcomeTest, S3MessagesNameTheCode) {
  const FetchOutcome outcome = ClassifyS3Response(404, S3Body("NoSuchKey", "gone"));
  EXPECT_EQ(outcome.message, "HTTP 404 NoSuchKey: gone");
}

TEST(FetchOutcomeTest, ExpiryBodyCarriesServerTime) {
  const FetchOutcome outcome =
      ClassifyS3Response(403,
                         "<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
                         "<ServerTime>2026-11-29T14:00:00Z</ServerTime></Error>");
  EXPECT_EQ(outcome.verdict, FetchVerdict::kRefreshUrl);
  EXPECT_EQ(outcome.server_time_ms, 1'795'960'800'000);
}

TEST(FetchOutcomeTest, TransportErrors) {
  EXPECT_EQ(ClassifyTransportError(TransportErrorKind::kNetwork).verdict, FetchVerdict::kRetry);
  EXPECT_EQ(ClassifyTransportError(TransportErrorKind::kNetwork).code, ErrorCode::kNetwork);
  EXPECT_EQ(ClassifyTransportError(TransportErrorKind::kTimeout).verdict, FetchVerdict::kRetry);
  EXPECT_EQ(ClassifyTransportError(TransportErrorKind::kTimeout).code, ErrorCode::kTimeout);
  EXPECT_EQ(ClassifyTransportError(TransportErrorKind::kAborted).verdict, FetchVerdict::kFinal);
  EXPECT_EQ(ClassifyTransportError(TransportErrorKind::kAborted).code, ErrorCode::kAborted);
  for (auto kind :
       {TransportErrorKind::kNetwork, TransportErrorKind::kTimeout, TransportErrorKind::kAborted}) {
    EXPECT_EQ(TransportErrorKindFromName(TransportErrorKindName(kind)), kind);
  }
  EXPECT_EQ(TransportErrorKindFromName("cors"), std::nullopt);
}

TEST(FetchOutcomeTest, DocumentErrors) {
  EXPECT_EQ(ClassifyDocumentError({ErrorCode::kTruncated, 10, "eof"}).verdict,
            FetchVerdict::kRetry);
  for (ErrorCode code : {ErrorCode::kInvalidJson, ErrorCode::kUnexpectedShape, ErrorCode::kTooLarge,
                         ErrorCode::kTooDeep}) {
    const FetchOutcome outcome = ClassifyDocumentError({code, 3, "bad"});
    EXPECT_EQ(outcome.verdict, FetchVerdict::kFinal);
    EXPECT_EQ(outcome.code, code);
  }
}

TEST(FetchOutcomeTest, ApiRows) {
  EXPECT_EQ(ClassifyApiResponse(200).verdict, FetchVerdict::kSuccess);
  EXPECT_EQ(ClassifyApiResponse(404).code, ErrorCode::kNotFound);
  EXPECT_EQ(ClassifyApiResponse(403).code, ErrorCode::kForbidden);
  EXPECT_EQ(ClassifyApiResponse(503).verdict, FetchVerdict::kRetry);
  EXPECT_EQ(ClassifyApiResponse(304).verdict, FetchVerdict::kFinal);
  EXPECT_EQ(ClassifyApiResponse(418).code, ErrorCode::kHttpError);
}

}  // namespace
}  // namespace job_detail
