#include "job_detail/step_key.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_set>

#include "job_detail/detail/step_key_dom.h"

namespace job_detail {
namespace {

using nlohmann::json;
using Text = std::optional<std::string_view>;

std::string FromText(Text step_number, Text step_id, Text id, std::size_t position = 0) {
  return StepKeyToString(StepKeyFromJsonText(step_number, step_id, id, position));
}
std::string FromJson(std::string_view step_text, std::size_t position = 0) {
  const json step = json::parse(step_text.begin(), step_text.end(), nullptr, false);
  EXPECT_FALSE(step.is_discarded()) << step_text;
  return StepKeyToString(detail::StepKeyOf(step, position));
}

TEST(StepKeyTest, StepNumberAsNumberOrStringIsTheSameKey) {
  EXPECT_EQ(FromText("3", std::nullopt, std::nullopt), "3");
  EXPECT_EQ(FromText("\"3\"", std::nullopt, std::nullopt), "3");
  EXPECT_EQ(StepKeyFromJsonText("3", std::nullopt, std::nullopt, 0),
            StepKeyFromJsonText("\"3\"", std::nullopt, std::nullopt, 9));
  EXPECT_EQ(FromJson(R"({"step_number":3})"), "3");
  EXPECT_EQ(FromJson(R"({"step_number":"3"})"), "3");
  EXPECT_EQ(detail::StepKeyOf(json::parse(R"({"step_number":3})"), 0),
            detail::StepKeyOf(json::parse(R"({"step_number":"3"})"), 4));
}

TEST(StepKeyTest, StepNumberForms) {
  EXPECT_EQ(FromText(" 3 ", std::nullopt, std::nullopt), "3");  // JSON whitespace around the value
  EXPECT_EQ(FromText("-1", std::nullopt, std::nullopt), "-1");
  EXPECT_EQ(FromText("0", std::nullopt, std::nullopt), "0");
  EXPECT_EQ(FromText("\"03\"", std::nullopt, std::nullopt), "3");
  EXPECT_EQ(FromText("\"\\u0033\"", std::nullopt, std::nullopt), "3");  // escapes decoded
  EXPECT_EQ(FromText("9223372036854775807", std::nullopt, std::nullopt), "9223372036854775807");
  EXPECT_EQ(FromText("-9223372036854775808", std::nullopt, std::nullopt), "-9223372036854775808");
}

TEST(StepKeyTest, UnqualifiedStepNumberFallsThroughToIdThenPosition) {
  for (const char* bad : {"null", "3.5", "3.0", "3e0", "true", "{}", "[3]", "\"\"", "\"abc\"",
                          "\" 3\"", "\"3.0\"", "\"+3\"", "9223372036854775808", "03", "3x"}) {
    EXPECT_EQ(FromText(bad, "\"s\"", std::nullopt), "id:s") << bad;
    EXPECT_EQ(FromText(bad, std::nullopt, std::nullopt, 7), "#7") << bad;
  }
  EXPECT_EQ(FromJson(R"({"step_number":3.5,"id":"x"})"), "id:x");
  EXPECT_EQ(FromJson(R"({"step_number":null})", 2), "#2");
  EXPECT_EQ(FromJson(R"({"step_number":9223372036854775808})", 2), "#2");
}

TEST(StepKeyTest, StepIdBeforeIdBeforePosition) {
  EXPECT_EQ(FromText("5", "\"a\"", "\"b\""), "5");
  EXPECT_EQ(FromText(std::nullopt, "\"a\"", "\"b\""), "id:a");
  EXPECT_EQ(FromText(std::nullopt, std::nullopt, "\"b\""), "id:b");
  EXPECT_EQ(FromText(std::nullopt, "null", "\"b\""), "id:b");
  EXPECT_EQ(FromText(std::nullopt, "\"\"", "\"b\""), "id:b");  // empty id does not qualify
  EXPECT_EQ(FromText(std::nullopt, std::nullopt, std::nullopt, 4), "#4");
  EXPECT_EQ(FromJson(R"({"step_number":5,"step_id":"a","id":"b"})"), "5");
  EXPECT_EQ(FromJson(R"({"step_id":"a","id":"b"})"), "id:a");
  EXPECT_EQ(FromJson(R"({"id":"b"})"), "id:b");
  EXPECT_EQ(FromJson(R"({"name":"x"})", 4), "#4");
}

TEST(StepKeyTest, IntegerIdsEqualTheirStrings) {
  EXPECT_EQ(FromText(std::nullopt, "7", std::nullopt), "id:7");
  EXPECT_EQ(StepKeyFromJsonText(std::nullopt, "7", std::nullopt, 0),
            StepKeyFromJsonText(std::nullopt, "\"7\"", std::nullopt, 1));
  EXPECT_EQ(FromText(std::nullopt, "-0", std::nullopt), "id:0");
  EXPECT_EQ(FromText(std::nullopt, "7.5", std::nullopt, 1), "#1");
  EXPECT_EQ(FromJson(R"({"id":7})"), "id:7");
  EXPECT_EQ(FromJson(R"({"id":-7})"), "id:-7");
  EXPECT_EQ(FromJson(R"({"id":true})", 3), "#3");
  EXPECT_EQ(FromJson(R"({"id":{"a":1}})", 3), "#3");
}

TEST(StepKeyTest, JsonTextAndParsedStepAgree) {
  struct Case {
    const char* step;
    Text step_number;
    Text step_id;
    Text id;
  };
  const Case cases[] = {
      {R"({"step_number":3})", "3", std::nullopt, std::nullopt},
      {R"({"step_number":"12","id":"z"})", "\"12\"", std::nullopt, "\"z\""},
      {R"({"step_number":1.5,"step_id":"q"})", "1.5", "\"q\"", std::nullopt},
      {R"({"id":42})", std::nullopt, std::nullopt, "42"},
      {R"({"step_id":"","id":""})", std::nullopt, "\"\"", "\"\""},
      {R"({"id":"caf\u00e9"})", std::nullopt, std::nullopt, "\"caf\\u00e9\""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(detail::StepKeyOf(json::parse(c.step), 6),
              StepKeyFromJsonText(c.step_number, c.step_id, c.id, 6))
        << c.step;
  }
}

TEST(StepKeyTest, NonObjectStepIsKeyedByPosition) {
  EXPECT_EQ(FromJson("[1]", 2), "#2");
  EXPECT_EQ(FromJson("\"3\"", 5), "#5");
  EXPECT_EQ(FromJson("null", 0), "#0");
}

TEST(StepKeyTest, EqualityComparesTheRightField) {
  const StepKey number{StepKeyKind::kStepNumber, 3, ""};
  const StepKey position{StepKeyKind::kPosition, 3, ""};
  const StepKey id{StepKeyKind::kId, 0, "3"};
  EXPECT_FALSE(number == position);
  EXPECT_FALSE(number == id);
  EXPECT_EQ(id, (StepKey{StepKeyKind::kId, 99, "3"}));  // number is ignored for ids
  EXPECT_FALSE(id == (StepKey{StepKeyKind::kId, 0, "4"}));
  EXPECT_EQ(StepKeyToString(number), "3");
  EXPECT_EQ(StepKeyToString(position), "#3");
  EXPECT_EQ(StepKeyToString(id), "id:3");
}

TEST(StepKeyTest, HashAgreesWithEquality) {
  std::unordered_set<StepKey, StepKeyHash> keys;
  keys.insert(StepKeyFromJsonText("3", std::nullopt, std::nullopt, 0));
  keys.insert(StepKeyFromJsonText("\"3\"", std::nullopt, std::nullopt, 1));
  keys.insert(StepKeyFromJsonText(std::nullopt, "\"3\"", std::nullopt, 2));
  keys.insert(StepKeyFromJsonText(std::nullopt, std::nullopt, std::nullopt, 3));
  EXPECT_EQ(keys.size(), 3u);  // number 3, id "3", position 3
  EXPECT_EQ(keys.count(StepKey{StepKeyKind::kPosition, 3, ""}), 1u);
}

}  // namespace
}  // namespace job_detail
