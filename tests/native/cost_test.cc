#include "job_detail/cost.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace job_detail {
namespace {

// "none", "invalid", or the canonical decimal: one comparable string per outcome.
std::string Describe(const Cost& cost) {
  switch (cost.kind) {
    case CostKind::kNone:
      return "none";
    case CostKind::kInvalid:
      return "invalid";
    case CostKind::kValid:
      break;
  }
  return cost.value.ToCanonicalString();
}
std::string FromJson(std::string_view text) { return Describe(ParseCostJsonText(text)); }
std::string FromString(std::string_view text) { return Describe(ParseCostString(text)); }
std::string Display(std::string_view json_text) {
  return FormatCostDisplay(ParseCostJsonText(json_text));
}

const std::string kDash = "\xE2\x80\x94";

// --- JSON value kinds -------------------------------------------------------------------------

TEST(CostParseTest, NullIsNoCostAndDistinctFromInvalid) {
  EXPECT_EQ(FromJson("null"), "none");
  EXPECT_EQ(FromJson("  null\n"), "none");
  EXPECT_EQ(FromJson("nul"), "invalid");
  EXPECT_EQ(FromJson("nullx"), "invalid");
  EXPECT_EQ(Cost().kind, CostKind::kNone);  // missing member: the default
}

TEST(CostParseTest, NonNumericJsonValuesAreInvalid) {
  for (const char* text : {"true", "false", "{}", "{\"a\":1}", "[]", "[1]", "", "   ", "abc", "NaN",
                           "Infinity", "-Infinity"}) {
    EXPECT_EQ(FromJson(text), "invalid") << text;
  }
}

TEST(CostParseTest, NumbersComeFromTheirTextNotADouble) {
  EXPECT_EQ(FromJson("0.5"), "0.5");
  EXPECT_EQ(FromJson("0.1"), "0.1");  // a double would be 0.1000000000000000055...
  EXPECT_EQ(FromJson("1537.19"), "1537.19");
  EXPECT_EQ(FromJson("-2"), "-2");
  EXPECT_EQ(FromJson("0"), "0");
  EXPECT_EQ(FromJson("-0"), "0");
  EXPECT_EQ(FromJson("0.000123"), "0.000123");
  EXPECT_EQ(FromJson("123456789012.345678901234"), "123456789012.345678901234");
  EXPECT_EQ(FromJson(" \t0.25\r\n"), "0.25");
}

TEST(CostParseTest, JsonNumbersFollowTheStrictGrammar) {
  EXPECT_EQ(FromJson("1E3"), "1000");
  EXPECT_EQ(FromJson("1e+3"), "1000");
  EXPECT_EQ(FromJson("12.5e-1"), "1.25");
  EXPECT_EQ(FromJson("-0.0"), "0");
  // Not JSON numbers, although the string rules accept some of them.
  for (const char* text : {"007", "+1", ".5", "5.", "1e", "1e+", "--1", "0x10", "1.2.3", "$1",
                           "1,234", "- 1", "1 2"}) {
    EXPECT_EQ(FromJson(text), "invalid") << text;
  }
}

TEST(CostParseTest, JsonStringsAreDecodedThenReadByTheStringRules) {
  EXPECT_EQ(FromJson(R"("0.0123")"), "0.0123");
  EXPECT_EQ(FromJson(R"("$1,234.56")"), "1234.56");
  EXPECT_EQ(FromJson(R"("\u0030.5")"), "0.5");
  EXPECT_EQ(FromJson(R"("\u00245")"), "5");        // \u0024 is `$`
  EXPECT_EQ(FromJson(R"("\t5\n")"), "5");          // escaped whitespace is surrounding whitespace
  EXPECT_EQ(FromJson(R"("5\u0000")"), "invalid");  // a NUL is not whitespace
  EXPECT_EQ(FromJson(R"("\x35")"), "invalid");     // not a JSON escape
  EXPECT_EQ(FromJson(R"("\ud800")"), "invalid");   // lone surrogate: not valid JSON text
  EXPECT_EQ(FromJson(R"("5)"), "invalid");         // unterminated
  EXPECT_EQ(FromJson(R"("5" 6)"), "invalid");      // two values
  EXPECT_EQ(FromJson("\"5\x01\""), "invalid");     // raw control character
  EXPECT_EQ(FromJson(R"("")"), "invalid");
}

// --- String rules ----------------------------------------------------------------------------

TEST(CostStringTest, AcceptedFormsFromTheIssue) {
  EXPECT_EQ(FromString("0.0123"), "0.0123");
  EXPECT_EQ(FromString(" $0.5 "), "0.5");
  EXPECT_EQ(FromString("1e-5"), "0.00001");
  EXPECT_EQ(FromString(".5"), "0.5");
  EXPECT_EQ(FromString("-2"), "-2");
  EXPECT_EQ(FromString("1,234.56"), "1234.56");
}

TEST(CostStringTest, RejectedFormsFromTheIssue) {
  for (const char* text : {"", "abc", "NaN", "Infinity", "0x10", "1.2.3"}) {
    EXPECT_EQ(FromString(text), "invalid") << text;
  }
}

TEST(CostStringTest, SignAndDollar) {
  EXPECT_EQ(FromString("+1"), "1");
  EXPECT_EQ(FromString("-$5"), "-5");  // sign first, as the display writes it
  EXPECT_EQ(FromString("+$5"), "5");
  EXPECT_EQ(FromString("$5"), "5");
  EXPECT_EQ(FromString("$-5"), "invalid");
  EXPECT_EQ(FromString("$+5"), "invalid");
  EXPECT_EQ(FromString("--5"), "invalid");
  EXPECT_EQ(FromString("$$5"), "invalid");
  EXPECT_EQ(FromString("- 5"), "invalid");
  EXPECT_EQ(FromString("$ 5"), "invalid");
  EXPECT_EQ(FromString("5$"), "invalid");
  EXPECT_EQ(FromString("$"), "invalid");
  EXPECT_EQ(FromString("-"), "invalid");
  EXPECT_EQ(FromString("USD 5"), "invalid");
}

TEST(CostStringTest, Whitespace) {
  EXPECT_EQ(FromString("\t\n 5 \r"), "5");
  EXPECT_EQ(FromString("   "), "invalid");
  EXPECT_EQ(FromString("5 5"), "invalid");
  EXPECT_EQ(FromString("\xC2\xA0"
                       "5"),
            "invalid");  // no-break space is not ASCII whitespace
}

TEST(CostStringTest, DigitsFractionAndLeadingZeros) {
  EXPECT_EQ(FromString("007"), "7");
  EXPECT_EQ(FromString("00.50"), "0.5");
  EXPECT_EQ(FromString("5."), "5");
  EXPECT_EQ(FromString("."), "invalid");
  EXPECT_EQ(FromString("-.5"), "-0.5");
  EXPECT_EQ(FromString("$.5"), "0.5");
  EXPECT_EQ(FromString("0"), "0");
  EXPECT_EQ(FromString("-0"), "0");
  EXPECT_EQ(FromString("1.5.5"), "invalid");
  EXPECT_EQ(FromString("1..5"), "invalid");
}

TEST(CostStringTest, ThousandsSeparators) {
  EXPECT_EQ(FromString("1,234"), "1234");
  EXPECT_EQ(FromString("12,345"), "12345");
  EXPECT_EQ(FromString("123,456"), "123456");
  EXPECT_EQ(FromString("1,234,567.89"), "1234567.89");
  EXPECT_EQ(FromString("-$1,234.50"), "-1234.5");  // the display's own output reads back
  for (const char* text : {"12,34", ",123", "1,2345", "1234,567", "1,234,56", "1,,234", "1,",
                           "1,234,", "0,123", "1.234,5", "1,234.5,6", ",", "1,23a"}) {
    EXPECT_EQ(FromString(text), "invalid") << text;
  }
}

TEST(CostStringTest, Exponents) {
  EXPECT_EQ(FromString("1E3"), "1000");
  EXPECT_EQ(FromString("1e+3"), "1000");
  EXPECT_EQ(FromString("2.5E-3"), "0.0025");
  EXPECT_EQ(FromString("1,234e2"), "123400");
  EXPECT_EQ(FromString("1e-12"), "0.000000000001");
  EXPECT_EQ(FromString("1e-13"), "0");  // below half a unit: rounds to zero, still valid
  EXPECT_EQ(FromString("5e-13"), "0");  // exactly half: ties to even (0)
  EXPECT_EQ(FromString("6e-13"), "0.000000000001");
  EXPECT_EQ(FromString("1e-999999999999999999999"), "0");  // huge exponents are clamped
  EXPECT_EQ(FromString("1e999999999999999999999"), "invalid");
  EXPECT_EQ(FromString("0e999999999999"), "0");
  EXPECT_EQ(FromString("1e"), "invalid");
  EXPECT_EQ(FromString("1e-"), "invalid");
  EXPECT_EQ(FromString("e5"), "invalid");
  EXPECT_EQ(FromString("1e5.5"), "invalid");
  EXPECT_EQ(FromString("1e,5"), "invalid");
}

// --- Range and rounding ------------------------------------------------------------------------

TEST(CostRangeTest, MagnitudeAtOrAbove1e12IsInvalid) {
  EXPECT_EQ(FromJson("1e12"), "invalid");
  EXPECT_EQ(FromJson("1000000000000"), "invalid");
  EXPECT_EQ(FromJson("-1000000000000"), "invalid");
  EXPECT_EQ(FromJson("1e400"), "invalid");  // no overflow, no abort
  EXPECT_EQ(FromString("1,000,000,000,000"), "invalid");
  EXPECT_EQ(FromJson("999999999999"), "999999999999");
  EXPECT_EQ(FromJson("999999999999.999999999999"), "999999999999.999999999999");
  EXPECT_EQ(FromJson("-999999999999.999999999999"), "-999999999999.999999999999");
  // Rounding to 12 fractional digits reaches 1e12: out of range.
  EXPECT_EQ(FromJson("999999999999.9999999999995"), "invalid");
  EXPECT_EQ(FromJson("999999999999.9999999999994"), "999999999999.999999999999");
}

TEST(CostRangeTest, MoreThan12FractionalDigitsRoundHalfEven) {
  EXPECT_EQ(FromJson("0.0000000000015"), "0.000000000002");      // tie, 1 is odd: up
  EXPECT_EQ(FromJson("0.0000000000025"), "0.000000000002");      // tie, 2 is even: stays
  EXPECT_EQ(FromJson("0.00000000000250001"), "0.000000000003");  // above the tie
  EXPECT_EQ(FromJson("0.0000000000024999"), "0.000000000002");
  EXPECT_EQ(FromJson("-0.0000000000015"), "-0.000000000002");  // symmetric for negatives
  EXPECT_EQ(FromJson("-0.0000000000025"), "-0.000000000002");
  EXPECT_EQ(FromJson("1.0000000000005"), "1");
  EXPECT_EQ(FromJson("1.0000000000015"), "1.000000000002");
  EXPECT_EQ(FromJson("0.1234567890125"), "0.123456789012");
  EXPECT_EQ(FromJson("0.1234567890135"), "0.123456789014");
  EXPECT_EQ(FromJson("0.00000000000050000000000000000000001"), "0.000000000001");
  EXPECT_EQ(FromJson("0.0000000000005"), "0");
  EXPECT_EQ(FromJson("0.00000000000049999"), "0");
}

TEST(CostRangeTest, LongDigitStrings) {
  const std::string zeros(5000, '0');
  EXPECT_EQ(FromJson("0." + zeros + "1"), "0");
  EXPECT_EQ(FromString(zeros + "42"), "42");
  EXPECT_EQ(FromJson("1" + zeros), "invalid");
  EXPECT_EQ(FromJson("1." + zeros + "1"), "1");
}

// --- Display ---------------------------------------------------------------------------------

TEST(CostDisplayTest, InvalidAndNoCostShowADash) {
  EXPECT_EQ(FormatCostDisplay(Cost::None()), kDash);
  EXPECT_EQ(FormatCostDisplay(Cost::Invalid()), kDash);
  EXPECT_EQ(Display("null"), kDash);
  EXPECT_EQ(Display("\"abc\""), kDash);
  EXPECT_EQ(Display("true"), kDash);
}

TEST(CostDisplayTest, ExamplesFromTheIssue) {
  EXPECT_EQ(Display("0"), "$0.00");
  EXPECT_EQ(Display("1234.5"), "$1,234.50");
  EXPECT_EQ(Display("\"0.000123\""), "$0.000123");
  EXPECT_EQ(Display("0.00123"), "$0.00123");
  EXPECT_EQ(Display("0.005"), "$0.005");
  EXPECT_EQ(Display("0.009999"), "$0.01");
  EXPECT_EQ(Display("-1234.5"), "-$1,234.50");
  EXPECT_EQ(Display("0.0000001"), "<$0.000001");
  EXPECT_EQ(Display("-0.0000001"), ">-$0.000001");
}

TEST(CostDisplayTest, ZeroIncludingNegativeZeroAndRoundedAway) {
  EXPECT_EQ(Display("-0"), "$0.00");
  EXPECT_EQ(Display("\"-0.00\""), "$0.00");
  EXPECT_EQ(Display("1e-13"), "$0.00");  // rounds to zero when parsed
}

TEST(CostDisplayTest, TwoDecimalsHalfAwayFromZero) {
  EXPECT_EQ(Display("0.01"), "$0.01");
  EXPECT_EQ(Display("0.015"), "$0.02");
  EXPECT_EQ(Display("0.025"), "$0.03");  // half away, not half even
  EXPECT_EQ(Display("-0.025"), "-$0.03");
  EXPECT_EQ(Display("0.0249999"), "$0.02");
  EXPECT_EQ(Display("1.005"), "$1.01");
  EXPECT_EQ(Display("2.675"), "$2.68");  // a double would give 2.67
  EXPECT_EQ(Display("999.995"), "$1,000.00");
  EXPECT_EQ(Display("1537.19"), "$1,537.19");
  EXPECT_EQ(Display("1"), "$1.00");
  EXPECT_EQ(Display("999"), "$999.00");
  EXPECT_EQ(Display("1000"), "$1,000.00");
  EXPECT_EQ(Display("123456.7"), "$123,456.70");
  EXPECT_EQ(Display("1234567.891"), "$1,234,567.89");
  EXPECT_EQ(Display("999999999999.99"), "$999,999,999,999.99");
  EXPECT_EQ(Display("999999999999.994"), "$999,999,999,999.99");
  EXPECT_EQ(Display("999999999999.995"), "$1,000,000,000,000.00");
  EXPECT_EQ(Display("-999999999999.995"), "-$1,000,000,000,000.00");
}

TEST(CostDisplayTest, ThreeSignificantDigitsBelowACent) {
  EXPECT_EQ(Display("0.001234"), "$0.00123");
  EXPECT_EQ(Display("0.001235"), "$0.00124");  // half away from zero
  EXPECT_EQ(Display("-0.001235"), "-$0.00124");
  EXPECT_EQ(Display("0.0050"), "$0.005");
  EXPECT_EQ(Display("0.00500049"), "$0.005");
  EXPECT_EQ(Display("0.0012"), "$0.0012");
  EXPECT_EQ(Display("0.000001"), "$0.000001");
  EXPECT_EQ(Display("0.0000012345"), "$0.00000123");
  EXPECT_EQ(Display("0.0000019999"), "$0.000002");
  EXPECT_EQ(Display("0.0099949"), "$0.00999");
  EXPECT_EQ(Display("0.00999499999"), "$0.00999");
  EXPECT_EQ(Display("0.0099950"), "$0.01");  // rounding reaches a cent: two decimals
  EXPECT_EQ(Display("0.0099995"), "$0.01");
  EXPECT_EQ(Display("-0.009999"), "-$0.01");
  EXPECT_EQ(Display("0.00999949"), "$0.01");
}

TEST(CostDisplayTest, BelowOneMillionth) {
  EXPECT_EQ(Display("0.000000999999"), "<$0.000001");
  EXPECT_EQ(Display("0.000000000001"), "<$0.000001");
  EXPECT_EQ(Display("-0.000000999999"), ">-$0.000001");
  EXPECT_EQ(Display("0.0000009995"), "<$0.000001");  // the exact value decides, not its rounding
}

// --- Totals ----------------------------------------------------------------------------------

TEST(CostTotalTest, EmptyTotal) {
  const CostTotal total;
  EXPECT_EQ(total.canonical(), "0");
  EXPECT_EQ(total.display(), "$0.00");
  EXPECT_EQ(total.no_cost(), 0u);
  EXPECT_EQ(total.invalid_cost(), 0u);
  EXPECT_EQ(total.valid_cost(), 0u);
}

TEST(CostTotalTest, ExactSumAndExcludedCounts) {
  CostTotal total;
  for (const char* text :
       {"0.1", "\"0.2\"", "null", "\"abc\"", "1537.19", "\"$1,000\"", "true", "\"-0.49\""}) {
    total.Add(ParseCostJsonText(text));
  }
  total.Add(Cost::None());  // a step without cost_usd
  EXPECT_EQ(total.canonical(), "2537");
  EXPECT_EQ(total.display(), "$2,537.00");
  EXPECT_EQ(total.sum(), Decimal::FromInteger(2537));
  EXPECT_EQ(total.valid_cost(), 5u);
  EXPECT_EQ(total.no_cost(), 2u);
  EXPECT_EQ(total.invalid_cost(), 2u);
}

TEST(CostTotalTest, TinyValuesAddUpExactly) {
  CostTotal total;
  for (int i = 0; i < 1000; ++i) total.Add(ParseCostJsonText("0.000000123"));
  EXPECT_EQ(total.canonical(), "0.000123");
  EXPECT_EQ(total.display(), "$0.000123");
}

TEST(CostTotalTest, SumMayPassTheSingleValueLimit) {
  CostTotal total;
  total.Add(ParseCostJsonText("999999999999"));
  total.Add(ParseCostJsonText("999999999999"));
  EXPECT_EQ(total.canonical(), "1999999999998");
  EXPECT_EQ(total.display(), "$1,999,999,999,998.00");
}

// Plain decimals (how costs are written) take a reader of their own; the same value with an
// exponent goes through the general one. Both must agree on every digit count, rounding midpoint
// and limit, as a JSON number and as a string.
TEST(CostParseTest, PlainDecimalsReadAsTheGeneralGrammarReadsThem) {
  std::mt19937_64 random(20261203);
  const auto digits = [&](int count) {
    std::string out;
    for (int i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + random() % 10));
    return out;
  };
  std::vector<std::string> numbers = {"0",
                                      "-0",
                                      "0.0",
                                      "1",
                                      "0.241895",
                                      "999999999999",
                                      "1000000000000",
                                      "999999999999.9999999999995",
                                      "0.0000000000005",
                                      "0.0000000000015",
                                      "0.0000000000025",
                                      "0.00000000000050000001",
                                      "0.0000000000004999",
                                      "123456789012345678",
                                      "1234567890123456789",
                                      "0.123456789012345678",
                                      "0.1234567890123456789",
                                      "0.000000000000000000000000005",
                                      "01",
                                      "-01.5",
                                      "1.",
                                      ".5",
                                      "-",
                                      "--1",
                                      "1.5.5"};
  for (int i = 0; i < 2000; ++i) {
    std::string number = random() % 4 == 0 ? "-" : "";
    number += digits(1 + static_cast<int>(random() % 14));
    if (random() % 3 != 0) number += "." + digits(1 + static_cast<int>(random() % 24));
    numbers.push_back(number);
  }
  for (const std::string& number : numbers) {
    for (const std::string& text : {number, "\"" + number + "\""}) {
      const std::string general = text.front() == '"' ? "\"" + number + "e0\"" : number + "e0";
      EXPECT_EQ(FromJson(text), FromJson(general)) << text;
    }
  }
}

TEST(CostTest, Equality) {
  EXPECT_EQ(ParseCostJsonText("0.50"), ParseCostJsonText("\"$.5\""));
  EXPECT_EQ(Cost::Invalid(), ParseCostJsonText("[]"));
  EXPECT_FALSE(Cost::Invalid() == Cost::None());
  EXPECT_FALSE(ParseCostJsonText("1") == ParseCostJsonText("2"));
}

}  // namespace
}  // namespace job_detail
