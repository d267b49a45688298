// What a finished request means for the session: use it, keep what we have (304), try again later,
// get a fresh presigned URL first, or give up with a typed reason. One table for every way a fetch
// of the API job or the S3 steps can end, so the session never inspects status codes itself.
#ifndef JOB_DETAIL_FETCH_OUTCOME_H_
#define JOB_DETAIL_FETCH_OUTCOME_H_

#include <optional>
#include <string>
#include <string_view>

#include "job_detail/error.h"

namespace job_detail {

// How a request failed below HTTP. Opaque browser failures (CORS, DNS, reset) all arrive as
// kNetwork.
enum class TransportErrorKind { kNetwork, kTimeout, kAborted };

std::string_view TransportErrorKindName(TransportErrorKind kind);  // network | timeout | aborted
std::optional<TransportErrorKind> TransportErrorKindFromName(std::string_view name);

enum class FetchVerdict {
  kSuccess,      // 2xx: use the body
  kNotModified,  // 304 to a conditional request: keep the current data
  kRetry,        // transient: try again after backoff, within the attempt budget
  kRefreshUrl,   // the presigned URL expired: fetch the job again for a new one
  kFinal,        // give up: `code` says why
};

std::string_view FetchVerdictName(FetchVerdict verdict);  // success | not_modified | retry | ...

struct FetchOutcome {
  FetchVerdict verdict = FetchVerdict::kSuccess;
  std::optional<ErrorCode> code;  // set unless kSuccess / kNotModified
  std::string message;            // for the snapshot's error; never contains a URL
  // S3's `<ServerTime>` when the error body had one: a second opinion on the server clock.
  std::optional<std::int64_t> server_time_ms;
};

FetchOutcome ClassifyTransportError(TransportErrorKind kind);

// A complete S3 response by status and (for errors) its XML body.
FetchOutcome ClassifyS3Response(int status, std::string_view body);

// A complete API job response by status (bodies of API errors are not interpreted).
FetchOutcome ClassifyApiResponse(int status);

// A 2xx body that did not parse: a truncated one is worth another try, the rest are final.
FetchOutcome ClassifyDocumentError(const Error& error);

}  // namespace job_detail

#endif  // JOB_DETAIL_FETCH_OUTCOME_H_
