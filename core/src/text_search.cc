#include "job_detail/detail/text_search.h"

#include <cstdint>

#include "job_detail/detail/byte_block.h"
#include "job_detail/detail/json_text.h"

namespace job_detail::detail {
namespace {

// A needle byte as compared against a haystack byte with `or_mask` applied (0x20 for a letter).
struct Probe {
  unsigned char byte;
  unsigned char or_mask;
};

Probe ProbeOf(unsigned char folded) {
  return {folded, static_cast<unsigned char>(IsAsciiLetter(folded) ? 0x20 : 0)};
}

// Bit k set: the needle's first byte may sit at `first + k` and its last at `last + k`.
std::uint32_t CandidateBits(const unsigned char* first, const unsigned char* last, Probe a,
                            Probe b) {
  const ByteBlock x = LoadBlock(first) | SplatBlock(a.or_mask);
  const ByteBlock y = LoadBlock(last) | SplatBlock(b.or_mask);
  return BitsOf((x == SplatBlock(a.byte)) & (y == SplatBlock(b.byte)));
}

// The byte after an odd run of backslashes is escaped: a match cannot start there.
bool StartsOnEscapedByte(std::string_view content, std::size_t at) {
  std::size_t backslashes = 0;
  while (backslashes < at && content[at - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 1;
}

// Whether raw `content[at]` belongs to an escape: the byte after its backslash, or one of the
// four hex digits of a `\uXXXX` (a validated document has four after every escaped `u`).
bool InsideEscape(std::string_view content, std::size_t at) {
  if (StartsOnEscapedByte(content, at)) return true;
  for (std::size_t back = 1; back <= 4 && back <= at; ++back) {
    if (content[at - back] == 'u' && StartsOnEscapedByte(content, at - back)) return true;
  }
  return false;
}

// A printable ASCII character that no two-byte escape produces, so it decodes from itself only
// (or from a `\u00XX`).
bool IsPlainCharacter(unsigned char byte) {
  return byte >= 0x20 && byte < 0x7F && byte != '"' && byte != '\\' && byte != '/';
}

bool MatchesAt(std::string_view folded, const unsigned char* at) {
  const auto* needle = reinterpret_cast<const unsigned char*>(folded.data());
  for (std::size_t i = 0; i < folded.size(); ++i) {
    if (FoldAscii(at[i]) != needle[i]) return false;
  }
  return true;
}

// The first match of `folded` (a folded needle) in `haystack` at or after `from`, or npos.
std::size_t FindFolded(std::string_view folded, std::string_view haystack, std::size_t from) {
  const std::size_t n = folded.size();
  if (n == 0 || from > haystack.size() || haystack.size() - from < n) return std::string_view::npos;
  const auto* base = reinterpret_cast<const unsigned char*>(haystack.data());
  const std::size_t last_start = haystack.size() - n;  // the last offset a match can start at
  const Probe first = ProbeOf(static_cast<unsigned char>(folded.front()));
  const Probe last = ProbeOf(static_cast<unsigned char>(folded.back()));
  std::size_t pos = from;
  // Whole blocks: both loads (at pos and pos + n - 1) stay inside the haystack.
  while (pos + kByteBlockSize <= last_start + 1) {
    std::uint32_t bits = CandidateBits(base + pos, base + pos + n - 1, first, last);
    while (bits != 0) {
      const std::size_t at = pos + static_cast<std::size_t>(__builtin_ctz(bits));
      if (MatchesAt(folded, base + at)) return at;
      bits &= bits - 1;
    }
    pos += kByteBlockSize;
  }
  for (; pos <= last_start; ++pos) {
    if (MatchesAt(folded, base + pos)) return pos;
  }
  return std::string_view::npos;
}

// Whether some `\u00XX` of the content may stand for an ASCII character (XX below 0x80): five
// bytes compared at every offset of a block at once, `\` `u` `0` `0` and a byte 0x30..0x37. A
// `\u00` preceded by an escaped backslash counts too, which only costs a decode.
bool MayHideAscii(std::string_view content) {
  const auto* base = reinterpret_cast<const unsigned char*>(content.data());
  const std::size_t n = content.size();
  const auto is_ascii_digit_below_8 = [](unsigned char c) { return (c & 0xF8) == 0x30; };
  std::size_t at = 0;
  for (; at + kByteBlockSize + 4 <= n; at += kByteBlockSize) {
    const ByteBlock backslash = LoadBlock(base + at) == SplatBlock('\\');
    const ByteBlock letter_u = LoadBlock(base + at + 1) == SplatBlock('u');
    const ByteBlock zeros = (LoadBlock(base + at + 2) == SplatBlock('0')) &
                            (LoadBlock(base + at + 3) == SplatBlock('0'));
    const ByteBlock low = (LoadBlock(base + at + 4) & SplatBlock(0xF8)) == SplatBlock(0x30);
    if (BitsOf(backslash & letter_u & zeros & low) != 0) return true;
  }
  for (; at + 5 <= n; ++at) {
    if (base[at] == '\\' && base[at + 1] == 'u' && base[at + 2] == '0' && base[at + 3] == '0' &&
        is_ascii_digit_below_8(base[at + 4])) {
      return true;
    }
  }
  return false;
}
}  // namespace

TextNeedle::TextNeedle(std::string_view text) {
  folded_.resize(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    folded_[i] = static_cast<char>(FoldAscii(byte));
    if (byte < 0x20 || byte == '"' || byte == '\\' || byte == '/') survives_simple_escapes_ = false;
  }
  while (plain_prefix_ < text.size() &&
         IsPlainCharacter(static_cast<unsigned char>(text[plain_prefix_]))) {
    ++plain_prefix_;
  }
}

std::size_t TextNeedle::CountInRawContent(std::string_view content) const {
  std::size_t count = 0;
  std::size_t at = Find(content);
  while (at != std::string_view::npos) {
    if (StartsOnEscapedByte(content, at)) {
      at = Find(content, at + 1);
    } else {
      ++count;
      at = Find(content, at + size());
    }
  }
  return count;
}

std::size_t TextNeedle::Find(std::string_view haystack, std::size_t from) const {
  return FindFolded(folded_, haystack, from);
}

bool TextNeedle::DecodedMatchesAt(std::string_view content, std::size_t at, std::size_t matched,
                                  std::size_t* end) const {
  const auto* needle = reinterpret_cast<const unsigned char*>(folded_.data());
  std::string decoded;  // one escape's character: within the small-string buffer
  bool repaired = false;
  while (matched < folded_.size()) {
    if (at >= content.size()) return false;
    const auto byte = static_cast<unsigned char>(content[at]);
    if (byte != '\\') {
      if (FoldAscii(byte) != needle[matched]) return false;
      ++matched;
      ++at;
      continue;
    }
    decoded.clear();
    std::size_t next = at;
    if (!AppendJsonEscape(content, next, decoded, &repaired)) {
      decoded.assign(1, '\\');  // kept as written, as DecodeForSearch keeps it
      next = at + 1;
    }
    for (const char c : decoded) {
      if (matched == folded_.size()) break;
      if (FoldAscii(static_cast<unsigned char>(c)) != needle[matched]) return false;
      ++matched;
    }
    at = next;
  }
  *end = at;
  return true;
}

std::optional<std::size_t> TextNeedle::CountInEscapedContent(std::string_view content,
                                                             bool has_unicode_escape) const {
  if (plain_prefix_ == 0) return std::nullopt;
  if (has_unicode_escape && MayHideAscii(content)) return std::nullopt;
  const std::string_view anchor = std::string_view(folded_).substr(0, plain_prefix_);
  std::size_t count = 0;
  std::size_t at = FindFolded(anchor, content, 0);
  while (at != std::string_view::npos) {
    // The anchor holds no backslash: when its first byte is outside an escape, all of it is, and
    // it reads as itself. A match resumes the search after its end (matches do not overlap).
    std::size_t end = 0;
    if (!InsideEscape(content, at) &&
        DecodedMatchesAt(content, at + anchor.size(), anchor.size(), &end)) {
      ++count;
      at = FindFolded(anchor, content, end);
    } else {
      at = FindFolded(anchor, content, at + 1);
    }
  }
  return count;
}

bool TextNeedle::MayMatchIn(std::string_view json) const {
  if (plain_prefix_ == 0) return true;
  const std::string_view anchor = std::string_view(folded_).substr(0, plain_prefix_);
  return FindFolded(anchor, json, 0) != std::string_view::npos || MayHideAscii(json);
}

std::size_t TextNeedle::Count(std::string_view haystack) const {
  std::size_t count = 0;
  for (std::size_t at = Find(haystack); at != std::string_view::npos;
       at = Find(haystack, at + size())) {
    ++count;
  }
  return count;
}

}  // namespace job_detail::detail
