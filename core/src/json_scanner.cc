#include "job_detail/detail/json_scanner.h"

#include <cstring>
#include <string>

#include "json_scanner_state.h"

namespace job_detail::detail {
namespace {

constexpr std::uint8_t kBom[] = {0xEF, 0xBB, 0xBF};

}  // namespace

JsonEvent JsonScanner::Fail(ErrorCode code, std::size_t offset, const char* message) {
  mode_ = Mode::kError;
  error_ = Error{code, offset, message};
  return JsonEvent{JsonEventKind::kError, 0, false, offset, offset};
}

JsonEvent JsonScanner::Truncated(std::size_t size) {
  return Fail(ErrorCode::kTruncated, size, "the document ends before the JSON value is complete");
}

std::size_t JsonScanner::earliest_needed() const {
  const bool in_token = mode_ == Mode::kString || mode_ == Mode::kNumber || mode_ == Mode::kLiteral;
  return in_token ? token_begin_ : pos_;
}

void JsonScanner::DropPrefix(std::size_t n) {
  pos_ -= n;
  token_begin_ = token_begin_ >= n ? token_begin_ - n : 0;  // a finished token's start is unused
}

void JsonScanner::AfterValue() { mode_ = stack_.empty() ? Mode::kAfterRoot : Mode::kCommaOrEnd; }

JsonEvent JsonScanner::BeginContainer(std::uint8_t bracket, std::size_t offset) {
  const auto depth = static_cast<std::uint32_t>(stack_.size());
  if (depth >= max_depth_) {
    return Fail(ErrorCode::kTooDeep, offset, "nesting exceeds the maximum depth");
  }
  stack_.push_back(bracket);
  pos_ = offset + 1;
  const bool is_object = bracket == '{';
  mode_ = is_object ? Mode::kKeyOrEnd : Mode::kValueOrEnd;
  return JsonEvent{is_object ? JsonEventKind::kBeginObject : JsonEventKind::kBeginArray, depth,
                   false, offset, offset + 1};
}

JsonEvent JsonScanner::EndContainer(std::size_t offset) {
  const bool is_object = stack_.back() == '{';
  stack_.pop_back();
  pos_ = offset + 1;
  AfterValue();
  return JsonEvent{is_object ? JsonEventKind::kEndObject : JsonEventKind::kEndArray,
                   static_cast<std::uint32_t>(stack_.size()), false, offset, offset + 1};
}

// At a byte that must start a value (whitespace already skipped, pos_ < size). Always inlined into
// Next: it runs once per token, and the module's link limits wasm-opt's inlining to small
// functions (for the bundle's size).
[[gnu::always_inline]] inline JsonEvent JsonScanner::StartValue(const std::uint8_t* data,
                                                                std::size_t size) {
  const std::uint8_t c = data[pos_];
  token_begin_ = pos_;
  switch (c) {
    case '{':
    case '[':
      return BeginContainer(c, pos_);
    case '"':
      token_is_key_ = false;
      token_has_escapes_ = false;
      token_needs_repair_ = false;
      mode_ = Mode::kString;
      ++pos_;
      return ScanString(data, size);
    case 't':
    case 'f':
    case 'n':
      mode_ = Mode::kLiteral;
      return ScanLiteral(data, size);
    default:
      if (c == '-' || IsJsonDigit(c)) {
        mode_ = Mode::kNumber;
        ++pos_;
        number_state_ = c == '-'   ? NumberState::kMinus
                        : c == '0' ? NumberState::kZero
                                   : NumberState::kInt;
        return ScanNumber(data, size);
      }
      return Fail(ErrorCode::kInvalidJson, pos_, "expected a JSON value");
  }
}

JsonEvent JsonScanner::ScanLiteral(const std::uint8_t* data, std::size_t size) {
  const char* word = data[token_begin_] == 't'   ? "true"
                     : data[token_begin_] == 'f' ? "false"
                                                 : "null";
  const std::size_t length = std::strlen(word);
  for (std::size_t i = 1; i < length; ++i) {
    const std::size_t at = token_begin_ + i;
    if (at >= size) {
      pos_ = token_begin_;
      return input_ended_ ? Truncated(size) : JsonEvent{};
    }
    if (data[at] != static_cast<std::uint8_t>(word[i])) {
      return Fail(ErrorCode::kInvalidJson, at, "invalid literal (expected true, false or null)");
    }
  }
  pos_ = token_begin_ + length;
  const auto depth = static_cast<std::uint32_t>(stack_.size());
  AfterValue();
  const JsonEventKind kind = word[0] == 't'   ? JsonEventKind::kTrue
                             : word[0] == 'f' ? JsonEventKind::kFalse
                                              : JsonEventKind::kNull;
  return JsonEvent{kind, depth, false, token_begin_, pos_};
}

JsonEvent JsonScanner::Next(std::span<const std::uint8_t> document) {
  const std::uint8_t* const data = document.data();
  const std::size_t size = document.size();
  for (;;) {
    switch (mode_) {
      case Mode::kError:
        return JsonEvent{JsonEventKind::kError, 0, false, pos_, pos_};
      case Mode::kString:
        return ScanString(data, size);
      case Mode::kNumber:
        return ScanNumber(data, size);
      case Mode::kLiteral:
        return ScanLiteral(data, size);
      case Mode::kBom:
        // Compare what is there against the BOM; a partial match waits for more bytes.
        for (std::size_t i = 0; i < 3; ++i) {
          if (i >= size) return input_ended_ ? Truncated(size) : JsonEvent{};
          if (data[i] != kBom[i]) {
            if (i == 0) break;
            return Fail(ErrorCode::kInvalidJson, i, "invalid byte order mark");
          }
          if (i == 2) pos_ = 3;
        }
        mode_ = Mode::kValue;
        continue;
      default:
        break;
    }
    while (pos_ < size && IsJsonWhitespace(data[pos_])) ++pos_;
    if (pos_ >= size) {
      if (!input_ended_) return JsonEvent{};
      if (mode_ == Mode::kAfterRoot) return JsonEvent{JsonEventKind::kDone, 0, false, size, size};
      return Truncated(size);
    }
    const std::uint8_t c = data[pos_];
    switch (mode_) {
      case Mode::kValueOrEnd:
        if (c == ']') return EndContainer(pos_);
        return StartValue(data, size);
      case Mode::kValue:
        return StartValue(data, size);
      case Mode::kKeyOrEnd:
        if (c == '}') return EndContainer(pos_);
        [[fallthrough]];
      case Mode::kKey:
        if (c != '"') return Fail(ErrorCode::kInvalidJson, pos_, "expected a string member name");
        token_begin_ = pos_++;
        token_is_key_ = true;
        token_has_escapes_ = false;
        token_needs_repair_ = false;
        mode_ = Mode::kString;
        return ScanString(data, size);
      case Mode::kColon:
        if (c != ':')
          return Fail(ErrorCode::kInvalidJson, pos_, "expected ':' after a member name");
        ++pos_;
        mode_ = Mode::kValue;
        continue;
      case Mode::kCommaOrEnd: {
        const bool in_object = stack_.back() == '{';
        if (c == ',') {
          ++pos_;
          mode_ = in_object ? Mode::kKey : Mode::kValue;
          continue;
        }
        if (c == (in_object ? '}' : ']')) return EndContainer(pos_);
        return Fail(ErrorCode::kInvalidJson, pos_,
                    in_object ? "expected ',' or '}'" : "expected ',' or ']'");
      }
      case Mode::kAfterRoot:
        return Fail(ErrorCode::kInvalidJson, pos_, "unexpected content after the top-level value");
      default:
        return Fail(ErrorCode::kInvalidJson, pos_, "internal scanner state");
    }
  }
}

std::optional<Error> CheckJsonValue(std::string_view text, std::uint32_t max_depth,
                                    JsonTextRules rules) {
  JsonScanner scanner(max_depth, rules);
  scanner.EndInput();
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(text.data()),
                                            text.size());
  for (;;) {
    const JsonEventKind kind = scanner.Next(bytes).kind;
    if (kind == JsonEventKind::kDone) return std::nullopt;
    if (kind == JsonEventKind::kError) return scanner.error();
  }
}

}  // namespace job_detail::detail
