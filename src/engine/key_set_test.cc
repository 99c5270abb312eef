#include "engine/key_set.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace icegraph::engine {
namespace {

TEST(KeySetTest, HoldsEachKeyOnceThroughGrowthErasureAndReinsertion) {
  KeyArena arena;
  KeySet keys;
  const auto store = [&](std::string_view k) { return arena.Store(k); };
  for (int round = 0; round < 2; ++round) {  // the second round inserts every key again
    for (int i = 0; i < 10000; ++i) keys.insert("k" + std::to_string(i), store);
  }
  EXPECT_EQ(keys.size(), 10000u);
  for (int i = 0; i < 10000; i += 2) keys.erase("k" + std::to_string(i));
  keys.erase("absent");
  EXPECT_EQ(keys.size(), 5000u);
  EXPECT_FALSE(keys.contains("k0"));
  EXPECT_TRUE(keys.contains("k1"));
  EXPECT_EQ(keys.count("k9999"), 1u);
  // Tombstones are reused and probed past: an erased key comes back once, a live one is not duplicated.
  keys.insert("k0", store);
  keys.insert("k1", store);
  EXPECT_EQ(keys.size(), 5001u);
  std::set<std::string> seen;
  keys.ForEach([&](std::string_view k) { EXPECT_TRUE(seen.emplace(k).second) << k; });
  EXPECT_EQ(seen.size(), 5001u);
  EXPECT_EQ(seen.count("k0"), 1u);
  EXPECT_EQ(seen.count("k2"), 0u);
}

TEST(KeySetTest, ArenaKeepsLongAndEmptyKeys) {
  KeyArena arena;
  KeySet keys;
  const std::string big(1 << 20, 'x');  // longer than a block: stored on its own
  keys.insert(big, [&](std::string_view k) { return arena.Store(k); });
  keys.insert("", [&](std::string_view k) { return arena.Store(k); });
  EXPECT_TRUE(keys.contains(big));
  EXPECT_TRUE(keys.contains(""));
  EXPECT_EQ(keys.size(), 2u);
}

}  // namespace
}  // namespace icegraph::engine
