#include "emulator/graph_store.h"

#include <gtest/gtest.h>

#include "emulator/database.h"

namespace icegraph::emulator {
namespace {

EdgeType Undirected(const std::string& name) {
  EdgeType e;
  e.name = name;
  e.directed = false;
  e.pairs = {{"User", "User"}};
  return e;
}

TEST(GraphStoreTest, UndirectedEdgeIsOneEdgeWhicheverWayItIsWritten) {
  GraphStore store;
  const EdgeType knows = Undirected("KNOWS");
  bool created = false;
  store.UpsertEdge(MakeEdgeKey(knows, {"User", "b"}, {"User", "a"}, ""), {}, &created);
  EXPECT_TRUE(created);
  store.UpsertEdge(MakeEdgeKey(knows, {"User", "a"}, {"User", "b"}, ""), {}, &created);
  EXPECT_FALSE(created);
  EXPECT_EQ(store.EdgeCount("KNOWS"), 1);
  // Seen from either end, with that end as `from`.
  const auto from_a = store.EdgesOf({"User", "a"});
  ASSERT_EQ(from_a.size(), 1u);
  const auto from_b = store.EdgesOf({"User", "b"});
  ASSERT_EQ(from_b.size(), 1u);
  EXPECT_NE(from_a[0].flipped, from_b[0].flipped);
}

TEST(GraphStoreTest, DiscriminatorKeepsParallelEdgesApart) {
  GraphStore store;
  EdgeType e = Undirected("PAID");
  e.directed = true;
  bool created = false;
  store.UpsertEdge(MakeEdgeKey(e, {"User", "a"}, {"User", "b"}, "2026-01-01"), {}, &created);
  store.UpsertEdge(MakeEdgeKey(e, {"User", "a"}, {"User", "b"}, "2026-01-02"), {}, &created);
  store.UpsertEdge(MakeEdgeKey(e, {"User", "a"}, {"User", "b"}, "2026-01-02"), {}, &created);
  EXPECT_EQ(store.EdgeCount("PAID"), 2);
}

TEST(GraphStoreTest, DeletingAVertexRemovesItsEdges) {
  GraphStore store;
  const EdgeType knows = Undirected("KNOWS");
  store.Vertices("User")["a"] = {};
  store.Vertices("User")["b"] = {};
  store.Vertices("User")["c"] = {};
  bool created = false;
  store.UpsertEdge(MakeEdgeKey(knows, {"User", "a"}, {"User", "b"}, ""), {}, &created);
  store.UpsertEdge(MakeEdgeKey(knows, {"User", "c"}, {"User", "a"}, ""), {}, &created);
  store.UpsertEdge(MakeEdgeKey(knows, {"User", "b"}, {"User", "c"}, ""), {}, &created);
  EXPECT_EQ(store.DeleteVertex("User", "a"), 2);
  EXPECT_EQ(store.EdgeCount("KNOWS"), 1);
  EXPECT_EQ(store.VertexCount("User"), 2);
  EXPECT_TRUE(store.EdgesOf({"User", "a"}).empty());
  EXPECT_EQ(store.EdgesOf({"User", "b"}).size(), 1u);
  EXPECT_EQ(store.DeleteVertex("User", "a"), -1);
}

TEST(GraphStoreTest, SelfLoopIsListedOnce) {
  GraphStore store;
  const EdgeType knows = Undirected("KNOWS");
  bool created = false;
  store.UpsertEdge(MakeEdgeKey(knows, {"User", "a"}, {"User", "a"}, ""), {}, &created);
  EXPECT_EQ(store.EdgesOf({"User", "a"}).size(), 1u);
  EXPECT_EQ(store.DeleteVertex("User", "a"), -1);  // the vertex itself was never stored
  EXPECT_TRUE(store.DeleteEdge(MakeEdgeKey(knows, {"User", "a"}, {"User", "a"}, "")));
  EXPECT_EQ(store.EdgeCount("KNOWS"), 0);
}

}  // namespace
}  // namespace icegraph::emulator
