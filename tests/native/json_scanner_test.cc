#include "job_detail/detail/json_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "json_scan_test_util.h"

namespace job_detail {
namespace {

using testing::ScanInChunks;
using testing::ScanResult;
using testing::ScanWithCuts;

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

TEST(JsonScannerTest, AcceptsEveryKindOfValue) {
  for (const char* doc :
       {"[]", "{}", "0", "-0", "1.5e+3", "-12.0E-7", "true", "false", "null", "\"\"",
        " \t\r\n[ 1 , \"a\" , { \"k\" : [ ] } ] \n", "{\"a\":{\"b\":{\"c\":[1,[2,[3]]]}}}",
        "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"", "\"\\u0000\"",
        "[1e308, -1.7976931348623157e308, 1e-400, 0.0000001e-300]"}) {
    EXPECT_EQ(ScanResult(doc), "ok") << doc;
  }
}

TEST(JsonScannerTest, AcceptsValidUtf8AtEveryLength) {
  // U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF, and the edges around the surrogates.
  const std::string doc =
      "\"" + Bytes({0xC2, 0x80, 0xDF, 0xBF, 0xE0, 0xA0, 0x80, 0xEF, 0xBF, 0xBF, 0xF0, 0x90,
                    0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, 0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80}) +
      "\"";
  EXPECT_EQ(ScanResult(doc), "ok");
}

TEST(JsonScannerTest, ReportsTokensWithDepthsAndSpans) {
  const auto outcome = ScanWithCuts("{\"a\":[1,\"x\\n\",true],\"b\":null}", {});
  ASSERT_EQ(outcome.result, "ok");
  using K = detail::JsonEventKind;
  auto token = [](K kind, int depth, int begin, int end, bool escapes = false) {
    return std::to_string(static_cast<int>(kind)) + ":" + std::to_string(depth) + ":" +
           std::to_string(begin) + "-" + std::to_string(end) + (escapes ? "e" : "");
  };
  const std::vector<std::string> expected = {
      token(K::kBeginObject, 0, 0, 1),   token(K::kKey, 1, 1, 4),
      token(K::kBeginArray, 1, 5, 6),    token(K::kNumber, 2, 6, 7),
      token(K::kString, 2, 8, 13, true), token(K::kTrue, 2, 14, 18),
      token(K::kEndArray, 1, 18, 19),    token(K::kKey, 1, 20, 23),
      token(K::kNull, 1, 24, 28),        token(K::kEndObject, 0, 28, 29)};
  EXPECT_EQ(outcome.tokens, expected);
}

struct ErrorCase {
  std::string doc;
  std::string expected;  // code@offset
};

TEST(JsonScannerTest, ReportsTheOffendingByteOfEachError) {
  const std::vector<ErrorCase> cases = {
      {"[1,]", "invalid_json@3"},
      {"[01]", "invalid_json@2"},
      {"{\"a\" 1}", "invalid_json@5"},
      {"{1:2}", "invalid_json@1"},
      {"{\"a\":1,}", "invalid_json@7"},
      {"[1 2]", "invalid_json@3"},
      {"{\"a\":1]", "invalid_json@6"},
      {"\"\\x\"", "invalid_json@2"},
      {"\"\\u12G4\"", "invalid_json@5"},
      {"\"\\uD800\"", "invalid_json@7"},         // high surrogate, then no escape
      {"\"\\uD800\\n\"", "invalid_json@7"},      // high surrogate, then another escape
      {"\"\\uD800\\u0041\"", "invalid_json@7"},  // high surrogate, then a non-low escape
      {"\"\\uD800\\uDBFF\"", "invalid_json@7"},  // two highs
      {"\"\\uD800\\uDC0Z\"", "invalid_json@12"},
      {"\"\\uDC00\"", "invalid_json@1"},  // lone low surrogate
      {"\"a\x01\"", "invalid_json@2"},
      {"\"a\tb\"", "invalid_json@2"},
      {"\"" + Bytes({0xC0, 0x80}) + "\"", "invalid_json@1"},              // overlong lead
      {"\"" + Bytes({0xE0, 0x80, 0x80}) + "\"", "invalid_json@2"},        // overlong 3-byte
      {"\"" + Bytes({0xED, 0xA0, 0x80}) + "\"", "invalid_json@2"},        // encoded surrogate
      {"\"" + Bytes({0xF4, 0x90, 0x80, 0x80}) + "\"", "invalid_json@2"},  // > U+10FFFF
      {"\"" + Bytes({0xF5, 0x80, 0x80, 0x80}) + "\"", "invalid_json@1"},
      {"\"" + Bytes({0xC3}) + "(\"", "invalid_json@2"},  // bad continuation
      {"\"" + Bytes({0xE2, 0x82}) + "\"", "invalid_json@3"},
      {"\"" + Bytes({0x80}) + "\"", "invalid_json@1"},  // stray continuation
      {Bytes({0xC3, 0xA9}), "invalid_json@0"},          // non-ASCII outside a string
      {"1 2", "invalid_json@2"},
      {"[1]x", "invalid_json@3"},
      {"[1]" + Bytes({0}), "invalid_json@3"},
      {Bytes({0}), "invalid_json@0"},
      {"[1," + Bytes({0}) + "]", "invalid_json@3"},
      {"\"a" + Bytes({0}) + "\"", "invalid_json@2"},
      {"trux", "invalid_json@3"},
      {"nul1", "invalid_json@3"},
      {"truex", "invalid_json@4"},
      {"-a", "invalid_json@1"},
      {"1.e5", "invalid_json@2"},
      {"1e+x", "invalid_json@3"},
      {".5", "invalid_json@0"},
      {"+1", "invalid_json@0"},
      {"[\f]", "invalid_json@1"},
      {"1e400", "invalid_json@0"},  // not finite as a double: nlohmann rejects it too
      {"[1.8e308]", "invalid_json@1"},
      {"[-1e400]", "invalid_json@1"},
      {"[" + std::string(400, '9') + "]", "invalid_json@1"},
      {Bytes({0xEF, 0xBB}) + "[]", "invalid_json@2"},
      {"[]" + Bytes({0xEF, 0xBB, 0xBF}), "invalid_json@2"},
      // Incomplete input: truncated at the input's length.
      {"", "truncated@0"},
      {"  \n", "truncated@3"},
      {"[", "truncated@1"},
      {"{\"a\"", "truncated@4"},
      {"{\"a\":", "truncated@5"},
      {"\"abc", "truncated@4"},
      {"\"\\", "truncated@2"},
      {"\"\\u12", "truncated@5"},
      {"\"\\uD800", "truncated@7"},
      {"\"\\uD800\\u", "truncated@9"},
      {"\"" + Bytes({0xE2, 0x82}), "truncated@3"},
      {"tru", "truncated@3"},
      {"-", "truncated@1"},
      {"1.", "truncated@2"},
      {"1e", "truncated@2"},
      {"1e-", "truncated@3"},
      {Bytes({0xEF, 0xBB}), "truncated@2"},
  };
  for (const ErrorCase& c : cases) {
    EXPECT_EQ(ScanResult(c.doc), c.expected) << ::testing::PrintToString(c.doc);
    // The same outcome one byte at a time: errors never depend on the chunking.
    EXPECT_EQ(ScanInChunks(c.doc, 1).result, c.expected) << ::testing::PrintToString(c.doc);
  }
}

TEST(JsonScannerTest, AcceptsABomAtTheStartOnly) {
  EXPECT_EQ(ScanResult(Bytes({0xEF, 0xBB, 0xBF}) + "[1]"), "ok");
  EXPECT_EQ(ScanResult(Bytes({0xEF, 0xBB, 0xBF}) + " 7 "), "ok");
  EXPECT_EQ(ScanResult(" " + Bytes({0xEF, 0xBB, 0xBF}) + "[1]"), "invalid_json@1");
}

TEST(JsonScannerTest, LimitsNestingDepth) {
  EXPECT_EQ(ScanResult("[[[1]]]", 3), "ok");
  EXPECT_EQ(ScanResult("[[[[1]]]]", 3), "too_deep@3");
  EXPECT_EQ(ScanResult("{\"a\":{\"b\":{\"c\":{}}}}", 3), "too_deep@15");
  EXPECT_EQ(ScanResult(std::string(512, '[') + std::string(512, ']')), "ok");
  EXPECT_EQ(ScanResult(std::string(513, '[') + std::string(513, ']')), "too_deep@512");
}

TEST(JsonScannerTest, SurvivesAMillionOpeningBrackets) {
  EXPECT_EQ(ScanResult(std::string(1'000'000, '[')), "too_deep@512");
  EXPECT_EQ(ScanResult(std::string(1'000'000, '['), 2'000'000), "truncated@1000000");
}

TEST(JsonScannerTest, TheSameTokensAtEveryChunkBoundary) {
  const std::string doc =
      "\xEF\xBB\xBF{\"execution_steps\": [{\"step_number\": -12.5e+3, \"output\": \"<p>caf\xC3\xA9 "
      "\\u00e9\\uD83D\\uDE00 \xF0\x9F\x98\x80 \xE2\x82\xAC plain ascii text that runs on</p>\", "
      "\"ok\": true, \"none\": null, \"no\": false, \"n\": [0, 1, 20, 3.25, 4E2]}]}  ";
  const auto whole = ScanWithCuts(doc, {});
  ASSERT_EQ(whole.result, "ok");
  for (std::size_t cut = 1; cut < doc.size(); ++cut) {
    ASSERT_EQ(ScanWithCuts(doc, {cut}), whole) << "cut at " << cut;
  }
  for (std::size_t first = 1; first + 1 < doc.size(); first += 3) {
    ASSERT_EQ(ScanWithCuts(doc, {first, first + 1}), whole) << "cuts at " << first;
  }
  EXPECT_EQ(ScanInChunks(doc, 1), whole);
}

TEST(JsonScannerTest, LongStringsAndNumbersResumeWithoutRescanning) {
  // A 1 MB string and a 100 KB number (a long fraction: finite) fed in 7-byte chunks: linear, and
  // the same tokens.
  std::string doc = "[\"";
  for (int i = 0; i < 100'000; ++i) doc += i % 3 == 0 ? "caf\xC3\xA9 abc" : "0123456789";
  doc += "\", 0.";
  doc += std::string(100'000, '7');
  doc += "]";
  EXPECT_EQ(ScanInChunks(doc, 7), ScanWithCuts(doc, {}));
  EXPECT_EQ(ScanWithCuts(doc, {}).result, "ok");
}

}  // namespace
}  // namespace job_detail
