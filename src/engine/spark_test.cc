// The Spark task ledger's bookkeeping: the first result of a task is kept (a repeated or speculative attempt adds
// nothing), results of tasks the ledger lacks are refused, and the ledger is kept in the state database per pipeline.
// (Planning, running and committing need a catalog and a TigerGraph: tests/spark runs them end to end.)
#include "engine/spark.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "state/state_store.h"

namespace icegraph::engine {
namespace {

using json = nlohmann::json;

class SparkLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("icegraph-spark-ledger-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    auto store = state::StateStore::Open("sqlite://" + (dir_ / "state.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    const json task_a = {{"id", "vertices/0/0"}, {"phase", "vertices"}};
    const json task_b = {{"id", "edges/1/0"}, {"phase", "edges"}};
    ASSERT_TRUE(
        store_
            ->PutSparkLedger(kPipeline,
                             json{{"run_id", 3},
                                  {"phases", json::array({{{"name", "vertices"}, {"tasks", json::array({task_a})}},
                                                          {{"name", "edges"}, {"tasks", json::array({task_b})}}})},
                                  {"finished", json::object()}}
                                 .dump())
            .ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  json Finished() {
    auto ledger = ReadSparkLedger(*store_, kPipeline);
    EXPECT_TRUE(ledger.ok() && ledger->has_value());
    return (**ledger)["finished"];
  }

  static constexpr const char* kPipeline = "social";
  std::filesystem::path dir_;
  std::unique_ptr<state::StateStore> store_;
};

TEST_F(SparkLedgerTest, FirstResultOfATaskIsKept) {
  const json first = {{"id", "vertices/0/0"}, {"ok", true}, {"attempt", 0}, {"dead_letters", json::array({"x"})}};
  const json again = {{"id", "vertices/0/0"}, {"ok", true}, {"attempt", 1}, {"dead_letters", json::array({"x"})}};
  auto added = RecordSparkResults(*store_, kPipeline, {first, again});
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 1);
  added = RecordSparkResults(*store_, kPipeline, {again});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 0);
  EXPECT_EQ(Finished(), json({{"vertices/0/0", first}}));
}

TEST_F(SparkLedgerTest, FailedResultsAreNotFinished) {
  auto added = RecordSparkResults(*store_, kPipeline, {{{"id", "edges/1/0"}, {"ok", false}, {"error", "down"}}});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 0);
  EXPECT_EQ(Finished(), json::object());
}

TEST_F(SparkLedgerTest, ResultOfAnUnknownTaskIsRefused) {
  auto added = RecordSparkResults(*store_, kPipeline, {{{"id", "edges/9/9"}, {"ok", true}}});
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.status().code(), StatusCode::kInvalid);
  EXPECT_NE(added.status().message().find("edges/9/9"), std::string::npos);
  EXPECT_EQ(Finished(), json::object());
}

TEST_F(SparkLedgerTest, NoLedgerIsNotFound) {
  auto added = RecordSparkResults(*store_, "other", {});
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.status().code(), StatusCode::kNotFound);
  auto ledger = ReadSparkLedger(*store_, "other");
  ASSERT_TRUE(ledger.ok());
  EXPECT_FALSE(ledger->has_value());
}

TEST_F(SparkLedgerTest, ALedgerThatIsNotJsonIsRefusedNamingThePipeline) {
  ASSERT_TRUE(store_->PutSparkLedger(kPipeline, "{half").ok());
  auto ledger = ReadSparkLedger(*store_, kPipeline);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.status().code(), StatusCode::kInvalid);
  EXPECT_NE(ledger.status().message().find("pipeline social"), std::string::npos) << ledger.status().ToString();
}

}  // namespace
}  // namespace icegraph::engine
