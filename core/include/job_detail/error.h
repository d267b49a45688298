// Typed errors shared by every part of the core. A closed enum, so callers (C++, JS, the UI)
// can switch on every outcome they must handle.
#ifndef JOB_DETAIL_ERROR_H_
#define JOB_DETAIL_ERROR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>

#include "job_detail/field_table.h"

namespace job_detail {

enum class ErrorCode : std::uint8_t {
  // Document problems (API job JSON or the S3 steps document).
  kInvalidJson,      // not RFC 8259 JSON (offset says where)
  kUnexpectedShape,  // valid JSON, wrong shape (e.g. a job that is not an object)
  kTooLarge,         // over the configured byte limit
  kTooDeep,          // over the configured nesting limit
  kTruncated,        // the bytes ended before the JSON did
  // Fetch outcomes (S3 or API), classified by the session.
  kExpired,          // presigned URL expired
  kForbidden,        // 403 other than expiry, or a URL we refuse to fetch
  kNotFound,         // 404 / NoSuchKey
  kNetwork,          // transport failure (includes opaque CORS failures)
  kTimeout,          // no answer in time
  kServerError,      // 5xx after retries
  kHttpError,        // any other non-2xx status
  kAborted,          // cancelled by the caller
  kS3UrlMissing,     // job names an S3 key but the API gave no URL
  kInvalidArgument,  // a caller passed something out of contract (index out of range, ...)
  kInternalError,    // the host's module instance failed (a WebAssembly trap) and was replaced
};

// The stable snake_case names used in JSON, the CLI and JS, in enumerator order.
inline constexpr std::array<std::string_view, 16> kErrorCodeNames = {
    "invalid_json", "unexpected_shape", "too_large",        "too_deep",
    "truncated",    "expired",          "forbidden",        "not_found",
    "network",      "timeout",          "server_error",     "http_error",
    "aborted",      "s3_url_missing",   "invalid_argument", "internal_error"};
static_assert(kErrorCodeNames.size() == static_cast<std::size_t>(ErrorCode::kInternalError) + 1,
              "one name per error code");
constexpr std::span<const std::string_view> NamesOf(Tag<ErrorCode>) { return kErrorCodeNames; }

// `invalid_json`, `too_deep`, ...
constexpr std::string_view ErrorCodeName(ErrorCode code) { return NameOf(code); }
// Inverse of ErrorCodeName; nullopt for an unknown name.
constexpr std::optional<ErrorCode> ErrorCodeFromName(std::string_view name) {
  return FromName<ErrorCode>(name);
}

struct Error {
  ErrorCode code = ErrorCode::kInvalidJson;
  // Byte offset into the input where the problem was found, when the error is about bytes.
  std::optional<std::uint64_t> offset;
  std::string message;
};

constexpr auto FieldsOf(Tag<Error>) {
  return std::make_tuple(Member("code", &Error::code), Member("offset", &Error::offset),
                         Member("message", &Error::message));
}

}  // namespace job_detail

#endif  // JOB_DETAIL_ERROR_H_
