#include "job_detail/presigned_url.h"

#include <cstddef>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/civil_time.h"
#include "job_detail/redact.h"

namespace job_detail {
namespace {

constexpr std::int64_t kMaxPresignSeconds = 604'800;  // SigV4 limit: 7 days

// The pieces of an absolute URL, as views into it. Deliberately small: the session only needs the
// scheme, the authority split into user info / host / port, and the query parameters.
struct UrlParts {
  bool valid = false;
  std::string_view scheme;
  std::string_view userinfo;  // empty when absent
  bool has_userinfo = false;
  std::string_view host;  // IPv6 literals keep their brackets
  std::string_view port;  // empty when absent
  std::string_view path;
  std::string_view query;  // without '?'
};

using detail::EqualsIgnoreAsciiCase;

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

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && detail::HexDigitValue(text[i + 1]) >= 0 &&
        detail::HexDigitValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(detail::HexDigitValue(text[i + 1]) * 16 +
                                      detail::HexDigitValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

// Calls `visit(raw_key, raw_value, has_value)` for each `&`-separated query parameter.
template <class Visit>
void ForEachParam(std::string_view query, Visit visit) {
  while (true) {
    const std::size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    const std::size_t eq = param.find('=');
    if (eq == std::string_view::npos) {
      visit(param, std::string_view{}, false);
    } else {
      visit(param.substr(0, eq), param.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) return;
    query.remove_prefix(amp + 1);
  }
}

std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  std::optional<std::string> found;
  ForEachParam(query, [&](std::string_view key, std::string_view value, bool) {
    if (!found && EqualsIgnoreAsciiCase(PercentDecode(key), name)) found = PercentDecode(value);
  });
  return found;
}

bool IsLoopbackIpv4(std::string_view host) {
  int octets = 0;
  while (true) {
    const std::size_t dot = host.find('.');
    const std::string_view octet = host.substr(0, dot);
    const auto value = detail::ParseDecimalDigits(octet, 3);
    if (!value || *value > 255 || (octets == 0 && *value != 127)) return false;
    ++octets;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return octets == 4;
}

bool IsLoopbackHost(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);  // `localhost.` is absolute form
  return EqualsIgnoreAsciiCase(host, "localhost") || host == "[::1]" ||
         EqualsIgnoreAsciiCase(host, "[0:0:0:0:0:0:0:1]") || IsLoopbackIpv4(host);
}

Error Forbidden(std::string message) {
  return Error{ErrorCode::kForbidden, std::nullopt, std::move(message)};
}

}  // namespace

std::optional<std::int64_t> PresignedExpiryMs(std::string_view url) {
  const UrlParts parts = SplitUrl(url);
  if (!parts.valid) return std::nullopt;
  const auto date = QueryParam(parts.query, "X-Amz-Date");
  const auto expires = QueryParam(parts.query, "X-Amz-Expires");
  if (!date || !expires) return std::nullopt;
  const auto parsed_seconds = detail::ParseDecimalDigits(*expires, 7);
  if (!parsed_seconds) return std::nullopt;
  const auto seconds = static_cast<std::int64_t>(*parsed_seconds);
  if (seconds < 1 || seconds > kMaxPresignSeconds) return std::nullopt;
  const auto signed_at = detail::ParseIsoBasicUtc(*date);
  if (!signed_at) return std::nullopt;
  return *signed_at + seconds * 1000;
}

UrlFreshness CheckFreshness(std::optional<std::int64_t> expires_at_server_ms, std::int64_t now_ms,
                            std::int64_t skew_ms, std::int64_t margin_ms) {
  if (!expires_at_server_ms) return UrlFreshness::kUnknown;
  const std::int64_t server_now = now_ms + skew_ms;
  return server_now >= *expires_at_server_ms - margin_ms ? UrlFreshness::kExpired
                                                         : UrlFreshness::kFresh;
}

std::optional<std::int64_t> SkewFromDateHeader(std::string_view date_header, std::int64_t now_ms) {
  const auto server_ms = detail::ParseHttpDate(date_header);
  if (!server_ms) return std::nullopt;
  return *server_ms - now_ms;
}

std::string StepsCacheKey(std::string_view url) {
  const UrlParts parts = SplitUrl(url);
  if (!parts.valid) {
    // Not an absolute URL: still never keep a query string (it may hold a signature).
    return std::string(url.substr(0, url.find_first_of("?#")));
  }
  std::string key = detail::AsciiLowered(parts.scheme) + "://" + detail::AsciiLowered(parts.host);
  if (!parts.port.empty()) key += ":" + std::string(parts.port);
  key += parts.path;
  return key;
}

std::string RedactUrl(std::string_view url) {
  const UrlParts parts = SplitUrl(url);
  if (!parts.valid) return RedactSecrets(url.substr(0, url.find('#')));
  std::string out = std::string(parts.scheme) + "://" + std::string(parts.host);
  if (!parts.port.empty()) out += ":" + std::string(parts.port);
  out += parts.path;
  if (!parts.query.empty()) {
    out += '?';
    out += parts.query;
  }
  return RedactSecrets(out);
}

std::optional<Error> CheckFetchAllowed(std::string_view url,
                                       const std::vector<std::string>& allowed_hosts) {
  const UrlParts parts = SplitUrl(url);
  if (!parts.valid) return Forbidden("not an absolute URL");
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Forbidden("URL contains whitespace or control characters");
    }
  }
  // `https://127.0.0.1@evil.example/` looks local to a careless reader: refuse user info outright.
  if (parts.has_userinfo) return Forbidden("URL carries user info");
  if (EqualsIgnoreAsciiCase(parts.scheme, "http")) {
    if (!IsLoopbackHost(parts.host)) return Forbidden("http: is only allowed on loopback hosts");
  } else if (!EqualsIgnoreAsciiCase(parts.scheme, "https")) {
    return Forbidden("scheme " + detail::AsciiLowered(parts.scheme) + ": is not fetched");
  }
  if (allowed_hosts.empty()) return std::nullopt;
  const std::string host = detail::AsciiLowered(parts.host);
  const std::string host_port = parts.port.empty() ? host : host + ":" + std::string(parts.port);
  for (const std::string& allowed : allowed_hosts) {
    const std::string entry = detail::AsciiLowered(allowed);
    if (entry == host || entry == host_port) return std::nullopt;
  }
  return Forbidden("host " + host + " is not in the allowed hosts");
}

}  // namespace job_detail
