// StepIndex: streams the S3 steps document, validates it whole (by default as `JSON.parse` after a
// non-fatal UTF-8 decode, the contract of `res.json()`; `strict` for RFC 8259 + UTF-8), and
// indexes each step's byte span and list-row fields while the bytes arrive. It never builds a DOM
// of the document: a step is decoded only when asked.
//
// Shapes: a top-level array of steps, or an object whose `execution_steps` (else `steps`) member is
// the array. `execution_steps` wins over `steps` whatever the order (indexing restarts if it comes
// second); other members are ignored; a repeated key restarts the index (the last one wins, as
// in a parsed object). Anything else is kUnexpectedShape, reported at the byte where the shape
// became certain (the top-level value's first byte, the steps member's value, or the closing `}`
// of an object without either member).
//
// Errors: the first one, with the offset of the offending byte in the bytes fed (BOM included).
// kTruncated at Finish() has the input length as offset; kTooLarge the first byte over max_bytes
// (or the first step over max_steps, or the step whose record memory could not hold).
// After an error Feed() does nothing, and every step indexed before it stays available.
//
// Memory: the document bytes once plus kStepRecordBytes per step (string fields are spans into the
// document, decoded on demand). With Reserve() (the size is known) the document is one buffer;
// without, it grows by 1.25x up to segment_bytes, then continues in further segments of that size,
// each starting at a step's first byte, so no step straddles two and the peak stays near the
// document's size.
//
// Inside: the document buffer (detail/document_buffer.h, behind the pointer), the JSON scanner,
// the shape tracker (detail/step_shape_tracker.h: where the steps are) and the rows read from
// each step's record on demand (detail/step_rows.h). A step as a DOM: detail/step_dom.h.
#ifndef JOB_DETAIL_STEP_INDEX_H_
#define JOB_DETAIL_STEP_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/error.h"
#include "job_detail/result.h"
#include "job_detail/step_key.h"
#include "job_detail/step_row.h"

namespace job_detail {

namespace detail {
class DocumentBuffer;
class JsonScanner;
class StepShapeTracker;
}  // namespace detail

struct StepIndexOptions {
  // Spans are 32-bit, so a document is at most 4 GiB - 1 bytes whatever this says.
  std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max();
  std::uint32_t max_depth = 512;  // containers, the top-level one included
  // Steps beyond this fail with kTooLarge at the first byte of the one too many. Growth of the
  // step records that memory cannot satisfy is kTooLarge too, never an abort.
  std::uint64_t max_steps = std::numeric_limits<std::uint64_t>::max();
  // Without Reserve(), once the buffer reaches this size the document continues in a new buffer
  // of this size (from the step being indexed: a step never straddles two), instead of being
  // copied into a bigger one. 0: one buffer, grown by 1.25x.
  std::size_t segment_bytes = 1 << 20;
  // false (the default): accept exactly what `JSON.parse(new TextDecoder().decode(bytes))`
  // accepts, as `res.json()` does: ill-formed UTF-8 and lone surrogate escapes inside strings
  // (decoded as U+FFFD in rows; step text keeps the bytes) and numbers of any magnitude. true:
  // RFC 8259 with well-formed UTF-8, paired surrogates and numbers finite as a double.
  bool strict = false;
};

class StepIndex {
 public:
  explicit StepIndex(StepIndexOptions options = {});
  ~StepIndex();
  StepIndex(StepIndex&&) noexcept;
  StepIndex& operator=(StepIndex&&) noexcept;

  // Grows the document buffer once when the caller knows the total size (Content-Length).
  void Reserve(std::size_t bytes);
  // Any chunking works, even inside a string, an escape or a UTF-8 sequence.
  void Feed(std::span<const std::uint8_t> bytes);
  void Feed(std::string_view bytes);

  // Zero-copy feeding: PrepareFeed(n) returns writable room right after the bytes fed so far; the
  // caller writes the next bytes there and calls CommitFeed(written), which scans them in place
  // (Feed() is exactly this plus a memcpy). The room is valid until the next call on the index.
  // It is shorter than n when max_bytes allows fewer bytes (then CommitFeed scans what fits and
  // fails with kTooLarge), and empty after an error, after Finish(), or when memory runs out
  // (kTooLarge). CommitFeed takes at most the room's length.
  std::span<std::uint8_t> PrepareFeed(std::size_t n);
  void CommitFeed(std::size_t written);
  // Ends the input: returns the document's error (kTruncated when it is incomplete), or nullopt
  // when it is a complete, valid steps document. Later Feed() calls do nothing.
  const std::optional<Error>& Finish();

  bool finished() const { return finished_; }
  const std::optional<Error>& error() const { return error_; }
  // Progress, available at any moment: completed steps and their running cost total.
  std::size_t count() const;
  const CostTotal& cost_total() const { return cost_total_; }
  // Strings (values and member names) whose text held ill-formed UTF-8 or a lone surrogate escape
  // (always 0 when strict): the UI can say that some text was shown with U+FFFD.
  std::uint64_t repaired_strings() const { return repaired_strings_; }
  std::uint64_t bytes_fed() const;

  // kInvalidArgument when i >= count().
  Result<StepRow> Summary(std::size_t i) const;
  // The merge key of step i, as Summary(i).key, without decoding the rest of the row.
  // kInvalidArgument when i >= count().
  Result<StepKey> Key(std::size_t i) const;
  // The step's raw JSON text (empty when i >= count()).
  std::string_view StepJsonText(std::size_t i) const;
  // Byte offset of step i's first byte in the document (0 when i >= count()). Within one index
  // (one serial()) an offset names one step: a restart indexes later bytes.
  std::uint64_t StepOffset(std::size_t i) const;
  // The bytes fed so far, in order, as one or more parts (the buffer's segments).
  std::vector<std::span<const std::uint8_t>> DocumentParts() const;
  // Distinct for every index made in this process and kept by moves: what a cache of results
  // per document (the explorer's) checks that it still reads the same document.
  std::uint64_t serial() const { return serial_; }

  // Bytes held per step besides the document itself.
  static const std::size_t kStepRecordBytes;

 private:
  void Drain();
  void Fail(Error error);

  StepIndexOptions options_;
  std::unique_ptr<detail::DocumentBuffer> buffer_;
  std::size_t prepared_ = 0;        // room handed out by the last PrepareFeed
  bool prepared_overflow_ = false;  // that PrepareFeed asked for more than max_bytes allows
  std::unique_ptr<detail::JsonScanner> scanner_;
  std::unique_ptr<detail::StepShapeTracker> tracker_;
  CostTotal cost_total_;
  std::uint64_t repaired_strings_ = 0;
  std::optional<Error> error_;
  bool finished_ = false;
  std::uint64_t serial_;
};

}  // namespace job_detail

#endif  // JOB_DETAIL_STEP_INDEX_H_
