#include "job_detail/detail/searchable_strings.h"

#include <cstdint>
#include <cstring>

#include "job_detail/detail/byte_block.h"
#include "job_detail/detail/json_text.h"

namespace job_detail::detail {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

constexpr std::size_t kChunk = 64;

// One bit per byte of a 64-byte chunk: where it equals `c`.
std::uint64_t ChunkBits(const unsigned char* chunk, ByteBlock c) {
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < kChunk; i += kByteBlockSize) {
    bits |= static_cast<std::uint64_t>(BitsOf(LoadBlock(chunk + i) == c)) << i;
  }
  return bits;
}

// The bytes a backslash escapes, from the chunk's backslashes: the byte after each odd-length run
// (simdjson's branchless find_escaped). `*carry` says whether the chunk's first byte is escaped by
// the previous chunk's last run, and is set for the next chunk.
std::uint64_t EscapedBytes(std::uint64_t backslash, std::uint64_t* carry) {
  constexpr std::uint64_t kEvenBits = 0x5555555555555555ULL;
  backslash &= ~*carry;
  const std::uint64_t follows_escape = backslash << 1 | *carry;
  const std::uint64_t odd_starts = backslash & ~kEvenBits & ~follows_escape;
  std::uint64_t even_starts = 0;
  *carry = __builtin_add_overflow(odd_starts, backslash, &even_starts) ? 1 : 0;
  return (kEvenBits ^ (even_starts << 1)) & follows_escape;
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

std::string_view SearchableStrings::ReadString(bool* has_escape, bool* has_unicode_escape) {
  *has_escape = false;
  *has_unicode_escape = false;
  const std::size_t begin = pos_ + 1;
  const auto* base = reinterpret_cast<const unsigned char*>(text_.data());
  std::size_t end = text_.size();
  // 64 bytes at a time: quote, backslash and `u` bitmasks, the escaped bytes from the backslash
  // runs, and the string ends at the first quote that is not escaped. No per-escape work: an HTML
  // output has a `\"` or `\n` every few dozen bytes.
  const ByteBlock quote = SplatBlock('"');
  const ByteBlock backslash = SplatBlock('\\');
  const ByteBlock letter_u = SplatBlock('u');
  std::uint64_t carry = 0;
  std::size_t at = begin;
  for (; at + kChunk <= text_.size(); at += kChunk) {
    const std::uint64_t slashes = ChunkBits(base + at, backslash);
    const std::uint64_t escaped = EscapedBytes(slashes, &carry);
    const std::uint64_t quotes = ChunkBits(base + at, quote) & ~escaped;
    // Bits before the closing quote (all of them when the string goes on).
    const std::uint64_t inside = quotes == 0 ? ~0ULL : (quotes & -quotes) - 1;
    if ((slashes & inside) != 0) *has_escape = true;
    // An escaped byte may open the chunk (its backslash ended the previous one). Once a `\u` is
    // seen, `u` bytes need no more looking at.
    if (!*has_unicode_escape && (escaped & inside) != 0 &&
        (escaped & inside & ChunkBits(base + at, letter_u)) != 0) {
      *has_unicode_escape = true;
    }
    if (quotes != 0) {
      end = at + static_cast<std::size_t>(__builtin_ctzll(quotes));
      pos_ = end + 1;
      return text_.substr(begin, end - begin);
    }
  }
  // The last bytes, one at a time.
  bool escaped_next = carry != 0;
  for (; at < text_.size(); ++at) {
    const char c = text_[at];
    if (escaped_next) {
      if (c == 'u') *has_unicode_escape = true;
      escaped_next = false;
    } else if (c == '\\') {
      *has_escape = true;
      escaped_next = true;
    } else if (c == '"') {
      end = at;
      break;
    }
  }
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
        bool has_unicode_escape = false;
        const std::string_view content = ReadString(&has_escape, &has_unicode_escape);
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
        if (member_) return Found{*member_, content, has_escape, has_unicode_escape, depth_ == 1};
        continue;
      }
      default:
        if (IsJsonSpace(c)) {
          ++pos_;
        } else {
          const std::size_t before = pos_;
          SkipScalar();
          if (pos_ == before) ++pos_;  // a byte no value starts with: step past it
        }
        continue;
    }
  }
  return std::nullopt;
}

}  // namespace job_detail::detail
