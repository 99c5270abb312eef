#include "emulator/graph_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "emulator/database.h"

namespace icegraph::emulator {
namespace {

void AddUsers(GraphStore& store, const std::vector<std::string>& ids) {
  bool created = false;
  for (const std::string& id : ids)
    store.Vertices("User").FindOrInsert(
        id, [] { return Attrs{}; }, &created);
}

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
  AddUsers(store, {"a", "b", "c"});
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
  EXPECT_TRUE(store.DeleteEdge(MakeEdgeKey(knows, {"User", "a"}, {"User", "a"}, "")));
  EXPECT_EQ(store.EdgeCount("KNOWS"), 0);
  EXPECT_TRUE(store.EdgesOf({"User", "a"}).empty());
  store.UpsertEdge(MakeEdgeKey(knows, {"User", "a"}, {"User", "a"}, ""), {}, &created);
  EXPECT_EQ(store.DeleteVertex("User", "a"), 1);  // a self-loop counts once
  EXPECT_EQ(store.EdgeCount("KNOWS"), 0);
}

TEST(GraphStoreTest, AnEdgeCreatesItsMissingEndpoints) {
  GraphStore store;
  bool created = false;
  store.UpsertEdge(MakeEdgeKey(Undirected("KNOWS"), {"User", "a"}, {"User", "b"}, ""), {}, &created);
  EXPECT_EQ(store.VertexCount("User"), 2);
  ASSERT_NE(store.FindVertex("User", "b"), nullptr);
  EXPECT_TRUE(store.FindVertex("User", "b")->empty());
}

TEST(GraphStoreTest, EndpointsOfAnUndirectedEdgeGetTheirOwnTypesDefaults) {
  GraphStore store;
  EdgeType e = Undirected("BOUGHT");
  e.pairs = {{"User", "Product"}};
  VertexType user;
  user.name = "User";
  VertexType product;
  product.name = "Product";
  Attribute price;
  price.name = "price";
  price.type.kind = Kind::kDouble;
  price.default_value = Value{1.5};
  product.attributes = {price};
  bool created = false;
  // Product sorts before User, so the canonical key has its ends swapped.
  const EdgeKey key = MakeEdgeKey(e, {"User", "u1"}, {"Product", "p1"}, "");
  ASSERT_EQ(key.from.type, "Product");
  store.UpsertEdge(key, {}, &created, &user, &product);
  ASSERT_NE(store.FindVertex("Product", "p1"), nullptr);
  ASSERT_EQ(store.FindVertex("Product", "p1")->size(), 1u);
  EXPECT_TRUE((*store.FindVertex("Product", "p1"))[0] == Value{1.5});
  EXPECT_TRUE(store.FindVertex("User", "u1")->empty());
}

// Adjacency entries move when an edge before them goes: every remaining edge must still be found from both ends
// and deletable, whichever order edges of a hub are removed in.
TEST(GraphStoreTest, HubEdgesSurviveDeletionInAnyOrder) {
  GraphStore store;
  EdgeType follows = Undirected("FOLLOWS");
  follows.directed = true;
  std::vector<std::string> ids;
  ids.reserve(50);
  for (int i = 0; i < 50; ++i) ids.push_back("u" + std::to_string(i));
  AddUsers(store, ids);
  bool created = false;
  for (const std::string& id : ids) {
    store.UpsertEdge(MakeEdgeKey(follows, {"User", "hub"}, {"User", id}, ""), {Value{}}, &created);
    store.UpsertEdge(MakeEdgeKey(follows, {"User", id}, {"User", "hub"}, ""), {Value{}}, &created);
  }
  EXPECT_EQ(store.EdgesOf({"User", "hub"}).size(), 100u);
  for (size_t i = 0; i < ids.size(); i += 3) {
    EXPECT_TRUE(store.DeleteEdge(MakeEdgeKey(follows, {"User", "hub"}, {"User", ids[i]}, "")));
    EXPECT_FALSE(store.DeleteEdge(MakeEdgeKey(follows, {"User", "hub"}, {"User", ids[i]}, "")));
  }
  EXPECT_EQ(store.EdgeCount("FOLLOWS"), 83);
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto seen = store.EdgesOf({"User", ids[i]});
    EXPECT_EQ(seen.size(), i % 3 == 0 ? 1u : 2u) << ids[i];
    for (const EdgeView& ev : seen) {
      EXPECT_EQ(ev.self().id, ids[i]);
      EXPECT_EQ(ev.other().id, "hub");
      EXPECT_NE(store.FindEdge(ev.Key()), nullptr);
    }
  }
  EXPECT_EQ(store.DeleteVertex("User", "hub"), 83);
  EXPECT_EQ(store.EdgeCount("FOLLOWS"), 0);
  for (const std::string& id : ids) EXPECT_TRUE(store.EdgesOf({"User", id}).empty()) << id;
}

TEST(GraphStoreTest, DeletedSlotsAreReusedWithoutMixingUpIds) {
  GraphStore store;
  AddUsers(store, {"a", "b", "c"});
  EXPECT_EQ(store.DeleteVertex("User", "b"), 0);
  AddUsers(store, {"d"});
  EXPECT_EQ(store.FindVertex("User", "b"), nullptr);
  ASSERT_NE(store.FindVertex("User", "d"), nullptr);
  std::vector<std::string> seen;
  store.FindVertices("User")->ForEach([&](const std::string& id, const Attrs&) { seen.push_back(id); });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "c", "d"}));
}

