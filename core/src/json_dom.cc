#include "job_detail/detail/json_dom.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "job_detail/presigned_url.h"

namespace job_detail::detail {
namespace {

using nlohmann::json;

class DomBuilder {
 public:
  DomBuilder(std::size_t max_depth, const NumberTextHook& on_number)
      : max_depth_(max_depth), on_number_(on_number) {}

  bool null() {
    Add(nullptr);
    return true;
  }
  bool boolean(bool value) {
    Add(value);
    return true;
  }
  bool number_integer(json::number_integer_t value) {
    Add(value);
    Report(std::to_string(value));
    return true;
  }
  bool number_unsigned(json::number_unsigned_t value) {
    Add(value);
    Report(std::to_string(value));
    return true;
  }
  bool number_float(json::number_float_t value, const json::string_t& text) {
    Add(value);
    Report(text);
    return true;
  }
  bool string(json::string_t& value) {
    Add(std::move(value));
    return true;
  }
  bool binary(json::binary_t& /*value*/) { return false; }  // never produced by the JSON reader
  bool start_object(std::size_t /*elements*/) { return Open(json::value_t::object, true); }
  bool key(json::string_t& name) {
    object_member_ = &(*open_.back())[name];
    frames_.back().key = std::move(name);
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(std::size_t /*elements*/) { return Open(json::value_t::array, false); }
  bool end_array() { return Close(); }
  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) {
    error_position_ = position;
    error_message_ = error.what();
    return false;
  }

  bool too_deep() const { return too_deep_; }
  std::size_t error_position() const { return error_position_; }
  const std::string& error_message() const { return error_message_; }
  json TakeRoot() { return std::move(root_); }

 private:
  template <class Value>
  json* Add(Value&& value) {
    if (open_.empty()) {
      root_ = json(std::forward<Value>(value));
      return &root_;
    }
    json& parent = *open_.back();
    if (parent.is_array()) {
      ++frames_.back().count;
      parent.emplace_back(std::forward<Value>(value));
      return &parent.back();
    }
    *object_member_ = json(std::forward<Value>(value));
    return object_member_;
  }

  void Report(std::string_view text) {
    if (on_number_) on_number_(frames_, text);
  }

  bool Open(json::value_t type, bool is_object) {
    if (open_.size() >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    json* container = Add(type);
    open_.push_back(container);
    frames_.push_back({is_object, {}, 0});
    return true;
  }

  bool Close() {
    open_.pop_back();
    frames_.pop_back();
    return true;
  }

  std::size_t max_depth_;
  const NumberTextHook& on_number_;
  json root_;
  // Pointers stay valid: only the innermost open container grows while it is open.
  std::vector<json*> open_;
  std::vector<JsonPathFrame> frames_;
  json* object_member_ = nullptr;
  bool too_deep_ = false;
  std::size_t error_position_ = 0;
  std::string error_message_;
};

// Offset of the bracket that opens nesting level `depth` + 1. Only called on a prefix the parser
// already accepted, so a plain bracket count outside strings is exact.
std::size_t OffsetPastDepth(std::string_view text, std::size_t depth) {
  std::size_t level = 0;
  bool in_string = false;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (in_string) {
      if (c == '\\') {
        ++at;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++level > depth) return at;
    } else if (c == ']' || c == '}') {
      --level;
    }
  }
  return text.size();
}

// nlohmann prefixes its messages with "[json.exception.parse_error.101] "; the code is ours.
std::string WithoutExceptionTag(const std::string& message) {
  if (message.empty() || message.front() != '[') return message;
  const std::size_t end = message.find("] ");
  return end == std::string::npos ? message : message.substr(end + 2);
}

}  // namespace

Result<nlohmann::json> ParseJsonDom(std::string_view text, std::size_t max_depth,
                                    const NumberTextHook& on_number) {
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return Error{ErrorCode::kInvalidJson, nul, "NUL byte in JSON text"};
  }
  DomBuilder builder(max_depth, on_number);
  const char* begin = text.data();
  if (json::sax_parse(begin, begin + text.size(), &builder)) return builder.TakeRoot();
  if (builder.too_deep()) {
    return Error{ErrorCode::kTooDeep, OffsetPastDepth(text, max_depth),
                 "nesting deeper than " + std::to_string(max_depth) + " levels"};
  }
  // nlohmann counts the byte it stopped at (end of input included): offsets here are 0-based.
  const std::size_t position = builder.error_position();
  const std::size_t offset = position == 0 ? 0 : std::min(position - 1, text.size());
  // nlohmann quotes the last token read: in a job that is the presigned URL, whose signature must
  // not travel on into the snapshot's error.
  return Error{ErrorCode::kInvalidJson, offset,
               RedactUrlSecretsInText(WithoutExceptionTag(builder.error_message()))};
}

}  // namespace job_detail::detail
