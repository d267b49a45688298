#include "job_detail/step_index.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "job_detail/detail/growable_array.h"
#include "job_detail/detail/json_scanner.h"
#include "job_detail/detail/json_text.h"
#include "job_detail/detail/step_record.h"
#include "job_detail/step_output.h"

namespace job_detail {

using detail::JsonEvent;
using detail::JsonEventKind;
using detail::StepField;
using detail::StepRecord;
using detail::TextSpan;

const std::size_t StepIndex::kStepRecordBytes = sizeof(StepRecord);

namespace {

// Spans are 32-bit: the document may not reach 4 GiB.
constexpr std::uint64_t kMaxDocumentBytes = 0xFFFFFFFFu;
constexpr std::uint8_t kNoField = 0xFF;
// The smallest growth of the document buffer when no size hint was given.
constexpr std::uint64_t kMinGrowthBytes = 64 * 1024;

bool IsBegin(JsonEventKind kind) {
  return kind == JsonEventKind::kBeginObject || kind == JsonEventKind::kBeginArray;
}
bool IsEnd(JsonEventKind kind) {
  return kind == JsonEventKind::kEndObject || kind == JsonEventKind::kEndArray;
}
bool IsScalar(JsonEventKind kind) { return kind >= JsonEventKind::kString; }

// The most bytes a document may have: max_bytes, within what 32-bit spans can address.
std::uint64_t DocumentLimit(const StepIndexOptions& options) {
  return std::min(options.max_bytes, kMaxDocumentBytes);
}

TextSpan SpanOf(std::size_t begin, std::size_t end) {
  return TextSpan{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end - begin)};
}

}  // namespace

namespace detail {
// One segment of the document: its bytes and the offset of its first byte (spans are absolute).
struct DocumentView {
  const std::uint8_t* data;
  std::size_t base;
  const std::uint8_t* At(std::size_t offset) const { return data + (offset - base); }
};
}  // namespace detail

namespace {

using detail::DocumentView;

std::string_view TextOf(DocumentView document, TextSpan span) {
  return std::string_view(reinterpret_cast<const char*>(document.At(span.offset)), span.length);
}

std::optional<std::string_view> FieldText(DocumentView document, const StepRecord& record,
                                          StepField field) {
  const TextSpan span = record.fields[static_cast<std::size_t>(field)];
  if (span.length == 0) return std::nullopt;
  return TextOf(document, span);
}

// A string member's decoded content or a number member's text; nullopt for anything else.
std::optional<std::string> ScalarText(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  const char first = text->front();
  if (first == '"') return detail::DecodeJsonString(*text);
  if (first == '-' || (first >= '0' && first <= '9')) return std::string(*text);
  return std::nullopt;
}

std::optional<std::uint64_t> TokenCount(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  std::uint64_t value = 0;
  const char* const end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

Cost StepCost(DocumentView document, const StepRecord& record) {
  if (!record.is_object) return Cost::Invalid();
  const auto text = FieldText(document, record, StepField::kCostUsd);
  return text ? ParseCostJsonText(*text) : Cost::None();
}

// A member name as text: raw bytes when it has no escapes (the usual case), decoded otherwise.
std::string_view MemberName(DocumentView document, const JsonEvent& event, std::string* storage) {
  const TextSpan quoted = SpanOf(event.begin, event.end);
  const std::string_view text = TextOf(document, quoted);
  if (!event.has_escapes) return text.substr(1, text.size() - 2);
  *storage = detail::DecodeJsonString(text).value_or(std::string());
  return *storage;
}

}  // namespace

namespace detail {

std::optional<FieldSlot> FieldForMemberName(std::string_view name) {
  struct Entry {
    std::string_view name;
    FieldSlot slot;
  };
  static constexpr Entry kEntries[] = {
      {"step_number", {StepField::kStepNumber, 0}},
      {"step_id", {StepField::kStepId, 0}},
      {"id", {StepField::kId, 0}},
      {"step_name", {StepField::kName, 0}},
      {"name", {StepField::kName, 1}},
      {"status", {StepField::kStatus, 0}},
      {"started_at", {StepField::kStartedAt, 0}},
      {"start_time", {StepField::kStartedAt, 1}},
      {"completed_at", {StepField::kCompletedAt, 0}},
      {"ended_at", {StepField::kCompletedAt, 1}},
      {"end_time", {StepField::kCompletedAt, 2}},
      {"duration_ms", {StepField::kDurationMs, 0}},
      {"model", {StepField::kModel, 0}},
      {"input_tokens", {StepField::kInputTokens, 0}},
      {"output_tokens", {StepField::kOutputTokens, 0}},
      {"total_tokens", {StepField::kTotalTokens, 0}},
      {"cost_usd", {StepField::kCostUsd, 0}},
      {"output", {StepField::kOutput, 0}},
  };
  for (const Entry& entry : kEntries) {
    if (entry.name == name) return entry.slot;
  }
  return std::nullopt;
}

}  // namespace detail

// Follows the scanner's tokens to find the steps array, each step and its row members.
class StepIndex::Tracker {
 public:
  explicit Tracker(std::uint64_t max_steps) : max_steps_(max_steps) {}

