// What a list row says about a step's `output` string without decoding it: its length in code
// points, and whether the legacy worker cut it.
//
// The legacy rule: before full outputs went to S3, the Python worker stored `output[:5000]`, so an
// HTML page longer than 5,000 code points was cut mid-document. An output is marked
// `truncated_legacy` when all of these hold:
// - it is exactly kLegacyOutputLimit (5,000) code points long;
// - it looks like an HTML page: after leading whitespace it starts, ignoring case, with
//   `<!doctype html` or with `<html` followed by whitespace or `>`;
// - it does not end, ignoring case and trailing whitespace, with `</html>`.
// A page that happens to be exactly 5,000 code points and is complete ends with `</html>`; text
// that is not HTML is never marked (nothing tells a cut apart from a natural end there).
#ifndef JOB_DETAIL_STEP_OUTPUT_H_
#define JOB_DETAIL_STEP_OUTPUT_H_

#include <cstdint>
#include <string_view>

namespace job_detail {

inline constexpr std::uint64_t kLegacyOutputLimit = 5000;

struct OutputFacts {
  std::uint64_t chars = 0;  // Unicode code points of the decoded string
  // After leading whitespace it starts, ignoring case, with `<!doctype html` or with `<html`
  // followed by whitespace or `>`.
  bool looks_like_html_page = false;
  bool truncated_legacy = false;
};

// From the raw text of a valid JSON string literal, quotes included (as the step index holds it).
// Counting is one pass over the bytes (UTF-8 lead bytes) plus one step per escape; the string is
// decoded only when it is exactly kLegacyOutputLimit code points long.
OutputFacts OutputFactsFromJsonString(std::string_view quoted);

// From already decoded UTF-8 text.
OutputFacts OutputFactsOfText(std::string_view text);

}  // namespace job_detail

#endif  // JOB_DETAIL_STEP_OUTPUT_H_
