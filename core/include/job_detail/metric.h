// Monitoring events the session emits as effects (the "monitor S3 fetch performance and errors"
// item of the design): flat name/value records, so any sink (console, OpenTelemetry, a beacon) can
// take them without knowing the session. URLs in them are always redacted.
#ifndef JOB_DETAIL_METRIC_H_
#define JOB_DETAIL_METRIC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace job_detail {

using MetricValue = std::variant<std::int64_t, bool, std::string>;

struct MetricField {
  std::string name;
  MetricValue value;

  bool operator==(const MetricField&) const = default;
};

struct Metric {
  // `fetch_start`, `fetch_end` (target job or steps; steps ones say `cache`), `url_expired`,
  // `cache_hit` (a job's rows shown from the DocumentCache).
  std::string name;
  std::vector<MetricField> fields;

  // The field's value, or nullptr when the metric has no such field.
  const MetricValue* Find(std::string_view field) const {
    for (const MetricField& f : fields) {
      if (f.name == field) return &f.value;
    }
    return nullptr;
  }

  bool operator==(const Metric&) const = default;
};

}  // namespace job_detail

#endif  // JOB_DETAIL_METRIC_H_