  detail::GrowableArray<StepRecord> records;

  // The first byte the tracker may still read: the start of the step being indexed (its members
  // are read when it ends), else nothing (max).
  std::size_t earliest_needed() const {
    return in_step_ ? current_.span.offset : std::numeric_limits<std::size_t>::max();
  }

  // An error when the document's shape is wrong.
  std::optional<Error> OnEvent(const JsonEvent& event, DocumentView document, CostTotal* total) {
    const JsonEventKind kind = event.kind;
    if (event.depth == 0) return OnTopLevel(event);
    if (in_steps_) {
      if (event.depth == element_depth_ - 1) {
        in_steps_ = false;  // the steps array's closing bracket
        return std::nullopt;
      }
      if (event.depth == element_depth_) {
        // The step limit and memory for its record: a typed error at the step's first byte
        // (the record is only added at its end, so check before any of it is read).
        if (!IsEnd(kind) && records.size() >= max_steps_) {
          return Error{ErrorCode::kTooLarge, event.begin,
                       "more than " + std::to_string(max_steps_) + " steps"};
        }
        if (IsBegin(kind)) {
          in_step_ = true;
          current_ = StepRecord{};
          current_.span.offset = static_cast<std::uint32_t>(event.begin);
          current_.is_object = kind == JsonEventKind::kBeginObject;
          pending_field_ = kNoField;
          open_field_ = kNoField;
        } else {
          if (IsScalar(kind)) {
            current_ = StepRecord{};
            current_.span.offset = static_cast<std::uint32_t>(event.begin);
          }
          in_step_ = false;
          current_.span.length = static_cast<std::uint32_t>(event.end - current_.span.offset);
          if (!records.PushBack(current_)) {
            return Error{ErrorCode::kTooLarge, current_.span.offset,
                         "out of memory for the step list after " + std::to_string(records.size()) +
                             " steps"};
          }
          total->Add(StepCost(document, current_));
        }
        return std::nullopt;
      }
      if (current_.is_object && event.depth == element_depth_ + 1) OnStepMember(event, document);
      return std::nullopt;
    }
    if (root_object_ && event.depth == 1) return OnRootMember(event, document, total);
    return std::nullopt;
  }

 private:
  std::optional<Error> OnTopLevel(const JsonEvent& event) {
    if (event.kind == JsonEventKind::kBeginArray) {
      StartSteps(1);
      return std::nullopt;
    }
    if (event.kind == JsonEventKind::kBeginObject) {
      root_object_ = true;
      return std::nullopt;
    }
    if (event.kind == JsonEventKind::kEndObject && !found_steps_) {
      return ShapeError(event.begin, "the object has no execution_steps or steps array");
    }
    if (IsEnd(event.kind)) return std::nullopt;
    return ShapeError(event.begin,
                      "expected an array of steps or an object with execution_steps or steps");
  }

  std::optional<Error> OnRootMember(const JsonEvent& event, DocumentView document,
                                    CostTotal* total) {
    if (event.kind == JsonEventKind::kKey) {
      std::string storage;
      const std::string_view name = MemberName(document, event, &storage);
      pending_key_ = PendingKey::kNone;
      if (name == "execution_steps") pending_key_ = PendingKey::kExecutionSteps;
      if (name == "steps" && !seen_execution_steps_) pending_key_ = PendingKey::kSteps;
      return std::nullopt;
    }
    if (pending_key_ == PendingKey::kNone || IsEnd(event.kind)) return std::nullopt;
    const bool execution_steps = pending_key_ == PendingKey::kExecutionSteps;
    pending_key_ = PendingKey::kNone;
    if (event.kind != JsonEventKind::kBeginArray) {
      return ShapeError(event.begin, execution_steps ? "execution_steps is not an array"
                                                     : "steps is not an array");
    }
    // The last `execution_steps` wins, else the last `steps`: restart on a later one.
    records.clear();
    *total = CostTotal();
    seen_execution_steps_ = seen_execution_steps_ || execution_steps;
    StartSteps(2);
    return std::nullopt;
  }

