// The two text rules of the scanner and the index: by default what
// `JSON.parse(new TextDecoder().decode(bytes))` accepts (ill-formed UTF-8 and lone surrogate
// escapes inside strings, numbers of any magnitude), with strings repaired as the WHATWG decoder
// repairs them; `strict` for RFC 8259 with well-formed UTF-8. The expected decodings below are what
// Node's and Chromium's TextDecoder print for the same bytes.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "job_detail/detail/json_scanner.h"
#include "job_detail/detail/json_text.h"
#include "job_detail/step_index.h"
#include "json_scan_test_util.h"

namespace job_detail {
namespace {

using detail::JsonTextRules;

const std::string kFffd = "\xEF\xBF\xBD";

std::string Repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

struct RepairCase {
  std::string raw;      // string content as bytes
  std::string decoded;  // what TextDecoder gives, as UTF-8
};

// Maximal subparts (Unicode 15 §3.9, "U+FFFD substitution of maximal subparts"; the WHATWG
// decoder): each ill-formed prefix becomes one U+FFFD and the byte that broke it is read afresh.
std::vector<RepairCase> RepairCases() {
  return {
      {"a\xFF\xFE"
       "b",
       "a" + kFffd + kFffd + "b"},
      // Unicode's own example (Table 3-8).
      {"a\xF1\x80\x80\xE1\x80\xC2"
       "b\x80"
       "c\x80\xBF"
       "d",
       "a" + Repeat(kFffd, 3) + "b" + kFffd + "c" + Repeat(kFffd, 2) + "d"},
      {"\xE0\x80", Repeat(kFffd, 2)},          // overlong lead: E0 then a lone continuation
      {"\xED\xA0\x80", Repeat(kFffd, 3)},      // an encoded surrogate
      {"\xC0\xAF", Repeat(kFffd, 2)},          // overlong '/'
      {"\xF4\x90\x80\x80", Repeat(kFffd, 4)},  // beyond U+10FFFF
      {"x\xF0\x9F\x98", "x" + kFffd},          // a 4-byte sequence cut by the closing quote
      {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
  };
}

TEST(JsonTextRulesTest, IllFormedUtf8DecodesAsTheWhatwgDecoderDoes) {
  for (const RepairCase& c : RepairCases()) {
    SCOPED_TRACE(::testing::PrintToString(c.raw));
    bool repaired = false;
    const auto decoded = detail::DecodeJsonString("\"" + c.raw + "\"", &repaired);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, c.decoded);
    EXPECT_EQ(repaired, c.raw != c.decoded);
  }
}

TEST(JsonTextRulesTest, TheIndexKeepsEveryStepAndRepairsItsRows) {
  std::string doc = "[";
  const std::vector<RepairCase> cases = RepairCases();
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (i > 0) doc += ",";
    doc += R"({"step_number":)" + std::to_string(i + 1) + R"(,"name":")" + cases[i].raw +
           R"(","output":"<p>)" + cases[i].raw + R"(</p>"})";
  }
  doc += "]";
  const std::size_t repaired = cases.size() - 1;  // the last case is well-formed
  // Every chunking gives the same outcome, even one cutting inside each sequence.
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{3}, doc.size()}) {
    SCOPED_TRACE(chunk);
    StepIndex index;
    for (std::size_t at = 0; at < doc.size(); at += chunk) index.Feed(doc.substr(at, chunk));
    ASSERT_FALSE(index.Finish().has_value());
    ASSERT_EQ(index.count(), cases.size());
    EXPECT_EQ(index.repaired_strings(), 2 * repaired);  // name and output of each
    for (std::size_t i = 0; i < cases.size(); ++i) {
      EXPECT_EQ(index.Summary(i).value().name, cases[i].decoded) << i;
    }
    // The step's text keeps the document's bytes: the JS side decodes it like res.json().
    EXPECT_NE(index.StepJsonText(0).find("a\xFF\xFE"
                                         "b"),
              std::string_view::npos);
  }
  EXPECT_EQ(testing::IndexOutcome(doc, 1, testing::StrictOptions()).substr(0, 15),
            "invalid_json@27");
}

TEST(JsonTextRulesTest, IllFormedBytesOutsideStringsAreErrorsUnderBothRules) {
  // U+FFFD is not JSON whitespace nor a token: JSON.parse refuses the decoded text too.
  for (const JsonTextRules rules : {JsonTextRules::kLikeJsonParse, JsonTextRules::kStrict}) {
    EXPECT_EQ(testing::ScanWithCuts("[1,\xFF 2]", {}, 512, rules).result, "invalid_json@3");
    EXPECT_EQ(testing::ScanWithCuts("[1] \xC3\xA9", {}, 512, rules).result, "invalid_json@4");
    EXPECT_EQ(testing::ScanWithCuts("{\"a\"\xA0:1}", {}, 512, rules).result, "invalid_json@4");
  }
}

TEST(JsonTextRulesTest, TheRulesDifferOnlyWhereJsonParseAcceptsMore) {
  struct Case {
    std::string doc;
    std::string like_json_parse;
    std::string strict;
  };
  const std::vector<Case> cases = {
      {"[\"\xFF\"]", "ok", "invalid_json@2"},
      {R"(["\ud800"])", "ok", "invalid_json@8"},
      {R"(["\udc00x"])", "ok", "invalid_json@2"},
      {R"(["\ud800\ud800\udc00"])", "ok", "invalid_json@8"},
      {"[1e400, -1E+999999999999, 0.1e-99999]", "ok", "invalid_json@1"},
      {R"(["\ud800\u00zz"])", "invalid_json@12", "invalid_json@12"},  // a bad escape stays bad
      {R"(["\ud800)", "truncated@8", "truncated@8"},
      {"[\"a\x01\"]", "invalid_json@3", "invalid_json@3"},  // raw controls stay errors
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.doc));
    for (std::size_t chunk = 1; chunk <= c.doc.size(); ++chunk) {
      EXPECT_EQ(testing::ScanInChunks(c.doc, chunk, 512, JsonTextRules::kLikeJsonParse).result,
                c.like_json_parse)
          << "chunk " << chunk;
      EXPECT_EQ(testing::ScanInChunks(c.doc, chunk, 512, JsonTextRules::kStrict).result, c.strict)
          << "chunk " << chunk;
    }
  }
}

TEST(JsonTextRulesTest, StrictJsonValueCheckIsWhatNlohmannCanDecode) {
  const auto strict = [](std::string_view text) { return detail::IsStrictJsonValue(text, 512); };
  EXPECT_TRUE(strict(R"({"a":[1,2.5e3,"\u00e9"]})"));
  EXPECT_TRUE(strict(" 1 "));
  EXPECT_FALSE(strict("1e400"));
  EXPECT_FALSE(strict(R"("\ud800")"));
  EXPECT_FALSE(strict("\"\xFF\""));
  EXPECT_FALSE(strict("[1"));
  EXPECT_FALSE(strict("1 2"));
  // The same check by JSON.parse's rules, with the scanner's typed errors.
  const auto check = [](std::string_view text) {
    const auto error = detail::CheckJsonValue(text, 512, JsonTextRules::kLikeJsonParse);
    return error ? testing::DescribeError(*error) : std::string("ok");
  };
  EXPECT_EQ(check("1e400"), "ok");
  EXPECT_EQ(check(R"("\ud800")"), "ok");
  EXPECT_EQ(check("[1,"), "truncated@3");
  EXPECT_EQ(check("[1,]"), "invalid_json@3");
}

}  // namespace
}  // namespace job_detail
