// One check of StateStore::CountDeadLettersByReason and the reason/mapping filters, run on SQLite
// (state_store_test.cc) and PostgreSQL (postgres_state_store_test.cc) so both stores answer the same.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "state/state_store.h"

namespace icegraph::state {

inline std::vector<std::tuple<std::string, std::string, std::string, int64_t, int64_t>> Flat(
    const std::vector<DeadLetterCount>& counts) {
  std::vector<std::tuple<std::string, std::string, std::string, int64_t, int64_t>> out;
  out.reserve(counts.size());
  for (const auto& c : counts) out.emplace_back(c.reason_code, c.source_table, c.mapping, c.run_id, c.count);
  return out;
}

inline void ExpectDeadLettersCountedByReason(StateStore& store) {
  const std::string users = "shop.users/vertex:User";
  const std::string follows = "shop.follows/edge:FOLLOWS";
  auto r1 = store.BeginRun("default", "full");
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  ASSERT_TRUE(store
                  .AddDeadLetters(*r1, "shop.users", 7,
                                  {{users, "u1", "null_id", "m", R"({"a":1})"},
                                   {users, "u2", "null_id", "m", R"({"a":2})"},
                                   {users, "u3", "out_of_range", "m", R"({"a":3})"}})
                  .ok());
  ASSERT_TRUE(store.AddDeadLetters(*r1, "shop.follows", 8, {{follows, "a->b", "null_id", "m", "{}"}}).ok());
  auto r2 = store.BeginRun("default", "incremental");
  ASSERT_TRUE(r2.ok());
  ASSERT_TRUE(store.AddDeadLetters(*r2, "shop.users", 9, {{users, "u4", "tg_rejected", "m", "{}"}}).ok());
  // u2's row left the table: closed, no longer counted among the open ones.
  ASSERT_TRUE(store.ResolveDeadLetters(*r2, "shop.users", {{users, "u2", "null_id", "m", R"({"a":2})"}}).ok());

  auto open = store.CountDeadLettersByReason({}, false);
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  using T = std::tuple<std::string, std::string, std::string, int64_t, int64_t>;
  EXPECT_EQ(Flat(*open), (std::vector<T>{{"null_id", "shop.follows", follows, 0, 1},
                                         {"null_id", "shop.users", users, 0, 1},
                                         {"out_of_range", "shop.users", users, 0, 1},
                                         {"tg_rejected", "shop.users", users, 0, 1}}));
  auto per_run = store.CountDeadLettersByReason({.include_resolved = true}, true);
  ASSERT_TRUE(per_run.ok());
  EXPECT_EQ(Flat(*per_run), (std::vector<T>{{"null_id", "shop.users", users, *r1, 2},
                                            {"null_id", "shop.follows", follows, *r1, 1},
                                            {"out_of_range", "shop.users", users, *r1, 1},
                                            {"tg_rejected", "shop.users", users, *r2, 1}}));
  auto window = store.CountDeadLettersByReason({.include_resolved = true, .min_run_id = *r2}, true);
  ASSERT_TRUE(window.ok());
  EXPECT_EQ(Flat(*window), (std::vector<T>{{"tg_rejected", "shop.users", users, *r2, 1}}));
  auto one = store.CountDeadLettersByReason({.source_table = "shop.users", .reason_code = "null_id"}, false);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(Flat(*one), (std::vector<T>{{"null_id", "shop.users", users, 0, 1}}));

  auto rows = store.ListDeadLetters({.include_resolved = true, .reason_code = "null_id", .mapping = users});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2U);
  EXPECT_EQ((*rows)[0].letter.row_key, "u1");
  EXPECT_EQ((*rows)[1].letter.row_key, "u2");
  EXPECT_NE((*rows)[1].resolved_ms, 0);
  auto of_run = store.ListDeadLetters({.run_id = *r1, .mapping = follows});
  ASSERT_TRUE(of_run.ok());
  ASSERT_EQ(of_run->size(), 1U);
  EXPECT_EQ((*of_run)[0].snapshot_id, 8);
}

}  // namespace icegraph::state
