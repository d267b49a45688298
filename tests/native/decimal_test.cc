#include "job_detail/decimal.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace job_detail
