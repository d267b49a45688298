#include "job_detail/detail/s3_error.h"

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/civil_time.h"
#include "job_detail/detail/utf8.h"

namespace job_detail::detail {
namespace {

// A character reference's code point; NUL, surrogates and values past U+10FFFF become U+FFFD.
void AppendReferencedChar(std::uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  AppendUtf8(cp, *out);
}

// `&#65;` / `&#x41;` (without '&' and ';'); nullopt when malformed.
std::optional<std::uint32_t> CharReference(std::string_view ref) {
  if (ref.size() < 2 || ref[0] != '#') return std::nullopt;
  const bool hex = ref[1] == 'x' || ref[1] == 'X';
  const std::string_view digits = ref.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : digits) {
    const int d = hex ? HexDigitValue(c) : (IsAsciiDigit(c) ? c - '0' : -1);
    if (d < 0) return std::nullopt;
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
  }
  return value;
}

std::string DecodeText(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  while (!raw.empty()) {
    if (raw.substr(0, 9) == "<![CDATA[") {
      const std::size_t end = raw.find("]]>", 9);
      const std::string_view data =
          raw.substr(9, end == std::string_view::npos ? raw.npos : end - 9);
      out.append(data);
      if (end == std::string_view::npos) break;
      raw.remove_prefix(end + 3);
      continue;
    }
    if (raw.front() == '&') {
      const std::size_t semi = raw.find(';');
      if (semi != std::string_view::npos && semi <= 12) {
        const std::string_view name = raw.substr(1, semi - 1);
        std::optional<std::uint32_t> cp;
        if (name == "amp")
          cp = '&';
        else if (name == "lt")
          cp = '<';
        else if (name == "gt")
          cp = '>';
        else if (name == "quot")
          cp = '"';
        else if (name == "apos")
          cp = '\'';
        else
          cp = CharReference(name);
        if (cp) {
          AppendReferencedChar(*cp, &out);
          raw.remove_prefix(semi + 1);
          continue;
        }
      }
    }
    out.push_back(raw.front());
    raw.remove_prefix(1);
  }
  return out;
}

// The text of the first `<name>` or `<name attr…>` element whose content has no child elements.
std::optional<std::string> LeafText(std::string_view body, std::string_view name) {
  const std::string open = "<" + std::string(name);
  const std::string close = "</" + std::string(name);
  std::size_t from = 0;
  while (true) {
    const std::size_t start = body.find(open, from);
    if (start == std::string_view::npos) return std::nullopt;
    const std::size_t after = start + open.size();
    from = after;
    if (after >= body.size()) return std::nullopt;
    const char next = body[after];
    if (next != '>' && next != ' ' && next != '\t' && next != '\r' && next != '\n' && next != '/') {
      continue;  // a longer name such as <CodeX>
    }
    const std::size_t tag_end = body.find('>', after);
    if (tag_end == std::string_view::npos) return std::nullopt;
    if (body[tag_end - 1] == '/') return std::string();  // <Code/>
    const std::size_t end = body.find(close, tag_end + 1);
    if (end == std::string_view::npos) return std::nullopt;
    return DecodeText(TrimAscii(body.substr(tag_end + 1, end - tag_end - 1), kSpaceTabNewline));
  }
}

}  // namespace

std::optional<S3ErrorBody> ParseS3ErrorBody(std::string_view body) {
  body = body.substr(0, kMaxS3ErrorBodyBytes);
  auto code = LeafText(body, "Code");
  if (!code) return std::nullopt;
  S3ErrorBody result;
  result.code = std::string(TrimAscii(*code, kSpaceTabNewline));
  result.message = LeafText(body, "Message").value_or("");
  result.server_time = LeafText(body, "ServerTime").value_or("");
  if (!result.server_time.empty()) result.server_time_ms = ParseIsoExtendedUtc(result.server_time);
  return result;
}

}  // namespace job_detail::detail
