#include "common/log.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace icegraph::log {
namespace {

TEST(LogTest, OneLinePerEventWithQuotedValuesAndMaskedSecrets) {
  Configure(Level::kInfo, false);
  testing::internal::CaptureStderr();
  Info("sync.started", {{"table", "db.users"}, {"note", "two words"}, {"password", "hunter2"}, {"api_token", "abc"}});
  Debug("hidden", {{"x", 1}});
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("level=info event=sync.started table=db.users note=\"two words\" password=*** api_token=***\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("hunter2"), std::string::npos);
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
}

TEST(LogTest, JsonLinesMaskSecretsToo) {
  Configure(Level::kDebug, true);
  testing::internal::CaptureStderr();
  Warn("tg.retry", {{"attempt", 2}, {"secret", "s3cr3t"}});
  const std::string out = testing::internal::GetCapturedStderr();
  Configure(Level::kInfo, false);
  EXPECT_NE(out.find("\"event\":\"tg.retry\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"attempt\":\"2\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"secret\":\"***\""), std::string::npos) << out;
  EXPECT_EQ(out.find("s3cr3t"), std::string::npos);
}

}  // namespace
}  // namespace icegraph::log
