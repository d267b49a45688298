#include "job_detail/detail/index_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "job_detail/detail/step_key_table.h"

namespace job_detail::detail {
namespace {

struct Sought {
  const std::vector<std::string>* list;
  std::string_view value;
};

bool Same(const void* context, std::uint32_t position) {
  const auto* sought = static_cast<const Sought*>(context);
  return (*sought->list)[position] == sought->value;
}

TEST(IndexTableTest, FindsEveryPositionAcrossGrowthAndCollisions) {
  std::vector<std::string> list;
  IndexTable table;
  for (std::uint32_t i = 0; i < 1000; ++i) {
    list.push_back("value " + std::to_string(i));
    // Every tenth value shares one hash: collisions must still find the right position.
    const std::uint32_t hash = i % 10 == 0 ? 7 : HashBytes(list.back());
    table.Add(hash, i);
  }
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const Sought sought{&list, list[i]};
    const std::uint32_t hash = i % 10 == 0 ? 7 : HashBytes(list[i]);
    EXPECT_EQ(table.Find(hash, Same, &sought), i);
  }
  const Sought missing{&list, "value 1000"};
  EXPECT_EQ(table.Find(HashBytes("value 1000"), Same, &missing), IndexTable::kNone);
  EXPECT_EQ(table.Find(7, Same, &missing), IndexTable::kNone);
  EXPECT_EQ(IndexTable().Find(7, Same, &missing), IndexTable::kNone);
}

TEST(StepKeyTableTest, FindsTheFirstPositionOfEachKey) {
  const std::vector<StepKey> keys = {{StepKeyKind::kStepNumber, 3, ""},
                                     {StepKeyKind::kId, 0, "a"},
                                     {StepKeyKind::kStepNumber, 3, ""},
                                     {StepKeyKind::kPosition, 3, ""},
                                     {StepKeyKind::kId, 0, "a"}};
  const StepKeyTable table(keys);
  EXPECT_EQ(table.Find(keys, keys[0]), 0u);
  EXPECT_EQ(table.Find(keys, keys[1]), 1u);
  EXPECT_EQ(table.Find(keys, keys[2]), 0u);
  EXPECT_EQ(table.Find(keys, keys[3]), 3u);  // a position is not a step number
  EXPECT_EQ(table.Find(keys, {StepKeyKind::kId, 0, "3"}), StepKeyTable::kNone);
}

}  // namespace
}  // namespace job_detail::detail
