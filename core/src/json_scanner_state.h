// The JSON scanner's state machine, shared by its parts: json_scanner.cc (structure: containers,
// keys, literals, the BOM), json_number_scan.cc and json_string_scan.cc. Internal to the core.
#ifndef JOB_DETAIL_SRC_JSON_SCANNER_STATE_H_
#define JOB_DETAIL_SRC_JSON_SCANNER_STATE_H_

#include <cstdint>

#include "job_detail/detail/json_scanner.h"

namespace job_detail::detail {

enum class JsonScanner::Mode : std::uint8_t {
  kBom,         // offset 0: an optional BOM, then the top-level value
  kValue,       // a value is required (top level, after ':' or after ',' in an array)
  kValueOrEnd,  // just after '[': a value or ']'
  kKeyOrEnd,    // just after '{': a key or '}'
  kKey,         // after ',' in an object: a key
  kColon,       // after a key
  kCommaOrEnd,  // after a value inside a container
  kAfterRoot,   // after the top-level value: whitespace only
  kString,      // inside a string or key (token_begin_ is its opening quote)
  kNumber,      // inside a number (token_begin_ is its first byte)
  kLiteral,     // inside true/false/null (re-read from token_begin_)
  kError,
};

enum class JsonScanner::NumberState : std::uint8_t {
  kMinus,      // after '-': a digit is required
  kZero,       // a leading 0: '.', 'e' or the end
  kInt,        // integer digits
  kDot,        // after '.': a digit is required
  kFrac,       // fraction digits
  kExp,        // after 'e': sign or digit
  kExpSign,    // after the exponent sign: a digit is required
  kExpDigits,  // exponent digits
};

inline bool IsJsonWhitespace(std::uint8_t c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}
inline bool IsJsonDigit(std::uint8_t c) { return c >= '0' && c <= '9'; }

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_SRC_JSON_SCANNER_STATE_H_
