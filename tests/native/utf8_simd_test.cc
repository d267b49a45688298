// SkipJsonStringContent (64-byte windows: escapes by bitmasks, `\u` escapes and surrogate pairs,
// Keiser–Lemire UTF-8 check) against a scalar walk, on random and adversarial byte strings at
// every alignment and every end (a chunk split): it must stop exactly where the scalar walk stops.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/json_string_simd.h"
#include "job_detail/detail/utf8.h"

namespace job_detail::detail {
namespace {

bool IsSpecial(std::uint8_t c) { return c == '"' || c == '\\' || c < 0x20; }

bool IsSimpleEscape(std::uint8_t c) {
  return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
         c == 't';
}

// The code unit of a complete `\uXXXX` escape at p, or -1.
int UnitOfEscape(const std::uint8_t* p, const std::uint8_t* end) {
  if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return -1;
  int unit = 0;
  for (int i = 2; i < 6; ++i) {
    const int h = HexDigitValue(static_cast<char>(p[i]));
    if (h < 0) return -1;
    unit = unit * 16 + h;
  }
  return unit;
}

// The longest prefix of [p, end) that is valid UTF-8 whose specials all belong to complete
// escapes (simple, `\u` outside the surrogates, or a high and a low surrogate escape in a row),
// ending at a character boundary.
const std::uint8_t* ScalarStop(const std::uint8_t* p, const std::uint8_t* end, bool* escapes) {
  *escapes = false;
  while (p < end) {
    if (*p == '\\') {
      if (end - p >= 2 && IsSimpleEscape(p[1])) {
        *escapes = true;
        p += 2;
        continue;
      }
      const int unit = UnitOfEscape(p, end);
      if (unit >= 0 && (unit < 0xD800 || unit > 0xDFFF)) {
        *escapes = true;
        p += 6;
        continue;
      }
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        const int low = UnitOfEscape(p + 6, end);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          *escapes = true;
          p += 12;
          continue;
        }
      }
      return p;
    }
    if (IsSpecial(*p)) return p;
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const Utf8Sequence seq = CheckUtf8Sequence(p, static_cast<std::size_t>(end - p));
    if (seq.check != Utf8Check::kValid) return p;
    p += seq.length;
  }
  return p;
}

// One call of SkipJsonStringContent over [p, end), checked against the scalar walk.
template <class B>
void ExpectStopAgrees(const std::uint8_t* p, const std::uint8_t* end, const std::string& what) {
  bool escapes = false;
  const std::uint8_t* const r = ScalarStop(p, end, &escapes);
  const StringContentRun run = SkipJsonStringContent<B>(p, end);
  ASSERT_EQ(run.stop - p, r - p) << what;
  ASSERT_EQ(run.escapes, escapes) << what;
}

