#include "job_detail/detail/json_dom.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace job_detail::detail {
namespace {

using namespace std::string_literals;
using nlohmann::json;

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

json MustParse(std::string_view text, const JsonDomOptions& options = {}) {
  auto parsed = ParseJsonDom(text, options);
  EXPECT_TRUE(parsed.ok()) << text << " -> " << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? std::move(parsed).value().value : json();
}

TEST(JsonDomTest, BuildsValuesOfEveryKind) {
  const json dom = MustParse(R"({"a":[1,-2,0.5,true,false,null],"b":{"c":"x\u0041\n"}})");
  EXPECT_EQ(dom, json::parse(R"({"a":[1,-2,0.5,true,false,null],"b":{"c":"xA\n"}})"));
}

TEST(JsonDomTest, NumbersAreTypedAsNlohmannTypesThem) {
  EXPECT_TRUE(JsonNumberValue("42").is_number_unsigned());
  EXPECT_TRUE(JsonNumberValue("-42").is_number_integer());
  EXPECT_EQ(JsonNumberValue("18446744073709551615").get<std::uint64_t>(), 18446744073709551615u);
  EXPECT_EQ(JsonNumberValue("-9223372036854775808").get<std::int64_t>(), INT64_MIN);
  // Past the integer types: a double, as nlohmann and JSON.parse read it.
  EXPECT_TRUE(JsonNumberValue("18446744073709551616").is_number_float());
  EXPECT_TRUE(JsonNumberValue("-9223372036854775809").is_number_float());
  EXPECT_EQ(JsonNumberValue("1.5e3").get<double>(), 1500.0);
  EXPECT_EQ(JsonNumberValue("0.1").get<double>(), 0.1);
}

TEST(JsonDomTest, NumbersBeyondDoubleRangeAreInfinityAsInJsonParse) {
  const json dom = MustParse(R"({"big":1e400,"small":-1e400,"tiny":1e-400})");
  EXPECT_TRUE(std::isinf(dom["big"].get<double>()));
  EXPECT_GT(dom["big"].get<double>(), 0);
  EXPECT_TRUE(std::isinf(dom["small"].get<double>()));
  EXPECT_LT(dom["small"].get<double>(), 0);
  EXPECT_EQ(dom["tiny"].get<double>(), 0.0);
}

TEST(JsonDomTest, IllFormedUtf8AndLoneSurrogatesDecodeWithReplacementCharacters) {
  // a, then 0xFF and 0xFE (two maximal subparts: two U+FFFD), then b.
  const json dom = MustParse(
      "{\"s\":\"a\xFF\xFE"
      "b\",\"k\xC3\":\"\\ud800x\"}");
  EXPECT_EQ(dom["s"], "a"s + kReplacement + kReplacement + "b");
  EXPECT_EQ(dom["k"s + kReplacement], kReplacement + "x"s);
}

TEST(JsonDomTest, ALeadingBomIsSkipped) {
  EXPECT_EQ(MustParse("\xEF\xBB\xBF{\"a\":1}"), json::parse(R"({"a":1})"));
}

TEST(JsonDomTest, ARepeatedMemberKeepsItsLastValue) {
  EXPECT_EQ(MustParse(R"({"a":1,"a":{"b":2}})"), json::parse(R"({"a":{"b":2}})"));
}

TEST(JsonDomTest, SetsAsideOneTopLevelMemberAndReportsItsLastSpan) {
  const std::string text = R"({"s":[1],"x":{"s":[2]},"s":[[3],{"s":4}] ,"y":5})";
  auto parsed = ParseJsonDom(text, {.set_aside_member = "s"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().value, json::parse(R"({"x":{"s":[2]},"y":5})"));
  ASSERT_TRUE(parsed.value().set_aside.has_value());
  const SetAsideValue& steps = *parsed.value().set_aside;
  EXPECT_EQ(steps.kind, JsonEventKind::kBeginArray);
  EXPECT_EQ(text.substr(steps.begin, steps.end - steps.begin), R"([[3],{"s":4}])");

  auto scalar = ParseJsonDom(R"({"s":null})", {.set_aside_member = "s"});
  ASSERT_TRUE(scalar.ok());
  EXPECT_EQ(scalar.value().set_aside->kind, JsonEventKind::kNull);
  EXPECT_FALSE(ParseJsonDom(R"({"t":1})", {.set_aside_member = "s"}).value().set_aside);
}

TEST(JsonDomTest, ReportsInvalidJsonWithItsByteOffset) {
  const auto parsed = ParseJsonDom(R"({"a":[1,]})");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidJson);
  EXPECT_EQ(parsed.error().offset, 8u);
}

TEST(JsonDomTest, ANulByteIsInvalidNotTheEndOfInput) {
  const auto parsed = ParseJsonDom("{\"a\":1}\0junk"s);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidJson);
  EXPECT_EQ(parsed.error().offset, 7u);
}

