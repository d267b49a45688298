// Small readers of raw JSON value text (as a streaming scanner hands it over), shared by the cost
// and step-key rules. They check the grammar of the one value they read; they never build a DOM.
#ifndef JOB_DETAIL_DETAIL_JSON_TEXT_H_
#define JOB_DETAIL_DETAIL_JSON_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace job_detail::detail {

// Strips JSON's four whitespace characters (space, tab, LF, CR) from both ends.
std::string_view TrimJsonWhitespace(std::string_view text);

// Decodes a whole JSON string literal, quotes included (`"a\u0030"` -> `a0`) into UTF-8, as
// `JSON.parse(new TextDecoder().decode(bytes))` reads it: ill-formed UTF-8 becomes U+FFFD per
// maximal subpart and a lone surrogate escape becomes U+FFFD (JSON.parse keeps the lone UTF-16
// unit, which UTF-8 cannot hold); `*repaired` (when given) says whether either happened. nullopt
// when `quoted` is not exactly one JSON string (bad escape, raw control character, missing
// quote, trailing bytes).
std::optional<std::string> DecodeJsonString(std::string_view quoted, bool* repaired = nullptr);

// Appends the escape starting at `text[at]` (a backslash) decoded as DecodeJsonString decodes it
// (a surrogate pair as one character, a lone surrogate as U+FFFD setting `*repaired`) and advances
// `at` past it; false when it is not a valid escape.
bool AppendJsonEscape(std::string_view text, std::size_t& at, std::string& out, bool* repaired);

// `text` as a JSON string literal, quotes included: `"` `\` and control characters escaped
// (`\n`, `\u001f`, ...), other characters as they are; a byte that does not start a well-formed
// UTF-8 sequence becomes U+FFFD (a parser's message may quote broken input).
std::string EncodeJsonString(std::string_view text);

// True when `text` is exactly one RFC 8259 number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view text);

// The value of an integer written as -?[0-9]+ (leading zeros allowed, no sign `+`, no fraction,
// no exponent); nullopt when `text` is anything else or does not fit in int64.
std::optional<std::int64_t> ParseInt64(std::string_view text);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_JSON_TEXT_H_