TEST(GraphStoreTest, DroppingAVertexTypeRemovesItsEdgesOnly) {
  GraphStore store;
  EdgeType owns = Undirected("OWNS");
  owns.directed = true;
  const EdgeType knows = Undirected("KNOWS");
  AddUsers(store, {"a", "b"});
  bool created = false;
  store.UpsertEdge(MakeEdgeKey(owns, {"User", "a"}, {"Card", "c1"}, ""), {}, &created);
  store.UpsertEdge(MakeEdgeKey(knows, {"User", "a"}, {"User", "b"}, ""), {}, &created);
  store.DropVertexType("Card");
  EXPECT_EQ(store.EdgeCount("OWNS"), 0);
  EXPECT_EQ(store.EdgeCount("KNOWS"), 1);
  EXPECT_EQ(store.EdgesOf({"User", "a"}).size(), 1u);
  EXPECT_EQ(store.VertexCount("Card"), 0);
}

// A model of the store (sets of vertex ids and edge keys) driven by random operations alongside it: after every
// operation the store's internal links hold and it holds exactly the model's vertices and edges.
TEST(GraphStoreTest, RandomOperationsMatchASimpleModel) {
  using ModelEdge = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;
  const EdgeType knows = Undirected("KNOWS");
  EdgeType follows = Undirected("FOLLOWS");
  follows.directed = true;
  EdgeType owns = Undirected("OWNS");
  owns.directed = true;
  owns.pairs = {{"User", "Card"}};
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    GraphStore store;
    std::set<std::pair<std::string, std::string>> vertices;
    std::set<ModelEdge> edges;
    const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint32_t>(n)); };
    const auto vertex = [&] {
      const bool card = pick(4) == 0;
      return VertexRef{card ? "Card" : "User", (card ? "c" : "u") + std::to_string(pick(12))};
    };
    const auto model_key = [](const EdgeKey& k) {
      return ModelEdge{k.type, k.from.type, k.from.id, k.to.type, k.to.id, k.discriminator};
    };
    for (int step = 0; step < 400; ++step) {
      const int op = pick(10);
      if (op < 5) {
        const EdgeType& t = op < 2 ? knows : (op < 4 ? follows : owns);
        VertexRef from = op == 4 ? VertexRef{"User", "u" + std::to_string(pick(12))} : vertex();
        VertexRef to = op == 4 ? VertexRef{"Card", "c" + std::to_string(pick(12))} : vertex();
        const EdgeKey key = MakeEdgeKey(t, from, to, op == 2 ? std::to_string(pick(2)) : "");
        bool created = false;
        store.UpsertEdge(key, {}, &created);
        EXPECT_EQ(created, edges.insert(model_key(key)).second);
        vertices.insert({key.from.type, key.from.id});
        vertices.insert({key.to.type, key.to.id});
      } else if (op < 7) {
        const VertexRef v = vertex();
        const int64_t removed = store.DeleteVertex(v.type, v.id);
        const bool existed = vertices.erase({v.type, v.id}) == 1;
        int64_t expected = 0;
        for (auto it = edges.begin(); it != edges.end();) {
          const auto& [type, ft, fid, tt, tid, disc] = *it;
          if ((ft == v.type && fid == v.id) || (tt == v.type && tid == v.id)) {
            it = edges.erase(it);
            ++expected;
          } else {
            ++it;
          }
        }
        EXPECT_EQ(removed, existed ? expected : -1);
      } else if (op < 9 && !edges.empty()) {
        auto it = edges.begin();
        std::advance(it, pick(static_cast<int>(edges.size())));
        const auto& [type, ft, fid, tt, tid, disc] = *it;
        EXPECT_TRUE(store.DeleteEdge(EdgeKey{type, {ft, fid}, {tt, tid}, disc}));
        EXPECT_FALSE(store.DeleteEdge(EdgeKey{type, {ft, fid}, {tt, tid}, disc}));
        edges.erase(it);
      } else if (op == 9 && pick(8) == 0) {
        store.DropVertexType("Card");
        std::erase_if(vertices, [](const auto& v) { return v.first == "Card"; });
        std::erase_if(edges, [](const ModelEdge& e) { return std::get<1>(e) == "Card" || std::get<3>(e) == "Card"; });
      }
      ASSERT_EQ(store.Inconsistency(), "") << "seed " << seed << " step " << step;
    }
    std::set<std::pair<std::string, std::string>> stored;
    std::set<ModelEdge> stored_edges;
    for (const std::string type : {"User", "Card"}) {
      if (const VertexTable* t = store.FindVertices(type)) {
        t->ForEach([&](const std::string& id, const Attrs&) { stored.insert({type, id}); });
      }
    }
    for (const auto& [type, id] : stored) {
      for (const EdgeView& e : store.EdgesOf(type, id)) stored_edges.insert(model_key(e.Key()));
    }
    EXPECT_EQ(stored, vertices) << "seed " << seed;
    // EdgesOf lists directed edges from their source only; every modelled edge has a User or Card source listed.
    EXPECT_EQ(stored_edges, edges) << "seed " << seed;
  }
}

}  // namespace
}  // namespace icegraph::emulator