TEST(JsonDomTest, ATextThatEndsEarlyIsTruncatedAtItsLength) {
  const auto parsed = ParseJsonDom(R"({"a":"b)");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kTruncated);
  EXPECT_EQ(parsed.error().offset, 7u);
}

TEST(JsonDomTest, StrictRulesRefuseWhatJsonParseAccepts) {
  const JsonDomOptions strict{.rules = JsonTextRules::kStrict};
  EXPECT_FALSE(ParseJsonDom(R"({"a":1e400})", strict).ok());
  EXPECT_FALSE(ParseJsonDom("{\"a\":\"\xFF\"}", strict).ok());
}

TEST(JsonDomTest, DepthLimitCountsContainersAndPointsAtTheBracketPastIt) {
  EXPECT_TRUE(ParseJsonDom("[[[]]]", {.max_depth = 3}).ok());
  const auto parsed = ParseJsonDom("[[[[]]]]", {.max_depth = 3});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kTooDeep);
  EXPECT_EQ(parsed.error().offset, 3u);
}

TEST(JsonDomTest, DeepDocumentsWithinTheLimitParseWithoutRecursion) {
  const std::uint32_t depth = 100000;
  const std::string text = std::string(depth, '[') + std::string(depth, ']');
  auto parsed = ParseJsonDom(text, {.max_depth = depth});
  ASSERT_TRUE(parsed.ok());
  // Destroying the DOM does not recurse either (nlohmann's destructor is iterative).
}

// Over the whole JSONTestSuite: the DOM accepts exactly what the scanner's JSON.parse rules accept,
// and wherever nlohmann's own parser accepts a file too, both build the same DOM.
TEST(JsonDomCorpusTest, AgreesWithTheScannerAndWithNlohmannsValues) {
  const std::filesystem::path dir =
      std::filesystem::path(JOB_DETAIL_SHARED_DIR) / "corpora/JSONTestSuite/test_parsing";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "corpus missing at " << dir;
  int checked = 0;
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    std::ifstream file(entry.path(), std::ios::binary);
    const std::string bytes(std::istreambuf_iterator<char>(file), {});
    const auto parsed = ParseJsonDom(bytes);
    const bool scanner_accepts =
        !CheckJsonValue(bytes, kDefaultMaxJsonDepth, JsonTextRules::kLikeJsonParse).has_value();
    EXPECT_EQ(parsed.ok(), scanner_accepts) << name;
    if (name[0] == 'y') EXPECT_TRUE(parsed.ok()) << name;
    if (name[0] == 'n') EXPECT_FALSE(parsed.ok()) << name;
    if (!parsed.ok()) {
      EXPECT_LE(*parsed.error().offset, bytes.size()) << name;
    } else if (bytes.find('\0') == std::string::npos) {
      const json oracle = json::parse(bytes, nullptr, false);
      if (!oracle.is_discarded()) {
        EXPECT_EQ(parsed.value().value, oracle) << name;
        ++compared;
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 318);
  EXPECT_GE(compared, 95);
}

}  // namespace
}  // namespace job_detail::detail
