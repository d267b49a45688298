#include "job_detail/presigned_url.h"

#include <cstddef>

#include "job_detail/cloudfront_url.h"
#include "job_detail/detail/ascii.h"
#include "job_detail/detail/civil_time.h"
#include "job_detail/detail/url_parts.h"
#include "job_detail/redact.h"

namespace job_detail {
namespace {

using detail::EqualsIgnoreAsciiCase;
using detail::QueryParam;
using detail::SplitUrl;
using detail::UrlParts;

constexpr std::int64_t kMaxPresignSeconds = 604'800;  // SigV4 limit: 7 days

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
  if (!date && !expires) return ReadCloudFrontUrl(url).expires_ms;
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
