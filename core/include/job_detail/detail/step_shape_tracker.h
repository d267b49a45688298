// The step index's shape tracking: follows the scanner's tokens to find the steps array (a
// top-level array, or the `execution_steps`, else `steps`, member of a top-level object; a later
// one restarts the list), each step's byte span and the spans of the members a row needs, and
// reports a document of any other shape at the byte where that became certain.
#ifndef JOB_DETAIL_DETAIL_STEP_SHAPE_TRACKER_H_
#define JOB_DETAIL_DETAIL_STEP_SHAPE_TRACKER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "job_detail/cost.h"
#include "job_detail/detail/document_buffer.h"
#include "job_detail/detail/growable_array.h"
#include "job_detail/detail/json_scanner.h"
#include "job_detail/detail/step_record.h"
#include "job_detail/error.h"

namespace job_detail::detail {

class StepShapeTracker {
 public:
  explicit StepShapeTracker(std::uint64_t max_steps) : max_steps_(max_steps) {}

  // Grown through realloc: memory that runs out is a kTooLarge error, never an abort.
  GrowableArray<StepRecord> records;

  // The first byte the tracker may still read: the start of the step being indexed (its members
  // are read when it ends), else nothing (max).
  std::size_t earliest_needed() const;

  // An error when the document's shape is wrong.
  std::optional<Error> OnEvent(const JsonEvent& event, DocumentView document, CostTotal* total);

 private:
  std::optional<Error> OnTopLevel(const JsonEvent& event);

  std::optional<Error> OnRootMember(const JsonEvent& event, DocumentView document,
                                    CostTotal* total);

  void OnStepMember(const JsonEvent& event, DocumentView document);

  // A member with a better (lower) or equal rank replaces the held one: the last duplicate wins.
  bool TakesRank(RowMember field, std::uint8_t rank);
  std::uint8_t* RankSlot(RowMember field);
  void SetField(std::uint8_t field, std::uint8_t rank, std::size_t begin, std::size_t end);

  void StartSteps(std::uint32_t element_depth);

  static Error ShapeError(std::size_t offset, const char* message);

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
  static constexpr std::uint8_t kNoField = 0xFF;

  std::uint8_t pending_field_ = kNoField;
  std::uint8_t pending_rank_ = 0;
  std::uint8_t open_field_ = kNoField;
  std::uint8_t open_rank_ = 0;
  std::size_t open_begin_ = 0;
  std::uint64_t max_steps_;
};

}  // namespace job_detail::detail

#endif  // JOB_DETAIL_DETAIL_STEP_SHAPE_TRACKER_H_
