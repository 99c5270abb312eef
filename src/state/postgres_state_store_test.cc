// The PostgreSQL state store against a real server: tests/state/test_postgres_state.py starts one and runs these
// with ICEGRAPH_TEST_POSTGRES_URL set; without it they skip, so ctest alone passes.
#include "state/postgres_state_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "state/dead_letter_counts_test_util.h"
#include "state/spark_ledger_test_util.h"
#include "state/state_store.h"

namespace icegraph::state {
namespace {

constexpr const char* kPassword = "Pw-s3cret-9f2";

// `url` with its database replaced by `db`.
std::string WithDatabase(const std::string& url, const std::string& db) {
  const size_t start = url.find("://") + 3;
  const size_t query = url.find('?', start);
  const size_t slash = url.find('/', start);
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  const size_t end = std::min(slash, query == std::string::npos ? url.size() : query);
  return url.substr(0, end) + "/" + db + tail;
}

// `url` with `password` in its user info (the test server trusts every connection, so it is ignored).
std::string WithPassword(const std::string& url, const std::string& password) {
  const size_t at = url.find('@');
  return url.substr(0, at) + ":" + password + url.substr(at);
}

class PostgresStateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* env = std::getenv("ICEGRAPH_TEST_POSTGRES_URL");
    if (env == nullptr || *env == '\0') {
      GTEST_SKIP() << "ICEGRAPH_TEST_POSTGRES_URL is unset: tests/state/test_postgres_state.py runs these tests "
                      "against a throwaway PostgreSQL server";
    }
    server_ = env;
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    db_ = ("icegraph_t_" + name).substr(0, 63);
    Admin("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
    Admin("CREATE DATABASE " + db_);
  }
  void TearDown() override {
    if (!db_.empty()) Admin("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
  }

  void Admin(const std::string& sql) const {
    pqxx::connection c(server_);
    pqxx::nontransaction tx(c);
    tx.exec(sql);
  }
  // Runs `sql` in the test database and returns the first column of the first row ("" when no rows).
  std::string Query(const std::string& sql) const {
    pqxx::connection c(Url());
    pqxx::nontransaction tx(c);
    const pqxx::result r = tx.exec(sql);
    return r.empty() || r[0][0].is_null() ? "" : r[0][0].as<std::string>();
  }
  std::string Url() const { return WithDatabase(server_, db_); }

  std::unique_ptr<StateStore> OpenOrDie(const std::string& url) const {
    auto store = StateStore::Open(url);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).ValueOrDie() : nullptr;
  }

  std::string server_;
  std::string db_;
};

TEST_F(PostgresStateStoreTest, RunsAreRecordedAndListedNewestFirst) {
  auto store = OpenOrDie(Url());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), 3);
  auto r1 = store->BeginRun("default", "full");
  auto r2 = store->BeginRun("default", "incremental");
  ASSERT_TRUE(r1.ok() && r2.ok()) << r1.status().ToString();
  ASSERT_TRUE(store->EndRun(*r1, "failed", "sink refused", {{"shop.users", {{"read", 3}, {"dead_letters", 1}}}}).ok());
  auto runs = store->ListRuns(10);
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ(runs->size(), 2U);
  EXPECT_EQ((*runs)[0].id, *r2);
  EXPECT_EQ((*runs)[0].outcome, "running");
  EXPECT_EQ((*runs)[0].ended_ms, 0);
  EXPECT_EQ((*runs)[0].counts, nlohmann::json::object());
  EXPECT_EQ((*runs)[1].outcome, "failed");
  EXPECT_EQ((*runs)[1].error, "sink refused");
  EXPECT_EQ((*runs)[1].counts["shop.users"]["read"], 3);
  EXPECT_GE((*runs)[1].ended_ms, (*runs)[1].started_ms);
  EXPECT_EQ(store->ListRuns(1)->size(), 1U);
  EXPECT_EQ(store->ListRuns(-1)->size(), 2U);  // negative: all, as SQLite reads LIMIT -1
  auto got = store->GetRun(*r1);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->pipeline, "default");
  EXPECT_EQ((*got)->kind, "full");
  auto missing = store->GetRun(999);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  // counts are JSONB, so reports can query them in SQL.
  EXPECT_EQ(Query("SELECT counts->'shop.users'->>'read' FROM runs WHERE id = " + std::to_string(*r1)), "3");
}

