#include "job_detail/detail/json_members.h"

#include <span>
#include <utility>

#include "job_detail/detail/json_text.h"

namespace job_detail::detail {

Result<JsonMembers> ReadJsonMembers(std::string_view text, std::uint32_t max_depth,
                                    JsonTextRules rules) {
  JsonScanner scanner(max_depth, rules);
  scanner.EndInput();
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()),
                                            text.size());
  JsonMembers out;
  std::string name;  // the last member name read
  for (;;) {
    const JsonEvent event = scanner.Next(bytes);
    const bool closes =
        event.kind == JsonEventKind::kEndObject || event.kind == JsonEventKind::kEndArray;
    switch (event.kind) {
      case JsonEventKind::kDone:
        return out;
      case JsonEventKind::kError:
        return scanner.error();
      case JsonEventKind::kNeedMore:  // not after EndInput(); kept total for safety
        return Error{ErrorCode::kTruncated, text.size(), "the JSON text ends early"};
      default:
        break;
    }
    // Depth 0 is the value itself, depth 1 its members; deeper tokens are only validated.
    if (event.depth == 0) {
      if (closes) {
        out.value.end = event.end;
      } else {
        out.value = {event.kind, event.begin, event.end};
      }
    } else if (event.depth == 1) {
      if (event.kind == JsonEventKind::kKey) {
        auto decoded = DecodeJsonString(text.substr(event.begin, event.end - event.begin));
        // The scanner validated the name, so this would be a disagreement between two readers.
        if (!decoded)
          return Error{ErrorCode::kInvalidJson, event.begin, "string could not be decoded"};
        name = std::move(*decoded);
      } else if (closes) {
        out.members.back().value.end = event.end;
      } else {
        const bool in_object = out.value.kind == JsonEventKind::kBeginObject;
        out.members.push_back(
            {in_object ? std::move(name) : std::string(), {event.kind, event.begin, event.end}});
        name.clear();
      }
    }
  }
}

const JsonSpan* FindMember(const JsonMembers& object, std::string_view name) {
  for (auto it = object.members.rbegin(); it != object.members.rend(); ++it) {
    if (it->name == name) return &it->value;
  }
  return nullptr;
}

std::optional<std::string_view> JsonIntegerText(std::string_view number) {
  if (number.find_first_of(".eE") != std::string_view::npos) return std::nullopt;
  if (!number.empty() && number.front() == '-') {
    const auto value = ParseInt64(number);
    if (!value) return std::nullopt;
    return *value == 0 ? std::string_view("0") : number;
  }
  // JSON integers have no leading zeros: the text fits uint64 when it is shorter than its maximum
  // or, as long, not greater.
  constexpr std::string_view kMax = "18446744073709551615";
  if (number.size() > kMax.size() || (number.size() == kMax.size() && number > kMax)) {
    return std::nullopt;
  }
  return number;
}

}  // namespace job_detail::detail