  void OnStepMember(const JsonEvent& event, DocumentView document) {
    const JsonEventKind kind = event.kind;
    if (kind == JsonEventKind::kKey) {
      std::string storage;
      const auto slot = detail::FieldForMemberName(MemberName(document, event, &storage));
      pending_field_ = kNoField;
      if (slot && TakesRank(slot->field, slot->rank)) {
        pending_field_ = static_cast<std::uint8_t>(slot->field);
        pending_rank_ = slot->rank;
      }
      return;
    }
    if (IsBegin(kind)) {
      open_field_ = pending_field_;
      open_rank_ = pending_rank_;
      open_begin_ = event.begin;
      pending_field_ = kNoField;
      return;
    }
    if (IsEnd(kind)) {
      if (open_field_ != kNoField) SetField(open_field_, open_rank_, open_begin_, event.end);
      open_field_ = kNoField;
      return;
    }
    if (pending_field_ != kNoField) SetField(pending_field_, pending_rank_, event.begin, event.end);
    pending_field_ = kNoField;
  }

  // A member with a better (lower) or equal rank replaces the held one: the last duplicate wins.
  bool TakesRank(StepField field, std::uint8_t rank) {
    const std::uint8_t* held = RankSlot(field);
    return held == nullptr || rank <= *held;
  }
  std::uint8_t* RankSlot(StepField field) {
    switch (field) {
      case StepField::kName:
        return &current_.name_rank;
      case StepField::kStartedAt:
        return &current_.started_rank;
      case StepField::kCompletedAt:
        return &current_.completed_rank;
      default:
        return nullptr;
    }
  }
  void SetField(std::uint8_t field, std::uint8_t rank, std::size_t begin, std::size_t end) {
    current_.fields[field] = SpanOf(begin, end);
    if (std::uint8_t* held = RankSlot(static_cast<StepField>(field))) *held = rank;
  }

  void StartSteps(std::uint32_t element_depth) {
    in_steps_ = true;
    found_steps_ = true;
    element_depth_ = element_depth;
  }

  static Error ShapeError(std::size_t offset, const char* message) {
    return Error{ErrorCode::kUnexpectedShape, offset, message};
  }

  enum class PendingKey : std::uint8_t { kNone, kSteps, kExecutionSteps };

