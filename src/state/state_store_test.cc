#include "state/state_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "state/dead_letter_counts_test_util.h"
#include "state/spark_ledger_test_util.h"

namespace icegraph::state {
namespace {

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("icegraph-state-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Url() const { return "sqlite://" + (dir_ / "sub" / "state.db").string(); }
  std::filesystem::path dir_;
};

TEST_F(StateStoreTest, RunsAreRecordedAndListedNewestFirst) {
  auto store = StateStore::Open(Url());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->schema_version(), 3);
  auto r1 = (*store)->BeginRun("default", "full");
  auto r2 = (*store)->BeginRun("default", "incremental");
  ASSERT_TRUE(r1.ok() && r2.ok());
  ASSERT_TRUE((*store)->EndRun(*r1, "succeeded", "", {{"shop.users", {{"read", 3}}}}).ok());
  auto runs = (*store)->ListRuns(10);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 2U);
  EXPECT_EQ((*runs)[0].id, *r2);
  EXPECT_EQ((*runs)[0].outcome, "running");
  EXPECT_EQ((*runs)[1].outcome, "succeeded");
  EXPECT_EQ((*runs)[1].counts["shop.users"]["read"], 3);
  EXPECT_GE((*runs)[1].ended_ms, (*runs)[1].started_ms);
  auto missing = (*store)->GetRun(999);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(StateStoreTest, DeadLettersRoundTripWithPagingAndFilters) {
  auto store = StateStore::Open(Url());
  ASSERT_TRUE(store.ok());
  auto run = (*store)->BeginRun("default", "full");
  ASSERT_TRUE(run.ok());
  std::vector<mapping::DeadLetter> letters;
  letters.reserve(5);
  for (int i = 0; i < 5; ++i) {
    letters.push_back({"shop.users/vertex:User", "u" + std::to_string(i), "null_id", "column user_id is null",
                       R"({"user_id":null,"name":"ünï \"q\""})"});
  }
  ASSERT_TRUE((*store)->AddDeadLetters(*run, "shop.users", 42, letters).ok());
  ASSERT_TRUE((*store)->AddDeadLetters(*run, "shop.orders", 43, {letters[0]}).ok());
  EXPECT_EQ(*(*store)->CountDeadLetters(*run), 6);
  EXPECT_EQ(*(*store)->CountDeadLetters(*run + 1), 0);
  auto page1 = (*store)->ListDeadLetters({.run_id = *run, .source_table = "shop.users", .after_id = 0, .limit = 3});
  ASSERT_TRUE(page1.ok());
  ASSERT_EQ(page1->size(), 3U);
  auto page2 = (*store)->ListDeadLetters(
      {.run_id = *run, .source_table = "shop.users", .after_id = page1->back().id, .limit = 3});
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->size(), 2U);
  EXPECT_EQ((*page2)[1].letter.row_key, "u4");
  EXPECT_EQ((*page2)[1].letter.row_json, R"({"user_id":null,"name":"ünï \"q\""})");
  EXPECT_EQ((*page2)[1].snapshot_id, 42);
  EXPECT_EQ((*page2)[1].letter.reason_code, "null_id");
}

TEST_F(StateStoreTest, DeadLettersCountedByReasonTableMappingAndRun) {
  auto store = StateStore::Open(Url());
  ASSERT_TRUE(store.ok());
  ExpectDeadLettersCountedByReason(**store);
}

