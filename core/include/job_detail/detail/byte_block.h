// Sixteen bytes compared at once: the few vector operations the explorer's text search needs, on
// wasm simd128 (`-msimd128`), SSE2 natively, or plain arrays elsewhere (same results, slower).
#ifndef JOB_DETAIL_DETAIL_BYTE_BLOCK_H_
#define JOB_DETAIL_DETAIL_BYTE_BLOCK_H_

#include <array>
#include <cstddef>
#include <cstdint>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace job_detail::detail {

inline constexpr std::size_t kByteBlockSize = 16;

#if defined(__wasm_simd128__)
struct ByteBlock {
  v128_t v;
};
inline ByteBlock LoadBlock(const unsigned char* p) { return {wasm_v128_load(p)}; }
inline ByteBlock SplatBlock(unsigned char c) { return {wasm_i8x16_splat(static_cast<char>(c))}; }
inline ByteBlock operator|(ByteBlock a, ByteBlock b) { return {wasm_v128_or(a.v, b.v)}; }
inline ByteBlock operator&(ByteBlock a, ByteBlock b) { return {wasm_v128_and(a.v, b.v)}; }
inline ByteBlock operator==(ByteBlock a, ByteBlock b) { return {wasm_i8x16_eq(a.v, b.v)}; }
// Bit k: byte k of a comparison's result is set.
inline std::uint32_t BitsOf(ByteBlock a) { return wasm_i8x16_bitmask(a.v); }
#elif defined(__SSE2__)
struct ByteBlock {
  __m128i v;
};
inline ByteBlock LoadBlock(const unsigned char* p) {
  return {_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))};
}
inline ByteBlock SplatBlock(unsigned char c) { return {_mm_set1_epi8(static_cast<char>(c))}; }
inline ByteBlock operator|(ByteBlock a, ByteBlock b) { return {_mm_or_si128(a.v, b.v)}; }
inline ByteBlock operator&(ByteBlock a, ByteBlock b) { return {_mm_and_si128(a.v, b.v)}; }
inline ByteBlock operator==(ByteBlock a, ByteBlock b) { return {_mm_cmpeq_epi8(a.v, b.v)}; }
inline std::uint32_t BitsOf(ByteBlock a) {
  return static_cast<std::uint32_t>(_mm_movemask_epi8(a.v));
}
#else
struct ByteBlock {
  std::array<std::uint8_t, kByteBlockSize> v;
};
inline ByteBlock LoadBlock(const unsigned char* p) {
  ByteBlock out;
  for (std::size_t i = 0; i < kByteBlockSize; ++i) out.v[i] = p[i];
  return out;
}
inline ByteBlock SplatBlock(unsigned char c) {
  ByteBlock out;
  out.v.fill(c);
  return out;
}
inline ByteBlock operator|(ByteBlock a, ByteBlock b) {
  for (std::size_t i = 0; i < kByteBlockSize; ++i) a.v[i] |= b.v[i];
  return a;
}
inline ByteBlock operator&(ByteBlock a, ByteBlock b) {
  for (std::size_t i = 0; i < kByteBlockSize; ++i) a.v[i] &= b.v[i];
  return a;
}
inline ByteBlock operator==(ByteBlock a, ByteBlock b) {
  for (std::size_t i = 0; i < kByteBlockSize; ++i) a.v[i] = a.v[i] == b.v[i] ? 0xFF : 0;
  return a;
}
inline std::uint32_t BitsOf(ByteBlock a) {
  std::uint32_t bits = 0;
  for (std::size_t i = 0; i < kByteBlockSize; ++i)
    bits |= static_cast<std::uint32_t>(a.v[i] >> 7) << i;
  return bits;
}
#endif

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_BYTE_BLOCK_H_
