#include "job_detail/merge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace job_detail {
namespace {

StepKey Number(std::int64_t n) { return {StepKeyKind::kStepNumber, n, {}}; }
StepKey Id(std::string id) { return {StepKeyKind::kId, 0, std::move(id)}; }
StepKey Position(std::int64_t p) { return {StepKeyKind::kPosition, p, {}}; }

// "s3:0:3" per entry: origin, index into its source, key.
std::vector<std::string> Describe(const MergedList& merged) {
  std::vector<std::string> out;
  for (const auto& e : merged.entries) {
    out.push_back(std::string(StepOriginName(e.origin)) + ":" + std::to_string(e.index) + ":" +
                  StepKeyToString(e.key));
  }
  return out;
}

using Lines = std::vector<std::string>;

TEST(MergeTest, Names) {
  EXPECT_EQ(StepsSourceName(StepsSource::kS3), "s3");
  EXPECT_EQ(StepsSourceName(StepsSource::kDynamoDb), "dynamodb");
  EXPECT_EQ(StepsSourceName(StepsSource::kDynamoDbFallback), "dynamodb_fallback");
  EXPECT_EQ(StepOriginName(StepOrigin::kS3), "s3");
  EXPECT_EQ(StepOriginName(StepOrigin::kDynamoDb), "dynamodb");
}

TEST(MergeTest, NoS3KeyUsesDynamoDbAndIsComplete) {
  const DynamoDbSteps dynamodb{{Number(1), Number(2)}, false, false};
  const MergedList merged = MergeSteps(dynamodb, S3Outcome::NotRequested());
  EXPECT_EQ(merged.source, StepsSource::kDynamoDb);
  EXPECT_TRUE(merged.complete);
  EXPECT_FALSE(merged.reason.has_value());
  EXPECT_EQ(Describe(merged), (Lines{"dynamodb:0:1", "dynamodb:1:2"}));
}

TEST(MergeTest, S3KeyWithoutUrlIsIncompleteWithReason) {
  const DynamoDbSteps dynamodb{{Number(1)}, true, false};
  const MergedList merged = MergeSteps(dynamodb, S3Outcome::NotRequested());
  EXPECT_EQ(merged.source, StepsSource::kDynamoDbFallback);
  EXPECT_FALSE(merged.complete);
  EXPECT_EQ(merged.reason, ErrorCode::kS3UrlMissing);
  EXPECT_EQ(Describe(merged), (Lines{"dynamodb:0:1"}));
}

TEST(MergeTest, S3ListNotFetchedYetIsIncompleteWithoutReason) {
  const MergedList merged =
      MergeSteps(DynamoDbSteps{{Number(1)}, true, true}, S3Outcome::NotRequested());
  EXPECT_EQ(merged.source, StepsSource::kDynamoDb);
  EXPECT_FALSE(merged.complete);
  EXPECT_FALSE(merged.reason.has_value());
}

TEST(MergeTest, S3FailureFallsBackToDynamoDbWithTheReason) {
  for (const ErrorCode reason :
       {ErrorCode::kExpired, ErrorCode::kForbidden, ErrorCode::kNotFound, ErrorCode::kNetwork,
        ErrorCode::kTimeout, ErrorCode::kServerError, ErrorCode::kInvalidJson,
        ErrorCode::kUnexpectedShape, ErrorCode::kTooLarge, ErrorCode::kTooDeep}) {
    const MergedList merged =
        MergeSteps(DynamoDbSteps{{Number(2), Number(1)}, true, true}, S3Outcome::Failure(reason));
    EXPECT_EQ(merged.source, StepsSource::kDynamoDbFallback);
    EXPECT_FALSE(merged.complete);
    EXPECT_EQ(merged.reason, reason);
    EXPECT_EQ(Describe(merged), (Lines{"dynamodb:1:1", "dynamodb:0:2"}));  // ordered by number
  }
}

TEST(MergeTest, S3WinsForSharedKeysAndTheListIsComplete) {
  const DynamoDbSteps dynamodb{{Number(1), Number(2), Number(3)}, true, true};
  const MergedList merged =
      MergeSteps(dynamodb, S3Outcome::Steps({Number(1), Number(2), Number(3), Number(4)}));
  EXPECT_EQ(merged.source, StepsSource::kS3);
  EXPECT_TRUE(merged.complete);
  EXPECT_FALSE(merged.reason.has_value());
  EXPECT_EQ(Describe(merged), (Lines{"s3:0:1", "s3:1:2", "s3:2:3", "s3:3:4"}));
}

TEST(MergeTest, DynamoDbStepMissingFromS3IsKeptNotDropped) {
  const DynamoDbSteps dynamodb{{Number(1), Number(2), Number(9)}, true, true};
  const MergedList merged = MergeSteps(dynamodb, S3Outcome::Steps({Number(1), Number(3)}));
  EXPECT_EQ(Describe(merged), (Lines{"s3:0:1", "dynamodb:1:2", "s3:1:3", "dynamodb:2:9"}));
  EXPECT_TRUE(merged.complete);
}

TEST(MergeTest, EmptyS3ListKeepsEveryDynamoDbStep) {
  const MergedList merged =
      MergeSteps(DynamoDbSteps{{Number(1), Number(2)}, true, true}, S3Outcome::Steps({}));
  EXPECT_EQ(merged.source, StepsSource::kS3);
  EXPECT_EQ(Describe(merged), (Lines{"dynamodb:0:1", "dynamodb:1:2"}));
}

TEST(MergeTest, StringAndNumberStepNumbersMatch) {
  // The keys already equate "3" and 3; merging relies on that.
  const StepKey from_string = StepKeyFromJsonText("\"3\"", std::nullopt, std::nullopt, 0);
  const MergedList merged =
      MergeSteps(DynamoDbSteps{{from_string}, true, true}, S3Outcome::Steps({Number(3)}));
  EXPECT_EQ(Describe(merged), (Lines{"s3:0:3"}));
}

TEST(MergeTest, OrderByStepNumberIsStable) {
  const MergedList merged =
      MergeSteps(DynamoDbSteps{{Number(2), Number(0)}, true, true},
                 S3Outcome::Steps({Number(5), Number(2), Number(2), Number(1)}));
  // S3's two step-2 entries keep their order; DynamoDB's 2 is in S3, its 0 is not.
  EXPECT_EQ(Describe(merged), (Lines{"dynamodb:1:0", "s3:3:1", "s3:1:2", "s3:2:2", "s3:0:5"}));
}

TEST(MergeTest, NoReorderingUnlessEveryStepHasANumber) {
  const MergedList merged = MergeSteps(DynamoDbSteps{{Number(1), Id("x")}, true, true},
                                       S3Outcome::Steps({Number(3), Id("y"), Number(2)}));
  EXPECT_EQ(Describe(merged),
            (Lines{"s3:0:3", "s3:1:id:y", "s3:2:2", "dynamodb:0:1", "dynamodb:1:id:x"}));
}

TEST(MergeTest, IdAndPositionKeys) {
  const DynamoDbSteps dynamodb{{Id("a"), Id("b"), Position(2)}, true, true};
  const MergedList merged = MergeSteps(dynamodb, S3Outcome::Steps({Id("b"), Position(2), Id("c")}));
  EXPECT_EQ(Describe(merged), (Lines{"s3:0:id:b", "s3:1:#2", "s3:2:id:c", "dynamodb:0:id:a"}));
}

TEST(MergeTest, KindsOfKeysNeverMatchEachOther) {
  // Step number 3, id "3" and position 3 are different steps.
  const DynamoDbSteps dynamodb{{Id("3"), Position(3)}, true, true};
  const MergedList merged = MergeSteps(dynamodb, S3Outcome::Steps({Number(3)}));
  EXPECT_EQ(Describe(merged), (Lines{"s3:0:3", "dynamodb:0:id:3", "dynamodb:1:#3"}));
}

TEST(MergeTest, RepeatedDynamoDbKeysAbsentFromS3AreAllKept) {
  const MergedList merged =
      MergeSteps(DynamoDbSteps{{Number(7), Number(7)}, true, true}, S3Outcome::Steps({Number(1)}));
  EXPECT_EQ(Describe(merged), (Lines{"s3:0:1", "dynamodb:0:7", "dynamodb:1:7"}));
}

TEST(MergeTest, FromAParsedJob) {
  const auto job = ParseJob(R"({"id":"j","execution_steps_s3_key":"k","execution_steps_s3_url":"u",
    "execution_steps":[{"step_number":"1"},{"step_number":2},{"step_number":6}]})");
  ASSERT_TRUE(job.ok());
  const MergedList merged = MergeSteps(job.value(), S3Outcome::Steps({Number(1), Number(2)}));
  EXPECT_EQ(Describe(merged), (Lines{"s3:0:1", "s3:1:2", "dynamodb:2:6"}));

