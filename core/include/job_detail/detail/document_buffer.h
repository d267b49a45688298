// The step index's copy of the document. malloc'ed so growth can use realloc (in place when the
// allocator can, and no zero-filling of the room handed out for writing, as a vector's resize
// would do). With Reserve() (the size is known) it is one buffer; without, it grows by 1.25x up to
// segment_bytes, then continues in further segments of that size, each starting at the first byte
// still needed (a step's first byte), so no step straddles two and the peak stays near the
// document's size. Offsets are absolute: a segment knows where in the document it starts.
#ifndef JOB_DETAIL_DETAIL_DOCUMENT_BUFFER_H_
#define JOB_DETAIL_DETAIL_DOCUMENT_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace job_detail::detail {

// One segment of the document: its bytes and the offset of its first byte.
struct DocumentView {
  const std::uint8_t* data;
  std::size_t base;
  const std::uint8_t* At(std::size_t offset) const { return data + (offset - base); }
};

class DocumentBuffer {
 public:
  // `limit`: the most bytes the document may have.
  DocumentBuffer(std::uint64_t limit, std::size_t segment_bytes)
      : limit_(limit), segment_bytes_(segment_bytes) {}

  std::uint64_t limit() const { return limit_; }
  std::size_t size() const { return size_; }  // bytes committed: the document so far

  // Grows the current buffer once to hold `bytes` in all; failing is not an error (feeding grows).
  void Reserve(std::size_t bytes);
  // Makes room for `take` more bytes; false when memory runs out. A new segment may start at the
  // first byte still needed: `scanner_keep` (relative to the current segment: the token being
  // scanned) or `step_start` (absolute: the step being indexed), whichever is earlier. `*cut` is
  // how many bytes of the current segment stayed behind (0: no new segment).
  bool MakeRoom(std::size_t take, std::size_t scanner_keep, std::size_t step_start,
                std::size_t* cut);
  // The writable room after the committed bytes (at least what MakeRoom made).
  std::span<std::uint8_t> Room() { return {buffer_.get() + (size_ - base_), capacity_ - used()}; }
  bool Fits(std::size_t take) const { return used() + take <= capacity_; }
  void Commit(std::size_t bytes) { size_ += bytes; }

  DocumentView CurrentView() const { return {buffer_.get(), base_}; }
  std::span<const std::uint8_t> CurrentBytes() const { return {buffer_.get(), used()}; }
  // The segment holding `offset`.
  DocumentView ViewOf(std::size_t offset) const;
  // The document so far, in order: each segment's bytes up to where the next one starts.
  std::vector<std::span<const std::uint8_t>> Parts() const;

 private:
  struct FreeDeleter {
    void operator()(std::uint8_t* p) const;
  };
  using Bytes = std::unique_ptr<std::uint8_t, FreeDeleter>;
  // A finished segment of the document: bytes [base, next segment's base).
  struct Segment {
    Bytes bytes;
    std::size_t base = 0;
  };

  std::size_t used() const { return size_ - base_; }
  // Makes the current segment's capacity `bytes`; false when memory runs out.
  bool Grow(std::size_t bytes);

  std::uint64_t limit_;
  std::size_t segment_bytes_;
  std::vector<Segment> sealed_;  // earlier segments, in document order
  Bytes buffer_;                 // the current segment
  std::size_t base_ = 0;         // offset of buffer_[0] in the document
  std::size_t size_ = 0;         // bytes committed
  std::size_t capacity_ = 0;     // of buffer_
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_DOCUMENT_BUFFER_H_
