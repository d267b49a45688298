// A JSON text as an nlohmann DOM, read by the JSON scanner (detail/json_scanner.h) rather than by
// nlohmann's own parser, so that a text the step index accepts is accepted here too, with the same
// values: by default what `JSON.parse(new TextDecoder().decode(bytes))` accepts. Strings decode as
// DecodeJsonString does (U+FFFD for ill-formed UTF-8 and lone surrogate escapes), integers stay
// exact (int64, else uint64, else a double), other numbers are doubles with JSON.parse's overflow
// (`1e400` is infinity), a leading BOM is skipped, a repeated member keeps its last value.
//
// One member of the top-level object may be set aside: its value is not built, only its byte span
// reported, for a caller that reads it by other rules (the job's steps go to a StepIndex).
//
// The walk is iterative, so deep documents cannot overflow the stack here; the depth limit
// protects the callers that later walk (copy, compare, dump) the DOM.
#ifndef JOB_DETAIL_DETAIL_JSON_DOM_H_
#define JOB_DETAIL_DETAIL_JSON_DOM_H_

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "job_detail/detail/json_scanner.h"
#include "job_detail/result.h"

namespace job_detail::detail {

inline constexpr std::size_t kDefaultMaxJsonDepth = 512;

struct JsonDomOptions {
  std::uint32_t max_depth = kDefaultMaxJsonDepth;  // containers, the top-level one included
  JsonTextRules rules = JsonTextRules::kLikeJsonParse;
  std::string_view set_aside_member;  // empty: every member is built
};

// Where the set-aside member's value lies in the text (its last occurrence, as in the DOM).
struct SetAsideValue {
  JsonEventKind kind = JsonEventKind::kNull;  // its first token: kBeginArray, kNull, kString, ...
  std::size_t begin = 0;                      // [begin, end): the whole value, brackets included
  std::size_t end = 0;
};

struct JsonDom {
  nlohmann::json value;
  std::optional<SetAsideValue> set_aside;
  // Strings (values and member names) decoded with U+FFFD, as StepIndex::repaired_strings counts.
  std::uint64_t repaired_strings = 0;
};

// The number a JSON number text denotes, typed as nlohmann's parser types it: an integer that fits
// int64 (negative) or uint64 (otherwise), else a double (±infinity beyond the double range, as
// JSON.parse gives). `text` must be one JSON number.
nlohmann::json JsonNumberValue(std::string_view text);

// The scanner's errors, each with the offset of the offending byte: kInvalidJson, kTooDeep, and
// kTruncated (at the text's length) when the text ends inside the value.
Result<JsonDom> ParseJsonDom(std::string_view text, const JsonDomOptions& options = {});

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_JSON_DOM_H_
