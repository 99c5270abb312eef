#include "emulator/journal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace icegraph::emulator {
namespace {

std::string TempDir() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("icegraph-journal-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(JournalTest, ReplaysEveryAppendedRecordInOrder) {
  const std::string dir = TempDir();
  {
    auto j = Journal::Open(dir, [](const JournalRecord&) { return Status::OK(); });
    ASSERT_TRUE(j.ok()) << j.status().ToString();
    ASSERT_TRUE((*j)->Append({"gsql", "g", "", "", "", "CREATE VERTEX V (PRIMARY_ID id STRING)"}).ok());
    ASSERT_TRUE((*j)->Append({"http", "g", "upsert", "[]", "[]", std::string("a\0b", 3)}).ok());
  }
  std::vector<JournalRecord> seen;
  auto j = Journal::Open(dir, [&](const JournalRecord& r) {
    seen.push_back(r);
    return Status::OK();
  });
  ASSERT_TRUE(j.ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].kind, "gsql");
  EXPECT_EQ(seen[0].body, "CREATE VERTEX V (PRIMARY_ID id STRING)");
  EXPECT_EQ(seen[1].method, "upsert");
  EXPECT_EQ(seen[1].body, std::string("a\0b", 3));
  EXPECT_EQ((*j)->records(), 2);
  std::filesystem::remove_all(dir);
}

TEST(JournalTest, TornTailIsCutAndLaterRecordsFollowTheLastCompleteOne) {
  const std::string dir = TempDir();
  {
    auto j = Journal::Open(dir, [](const JournalRecord&) { return Status::OK(); });
    ASSERT_TRUE((*j)->Append({"gsql", "", "", "", "", "first"}).ok());
  }
  {
    std::ofstream out(dir + "/journal.log", std::ios::app | std::ios::binary);
    out << "ICGJ-partial";  // a write cut short by a crash
  }
  {
    auto j = Journal::Open(dir, [](const JournalRecord&) { return Status::OK(); });
    ASSERT_TRUE(j.ok());
    EXPECT_EQ((*j)->records(), 1);
    ASSERT_TRUE((*j)->Append({"gsql", "", "", "", "", "second"}).ok());
  }
  std::vector<std::string> bodies;
  auto j = Journal::Open(dir, [&](const JournalRecord& r) {
    bodies.push_back(r.body);
    return Status::OK();
  });
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(bodies, (std::vector<std::string>{"first", "second"}));
  std::filesystem::remove_all(dir);
}

TEST(JournalTest, ReplayErrorNamesTheRecord) {
  const std::string dir = TempDir();
  {
    auto j = Journal::Open(dir, [](const JournalRecord&) { return Status::OK(); });
    ASSERT_TRUE((*j)->Append({"gsql", "", "", "", "", "x"}).ok());
  }
  auto j = Journal::Open(dir, [](const JournalRecord&) { return Status::Invalid("boom"); });
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("replaying record 1"), std::string::npos) << j.status().message();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace icegraph::emulator
