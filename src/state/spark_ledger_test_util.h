// One check of the Spark ledger methods of StateStore across a reopen, run on SQLite (state_store_test.cc) and
// PostgreSQL (postgres_state_store_test.cc) so both stores answer the same.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "state/state_store.h"

namespace icegraph::state {

/// `open()` opens the same database each time (nullptr when it cannot, after reporting why).
inline void ExpectSparkLedgersReplacedWholeAcrossReopen(const std::function<std::unique_ptr<StateStore>()>& open) {
  {
    auto store = open();
    ASSERT_NE(store, nullptr);
    EXPECT_FALSE(store->GetSparkLedger("p")->has_value());
    ASSERT_TRUE(store->PutSparkLedger("p", R"({"run_id":1,"finished":{}})").ok());
    ASSERT_TRUE(store->PutSparkLedger("p", R"({"run_id":1,"finished":{"vertices/0/0":{"ok":true}}})").ok());
    ASSERT_TRUE(store->PutSparkLedger("q", R"({"run_id":2})").ok());
  }
  auto store = open();
  ASSERT_NE(store, nullptr);
  auto p = store->GetSparkLedger("p");
  ASSERT_TRUE(p.ok() && p->has_value()) << p.status().ToString();
  EXPECT_EQ(**p, R"({"run_id":1,"finished":{"vertices/0/0":{"ok":true}}})");
  ASSERT_TRUE(store->DeleteSparkLedger("p").ok());
  EXPECT_FALSE(store->GetSparkLedger("p")->has_value());
  EXPECT_EQ(**store->GetSparkLedger("q"), R"({"run_id":2})");  // per pipeline
  ASSERT_TRUE(store->DeleteSparkLedger("p").ok());             // removing none is not an error
}

}  // namespace icegraph::state
