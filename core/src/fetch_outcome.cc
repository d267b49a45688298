#include "job_detail/fetch_outcome.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/s3_error.h"
#include "job_detail/redact.h"

namespace job_detail {
namespace {

FetchOutcome Make(FetchVerdict verdict, ErrorCode code, std::string message) {
  FetchOutcome outcome;
  outcome.verdict = verdict;
  outcome.code = code;
  outcome.message = std::move(message);
  return outcome;
}

std::string StatusMessage(int status, std::string_view what) {
  return "HTTP " + std::to_string(status) + " " + std::string(what);
}

// The rows both the API and S3 share once any service-specific body has been looked at.
FetchOutcome ClassifyStatus(int status) {
  if (status >= 200 && status <= 299) return FetchOutcome{};
  switch (status) {
    case 401:
    case 403:
      return Make(FetchVerdict::kFinal, ErrorCode::kForbidden, StatusMessage(status, "forbidden"));
    case 404:
      return Make(FetchVerdict::kFinal, ErrorCode::kNotFound, StatusMessage(status, "not found"));
    case 408:
      return Make(FetchVerdict::kRetry, ErrorCode::kTimeout,
                  StatusMessage(status, "request timeout"));
    case 429:
      return Make(FetchVerdict::kRetry, ErrorCode::kHttpError,
                  StatusMessage(status, "too many requests"));
    case 500:
    case 502:
    case 503:
    case 504:
      return Make(FetchVerdict::kRetry, ErrorCode::kServerError,
                  StatusMessage(status, "server error"));
    default:
      break;
  }
  if (status >= 500 && status <= 599) {
    return Make(FetchVerdict::kFinal, ErrorCode::kServerError,
                StatusMessage(status, "server error"));
  }
  return Make(FetchVerdict::kFinal, ErrorCode::kHttpError, StatusMessage(status, "unexpected"));
}

}  // namespace

std::string_view TransportErrorKindName(TransportErrorKind kind) {
  switch (kind) {
    case TransportErrorKind::kNetwork:
      return "network";
    case TransportErrorKind::kTimeout:
      return "timeout";
    case TransportErrorKind::kAborted:
      return "aborted";
  }
  return "network";
}

std::optional<TransportErrorKind> TransportErrorKindFromName(std::string_view name) {
  for (auto kind :
       {TransportErrorKind::kNetwork, TransportErrorKind::kTimeout, TransportErrorKind::kAborted}) {
    if (TransportErrorKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string_view FetchVerdictName(FetchVerdict verdict) {
  switch (verdict) {
    case FetchVerdict::kSuccess:
      return "success";
    case FetchVerdict::kNotModified:
      return "not_modified";
    case FetchVerdict::kRetry:
      return "retry";
    case FetchVerdict::kRefreshUrl:
      return "refresh_url";
    case FetchVerdict::kFinal:
      return "final";
  }
  return "final";
}

FetchOutcome ClassifyTransportError(TransportErrorKind kind) {
  switch (kind) {
    case TransportErrorKind::kNetwork:
      return Make(FetchVerdict::kRetry, ErrorCode::kNetwork, "network error");
    case TransportErrorKind::kTimeout:
      return Make(FetchVerdict::kRetry, ErrorCode::kTimeout, "request timed out");
    case TransportErrorKind::kAborted:
      return Make(FetchVerdict::kFinal, ErrorCode::kAborted, "request aborted");
  }
  return Make(FetchVerdict::kRetry, ErrorCode::kNetwork, "network error");
}

FetchOutcome ClassifyS3Response(int status, std::string_view body) {
  if (status == 304) {
    FetchOutcome outcome;
    outcome.verdict = FetchVerdict::kNotModified;
    return outcome;
  }
  if (status >= 200 && status <= 299) return FetchOutcome{};
  const auto s3 = detail::ParseS3ErrorBody(body);
  FetchOutcome outcome = ClassifyStatus(status);
  if (!s3) return outcome;
  outcome.server_time_ms = s3->server_time_ms;
  const std::string detail_text = s3->message.empty() ? s3->code : s3->code + ": " + s3->message;
  // The text is the server's: one that echoes the request must not carry its signature onward.
  outcome.message = StatusMessage(status, RedactSecrets(detail_text));
  // Expiry shows up as 403 AccessDenied "Request has expired" (SigV4 query auth; CloudFront's
  // expired variants say "expired" too), or as ExpiredToken when the signing session's token ran
  // out: all are cured by a fresh URL. CloudFront's other refusals (plain "Access denied",
  // MissingKey "Missing Key-Pair-Id ...", "Unknown Key") are forbidden: a new URL from the same
  // signer would be refused the same way.
  const bool expired =
      (s3->code == "AccessDenied" && detail::ContainsIgnoreAsciiCase(s3->message, "expired")) ||
      s3->code == "ExpiredToken" || s3->code == "TokenRefreshRequired";
  if ((status == 400 || status == 403) && expired) {
    outcome.verdict = FetchVerdict::kRefreshUrl;
    outcome.code = ErrorCode::kExpired;
  } else if (status == 400 && s3->code == "RequestTimeout") {
    outcome.verdict = FetchVerdict::kRetry;
    outcome.code = ErrorCode::kTimeout;
  }
  return outcome;
}

FetchOutcome ClassifyApiResponse(int status) {
  // The API is never asked conditionally, so a 304 from it is as unexpected as any 3xx.
  return ClassifyStatus(status);
}

FetchOutcome ClassifyDocumentError(const Error& error) {
  const FetchVerdict verdict =
      error.code == ErrorCode::kTruncated ? FetchVerdict::kRetry : FetchVerdict::kFinal;
  return Make(verdict, error.code, error.message);
}

}  // namespace job_detail
