// UTF-8 well-formedness per Unicode Table 3-7 (the rule RFC 8259 and strict JSON parsers apply):
// no overlong forms, no encoded surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
// Checked over whatever bytes are available, so a sequence split across chunks can be resumed.
#ifndef JOB_DETAIL_DETAIL_UTF8_H_
#define JOB_DETAIL_DETAIL_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace job_detail::detail {

enum class Utf8Check : std::uint8_t {
  kValid,     // a whole, well-formed sequence of `length` bytes
  kNeedMore,  // the available bytes are a well-formed prefix; the sequence continues
  kInvalid,   // byte `length` of the sequence (0 = the lead) is where it goes wrong
};

struct Utf8Sequence {
  Utf8Check check;
  std::uint8_t length;  // kValid: bytes in the sequence; kInvalid: index of the offending byte
};

// Checks the sequence starting at `p[0]` (a byte >= 0x80) using at most `available` bytes.
inline Utf8Sequence CheckUtf8Sequence(const std::uint8_t* p, std::size_t available) {
  const std::uint8_t lead = p[0];
  std::uint8_t length = 0;
  // The allowed range of the second byte depends on the lead; the rest are always 80..BF.
  std::uint8_t second_min = 0x80;
  std::uint8_t second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;  // below is overlong
    if (lead == 0xED) second_max = 0x9F;  // above encodes a surrogate
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;  // below is overlong
    if (lead == 0xF4) second_max = 0x8F;  // above is beyond U+10FFFF
  } else {
    return {Utf8Check::kInvalid, 0};  // 80..C1 (continuation or overlong lead), F5..FF
  }
  if (available < 2) return {Utf8Check::kNeedMore, 0};
  if (p[1] < second_min || p[1] > second_max) return {Utf8Check::kInvalid, 1};
  for (std::uint8_t i = 2; i < length; ++i) {
    if (i >= available) return {Utf8Check::kNeedMore, 0};
    if ((p[i] & 0xC0) != 0x80) return {Utf8Check::kInvalid, i};
  }
  return {Utf8Check::kValid, length};
}

// Appends the UTF-8 encoding of `code_point`, a Unicode scalar value (not a surrogate, at most
// U+10FFFF): callers check that first.
inline void AppendUtf8(std::uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_UTF8_H_
