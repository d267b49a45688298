// The explorer's text search: case-folding rules, block boundaries of the vector loop, and the
// strings of a step it looks into (decoded, never across JSON syntax).
#include "job_detail/detail/text_search.h"

#include <gtest/gtest.h>

#include <string>

#include "job_detail/detail/explorer_rows.h"
#include "job_detail/detail/searchable_strings.h"

namespace job_detail::detail {
namespace {

TEST(TextNeedleTest, AsciiLettersMatchAnyCaseOtherBytesExactly) {
  const TextNeedle needle("TimeOut");
  EXPECT_EQ(needle.Find("request timeout after 30s"), 8u);
  EXPECT_EQ(needle.Find("TIMEOUT"), 0u);
  EXPECT_EQ(needle.Find("time out"), std::string_view::npos);
  // Bit 5 flips letters only: `@` and `` ` `` are not one another's case.
  EXPECT_EQ(TextNeedle("a@b").Find("A`B"), std::string_view::npos);
  EXPECT_EQ(TextNeedle("a@b").Find("A@B"), 0u);
  // Other scripts are exact: é matches é, not É.
  EXPECT_EQ(TextNeedle("café").Find("CAFé"), 0u);
  EXPECT_EQ(TextNeedle("café").Find("CAFÉ"), std::string_view::npos);
}

TEST(TextNeedleTest, FindsAtEveryOffsetAcrossVectorBlocks) {
  for (std::size_t length : {1u, 2u, 5u, 16u, 17u, 40u}) {
    const std::string word(length, 'q');
    const TextNeedle needle(word);
    for (std::size_t at = 0; at < 70; ++at) {
      std::string hay(at, '.');
      hay += word;
      hay += std::string(at % 19, ',');
      EXPECT_EQ(needle.Find(hay), at) << "length " << length << " at " << at;
      EXPECT_EQ(needle.Count(hay), 1u);
      hay[at + length - 1] = 'x';  // the last byte differs: no match
      EXPECT_EQ(needle.Find(hay), std::string_view::npos);
    }
  }
}

TEST(TextNeedleTest, CountsNonOverlappingMatchesAndEmptyMatchesNothing) {
  EXPECT_EQ(TextNeedle("aa").Count("aaaaa"), 2u);
  EXPECT_EQ(TextNeedle("ab").Count("ab ab AB"), 3u);
  EXPECT_EQ(TextNeedle("").Count("anything"), 0u);
  EXPECT_EQ(TextNeedle("longer than the text").Find("short"), std::string_view::npos);
}

std::uint32_t CountIn(std::string_view step, std::string_view needle) {
  std::string scratch;
  return SearchStep(step, TextNeedle(needle), &scratch).count;
}

TEST(StepSearchTest, SearchesDecodedTextOfNameModelInputAndOutput) {
  const std::string step =
      R"({"step_name":"say \"hi\"","model":"gpt-4o","input":{"prompt":"caf\u00e9","n":[1,"deep \ud83d\ude00"]},)"
      R"("metadata":{"note":"timeout"},"output":"<p>Timeout</p>\n<p>timeout</p>"})";
  EXPECT_EQ(CountIn(step, "say \"hi\""), 1u);  // the raw text holds `say \"hi\"`
  EXPECT_EQ(CountIn(step, "café"), 1u);        // the raw text holds `caf\u00e9`
  EXPECT_EQ(CountIn(step, "deep 😀"), 1u);      // a surrogate pair, nested in an array
  EXPECT_EQ(CountIn(step, "GPT-4O"), 1u);
  EXPECT_EQ(CountIn(step, "timeout"), 2u);    // the output's two; `metadata` is not searched
  EXPECT_EQ(CountIn(step, "</p>\n<p>"), 1u);  // `\n` decoded
  std::string scratch;
  EXPECT_EQ(SearchStep(step, TextNeedle("gpt"), &scratch).first_field, SearchField::kModel);
}

TEST(StepSearchTest, NeverMatchesAcrossJsonSyntaxOrMemberNames) {
  const std::string step = R"({"name":"ab","model":"cd","output":"x"})";
  EXPECT_EQ(CountIn(step, "ab\",\"model"), 0u);
  EXPECT_EQ(CountIn(step, "bc"), 0u);
  EXPECT_EQ(CountIn(step, "model"), 0u);  // a member name, not text
  EXPECT_EQ(CountIn(step, "u00e9"), 0u);
  EXPECT_EQ(CountIn(R"({"output":"caf\u00e9"})", "u00e9"), 0u);  // escape digits are not text
  EXPECT_EQ(CountIn(R"("a string step")", "string"), 0u);        // not an object: no fields
}

// What a byte search of the raw document would answer, for contrast with the decoded search.
bool RawBytesContain(std::string_view document, std::string_view needle) {
  return TextNeedle(needle).Find(document) != std::string_view::npos;
}

TEST(StepSearchTest, RawContentWithTwoByteEscapesCountsExactlyTheDecodedMatches) {
  // `\n` decodes to a newline: the `n` after the backslash is not text.
  EXPECT_EQ(CountIn(R"({"output":"a\n<p>"})", "n<p>"), 0u);
  // `\\n` is a backslash then a real `n`.
  EXPECT_EQ(CountIn(R"({"output":"a\\n<p>"})", "n<p>"), 1u);
  EXPECT_EQ(CountIn(R"({"output":"x\\\tn<p>"})", "tn<p>"), 0u);
  EXPECT_EQ(CountIn(R"({"output":"class=\"row\" row row"})", "row"), 3u);
  // A needle holding what an escape produces is searched in the decoded text.
  EXPECT_EQ(CountIn(R"({"output":"class=\"row\""})", "=\"row"), 1u);
  EXPECT_EQ(CountIn(R"({"output":"<\/p>"})", "</p>"), 1u);
  // A `\u` escape anywhere in the string: decoded too.
  EXPECT_EQ(CountIn(R"({"output":"caf\u00e9 \n caf"})", "café"), 1u);
  const TextNeedle plain("abc");
  EXPECT_TRUE(plain.SurvivesSimpleEscapes());
  EXPECT_FALSE(TextNeedle("a/b").SurvivesSimpleEscapes());
  EXPECT_FALSE(TextNeedle("a\tb").SurvivesSimpleEscapes());
  EXPECT_EQ(plain.CountInRawContent(R"(abc\abc\\abc)"), 2u);
}

