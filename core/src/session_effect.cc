#include "job_detail/session_effect.h"

#include "job_detail/detail/ascii.h"

namespace job_detail {

std::optional<std::string_view> HttpHeaderValue(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (detail::EqualsIgnoreAsciiCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

}  // namespace job_detail
