// CloudFront signed URLs: the terms a URL carries (when it stops working, and for a custom policy
// when it starts), read on the server's clock exactly as presigned S3 URLs are (presigned_url.h).
//
// Canned: `Expires` (epoch seconds) + `Signature` + `Key-Pair-Id`. Custom: `Policy` (the policy
// JSON in base64 with CloudFront's URL-safe alphabet: `-` `_` `~` for `+` `=` `/`) + `Signature`
// + `Key-Pair-Id`, whose one statement holds `Condition.DateLessThan["AWS:EpochTime"]` and
// optionally `DateGreaterThan`.
//
// A policy this reader cannot read is a typed problem, and its expiry is unknown rather than an
// error that stops the fetch: CloudFront is the authority on what it accepts, and its grammar is
// wider than this reader's (other conditions, whitespace, key order), so refusing a URL here could
// refuse one that works. The session treats an unknown expiry as it does for any URL (fetched at
// once, refreshed through the job when old), and CloudFront's own 403 ends a bad one as
// `forbidden`. A URL that is not yet valid is a freshness of its own (kNotYetValid), distinct
// from expired: a fresh URL from the same signer would not cure it.
#ifndef JOB_DETAIL_CLOUDFRONT_URL_H_
#define JOB_DETAIL_CLOUDFRONT_URL_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "job_detail/presigned_url.h"

namespace job_detail {

enum class CloudFrontUrlForm { kNotCloudFront, kCanned, kCustom };

enum class CloudFrontPolicyProblem {
  kNone,
  kBadExpires,      // canned: `Expires` missing or not epoch seconds
  kBadBase64,       // custom: `Policy` is not base64 in CloudFront's alphabet
  kBadJson,         // custom: not JSON, or not a statement with conditions of the right types
  kNoDateLessThan,  // custom: a statement without `DateLessThan`
};

struct CloudFrontUrlTerms {
  CloudFrontUrlForm form = CloudFrontUrlForm::kNotCloudFront;
  CloudFrontPolicyProblem problem = CloudFrontPolicyProblem::kNone;
  std::optional<std::int64_t> expires_ms;     // server clock; set when the terms were read
  std::optional<std::int64_t> not_before_ms;  // custom `DateGreaterThan`, when present
};

// kNotCloudFront unless the query has `Key-Pair-Id`, `Policy` or `Expires` beside `Signature`.
CloudFrontUrlTerms ReadCloudFrontUrl(std::string_view url);

// kExpired from `margin_ms` before the expiry (as for S3), kNotYetValid while the server's clock
// (`now_ms + skew_ms`) is before `DateGreaterThan`, kUnknown when the terms could not be read.
UrlFreshness CheckCloudFrontFreshness(const CloudFrontUrlTerms& terms, std::int64_t now_ms,
                                      std::int64_t skew_ms,
                                      std::int64_t margin_ms = kPresignedExpiryMarginMs);

}  // namespace job_detail

#endif  // JOB_DETAIL_CLOUDFRONT_URL_H_
