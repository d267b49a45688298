#include "job_detail/session_effect.h"

#include <algorithm>

namespace job_detail {

std::optional<std::string_view> HttpHeaderValue(const HttpHeaders& headers, std::string_view name) {
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(),
                   [&](char a, char b) { return lower(a) == lower(b); })) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

}  // namespace job_detail
