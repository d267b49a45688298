#include "job_detail/error.h"

#include <array>
#include <utility>

namespace job_detail {
namespace {

constexpr std::array<std::pair<ErrorCode, std::string_view>, 16> kNames = {{
    {ErrorCode::kInvalidJson, "invalid_json"},
    {ErrorCode::kUnexpectedShape, "unexpected_shape"},
    {ErrorCode::kTooLarge, "too_large"},
    {ErrorCode::kTooDeep, "too_deep"},
    {ErrorCode::kTruncated, "truncated"},
    {ErrorCode::kExpired, "expired"},
    {ErrorCode::kForbidden, "forbidden"},
    {ErrorCode::kNotFound, "not_found"},
    {ErrorCode::kNetwork, "network"},
    {ErrorCode::kTimeout, "timeout"},
    {ErrorCode::kServerError, "server_error"},
    {ErrorCode::kHttpError, "http_error"},
    {ErrorCode::kAborted, "aborted"},
    {ErrorCode::kS3UrlMissing, "s3_url_missing"},
    {ErrorCode::kInvalidArgument, "invalid_argument"},
    {ErrorCode::kInternalError, "internal_error"},
}};

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) {
  for (const auto& [c, name] : kNames) {
    if (c == code) return name;
  }
  return "unknown";
}

std::optional<ErrorCode> ErrorCodeFromName(std::string_view name) {
  for (const auto& [c, n] : kNames) {
    if (n == name) return c;
  }
  return std::nullopt;
}

}  // namespace job_detail
