// One buffer in wasm memory through which JS hands byte chunks to the core: JS writes a chunk into
// the view TransferView() returns (one TypedArray.set), then a binding passes TransferBytes() to
// the core, which copies it once into its own buffer. Cheaper than Embind's std::string parameter
// (a malloc, a set and a second copy per chunk) and bounded: callers slice big inputs to
// kTransferChunkBytes. Shared by every binding; the module is single-threaded.
#ifndef JOB_DETAIL_BINDINGS_TRANSFER_BUFFER_H_
#define JOB_DETAIL_BINDINGS_TRANSFER_BUFFER_H_

#include <emscripten/val.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace job_detail::bindings {

// The largest slice the facade writes at once (it slices bigger chunks).
inline constexpr std::size_t kTransferChunkBytes = 256 * 1024;

inline std::vector<std::uint8_t>& TransferBuffer() {
  static std::vector<std::uint8_t> buffer;
  return buffer;
}

// A Uint8Array view of `length` writable bytes in wasm memory. It stays valid only until the next
// call into the module (memory growth detaches it): write into it at once.
inline emscripten::val TransferView(std::size_t length) {
  std::vector<std::uint8_t>& buffer = TransferBuffer();
  if (buffer.size() < length) buffer.resize(length);
  return emscripten::val(emscripten::typed_memory_view(length, buffer.data()));
}

// The first `length` bytes written through TransferView (clamped to what the buffer holds).
inline std::span<const std::uint8_t> TransferBytes(std::size_t length) {
  const std::vector<std::uint8_t>& buffer = TransferBuffer();
  return {buffer.data(), std::min(length, buffer.size())};
}

}  // namespace job_detail::bindings

#endif  // JOB_DETAIL_BINDINGS_TRANSFER_BUFFER_H_