TEST_F(PostgresStateStoreTest, ThreadsShareOneStore) {
  auto store = OpenOrDie(Url());
  ASSERT_NE(store, nullptr);
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> ids(4);
  std::atomic<int> failures{0};
  for (size_t t = 0; t < ids.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto id = store->BeginRun("p" + std::to_string(t), "full");
        if (!id.ok() || !store->EndRun(*id, "succeeded", "", {{"n", i}}).ok()) ++failures;
        if (id.ok()) ids[t].push_back(*id);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
  std::set<int64_t> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 100U);
  EXPECT_EQ(Query("SELECT count(*) FROM runs WHERE outcome = 'succeeded'"), "100");
}

TEST_F(PostgresStateStoreTest, DeadLettersRoundTripWithPagingAndFilters) {
  auto store = OpenOrDie(Url());
  ASSERT_NE(store, nullptr);
  auto run = store->BeginRun("default", "full");
  auto other = store->BeginRun("default", "full");
  ASSERT_TRUE(run.ok() && other.ok());
  std::vector<mapping::DeadLetter> letters;
  letters.reserve(5);
  for (int i = 0; i < 5; ++i) {
    letters.push_back({"shop.users/vertex:User", "u" + std::to_string(i), "null_id", "column user_id is null",
                       R"({"user_id":null,"name":"ünï \"q\""})"});
  }
  ASSERT_TRUE(store->AddDeadLetters(*run, "shop.users", 42, letters).ok());
  ASSERT_TRUE(store->AddDeadLetters(*run, "shop.orders", 43, {letters[0]}).ok());
  mapping::DeadLetter extra = letters[1];
  extra.row_key = "u9";
  ASSERT_TRUE(store->AddDeadLetters(*other, "shop.users", 44, {extra}).ok());
  // A letter already open for the same table and row is not recorded again, whichever run sees it.
  ASSERT_TRUE(store->AddDeadLetters(*other, "shop.users", 44, {letters[1]}).ok());
  ASSERT_TRUE(store->AddDeadLetters(*run, "shop.users", 42, {}).ok());
  EXPECT_EQ(*store->CountDeadLetters(*run), 6);
  EXPECT_EQ(*store->CountDeadLetters(*other), 1);
  EXPECT_EQ(*store->CountDeadLetters(*other + 1), 0);
  EXPECT_EQ(*store->CountDeadLetters(std::nullopt), 7);
  auto page1 = store->ListDeadLetters({.run_id = *run, .source_table = "shop.users", .after_id = 0, .limit = 3});
  ASSERT_TRUE(page1.ok()) << page1.status().ToString();
  ASSERT_EQ(page1->size(), 3U);
  EXPECT_EQ((*page1)[0].letter.row_key, "u0");
  auto page2 =
      store->ListDeadLetters({.run_id = *run, .source_table = "shop.users", .after_id = page1->back().id, .limit = 3});
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->size(), 2U);
  EXPECT_EQ((*page2)[1].letter.row_key, "u4");
  EXPECT_EQ((*page2)[1].letter.mapping, "shop.users/vertex:User");
  EXPECT_EQ((*page2)[1].letter.message, "column user_id is null");
  EXPECT_EQ((*page2)[1].letter.row_json, R"({"user_id":null,"name":"ünï \"q\""})");
  EXPECT_EQ((*page2)[1].snapshot_id, 42);
  EXPECT_EQ((*page2)[1].run_id, *run);
  EXPECT_EQ((*page2)[1].source_table, "shop.users");
  EXPECT_EQ((*page2)[1].letter.reason_code, "null_id");
  EXPECT_GT((*page2)[1].created_ms, 0);
  EXPECT_EQ(store->ListDeadLetters({.source_table = "shop.users"})->size(), 6U);
  EXPECT_EQ(store->ListDeadLetters({.run_id = *run})->size(), 6U);
  EXPECT_EQ(store->ListDeadLetters({})->size(), 7U);
  EXPECT_EQ(store->ListDeadLetters({.source_table = "shop.none"})->size(), 0U);
}

