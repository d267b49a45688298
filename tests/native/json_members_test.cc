#include "job_detail/detail/json_members.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "job_detail/detail/json_dom.h"

namespace job_detail::detail {
namespace {

using nlohmann::json;

JsonMembers MustRead(std::string_view text) {
  auto read = ReadJsonMembers(text, kDefaultMaxJsonDepth);
  EXPECT_TRUE(read.ok()) << text;
  return read.ok() ? std::move(read).value() : JsonMembers{};
}

TEST(JsonMembersTest, ListsTheTopLevelMembersWithTheirSpans) {
  const std::string text = R"( {"a":[1,{"b":2}],"\u0063":"x","d":null} )";
  const JsonMembers object = MustRead(text);
  EXPECT_EQ(object.value.kind, JsonEventKind::kBeginObject);
  EXPECT_EQ(SpanText(text, object.value), text.substr(1, text.size() - 2));
  ASSERT_EQ(object.members.size(), 3u);
  EXPECT_EQ(object.members[0].name, "a");
  EXPECT_EQ(SpanText(text, object.members[0].value), R"([1,{"b":2}])");
  EXPECT_EQ(object.members[1].name, "c");  // names are decoded
  EXPECT_EQ(object.members[1].value.kind, JsonEventKind::kString);
  EXPECT_EQ(SpanText(text, object.members[2].value), "null");
}

TEST(JsonMembersTest, ARepeatedMemberKeepsItsLastValueAsInJsonParse) {
  const std::string text = R"({"id":1,"__proto__":{},"id":"two"})";
  const JsonMembers object = MustRead(text);
  ASSERT_NE(FindMember(object, "id"), nullptr);
  EXPECT_EQ(SpanText(text, *FindMember(object, "id")), R"("two")");
  ASSERT_NE(FindMember(object, "__proto__"), nullptr);
  EXPECT_EQ(FindMember(object, "missing"), nullptr);
}

TEST(JsonMembersTest, ArrayElementsAreUnnamed) {
  const std::string text = R"([{"a":1},2])";
  const JsonMembers array = MustRead(text);
  ASSERT_EQ(array.members.size(), 2u);
  EXPECT_EQ(array.members[0].name, "");
  EXPECT_EQ(SpanText(text, array.members[0].value), R"({"a":1})");
}

TEST(JsonMembersTest, ErrorsAreTheScannersWithOffsets) {
  const auto bad = ReadJsonMembers(R"({"a":tru})", kDefaultMaxJsonDepth);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidJson);
  const auto cut = ReadJsonMembers(R"({"a":[1,)", kDefaultMaxJsonDepth);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().code, ErrorCode::kTruncated);
  EXPECT_EQ(cut.error().offset, 8u);
  const auto deep = ReadJsonMembers("[[[1]]]", 2);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, ErrorCode::kTooDeep);
}

TEST(JsonMembersTest, IntegerTextFollowsNlohmannsIntegerTypes) {
  for (const std::string_view number :
       {"0", "-0", "42", "-42", "18446744073709551615", "18446744073709551616",
        "-9223372036854775808", "-9223372036854775809", "99999999999999999999", "1.0", "1e3",
        "-1E2", "123456789012345678901"}) {
    const json value = JsonNumberValue(number);
    const auto text = JsonIntegerText(number);
    EXPECT_EQ(text.has_value(), value.is_number_integer()) << number;
    if (text) {
      EXPECT_EQ(*text, value.dump()) << number;
    }
  }
}

// Over the whole JSONTestSuite: the same verdicts and errors as the DOM, and each top-level
// member's span holds the value the DOM built for it.
TEST(JsonMembersCorpusTest, AgreesWithTheDom) {
  const std::filesystem::path dir =
      std::filesystem::path(JOB_DETAIL_SHARED_DIR) / "corpora/JSONTestSuite/test_parsing";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "corpus missing at " << dir;
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    std::ifstream file(entry.path(), std::ios::binary);
    const std::string bytes(std::istreambuf_iterator<char>(file), {});
    const auto dom = ParseJsonDom(bytes);
    const auto read = ReadJsonMembers(bytes, kDefaultMaxJsonDepth);
    ASSERT_EQ(read.ok(), dom.ok()) << name;
    ++checked;
    if (!dom.ok()) {
      EXPECT_EQ(read.error().code, dom.error().code) << name;
      EXPECT_EQ(read.error().offset, dom.error().offset) << name;
      continue;
    }
    const json& value = dom.value().value;
    const JsonMembers& members = read.value();
    EXPECT_EQ(ParseJsonDom(SpanText(bytes, members.value)).value().value, value) << name;
    if (value.is_object()) {
      for (const auto& [key, member] : value.items()) {
        const JsonSpan* span = FindMember(members, key);
        ASSERT_NE(span, nullptr) << name << " " << key;
        EXPECT_EQ(ParseJsonDom(SpanText(bytes, *span)).value().value, member) << name;
      }
    } else if (value.is_array()) {
      ASSERT_EQ(members.members.size(), value.size()) << name;
    }
  }
  EXPECT_EQ(checked, 318);
}

}  // namespace
}  // namespace job_detail::detail