  bool root_object_ = false;
  bool found_steps_ = false;
  bool seen_execution_steps_ = false;
  bool in_steps_ = false;
  bool in_step_ = false;  // inside a container step of the steps array
  PendingKey pending_key_ = PendingKey::kNone;
  std::uint32_t element_depth_ = 0;  // depth of the steps array's elements
  StepRecord current_;
  // The member whose value comes next (a key was just seen) and the container member being read.
  std::uint8_t pending_field_ = kNoField;
  std::uint8_t pending_rank_ = 0;
  std::uint8_t open_field_ = kNoField;
  std::uint8_t open_rank_ = 0;
  std::size_t open_begin_ = 0;
  std::uint64_t max_steps_;
};

StepIndex::StepIndex(StepIndexOptions options)
    : options_(options),
      scanner_(std::make_unique<detail::JsonScanner>(
          options.max_depth,
          options.strict ? detail::JsonTextRules::kStrict : detail::JsonTextRules::kLikeJsonParse)),
      tracker_(std::make_unique<Tracker>(options.max_steps)) {}
StepIndex::~StepIndex() = default;
StepIndex::StepIndex(StepIndex&&) noexcept = default;
StepIndex& StepIndex::operator=(StepIndex&&) noexcept = default;

void StepIndex::FreeDeleter::operator()(std::uint8_t* p) const { std::free(p); }

bool StepIndex::Grow(std::size_t bytes) {
  if (bytes <= capacity_) return true;
  void* grown = std::realloc(buffer_.get(), bytes);
  if (grown == nullptr) return false;
  buffer_.release();  // realloc freed or kept it; `grown` is the buffer now
  buffer_.reset(static_cast<std::uint8_t*>(grown));
  capacity_ = bytes;
  return true;
}

bool StepIndex::MakeRoom(std::size_t take) {
  const std::size_t used = size_ - base_;
  // A new segment from the first byte still needed (the step being indexed, or the token being
  // scanned): the finished steps stay where they are, so memory stays near the document's size
  // without a size hint. Only when that start is in this segment and the carried tail is small.
  const std::size_t keep = std::min(scanner_->earliest_needed(), used);
  const std::size_t step = tracker_->earliest_needed();
  const std::size_t cut = step >= base_ ? std::min(keep, step - base_) : 0;
  const std::size_t tail = used - cut;
  if (options_.segment_bytes > 0 && capacity_ >= options_.segment_bytes && cut > 0 &&
      tail <= capacity_ / 2) {
    const std::size_t capacity = std::max(options_.segment_bytes, tail + take);
    std::unique_ptr<std::uint8_t, FreeDeleter> next(
        static_cast<std::uint8_t*>(std::malloc(capacity)));
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
      scanner_->DropPrefix(cut);
      return true;
    }
  }
  // Without a size hint grow by 1.25x: the peak stays nearer the document's size than doubling,
  // and the extra copies are few.
  const std::uint64_t limit = DocumentLimit(options_);
  const std::size_t needed = used + take;
  const std::uint64_t growth = std::max<std::uint64_t>(capacity_ / 4, kMinGrowthBytes);
  std::uint64_t target = std::min<std::uint64_t>(capacity_ + growth, limit);
  if (capacity_ < options_.segment_bytes)
    target = std::min<std::uint64_t>(target, options_.segment_bytes);
  return Grow(std::max(needed, static_cast<std::size_t>(target))) || Grow(needed);
}

DocumentView StepIndex::CurrentView() const { return {buffer_.get(), base_}; }

std::span<const std::uint8_t> StepIndex::CurrentBytes() const {
  return {buffer_.get(), size_ - base_};
}

DocumentView StepIndex::ViewOf(std::size_t offset) const {
  if (offset >= base_) return CurrentView();
  // The last sealed segment starting at or before `offset`.
  const auto after = std::upper_bound(
      sealed_.begin(), sealed_.end(), offset,
      [](std::size_t value, const Segment& segment) { return value < segment.base; });
  const Segment& segment = *(after - 1);
  return {segment.bytes.get(), segment.base};
}

void StepIndex::Reserve(std::size_t bytes) {
  const std::uint64_t limit = DocumentLimit(options_);
  // A failed reservation is not an error: feeding grows the buffer (and reports a real shortage).
  const std::uint64_t total = std::min<std::uint64_t>(bytes, limit);
  if (total > base_) Grow(static_cast<std::size_t>(total - base_));
}

std::span<std::uint8_t> StepIndex::PrepareFeed(std::size_t n) {
  prepared_ = 0;
  prepared_overflow_ = false;
  if (error_ || finished_) return {};
  const std::uint64_t limit = DocumentLimit(options_);
  const std::uint64_t room = limit - size_;
  const std::size_t take = n <= room ? n : static_cast<std::size_t>(room);
  prepared_overflow_ = take < n;
  if (size_ - base_ + take > capacity_ && !MakeRoom(take)) {
    Fail(Error{ErrorCode::kTooLarge, size_, "not enough memory for the document"});
    prepared_overflow_ = false;
    return {};
  }
  prepared_ = take;
  return {buffer_.get() + (size_ - base_), take};
}

