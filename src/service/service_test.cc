#include "service/service.h"

#include <gtest/gtest.h>

#include <set>

#include "service/lag_history.h"

namespace icegraph::service {
namespace {

TEST(ParseIsoTimestampTest, AcceptsDatesAndDateTimesAndConvertsToUtc) {
  const std::pair<const char*, const char*> cases[] = {
      {"2026-01-20", "2026-01-20T00:00:00"},
      {"2026-01-20T10:00", "2026-01-20T10:00:00"},
      {"2026-01-20T10:00:05", "2026-01-20T10:00:05"},
      {"2026-01-20 10:00:05", "2026-01-20T10:00:05"},
      {"2026-01-20T10:00:05.999999", "2026-01-20T10:00:05"},
      {"2026-01-20T10:00:05Z", "2026-01-20T10:00:05"},
      {"2026-01-20T01:30:00+02:00", "2026-01-19T23:30:00"},
      {"2026-12-31T23:00:00-0130", "2027-01-01T00:30:00"},
      {"2024-02-29T00:00:00", "2024-02-29T00:00:00"},
  };
  for (const auto& [in, want] : cases) {
    auto got = ParseIsoTimestamp(in);
    ASSERT_TRUE(got.ok()) << in << ": " << got.status().ToString();
    EXPECT_EQ(*got, want) << in;
  }
}

TEST(ParseIsoTimestampTest, RefusesWhatIsNotIso8601) {
  for (const char* bad :
       {"", "yesterday", "2026-1-20", "2026-02-30", "2025-02-29", "2026-13-01", "2026-01-20T24:00", "2026-01-20T10:61",
        "2026-01-20T10:00:00+2", "2026-01-20T10:00:00.", "2026-01-20T", "2026-01-20T10:00:00Zjunk", "20260120"}) {
    auto got = ParseIsoTimestamp(bad);
    ASSERT_FALSE(got.ok()) << bad;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalid);
    EXPECT_NE(got.status().message().find("is not an ISO 8601 date or date-time"), std::string::npos);
  }
}

TEST(ConstantTimeEqualsTest, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("secret", ""));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(ServiceRoutesTest, EveryRouteIsUniqueAndUnderAKnownPrefix) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const RouteInfo& r : Service::Routes()) {
    EXPECT_TRUE(seen.emplace(r.method, r.path).second) << r.method << " " << r.path;
    EXPECT_TRUE(r.method == "GET" || r.method == "POST") << r.method;
  }
  EXPECT_EQ(seen.size(), 18u);
}

// Commits at 1 s, 5 s and 9 s; runs leave the checkpoint at s1 (ending at 2 s) and s3 (ending at 10 s).
TEST(LagHistoryTest, StepsAtEveryCommitAndRunEnd) {
  const std::vector<AncestrySnapshot> ancestry = {{1, 1000}, {2, 5000}, {3, 9000}};
  const std::vector<LagPoint> want = {
      {1500, 1, 0},                  // s1 pending since 1 s, before any run
      {2000, 1, 1},  {2000, 0, 0},   // the first run ends
      {5000, 0, 0},  {5000, 1, 0},   // s2 committed
      {9000, 1, 4},  {9000, 2, 4},   // s3 committed; s2 still the oldest pending
      {10000, 2, 5}, {10000, 0, 0},  // the second run applies both
      {12000, 0, 0},
  };
  EXPECT_EQ(LagHistory(ancestry, {{10000, 3}, {2000, 1}}, 1500, 12000), want);
  // A window opening after the first run starts from its checkpoint.
  const std::vector<LagPoint> later = {{3000, 0, 0}, {5000, 0, 0}, {5000, 1, 0}, {6000, 1, 1}};
  EXPECT_EQ(LagHistory(ancestry, {{10000, 3}, {2000, 1}}, 3000, 6000), later);
  // No run yet: one point, now.
  EXPECT_EQ(LagHistory(ancestry, {}, 7000, 7000), (std::vector<LagPoint>{{7000, 2, 6}}));
}

TEST(LagHistoryTest, ACheckpointOutsideTheAncestryIsAGap) {
  const std::vector<AncestrySnapshot> ancestry = {{1, 1000}, {2, 5000}};
  const std::vector<LagPoint> want = {{0, 0, 0},
                                      {1000, 0, 0},
                                      {1000, 1, 0},
                                      {3000, 1, 2},
                                      {3000, std::nullopt, 0},
                                      {5000, std::nullopt, 0},
                                      {8000, std::nullopt, 0}};
  // Snapshot 7 was rolled back: what is pending after it cannot be counted.
  EXPECT_EQ(LagHistory(ancestry, {{3000, 7}}, 0, 8000), want);
}

}  // namespace
}  // namespace icegraph::service