// The raw reading of escaped content against decoding it first, on one content.
void ExpectEscapedCountAsDecoded(const TextNeedle& needle, std::string_view content) {
  std::string scratch;
  const std::size_t decoded = needle.Count(DecodeForSearch(content, true, &scratch));
  const bool unicode = content.find("\\u") != std::string_view::npos;
  if (const auto raw = needle.CountInEscapedContent(content, unicode)) {
    EXPECT_EQ(*raw, decoded) << "needle `" << needle.folded() << "` in `" << content << "`";
  }
}

TEST(StepSearchTest, EscapedContentIsSearchedRawFromTheNeedlesPlainStart) {
  // A needle split by an escape, in `\u` form, in a surrogate pair, in upper-case hex.
  EXPECT_EQ(TextNeedle("say \"hi\"").CountInEscapedContent(R"(I say \"hi\", say "hi)", false), 1u);
  EXPECT_EQ(TextNeedle("café").CountInEscapedContent(R"(caf\u00e9 CAF\u00E9 cafe)", true), 2u);
  EXPECT_EQ(TextNeedle("naïve coöp").CountInEscapedContent(R"(na\u00efve co\u00f6p)", true), 1u);
  EXPECT_EQ(TextNeedle("deep 😀!").CountInEscapedContent(R"(deep \ud83d\ude00! deep \ud83d!)", true),
            1u);
  // A lone surrogate reads as U+FFFD, which a needle may hold.
  EXPECT_EQ(TextNeedle("x\xEF\xBF\xBDy").CountInEscapedContent(R"(x\ud800y x\udc00y)", true), 2u);
  // The anchor never starts inside an escape: the `n` of `\n`, the digits of `\u`.
  EXPECT_EQ(TextNeedle("n<p>").CountInEscapedContent(R"(a\n<p> \\n<p>)", false), 1u);
  EXPECT_EQ(TextNeedle("00e9").CountInEscapedContent(R"(\u00e9 \\u00e9)", true), 1u);
  EXPECT_EQ(TextNeedle("e9x").CountInEscapedContent(R"(\u00e9x)", true), 0u);
  // Matches do not overlap, as Count() counts them.
  EXPECT_EQ(TextNeedle("a\"a").CountInEscapedContent(R"(a\"a\"a\"a)", false), 2u);
  // What the raw reading cannot do is left to a decode: a needle that starts with what an escape
  // produces, or content where a `\u00XX` may stand for an ASCII letter.
  EXPECT_EQ(TextNeedle("\"hi").CountInEscapedContent(R"(\"hi)", false), std::nullopt);
  EXPECT_EQ(TextNeedle("é").CountInEscapedContent(R"(\u00e9)", true), std::nullopt);
  EXPECT_EQ(TextNeedle("abc").CountInEscapedContent(R"(\u0061bc)", true), std::nullopt);
  EXPECT_EQ(CountIn(R"({"output":"\u0061bc \u0041BC"})", "abc"), 2u);
  // ... found at every offset of the vector blocks that look for it.
  for (std::size_t at = 0; at < 40; ++at) {
    const std::string pad(at, 'x');
    EXPECT_EQ(TextNeedle("abc").CountInEscapedContent(pad + R"(\u0061bc abc \u00e9)", true),
              std::nullopt)
        << at;
    EXPECT_EQ(TextNeedle("abc").CountInEscapedContent(pad + R"(\u0080bc abc \u00e9)", true), 1u)
        << at;
  }
  // Through the step walk: a raw hit in a member name or across strings does not count.
  EXPECT_EQ(CountIn(R"({"na\u006de":"x","output":"name\" \u00e9"})", "name\""), 1u);
  EXPECT_EQ(CountIn(R"({"output":"ab\u00e9","name":"cd"})", "é\",\"name"), 0u);
  EXPECT_EQ(CountIn(R"({"output":"x \"quo","input":"ted\" \u00e9"})", "quoted"), 0u);
}

