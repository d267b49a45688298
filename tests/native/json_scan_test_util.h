// Helpers shared by the scanner, corpus and step index tests: run a document through the scanner
// or the index under a given chunking, and describe the outcome as one comparable value.
#ifndef JOB_DETAIL_TESTS_NATIVE_JSON_SCAN_TEST_UTIL_H_
#define JOB_DETAIL_TESTS_NATIVE_JSON_SCAN_TEST_UTIL_H_

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/detail/json_scanner.h"
#include "job_detail/error.h"
#include "job_detail/step_index.h"

namespace job_detail::testing {

// `ok` or `<code>@<offset>`, plus every token as `kind:depth:begin-end` (scanner only).
struct ScanOutcome {
  std::string result;
  std::vector<std::string> tokens;
  bool operator==(const ScanOutcome&) const = default;
};

inline std::string DescribeError(const Error& error) {
  std::ostringstream out;
  out << ErrorCodeName(error.code) << "@" << (error.offset ? std::to_string(*error.offset) : "-");
  return out.str();
}

// Chunk boundaries: the document is cut after each offset in `cuts` (ascending).
inline ScanOutcome ScanWithCuts(std::string_view doc, const std::vector<std::size_t>& cuts,
                                std::uint32_t max_depth = 512,
                                detail::JsonTextRules rules = detail::JsonTextRules::kStrict) {
  detail::JsonScanner scanner(max_depth, rules);
  std::vector<std::uint8_t> buffer;
  ScanOutcome outcome;
  std::size_t fed = 0;
  auto drain = [&]() -> bool {  // true when finished (done or error)
    for (;;) {
      const detail::JsonEvent event = scanner.Next(buffer);
      switch (event.kind) {
        case detail::JsonEventKind::kNeedMore:
          return false;
        case detail::JsonEventKind::kDone:
          outcome.result = "ok";
          return true;
        case detail::JsonEventKind::kError:
          outcome.result = DescribeError(scanner.error());
          return true;
        default:
          outcome.tokens.push_back(std::to_string(static_cast<int>(event.kind)) + ":" +
                                   std::to_string(event.depth) + ":" + std::to_string(event.begin) +
                                   "-" + std::to_string(event.end) +
                                   (event.has_escapes ? "e" : ""));
      }
    }
  };
  std::vector<std::size_t> ends = cuts;
  ends.push_back(doc.size());
  for (std::size_t end : ends) {
    if (end < fed || end > doc.size()) continue;
    buffer.insert(buffer.end(), doc.begin() + fed, doc.begin() + end);
    fed = end;
    if (drain()) return outcome;
  }
  scanner.EndInput();
  drain();
  return outcome;
}

inline ScanOutcome ScanInChunks(std::string_view doc, std::size_t chunk,
                                std::uint32_t max_depth = 512,
                                detail::JsonTextRules rules = detail::JsonTextRules::kStrict) {
  std::vector<std::size_t> cuts;
  for (std::size_t at = chunk; at < doc.size(); at += chunk) cuts.push_back(at);
  return ScanWithCuts(doc, cuts, max_depth, rules);
}

inline std::string ScanResult(std::string_view doc, std::uint32_t max_depth = 512) {
  return ScanWithCuts(doc, {}, max_depth).result;
}

// RFC 8259 validation, as nlohmann/json decodes: the options to compare the index with it.
inline StepIndexOptions StrictOptions() {
  StepIndexOptions options;
  options.strict = true;
  return options;
}

// The step index's outcome under a chunking: result, count, totals and every step's span.
inline std::string IndexOutcome(std::string_view doc, std::size_t chunk,
                                StepIndexOptions options = {}) {
  StepIndex index(options);
  for (std::size_t at = 0; at < doc.size(); at += chunk) {
    index.Feed(doc.substr(at, chunk));
  }
  const auto& error = index.Finish();
  std::ostringstream out;
  out << (error ? DescribeError(*error) : "ok") << " count=" << index.count()
      << " total=" << index.cost_total().canonical() << " none=" << index.cost_total().no_cost()
      << " invalid=" << index.cost_total().invalid_cost();
  for (std::size_t i = 0; i < index.count(); ++i) {
    const auto summary = index.Summary(i);
    out << " [" << summary.value().begin << "," << summary.value().end << ")";
  }
  return out.str();
}

}  // namespace job_detail::testing

#endif  // JOB_DETAIL_TESTS_NATIVE_JSON_SCAN_TEST_UTIL_H_