TEST_F(PostgresStateStoreTest, DeadLettersCountedByReasonTableMappingAndRun) {
  auto store = StateStore::Open(Url());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ExpectDeadLettersCountedByReason(**store);
}

TEST_F(PostgresStateStoreTest, ManyDeadLettersAndUnstorableBytes) {
  auto store = OpenOrDie(Url());
  ASSERT_NE(store, nullptr);
  auto run = store->BeginRun("default", "full");
  ASSERT_TRUE(run.ok());
  std::vector<mapping::DeadLetter> letters;
  letters.reserve(2500);
  for (int i = 0; i < 2500; ++i) letters.push_back({"m", "k" + std::to_string(i), "out_of_range", "too big", "{}"});
  // Invalid UTF-8 and NUL, as an invalid_utf8 dead letter's message may carry: PostgreSQL text refuses both.
  letters.push_back({"m", std::string("bad\xff\xfe", 5), "invalid_utf8", std::string("value 'a\0b' is bad", 18),
                     "{\"x\":\"\xc3\xa9\"}"});
  ASSERT_TRUE(store->AddDeadLetters(*run, "t", 1, letters).ok());
  EXPECT_EQ(*store->CountDeadLetters(*run), 2501);
  auto last = store->ListDeadLetters({.after_id = 0, .limit = -1});
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 2501U);
  EXPECT_EQ((*last)[2499].letter.row_key, "k2499");
  EXPECT_EQ(last->back().letter.row_key, "bad\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(last->back().letter.message,
            "value 'a\xEF\xBF\xBD"
            "b' is bad");
  EXPECT_EQ(last->back().letter.row_json, "{\"x\":\"\xc3\xa9\"}");
  // The batch is one transaction: a failing letter (unknown run) leaves none behind.
  for (auto& l : letters) l.row_key += "-again";
  EXPECT_FALSE(store->AddDeadLetters(*run + 100, "t", 1, letters).ok());
  EXPECT_EQ(*store->CountDeadLetters(std::nullopt), 2501);
}

// One open dead letter per table and row identity; closed when the row leaves, opened again if it comes back bad.
TEST_F(PostgresStateStoreTest, ADeadLetterIsOpenOnceUntilItsRowLeaves) {
  auto store = OpenOrDie(Url());
  ASSERT_NE(store, nullptr);
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

TEST_F(PostgresStateStoreTest, CheckpointsUpsertAndSurviveReopen) {
  {
    auto store = OpenOrDie(Url());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->SetCheckpoint({"p", "shop.users", 1, "fp1", 0, 0}).ok());
    ASSERT_TRUE(store->SetCheckpoint({"p", "shop.users", 2, "fp2", 1, 0}).ok());
    ASSERT_TRUE(store->SetCheckpoint({"p", "shop.orders", 7, "fp3", 2, 0}).ok());
    ASSERT_TRUE(store->SetCheckpoint({"q", "shop.users", int64_t{1} << 62, "fp4", 3, 0}).ok());
  }
  auto store = OpenOrDie(Url());
  ASSERT_NE(store, nullptr);
  auto cp = store->GetCheckpoint("p", "shop.users");
  ASSERT_TRUE(cp.ok() && cp->has_value());
  EXPECT_EQ((*cp)->snapshot_id, 2);
  EXPECT_EQ((*cp)->mapping_fingerprint, "fp2");
  EXPECT_EQ((*cp)->schema_id, 1);
  EXPECT_GT((*cp)->updated_ms, 0);
  EXPECT_FALSE(store->GetCheckpoint("p", "other")->has_value());
  auto list = store->ListCheckpoints("p");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2U);
  EXPECT_EQ((*list)[0].table, "shop.orders");  // ordered by table
  EXPECT_EQ((*list)[1].table, "shop.users");
  EXPECT_EQ((*store->GetCheckpoint("q", "shop.users"))->snapshot_id, int64_t{1} << 62);
}

TEST_F(PostgresStateStoreTest, SparkLedgersAreReplacedWholeAndSurviveReopen) {
  ExpectSparkLedgersReplacedWholeAcrossReopen([this] { return OpenOrDie(Url()); });
}

