// Loading jobs over many lines: the loader reads ahead of the line it applies (to prefetch), which must never change
// what a load does. Checked against a model of the loaded graph, across the store's chunk boundaries.
#include "emulator/loader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "emulator/chunked_vector.h"
#include "emulator/gsql_executor.h"

namespace icegraph::emulator {
namespace {

constexpr const char* kSchema = R"(
CREATE VERTEX User (PRIMARY_ID id STRING, age INT)
CREATE UNDIRECTED EDGE KNOWS (FROM User, TO User, since INT)
CREATE DIRECTED EDGE FOLLOWS (FROM User, TO User, DISCRIMINATOR(tag STRING), weight INT)
CREATE GRAPH g (User, KNOWS, FOLLOWS)
CREATE LOADING JOB load FOR GRAPH g {
  DEFINE FILENAME f;
  LOAD f TO VERTEX User VALUES ($0, $2) WHERE $3 == "v",
       TO EDGE KNOWS VALUES ($0, $1, $2),
       TO EDGE FOLLOWS VALUES ($1, $0, $3, $2) USING SEPARATOR=",";
}
)";

TEST(ChunkedVectorTest, ElementsStayPutAsItGrows) {
  ChunkedVector<std::string, 4> v;
  std::vector<const std::string*> addresses;
  for (int i = 0; i < 11; ++i) {
    v.emplace_back() = std::to_string(i);
    addresses.push_back(&v[static_cast<size_t>(i)]);
  }
  ASSERT_EQ(v.size(), 11U);
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(&v[i], addresses[i]);
    EXPECT_EQ(v[i], std::to_string(i));
  }
  std::string all;
  v.ForEach([&](const std::string& s) { all += s + ","; });
  EXPECT_EQ(all, "0,1,2,3,4,5,6,7,8,9,10,");
  v.clear();
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.emplace_back(), "");
}

// Every line creates or updates a vertex (when $3 is "v"), an undirected edge whose ends come in either order, and a
// directed edge with a discriminator, among 2,500 ids: lines often reuse ids and edges a few lines apart, inside the
// look-ahead window, and the vertex and edge records cross several chunks.
TEST(LoaderTest, ManyLinesLoadExactlyWhatAModelOfTheLinesHolds) {
  Database db;
  GsqlSession session;
  const GsqlOutcome created = RunGsql(db, session, kSchema, nullptr);
  ASSERT_FALSE(created.failed) << created.output;
  const LoadingJob job = db.catalog.FindGraph("g")->loading_jobs.at("load");
  std::mt19937 rng(7);
  std::set<std::string> vertices;
  std::map<std::string, int64_t> age;  // set by the last line that loads the vertex; 0 when only edges made it
  std::set<std::pair<std::string, std::string>> knows;
  std::set<std::tuple<std::string, std::string, std::string>> follows;
  std::string csv;
  int lines = 0;
  for (int i = 0; i < 20'000; ++i) {
    const std::string a = "u" + std::to_string(rng() % 2500);
    const std::string b = i % 7 == 0 ? a : "u" + std::to_string(rng() % 2500);  // some self loops
    const std::string tag = rng() % 3 == 0 ? "v" : "t" + std::to_string(rng() % 2);
    csv += fmt::format("{},{},{},{}\n", a, b, i, tag);
    ++lines;
    if (tag == "v") age[a] = i;
    vertices.insert(a);
    vertices.insert(b);
    knows.insert(std::minmax(a, b));
    follows.insert({b, a, tag});
  }
  auto stats = RunLoad(db, job, "f", csv, {});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->valid_line, lines);
  EXPECT_EQ(db.store.Inconsistency(), "");
  EXPECT_EQ(db.store.VertexCount("User"), static_cast<int64_t>(vertices.size()));
  EXPECT_EQ(db.store.EdgeCount("KNOWS"), static_cast<int64_t>(knows.size()));
  EXPECT_EQ(db.store.EdgeCount("FOLLOWS"), static_cast<int64_t>(follows.size()));
  std::set<std::pair<std::string, std::string>> stored_knows;
  std::set<std::tuple<std::string, std::string, std::string>> stored_follows;
  for (const std::string& v : vertices) {
    for (const EdgeView& e : db.store.EdgesOf("User", v)) {
      const EdgeKey k = e.Key();
      if (k.type == "KNOWS") stored_knows.insert({k.from.id, k.to.id});
      if (k.type == "FOLLOWS") stored_follows.insert({k.from.id, k.to.id, k.discriminator});
    }
  }
  EXPECT_EQ(stored_knows, knows);
  std::set<std::tuple<std::string, std::string, std::string>> expected_follows;
  for (const auto& [from, to, tag] : follows) {
    Attrs attrs{Value{tag}, Value{int64_t{0}}};
    expected_follows.insert({from, to, EncodeDiscriminator(*db.catalog.FindEdge("FOLLOWS"), attrs)});
  }
  EXPECT_EQ(stored_follows, expected_follows);
  for (const std::string& v : vertices) {
    const Attrs* attrs = db.store.FindVertex("User", v);
    ASSERT_NE(attrs, nullptr) << v;
    const auto it = age.find(v);
    EXPECT_EQ(std::get<int64_t>((*attrs)[0].data), it == age.end() ? 0 : it->second) << v;
  }
}

}  // namespace
}  // namespace icegraph::emulator
