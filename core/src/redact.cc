#include "job_detail/redact.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/stable_sort.h"

namespace job_detail {
namespace {

// One character of the text as read through the escapes so far, and the original bytes it stands
// for: redaction replaces original bytes, whatever layer the value was found in.
struct Unit {
  unsigned char c = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
};

using Units = std::vector<Unit>;

// A decoded escape that stands for a character outside ASCII: neither a name nor a value character,
// so it ends whatever it interrupts.
constexpr unsigned char kNonAscii = 0x80;

constexpr int kMaxLayers = 3;

constexpr std::string_view kParameters[] = {
    "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "Signature",
    "Policy",          "Key-Pair-Id",      "AWSAccessKeyId",
};

bool IsNameChar(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// A query value: unreserved characters, percent escapes, and what base64, CloudFront's base64
// variant and credential scopes use.
bool IsValueChar(unsigned char c) {
  return IsNameChar(c) || (c != 0 && std::string_view("%.~+/=:").find(static_cast<char>(c)) !=
                                         std::string_view::npos);
}

struct Decoded {
  std::size_t length = 0;  // units consumed; 0: no escape here
  unsigned char c = 0;
};

unsigned char Ascii(std::uint32_t code) {
  return code < 0x80 ? static_cast<unsigned char>(code) : kNonAscii;
}

// Reads up to `max_digits` digits of `base` from units[at], stopping at the first non-digit.
std::uint32_t Digits(const Units& u, std::size_t& at, int base, std::size_t max_digits) {
  std::uint32_t value = 0;
  const std::size_t start = at;
  while (at < u.size() && at - start < max_digits) {
    const int digit = detail::HexDigitValue(static_cast<char>(u[at].c));
    if (digit < 0 || digit >= base) break;
    value = value * static_cast<std::uint32_t>(base) + static_cast<std::uint32_t>(digit);
    ++at;
  }
  return value;
}

// `%XX`
Decoded PercentEscape(const Units& u, std::size_t i) {
  if (i + 2 >= u.size()) return {};
  const int high = detail::HexDigitValue(static_cast<char>(u[i + 1].c));
  const int low = detail::HexDigitValue(static_cast<char>(u[i + 2].c));
  if (high < 0 || low < 0) return {};
  return {3, static_cast<unsigned char>(high * 16 + low)};
}

// `\uXXXX` and JSON's two-character escapes.
Decoded JsonEscape(const Units& u, std::size_t i) {
  if (i + 1 >= u.size()) return {};
  switch (u[i + 1].c) {
    case 'u': {
      std::size_t at = i + 2;
      const std::uint32_t code = Digits(u, at, 16, 4);
      if (at != i + 6) return {};
      return {6, Ascii(code)};
    }
    case '/':
    case '\\':
    case '"':
      return {2, u[i + 1].c};
    case 'n':
      return {2, '\n'};
    case 'r':
      return {2, '\r'};
    case 't':
      return {2, '\t'};
    case 'b':
      return {2, '\b'};
    case 'f':
      return {2, '\f'};
    default:
      return {};
  }
}

// `&#NN;`, `&#xHH;` and the named references of URL characters.
Decoded HtmlReference(const Units& u, std::size_t i) {
  struct Named {
    std::string_view name;
    unsigned char c;
  };
  constexpr Named kNamed[] = {{"amp", '&'},    {"equals", '='}, {"quest", '?'}, {"sol", '/'},
                              {"percnt", '%'}, {"plus", '+'},   {"colon", ':'}, {"quot", '"'},
                              {"apos", '\''},  {"lt", '<'},     {"gt", '>'},    {"num", '#'}};
  if (i + 2 >= u.size()) return {};
  if (u[i + 1].c == '#') {
    std::size_t at = i + 2;
    const bool hex = at < u.size() && (u[at].c == 'x' || u[at].c == 'X');
    if (hex) ++at;
    const std::size_t first_digit = at;
    const std::uint32_t code = Digits(u, at, hex ? 16 : 10, hex ? 6 : 7);
    if (at == first_digit || at >= u.size() || u[at].c != ';') return {};
    return {at + 1 - i, Ascii(code)};
  }
  for (const Named& named : kNamed) {
    const std::size_t semicolon = i + 1 + named.name.size();
    if (semicolon >= u.size() || u[semicolon].c != ';') continue;
    bool same = true;
    for (std::size_t k = 0; k < named.name.size() && same; ++k) {
      same = detail::AsciiLower(static_cast<char>(u[i + 1 + k].c)) == named.name[k];
    }
    if (same) return {semicolon + 1 - i, named.c};
  }
  return {};
}

Decoded EscapeAt(const Units& u, std::size_t i) {
  switch (u[i].c) {
    case '%':
      return PercentEscape(u, i);
    case '\\':
      return JsonEscape(u, i);
    case '&':
      return HtmlReference(u, i);
    default:
      return {};
  }
}

// One layer of decoding; false when the units hold no escape (nothing deeper to find).
bool DecodeLayer(const Units& in, Units* out) {
  out->clear();
  out->reserve(in.size());
  bool decoded_any = false;
  for (std::size_t i = 0; i < in.size();) {
    const Decoded escape = EscapeAt(in, i);
    if (escape.length == 0) {
      out->push_back(in[i++]);
      continue;
    }
    decoded_any = true;
    out->push_back({escape.c, in[i].begin, in[i + escape.length - 1].end});
    i += escape.length;
  }
  return decoded_any;
}

bool NameAt(const Units& u, std::size_t i, std::string_view name) {
  if (i + name.size() >= u.size() || u[i + name.size()].c != '=') return false;
  for (std::size_t k = 0; k < name.size(); ++k) {
    if (detail::AsciiLower(static_cast<char>(u[i + k].c)) != detail::AsciiLower(name[k])) {
      return false;
    }
  }
  return true;
}

// The original byte ranges of the credential values found in `u`, in order.
std::vector<std::pair<std::size_t, std::size_t>> SecretRanges(const Units& u) {
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::size_t i = 0;
  while (i < u.size()) {
    if (i > 0 && IsNameChar(u[i - 1].c)) {
      ++i;
      continue;
    }
    std::size_t value_end = 0;
    for (std::string_view name : kParameters) {
      if (!NameAt(u, i, name)) continue;
      const std::size_t value = i + name.size() + 1;
      value_end = value;
      while (value_end < u.size() && IsValueChar(u[value_end].c)) ++value_end;
      if (value_end > value) ranges.emplace_back(u[value].begin, u[value_end - 1].end);
      break;
    }
    i = value_end > i ? value_end : i + 1;
  }
  return ranges;
}

// Ranges found in different layers may overlap: merge them, in order.
std::vector<std::pair<std::size_t, std::size_t>> Merged(
    std::vector<std::pair<std::size_t, std::size_t>> ranges) {
  detail::StableSort(ranges, std::less<>{});
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (const auto& range : ranges) {
    if (!merged.empty() && range.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, range.second);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

}  // namespace

std::string RedactSecrets(std::string_view text) {
  Units units;
  units.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    units.push_back({static_cast<unsigned char>(text[i]), i, i + 1});
  }
  // Every layer is searched, not only the last: a layer's decoding may also turn bytes that were
  // plain text into false boundaries.
  std::vector<std::pair<std::size_t, std::size_t>> ranges = SecretRanges(units);
  Units next;
  for (int layer = 0; layer < kMaxLayers && DecodeLayer(units, &next); ++layer) {
    units.swap(next);
    const auto found = SecretRanges(units);
    ranges.insert(ranges.end(), found.begin(), found.end());
  }
  if (ranges.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const auto& [begin, end] : Merged(std::move(ranges))) {
    out.append(text.substr(at, begin - at));
    out += "REDACTED";
    at = end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace job_detail
