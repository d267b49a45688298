#include "job_detail/detail/shown_list.h"

#include <cstddef>
#include <memory>

#include "job_detail/cost.h"

namespace job_detail::detail {
namespace {

bool MixesOrigins(const MergedList& list) {
  bool s3 = false;
  bool dynamodb = false;
  for (const MergedEntry& entry : list.entries) {
    (entry.origin == StepOrigin::kS3 ? s3 : dynamodb) = true;
    if (s3 && dynamodb) return true;
  }
  return false;
}

StepsInfo MakeStepsInfo(const MergedList& list, const CostTotal& total, bool streaming,
                        const StepIndex* index) {
  StepsInfo steps;
  steps.source = list.source;
  steps.complete = list.complete;
  steps.reason = list.reason;
  steps.streaming = streaming;
  steps.count = list.entries.size();
  steps.total_cost_usd = total.canonical();
  steps.total_cost_display = total.display();
  steps.no_cost = total.no_cost();
  steps.invalid_cost = total.invalid_cost();
  steps.mixes_origins = MixesOrigins(list);
  if (index != nullptr && list.source == StepsSource::kS3) {
    steps.repaired_strings = index->repaired_strings();
  }
  return steps;
}

// The list's summary. Totals: the S3 document's running total plus the DynamoDB-only entries.
StepsInfo SummarizeMerged(const MergedList& list, const Job& job, const StepIndex* index) {
  CostTotal total;
  if (index != nullptr && list.source == StepsSource::kS3) total = index->cost_total();
  for (const MergedEntry& entry : list.entries) {
    if (entry.origin == StepOrigin::kDynamoDb && entry.index < job.step_costs.size()) {
      total.Add(job.step_costs[entry.index]);
    }
  }
  return MakeStepsInfo(list, total, /*streaming=*/false, index);
}

// While the first S3 document downloads: its steps so far plus the DynamoDB steps it has not
// matched yet. O(DynamoDB steps): the S3 side's total is the index's running one.
StepsInfo SummarizeStream(const ReceivedSteps& stream, const Job& job) {
  CostTotal total = stream.index->cost_total();
  for (std::size_t i : stream.merge->UnmatchedDynamoDb()) {
    if (i < job.step_costs.size()) total.Add(job.step_costs[i]);
  }
  return MakeStepsInfo(stream.merge->list(), total, /*streaming=*/true, stream.index.get());
}

S3Outcome OutcomeOf(const JobState& s) {
  switch (s.steps_phase) {
    case StepsPhase::kNotRequested:
    case StepsPhase::kPending:
      return S3Outcome::NotRequested();
    case StepsPhase::kLoaded:
      // kLoaded always comes with an index; stay safe if that ever changes.
      return s.loaded.index ? S3Outcome::Steps(s.loaded.keys) : S3Outcome{};
    case StepsPhase::kFailed:
      return S3Outcome::Failure(s.steps_error ? s.steps_error->code : ErrorCode::kNetwork);
  }
  return S3Outcome{};
}

}  // namespace

void RecomputeShownList(JobState& s) {
  s.shown.stale = false;
  if (!s.job) {
    s.shown.merged.reset();
    s.shown.summary.reset();
    return;
  }
  if (const ReceivedSteps* stream = s.ShownStream()) {
    s.shown.merged.reset();
    s.shown.summary = SummarizeStream(*stream, *s.job);
    return;
  }
  s.shown.merged = std::make_unique<MergedList>(MergeSteps(*s.job, OutcomeOf(s)));
  s.shown.summary = SummarizeMerged(*s.shown.merged, *s.job, s.loaded.index.get());
}

const MergedList* ShownMergedList(const JobState& s) {
  if (!s.job) return nullptr;
  const ReceivedSteps* stream = s.ShownStream();
  return stream != nullptr ? &stream->merge->list() : s.shown.merged.get();
}

const StepIndex* ShownStepIndex(const JobState& s) {
  const ReceivedSteps* stream = s.ShownStream();
  return stream != nullptr ? stream->index.get() : s.loaded.index.get();
}

}  // namespace job_detail::detail
