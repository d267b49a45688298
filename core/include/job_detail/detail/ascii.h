// ASCII helpers shared by the core's small parsers (HTTP headers, URLs, dates, S3 error bodies, job
// statuses): locale-free, so the native and wasm builds read the same bytes the same way.
#ifndef JOB_DETAIL_DETAIL_ASCII_H_
#define JOB_DETAIL_DETAIL_ASCII_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace job_detail::detail {

// Spaces and tabs: HTTP's optional whitespace around header values and date fields.
inline constexpr std::string_view kSpaceTab = " \t";
// Spaces, tabs and line breaks: the whitespace around XML text.
inline constexpr std::string_view kSpaceTabNewline = " \t\r\n";

constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

constexpr char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string AsciiLowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

inline bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

inline bool ContainsIgnoreAsciiCase(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char a, char b) { return AsciiLower(a) == AsciiLower(b); }) !=
         haystack.end();
}

// The value of a hexadecimal digit (either case), or -1.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A non-empty run of at most `max_digits` decimal digits and nothing else (no sign, no spaces);
// max_digits <= 19 keeps every value inside uint64.
inline std::optional<std::uint64_t> ParseDecimalDigits(std::string_view text,
                                                       std::size_t max_digits = 19) {
  if (text.empty() || text.size() > max_digits || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (!IsAsciiDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// `text` without leading and trailing characters from `spaces`.
constexpr std::string_view TrimAscii(std::string_view text, std::string_view spaces) {
  const std::size_t first = text.find_first_not_of(spaces);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(spaces) - first + 1);
}

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_ASCII_H_
