// The query interpreter: what pyTigerGraph sends as interpreted queries, the subset's semantics, and refusals.
#include "emulator/gsql_query.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "emulator/gsql_executor.h"
#include "emulator/restpp_ops.h"

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;

class GsqlQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GsqlSession session;
    const RunJobFn no_jobs = [](const std::string&, const LoadingJob&,
                                const std::vector<std::pair<std::string, std::string>>&,
                                std::string*) { return Status::NotImplemented("no files"); };
    const GsqlOutcome out = RunGsql(db_, session,
                                    "CREATE VERTEX U (PRIMARY_ID id STRING, name STRING, age INT)\n"
                                    "CREATE VERTEX P (PRIMARY_ID id STRING, price DOUBLE)\n"
                                    "CREATE DIRECTED EDGE F (FROM U, TO U, since INT) WITH REVERSE_EDGE=\"F_R\"\n"
                                    "CREATE UNDIRECTED EDGE B (FROM U, TO P, qty INT)\n"
                                    "CREATE GRAPH g (*)",
                                    no_jobs);
    ASSERT_FALSE(out.failed) << out.output;
    const Reply r = UpsertGraph(db_, "g", {}, R"({
      "vertices": {"U": {"a": {"name": {"value": "Ann"}, "age": {"value": 30}},
                         "b": {"name": {"value": "Bob"}, "age": {"value": 20}},
                         "c": {"name": {"value": "Cy"}, "age": {"value": 40}}},
                   "P": {"p1": {"price": {"value": 2.5}}}},
      "edges": {"U": {"a": {"F": {"U": {"b": {"since": {"value": 2020}}, "c": {"since": {"value": 2021}}}},
                            "B": {"P": {"p1": {"qty": {"value": 3}}}}},
                      "c": {"F": {"U": {"a": {"since": {"value": 2022}}}}}}}})");
    ASSERT_FALSE(r.error) << r.body.dump();
  }
  json Run(std::string_view text, const QueryParams& params = {}) {
    auto out = InterpretQuery(db_, text, params);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? out->results : json();
  }
  std::string Refused(std::string_view text, const QueryParams& params = {}) {
    auto out = InterpretQuery(db_, text, params);
    EXPECT_FALSE(out.ok());
    return out.ok() ? "" : out.status().message();
  }

  Database db_;
};

// pyTigerGraph getSchemaVer's query: a PRINT of a literal keys the value by the expression as written.
TEST_F(GsqlQueryTest, PrintOfALiteral) {
  EXPECT_EQ(Run("INTERPRET QUERY () FOR GRAPH g { PRINT \"OK\"; }"), json::parse(R"js([{"\"OK\"": "OK"}])js"));
  EXPECT_EQ(Run("INTERPRET QUERY () FOR GRAPH g { PRINT 1 + 2 * 3 AS n, \"a\" + \"b\", 7 / 2; PRINT NOT (1 > 2); }"),
            json::parse(R"js([{"n": 7, "\"a\" + \"b\"": "ab", "7 / 2": 3.5}, {"NOT (1 > 2)": true
}])js"));
}

// pyTigerGraph getEdgesByType's query, verbatim (common/edge.py _prep_get_edges_by_type): the F edges leaving U
// vertices, as edge objects (reverse F_R edges are another type; WHERE keeps F).
TEST_F(GsqlQueryTest, PyTigerGraphGetEdgesByType) {
  const json out =
      Run("INTERPRET QUERY () FOR GRAPH g {         SetAccum<EDGE> @@edges;         start = {ANY};         res = "
          "            SELECT s             FROM   start:s-(:e)->ANY:t             WHERE  e.type == \"F\" "
          "                AND s.type == \"U\"             ACCUM  @@edges += e;         PRINT @@edges AS edges;     }");
  ASSERT_EQ(out.size(), 1u);
  std::vector<std::tuple<std::string, std::string, json>> got;
  for (const json& e : out[0]["edges"]) {
    EXPECT_EQ(e["e_type"], "F");
    EXPECT_EQ(e["directed"], true);
    EXPECT_EQ(e["from_type"], "U");
    EXPECT_EQ(e["to_type"], "U");
    got.emplace_back(e["from_id"], e["to_id"], e["attributes"]);
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::tuple<std::string, std::string, json>>{
                     {"a", "b", {{"since", 2020}}}, {"a", "c", {{"since", 2021}}}, {"c", "a", {{"since", 2022}}}}));
}

