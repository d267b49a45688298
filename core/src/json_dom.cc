#include "job_detail/detail/json_dom.h"

#include <cstdlib>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "job_detail/detail/json_text.h"

namespace job_detail::detail {
namespace {

using nlohmann::json;

std::optional<std::uint64_t> ParseUint64(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// Builds the DOM from the scanner's events. Pointers to open containers stay valid: only the
// innermost open container grows while it is open, and object members live in map nodes.
class DomBuilder {
 public:
  DomBuilder(std::string_view text, std::string_view set_aside_member)
      : text_(text), set_aside_member_(set_aside_member) {}

  std::optional<Error> On(const JsonEvent& event) {
    if (skipping_) {
      const bool closes =
          event.kind == JsonEventKind::kEndArray || event.kind == JsonEventKind::kEndObject;
      if (closes && event.depth == skip_depth_) {
        dom_.set_aside->end = event.end;
        skipping_ = false;
      }
      return std::nullopt;
    }
    if (next_is_set_aside_) {
      next_is_set_aside_ = false;
      dom_.set_aside = SetAsideValue{event.kind, event.begin, event.end};
      skipping_ =
          event.kind == JsonEventKind::kBeginArray || event.kind == JsonEventKind::kBeginObject;
      skip_depth_ = event.depth;
      return std::nullopt;
    }
    switch (event.kind) {
      case JsonEventKind::kBeginObject:
      case JsonEventKind::kBeginArray:
        open_.push_back(Add(event.kind == JsonEventKind::kBeginObject ? json::value_t::object
                                                                      : json::value_t::array));
        return std::nullopt;
      case JsonEventKind::kEndObject:
      case JsonEventKind::kEndArray:
        open_.pop_back();
        return std::nullopt;
      case JsonEventKind::kKey: {
        auto name = DecodeJsonString(Text(event));
        if (!name) return Undecodable(event);
        if (open_.size() == 1 && !set_aside_member_.empty() && *name == set_aside_member_) {
          next_is_set_aside_ = true;
        } else {
          member_ = &(*open_.back())[std::move(*name)];
        }
        return std::nullopt;
      }
      case JsonEventKind::kString: {
        auto value = DecodeJsonString(Text(event));
        if (!value) return Undecodable(event);
        Add(std::move(*value));
        return std::nullopt;
      }
      case JsonEventKind::kNumber:
        Add(JsonNumberValue(Text(event)));
        return std::nullopt;
      case JsonEventKind::kTrue:
        Add(true);
        return std::nullopt;
      case JsonEventKind::kFalse:
        Add(false);
        return std::nullopt;
      case JsonEventKind::kNull:
        Add(nullptr);
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }

  JsonDom Take() { return std::move(dom_); }

 private:
  std::string_view Text(const JsonEvent& event) const {
    return text_.substr(event.begin, event.end - event.begin);
  }

  // The scanner validated the string, so this would be a disagreement between two readers.
  static Error Undecodable(const JsonEvent& event) {
    return Error{ErrorCode::kInvalidJson, event.begin, "string could not be decoded"};
  }

  template <class Value>
  json* Add(Value&& value) {
    if (open_.empty()) {
      dom_.value = json(std::forward<Value>(value));
      return &dom_.value;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.emplace_back(std::forward<Value>(value));
      return &parent.back();
    }
    *member_ = json(std::forward<Value>(value));
    return member_;
  }

  std::string_view text_;
  std::string_view set_aside_member_;
  JsonDom dom_;
  std::vector<json*> open_;
  json* member_ = nullptr;  // where the value after the last key goes
  bool next_is_set_aside_ = false;
  bool skipping_ = false;  // inside the set-aside container, until its end at skip_depth_
  std::uint32_t skip_depth_ = 0;
};

}  // namespace

json JsonNumberValue(std::string_view text) {
  if (text.find_first_of(".eE") == std::string_view::npos) {
    if (!text.empty() && text.front() == '-') {
      if (const auto value = ParseInt64(text)) return *value;
    } else if (const auto value = ParseUint64(text)) {
      return *value;
    }
  }
  // strtod rounds correctly and overflows to ±HUGE_VAL, which is JSON.parse's ±Infinity.
  const std::string terminated(text);
  return std::strtod(terminated.c_str(), nullptr);
}

Result<JsonDom> ParseJsonDom(std::string_view text, const JsonDomOptions& options) {
  JsonScanner scanner(options.max_depth, options.rules);
  scanner.EndInput();
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()),
                                            text.size());
  DomBuilder builder(text, options.set_aside_member);
  for (;;) {
    const JsonEvent event = scanner.Next(bytes);
    switch (event.kind) {
      case JsonEventKind::kDone:
        return builder.Take();
      case JsonEventKind::kError:
        return scanner.error();
      case JsonEventKind::kNeedMore:  // not after EndInput(); kept total for safety
        return Error{ErrorCode::kTruncated, text.size(), "the JSON text ends early"};
      default:
        if (auto error = builder.On(event)) return *std::move(error);
    }
  }
}

}  // namespace job_detail::detail
