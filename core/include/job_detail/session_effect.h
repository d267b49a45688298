// What the session asks its host to do. A closed set: the host (the JS client, a test) performs
// each one and reports back through the session's inputs with the same id.
#ifndef JOB_DETAIL_SESSION_EFFECT_H_
#define JOB_DETAIL_SESSION_EFFECT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "job_detail/metric.h"

namespace job_detail {

// Header names compare case-insensitively (HttpHeaderValue); order and duplicates are kept.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// The first value of header `name` (ASCII case-insensitive), nullopt when absent.
std::optional<std::string_view> HttpHeaderValue(const HttpHeaders& headers, std::string_view name);

// GET the API's job document. Answer with OnJobResponse or OnTransportError.
struct FetchJob {
  std::uint64_t id = 0;
  std::string url;
  bool operator==(const FetchJob&) const = default;
};

// GET the S3 steps document with exactly these extra headers (e.g. If-None-Match), no credentials,
// no API headers. Answer with OnStepsResponseStart, OnStepsChunk*, OnStepsEnd, or OnTransportError.
struct FetchSteps {
  std::uint64_t id = 0;
  std::string url;
  HttpHeaders headers;
  bool operator==(const FetchSteps&) const = default;
};

// Abort the request or clear the timer with this id. Ids are unique across both, so the host can
// keep one map. Nothing is reported back for it.
struct Cancel {
  std::uint64_t id = 0;
  bool operator==(const Cancel&) const = default;
};

// Call OnTimer(id, now) once the clock reaches at_ms (epoch milliseconds).
struct StartTimer {
  std::uint64_t id = 0;
  std::int64_t at_ms = 0;
  bool operator==(const StartTimer&) const = default;
};

using SessionEffect = std::variant<FetchJob, FetchSteps, Cancel, StartTimer, Metric>;

}  // namespace job_detail

#endif  // JOB_DETAIL_SESSION_EFFECT_H_
