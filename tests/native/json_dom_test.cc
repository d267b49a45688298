#include "job_detail/detail/json_dom.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace job_detail::detail {
namespace {

using namespace std::string_literals;

// Every number the hook saw, as "path=text" (path: `.key` per object member, `[i]` per element).
struct Recorder {
  std::vector<std::string> seen;
  NumberTextHook Hook() {
    return [this](const std::vector<JsonPathFrame>& frames, std::string_view text) {
      std::string path;
      for (const JsonPathFrame& frame : frames) {
        path += frame.is_object ? "." + frame.key : "[" + std::to_string(frame.count - 1) + "]";
      }
      seen.push_back(path + "=" + std::string(text));
    };
  }
};

TEST(JsonDomTest, ParsesADocumentAndHandsOutEachNumbersText) {
  Recorder recorder;
  const auto parsed = ParseJsonDom(R"({"a":[1,0.10,-2e3],"b":{"c":"x","d":12345678901234567890}})",
                                   kDefaultMaxJsonDepth, recorder.Hook());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value()["b"]["c"], "x");
  EXPECT_EQ(parsed.value()["a"].size(), 3u);
  // The text as written: 0.10 keeps its trailing zero, the big integer all its digits.
  EXPECT_EQ(recorder.seen, (std::vector<std::string>{".a[0]=1", ".a[1]=0.10", ".a[2]=-2e3",
                                                     ".b.d=12345678901234567890"}));
}

TEST(JsonDomTest, ReportsInvalidJsonWithItsByteOffset) {
  const auto parsed = ParseJsonDom(R"({"a":[1,]})", kDefaultMaxJsonDepth, nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidJson);
  EXPECT_EQ(parsed.error().offset, 8u);
}

TEST(JsonDomTest, ANulByteIsInvalidNotTheEndOfInput) {
  const auto parsed = ParseJsonDom("{\"a\":1}\0junk"s, kDefaultMaxJsonDepth, nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidJson);
  EXPECT_EQ(parsed.error().offset, 7u);
}

TEST(JsonDomTest, NumbersBeyondDoubleRangeAreInvalidJson) {
  const auto parsed = ParseJsonDom(R"({"a":1e400})", kDefaultMaxJsonDepth, nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidJson);
}

TEST(JsonDomTest, DepthLimitCountsContainersAndPointsAtTheBracketPastIt) {
  EXPECT_TRUE(ParseJsonDom("[[[]]]", 3, nullptr).ok());
  const auto parsed = ParseJsonDom("[[[[]]]]", 3, nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kTooDeep);
  EXPECT_EQ(parsed.error().offset, 3u);
}

TEST(JsonDomTest, DeepDocumentsWithinTheLimitParseWithoutRecursion) {
  const std::size_t depth = 100000;
  const std::string text = std::string(depth, '[') + std::string(depth, ']');
  EXPECT_TRUE(ParseJsonDom(text, depth, nullptr).ok());
}

}  // namespace
}  // namespace job_detail::detail
