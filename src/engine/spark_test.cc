// The Spark task ledger's bookkeeping: the first result of a task is kept (a repeated or speculative attempt adds
// nothing), results of tasks the ledger lacks are refused, and the ledger sits beside a SQLite state database.
// (Planning, running and committing need a catalog and a TigerGraph: tests/spark runs them end to end.)
#include "engine/spark.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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
    path_ = (dir_ / "ledger.json").string();
    const json task_a = {{"id", "vertices/0/0"}, {"phase", "vertices"}};
    const json task_b = {{"id", "edges/1/0"}, {"phase", "edges"}};
    std::ofstream(path_) << json{
        {"run_id", 3},
        {"phases", json::array({{{"name", "vertices"}, {"tasks", json::array({task_a})}},
                                {{"name", "edges"}, {"tasks", json::array({task_b})}}})},
        {"finished",
         json::object()}}.dump();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  json Finished() {
    auto ledger = ReadSparkLedger(path_);
    EXPECT_TRUE(ledger.ok() && ledger->has_value());
    return (**ledger)["finished"];
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SparkLedgerTest, FirstResultOfATaskIsKept) {
  const json first = {{"id", "vertices/0/0"}, {"ok", true}, {"attempt", 0}, {"dead_letters", json::array({"x"})}};
  const json again = {{"id", "vertices/0/0"}, {"ok", true}, {"attempt", 1}, {"dead_letters", json::array({"x"})}};
  auto added = RecordSparkResults(path_, {first, again});
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 1);
  added = RecordSparkResults(path_, {again});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 0);
  EXPECT_EQ(Finished(), json({{"vertices/0/0", first}}));
}

TEST_F(SparkLedgerTest, FailedResultsAreNotFinished) {
  auto added = RecordSparkResults(path_, {{{"id", "edges/1/0"}, {"ok", false}, {"error", "down"}}});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 0);
  EXPECT_EQ(Finished(), json::object());
}

TEST_F(SparkLedgerTest, ResultOfAnUnknownTaskIsRefused) {
  auto added = RecordSparkResults(path_, {{{"id", "edges/9/9"}, {"ok", true}}});
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.status().code(), StatusCode::kInvalid);
  EXPECT_NE(added.status().message().find("edges/9/9"), std::string::npos);
  EXPECT_EQ(Finished(), json::object());
}

TEST_F(SparkLedgerTest, NoLedgerIsNotFound) {
  auto added = RecordSparkResults((dir_ / "none.json").string(), {});
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.status().code(), StatusCode::kNotFound);
  auto ledger = ReadSparkLedger((dir_ / "none.json").string());
  ASSERT_TRUE(ledger.ok());
  EXPECT_FALSE(ledger->has_value());
}

TEST(SparkLedgerPathTest, BesideTheSqliteStateDatabase) {
  mapping::Config c;
  c.tigergraph.graph = "social";
  c.config_dir = "/etc/icegraph";
  c.state.url = "sqlite:///var/lib/icegraph/state.db";  // sqlite:///abs/path (docs/configuration.md)
  EXPECT_EQ(LedgerPath(c), "/var/lib/icegraph/spark-ledger-social.json");
  c.state.url = "postgresql://icegraph@db/icegraph";
  EXPECT_EQ(LedgerPath(c), "/etc/icegraph/.icegraph/spark-ledger-social.json");
}

}  // namespace
}  // namespace icegraph::engine