// -(E)-> walks directed edges from their source only; -(E)- walks undirected ones; SYNTAX v1 lets -(E)-> walk
// undirected edges too. SELECT t collects the targets; WHERE sees s, e and t; LIMIT cuts the set.
TEST_F(GsqlQueryTest, EdgePatternsAndSelectedSets) {
  EXPECT_EQ(Run("INTERPRET QUERY () FOR GRAPH g { SumAccum<INT> @@n; s0 = {U.*}; "
                "r = SELECT t FROM s0:s-(B:e)->P:t ACCUM @@n += 1; PRINT @@n; }"),
            json::parse(R"js([{"@@n": 0}])js"));
  EXPECT_EQ(Run("INTERPRET QUERY () FOR GRAPH g SYNTAX v1 { SumAccum<INT> @@n; s0 = {U.*}; "
                "r = SELECT t FROM s0:s-(B:e)->P:t ACCUM @@n += e.qty; PRINT @@n; }"),
            json::parse(R"js([{"@@n": 3}])js"));
  const json r =
      Run("INTERPRET QUERY () FOR GRAPH g { s0 = {P.*}; r = SELECT t FROM s0:s-(B:e)-U:t WHERE t.age >= 30 AND "
          "e.qty == 3; PRINT r; }");
  EXPECT_EQ(r, json::parse(R"js([{"r": [{"v_id": "a", "v_type": "U", "attributes": {"name": "Ann", "age": 30}}]}])js"));
  EXPECT_EQ(Run("INTERPRET QUERY () FOR GRAPH g { SetAccum<VERTEX> @@who; MaxAccum<INT> @@latest; "
                "r = SELECT s FROM U:s-(F:e)->U:t WHERE t.name != \"Bob\" ACCUM @@who += t, @@latest += e.since; "
                "PRINT @@latest; }"),
            json::parse(R"js([{"@@latest": 2022}])js"));
}

// Parameters come from the URL: scalars, a SET repeated, a typed vertex seeding a set.
TEST_F(GsqlQueryTest, Parameters) {
  EXPECT_EQ(Run("INTERPRET QUERY (INT n, SET<STRING> tags, VERTEX<U> v) FOR GRAPH g { start = {v}; "
                "r = SELECT t FROM start:s-(F:e)->U:t WHERE t.age > n; PRINT n, tags, r; }",
                {{"n", "25"}, {"tags", "x"}, {"tags", "y"}, {"v", "a"}}),
            json::parse(R"js([{"n": 25, "tags": ["x", "y"],
                             "r": [{"v_id": "c", "v_type": "U", "attributes": {"name": "Cy", "age": 40}}]}])js"));
  EXPECT_EQ(Refused("INTERPRET QUERY (INT n) FOR GRAPH g { PRINT n; }"), "The query parameter n is missing.");
  EXPECT_EQ(Refused("INTERPRET QUERY (INT n) FOR GRAPH g { PRINT n; }", {{"n", "x"}}),
            "The query parameter n is not an integer.");
}

// What the subset leaves out is refused by name; mistakes name the line.
TEST_F(GsqlQueryTest, RefusalsNameTheConstruct) {
  EXPECT_NE(Refused("INTERPRET QUERY () FOR GRAPH g { SumAccum<INT> @n; }").find("vertex-attached accumulators"),
            std::string::npos);
  EXPECT_NE(Refused("INTERPRET QUERY () FOR GRAPH g { INSERT INTO U VALUES (\"x\", \"y\", 1); }")
                .find("the query statement \"INSERT\""),
            std::string::npos);
  EXPECT_NE(
      Refused("INTERPRET QUERY () FOR GRAPH g { r = SELECT s FROM U:s POST-ACCUM s.age = 1; }").find("the clause POST"),
      std::string::npos);
  EXPECT_NE(Refused("INTERPRET QUERY () FOR GRAPH g { HeapAccum<INT> @@h; }").find("the accumulator HeapAccum"),
            std::string::npos);
  EXPECT_NE(Refused("CREATE QUERY q() FOR GRAPH g { PRINT 1; }").find("installed queries"), std::string::npos);
  EXPECT_EQ(Refused("INTERPRET QUERY () FOR GRAPH nope { PRINT 1; }"), "The graph nope does not exist.");
  EXPECT_EQ(Refused("INTERPRET QUERY () FOR GRAPH g {\n r = SELECT s FROM U:s WHERE x.age > 1; }"),
            "Line 2: x is not an alias of this SELECT.");
  EXPECT_EQ(Refused("INTERPRET QUERY () FOR GRAPH g {\n PRINT 1 < \"a\"; }"),
            "Line 2: cannot compare number with string.");
  EXPECT_NE(Refused("INTERPRET QUERY () FOR GRAPH g { PRINT r.size(); }").find("the method size()"), std::string::npos);
}

}  // namespace
}  // namespace icegraph::emulator
