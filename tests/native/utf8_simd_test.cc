// SkipJsonStringContent (16-byte Keiser–Lemire UTF-8 check + simple escapes) against the scalar
// checker, on random and adversarial byte strings at every alignment and every end (a chunk
// split): it must never pass a byte the scalar check stops at, must stop exactly at a special when
// everything before it is valid, and must never give up more than one block (plus a cut sequence)
// early, except at an escape cut by its block's end.
#include "job_detail/detail/utf8_simd.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "job_detail/detail/utf8.h"

namespace job_detail::detail {
namespace {

bool IsSpecial(std::uint8_t c) { return c == '"' || c == '\\' || c < 0x20; }

bool IsSimpleEscape(std::uint8_t c) {
  return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
         c == 't';
}

// The longest prefix of [p, end) that is valid UTF-8 whose specials are all complete simple
// escapes, ending at a character boundary.
const std::uint8_t* ScalarStop(const std::uint8_t* p, const std::uint8_t* end, bool* at_special,
                               bool* escapes) {
  *at_special = false;
  *escapes = false;
  while (p < end) {
    if (*p == '\\' && end - p >= 2 && IsSimpleEscape(p[1])) {
      *escapes = true;
      p += 2;
      continue;
    }
    if (IsSpecial(*p)) {
      *at_special = true;
      return p;
    }
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
  bool at_special = false;
  bool escapes = false;
  const std::uint8_t* const r = ScalarStop(p, end, &at_special, &escapes);
  const StringContentRun run = SkipJsonStringContent<B>(p, end);
  const std::uint8_t* const q = run.stop;
  const auto where = [&] {
    return what + " scalar stop " + std::to_string(r - p) + " simd stop " + std::to_string(q - p);
  };
  ASSERT_LE(q, r) << where();  // never passes what the scalar check stops at
  ASSERT_GE(q, p) << where();
  // q is a boundary outside escapes: the scalar check passes all of [p, q).
  bool unused = false;
  bool escapes_before_q = false;
  ASSERT_EQ(ScalarStop(p, q, &unused, &escapes_before_q), q) << where();
  if (escapes_before_q) {
    ASSERT_TRUE(run.escapes) << where();
  }
  // An escape cut by the end of its block stops the SIMD loop early: the scalar scanner passes
  // it, and the next call starts a new block grid. Every block ends at a multiple of 16.
  if (q < r && *q == '\\' && (q - p) % 16 == 15) return;
  // The block holding the scalar stop (one of 16 bytes, then 64 while 64 are left, then 16):
  // SIMD reaches it, then stops at most 3 bytes before it (a sequence cut by the block edge)
  // unless it can see the special itself.
  const auto size = static_cast<std::size_t>(end - p);
  const auto offset = static_cast<std::size_t>(r - p);
  std::size_t block_offset = 0;
  if (size >= 16 && offset >= 16) {
    const std::size_t wide = (size - 16) / 64 * 64;
    const std::size_t rest = offset - 16;
    block_offset = 16 + (rest < wide ? rest / 64 * 64 : wide + (rest - wide) / 16 * 16);
  }
  const std::uint8_t* const block = p + block_offset;
  ASSERT_GE(q, block - 3 < p ? p : block - 3) << where();
  if (at_special && end - block >= 16) {
    ASSERT_EQ(q, r) << where();
  }
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
      // Specials, and escapes (simple ones pass, `\u` and bad ones stop).
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
  };
  return pieces;
}

std::vector<std::uint8_t> RandomText(std::mt19937& random, std::size_t max_size,
                                     int invalid_percent) {
  const auto& pieces = Pieces();
  // Indices: valid pieces are [0, 15), invalid and cut [15, 33), specials [33, 38), escapes
  // [38, 45).
  std::vector<std::uint8_t> text;
  std::uniform_int_distribution<int> percent(0, 99);
  while (text.size() < max_size) {
    const int roll = percent(random);
    std::size_t index;
    if (roll < invalid_percent) {
      index = 15 + random() % 18;
    } else if (roll < invalid_percent + 2) {
      index = 33 + random() % 5;
    } else if (roll < invalid_percent + 12) {
      index = 38 + random() % 7;
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
    ExpectAgreesWithScalar<B>(RandomText(random, 16 + round % 200, invalid_percent), backend);
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
        bool at_special = false;
        bool escapes = false;
        const std::uint8_t* const end = t.data() + t.size();
        const std::uint8_t* const r = ScalarStop(t.data(), end, &at_special, &escapes);
        const std::uint8_t* const q = SkipJsonStringContent<PortableBytes16>(t.data(), end).stop;
        ASSERT_LE(q, r) << first << " " << second << " at " << at;
        ASSERT_EQ(ScalarStop(t.data(), q, &at_special, &escapes), q);
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
  std::string text = "\\\"";  // the escape at offset 0: never cut by the block's end
  while (text.size() < 400) text += "日本語 😀 café \\n";
  const std::size_t quote = text.size();
  text += "\" and a tail longer than one block";
  const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
  const StringContentRun run = SkipJsonStringContent<PortableBytes16>(p, p + text.size());
  EXPECT_TRUE(run.escapes);
  // The text repeats every 22 bytes, so some `\n` is cut by a block's end: resume from there.
  const std::uint8_t* q = run.stop;
  while (*q == '\\') q = SkipJsonStringContent<PortableBytes16>(q + 2, p + text.size()).stop;
  EXPECT_EQ(q - p, static_cast<std::ptrdiff_t>(quote));
  if constexpr (kHasNativeBytes16) {
    EXPECT_EQ(SkipJsonStringContent<NativeBytes16>(p, p + text.size()).stop, run.stop);
  }
}

}  // namespace
}  // namespace job_detail::detail
