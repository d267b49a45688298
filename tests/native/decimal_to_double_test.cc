#include "job_detail/detail/decimal_to_double.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace job_detail::detail {
namespace {

// The reference: the C library's strtod, which rounds correctly (glibc natively; musl in wasm).
void ExpectSameAsStrtod(const std::string& text) {
  char* end = nullptr;
  const double expected = std::strtod(text.c_str(), &end);
  std::size_t used = 0;
  const double got = DecimalToDouble(text.c_str(), &used);
  std::uint64_t expected_bits = 0;
  std::uint64_t got_bits = 0;
  std::memcpy(&expected_bits, &expected, sizeof expected);
  std::memcpy(&got_bits, &got, sizeof got);
  EXPECT_EQ(got_bits, expected_bits) << text << ": " << got << " vs " << expected;
  EXPECT_EQ(used, static_cast<std::size_t>(end - text.c_str())) << text;
}

TEST(DecimalToDoubleTest, PlainNumbers) {
  for (const char* text : {"0",
                           "-0",
                           "1",
                           "-1",
                           "0.5",
                           "1.5",
                           "123456789",
                           "1234567890",
                           "12345678901234567890",
                           "3.14159",
                           "1e10",
                           "1E-10",
                           "2.5e+3",
                           "-0.0",
                           "0.000",
                           "100",
                           "1e0",
                           "0.1",
                           "0.2",
                           "0.3",
                           "9007199254740993",
                           "9007199254740992",
                           "123456789012345678",
                           "1.7976931348623157e308",
                           "1.7976931348623158e308",
                           "1.7976931348623159e308",
                           "2e308",
                           "-1e400",
                           "4.9e-324",
                           "2.4703282292062327e-324",
                           "2.4703282292062328e-324",
                           "1e-400",
                           "2.2250738585072011e-308",
                           "2.2250738585072014e-308",
                           "0.00000000000000000000000000000000000001",
                           "1e-7"}) {
    ExpectSameAsStrtod(text);
  }
}

TEST(DecimalToDoubleTest, StopsWhereTheNumberEnds) {
  for (const char* text : {"1e", "1e+", "1E-x", "12abc", "1.5.3", "7,8", "-", "", "x", "+5", "1.",
                           ".5", "1.e5", ".", "-.e1"}) {
    ExpectSameAsStrtod(text);
  }
  std::size_t used = 1;
  EXPECT_EQ(DecimalToDouble("abc", &used), 0.0);
  EXPECT_EQ(used, 0U);
}

TEST(DecimalToDoubleTest, ExtremeExponentsAndDigitCounts) {
  ExpectSameAsStrtod("1e99999999999999999999");
  ExpectSameAsStrtod("1e-99999999999999999999");
  ExpectSameAsStrtod("0e99999");
  ExpectSameAsStrtod(std::string(2000, '9'));
  ExpectSameAsStrtod("0." + std::string(2000, '0') + "1e2010");
  ExpectSameAsStrtod("1" + std::string(1500, '0') + "e-1500");
  ExpectSameAsStrtod(std::string(400, '1') + "e-700");
}

// Halfway between two neighbouring doubles, written exactly, is where rounding is decided: ties
// go to even, and any further nonzero digit rounds up. A long double holds each midpoint exactly
// (64-bit or 113-bit mantissa), and printf writes it with every digit.
TEST(DecimalToDoubleTest, MidpointsAndTheirNeighbours) {
  static_assert(LDBL_MANT_DIG > DBL_MANT_DIG);
  std::mt19937_64 random(42);
  std::vector<char> buffer(1200);
  for (int n = 0; n < 3000; ++n) {
    std::uint64_t bits = random() & 0x7fefffffffffffffULL;  // finite
    if (n % 4 == 0) bits &= 0x000fffffffffffffULL;          // subnormal
    double low = 0;
    std::memcpy(&low, &bits, sizeof low);
    const double high = std::nextafter(low, INFINITY);
    const long double mid = (static_cast<long double>(low) + high) / 2;
    std::snprintf(buffer.data(), buffer.size(), "%.800Le", mid);
    std::string text(buffer.data());
    const std::size_t e = text.find('e');
    std::size_t last = e;
    while (text[last - 1] == '0') --last;
    const std::string exact = text.substr(0, last) + text.substr(e);
    ExpectSameAsStrtod(exact);
    ExpectSameAsStrtod(text.substr(0, last) + "000001" + text.substr(e));
    if (n % 10 == 0) {
      // Past the digits kept exactly, zeros keep the tie and a last nonzero digit breaks it.
      const std::string zeros(1000, '0');
      ExpectSameAsStrtod(text.substr(0, last) + zeros + text.substr(e));
      ExpectSameAsStrtod(text.substr(0, last) + zeros + "1" + text.substr(e));
    }
    // Just below the midpoint: the last nonzero digit one less, then nines.
    std::string below = text.substr(0, last);
    if (below.back() != '.') {
      below.back() = static_cast<char>(below.back() - 1);
      ExpectSameAsStrtod(below + "999999999" + text.substr(e));
    }
  }
}

TEST(DecimalToDoubleTest, RandomDecimalTexts) {
  std::mt19937_64 random(7);
  for (int n = 0; n < 200000; ++n) {
    std::string text;
    if (random() % 4 == 0) text += '-';
    const int int_digits = static_cast<int>(random() % 25);
    const int frac_digits = static_cast<int>(random() % 25);
    for (int i = 0; i < int_digits; ++i) text += static_cast<char>('0' + random() % 10);
    if (int_digits == 0) text += '0';
    if (frac_digits > 0) {
      text += '.';
      for (int i = 0; i < frac_digits; ++i) text += static_cast<char>('0' + random() % 10);
    }
    if (random() % 2 == 0) {
      text += 'e';
      text += std::to_string(static_cast<int>(random() % 700) - 350);
    }
    ExpectSameAsStrtod(text);
  }
}

// Every double written with 17 significant digits reads back as itself.
TEST(DecimalToDoubleTest, RoundTripsEveryDoubleWrittenWith17Digits) {
  std::mt19937_64 random(3);
  char buffer[64];
  for (int n = 0; n < 100000; ++n) {
    const std::uint64_t bits = random() & 0x7fefffffffffffffULL;
    double value = 0;
    std::memcpy(&value, &bits, sizeof value);
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    std::size_t used = 0;
    EXPECT_EQ(DecimalToDouble(buffer, &used), value) << buffer;
    ExpectSameAsStrtod(buffer);
  }
}

}  // namespace
}  // namespace job_detail::detail
