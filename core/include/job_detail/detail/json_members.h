// A JSON value's direct members (or elements) as byte spans, read by the JSON scanner without
// building a DOM: what the job's handful of top-level fields and a CloudFront policy's few nested
// ones need. The text is validated whole, by the same rules and with the same typed errors as
// ParseJsonDom (json_dom.h), which stays for the CLI and the tests; the module carries no nlohmann.
#ifndef JOB_DETAIL_DETAIL_JSON_MEMBERS_H_
#define JOB_DETAIL_DETAIL_JSON_MEMBERS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/detail/json_scanner.h"
#include "job_detail/result.h"

namespace job_detail::detail {

// Where a value lies in the text.
struct JsonSpan {
  JsonEventKind kind = JsonEventKind::kNull;  // its first token: kBeginArray, kNull, kString, ...
  std::size_t begin = 0;                      // [begin, end): the whole value, brackets included
  std::size_t end = 0;
};

struct JsonMember {
  std::string name;  // decoded (as JSON.parse decodes it); empty for an array's elements
  JsonSpan value;
};

struct JsonMembers {
  JsonSpan value;                   // the text's value
  std::vector<JsonMember> members;  // an object's members (repeats included) or an array's
                                    // elements, in text order; none for other values
};

// The scanner's errors, each with the offset of the offending byte: kInvalidJson, kTooDeep, and
// kTruncated (at the text's length) when the text ends inside the value.
Result<JsonMembers> ReadJsonMembers(std::string_view text, std::uint32_t max_depth,
                                    JsonTextRules rules = JsonTextRules::kLikeJsonParse);

// The value of the last member called `name` (a repeated member keeps its last value, as in
// JSON.parse), or nullptr.
const JsonSpan* FindMember(const JsonMembers& object, std::string_view name);

// The text of a span.
inline std::string_view SpanText(std::string_view text, const JsonSpan& span) {
  return text.substr(span.begin, span.end - span.begin);
}

// The decimal text of a JSON number that is an integer by nlohmann's typing (no fraction or
// exponent; within int64 when negative, uint64 otherwise), `-0` written `0`; nullopt for any
// other number.
std::optional<std::string_view> JsonIntegerText(std::string_view number);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_JSON_MEMBERS_H_
