#include "job_detail/detail/searchable_strings.h"

#include <cstring>

#include "job_detail/detail/byte_block.h"
#include "job_detail/detail/json_text.h"

namespace job_detail::detail {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The first `"` or `\` at or after `from` (text.size() when there is none), sixteen bytes at a
// time: long HTML outputs are crossed at vector speed between their escapes.
std::size_t FindQuoteOrBackslash(std::string_view text, std::size_t from) {
  const auto* base = reinterpret_cast<const unsigned char*>(text.data());
  const ByteBlock quote = SplatBlock('"');
  const ByteBlock backslash = SplatBlock('\\');
  std::size_t at = from;
  for (; at + kByteBlockSize <= text.size(); at += kByteBlockSize) {
    const ByteBlock block = LoadBlock(base + at);
    const std::uint32_t bits = BitsOf((block == quote) | (block == backslash));
    if (bits != 0) return at + static_cast<std::size_t>(__builtin_ctz(bits));
  }
  for (; at < text.size(); ++at) {
    if (text[at] == '"' || text[at] == '\\') return at;
  }
  return text.size();
}

}  // namespace

std::optional<SearchField> SearchFieldOfMember(std::string_view name) {
  if (name == "step_name" || name == "name") return SearchField::kName;
  if (name == "model") return SearchField::kModel;
  if (name == "input" || name == "inputs" || name == "prompt" || name == "messages") {
    return SearchField::kInput;
  }
  if (name == "output") return SearchField::kOutput;
  return std::nullopt;
}

std::string_view DecodeForSearch(std::string_view content, bool has_escape, std::string* scratch) {
  if (!has_escape) return content;
  scratch->clear();
  scratch->reserve(content.size());
  bool repaired = false;
  std::size_t at = 0;
  while (at < content.size()) {
    const void* found = std::memchr(content.data() + at, '\\', content.size() - at);
    const std::size_t escape =
        found == nullptr ? content.size() : static_cast<const char*>(found) - content.data();
    scratch->append(content.data() + at, escape - at);
    at = escape;
    // A validated document has only valid escapes; should one not be, keep its bytes as written.
    if (at < content.size() && !AppendJsonEscape(content, at, *scratch, &repaired)) {
      scratch->push_back('\\');
      ++at;
    }
  }
  return *scratch;
}

SearchableStrings::SearchableStrings(std::string_view step_json) : text_(step_json) {
  while (pos_ < text_.size() && IsJsonSpace(text_[pos_])) ++pos_;
  if (pos_ < text_.size() && text_[pos_] == '{') {
    depth_ = 1;
    ++pos_;
  } else {
    pos_ = text_.size();  // not an object: nothing to search
  }
}

std::string_view SearchableStrings::ReadString(bool* has_escape) {
  *has_escape = false;
  const std::size_t begin = pos_ + 1;
  std::size_t at = begin;
  for (;;) {
    at = FindQuoteOrBackslash(text_, at);
    if (at >= text_.size()) break;
    if (text_[at] == '"') break;
    *has_escape = true;
    at += 2;  // the backslash and the character it escapes (a `\u`'s digits hold no quote)
  }
  const std::size_t end = at < text_.size() ? at : text_.size();
  pos_ = end < text_.size() ? end + 1 : text_.size();
  return text_.substr(begin, end - begin);
}

void SearchableStrings::SkipScalar() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == ',' || c == '}' || c == ']' || c == ':' || c == '"' || c == '{' || c == '[' ||
        IsJsonSpace(c)) {
      return;
    }
    ++pos_;
  }
}

std::optional<SearchableStrings::Found> SearchableStrings::Next() {
  while (depth_ > 0 && pos_ < text_.size()) {
    const char c = text_[pos_];
    switch (c) {
      case '{':
      case '[':
        ++depth_;
        ++pos_;
        continue;
      case '}':
      case ']':
        --depth_;
        ++pos_;
        if (depth_ == 1) member_.reset();
        continue;
      case ',':
        if (depth_ == 1) member_.reset();
        ++pos_;
        continue;
      case ':':
        ++pos_;
        continue;
      case '"': {
        bool has_escape = false;
        const std::string_view content = ReadString(&has_escape);
        std::size_t after = pos_;
        while (after < text_.size() && IsJsonSpace(text_[after])) ++after;
        if (after < text_.size() && text_[after] == ':') {
          // A member name: at the step's level it says which member the value belongs to.
          if (depth_ == 1) {
            std::string scratch;
            member_ = SearchFieldOfMember(DecodeForSearch(content, has_escape, &scratch));
          }
          continue;
        }
        if (member_) return Found{*member_, content, has_escape, depth_ == 1};
        continue;
      }
      default:
        if (IsJsonSpace(c)) {
          ++pos_;
        } else {
          SkipScalar();
          if (pos_ < text_.size() && text_[pos_] == c) ++pos_;  // a stray byte: step past it
        }
        continue;
    }
  }
  return std::nullopt;
}

}  // namespace job_detail::detail
