// StepIndex: the scanner, the shape tracker and the document buffer put together. Rows are read
// from the records on demand (step_rows.cc).
#include "job_detail/step_index.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>

#include "job_detail/detail/document_buffer.h"
#include "job_detail/detail/json_scanner.h"
#include "job_detail/detail/step_record.h"
#include "job_detail/detail/step_rows.h"
#include "job_detail/detail/step_shape_tracker.h"

namespace job_detail {

using detail::JsonEvent;
using detail::JsonEventKind;
using detail::StepRecord;
using detail::TextSpan;

const std::size_t StepIndex::kStepRecordBytes = sizeof(StepRecord);

namespace {

// Spans are 32-bit: the document may not reach 4 GiB.
constexpr std::uint64_t kMaxDocumentBytes = 0xFFFFFFFFu;

// The last serial handed out. The only state the core shares across objects: a counter, so that
// results cached per document can never mistake a new document for one that was freed.
std::atomic<std::uint64_t> last_serial{0};

Error OutOfRange() {
  return Error{ErrorCode::kInvalidArgument, std::nullopt, "step index out of range"};
}

}  // namespace

StepIndex::StepIndex(StepIndexOptions options)
    : options_(options),
      buffer_(std::make_unique<detail::DocumentBuffer>(
          std::min(options.max_bytes, kMaxDocumentBytes), options.segment_bytes)),
      scanner_(std::make_unique<detail::JsonScanner>(
          options.max_depth,
          options.strict ? detail::JsonTextRules::kStrict : detail::JsonTextRules::kLikeJsonParse)),
      tracker_(std::make_unique<detail::StepShapeTracker>(options.max_steps)),
      serial_(last_serial.fetch_add(1, std::memory_order_relaxed) + 1) {}
StepIndex::~StepIndex() = default;
StepIndex::StepIndex(StepIndex&&) noexcept = default;
StepIndex& StepIndex::operator=(StepIndex&&) noexcept = default;

std::uint64_t StepIndex::bytes_fed() const { return buffer_->size(); }

void StepIndex::Reserve(std::size_t bytes) {
  // A failed reservation is not an error: feeding grows the buffer (and reports a real shortage).
  buffer_->Reserve(bytes);
}

std::span<std::uint8_t> StepIndex::PrepareFeed(std::size_t n) {
  prepared_ = 0;
  prepared_overflow_ = false;
  if (error_ || finished_) return {};
  const std::uint64_t room = buffer_->limit() - buffer_->size();
  const std::size_t take = n <= room ? n : static_cast<std::size_t>(room);
  prepared_overflow_ = take < n;
  if (!buffer_->Fits(take)) {
    std::size_t cut = 0;
    if (!buffer_->MakeRoom(take, scanner_->earliest_needed(), tracker_->earliest_needed(), &cut)) {
      Fail(Error{ErrorCode::kTooLarge, buffer_->size(), "not enough memory for the document"});
      prepared_overflow_ = false;
      return {};
    }
    if (cut > 0) scanner_->DropPrefix(cut);
  }
  prepared_ = take;
  return buffer_->Room().first(take);
}

void StepIndex::CommitFeed(std::size_t written) {
  const std::size_t take = std::min(written, prepared_);
  const bool overflow = prepared_overflow_;
  prepared_ = 0;
  prepared_overflow_ = false;
  if (error_ || finished_) return;
  buffer_->Commit(take);
  Drain();
  if (!error_ && overflow) {
    Fail(Error{ErrorCode::kTooLarge, buffer_->limit(), "the document exceeds the maximum size"});
  }
}

void StepIndex::Feed(std::string_view bytes) {
  Feed(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

void StepIndex::Feed(std::span<const std::uint8_t> bytes) {
  const std::span<std::uint8_t> room = PrepareFeed(bytes.size());
  if (!room.empty()) std::memcpy(room.data(), bytes.data(), room.size());
  CommitFeed(room.size());
}

const std::optional<Error>& StepIndex::Finish() {
  prepared_ = 0;
  prepared_overflow_ = false;
  if (!finished_) {
    finished_ = true;
    if (!error_) {
      scanner_->EndInput();
      Drain();
    }
  }
  return error_;
}

void StepIndex::Drain() {
  const detail::DocumentView view = buffer_->CurrentView();
  for (;;) {
    JsonEvent event = scanner_->Next(buffer_->CurrentBytes());
    if (event.kind == JsonEventKind::kNeedMore || event.kind == JsonEventKind::kDone) return;
    if (event.kind == JsonEventKind::kError) {
      Error error = scanner_->error();
      if (error.offset) *error.offset += view.base;
      Fail(std::move(error));
      return;
    }
    event.begin += view.base;
    event.end += view.base;
    if (event.needs_repair) ++repaired_strings_;
    if (auto shape_error = tracker_->OnEvent(event, view, &cost_total_)) {
      Fail(std::move(*shape_error));
      return;
    }
  }
}

void StepIndex::Fail(Error error) { error_ = std::move(error); }

std::size_t StepIndex::count() const { return tracker_->records.size(); }

std::string_view StepIndex::StepJsonText(std::size_t i) const {
  if (i >= count()) return {};
  const TextSpan span = tracker_->records[i].span;
  return detail::TextOf(buffer_->ViewOf(span.offset), span);
}

std::uint64_t StepIndex::StepOffset(std::size_t i) const {
  return i < count() ? tracker_->records[i].span.offset : 0;
}

std::vector<std::span<const std::uint8_t>> StepIndex::DocumentParts() const {
  return buffer_->Parts();
}

Result<StepRow> StepIndex::Summary(std::size_t i) const {
  if (i >= count()) return OutOfRange();
  const StepRecord& record = tracker_->records[i];
  return detail::StepRowOfRecord(buffer_->ViewOf(record.span.offset), record, i);
}

Result<StepKey> StepIndex::Key(std::size_t i) const {
  if (i >= count()) return OutOfRange();
  const StepRecord& record = tracker_->records[i];
  return detail::StepKeyOfRecord(buffer_->ViewOf(record.span.offset), record, i);
}

}  // namespace job_detail