// One open dead letter per table and row identity; closed when the row leaves, opened again if it comes back bad.
TEST_F(StateStoreTest, ADeadLetterIsOpenOnceUntilItsRowLeaves) {
  auto opened = StateStore::Open(Url());
  ASSERT_TRUE(opened.ok());
  auto& store = *opened;
  auto r1 = store->BeginRun("default", "full");
  auto r2 = store->BeginRun("default", "incremental");
  ASSERT_TRUE(r1.ok() && r2.ok());
  const mapping::DeadLetter a{"t/vertex:User", "k1", "null_id", "column id is null", R"({"id":null})"};
  const mapping::DeadLetter b{"t/vertex:User", "k2", "null_id", "column id is null", R"({"id":null,"n":2})"};
  ASSERT_TRUE(store->AddDeadLetters(*r1, "t", 1, {a, b, a}).ok());
  EXPECT_EQ(*store->CountDeadLetters(std::nullopt), 2);  // a repeat within one call is one letter
  ASSERT_TRUE(store->AddDeadLetters(*r2, "t", 2, {a}).ok());
  EXPECT_EQ(*store->CountDeadLetters(std::nullopt), 2);  // still open: a later run does not record it again
  EXPECT_EQ(*store->CountDeadLetters(*r2), 0);
  ASSERT_TRUE(store->AddDeadLetters(*r2, "u", 2, {a}).ok());
  EXPECT_EQ(*store->CountDeadLetters(std::nullopt), 3);  // the same row in another table is its own letter
  ASSERT_TRUE(store->ResolveDeadLetters(*r2, "t", {a}).ok());
  EXPECT_EQ(*store->CountDeadLetters(std::nullopt), 2);  // its row left the table
  ASSERT_TRUE(store->AddDeadLetters(*r2, "t", 3, {a}).ok());
  EXPECT_EQ(*store->CountDeadLetters(std::nullopt), 3);  // the row came back bad: a new open letter
  EXPECT_EQ(*store->CountDeadLetters(*r2), 2);
  ASSERT_TRUE(store->ResolveAllDeadLetters(*r2, "t").ok());
  EXPECT_EQ(*store->CountDeadLetters(std::nullopt), 1);
  auto open = store->ListDeadLetters({});
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1U);
  EXPECT_EQ((*open)[0].source_table, "u");
  auto all = store->ListDeadLetters({.include_resolved = true});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 4U);  // the history keeps closed letters
}

TEST_F(StateStoreTest, CheckpointsUpsertAndSurviveReopen) {
  {
    auto store = StateStore::Open(Url());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->SetCheckpoint({"p", "shop.users", 1, "fp1", 0, 0}).ok());
    ASSERT_TRUE((*store)->SetCheckpoint({"p", "shop.users", 2, "fp2", 1, 0}).ok());
  }
  auto store = StateStore::Open(Url());
  ASSERT_TRUE(store.ok());
  auto cp = (*store)->GetCheckpoint("p", "shop.users");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ((*cp)->snapshot_id, 2);
  EXPECT_EQ((*cp)->mapping_fingerprint, "fp2");
  EXPECT_EQ((*cp)->schema_id, 1);
  EXPECT_FALSE((*store)->GetCheckpoint("p", "other")->has_value());
  EXPECT_EQ((*store)->ListCheckpoints("p")->size(), 1U);
}

TEST_F(StateStoreTest, SparkLedgersAreReplacedWholeAndSurviveReopen) {
  ExpectSparkLedgersReplacedWholeAcrossReopen([this]() -> std::unique_ptr<StateStore> {
    auto store = StateStore::Open(Url());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  });
}

TEST_F(StateStoreTest, APipelineLockIsExclusiveAndReleasedOnDestruction) {
  auto a = StateStore::Open(Url());
  auto b = StateStore::Open(Url());
  ASSERT_TRUE(a.ok() && b.ok());
  {
    auto held = (*a)->LockPipeline("shop", 0);
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    auto refused = (*b)->LockPipeline("shop", 100);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(refused.status().message().find("pid="), std::string::npos) << refused.status().message();
    EXPECT_TRUE((*b)->LockPipeline("other", 0).ok());  // locks are per pipeline
  }
  EXPECT_TRUE((*b)->LockPipeline("shop", 0).ok());
}

TEST_F(StateStoreTest, ANewerSchemaIsRefused) {
  ASSERT_TRUE(StateStore::Open(Url()).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "sub" / "state.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = StateStore::Open(Url());
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("schema version 99"), std::string::npos);
}

}  // namespace
}  // namespace icegraph::state
