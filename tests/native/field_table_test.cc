#include "job_detail/field_table.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "job_detail/session.h"
#include "job_detail/session_snapshot.h"
#include "job_detail/step_query.h"
#include "job_detail/step_row.h"

namespace job_detail {
namespace {

// The wire names a walk over the descriptor gives, an inlined member's expanded in its place (what
// the bindings' conversion and the schema report both do).
void AppendNames(const WireType& type, std::vector<std::string>* out) {
  for (const WireField& field : type.fields) {
    if (field.name.empty()) {
      AppendNames(*field.type, out);
    } else {
      out->emplace_back(field.name);
    }
  }
}

TEST(FieldTableTest, DescriptorsFollowTheTablesWithInlinedMembersExpanded) {
  std::vector<std::string> row;
  AppendNames(WireTypeOf<StepRow>(), &row);
  ASSERT_EQ(row.size(), 21u);
  EXPECT_EQ(row.front(), "index");
  EXPECT_EQ(row.back(), "outputTruncatedLegacy");

  std::vector<std::string> shown;
  AppendNames(WireTypeOf<ShownRow>(), &shown);
  std::vector<std::string> expected = row;
  expected.emplace_back("origin");
  EXPECT_EQ(shown, expected);
}

TEST(FieldTableTest, AccessorsReachTheMembersOfAValue) {
  StepsProgress progress;
  progress.bytes = 42;
  progress.total = 100;
  progress.steps = 3;
  const WireType& type = WireTypeOf<StepsProgress>();
  ASSERT_EQ(type.kind, WireKind::kStruct);
  ASSERT_EQ(type.fields.size(), 3u);
  EXPECT_EQ(type.fields[0].address(&progress), &progress.bytes);
  EXPECT_EQ(type.fields[0].type->kind, WireKind::kNumber);
  EXPECT_EQ(type.fields[0].type->number(&progress.bytes), 42.0);

  const WireType& total = *type.fields[1].type;
  ASSERT_EQ(total.kind, WireKind::kOptional);
  EXPECT_EQ(total.contained(&progress.total), &*progress.total);
  EXPECT_EQ(total.element->number(total.contained(&progress.total)), 100.0);
  progress.total.reset();
  EXPECT_EQ(total.contained(&progress.total), nullptr);
}

TEST(FieldTableTest, EnumsListsAndTypedArrays) {
  const WireType& phase = WireTypeOf<StatusPhase>();
  ASSERT_EQ(phase.kind, WireKind::kEnum);
  const StatusPhase value = StatusPhase::kFailed;
  EXPECT_EQ(WireEnumName(phase, phase.number(&value)), NameOf(value));
  EXPECT_EQ(WireEnumName(phase, static_cast<double>(phase.names.size())), "unknown");

  ExplorerView view;
  view.rows = {4, 5, 6};
  view.facets.model = {FacetCount{"a", 1}, FacetCount{"b", 2}};
  const WireType& type = WireTypeOf<ExplorerView>();
  const WireType& rows = WireTypeOf<std::vector<std::uint32_t>>();
  EXPECT_EQ(rows.kind, WireKind::kUint32Array);
  const WireSpan row_span = rows.elements(&view.rows);
  EXPECT_EQ(row_span.data, view.rows.data());
  EXPECT_EQ(row_span.size, 3u);
  EXPECT_EQ(WireTypeOf<std::vector<double>>().kind, WireKind::kFloat64Array);

  const WireType& facets = WireTypeOf<std::vector<FacetCount>>();
  ASSERT_EQ(facets.kind, WireKind::kList);
  EXPECT_EQ(facets.stride, sizeof(FacetCount));
  EXPECT_EQ(facets.element, &WireTypeOf<FacetCount>());
  const WireSpan facet_span = facets.elements(&view.facets.model);
  EXPECT_EQ(facet_span.size, 2u);
  EXPECT_EQ(facet_span.data, view.facets.model.data());
  EXPECT_EQ(type.fields[4].type, &WireTypeOf<ExplorerFacets>());
}

TEST(FieldTableTest, ValueTypesWithTextFormsHaveKindsOfTheirOwn) {
  EXPECT_EQ(WireTypeOf<Cost>().kind, WireKind::kCost);
  EXPECT_EQ(WireTypeOf<StepKey>().kind, WireKind::kStepKey);
  EXPECT_EQ(WireTypeOf<std::string>().kind, WireKind::kString);
  EXPECT_EQ(WireTypeOf<bool>().kind, WireKind::kBool);
}

}  // namespace
}  // namespace job_detail