template <class B>
void ExpectAgreesWithScalar(const std::vector<std::uint8_t>& text, const char* backend) {
  // Copy into a 16-aligned buffer at every offset, so every block alignment is exercised.
  alignas(16) std::uint8_t buffer[16 + 512];
  ASSERT_LE(text.size(), 512u);
  for (std::size_t shift = 0; shift < 16; ++shift) {
    std::uint8_t* const p = buffer + shift;
    std::copy(text.begin(), text.end(), p);
    for (std::size_t length = 0; length <= text.size(); ++length) {
      ExpectStopAgrees<B>(p, p + length,
                          std::string(backend) + " shift " + std::to_string(shift) + " length " +
                              std::to_string(length));
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// Pieces the generator strings together: valid characters at each length and at the edges of
// the special ranges, invalid and cut sequences, specials and plain ASCII.
const std::vector<std::vector<std::uint8_t>>& Pieces() {
  static const std::vector<std::vector<std::uint8_t>> pieces = {
      {'a'},
      {' '},
      {'x', 'y', 'z'},
      {0xC2, 0x80},
      {0xDF, 0xBF},
      {0xC3, 0xA9},  // é
      {0xE0, 0xA0, 0x80},
      {0xE3, 0x81, 0x82},  // あ
      {0xED, 0x9F, 0xBF},  // last before the surrogates
      {0xEE, 0x80, 0x80},
      {0xEF, 0xBF, 0xBF},
      {0xF0, 0x90, 0x80, 0x80},
      {0xF0, 0x9F, 0x98, 0x80},  // 😀
      {0xF4, 0x8F, 0xBF, 0xBF},  // U+10FFFF
      {0xF3, 0xBF, 0xBF, 0xBF},
      // Invalid: overlong, surrogate, too large, bad leads, lone and extra continuations.
      {0xC0, 0x80},
      {0xC1, 0xBF},
      {0xE0, 0x80, 0x80},
      {0xE0, 0x9F, 0xBF},
      {0xED, 0xA0, 0x80},
      {0xED, 0xBF, 0xBF},
      {0xF0, 0x80, 0x80, 0x80},
      {0xF0, 0x8F, 0xBF, 0xBF},
      {0xF4, 0x90, 0x80, 0x80},
      {0xF5, 0x80, 0x80, 0x80},
      {0xFF},
      {0xF8, 0x88, 0x80, 0x80, 0x80},
      {0x80},
      {0xBF},
      // Cut sequences (followed by whatever comes next).
      {0xC3},
      {0xE3, 0x81},
      {0xF0, 0x9F},
      {0xF0, 0x9F, 0x98},
      // Specials, and escapes: simple, `\u` (pairs pass; lone surrogates and bad hex stop).
      {'"'},
      {'\\'},
      {0x00},
      {0x1F},
      {'\n'},
      {'\\', '"'},
      {'\\', '\\'},
      {'\\', 'n'},
      {'\\', '/'},
      {'\\', 't'},
      {'\\', 'u', '0', '0', 'e', '9'},
      {'\\', 'x'},
      {'\\', 'u', 'D', '8', '3', 'D', '\\', 'u', 'D', 'E', '0', '0'},  // a pair
      {'\\', 'u', 'd', 'b', 'f', 'f', '\\', 'u', 'd', 'c', '0', '0'},  // a pair
      {'\\', 'u', 'D', '8', '0', '0'},                                 // lone high (or a pair's)
      {'\\', 'u', 'D', 'F', 'F', 'F'},                                 // lone low (or a pair's)
      {'\\', 'u', 'd', '7', 'f', 'f'},
      {'\\', 'u', 'A', 'b', 'C', 'd'},
      {'\\', 'u', '0', 'g', '0', '0'},
  };
  return pieces;
}

std::vector<std::uint8_t> RandomText(std::mt19937& random, std::size_t max_size,
                                     int invalid_percent, int escape_percent) {
  const auto& pieces = Pieces();
  // Indices: valid pieces are [0, 15), invalid and cut [15, 33), specials [33, 38), escapes
  // [38, 52).
  std::vector<std::uint8_t> text;
  std::uniform_int_distribution<int> percent(0, 99);
  while (text.size() < max_size) {
    const int roll = percent(random);
    std::size_t index;
    if (roll < invalid_percent) {
      index = 15 + random() % 18;
    } else if (roll < invalid_percent + 2) {
      index = 33 + random() % 5;
    } else if (roll < invalid_percent + 2 + escape_percent) {
      index = 38 + random() % 14;
    } else {
      index = random() % 15;
    }
    const auto& piece = pieces[index];
    if (text.size() + piece.size() > max_size) break;
    text.insert(text.end(), piece.begin(), piece.end());
  }
  return text;
}

template <class B>
void ExpectRandomTextsAgree(std::uint32_t seed, const char* backend) {
  std::mt19937 random(seed);
  for (int round = 0; round < 300; ++round) {
    const int invalid_percent = round % 3 == 0 ? 0 : round % 3 == 1 ? 1 : 10;
    const int escape_percent = round % 4 == 3 ? 60 : 10;  // 60: text as Python writes it
    ExpectAgreesWithScalar<B>(RandomText(random, 16 + round % 200, invalid_percent, escape_percent),
                              backend);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(Utf8SimdTest, PortableBackendAgreesWithTheScalarCheck) {
  ExpectRandomTextsAgree<PortableBytes16>(20260101, "portable");
}

TEST(Utf8SimdTest, NativeBackendAgreesWithTheScalarCheck) {
  if (!kHasNativeBytes16) GTEST_SKIP() << "no SSSE3 or wasm SIMD in this build: scalar only";
  ExpectRandomTextsAgree<NativeBytes16>(20260102, "native");
}

TEST(Utf8SimdTest, EveryTwoByteCombinationAfterEachLeadPosition) {
  // Each byte pair (and a lead followed by each pair) at every place inside a 3-block text.
  std::vector<std::uint8_t> text(40, 'a');
  for (int first = 0x80; first < 0x100; first += 3) {
    for (int second = 0; second < 0x100; second += 5) {
      for (std::size_t at : {0u, 13u, 14u, 15u, 16u, 30u}) {
        std::vector<std::uint8_t> t = text;
        t[at] = static_cast<std::uint8_t>(first);
        t[at + 1] = static_cast<std::uint8_t>(second);
        t[at + 2] = 0x80;
        // Only one alignment and the full length here: the loop is already large.
        bool escapes = false;
        const std::uint8_t* const end = t.data() + t.size();
        const std::uint8_t* const r = ScalarStop(t.data(), end, &escapes);
        const std::uint8_t* const q = SkipJsonStringContent<PortableBytes16>(t.data(), end).stop;
        ASSERT_EQ(q, r) << first << " " << second << " at " << at;
        if constexpr (kHasNativeBytes16) {
          ASSERT_EQ(SkipJsonStringContent<NativeBytes16>(t.data(), end).stop, q);
        }
      }
    }
  }
}

TEST(Utf8SimdTest, FindsACutSequenceBeforeAsciiAtEveryOffset) {
  // A lead (or a lead and too few continuations) followed by plain ASCII: the ASCII block after
  // it must still be checked, whichever block edge the cut falls on.
  const std::vector<std::vector<std::uint8_t>> cuts = {
      {0xC3}, {0xE3, 0x81}, {0xE3}, {0xF0, 0x9F, 0x98}, {0xF0, 0x9F}, {0xF0}, {0x80}};
  for (const auto& cut : cuts) {
    for (std::size_t at = 0; at < 200; ++at) {
      std::vector<std::uint8_t> text(240, 'a');
      text[0] = 0xC3;  // non-ASCII first, so blocks after it take the UTF-8 path
      text[1] = 0xA9;
      std::copy(cut.begin(), cut.end(), text.begin() + 2 + static_cast<std::ptrdiff_t>(at));
      const std::string what = "cut " + std::to_string(cut.size()) + " at " + std::to_string(at);
      ExpectStopAgrees<PortableBytes16>(text.data(), text.data() + text.size(), what);
      if constexpr (kHasNativeBytes16) {
        ExpectStopAgrees<NativeBytes16>(text.data(), text.data() + text.size(), what);
      }
    }
  }
}

TEST(Utf8SimdTest, ResumesOutsideAnEscapeThatStraddlesABlock) {
  // An escape across a 16-byte block edge inside a 64-byte window, then invalid UTF-8 in that
  // block: the stop must not land between the backslash and its escaped byte.
  for (std::size_t edge : {16u, 32u, 48u, 64u}) {
    for (std::size_t bad = 0; bad < 16; ++bad) {
      std::vector<std::uint8_t> text(160, 'a');
      text[0] = 0xC3;
      text[1] = 0xA9;
      text[edge - 1] = '\\';
      text[edge] = '"';
      text[edge + 1 + bad < edge + 16 ? edge + 1 + bad : edge + 15] = 0xFF;
      const std::string what = "edge " + std::to_string(edge) + " bad " + std::to_string(bad);
      ExpectStopAgrees<PortableBytes16>(text.data(), text.data() + text.size(), what);
      if constexpr (kHasNativeBytes16) {
        ExpectStopAgrees<NativeBytes16>(text.data(), text.data() + text.size(), what);
      }
    }
  }
}

TEST(Utf8SimdTest, ConsumesLongValidTextUpToTheQuote) {
  std::string text = "\\\"";
  while (text.size() < 400) text += "日本語 😀 café \\n \\u00e9\\ud83d\\ude00 \\\\";
  const std::size_t quote = text.size();
  text += "\" and a tail longer than one block";
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  const StringContentRun run = SkipJsonStringContent<PortableBytes16>(p, p + text.size());
  EXPECT_TRUE(run.escapes);
  EXPECT_EQ(run.stop - p, static_cast<std::ptrdiff_t>(quote));
  if constexpr (kHasNativeBytes16) {
    EXPECT_EQ(SkipJsonStringContent<NativeBytes16>(p, p + text.size()).stop, run.stop);
  }
}

TEST(Utf8SimdTest, StopsAtALoneSurrogateOrBadEscapeAtEveryOffset) {
  // Text as Python writes it (every character an escape, pairs for emoji), one wrong escape
  // placed at each offset: the stop is its backslash, wherever the windows fall.
  const std::vector<std::string> wrong = {"\\ud83d ", "\\ude00", "\\ud83d\\u0041",
                                          "\\u12g4",  "\\x",     "\\ud83d\\n"};
  std::string base;
  while (base.size() < 300) base += "\\u65e5\\ud83d\\ude00a\\n";
  for (const std::string& bad : wrong) {
    for (std::size_t at = 0; at < 200; ++at) {
      std::string text = base;
      text.insert(at, bad);
      const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
      const std::string what = bad + " at " + std::to_string(at);
      ExpectStopAgrees<PortableBytes16>(p, p + text.size(), what);
      if constexpr (kHasNativeBytes16) ExpectStopAgrees<NativeBytes16>(p, p + text.size(), what);
    }
  }
}

TEST(Utf8SimdTest, EscapeStartsFollowBackslashRuns) {
  // Against a scalar walk over every 16-bit backslash pattern, at both ends of the word.
  for (std::uint64_t pattern = 0; pattern < (1u << 16); ++pattern) {
    for (const int shift : {0, 48}) {
      const std::uint64_t backslash = pattern << shift;
      std::uint64_t expected = 0;
      for (int i = 0; i < 64; ++i) {
        if ((backslash >> i & 1) == 0) continue;
        expected |= std::uint64_t{1} << i;
        ++i;  // the escaped byte, a backslash or not
      }
      ASSERT_EQ(EscapeStarts(backslash), expected) << pattern << " << " << shift;
    }
  }
}

}  // namespace
}  // namespace job_detail::detail
