#include "job_detail/step_key.h"

#include <cstdint>

#include "job_detail/detail/index_table.h"
#include "job_detail/detail/json_text.h"
#include "job_detail/detail/step_key_dom.h"

namespace job_detail {
namespace {

// One member's value, reduced to what the key rules look at.
struct KeyValue {
  bool is_string = false;
  std::string text;  // the string's content, or a JSON integer's text
};

std::optional<KeyValue> FromJsonText(std::optional<std::string_view> json_text) {
  if (!json_text) return std::nullopt;
  const std::string_view text = detail::TrimJsonWhitespace(*json_text);
  if (!text.empty() && text.front() == '"') {
    auto decoded = detail::DecodeJsonString(text);
    if (!decoded) return std::nullopt;
    return KeyValue{true, std::move(*decoded)};
  }
  // Only int64 integers (no fraction, no exponent) are keys; `3.0` does not qualify. The text is
  // re-written so that `-0` and `0` agree, as they do once parsed.
  if (!detail::IsJsonNumber(text)) return std::nullopt;
  const auto number = detail::ParseInt64(text);
  if (!number) return std::nullopt;
  return KeyValue{false, std::to_string(*number)};
}

std::optional<KeyValue> FromJson(const nlohmann::json& step, const char* name) {
  const auto member = step.find(name);
  if (member == step.end()) return std::nullopt;
  if (member->is_string()) return KeyValue{true, member->get_ref<const std::string&>()};
  if (member->is_number_unsigned()) {
    const auto value = member->get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return KeyValue{false, std::to_string(value)};
  }
  if (member->is_number_integer()) {
    return KeyValue{false, std::to_string(member->get<std::int64_t>())};
  }
  return std::nullopt;
}

StepKey Decide(const std::optional<KeyValue>& step_number, const std::optional<KeyValue>& step_id,
               const std::optional<KeyValue>& id, std::size_t position) {
  if (step_number) {
    if (const auto number = detail::ParseInt64(step_number->text)) {
      return {StepKeyKind::kStepNumber, *number, {}};
    }
  }
  for (const auto* candidate : {&step_id, &id}) {
    if (*candidate && !(*candidate)->text.empty()) {
      return {StepKeyKind::kId, 0, (*candidate)->text};
    }
  }
  return {StepKeyKind::kPosition, static_cast<std::int64_t>(position), {}};
}

}  // namespace

StepKey StepKeyFromJsonText(std::optional<std::string_view> step_number,
                            std::optional<std::string_view> step_id,
                            std::optional<std::string_view> id, std::size_t position) {
  return Decide(FromJsonText(step_number), FromJsonText(step_id), FromJsonText(id), position);
}

StepKey detail::StepKeyOf(const nlohmann::json& step, std::size_t position) {
  if (!step.is_object()) return {StepKeyKind::kPosition, static_cast<std::int64_t>(position), {}};
  return Decide(FromJson(step, "step_number"), FromJson(step, "step_id"), FromJson(step, "id"),
                position);
}

std::string StepKeyToString(const StepKey& key) {
  switch (key.kind) {
    case StepKeyKind::kStepNumber:
      return std::to_string(key.number);
    case StepKeyKind::kId:
      return "id:" + key.id;
    case StepKeyKind::kPosition:
      break;
  }
  return "#" + std::to_string(key.number);
}

bool operator==(const StepKey& a, const StepKey& b) {
  if (a.kind != b.kind) return false;
  return a.kind == StepKeyKind::kId ? a.id == b.id : a.number == b.number;
}

std::size_t StepKeyHash::operator()(const StepKey& key) const {
  // The index table (detail/index_table.h) takes the low bits: a multiplicative hash's high half.
  const std::uint32_t kind = static_cast<std::uint32_t>(key.kind);
  if (key.kind == StepKeyKind::kId) return detail::HashBytes(key.id) * 31 + kind;
  const std::uint64_t mixed = static_cast<std::uint64_t>(key.number) * 0x9E3779B97F4A7C15u;
  return static_cast<std::uint32_t>(mixed >> 32) * 31 + kind;
}

}  // namespace job_detail