TEST_F(PostgresStateStoreTest, MigrationsAreIdempotentOnReopen) {
  auto first = OpenOrDie(Url());
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->BeginRun("p", "full").ok());
  first.reset();
  // postgres:// is the same store.
  std::string alias = Url();
  alias.replace(0, std::string("postgresql").size(), "postgres");
  auto again = OpenOrDie(alias);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->schema_version(), 3);
  EXPECT_EQ(again->ListRuns(10)->size(), 1U);
  EXPECT_EQ(Query("SELECT count(*) || ':' || max(version) FROM schema_version"), "1:3");
}

TEST_F(PostgresStateStoreTest, ANewerSchemaIsRefused) {
  ASSERT_NE(OpenOrDie(Url()), nullptr);
  Query("UPDATE schema_version SET version = 99");
  auto store = StateStore::Open(Url());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalid);
  EXPECT_NE(store.status().message().find("schema version 99"), std::string::npos) << store.status().message();
  EXPECT_EQ(Query("SELECT version FROM schema_version"), "99");  // left alone
}

TEST_F(PostgresStateStoreTest, ConcurrentOpensMigrateOnce) {
  constexpr int kWorkers = 8;
  std::vector<std::thread> threads;
  threads.reserve(kWorkers);
  std::vector<Status> results(kWorkers);
  std::atomic<bool> go{false};
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      while (!go) std::this_thread::yield();
      auto s = StateStore::Open(Url());
      results[i] = s.ok() ? Status::OK() : s.status();
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  for (const Status& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Query("SELECT count(*) || ':' || max(version) FROM schema_version"), "1:3");
}

TEST_F(PostgresStateStoreTest, APipelineLockIsExclusiveAndReleasedOnDestruction) {
  auto a = OpenOrDie(Url());
  auto b = OpenOrDie(Url());
  ASSERT_TRUE(a != nullptr && b != nullptr);
  {
    auto held = a->LockPipeline("shop", 0);
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    const auto start = std::chrono::steady_clock::now();
    auto refused = b->LockPipeline("shop", 300);
    const auto waited = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(refused.ok());
    EXPECT_GE(waited, std::chrono::milliseconds(300));
    EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
    const std::string& m = refused.status().message();
    EXPECT_NE(m.find("pipeline shop is locked"), std::string::npos) << m;
    EXPECT_NE(m.find("backend pid="), std::string::npos) << m;
    EXPECT_NE(m.find("client=127.0.0.1"), std::string::npos) << m;
    EXPECT_NE(m.find("since="), std::string::npos) << m;
    EXPECT_NE(m.find("icegraph host="), std::string::npos) << m;
    // The same store cannot take it twice either: each lock is a session of its own.
    EXPECT_FALSE(a->LockPipeline("shop", 0).ok());
    EXPECT_TRUE(b->LockPipeline("other", 0).ok());  // locks are per pipeline
  }
  EXPECT_TRUE(b->LockPipeline("shop", 0).ok());
}

TEST_F(PostgresStateStoreTest, AWaitingLockerGetsTheLockWhenReleased) {
  auto a = OpenOrDie(Url());
  auto b = OpenOrDie(Url());
  ASSERT_TRUE(a != nullptr && b != nullptr);
  auto held = a->LockPipeline("shop", 0);
  ASSERT_TRUE(held.ok());
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    held->reset();
  });
  auto waited = b->LockPipeline("shop", 5000);
  releaser.join();
  EXPECT_TRUE(waited.ok()) << waited.status().ToString();
}

