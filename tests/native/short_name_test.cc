#include "job_detail/detail/short_name.h"

#include <gtest/gtest.h>

#include <string>

#include "job_detail/detail/step_record.h"

namespace job_detail::detail {
namespace {

// Every size up to the maximum: a name equals itself, and differs from the same name with any one
// byte changed (the two packed words must cover every byte, the overlap included) and from its
// own prefixes and extensions.
TEST(ShortName, EveryByteOfEverySizeCounts) {
  for (std::size_t size = 0; size <= ShortName::kMaxSize; ++size) {
    std::string name;
    for (std::size_t i = 0; i < size; ++i) name.push_back(static_cast<char>('a' + i));
    EXPECT_EQ(*ShortName::Of(name), *ShortName::Of(std::string(name))) << size;
    for (std::size_t i = 0; i < size; ++i) {
      std::string changed = name;
      changed[i] = static_cast<char>(changed[i] ^ 0x20);
      EXPECT_FALSE(*ShortName::Of(name) == *ShortName::Of(changed)) << size << " byte " << i;
      changed[i] = '\0';
      EXPECT_FALSE(*ShortName::Of(name) == *ShortName::Of(changed)) << size << " NUL at " << i;
    }
    if (size > 0) {
      EXPECT_FALSE(*ShortName::Of(name) == *ShortName::Of(name.substr(0, size - 1))) << size;
    }
    // A trailing NUL is a byte like any other: it does not vanish into the zero padding.
    if (size < ShortName::kMaxSize) {
      EXPECT_FALSE(*ShortName::Of(name) == *ShortName::Of(name + std::string(1, '\0'))) << size;
    }
  }
}

TEST(ShortName, LongerNamesHaveNoPackedForm) {
  EXPECT_TRUE(ShortName::Of(std::string(ShortName::kMaxSize, 'x')));
  EXPECT_FALSE(ShortName::Of(std::string(ShortName::kMaxSize + 1, 'x')));
}

TEST(ShortName, BytesAboveAsciiCompareExactly) {
  EXPECT_EQ(*ShortName::Of("\xC3\xA9t\xC3\xA9"), *ShortName::Of("\xC3\xA9t\xC3\xA9"));
  EXPECT_FALSE(*ShortName::Of("\xC3\xA9t\xC3\xA9") == *ShortName::Of("\xC3\xA9t\xC3\xA8"));
}

// The field table reads member names through ShortName: every name it knows, and near misses.
TEST(FieldForMemberName, FindsEachFieldAndNothingElse) {
  const auto slot = [](std::string_view name) { return FieldForMemberName(name); };
  ASSERT_TRUE(slot("cost_usd"));
  EXPECT_EQ(slot("cost_usd")->field, RowMember::kCostUsd);
  EXPECT_EQ(slot("id")->field, RowMember::kId);
  EXPECT_EQ(slot("name")->field, RowMember::kName);
  EXPECT_EQ(slot("name")->rank, 1);
  EXPECT_EQ(slot("step_name")->rank, 0);
  EXPECT_EQ(slot("end_time")->field, RowMember::kCompletedAt);
  EXPECT_EQ(slot("end_time")->rank, 2);
  EXPECT_EQ(slot("ended_at")->rank, 1);
  EXPECT_EQ(slot("output_tokens")->field, RowMember::kOutputTokens);
  EXPECT_EQ(slot("output_type")->field, RowMember::kOutputType);
  EXPECT_EQ(slot("output")->field, RowMember::kOutput);
  for (const char* miss : {"", "i", "Id", "cost_usD", "cost_usd ", "ost_usd", "output_tokenz",
                           "output_tokens_and_more", "step_number\x01", "metadata"}) {
    EXPECT_FALSE(slot(miss)) << miss;
  }
}

}  // namespace
}  // namespace job_detail::detail
