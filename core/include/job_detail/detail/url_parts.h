// The pieces of an absolute URL as views into it, and its query parameters. Deliberately small:
// the signed-URL readers need the scheme, the authority split into user info / host / port, the
// path and the query parameters, nothing a full WHATWG parser adds.
#ifndef JOB_DETAIL_DETAIL_URL_PARTS_H_
#define JOB_DETAIL_DETAIL_URL_PARTS_H_

#include <optional>
#include <string>
#include <string_view>

namespace job_detail::detail {

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

UrlParts SplitUrl(std::string_view url);

// `%XX` escapes decoded and `+` read as a space, as form-encoded query values are.
std::string PercentDecode(std::string_view text);

// The decoded value of the first parameter named `name` (ASCII case-insensitive), if any.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name);

// Like QueryParam but `+` stays `+`: for values whose alphabet includes it (base64).
std::optional<std::string> QueryParamKeepingPlus(std::string_view query, std::string_view name);

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_URL_PARTS_H_