  const auto no_url = ParseJob(R"({"execution_steps_s3_key":"k","execution_steps":[]})");
  ASSERT_TRUE(no_url.ok());
  const MergedList missing = MergeSteps(no_url.value(), S3Outcome::NotRequested());
  EXPECT_EQ(missing.reason, ErrorCode::kS3UrlMissing);
  EXPECT_TRUE(missing.entries.empty());
}

TEST(MergeTest, LargeListsMergeInLinearTime) {
  // 200k S3 steps against 100k DynamoDB steps: a quadratic lookup would take minutes.
  std::vector<StepKey> s3;
  std::vector<StepKey> dynamodb;
  for (std::int64_t i = 0; i < 200'000; ++i) s3.push_back(Number(i * 2));
  for (std::int64_t i = 0; i < 100'000; ++i) dynamodb.push_back(Number(i * 3));
  const MergedList merged = MergeSteps(DynamoDbSteps{dynamodb, true, true}, S3Outcome::Steps(s3));
  // DynamoDB keys 3i absent from S3 are those with i odd (odd multiples of 3): 50k of them.
  EXPECT_EQ(merged.entries.size(), 250'000u);
  EXPECT_TRUE(std::is_sorted(
      merged.entries.begin(), merged.entries.end(),
      [](const MergedEntry& a, const MergedEntry& b) { return a.key.number < b.key.number; }));
}

}  // namespace
}  // namespace job_detail
