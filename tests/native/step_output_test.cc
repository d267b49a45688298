// The `output` facts of a list row: code points counted on the raw JSON string, and the legacy
// 5,000-character truncation rule, directly and through the S3 and DynamoDB rows.
#include "job_detail/step_output.h"

#include <gtest/gtest.h>

#include <string>

#include "job_detail/dynamodb_step_summary.h"
#include "job_detail/job.h"
#include "job_detail/step_index.h"

namespace job_detail {
namespace {

// `chars` code points of HTML: a head, then `filler` repeated, cut to exactly `chars`.
std::string HtmlOfLength(std::size_t chars, std::string_view head = "<!DOCTYPE html><html><body>",
                         std::string_view filler = "é") {
  std::string out(head);
  std::size_t count = head.size();
  while (count < chars) {
    out += filler;
    ++count;
  }
  return out;
}

std::string Quoted(std::string_view escaped_body) {
  return "\"" + std::string(escaped_body) + "\"";
}

TEST(StepOutputTest, CountsCodePointsOfTheDecodedString) {
  EXPECT_EQ(OutputFactsFromJsonString(Quoted("")).chars, 0u);
  EXPECT_EQ(OutputFactsFromJsonString(Quoted("abc")).chars, 3u);
  EXPECT_EQ(OutputFactsFromJsonString(Quoted("é€😀")).chars, 3u);  // 2-, 3- and 4-byte UTF-8
  // Escapes: \" \\ \n are one each; \u00e9 one; a surrogate pair one; \\u is a backslash and `u`.
  EXPECT_EQ(OutputFactsFromJsonString(Quoted(R"(a\"b\\c\nd)")).chars, 7u);
  EXPECT_EQ(OutputFactsFromJsonString(Quoted(R"(\u00e9\uD83D\uDE00x)")).chars, 3u);
  EXPECT_EQ(OutputFactsFromJsonString(Quoted(R"(\ud83d\ude00)")).chars, 1u);
  EXPECT_EQ(OutputFactsFromJsonString(Quoted(R"(\\u0041)")).chars, 6u);
  EXPECT_EQ(OutputFactsOfText("é€😀").chars, 3u);
}

TEST(StepOutputTest, LegacyRuleMarksOnlyUnfinishedHtmlOfExactly5000CodePoints) {
  EXPECT_TRUE(OutputFactsOfText(HtmlOfLength(5000)).truncated_legacy);
  EXPECT_FALSE(OutputFactsOfText(HtmlOfLength(4999)).truncated_legacy);
  EXPECT_FALSE(OutputFactsOfText(HtmlOfLength(5001)).truncated_legacy);
  // A complete page of exactly 5,000 code points (trailing whitespace and case do not matter).
  std::string complete = HtmlOfLength(4991) + "</HTML>\n\n";
  ASSERT_EQ(OutputFactsOfText(complete).chars, 5000u);
  EXPECT_FALSE(OutputFactsOfText(complete).truncated_legacy);
  // Text that is not an HTML page is never marked.
  EXPECT_FALSE(OutputFactsOfText(HtmlOfLength(5000, "plain text ")).truncated_legacy);
  EXPECT_FALSE(OutputFactsOfText(HtmlOfLength(5000, "<htmlx>")).truncated_legacy);
  EXPECT_FALSE(OutputFactsOfText(HtmlOfLength(5000, "<div>")).truncated_legacy);
  // Other page openings: leading whitespace, `<html lang=…>`, lower-case doctype.
  EXPECT_TRUE(OutputFactsOfText(HtmlOfLength(5000, "\n  <html lang=\"de\">")).truncated_legacy);
  EXPECT_TRUE(OutputFactsOfText(HtmlOfLength(5000, "<html>")).truncated_legacy);
  EXPECT_TRUE(OutputFactsOfText(HtmlOfLength(5000, "<!doctype html>")).truncated_legacy);
}

TEST(StepOutputTest, JsonStringAndDecodedTextAgree) {
  // Escaped quotes and newlines make the JSON text longer than the 5,000 code points it holds.
  const std::string text = HtmlOfLength(5000, "<!DOCTYPE html>\n<html lang=\"en\">", "\"");
  std::string escaped;
  for (char c : text) {
    if (c == '"')
      escaped += "\\\"";
    else if (c == '\n')
      escaped += "\\n";
    else
      escaped += c;
  }
  const OutputFacts facts = OutputFactsFromJsonString(Quoted(escaped));
  EXPECT_EQ(facts.chars, 5000u);
  EXPECT_TRUE(facts.truncated_legacy);
  EXPECT_EQ(OutputFactsFromJsonString(Quoted(escaped + "x")).chars, 5001u);
  EXPECT_FALSE(OutputFactsFromJsonString(Quoted(escaped + "x")).truncated_legacy);
}

TEST(StepOutputTest, S3RowsCarryTheOutputFacts) {
  const std::string cut = HtmlOfLength(5000);
  const std::string document =
      "[{\"step_number\":1,\"output\":\"" + cut +
      "\"},{\"step_number\":2,\"output\":\"<p>short</p>\"},"
      "{\"step_number\":3,\"output\":{\"html\":\"x\"}},{\"step_number\":4}]";
  StepIndex index;
  index.Feed(std::string_view(document));
  ASSERT_FALSE(index.Finish().has_value());
  ASSERT_EQ(index.count(), 4u);
  EXPECT_EQ(index.Summary(0).value().output_chars, 5000u);
  EXPECT_TRUE(index.Summary(0).value().output_truncated_legacy);
  EXPECT_EQ(index.Summary(1).value().output_chars, 12u);
  EXPECT_FALSE(index.Summary(1).value().output_truncated_legacy);
  EXPECT_EQ(index.Summary(2).value().output_chars, std::nullopt);  // not a string
  EXPECT_EQ(index.Summary(3).value().output_chars, std::nullopt);  // no output
  EXPECT_FALSE(index.Summary(3).value().output_truncated_legacy);
}

TEST(StepOutputTest, DynamoDbRowsCarryTheOutputFacts) {
  const std::string job_json =
      "{\"id\":\"j\",\"execution_steps\":[{\"step_number\":1,\"output\":\"" + HtmlOfLength(5000) +
      "\"},{\"step_number\":2,\"output\":\"" + HtmlOfLength(4992) + "</html>\"}]}";
  Result<Job> job = ParseJob(job_json);
  ASSERT_TRUE(job.ok());
  const Result<StepRow> cut = SummarizeDynamoDbStep(job.value(), 0);
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut.value().output_chars, 5000u);
  EXPECT_TRUE(cut.value().output_truncated_legacy);
  const Result<StepRow> whole = SummarizeDynamoDbStep(job.value(), 1);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole.value().output_chars, 4999u);
  EXPECT_FALSE(whole.value().output_truncated_legacy);
}

}  // namespace
}  // namespace job_detail

