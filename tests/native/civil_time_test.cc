#include "job_detail/detail/civil_time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

namespace job_detail::detail {
namespace {

// 1994-11-06T08:49:37Z, the RFC 7231 example date, in epoch milliseconds.
constexpr std::int64_t kRfcExampleMs = 784111777000;

TEST(CivilTimeTest, DaysFromCivilCountsFromTheEpochBothWays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);  // after a 400-year leap day
  EXPECT_EQ(DaysFromCivil(1900, 3, 1) - DaysFromCivil(1900, 2, 28), 1);  // 1900 had no Feb 29
  EXPECT_EQ(DaysFromCivil(2024, 3, 1) - DaysFromCivil(2024, 2, 28), 2);  // 2024 had one
  EXPECT_EQ(DaysFromCivil(1600, 1, 1), -135140);
}

TEST(CivilTimeTest, CivilToEpochMsRejectsImpossibleDatesAndTimes) {
  EXPECT_EQ(CivilToEpochMs(1970, 1, 1, 0, 0, 0), 0);
  EXPECT_EQ(CivilToEpochMs(1994, 11, 6, 8, 49, 37), kRfcExampleMs);
  EXPECT_TRUE(CivilToEpochMs(2024, 2, 29, 0, 0, 0).has_value());
  EXPECT_EQ(CivilToEpochMs(2023, 2, 29, 0, 0, 0), std::nullopt);
  EXPECT_EQ(CivilToEpochMs(2026, 4, 31, 0, 0, 0), std::nullopt);
  EXPECT_EQ(CivilToEpochMs(2026, 13, 1, 0, 0, 0), std::nullopt);
  EXPECT_EQ(CivilToEpochMs(2026, 0, 1, 0, 0, 0), std::nullopt);
  EXPECT_EQ(CivilToEpochMs(2026, 1, 0, 0, 0, 0), std::nullopt);
  EXPECT_EQ(CivilToEpochMs(2026, 1, 1, 24, 0, 0), std::nullopt);
  EXPECT_EQ(CivilToEpochMs(2026, 1, 1, 0, 60, 0), std::nullopt);
  EXPECT_EQ(CivilToEpochMs(2026, 1, 1, 0, 0, 61), std::nullopt);
  // A leap second is valid text, counted as the next second (as POSIX time does).
  EXPECT_EQ(CivilToEpochMs(2016, 12, 31, 23, 59, 60), CivilToEpochMs(2017, 1, 1, 0, 0, 0));
}

TEST(CivilTimeTest, IsoBasicIsSigV4sAmzDate) {
  EXPECT_EQ(ParseIsoBasicUtc("19941106T084937Z"), kRfcExampleMs);
  EXPECT_EQ(ParseIsoBasicUtc("19941106T084937"), std::nullopt);       // no zone
  EXPECT_EQ(ParseIsoBasicUtc("19941106T084937Z "), std::nullopt);     // trailing text
  EXPECT_EQ(ParseIsoBasicUtc("1994-11-06T08:49:37Z"), std::nullopt);  // the extended form
  EXPECT_EQ(ParseIsoBasicUtc("19940230T000000Z"), std::nullopt);      // February 30
  EXPECT_EQ(ParseIsoBasicUtc(""), std::nullopt);
}

TEST(CivilTimeTest, IsoExtendedTakesMillisecondsAndSurroundingSpaces) {
  EXPECT_EQ(ParseIsoExtendedUtc("1994-11-06T08:49:37Z"), kRfcExampleMs);
  EXPECT_EQ(ParseIsoExtendedUtc("1994-11-06T08:49:37.123Z"), kRfcExampleMs + 123);
  EXPECT_EQ(ParseIsoExtendedUtc(" \t1994-11-06T08:49:37Z "), kRfcExampleMs);
  EXPECT_EQ(ParseIsoExtendedUtc("1994-11-06T08:49:37.12Z"), std::nullopt);  // 3 digits exactly
  EXPECT_EQ(ParseIsoExtendedUtc("1994-11-06T08:49:37+00:00"), std::nullopt);
  EXPECT_EQ(ParseIsoExtendedUtc("1994-11-06 08:49:37Z"), std::nullopt);
}

TEST(CivilTimeTest, HttpDateAcceptsTheThreeFormsOfRfc7231) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), kRfcExampleMs);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), kRfcExampleMs);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), kRfcExampleMs);
  EXPECT_EQ(ParseHttpDate("  Sun, 06 Nov 1994 08:49:37 GMT\t"), kRfcExampleMs);
  // RFC 850's two-digit years pivot at 1970.
  EXPECT_EQ(ParseHttpDate("Thursday, 01-Jan-70 00:00:00 GMT"), 0);
  EXPECT_EQ(ParseHttpDate("Friday, 01-Jan-38 00:00:00 GMT"), CivilToEpochMs(2038, 1, 1, 0, 0, 0));
}

TEST(CivilTimeTest, HttpDateRejectsNearMisses) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Sun, 6 Nov 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Sun, 31 Nov 1994 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("Sun Nov 6 08:49:37 1994"), std::nullopt);  // asctime pads the day
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("120"), std::nullopt);  // delay-seconds are Retry-After's business
  EXPECT_EQ(ParseHttpDate(""), std::nullopt);
}

}  // namespace
}  // namespace job_detail::detail
