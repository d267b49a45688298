#include "job_detail/cloudfront_url.h"

#include <cstddef>
#include <string>
#include <utility>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/json_members.h"
#include "job_detail/detail/url_parts.h"

namespace job_detail {
namespace {

using Problem = CloudFrontPolicyProblem;

// A policy is a few hundred bytes; anything far larger is not one worth decoding.
constexpr std::size_t kMaxPolicyChars = 16 * 1024;
constexpr std::uint32_t kMaxPolicyDepth = 8;
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

// A JSON value of the policy and its members, whose spans count from the start of `text`.
struct PolicyValue {
  std::string_view text;
  detail::JsonMembers parsed;
};

std::optional<PolicyValue> Open(std::string_view text) {
  auto members = detail::ReadJsonMembers(text, kMaxPolicyDepth);
  if (!members.ok()) return std::nullopt;
  return PolicyValue{text, std::move(members).value()};
}

// The object member `name` of `value`, opened: nullopt when absent or not an object; `*present`
// says whether it was there.
std::optional<PolicyValue> OpenObjectMember(const PolicyValue& value, std::string_view name,
                                            bool* present) {
  const detail::JsonSpan* member = detail::FindMember(value.parsed, name);
  *present = member != nullptr;
  if (member == nullptr || member->kind != detail::JsonEventKind::kBeginObject) return std::nullopt;
  return Open(detail::SpanText(value.text, *member));
}

// Epoch seconds as milliseconds: a non-negative integer within kMaxEpochSeconds.
std::optional<std::int64_t> EpochMs(const PolicyValue& date) {
  const detail::JsonSpan* value = detail::FindMember(date.parsed, "AWS:EpochTime");
  if (value == nullptr || value->kind != detail::JsonEventKind::kNumber) return std::nullopt;
  const auto integer = detail::JsonIntegerText(detail::SpanText(date.text, *value));
  // More than 12 digits is past kMaxEpochSeconds; a `-` is a negative number (`-0` reads `0`).
  const auto seconds = integer ? detail::ParseDecimalDigits(*integer, 12) : std::nullopt;
  if (!seconds || *seconds > kMaxEpochSeconds) return std::nullopt;
  return static_cast<std::int64_t>(*seconds) * 1000;
}

// `{"AWS:EpochTime": N}` under `condition[name]`: nullopt when absent, kBadJson when malformed.
struct DateCondition {
  bool present = false;
  std::optional<std::int64_t> ms;
};

DateCondition ReadDateCondition(const PolicyValue& condition, std::string_view name) {
  DateCondition out;
  const auto date = OpenObjectMember(condition, name, &out.present);
  if (date) out.ms = EpochMs(*date);
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
  const auto policy = Open(*text);
  if (!policy || policy->parsed.value.kind != detail::JsonEventKind::kBeginObject) {
    terms->problem = Problem::kBadJson;
    return;
  }
  const detail::JsonSpan* statements_span = detail::FindMember(policy->parsed, "Statement");
  const auto statements =
      statements_span != nullptr && statements_span->kind == detail::JsonEventKind::kBeginArray
          ? Open(detail::SpanText(policy->text, *statements_span))
          : std::nullopt;
  // CloudFront takes exactly one statement; its conditions are what bound the URL in time.
  if (!statements || statements->parsed.members.size() != 1 ||
      statements->parsed.members[0].value.kind != detail::JsonEventKind::kBeginObject) {
    terms->problem = Problem::kBadJson;
    return;
  }
  const auto statement =
      Open(detail::SpanText(statements->text, statements->parsed.members[0].value));
  bool has_condition = false;
  const auto condition =
      statement ? OpenObjectMember(*statement, "Condition", &has_condition) : std::nullopt;
  if (!has_condition) {
    terms->problem = statement ? Problem::kNoDateLessThan : Problem::kBadJson;
    return;
  }
  if (!condition) {
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