TEST_F(PostgresStateStoreTest, APipelineLockIsReleasedWhenItsSessionDies) {
  auto a = OpenOrDie(Url());
  auto b = OpenOrDie(Url());
  ASSERT_TRUE(a != nullptr && b != nullptr);
  auto held = a->LockPipeline("shop", 0);
  ASSERT_TRUE(held.ok());
  ASSERT_FALSE(b->LockPipeline("shop", 0).ok());
  // As if the holder's host died: the server ends the session and drops its advisory locks.
  EXPECT_EQ(Query("SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                  "database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
            "1");
  auto taken = b->LockPipeline("shop", 5000);
  EXPECT_TRUE(taken.ok()) << taken.status().ToString();
  held->reset();  // destroying a lock whose session is gone is harmless
  EXPECT_TRUE(taken.ok());
  EXPECT_FALSE(a->LockPipeline("shop", 0).ok());  // and did not release the new holder's lock
}

TEST_F(PostgresStateStoreTest, TheStoreReconnectsAfterItsSessionIsKilled) {
  auto store = OpenOrDie(Url());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->BeginRun("p", "full").ok());
  // The store's main session is the only other client without an application name.
  EXPECT_EQ(Query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
                  "datname = current_database() AND application_name = '' AND backend_type = 'client backend'"),
            "1");
  // The call that finds the session gone may fail (Unavailable: retrying helps); the next one reconnects.
  auto first = store->BeginRun("p", "full");
  if (!first.ok()) {
    EXPECT_EQ(first.status().code(), StatusCode::kUnavailable) << first.status().ToString();
  }
  auto second = store->BeginRun("p", "full");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(store->ListRuns(-1)->size(), first.ok() ? 3U : 2U);
}

TEST_F(PostgresStateStoreTest, ThePasswordNeverAppearsInErrors) {
  const std::string with_password = WithPassword(Url(), kPassword);
  // Connection refused (nothing listens on port 1), password in the user info and as a parameter.
  std::string unreachable = with_password;
  unreachable.replace(unreachable.find('@'), unreachable.rfind('/') - unreachable.find('@'), "@127.0.0.1:1");
  for (const std::string& url :
       {unreachable,
        WithDatabase("postgresql://postgres@127.0.0.1:1", "x") + "?password=" + kPassword + "&sslmode=disable",
        std::string("postgresql://postgres:") + kPassword + "@127.0.0.1:1/x?password=" + kPassword}) {
    auto refused = StateStore::Open(url);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().message().find(kPassword), std::string::npos) << refused.status().message();
    EXPECT_NE(refused.status().message().find("***"), std::string::npos) << refused.status().message();
  }
  // Connected (the test server ignores the password), then refused by the schema version.
  auto store = OpenOrDie(with_password);
  ASSERT_NE(store, nullptr);
  auto held = store->LockPipeline("shop", 0);
  ASSERT_TRUE(held.ok());
  auto locked = store->LockPipeline("shop", 0);
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.status().message().find(kPassword), std::string::npos) << locked.status().message();
  Query("UPDATE schema_version SET version = 99");
  auto newer = StateStore::Open(with_password);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().message().find(kPassword), std::string::npos) << newer.status().message();
  EXPECT_NE(newer.status().message().find("postgres:***@"), std::string::npos) << newer.status().message();
  // A failing statement after connecting.
  Query("DROP TABLE dead_letters");
  auto count = store->CountDeadLetters(std::nullopt);
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.status().message().find(kPassword), std::string::npos) << count.status().message();
}

TEST(PostgresStateStoreUrlTest, MasksThePassword) {
  EXPECT_EQ(MaskPostgresUrl("postgresql://u:p%40ss@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(MaskPostgresUrl("postgresql://u:p@ss/x@h/db?sslmode=require"), "postgresql://u:***@h/db?sslmode=require");
  EXPECT_EQ(MaskPostgresUrl("postgresql://u@h/db?password=x&sslmode=require"),
            "postgresql://u@h/db?password=***&sslmode=require");
  EXPECT_EQ(MaskPostgresUrl("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(MaskPostgresUrl("postgres://h/db"), "postgres://h/db");
}

TEST(PostgresStateStoreUrlTest, LockKeysAreStable) {
  // FNV-1a 64 of "icegraph:shop": a changed key would let an old and a new icegraph run one pipeline together.
  EXPECT_EQ(PipelineLockKey("shop"), PipelineLockKey(std::string("shop")));
  EXPECT_NE(PipelineLockKey("shop"), PipelineLockKey("shop2"));
  EXPECT_EQ(static_cast<uint64_t>(PipelineLockKey("")), 0xc1a776d8006bdb3aULL);
}

}  // namespace
}  // namespace icegraph::state
