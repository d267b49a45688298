// Rules for S3 presigned GET URLs (and CloudFront signed URLs, cloudfront_url.h): when they expire
// (judged on the server's clock), what identifies the object behind them (never the signature), how
// they may appear in logs, and which ones the browser may fetch at all.
#ifndef JOB_DETAIL_PRESIGNED_URL_H_
#define JOB_DETAIL_PRESIGNED_URL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/error.h"

namespace job_detail {

// Treat a URL as expired this long before S3 would, so a request started now still arrives in time.
inline constexpr std::int64_t kPresignedExpiryMarginMs = 30'000;

// Expiry instant on the server's clock from `X-Amz-Date` (ISO basic) + `X-Amz-Expires` (seconds,
// 1..604800 as SigV4 allows), or, for a CloudFront signed URL without them, from its `Expires` or
// its policy's `DateLessThan` (ReadCloudFrontUrl). nullopt when missing or malformed: the expiry is
// unknown, which callers must not read as "valid forever".
std::optional<std::int64_t> PresignedExpiryMs(std::string_view url);

// kNotYetValid only comes from CheckCloudFrontFreshness (a custom policy's `DateGreaterThan`).
enum class UrlFreshness { kFresh, kExpired, kUnknown, kNotYetValid };

// `skew_ms` is the server's clock minus ours (see SkewFromDateHeader).
UrlFreshness CheckFreshness(std::optional<std::int64_t> expires_at_server_ms, std::int64_t now_ms,
                            std::int64_t skew_ms,
                            std::int64_t margin_ms = kPresignedExpiryMarginMs);

// Server clock minus local clock, from an HTTP `Date` header received at `now_ms`; nullopt when
// the header is not an HTTP-date.
std::optional<std::int64_t> SkewFromDateHeader(std::string_view date_header, std::int64_t now_ms);

// The identity of the object behind a URL: scheme, host, port and path, lower-cased scheme and
// host, without user info, query or fragment. Two presigned URLs for one object share it.
std::string StepsCacheKey(std::string_view url);

// The URL without user info and fragment, through RedactSecrets (redact.h): safe for metrics.
std::string RedactUrl(std::string_view url);

// nullopt when the browser may fetch `url`: `https:`, or `http:` on a loopback host (127.0.0.0/8,
// `localhost`, `[::1]`) for local development; with a non-empty `allowed_hosts`, the host (or
// host:port) must also be listed (case-insensitive). Otherwise an Error with code kForbidden.
std::optional<Error> CheckFetchAllowed(std::string_view url,
                                       const std::vector<std::string>& allowed_hosts = {});

}  // namespace job_detail

#endif  // JOB_DETAIL_PRESIGNED_URL_H_