TEST(StepSearchTest, AStepWithoutTheNeedlesPlainStartIsRuledOutWhole) {
  const TextNeedle needle("naïve coöp");
  EXPECT_FALSE(needle.MayMatchIn(R"({"model":"x","output":"\u00efve co\u00f6p"})"));
  EXPECT_TRUE(needle.MayMatchIn(R"({"model":"x","output":"na\u00efve co\u00f6p"})"));
  // `\u006e` is an `n`: the step may match, and does.
  const std::string hidden = R"({"model":"x","output":"\u006ea\u00efve co\u00f6p"})";
  EXPECT_TRUE(needle.MayMatchIn(hidden));
  EXPECT_EQ(CountIn(hidden, "naïve coöp"), 1u);
  // A needle that starts with what an escape produces rules nothing out.
  EXPECT_TRUE(TextNeedle("\"x").MayMatchIn(R"({"output":"y"})"));
}

TEST(StepSearchTest, EscapedContentReadRawCountsAsTheDecodedTextAcrossEveryMix) {
  const std::vector<std::string> pieces = {
      "a",       "b",       "ab",      " ",         "\\\"",    "\\\\",           "\\n",
      "\\/",     "\\u00e9", "\\u00E9", "\\u0061",   "\\u0041", "\\ud83d\\ude00", "\\ud83d",
      "\\udc00", "é",       "😀",       "\\\\u0061", "u",       "\\u2014",        "00e9"};
  const std::vector<std::string> needles = {"ab",  "a\"b", "aé", "a😀",     "a b",           "ba\\a",
                                            "a\n", "b/a",  "a—", "au00e9", "a\xEF\xBF\xBD", "abab",
                                            "aba", "a a a"};
  std::uint32_t seed = 11;
  const auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 16;
  };
  for (int round = 0; round < 4000; ++round) {
    std::string content;
    const int count = static_cast<int>(next() % 14);
    for (int i = 0; i < count; ++i) content += pieces[next() % pieces.size()];
    for (const std::string& needle : needles)
      ExpectEscapedCountAsDecoded(TextNeedle(needle), content);
  }
}

TEST(StepSearchTest, ANaiveByteSearchOfTheRawDocumentIsWrong) {
  const std::string step =
      R"({"name":"a","output":"She said \"stop\" \u2014 caf\u00e9","id":"caf"})";
  // Misses what the user reads ...
  EXPECT_FALSE(RawBytesContain(step, "said \"stop\""));
  EXPECT_EQ(CountIn(step, "said \"stop\""), 1u);
  EXPECT_FALSE(RawBytesContain(step, "— café"));
  EXPECT_EQ(CountIn(step, "— café"), 1u);
  // ... and finds what the user never sees.
  EXPECT_TRUE(RawBytesContain(step, "u2014"));
  EXPECT_EQ(CountIn(step, "u2014"), 0u);
  EXPECT_TRUE(RawBytesContain(step, "\"name\""));
  EXPECT_EQ(CountIn(step, "\"name\""), 0u);
}

