#include "emulator/faults.h"

#include <gtest/gtest.h>

namespace icegraph::emulator {
namespace {

TEST(FaultSpecTest, ParsesEveryKey) {
  auto spec =
      ParseFaultSpec("5xx=0.1,reset=0.05,timeout=0.05,latency_ms=20,hang_ms=500,expire_token_every=100,413=0.2");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_DOUBLE_EQ(spec->p_5xx, 0.1);
  EXPECT_DOUBLE_EQ(spec->p_reset, 0.05);
  EXPECT_DOUBLE_EQ(spec->p_timeout, 0.05);
  EXPECT_DOUBLE_EQ(spec->p_413, 0.2);
  EXPECT_EQ(spec->latency_ms, 20);
  EXPECT_EQ(spec->hang_ms, 500);
  EXPECT_EQ(spec->expire_token_every, 100);
}

TEST(FaultSpecTest, RefusesBadInputWithTheKeyNamed) {
  EXPECT_NE(ParseFaultSpec("5xx=abc").status().message().find("'5xx'"), std::string::npos);
  EXPECT_NE(ParseFaultSpec("bogus=1").status().message().find("unknown key 'bogus'"), std::string::npos);
  EXPECT_NE(ParseFaultSpec("reset=1.5").status().message().find("between 0 and 1"), std::string::npos);
  EXPECT_NE(ParseFaultSpec("5xx=0.6,reset=0.6").status().message().find("more than 1"), std::string::npos);
  EXPECT_FALSE(ParseFaultSpec("latency_ms").ok());
}

TEST(FaultInjectorTest, SameSeedSameDecisionsAndRateIsHonoured) {
  FaultSpec spec;
  spec.p_5xx = 0.2;
  FaultInjector a(spec, 42);
  FaultInjector b(spec, 42);
  FaultInjector c(spec, 43);
  int faults = 0;
  int differ = 0;
  for (int i = 0; i < 10000; ++i) {
    const FaultAction x = a.Next(false);
    EXPECT_EQ(x, b.Next(false));
    differ += x != c.Next(false) ? 1 : 0;
    faults += x == FaultAction::k5xx ? 1 : 0;
  }
  EXPECT_GT(faults, 1800);
  EXPECT_LT(faults, 2200);
  EXPECT_GT(differ, 0);
  EXPECT_EQ(a.injected(), faults);
}

TEST(FaultInjectorTest, TokenExpiresEveryNthAuthenticatedRequest) {
  FaultSpec spec;
  spec.expire_token_every = 3;
  FaultInjector f(spec, 1);
  EXPECT_FALSE(f.ExpireTokenNow());
  EXPECT_FALSE(f.ExpireTokenNow());
  EXPECT_TRUE(f.ExpireTokenNow());
  EXPECT_FALSE(f.ExpireTokenNow());
}

}  // namespace
}  // namespace icegraph::emulator
