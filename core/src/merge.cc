#include "job_detail/merge.h"

#include <algorithm>

#include "job_detail/detail/merge_order.h"
#include "job_detail/detail/stable_sort.h"
#include "job_detail/detail/step_key_table.h"

namespace job_detail {
namespace {

void AppendAll(const std::vector<StepKey>& keys, StepOrigin origin, std::vector<MergedEntry>& out) {
  for (std::size_t i = 0; i < keys.size(); ++i) out.push_back({origin, i, keys[i]});
}

void SortByStepNumberWhenAllHaveOne(std::vector<MergedEntry>& entries) {
  const bool all_numbered = std::all_of(entries.begin(), entries.end(), [](const MergedEntry& e) {
    return e.key.kind == StepKeyKind::kStepNumber;
  });
  if (!all_numbered) return;
  // S3 entries come first here, so ranking S3 before DynamoDB among equal numbers is what a
  // stable sort by number alone would give.
  detail::StableSort(entries, detail::StepNumberOrder{});
}

}  // namespace

MergedList MergeSteps(const DynamoDbSteps& dynamodb, const S3Outcome& s3) {
  MergedList merged;
  switch (s3.kind) {
    case S3Outcome::Kind::kSteps: {
      merged.source = StepsSource::kS3;
      merged.complete = true;
      merged.entries.reserve(s3.keys.size() + dynamodb.keys.size());
      AppendAll(s3.keys, StepOrigin::kS3, merged.entries);
      const detail::StepKeyTable in_s3(s3.keys);
      for (std::size_t i = 0; i < dynamodb.keys.size(); ++i) {
        if (in_s3.Find(s3.keys, dynamodb.keys[i]) == detail::StepKeyTable::kNone) {
          merged.entries.push_back({StepOrigin::kDynamoDb, i, dynamodb.keys[i]});
        }
      }
      break;
    }
    case S3Outcome::Kind::kFailure:
      merged.source = StepsSource::kDynamoDbFallback;
      merged.complete = false;
      merged.reason = s3.reason;
      AppendAll(dynamodb.keys, StepOrigin::kDynamoDb, merged.entries);
      break;
    case S3Outcome::Kind::kNotRequested:
      if (dynamodb.has_s3_key && !dynamodb.has_s3_url) {
        merged.source = StepsSource::kDynamoDbFallback;
        merged.reason = ErrorCode::kS3UrlMissing;
      } else {
        merged.source = StepsSource::kDynamoDb;
      }
      merged.complete = !dynamodb.has_s3_key;
      AppendAll(dynamodb.keys, StepOrigin::kDynamoDb, merged.entries);
      break;
  }
  SortByStepNumberWhenAllHaveOne(merged.entries);
  return merged;
}

MergedList MergeSteps(const Job& job, const S3Outcome& s3) {
  return MergeSteps(DynamoDbSteps{job.step_keys, job.s3_key.has_value(), job.s3_url.has_value()},
                    s3);
}

}  // namespace job_detail
