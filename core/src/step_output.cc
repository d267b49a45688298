#include "job_detail/step_output.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/json_text.h"

namespace job_detail {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (detail::AsciiLower(text[i]) != prefix[i]) return false;
  }
  return true;
}

// Every byte but a continuation byte (10xxxxxx) starts a code point. Eight bytes at a time: a
// byte's top bit set and the next bit clear marks a continuation byte (the byte-by-byte loop ran
// at about 1 GB/s, this one several times faster on the 30 MB of a big job's outputs).
std::uint64_t CountCodePoints(std::string_view utf8) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080u;
  std::uint64_t continuation = 0;
  std::size_t at = 0;
  for (; at + 8 <= utf8.size(); at += 8) {
    std::uint64_t word;
    std::memcpy(&word, utf8.data() + at, 8);
    continuation += static_cast<std::uint64_t>(std::popcount(word & ~(word << 1) & kHighBits));
  }
  for (; at < utf8.size(); ++at) {
    continuation += (static_cast<unsigned char>(utf8[at]) & 0xC0) == 0x80;
  }
  return utf8.size() - continuation;
}

bool LooksLikeHtmlPage(std::string_view text) {
  std::size_t start = 0;
  while (start < text.size() && IsAsciiSpace(text[start])) ++start;
  text.remove_prefix(start);
  if (StartsWithIgnoringCase(text, "<!doctype html")) return true;
  return StartsWithIgnoringCase(text, "<html") &&
         (text.size() == 5 || text[5] == '>' || IsAsciiSpace(text[5]));
}

bool EndsWithClosingHtml(std::string_view text) {
  while (!text.empty() && IsAsciiSpace(text.back())) text.remove_suffix(1);
  constexpr std::string_view kClose = "</html>";
  return text.size() >= kClose.size() &&
         StartsWithIgnoringCase(text.substr(text.size() - kClose.size()), kClose);
}

bool IsLowSurrogateEscape(std::string_view hex4) {
  // \uDC00-\uDFFF; the escape was validated, so its four characters are hex digits.
  return hex4.size() == 4 && (hex4[0] == 'd' || hex4[0] == 'D') &&
         std::string_view("cdefCDEF").find(hex4[1]) != std::string_view::npos;
}

// The decoded start of a string literal's body: enough to tell whether it opens an HTML page
// (escapes such as Go's `\u003c` for `<` and `\n` before the doctype are decoded, not matched).
std::string DecodedStart(std::string_view body) {
  constexpr std::size_t kPrefixBytes = 256;
  std::size_t cut = 0;
  while (cut < body.size() && cut < kPrefixBytes) {
    if (body[cut] != '\\') {
      ++cut;
    } else {
      cut += body.size() - cut > 1 && body[cut + 1] == 'u' ? 6 : 2;
    }
  }
  cut = std::min(cut, body.size());
  bool repaired = false;  // a UTF-8 sequence cut at the end decodes as U+FFFD: harmless here
  std::string quoted;
  quoted.reserve(cut + 2);
  quoted.push_back('"');
  quoted.append(body.substr(0, cut));
  quoted.push_back('"');
  return detail::DecodeJsonString(quoted, &repaired).value_or(std::string());
}

}  // namespace

OutputFacts OutputFactsOfText(std::string_view text) {
  OutputFacts facts;
  facts.chars = CountCodePoints(text);
  facts.looks_like_html_page = LooksLikeHtmlPage(text);
  facts.truncated_legacy =
      facts.chars == kLegacyOutputLimit && facts.looks_like_html_page && !EndsWithClosingHtml(text);
  return facts;
}

OutputFacts OutputFactsFromJsonString(std::string_view quoted) {
  if (quoted.size() < 2) return {};
  const std::string_view body = quoted.substr(1, quoted.size() - 2);
  std::uint64_t chars = CountCodePoints(body);
  // Each escape was counted once per byte; it stands for one code point, or none for the second
  // half of a surrogate pair (\uD83D\uDE00 is one code point, counted at its first half).
  for (std::size_t at = body.find('\\'); at != std::string_view::npos;) {
    if (at + 5 < body.size() && body[at + 1] == 'u') {
      chars -= IsLowSurrogateEscape(body.substr(at + 2, 4)) ? 6 : 5;
      at = body.find('\\', at + 6);
    } else {
      chars -= 1;
      at = body.find('\\', at + 2);
    }
  }
  OutputFacts facts;
  facts.chars = chars;
  facts.looks_like_html_page = LooksLikeHtmlPage(DecodedStart(body));
  if (chars == kLegacyOutputLimit && facts.looks_like_html_page) {
    const std::optional<std::string> text = detail::DecodeJsonString(quoted);
    if (text) facts.truncated_legacy = OutputFactsOfText(*text).truncated_legacy;
  }
  return facts;
}

}  // namespace job_detail