namespace job_detail {
namespace {

StepRow OnlyRow(std::string_view document) {
  StepIndex index;
  index.Feed(document);
  EXPECT_FALSE(index.Finish().has_value());
  return index.Summary(0).value();
}

TEST(StepOutputTest, ARowSaysWhetherTheOutputIsAnHtmlPage) {
  EXPECT_TRUE(OnlyRow(R"([{"output":"<!DOCTYPE html><p>x</p>"}])").output_is_html);
  EXPECT_TRUE(OnlyRow(R"([{"output":"  \n<html lang=\"en\"><p>x</p></html>"}])").output_is_html);
  // Go's encoding/json writes `<` as \u003c: the decoded text is what counts.
  EXPECT_TRUE(OnlyRow(R"([{"output":"\u003c!doctype html\u003e\u003cp\u003ex"}])").output_is_html);
  EXPECT_TRUE(OnlyRow(R"([{"output":"\t\u0020<HTML>"}])").output_is_html);
  // Declared by the worker, whatever the text starts with.
  EXPECT_TRUE(OnlyRow(R"([{"output":"<p>fragment</p>","output_type":"HTML"}])").output_is_html);
  EXPECT_FALSE(OnlyRow(R"([{"output":"<p>fragment</p>"}])").output_is_html);
  EXPECT_FALSE(OnlyRow(R"([{"output":"<htmlish>"}])").output_is_html);
  EXPECT_FALSE(OnlyRow(R"([{"output":"plain","output_type":"text"}])").output_is_html);
  EXPECT_FALSE(OnlyRow(R"([{"output":{"html":"<html>"}}])").output_is_html);
  EXPECT_FALSE(OnlyRow(R"([{"name":"no output"}])").output_is_html);
  // A page whose doctype comes after 300 bytes of whitespace escapes is not recognized: the
  // check reads a bounded start, and the step is then shown as text (never dropped).
  std::string far = R"([{"output":")";
  for (int i = 0; i < 300; ++i) far += "\\n";
  far += R"(<html></html>"}])";
  EXPECT_FALSE(OnlyRow(far).output_is_html);
}

}  // namespace
}  // namespace job_detail
