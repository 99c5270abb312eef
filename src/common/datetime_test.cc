#include "common/datetime.h"

#include <gtest/gtest.h>

namespace icegraph::datetime {
namespace {

TEST(DatetimeTest, CivilDaysBothWays) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2024, 3, 1), 19783);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(1582, 10, 15), -141427);
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
  for (const int64_t d : {int64_t{-141428}, int64_t{-1}, int64_t{0}, int64_t{59}, int64_t{19782}, int64_t{2932896}}) {
    const CivilDate c = CivilFromDays(d);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), d) << d;
  }
  const CivilDate leap = CivilFromDays(19782);
  EXPECT_EQ(leap.year, 2024);
  EXPECT_EQ(leap.month, 2u);
  EXPECT_EQ(leap.day, 29u);
  EXPECT_EQ(FloorDiv(-1, 86400), -1);
  EXPECT_EQ(FloorDiv(86400, 86400), 1);
}

TEST(DatetimeTest, ParsesTimestampsWithOffsetsAndFractions) {
  auto t = ParseTimestamp("2024-02-29T13:14:15.5+01:00");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->seconds, 1709208855);
  EXPECT_EQ(t->nanos, 500'000'000);
  EXPECT_EQ(t->fraction_digits, 1);
  EXPECT_EQ(ParseTimestamp("2024-02-29")->seconds, 1709164800);
  EXPECT_EQ(ParseTimestamp("1970-01-01 00:00:00-0130")->seconds, 5400);
  EXPECT_EQ(ParseTimestamp("1970-01-01t00:00:00,25z")->nanos, 250'000'000);
  EXPECT_EQ(ParseTimestamp("1970-01-01T01:00+01")->seconds, 0);
  EXPECT_TRUE(ParseTimestamp("1970-01-01T00:00:00.0000000001")->sub_nanos);
  for (const char* bad : {"", "2024-02-30", "2023-02-29", "2024-1-01", "2024-01-01T24:00", "2024-01-01T10:60",
                          "2024-01-01T10:00:00.", "2024-01-01T", "2024-01-01T10:00+2", "2024-01-01T10:00+24:00",
                          "2024-01-01T10:00:00Zx", "20240101", " 2024-01-01"}) {
    const auto r = ParseTimestamp(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message(), "'" + std::string(bad) + "' is not an ISO-8601 timestamp");
  }
}

TEST(DatetimeTest, UnitsKeepEveryDigitOrRefuse) {
  EXPECT_EQ(*ParseTimestampUnits("1970-01-01T00:00:01", 6), 1'000'000);
  EXPECT_EQ(*ParseTimestampUnits("1970-01-01T00:00:00.000000001Z", 9), 1);
  EXPECT_EQ(*ParseTimestampUnits("1969-12-31T23:59:59.5", 6), -500'000);
  EXPECT_FALSE(ParseTimestampUnits("1970-01-01T00:00:00.0000001", 6).ok());
  EXPECT_FALSE(ParseTimestampUnits("1970-01-01T00:00:00.0000000000", 9).ok());  // ten digits
  EXPECT_EQ(*ParseDate("1969-12-31"), -1);
  EXPECT_EQ(*ParseTime("00:00:01.5"), 1'500'000);
  EXPECT_EQ(*ParseTime("23:59", 0), 86'340);
  EXPECT_FALSE(ParseTime("00:00:00.1234567").ok());
  EXPECT_FALSE(ParseDate("2024-03-01T00:00").ok());
}

TEST(DatetimeTest, FormatsWholeSeconds) {
  EXPECT_EQ(FormatSeconds(1709212455, ' '), "2024-02-29 13:14:15");
  EXPECT_EQ(FormatSeconds(-1), "1969-12-31T23:59:59");
  EXPECT_EQ(FormatSeconds(253402300799), "9999-12-31T23:59:59");
}

}  // namespace
}  // namespace icegraph::datetime