void StepIndex::CommitFeed(std::size_t written) {
  const std::size_t take = std::min(written, prepared_);
  const bool overflow = prepared_overflow_;
  prepared_ = 0;
  prepared_overflow_ = false;
  if (error_ || finished_) return;
  size_ += take;
  Drain();
  if (!error_ && overflow) {
    const std::uint64_t limit = DocumentLimit(options_);
    Fail(Error{ErrorCode::kTooLarge, limit, "the document exceeds the maximum size"});
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
  for (;;) {
    JsonEvent event = scanner_->Next(CurrentBytes());
    if (event.kind == JsonEventKind::kNeedMore || event.kind == JsonEventKind::kDone) return;
    if (event.kind == JsonEventKind::kError) {
      Error error = scanner_->error();
      if (error.offset) *error.offset += base_;
      Fail(std::move(error));
      return;
    }
    event.begin += base_;
    event.end += base_;
    if (event.needs_repair) ++repaired_strings_;
    if (auto shape_error = tracker_->OnEvent(event, CurrentView(), &cost_total_)) {
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
  return TextOf(ViewOf(span.offset), span);
}

Result<StepSummary> StepIndex::Summary(std::size_t i) const {
  if (i >= count())
    return Error{ErrorCode::kInvalidArgument, std::nullopt, "step index out of range"};
  const StepRecord& record = tracker_->records[i];
  StepSummary summary;
  summary.index = i;
  summary.is_object = record.is_object;
  summary.begin = record.span.offset;
  summary.end = static_cast<std::uint64_t>(record.span.offset) + record.span.length;
  const DocumentView document = ViewOf(record.span.offset);
  summary.cost = StepCost(document, record);
  if (!record.is_object) {
    summary.problem = "step is not a JSON object";
    summary.key = Key(i).value();  // i < count()
    return summary;
  }
  auto field = [&](StepField f) { return FieldText(document, record, f); };
  summary.key = Key(i).value();  // i < count()
  summary.step_number = ScalarText(field(StepField::kStepNumber));
  summary.name = ScalarText(field(StepField::kName));
  summary.status = ScalarText(field(StepField::kStatus));
  summary.started_at = ScalarText(field(StepField::kStartedAt));
  summary.completed_at = ScalarText(field(StepField::kCompletedAt));
  summary.duration_ms = ScalarText(field(StepField::kDurationMs));
  summary.model = ScalarText(field(StepField::kModel));
  summary.input_tokens = TokenCount(field(StepField::kInputTokens));
  summary.output_tokens = TokenCount(field(StepField::kOutputTokens));
  summary.total_tokens = TokenCount(field(StepField::kTotalTokens));
  if (const auto output = field(StepField::kOutput); output && output->front() == '"') {
    const OutputFacts facts = OutputFactsFromJsonString(*output);
    summary.output_chars = facts.chars;
    summary.output_truncated_legacy = facts.truncated_legacy;
  }
  return summary;
}

Result<StepKey> StepIndex::Key(std::size_t i) const {
  if (i >= count())
    return Error{ErrorCode::kInvalidArgument, std::nullopt, "step index out of range"};
  const StepRecord& record = tracker_->records[i];
  if (!record.is_object) return StepKeyFromJsonText(std::nullopt, std::nullopt, std::nullopt, i);
  const DocumentView document = ViewOf(record.span.offset);
  auto field = [&](StepField f) { return FieldText(document, record, f); };
  return StepKeyFromJsonText(field(StepField::kStepNumber), field(StepField::kStepId),
                             field(StepField::kId), i);
}

Result<nlohmann::json> StepIndex::Step(std::size_t i) const {
  if (i >= count())
    return Error{ErrorCode::kInvalidArgument, std::nullopt, "step index out of range"};
  const TextSpan span = tracker_->records[i].span;
  const std::uint8_t* const begin = ViewOf(span.offset).At(span.offset);
  // nlohmann decodes RFC 8259 with well-formed UTF-8 only, and with exceptions off it aborts on a
  // number beyond double: what the default rules accept beyond that is refused here with a typed
  // error (StepJsonText has the step whole, for a decoder that reads it as JSON.parse does).
  if (!options_.strict && !detail::IsStrictJsonValue(StepJsonText(i), options_.max_depth)) {
    return Error{ErrorCode::kInvalidJson, span.offset,
                 "the step holds ill-formed UTF-8, a lone surrogate or a number beyond double, "
                 "which this decoder does not read; use its JSON text"};
  }
  // Non-throwing parse; the span was validated (grammar, UTF-8, depth, finite numbers) already,
  // and nlohmann parses iteratively, so a deep step cannot overflow the stack.
  nlohmann::json step = nlohmann::json::parse(begin, begin + span.length, nullptr, false);
  if (step.is_discarded()) {
    return Error{ErrorCode::kInvalidJson, span.offset, "step could not be decoded"};
  }
  return step;
}

}  // namespace job_detail
