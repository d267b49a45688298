// SIMD UTF-8 validation, 16 bytes at a time: the Keiser–Lemire "lookup" algorithm (Validating
// UTF-8 In Less Than One Instruction Per Byte, 2021), as in simdjson. Each byte is checked against
// the one to three bytes before it with three 16-entry table lookups (a byte shuffle), which is
// what makes 3-byte (CJK) and 4-byte (emoji) text as cheap as ASCII. The JSON string scan
// (json_string_simd.h) runs it fused with its own classification of the same bytes.
//
// Backends: wasm simd128 (`-msimd128`), SSSE3 (pshufb) when the native build enables it, and a
// portable one (plain arrays) that the tests run everywhere to check the algorithms themselves.
#ifndef JOB_DETAIL_DETAIL_UTF8_SIMD_H_
#define JOB_DETAIL_DETAIL_UTF8_SIMD_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSSE3__)
#include <tmmintrin.h>
#endif

namespace job_detail::detail {

namespace utf8_lookup {

// Error classes, one bit each; a byte is in error when all three lookups agree on a bit.
inline constexpr std::uint8_t kTooShort = 1 << 0;      // lead or ASCII, then a lead or ASCII (2nd)
inline constexpr std::uint8_t kTooLong = 1 << 1;       // ASCII, then a continuation
inline constexpr std::uint8_t kOverlong3 = 1 << 2;     // E0 80..9F
inline constexpr std::uint8_t kTooLarge = 1 << 3;      // F4 90..BF, F5..FF
inline constexpr std::uint8_t kSurrogate = 1 << 4;     // ED A0..BF
inline constexpr std::uint8_t kOverlong2 = 1 << 5;     // C0, C1 leads
inline constexpr std::uint8_t kTooLarge1000 = 1 << 6;  // F5..FF 80..8F
inline constexpr std::uint8_t kOverlong4 = 1 << 6;     // F0 80..8F
inline constexpr std::uint8_t kTwoConts = 1 << 7;      // a continuation after a continuation
inline constexpr std::uint8_t kCarry = kTooShort | kTooLong | kTwoConts;

using Table = std::array<std::uint8_t, 16>;

// Indexed by the high nibble of the previous byte.
inline constexpr Table kByte1High = {
    kTooLong,
    kTooLong,
    kTooLong,
    kTooLong,
    kTooLong,
    kTooLong,
    kTooLong,
    kTooLong,  // ASCII
    kTwoConts,
    kTwoConts,
    kTwoConts,
    kTwoConts,                                           // continuation
    kTooShort | kOverlong2,                              // C_
    kTooShort,                                           // D_
    kTooShort | kOverlong3 | kSurrogate,                 // E_
    kTooShort | kTooLarge | kTooLarge1000 | kOverlong4,  // F_
};
// Indexed by the low nibble of the previous byte.
inline constexpr Table kByte1Low = {
    kCarry | kOverlong3 | kOverlong2 | kOverlong4,  // _0
    kCarry | kOverlong2,                            // _1
    kCarry,
    kCarry,
    kCarry | kTooLarge,                  // _4
    kCarry | kTooLarge | kTooLarge1000,  // _5
    kCarry | kTooLarge | kTooLarge1000,
    kCarry | kTooLarge | kTooLarge1000,
    kCarry | kTooLarge | kTooLarge1000,  // _8
    kCarry | kTooLarge | kTooLarge1000,
    kCarry | kTooLarge | kTooLarge1000,
    kCarry | kTooLarge | kTooLarge1000,
    kCarry | kTooLarge | kTooLarge1000,
    kCarry | kTooLarge | kTooLarge1000 | kSurrogate,  // _D
    kCarry | kTooLarge | kTooLarge1000,
    kCarry | kTooLarge | kTooLarge1000,
};
// Indexed by the high nibble of the current byte.
inline constexpr Table kByte2High = {
    kTooShort,
    kTooShort,
    kTooShort,
    kTooShort,
    kTooShort,
    kTooShort,
    kTooShort,
    kTooShort,
    kTooLong | kOverlong2 | kTwoConts | kOverlong3 | kTooLarge1000 | kOverlong4,  // 8_
    kTooLong | kOverlong2 | kTwoConts | kOverlong3 | kTooLarge,                   // 9_
    kTooLong | kOverlong2 | kTwoConts | kSurrogate | kTooLarge,                   // A_
    kTooLong | kOverlong2 | kTwoConts | kSurrogate | kTooLarge,                   // B_
    kTooShort,
    kTooShort,
    kTooShort,
    kTooShort,  // leads
};

}  // namespace utf8_lookup

// The reference backend: 16 lanes in an array. Slow, but it runs the same algorithm everywhere.
struct PortableBytes16 {
  using V = std::array<std::uint8_t, 16>;
  static V Load(const std::uint8_t* p) {
    V v;
    std::memcpy(v.data(), p, 16);
    return v;
  }
  static V Zero() { return V{}; }
  static V Splat(std::uint8_t c) {
    V v;
    v.fill(c);
    return v;
  }
  template <class F>
  static V Map(const V& a, const V& b, F f) {
    V out;
    for (int i = 0; i < 16; ++i) out[i] = static_cast<std::uint8_t>(f(a[i], b[i]));
    return out;
  }
  static V And(const V& a, const V& b) {
    return Map(a, b, [](int x, int y) { return x & y; });
  }
  static V Or(const V& a, const V& b) {
    return Map(a, b, [](int x, int y) { return x | y; });
  }
  static V Xor(const V& a, const V& b) {
    return Map(a, b, [](int x, int y) { return x ^ y; });
  }
  static V Lookup(const utf8_lookup::Table& table, const V& index) {
    V out;
    for (int i = 0; i < 16; ++i) out[i] = table[index[i] & 0x0F];
    return out;
  }
  static V HighNibbles(const V& a) {
    return Map(a, a, [](int x, int) { return x >> 4; });
  }
  static V LowNibbles(const V& a) {
    return Map(a, a, [](int x, int) { return x & 0x0F; });
  }
  // Lane i: the byte n positions earlier in the stream `previous` then `input`.
  template <int n>
  static V Prev(const V& input, const V& previous) {
    V out;
    for (int i = 0; i < 16; ++i) out[i] = i >= n ? input[i - n] : previous[16 - n + i];
    return out;
  }
  // Bit 7 of each lane: the lane is at least `threshold` (a lead of that length or longer).
  static V AtLeast(const V& a, std::uint8_t threshold) {
    return Map(a, a, [threshold](int x, int) { return x >= threshold ? 0x80 : 0; });
  }
  static V HighBit(const V& a) {
    return Map(a, a, [](int x, int) { return x & 0x80; });
  }
  static bool AnyNonZero(const V& a) {
    for (int i = 0; i < 16; ++i) {
      if (a[i] != 0) return true;
    }
    return false;
  }
  static unsigned NonZeroMask(const V& a) {
    unsigned mask = 0;
    for (int i = 0; i < 16; ++i) mask |= (a[i] != 0 ? 1u : 0u) << i;
    return mask;
  }
  static unsigned HighMask(const V& a) {
    unsigned mask = 0;
    for (int i = 0; i < 16; ++i) mask |= static_cast<unsigned>(a[i] >> 7) << i;
    return mask;
  }
  // 0xFF in the lanes equal to `c`, 0 elsewhere.
  static V Equal(const V& a, std::uint8_t c) {
    return Map(a, a, [c](int x, int) { return x == c ? 0xFF : 0; });
  }
  static unsigned EqualMask(const V& a, std::uint8_t c) {
    unsigned mask = 0;
    for (int i = 0; i < 16; ++i) mask |= (a[i] == c ? 1u : 0u) << i;
    return mask;
  }
  static unsigned SpecialMask(const V& a) {
    unsigned mask = 0;
    for (int i = 0; i < 16; ++i) {
      mask |= (a[i] == '"' || a[i] == '\\' || a[i] < 0x20 ? 1u : 0u) << i;
    }
    return mask;
  }
  // Quotes, controls and every byte >= 0x80: two compares (a signed `< 0x20` takes both controls
  // and bytes >= 0x80) for a caller that already has the non-ASCII mask to take away.
  static unsigned QuoteControlOrHighMask(const V& a) {
    unsigned mask = 0;
    for (int i = 0; i < 16; ++i)
      mask |= (a[i] == '"' || a[i] < 0x20 || a[i] >= 0x80 ? 1u : 0u) << i;
    return mask;
  }
};

#if defined(__wasm_simd128__)
struct NativeBytes16 {
  using V = v128_t;
  static V Load(const std::uint8_t* p) { return wasm_v128_load(p); }
  static V Zero() { return wasm_i8x16_splat(0); }
  static V Splat(std::uint8_t c) { return wasm_i8x16_splat(static_cast<std::int8_t>(c)); }
  static V And(V a, V b) { return wasm_v128_and(a, b); }
  static V Or(V a, V b) { return wasm_v128_or(a, b); }
  static V Xor(V a, V b) { return wasm_v128_xor(a, b); }
  static V Lookup(const utf8_lookup::Table& table, V index) {
    return wasm_i8x16_swizzle(wasm_v128_load(table.data()), index);
  }
  static V HighNibbles(V a) { return wasm_u8x16_shr(a, 4); }
  static V LowNibbles(V a) { return wasm_v128_and(a, wasm_i8x16_splat(0x0F)); }
  template <int n>
  static V Prev(V input, V previous) {
    return wasm_i8x16_shuffle(previous, input, 16 - n, 17 - n, 18 - n, 19 - n, 20 - n, 21 - n,
                              22 - n, 23 - n, 24 - n, 25 - n, 26 - n, 27 - n, 28 - n, 29 - n,
                              30 - n, 31 - n);
  }
  static V AtLeast(V a, std::uint8_t threshold) {
    // Saturating subtraction leaves bit 7 set exactly for lanes >= threshold (threshold >= 0x80).
    return wasm_u8x16_sub_sat(a, wasm_i8x16_splat(static_cast<std::int8_t>(threshold - 0x80)));
  }
  static V HighBit(V a) {
    return wasm_v128_and(a, wasm_i8x16_splat(static_cast<std::int8_t>(0x80)));
  }
  static bool AnyNonZero(V a) { return wasm_v128_any_true(a); }
  // Compare with zero then flip the bits in a register: wasm has no single-instruction `ne`.
  static unsigned NonZeroMask(V a) {
    return static_cast<unsigned>(wasm_i8x16_bitmask(wasm_i8x16_eq(a, wasm_i8x16_splat(0)))) ^
           0xFFFFu;
  }
  static unsigned HighMask(V a) { return static_cast<unsigned>(wasm_i8x16_bitmask(a)); }
  static V Equal(V a, std::uint8_t c) {
    return wasm_i8x16_eq(a, wasm_i8x16_splat(static_cast<std::int8_t>(c)));
  }
  static unsigned EqualMask(V a, std::uint8_t c) {
    return static_cast<unsigned>(
        wasm_i8x16_bitmask(wasm_i8x16_eq(a, wasm_i8x16_splat(static_cast<std::int8_t>(c)))));
  }
  static unsigned SpecialMask(V a) {
    const V special = wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(a, wasm_i8x16_splat('"')),
                                                wasm_i8x16_eq(a, wasm_i8x16_splat('\\'))),
                                   wasm_u8x16_lt(a, wasm_i8x16_splat(0x20)));
    return static_cast<unsigned>(wasm_i8x16_bitmask(special));
  }
  static unsigned QuoteControlOrHighMask(V a) {
    return static_cast<unsigned>(wasm_i8x16_bitmask(wasm_v128_or(
        wasm_i8x16_eq(a, wasm_i8x16_splat('"')), wasm_i8x16_lt(a, wasm_i8x16_splat(0x20)))));
  }
};
inline constexpr bool kHasNativeBytes16 = true;
#elif defined(__SSSE3__)
struct NativeBytes16 {
  using V = __m128i;
  static V Load(const std::uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const V*>(p)); }
  static V Zero() { return _mm_setzero_si128(); }
  static V Splat(std::uint8_t c) { return _mm_set1_epi8(static_cast<char>(c)); }
  static V And(V a, V b) { return _mm_and_si128(a, b); }
  static V Or(V a, V b) { return _mm_or_si128(a, b); }
  static V Xor(V a, V b) { return _mm_xor_si128(a, b); }
  static V Lookup(const utf8_lookup::Table& table, V index) {
    return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const V*>(table.data())), index);
  }
  static V HighNibbles(V a) { return _mm_and_si128(_mm_srli_epi16(a, 4), _mm_set1_epi8(0x0F)); }
  static V LowNibbles(V a) { return _mm_and_si128(a, _mm_set1_epi8(0x0F)); }
  template <int n>
  static V Prev(V input, V previous) {
    return _mm_alignr_epi8(input, previous, 16 - n);
  }
  static V AtLeast(V a, std::uint8_t threshold) {
    return _mm_subs_epu8(a, _mm_set1_epi8(static_cast<char>(threshold - 0x80)));
  }
  static V HighBit(V a) { return _mm_and_si128(a, _mm_set1_epi8(static_cast<char>(0x80))); }
  static bool AnyNonZero(V a) {
    return _mm_movemask_epi8(_mm_cmpeq_epi8(a, _mm_setzero_si128())) != 0xFFFF;
  }
  static unsigned NonZeroMask(V a) {
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(a, _mm_setzero_si128()))) ^
           0xFFFFu;
  }
  static unsigned HighMask(V a) { return static_cast<unsigned>(_mm_movemask_epi8(a)); }
  static V Equal(V a, std::uint8_t c) {
    return _mm_cmpeq_epi8(a, _mm_set1_epi8(static_cast<char>(c)));
  }
  static unsigned EqualMask(V a, std::uint8_t c) {
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(a, _mm_set1_epi8(static_cast<char>(c)))));
  }
  static unsigned SpecialMask(V a) {
    const V control = _mm_cmpeq_epi8(_mm_subs_epu8(a, _mm_set1_epi8(0x1F)), _mm_setzero_si128());
    const V special = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('"')), _mm_cmpeq_epi8(a, _mm_set1_epi8('\\'))),
        control);
    return static_cast<unsigned>(_mm_movemask_epi8(special));
  }
  static unsigned QuoteControlOrHighMask(V a) {
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(a, _mm_set1_epi8('"')), _mm_cmplt_epi8(a, _mm_set1_epi8(0x20)))));
  }
};
inline constexpr bool kHasNativeBytes16 = true;
#else
using NativeBytes16 = PortableBytes16;
inline constexpr bool kHasNativeBytes16 = false;
#endif

