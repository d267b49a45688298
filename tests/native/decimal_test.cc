#include "job_detail/decimal.h"

#include <gtest/gtest.h>

#include <vector>

namespace job_detail {
namespace {

TEST(DecimalTest, DefaultIsZeroAndCanonicalZeroIsPlainZero) {
  EXPECT_TRUE(Decimal().is_zero());
  EXPECT_EQ(Decimal().ToCanonicalString(), "0");
  EXPECT_EQ((-Decimal()).ToCanonicalString(), "0");
}

TEST(DecimalTest, CanonicalStringHasNoExponentNoTrailingZeros) {
  EXPECT_EQ(Decimal::FromUnits(1'537'190'000'000'000).ToCanonicalString(), "1537.19");
  EXPECT_EQ(Decimal::FromUnits(123'000'000).ToCanonicalString(), "0.000123");
  EXPECT_EQ(Decimal::FromInteger(-2).ToCanonicalString(), "-2");
  EXPECT_EQ(Decimal::FromUnits(1).ToCanonicalString(), "0.000000000001");
  EXPECT_EQ(Decimal::FromUnits(-1).ToCanonicalString(), "-0.000000000001");
  EXPECT_EQ(Decimal::FromInteger(10).ToCanonicalString(), "10");
  EXPECT_EQ(Decimal::FromUnits(10'500'000'000'000).ToCanonicalString(), "10.5");
}

TEST(DecimalTest, CanonicalStringBeyondInt64) {
  // 999999999999.999999999999 needs 24 digits of units: more than int64 holds.
  const Int128 units =
      static_cast<Int128>(999'999'999'999) * Decimal::kUnitsPerOne + 999'999'999'999;
  EXPECT_EQ(Decimal::FromUnits(units).ToCanonicalString(), "999999999999.999999999999");
  EXPECT_EQ(Decimal::FromUnits(-units).ToCanonicalString(), "-999999999999.999999999999");
}

TEST(DecimalTest, AdditionIsExact) {
  // 0.1 + 0.2 == 0.3, which a double gets wrong.
  const Decimal tenth = Decimal::FromUnits(100'000'000'000);
  const Decimal fifth = Decimal::FromUnits(200'000'000'000);
  EXPECT_EQ(tenth + fifth, Decimal::FromUnits(300'000'000'000));
  EXPECT_EQ((tenth + fifth).ToCanonicalString(), "0.3");
  Decimal sum;
  for (int i = 0; i < 10; ++i) sum += tenth;
  EXPECT_EQ(sum, Decimal::FromInteger(1));
  EXPECT_EQ((Decimal::FromInteger(5) + Decimal::FromInteger(-7)).ToCanonicalString(), "-2");
}

TEST(DecimalTest, ComparisonAndSign) {
  const Decimal a = Decimal::FromUnits(-5);
  const Decimal b = Decimal::FromUnits(3);
  EXPECT_LT(a, b);
  EXPECT_GT(b, a);
  EXPECT_LE(a, a);
  EXPECT_GE(b, b);
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(a.is_negative());
  EXPECT_FALSE(b.is_negative());
  EXPECT_EQ(a.Abs(), Decimal::FromUnits(5));
}

TEST(DecimalTest, Int128ToDigits) {
  EXPECT_EQ(Int128ToDigits(0), "0");
  EXPECT_EQ(Int128ToDigits(7), "7");
  const Int128 big = static_cast<Int128>(1) << 100;
  EXPECT_EQ(Int128ToDigits(big), "1267650600228229401496703205376");
}

// Against the compiler's 128-bit division, on both sides of 2^64 (the 64-bit path and the bitwise
// one) and with divisors beyond 64 bits.
TEST(DecimalTest, DivideInt128MatchesTheCompilersDivision) {
  const Int128 max = ~(static_cast<Int128>(1) << 127);
  const Int128 dividends[] = {0,
                              1,
                              99,
                              static_cast<Int128>(UINT64_MAX),
                              static_cast<Int128>(UINT64_MAX) + 1,
                              (static_cast<Int128>(1) << 100) + 12345,
                              static_cast<Int128>(999'999'999'999) * 1'000'000'000'000 * 1'000'000,
                              max};
  const Int128 divisors[] = {1,
                             2,
                             10,
                             100,
                             Decimal::kUnitsPerOne,
                             static_cast<Int128>(UINT64_MAX),
                             static_cast<Int128>(1) << 64,
                             (static_cast<Int128>(1) << 90) + 7,
                             max};
  for (const Int128 n : dividends) {
    for (const Int128 d : divisors) {
      Int128 remainder = -1;
      EXPECT_TRUE(DivideInt128(n, d, &remainder) == n / d)
          << Int128ToDigits(n) << " / " << Int128ToDigits(d);
      EXPECT_TRUE(remainder == n % d) << Int128ToDigits(n) << " % " << Int128ToDigits(d);
    }
  }
}

// Against the compiler's conversion, around 2^64 and on halfway cases (ties to even) far above it.
TEST(DecimalTest, Int128ToDoubleRoundsAsTheCompilerDoes) {
  const Int128 one = 1;
  std::vector<Int128> values = {0,
                                1,
                                -1,
                                123456789,
                                static_cast<Int128>(INT64_MAX),
                                static_cast<Int128>(INT64_MIN),
                                ~(one << 127),
                                one << 127};
  for (int bits = 53; bits < 127; bits += 7) {
    const Int128 base = one << bits;
    for (const Int128 offset :
         {Int128{0}, Int128{1}, (one << (bits - 53)), (one << (bits - 53)) + 1,
          (one << (bits - 52)) - 1, (one << (bits - 52)) * 3 / 2}) {
      values.push_back(base + offset);
      values.push_back(base + offset + (one << (bits - 52)));
      values.push_back(-(base + offset));
    }
  }
  for (const Int128 value : values) {
    EXPECT_EQ(Int128ToDouble(value), static_cast<double>(value))
        << Int128ToDigits(value < 0 ? -value : value);
  }
}

}  // namespace
}  // namespace job_detail
