#include "job_detail/cloudfront_url.h"

#include <cstddef>
#include <string>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/json_dom.h"
#include "job_detail/detail/url_parts.h"

namespace job_detail {
namespace {

using Problem = CloudFrontPolicyProblem;

// A policy is a few hundred bytes; anything far larger is not one worth decoding.
constexpr std::size_t kMaxPolicyChars = 16 * 1024;
// Epoch seconds past year 9999 are not a date CloudFront signs; also keeps `* 1000` in range.
constexpr std::uint64_t kMaxEpochSeconds = 253'402'300'799;

// The value of one base64 digit in CloudFront's alphabet (`-` and `~` instead of `+` and `/`);
// -1 for anything else, the standard `+` and `/` included.
int CloudFrontBase64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '~') return 63;
  return -1;
}

// Padding (`_`, CloudFront's `=`) is optional; nullopt on any other character or a bad length.
std::optional<std::string> DecodeCloudFrontBase64(std::string_view text) {
  while (!text.empty() && text.back() == '_') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (char c : text) {
    const int digit = CloudFrontBase64Digit(c);
    if (digit < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(digit);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xFF));
    }
  }
  return out;
}

// Epoch seconds as milliseconds: a non-negative integer within kMaxEpochSeconds.
std::optional<std::int64_t> EpochMs(const nlohmann::json& value) {
  if (!value.is_number_integer()) return std::nullopt;
  if (value.is_number_unsigned()) {
    const auto seconds = value.get<std::uint64_t>();
    if (seconds > kMaxEpochSeconds) return std::nullopt;
    return static_cast<std::int64_t>(seconds) * 1000;
  }
  const auto seconds = value.get<std::int64_t>();
  if (seconds < 0 || static_cast<std::uint64_t>(seconds) > kMaxEpochSeconds) return std::nullopt;
  return seconds * 1000;
}

// `{"AWS:EpochTime": N}` under `condition[name]`: nullopt when absent, kBadJson when malformed.
struct DateCondition {
  bool present = false;
  std::optional<std::int64_t> ms;
};

DateCondition ReadDateCondition(const nlohmann::json& condition, const char* name) {
  DateCondition out;
  const auto it = condition.find(name);
  if (it == condition.end()) return out;
  out.present = true;
  if (!it->is_object()) return out;
  const auto epoch = it->find("AWS:EpochTime");
  if (epoch != it->end()) out.ms = EpochMs(*epoch);
  return out;
}

void ReadPolicy(std::string_view encoded, CloudFrontUrlTerms* terms) {
  if (encoded.size() > kMaxPolicyChars) {
    terms->problem = Problem::kBadBase64;
    return;
  }
  const auto text = DecodeCloudFrontBase64(encoded);
  if (!text) {
    terms->problem = Problem::kBadBase64;
    return;
  }
  auto dom = detail::ParseJsonDom(*text, {.max_depth = 8});
  if (!dom.ok() || !dom.value().value.is_object()) {
    terms->problem = Problem::kBadJson;
    return;
  }
  const nlohmann::json& policy = dom.value().value;
  const auto statements = policy.find("Statement");
  // CloudFront takes exactly one statement; its conditions are what bound the URL in time.
  if (statements == policy.end() || !statements->is_array() || statements->size() != 1 ||
      !(*statements)[0].is_object()) {
    terms->problem = Problem::kBadJson;
    return;
  }
  const nlohmann::json& statement = (*statements)[0];
  const auto condition = statement.find("Condition");
  if (condition == statement.end()) {
    terms->problem = Problem::kNoDateLessThan;
    return;
  }
  if (!condition->is_object()) {
    terms->problem = Problem::kBadJson;
    return;
  }
  const DateCondition until = ReadDateCondition(*condition, "DateLessThan");
  const DateCondition from = ReadDateCondition(*condition, "DateGreaterThan");
  if (!until.present) {
    terms->problem = Problem::kNoDateLessThan;
    return;
  }
  if (!until.ms || (from.present && !from.ms)) {
    terms->problem = Problem::kBadJson;
    return;
  }
  terms->expires_ms = until.ms;
  terms->not_before_ms = from.ms;
}

}  // namespace

CloudFrontUrlTerms ReadCloudFrontUrl(std::string_view url) {
  CloudFrontUrlTerms terms;
  const detail::UrlParts parts = detail::SplitUrl(url);
  if (!parts.valid) return terms;
  const auto key_pair_id = detail::QueryParam(parts.query, "Key-Pair-Id");
  const auto policy = detail::QueryParamKeepingPlus(parts.query, "Policy");
  const auto expires = detail::QueryParam(parts.query, "Expires");
  const auto signature = detail::QueryParam(parts.query, "Signature");
  if (!signature && !key_pair_id) return terms;
  if (policy) {
    // CloudFront reads the policy when both are present; so does this reader.
    terms.form = CloudFrontUrlForm::kCustom;
    ReadPolicy(*policy, &terms);
    return terms;
  }
  if (!expires && !key_pair_id) return terms;  // a bare `Signature` (SigV2, say): not ours
  terms.form = CloudFrontUrlForm::kCanned;
  const auto seconds =
      expires ? detail::ParseDecimalDigits(*expires, 12) : std::optional<std::uint64_t>{};
  if (!seconds || *seconds > kMaxEpochSeconds) {
    terms.problem = Problem::kBadExpires;
    return terms;
  }
  terms.expires_ms = static_cast<std::int64_t>(*seconds) * 1000;
  return terms;
}

UrlFreshness CheckCloudFrontFreshness(const CloudFrontUrlTerms& terms, std::int64_t now_ms,
                                      std::int64_t skew_ms, std::int64_t margin_ms) {
  const UrlFreshness by_expiry = CheckFreshness(terms.expires_ms, now_ms, skew_ms, margin_ms);
  if (by_expiry != UrlFreshness::kFresh) return by_expiry;
  // No margin here: a request sent a moment early is refused, one sent a moment late is not.
  if (terms.not_before_ms && now_ms + skew_ms <= *terms.not_before_ms) {
    return UrlFreshness::kNotYetValid;
  }
  return UrlFreshness::kFresh;
}

}  // namespace job_detail