TEST(StepSearchTest, FirstMatchSnippetIsCutOnCharacterBoundariesWithUtf16Offsets) {
  std::string output;
  for (int i = 0; i < 60; ++i) output += "é";
  output += "😀 NEEDLE here";
  for (int i = 0; i < 60; ++i) output += "ü";
  const std::string step = R"({"name":"n","output":")" + output + R"("})";
  const auto match = FirstMatch(step, TextNeedle("needle"));
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->count, 1u);
  EXPECT_EQ(match->field, SearchField::kOutput);
  // 40 characters before the match: 38 é, the emoji, the space.
  std::string before;
  for (int i = 0; i < 38; ++i) before += "é";
  before += "😀 ";
  EXPECT_EQ(match->snippet.substr(0, before.size()), before);
  EXPECT_EQ(match->match_start, 38u + 2u + 1u);  // the emoji is two UTF-16 units
  EXPECT_EQ(match->match_end, match->match_start + 6);
  EXPECT_EQ(match->snippet.substr(before.size(), 6), "NEEDLE");
  EXPECT_FALSE(FirstMatch(step, TextNeedle("absent")).has_value());
}

TEST(StepSearchTest, OutputMatchOffsetsAreUtf16OffsetsInTheDecodedOutput) {
  const std::string step =
      R"({"name":"x y","output":"\ud83d\ude00x\n\u00e9x","output_type":"text"})";
  // Decoded: 😀 x \n é x → UTF-16: [0,1]=😀 2=x 3=\n 4=é 5=x
  EXPECT_EQ(OutputMatchOffsets(step, TextNeedle("X")), (std::vector<std::uint32_t>{2, 5}));
  // A repeated member: the last one is the step's output.
  EXPECT_EQ(OutputMatchOffsets(R"({"output":"xx","output":"ax"})", TextNeedle("x")),
            (std::vector<std::uint32_t>{1}));
}

TEST(StepSearchTest, IllFormedTextIsSearchedAsRowsDecodeIt) {
  // A raw 0xFF byte reads as U+FFFD, as TextDecoder reads it.
  const std::string step =
      "{\"output\":\"a\xFF"
      "b\"}";
  EXPECT_EQ(CountIn(step,
                    "a\xEF\xBF\xBD"
                    "b"),
            1u);
  EXPECT_EQ(CountIn(step, "b"), 1u);
  // A lone surrogate escape reads as U+FFFD too.
  EXPECT_EQ(CountIn(R"({"output":"x\ud800y"})", "x\xEF\xBF\xBDy"), 1u);
}

TEST(TimestampTest, ReadsTheFormsWorkersWrite) {
  EXPECT_EQ(ParseTimestampMs("2026-11-29T14:00:00Z"), 1'795'960'800'000);
  EXPECT_EQ(ParseTimestampMs("2026-11-29T14:00:00.123456"), 1'795'960'800'123);
  EXPECT_EQ(ParseTimestampMs("2026-11-29 15:00:00+01:00"), 1'795'960'800'000);
  EXPECT_EQ(ParseTimestampMs("2026-11-29T13:30:00.5-0030"), 1'795'960'800'500);
  EXPECT_EQ(ParseTimestampMs("1795960800"), 1'795'960'800'000);
  EXPECT_EQ(ParseTimestampMs("1795960800123"), 1'795'960'800'123);
  EXPECT_EQ(ParseTimestampMs("yesterday"), std::nullopt);
  EXPECT_EQ(ParseMilliseconds("1500.9"), 1500);
  EXPECT_EQ(ParseMilliseconds("-3"), std::nullopt);
}

}  // namespace
}  // namespace job_detail::detail

namespace job_detail::detail {
namespace {

// Every mix of escapes at every offset across the 64-byte chunks the string scan reads.
TEST(SearchableStringsTest, FindsEachStringsEndAndEscapesAcrossChunks) {
  const std::vector<std::string> pieces = {"a",     "\\\"", "\\\\", "\\n", "\\u00e9",
                                           "\\\\u", "é",    "\"\"", "bb"};
  std::uint32_t seed = 7;
  const auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return seed >> 16;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string content(next() % 70, 'x');
    bool escape = false;
    bool unicode = false;
    const int count = static_cast<int>(next() % 12);
    for (int i = 0; i < count; ++i) {
      std::string piece = pieces[next() % pieces.size()];
      if (piece == "\"\"") piece = "\\\"\\\"";
      escape = escape || piece.find('\\') != std::string::npos;
      unicode = unicode || piece == "\\u00e9";
      content += piece;
      content += std::string(next() % 40, 'y');
    }
    const std::string step = "{\"output\":\"" + content + "\",\"name\":\"zz\"}";
    SearchableStrings strings(step);
    const auto first = strings.Next();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->content, content) << step;
    EXPECT_EQ(first->has_escape, escape) << step;
    EXPECT_EQ(first->has_unicode_escape, unicode) << step;
    const auto second = strings.Next();
    ASSERT_TRUE(second.has_value()) << step;
    EXPECT_EQ(second->content, "zz");
    EXPECT_FALSE(strings.Next().has_value());
  }
}

}  // namespace
}  // namespace job_detail::detail