// The last character boundary at or before `q`, given that [start, q) is valid UTF-8 starting at
// a boundary except possibly for a sequence cut at q.
inline const std::uint8_t* Utf8BoundaryBefore(const std::uint8_t* start, const std::uint8_t* q) {
  if (q - start >= 1 && q[-1] >= 0xC0) return q - 1;
  if (q - start >= 2 && q[-2] >= 0xE0) return q - 2;
  if (q - start >= 3 && q[-3] >= 0xF0) return q - 3;
  return q;
}

// Lane i is non-zero when byte i of `input` breaks UTF-8, given the 16 bytes before it
// (`previous`). A sequence cut at the end of `input` is not an error here (the next block, or the
// caller, decides). Kept as a vector so that a caller checking several blocks tests them all at
// once and makes bitmasks only when something is wrong.
template <class B>
typename B::V Utf8ErrorLanes(typename B::V input, typename B::V previous) {
  using utf8_lookup::kByte1High;
  using utf8_lookup::kByte1Low;
  using utf8_lookup::kByte2High;
  const typename B::V prev1 = B::template Prev<1>(input, previous);
  const typename B::V classes = B::And(B::And(B::Lookup(kByte1High, B::HighNibbles(prev1)),
                                              B::Lookup(kByte1Low, B::LowNibbles(prev1))),
                                       B::Lookup(kByte2High, B::HighNibbles(input)));
  // Third and fourth bytes: a continuation exactly where a 3- or 4-byte lead demands one
  // (kTwoConts marks a continuation after a continuation).
  const typename B::V must_continue =
      B::HighBit(B::Or(B::AtLeast(B::template Prev<2>(input, previous), 0xE0),
                       B::AtLeast(B::template Prev<3>(input, previous), 0xF0)));
  return B::Xor(must_continue, classes);
}

// Bit i: byte i of `input` breaks UTF-8 (Utf8ErrorLanes as a bitmask).
template <class B>
unsigned Utf8ErrorMask(typename B::V input, typename B::V previous) {
  return B::NonZeroMask(Utf8ErrorLanes<B>(input, previous));
}

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_UTF8_SIMD_H_
