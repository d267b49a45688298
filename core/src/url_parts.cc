#include "job_detail/detail/url_parts.h"

#include <cstddef>

#include "job_detail/detail/ascii.h"

namespace job_detail::detail {
namespace {

std::string Decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexDigitValue(text[i + 1]) >= 0 &&
        HexDigitValue(text[i + 2]) >= 0) {
      out.push_back(
          static_cast<char>(HexDigitValue(text[i + 1]) * 16 + HexDigitValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(plus_is_space && text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

// Calls `visit(raw_key, raw_value)` for each `&`-separated query parameter.
template <class Visit>
void ForEachParam(std::string_view query, Visit visit) {
  while (true) {
    const std::size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    const std::size_t eq = param.find('=');
    visit(param.substr(0, eq),
          eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1));
    if (amp == std::string_view::npos) return;
    query.remove_prefix(amp + 1);
  }
}

std::optional<std::string> FindParam(std::string_view query, std::string_view name,
                                     bool plus_is_space) {
  std::optional<std::string> found;
  ForEachParam(query, [&](std::string_view key, std::string_view value) {
    if (!found && EqualsIgnoreAsciiCase(Decode(key, true), name)) {
      found = Decode(value, plus_is_space);
    }
  });
  return found;
}

}  // namespace

UrlParts SplitUrl(std::string_view url) {
  UrlParts parts;
  const std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return parts;
  parts.scheme = url.substr(0, colon);
  for (char c : parts.scheme) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return parts;
  }
  std::string_view rest = url.substr(colon + 1);
  if (rest.substr(0, 2) != "//") return parts;
  rest.remove_prefix(2);
  const std::size_t fragment = rest.find('#');
  if (fragment != std::string_view::npos) rest = rest.substr(0, fragment);
  const std::size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    parts.has_userinfo = true;
    parts.userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return parts;
    parts.host = authority.substr(0, close + 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') return parts;
  } else {
    parts.host = authority.substr(0, authority.find(':'));
    authority.remove_prefix(parts.host.size());
  }
  if (!authority.empty()) parts.port = authority.substr(1);  // after ':'
  const std::size_t question = rest.find('?');
  parts.path = rest.substr(0, question);
  if (question != std::string_view::npos) parts.query = rest.substr(question + 1);
  parts.valid = !parts.host.empty();
  return parts;
}

std::string PercentDecode(std::string_view text) { return Decode(text, true); }

std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  return FindParam(query, name, true);
}

std::optional<std::string> QueryParamKeepingPlus(std::string_view query, std::string_view name) {
  return FindParam(query, name, false);
}

}  // namespace job_detail::detail
