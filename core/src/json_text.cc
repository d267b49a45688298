#include "job_detail/detail/json_text.h"

#include <limits>

#include "job_detail/detail/utf8.h"

namespace job_detail::detail {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<std::uint32_t> HexQuad(std::string_view text, std::size_t at) {
  if (at + 4 > text.size()) return std::nullopt;
  std::uint32_t value = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = text[i];
    std::uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = value * 16 + digit;
  }
  return value;
}

constexpr std::uint32_t kReplacementCharacter = 0xFFFD;

// Reads the `\uXXXX` escape (and its low surrogate, when it is a high one) starting at `at`, the
// index of the `u`, and advances `at` past it. A lone surrogate (JSON.parse keeps it as a lone
// UTF-16 unit, which UTF-8 cannot hold) gives U+FFFD and sets `*repaired`; an escape that follows
// a lone high surrogate is left to be read on its own. nullopt: bad hex digits.
std::optional<std::uint32_t> UnicodeEscape(std::string_view text, std::size_t& at, bool* repaired) {
  const auto high = HexQuad(text, at + 1);
  if (!high) return std::nullopt;
  at += 5;
  const auto lone = [&] {
    *repaired = true;
    return kReplacementCharacter;
  };
  if (*high >= 0xDC00 && *high <= 0xDFFF) return lone();
  if (*high < 0xD800 || *high > 0xDBFF) return *high;
  if (at + 1 >= text.size() || text[at] != '\\' || text[at + 1] != 'u') return lone();
  const auto low = HexQuad(text, at + 2);
  if (!low) return std::nullopt;
  if (*low < 0xDC00 || *low > 0xDFFF) return lone();
  at += 6;
  return 0x10000 + ((*high - 0xD800) << 10) + (*low - 0xDC00);
}

// Appends the multi-byte character at `text[at]` (a byte >= 0x80) and advances past it; ill-formed
// UTF-8 becomes one U+FFFD per maximal subpart (the WHATWG decoder's rule, so rows read like
// `new TextDecoder().decode`), and the byte that broke a sequence is read afresh.
void AppendUtf8Character(std::string_view text, std::size_t& at, std::string& out, bool* repaired) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data()) + at;
  const Utf8Sequence seq = CheckUtf8Sequence(bytes, text.size() - at);
  if (seq.check == Utf8Check::kValid) {
    out.append(text.substr(at, seq.length));
    at += seq.length;
    return;
  }
  *repaired = true;
  AppendUtf8(kReplacementCharacter, out);
  if (seq.check == Utf8Check::kNeedMore) {
    at = text.size();  // a sequence cut by the end of the text
  } else {
    at += seq.length == 0 ? 1 : seq.length;
  }
}

std::optional<char> SimpleEscape(char c) {
  switch (c) {
    case '"':
    case '\\':
    case '/':
      return c;
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string_view TrimJsonWhitespace(std::string_view text) {
  while (!text.empty() && IsJsonSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsJsonSpace(text.back())) text.remove_suffix(1);
  return text;
}

bool AppendJsonEscape(std::string_view text, std::size_t& at, std::string& out, bool* repaired) {
  if (at + 1 >= text.size()) return false;
  if (text[at + 1] == 'u') {
    ++at;
    const auto code_point = UnicodeEscape(text, at, repaired);
    if (!code_point) return false;
    AppendUtf8(*code_point, out);
    return true;
  }
  const auto simple = SimpleEscape(text[at + 1]);
  if (!simple) return false;
  out.push_back(*simple);
  at += 2;
  return true;
}

std::optional<std::string> DecodeJsonString(std::string_view quoted, bool* repaired) {
  bool repaired_here = false;
  if (repaired == nullptr) repaired = &repaired_here;
  *repaired = false;
  if (quoted.size() < 2 || quoted.front() != '"') return std::nullopt;
  std::string out;
  std::size_t at = 1;
  while (at < quoted.size()) {
    const char c = quoted[at];
    if (c == '"') {
      // The closing quote must be the last byte: one value, nothing after it.
      if (at + 1 != quoted.size()) return std::nullopt;
      return out;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20) return std::nullopt;
    if (byte >= 0x80) {
      AppendUtf8Character(quoted, at, out, repaired);
      continue;
    }
    if (c != '\\') {
      out.push_back(c);
      ++at;
      continue;
    }
    if (!AppendJsonEscape(quoted, at, out, repaired)) return std::nullopt;
  }
  return std::nullopt;  // no closing quote
}

bool IsJsonNumber(std::string_view text) {
  std::size_t at = 0;
  const auto digits = [&] {
    const std::size_t start = at;
    while (at < text.size() && IsDigit(text[at])) ++at;
    return at - start;
  };
  if (at < text.size() && text[at] == '-') ++at;
  if (at < text.size() && text[at] == '0') {
    ++at;
  } else if (digits() == 0) {
    return false;
  }
  if (at < text.size() && text[at] == '.') {
    ++at;
    if (digits() == 0) return false;
  }
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
    if (digits() == 0) return false;
  }
  return at == text.size();
}

std::optional<std::int64_t> ParseInt64(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  // Accumulate the magnitude as unsigned so that INT64_MIN is representable.
  const std::uint64_t limit =
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
  std::uint64_t magnitude = 0;
  for (const char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (magnitude > (limit - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (!negative) return static_cast<std::int64_t>(magnitude);
  return magnitude == 0 ? 0 : -static_cast<std::int64_t>(magnitude - 1) - 1;
}

std::string EncodeJsonString(std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::uint8_t c = bytes[i];
    if (c >= 0x80) {
      const Utf8Sequence sequence = CheckUtf8Sequence(bytes + i, text.size() - i);
      if (sequence.check == Utf8Check::kValid) {
        out.append(text.substr(i, sequence.length));
        i += sequence.length;
      } else {
        out += "\xEF\xBF\xBD";  // U+FFFD for the lead byte; what follows is looked at again
        ++i;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

}  // namespace job_detail::detail
