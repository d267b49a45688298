#include "job_detail/detail/step_shape_tracker.h"

#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "job_detail/detail/ascii.h"
#include "job_detail/detail/json_text.h"
#include "job_detail/detail/short_name.h"
#include "job_detail/detail/step_rows.h"

namespace job_detail::detail {
namespace {

bool IsBegin(JsonEventKind kind) {
  return kind == JsonEventKind::kBeginObject || kind == JsonEventKind::kBeginArray;
}
bool IsEnd(JsonEventKind kind) {
  return kind == JsonEventKind::kEndObject || kind == JsonEventKind::kEndArray;
}
bool IsScalar(JsonEventKind kind) { return kind >= JsonEventKind::kString; }

TextSpan SpanOf(std::size_t begin, std::size_t end) {
  return TextSpan{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end - begin)};
}

// A member name as text: raw bytes when it has no escapes (the usual case), decoded otherwise.
std::string_view MemberName(DocumentView document, const JsonEvent& event, std::string* storage) {
  const TextSpan quoted = SpanOf(event.begin, event.end);
  const std::string_view text = TextOf(document, quoted);
  if (!event.has_escapes) return text.substr(1, text.size() - 2);
  *storage = DecodeJsonString(text).value_or(std::string());
  return *storage;
}

// `output_type` says the output is an HTML page: the string `html` in any case.
bool IsHtmlTypeName(std::string_view value_text) {
  if (value_text.size() < 2 || value_text.front() != '"') return false;
  const std::optional<std::string> decoded = DecodeJsonString(value_text);
  return decoded && EqualsIgnoreAsciiCase(*decoded, "html");
}

}  // namespace

std::optional<FieldSlot> FieldForMemberName(std::string_view name) {
  struct Entry {
    ShortName name;
    FieldSlot slot;
  };
  static constexpr Entry kEntries[] = {
      {*ShortName::Of("step_number"), {RowMember::kStepNumber, 0}},
      {*ShortName::Of("step_id"), {RowMember::kStepId, 0}},
      {*ShortName::Of("id"), {RowMember::kId, 0}},
      {*ShortName::Of("step_name"), {RowMember::kName, 0}},
      {*ShortName::Of("name"), {RowMember::kName, 1}},
      {*ShortName::Of("status"), {RowMember::kStatus, 0}},
      {*ShortName::Of("started_at"), {RowMember::kStartedAt, 0}},
      {*ShortName::Of("start_time"), {RowMember::kStartedAt, 1}},
      {*ShortName::Of("completed_at"), {RowMember::kCompletedAt, 0}},
      {*ShortName::Of("ended_at"), {RowMember::kCompletedAt, 1}},
      {*ShortName::Of("end_time"), {RowMember::kCompletedAt, 2}},
      {*ShortName::Of("duration_ms"), {RowMember::kDurationMs, 0}},
      {*ShortName::Of("model"), {RowMember::kModel, 0}},
      {*ShortName::Of("input_tokens"), {RowMember::kInputTokens, 0}},
      {*ShortName::Of("output_tokens"), {RowMember::kOutputTokens, 0}},
      {*ShortName::Of("total_tokens"), {RowMember::kTotalTokens, 0}},
      {*ShortName::Of("cost_usd"), {RowMember::kCostUsd, 0}},
      {*ShortName::Of("output"), {RowMember::kOutput, 0}},
      {*ShortName::Of("output_type"), {RowMember::kOutputType, 0}},
  };
  const std::optional<ShortName> packed = ShortName::Of(name);
  if (!packed) return std::nullopt;
  for (const Entry& entry : kEntries) {
    if (entry.name == *packed) return entry.slot;
  }
  return std::nullopt;
}

std::size_t StepShapeTracker::earliest_needed() const {
  return in_step_ ? current_.span.offset : std::numeric_limits<std::size_t>::max();
}

std::optional<Error> StepShapeTracker::OnEvent(const JsonEvent& event, DocumentView document,
                                               CostTotal* total) {
  const JsonEventKind kind = event.kind;
  if (event.depth == 0) return OnTopLevel(event);
  if (in_steps_) {
    if (event.depth == element_depth_ - 1) {
      in_steps_ = false;  // the steps array's closing bracket
      return std::nullopt;
    }
    if (event.depth == element_depth_) {
      // The step limit: a typed error at the first byte of the one too many (a record is added
      // when its step ends, so check before any of it is read).
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
          return Error{
              ErrorCode::kTooLarge, current_.span.offset,
              "out of memory for the step list after " + std::to_string(records.size()) + " steps"};
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

std::optional<Error> StepShapeTracker::OnTopLevel(const JsonEvent& event) {
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

std::optional<Error> StepShapeTracker::OnRootMember(const JsonEvent& event, DocumentView document,
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
    return ShapeError(
        event.begin, execution_steps ? "execution_steps is not an array" : "steps is not an array");
  }
  // The last `execution_steps` wins, else the last `steps`: restart on a later one.
  records.clear();
  *total = CostTotal();
  seen_execution_steps_ = seen_execution_steps_ || execution_steps;
  StartSteps(2);
  return std::nullopt;
}

void StepShapeTracker::OnStepMember(const JsonEvent& event, DocumentView document) {
  const JsonEventKind kind = event.kind;
  if (kind == JsonEventKind::kKey) {
    std::string storage;
    const auto slot = FieldForMemberName(MemberName(document, event, &storage));
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
  if (pending_field_ == static_cast<std::uint8_t>(RowMember::kOutputType)) {
    // A later duplicate wins, as in a decoded object.
    current_.output_declared_html =
        IsHtmlTypeName(TextOf(document, SpanOf(event.begin, event.end)));
  } else if (pending_field_ != kNoField) {
    SetField(pending_field_, pending_rank_, event.begin, event.end);
  }
  pending_field_ = kNoField;
}

bool StepShapeTracker::TakesRank(RowMember field, std::uint8_t rank) {
  const std::uint8_t* held = RankSlot(field);
  return held == nullptr || rank <= *held;
}

void StepShapeTracker::SetField(std::uint8_t field, std::uint8_t rank, std::size_t begin,
                                std::size_t end) {
  if (field >= kStepFieldCount) return;  // flags are read at their value (OnStepMember)
  current_.fields[field] = SpanOf(begin, end);
  if (std::uint8_t* held = RankSlot(static_cast<RowMember>(field))) *held = rank;
}

void StepShapeTracker::StartSteps(std::uint32_t element_depth) {
  in_steps_ = true;
  found_steps_ = true;
  element_depth_ = element_depth;
}

Error StepShapeTracker::ShapeError(std::size_t offset, const char* message) {
  return Error{ErrorCode::kUnexpectedShape, offset, message};
}

std::uint8_t* StepShapeTracker::RankSlot(RowMember field) {
  switch (field) {
    case RowMember::kName:
      return &current_.name_rank;
    case RowMember::kStartedAt:
      return &current_.started_rank;
    case RowMember::kCompletedAt:
      return &current_.completed_rank;
    default:
      return nullptr;
  }
}

}  // namespace job_detail::detail
