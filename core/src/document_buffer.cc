#include "job_detail/detail/document_buffer.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace job_detail::detail {
namespace {

// The smallest growth of the document buffer when no size hint was given.
constexpr std::uint64_t kMinGrowthBytes = 64 * 1024;

}  // namespace

void DocumentBuffer::FreeDeleter::operator()(std::uint8_t* p) const { std::free(p); }

bool DocumentBuffer::Grow(std::size_t bytes) {
  if (bytes <= capacity_) return true;
  void* grown = std::realloc(buffer_.get(), bytes);
  if (grown == nullptr) return false;
  buffer_.release();  // realloc freed or kept it; `grown` is the buffer now
  buffer_.reset(static_cast<std::uint8_t*>(grown));
  capacity_ = bytes;
  return true;
}

void DocumentBuffer::Reserve(std::size_t bytes) {
  const std::uint64_t total = std::min<std::uint64_t>(bytes, limit_);
  if (total > base_) Grow(static_cast<std::size_t>(total - base_));
}

bool DocumentBuffer::MakeRoom(std::size_t take, std::size_t scanner_keep, std::size_t step_start,
                              std::size_t* cut_out) {
  *cut_out = 0;
  const std::size_t used_bytes = used();
  // A new segment from the first byte still needed: the finished steps stay where they are, so
  // memory stays near the document's size without a size hint. Only when that start is in this
  // segment and the carried tail is small.
  const std::size_t keep = std::min(scanner_keep, used_bytes);
  const std::size_t cut = step_start >= base_ ? std::min(keep, step_start - base_) : 0;
  const std::size_t tail = used_bytes - cut;
  if (segment_bytes_ > 0 && capacity_ >= segment_bytes_ && cut > 0 && tail <= capacity_ / 2) {
    const std::size_t capacity = std::max(segment_bytes_, tail + take);
    Bytes next(static_cast<std::uint8_t*>(std::malloc(capacity)));
    if (next) {
      if (tail > 0) std::memcpy(next.get(), buffer_.get() + cut, tail);
      // Give the unused end of the finished segment back (shrinking in place cannot fail in
      // practice; if it does, the segment just keeps its capacity).
      if (void* shrunk = std::realloc(buffer_.get(), cut)) {
        buffer_.release();
        buffer_.reset(static_cast<std::uint8_t*>(shrunk));
      }
      sealed_.push_back(Segment{std::move(buffer_), base_});
      buffer_ = std::move(next);
      base_ += cut;
      capacity_ = capacity;
      *cut_out = cut;
      return true;
    }
  }
  // Without a size hint grow by 1.25x: the peak stays nearer the document's size than doubling,
  // and the extra copies are few.
  const std::size_t needed = used_bytes + take;
  const std::uint64_t growth = std::max<std::uint64_t>(capacity_ / 4, kMinGrowthBytes);
  std::uint64_t target = std::min<std::uint64_t>(capacity_ + growth, limit_);
  if (capacity_ < segment_bytes_) target = std::min<std::uint64_t>(target, segment_bytes_);
  return Grow(std::max(needed, static_cast<std::size_t>(target))) || Grow(needed);
}

DocumentView DocumentBuffer::ViewOf(std::size_t offset) const {
  if (offset >= base_) return CurrentView();
  // The last sealed segment starting at or before `offset`.
  const auto after = std::upper_bound(
      sealed_.begin(), sealed_.end(), offset,
      [](std::size_t value, const Segment& segment) { return value < segment.base; });
  const Segment& segment = *(after - 1);
  return {segment.bytes.get(), segment.base};
}

std::vector<std::span<const std::uint8_t>> DocumentBuffer::Parts() const {
  std::vector<std::span<const std::uint8_t>> parts;
  parts.reserve(sealed_.size() + 1);
  for (std::size_t i = 0; i < sealed_.size(); ++i) {
    const std::size_t next = i + 1 < sealed_.size() ? sealed_[i + 1].base : base_;
    parts.emplace_back(sealed_[i].bytes.get(), next - sealed_[i].base);
  }
  if (used() > 0) parts.push_back(CurrentBytes());
  return parts;
}

}  // namespace job_detail::detail
