// StreamingMerge against MergeSteps (the batch merge) on random lists: after every Append, the
// streaming list's entries must equal the batch merge of the S3 keys appended so far.
#include "job_detail/detail/streaming_merge.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "job_detail/merge.h"

namespace job_detail::detail {
namespace {

// Keys drawn from small ranges so that matches, repeats and mixed kinds are common.
StepKey RandomKey(std::mt19937_64& rng, std::size_t position) {
  switch (rng() % 6) {
    case 0:
      return StepKey{StepKeyKind::kId, 0, "id" + std::to_string(rng() % 8)};
    case 1:
      return StepKey{StepKeyKind::kPosition, static_cast<std::int64_t>(position), {}};
    default:
      return StepKey{StepKeyKind::kStepNumber, static_cast<std::int64_t>(rng() % 12) - 2, {}};
  }
}

// Lists where every key is a step number more often than not: the sorted path needs them.
std::vector<StepKey> RandomKeys(std::mt19937_64& rng, bool numbers_only) {
  std::vector<StepKey> keys(rng() % 9);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    keys[i] = numbers_only
                  ? StepKey{StepKeyKind::kStepNumber, static_cast<std::int64_t>(rng() % 12), {}}
                  : RandomKey(rng, i);
  }
  return keys;
}

std::string Describe(const MergedList& list) {
  std::string out;
  for (const MergedEntry& e : list.entries) {
    out += std::string(StepOriginName(e.origin)) + ":" + std::to_string(e.index) + ":" +
           StepKeyToString(e.key) + " ";
  }
  return out;
}

TEST(StreamingMergeTest, EqualsTheBatchMergeAfterEveryAppend) {
  std::mt19937_64 rng(20261202);  // fixed: a failure names the round, and reruns reproduce it
  for (int round = 0; round < 3000; ++round) {
    const bool numbers_only = rng() % 2 == 0;
    const std::vector<StepKey> dynamodb = RandomKeys(rng, numbers_only);
    const std::vector<StepKey> s3 = RandomKeys(rng, numbers_only && rng() % 4 != 0);
    StreamingMerge streaming(dynamodb);
    std::vector<StepKey> appended;
    for (const StepKey& key : s3) {
      streaming.Append(key);
      appended.push_back(key);
      const MergedList batch =
          MergeSteps(DynamoDbSteps{dynamodb, true, true}, S3Outcome::Steps(appended));
      ASSERT_EQ(Describe(streaming.list()), Describe(batch))
          << "round " << round << " after " << appended.size() << " S3 steps";
      EXPECT_EQ(streaming.s3_count(), appended.size());
    }
  }
}

TEST(StreamingMergeTest, UnmatchedDynamoDbStepsAreThoseNoS3StepHasYet) {
  const StepKey one{StepKeyKind::kStepNumber, 1, {}};
  const StepKey two{StepKeyKind::kStepNumber, 2, {}};
  const StepKey three{StepKeyKind::kStepNumber, 3, {}};
  StreamingMerge streaming({one, two, three});
  EXPECT_EQ(streaming.UnmatchedDynamoDb(), (std::vector<std::size_t>{0, 1, 2}));
  streaming.Append(two);
  EXPECT_EQ(streaming.UnmatchedDynamoDb(), (std::vector<std::size_t>{0, 2}));
  streaming.Append(three);
  streaming.Append(one);
  EXPECT_TRUE(streaming.UnmatchedDynamoDb().empty());
  EXPECT_EQ(streaming.list().entries.size(), 3u);
}

}  // namespace
}  // namespace job_detail::detail
