// S3 error bodies (`<Error><Code>NoSuchKey</Code><Message>…</Message>…</Error>`), read without an
// XML library: the session needs three leaf elements, and a tolerant extractor cannot be driven
// into deep recursion or entity expansion by a hostile body.
#ifndef JOB_DETAIL_DETAIL_S3_ERROR_H_
#define JOB_DETAIL_DETAIL_S3_ERROR_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace job_detail::detail {

// Only this much of a body is examined; S3 error documents are a few hundred bytes.
inline constexpr std::size_t kMaxS3ErrorBodyBytes = 64 * 1024;

struct S3ErrorBody {
  std::string code;         // e.g. AccessDenied, NoSuchKey, SlowDown, RequestTimeout
  std::string message;      // e.g. "Request has expired"
  std::string server_time;  // raw text, when present
  std::optional<std::int64_t> server_time_ms;  // parsed ISO 8601 UTC, when valid
};

// nullopt when the body has no `<Code>` element (an HTML page, empty, or not S3 at all). Text is
// trimmed, the five XML entities and numeric character references are decoded, CDATA is unwrapped.
std::optional<S3ErrorBody> ParseS3ErrorBody(std::string_view body);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_S3_ERROR_H_
