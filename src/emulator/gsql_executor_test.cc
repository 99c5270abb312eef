// GSQL statements run against an in-memory database: exact output text and catalog effects.
#include "emulator/gsql_executor.h"

#include <gtest/gtest.h>

#include <string>

namespace icegraph::emulator {
namespace {

class GsqlExecutorTest : public ::testing::Test {
 protected:
  GsqlOutcome Run(std::string_view text) {
    const RunJobFn no_jobs = [](const std::string&, const LoadingJob&,
                                const std::vector<std::pair<std::string, std::string>>&,
                                std::string*) { return Status::NotImplemented("no files in this test"); };
    return RunGsql(db_, session_, text, no_jobs);
  }
  // Runs `text` in a fresh session and expects it to succeed.
  std::string Ok(std::string_view text) {
    session_ = GsqlSession{};
    const GsqlOutcome out = Run(text);
    EXPECT_FALSE(out.failed) << out.output;
    return out.output;
  }

  Database db_;
  GsqlSession session_;
};

// The documented empty catalog (gsql-endpoints "run gsql statements" sample response for `ls`).
TEST_F(GsqlExecutorTest, LsOnAnEmptyCatalogIsTheDocumentedText) {
  EXPECT_EQ(Ok("ls"),
            "---- Global vertices, edges, and all graphs\n"
            "Vertex Types:\n"
            "Edge Types:\n"
            "\n"
            "Graphs:\n"
            "Jobs:\n"
            "\n"
            "\n"
            "JSON API version: v2\n"
            "Syntax version: v2\n");
}

// The GSQL shell page's `ls` example: vertex with STATS, directed edge and its reverse, undirected edge.
TEST_F(GsqlExecutorTest, LsGlobalScopeListsGlobalTypesGraphsAndGlobalJobs) {
  Ok("CREATE VERTEX Person(PRIMARY_ID id STRING, name STRING, score FLOAT)\n"
     "CREATE DIRECTED EDGE Friend(FROM Person, TO Person, weight FLOAT) WITH REVERSE_EDGE=\"Also_Friend\"\n"
     "CREATE UNDIRECTED EDGE Coworker(FROM Person, TO Person)\n"
     "CREATE GRAPH social(Person, Friend, Coworker)\n"
     "CREATE GLOBAL SCHEMA_CHANGE JOB gj { ADD VERTEX City(PRIMARY_ID name STRING); }\n"
     "USE GRAPH social\n"
     "CREATE SCHEMA_CHANGE JOB lj FOR GRAPH social { ADD VERTEX Local(PRIMARY_ID id INT); }\n"
     "RUN SCHEMA_CHANGE JOB lj");
  EXPECT_EQ(Ok("ls"),
            "---- Global vertices, edges, and all graphs\n"
            "Vertex Types:\n"
            "  - VERTEX Person(PRIMARY_ID id STRING, name STRING, score FLOAT) WITH STATS=\"OUTDEGREE_BY_EDGETYPE\"\n"
            "Edge Types:\n"
            "  - DIRECTED EDGE Also_Friend(FROM Person, TO Person, weight FLOAT) WITH REVERSE_EDGE=\"Friend\"\n"
            "  - UNDIRECTED EDGE Coworker(FROM Person, TO Person)\n"
            "  - DIRECTED EDGE Friend(FROM Person, TO Person, weight FLOAT) WITH REVERSE_EDGE=\"Also_Friend\"\n"
            "\n"
            "Graphs:\n"
            "  - Graph social(Person:v, Local:v, Friend:e, Also_Friend:e, Coworker:e)\n"
            "Jobs:\n"
            "  - CREATE GLOBAL SCHEMA_CHANGE JOB gj\n"
            "\n"
            "\n"
            "JSON API version: v2\n"
            "Syntax version: v2\n");
  // Graph scope (gsql-101 "define a schema"): the graph's types in its order, local ones included.
  EXPECT_EQ(Ok("USE GRAPH social\n"
               "CREATE LOADING JOB load_p FOR GRAPH social { DEFINE FILENAME f; LOAD f TO VERTEX Person "
               "VALUES($0, $1, $2); }\n"
               "ls"),
            "Using graph 'social'\n"
            "Successfully created loading jobs: [load_p].\n"
            "---- Graph social\n"
            "Vertex Types:\n"
            "  - VERTEX Person(PRIMARY_ID id STRING, name STRING, score FLOAT) WITH STATS=\"OUTDEGREE_BY_EDGETYPE\"\n"
            "  - VERTEX Local(PRIMARY_ID id INT) WITH STATS=\"OUTDEGREE_BY_EDGETYPE\"\n"
            "Edge Types:\n"
            "  - DIRECTED EDGE Friend(FROM Person, TO Person, weight FLOAT) WITH REVERSE_EDGE=\"Also_Friend\"\n"
            "  - DIRECTED EDGE Also_Friend(FROM Person, TO Person, weight FLOAT) WITH REVERSE_EDGE=\"Friend\"\n"
            "  - UNDIRECTED EDGE Coworker(FROM Person, TO Person)\n"
            "\n"
            "Graphs:\n"
            "  - Graph social(Person:v, Local:v, Friend:e, Also_Friend:e, Coworker:e)\n"
            "Jobs:\n"
            "  - CREATE LOADING JOB load_p FOR GRAPH social { DEFINE FILENAME f; LOAD f TO VERTEX Person "
            "VALUES($0, $1, $2); }\n"
            "  - CREATE SCHEMA_CHANGE JOB lj\n"
            "Queries:\n");
}

// gsql-ref defining-a-graph-schema "DROP GRAPH": the graph's local types go with it, shared (global) types stay.
TEST_F(GsqlExecutorTest, DropGraphDropsItsLocalTypesAndKeepsGlobalOnes) {
  for (const char* drop : {"DROP GRAPH g", "DROP GRAPH g CASCADE"}) {
    SCOPED_TRACE(drop);
    Ok("DROP ALL");
    Ok("CREATE VERTEX G(PRIMARY_ID id STRING)\n"
       "CREATE GRAPH g(G)\n"
       "CREATE GRAPH other(G)\n"
       "USE GRAPH g\n"
       "CREATE SCHEMA_CHANGE JOB add_local FOR GRAPH g {\n"
       "  ADD VERTEX L(PRIMARY_ID id STRING);\n"
       "  ADD DIRECTED EDGE le(FROM G, TO L) WITH REVERSE_EDGE=\"le_rev\";\n"
       "}\n"
       "RUN SCHEMA_CHANGE JOB add_local");
    ASSERT_NE(db_.catalog.FindVertex("L"), nullptr);
    EXPECT_EQ(Ok(drop), "The graph g is dropped.\n");
    EXPECT_EQ(db_.catalog.FindGraph("g"), nullptr);
    EXPECT_EQ(db_.catalog.FindVertex("L"), nullptr);
    EXPECT_EQ(db_.catalog.FindEdge("le"), nullptr);
    EXPECT_EQ(db_.catalog.FindEdge("le_rev"), nullptr);
    EXPECT_EQ(db_.schema_change_jobs.count("add_local"), 0u);
    EXPECT_NE(db_.catalog.FindVertex("G"), nullptr);
    EXPECT_NE(db_.catalog.FindGraph("other"), nullptr);
    // The names are free again, as after any drop.
    EXPECT_EQ(Ok("CREATE VERTEX L(PRIMARY_ID id INT)"), "Successfully created vertex types: [L].\n");
  }
  // A shared edge cannot end at a type only one graph sees, nor a graph's edge at another graph's local type:
  // otherwise DROP GRAPH would leave a global edge whose endpoint type is gone.
  Ok("DROP ALL");
  Ok("CREATE VERTEX G(PRIMARY_ID id STRING)\nCREATE GRAPH g(G)\nCREATE GRAPH other(G)\n"
     "CREATE SCHEMA_CHANGE JOB add_local FOR GRAPH g { ADD VERTEX L(PRIMARY_ID id STRING); }\n"
     "RUN SCHEMA_CHANGE JOB add_local");
  const GsqlOutcome global_to_local = Run(
      "CREATE GLOBAL SCHEMA_CHANGE JOB gj { ADD DIRECTED EDGE ge(FROM G, TO L); }\nRUN GLOBAL SCHEMA_CHANGE JOB gj");
  EXPECT_TRUE(global_to_local.failed);
  EXPECT_NE(global_to_local.output.find("The global edge ge cannot use the local vertex type L."), std::string::npos)
      << global_to_local.output;
  EXPECT_EQ(db_.catalog.FindEdge("ge"), nullptr);
  session_ = GsqlSession{};
  const GsqlOutcome other_graph =
      Run("CREATE SCHEMA_CHANGE JOB oj FOR GRAPH other { ADD UNDIRECTED EDGE oe(FROM G, TO L); }\n"
          "RUN SCHEMA_CHANGE JOB oj");
  EXPECT_TRUE(other_graph.failed);
  EXPECT_NE(other_graph.output.find("The edge type oe needs vertex type L, which is not in the graph other."),
            std::string::npos)
      << other_graph.output;
  EXPECT_EQ(db_.catalog.FindEdge("oe"), nullptr);
  session_ = GsqlSession{};
  // A global type no graph uses any more stays too ("Any shared types are unaffected").
  Ok("DROP ALL");
  Ok("CREATE VERTEX Only(PRIMARY_ID id STRING)\nCREATE GRAPH solo(Only)\nDROP GRAPH solo CASCADE");
  EXPECT_NE(db_.catalog.FindVertex("Only"), nullptr);
  session_ = GsqlSession{};
  const GsqlOutcome missing = Run("DROP GRAPH nope CASCADE");
  EXPECT_TRUE(missing.failed);
  EXPECT_EQ(missing.output, "The graph nope does not exist.\n");
}

// gsql-ref system-and-language-basics "Session parameters", the exit_on_error = FALSE example file: each semantic
// error is reported and the statements after it run.
TEST_F(GsqlExecutorTest, ExitOnErrorFalseRunsTheStatementsAfterAFailure) {
  const GsqlOutcome out =
      Run("SET exit_on_error = FALSE\n"
          "CREATE VERTEX v(PRIMARY_ID id INT, name STRING)\n"
          "CREATE VERTEX v(PRIMARY_ID id INT, weight FLOAT)\n"
          "CREATE UNDIRECTED EDGE e2 (FROM u, TO v)\n"
          "CREATE UNDIRECTED EDGE e1 (FROM v, TO v)\n"
          "CREATE GRAPH g2(*)\n");
  EXPECT_TRUE(out.failed);
  EXPECT_TRUE(out.changed);
  EXPECT_EQ(out.output,
            "Successfully created vertex types: [v].\n"
            "The vertex name v is used by another object! Please use a different name.\n"
            "Failed to create vertex types: [v].\n"
            "The vertex type u in edge e2 does not exist.\n"
            "Failed to create edge types: [e2].\n"
            "Successfully created edge types: [e1].\n"
            "The graph g2 is created.\n");
  EXPECT_NE(db_.catalog.FindGraph("g2"), nullptr);
  EXPECT_EQ(db_.catalog.FindEdge("e2"), nullptr);
}

TEST_F(GsqlExecutorTest, ExitOnErrorTrueIsTheDefaultAndCanBeSetBack) {
  const GsqlOutcome stop =
      Run("CREATE VERTEX v(PRIMARY_ID id INT)\nUSE GRAPH nope\nCREATE VERTEX w(PRIMARY_ID id INT)");
  EXPECT_TRUE(stop.failed);
  EXPECT_EQ(stop.output, "Successfully created vertex types: [v].\nGraph nope does not exist.\n");
  EXPECT_EQ(db_.catalog.FindVertex("w"), nullptr);
  session_ = GsqlSession{};
  const GsqlOutcome back =
      Run("SET exit_on_error = false\nUSE GRAPH nope\nSET exit_on_error = TRUE\nUSE GRAPH nope\n"
          "CREATE VERTEX w(PRIMARY_ID id INT)");
  EXPECT_TRUE(back.failed);
  EXPECT_EQ(back.output, "Graph nope does not exist.\nGraph nope does not exist.\n");
  EXPECT_EQ(db_.catalog.FindVertex("w"), nullptr);
  // A syntax error stops the file before anything runs, whatever exit_on_error says ("GSQL will always exit on a
  // syntactic error").
  session_ = GsqlSession{};
  const GsqlOutcome syntax = Run("SET exit_on_error = FALSE\nCREATE VERTEX x(PRIMARY_ID id INT)\nCREATE VERTEX (");
  EXPECT_TRUE(syntax.failed);
  EXPECT_FALSE(syntax.changed);
  EXPECT_EQ(db_.catalog.FindVertex("x"), nullptr);
}

// gsql-ref attribute-data-types "User-defined tuples": a tuple is a global catalog object with its own name.
TEST_F(GsqlExecutorTest, TypedefTupleIsStoredAndItsNameIsTaken) {
  EXPECT_EQ(Ok("TYPEDEF TUPLE <field1 INT(1), field2 UINT, field3 STRING(10), field4 DOUBLE> My_Tuple"),
            "Successfully created tuple types: [My_Tuple].\n");
  ASSERT_EQ(db_.catalog.tuples.count("My_Tuple"), 1u);
  EXPECT_EQ(db_.catalog.tuples.at("My_Tuple").fields.size(), 4u);
  session_ = GsqlSession{};
  const GsqlOutcome again = Run("CREATE VERTEX My_Tuple(PRIMARY_ID id INT)");
  EXPECT_TRUE(again.failed);
  EXPECT_EQ(again.output,
            "The vertex name My_Tuple is used by another object! Please use a different name.\n"
            "Failed to create vertex types: [My_Tuple].\n");
  const GsqlOutcome twice = Run("TYPEDEF TUPLE <a INT> My_Tuple");
  EXPECT_EQ(twice.output, "The tuple name My_Tuple is used by another object! Please use a different name.\n");
  Ok("DROP ALL");
  EXPECT_TRUE(db_.catalog.tuples.empty());
}

// gsql-ref modifying-a-graph-schema "global schema change job": ADD VERTEX|EDGE ... TO GRAPH and DROP ... FROM GRAPH
// move global types in and out of a graph; the edge's reverse follows it; the data of a global type stays.
TEST_F(GsqlExecutorTest, GlobalJobAddsTypesToAGraphAndDropsThemFromIt) {
  Ok("CREATE VERTEX A(PRIMARY_ID id STRING)\nCREATE VERTEX B(PRIMARY_ID id STRING)\n"
     "CREATE DIRECTED EDGE ab(FROM A, TO B) WITH REVERSE_EDGE=\"ba\"\nCREATE GRAPH g()");
  EXPECT_EQ(
      Ok("CREATE GLOBAL SCHEMA_CHANGE JOB j1 { ADD VERTEX A, B TO GRAPH g; ADD EDGE ab TO GRAPH g; }\n"
         "RUN GLOBAL SCHEMA_CHANGE JOB j1"),
      "Successfully created global schema change jobs: [j1].\n"
      "Trying to add vertex A to graph g.\nTrying to add vertex B to graph g.\nTrying to add edge ab to graph g.\n"
      "Global schema change succeeded.\n");
  const Graph* g = db_.catalog.FindGraph("g");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->vertex_types, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(g->edge_types, (std::vector<std::string>{"ab", "ba"}));

  // A vertex type an edge of the graph still uses cannot leave it; the whole job then changes nothing.
  GsqlOutcome refused =
      Run("CREATE GLOBAL SCHEMA_CHANGE JOB j2 { DROP VERTEX A FROM GRAPH g; }\n"
          "RUN GLOBAL SCHEMA_CHANGE JOB j2");
  EXPECT_TRUE(refused.failed);
  EXPECT_NE(refused.output.find("The vertex type A is used by the edge type ab in the graph g"), std::string::npos)
      << refused.output;
  Ok("CREATE GLOBAL SCHEMA_CHANGE JOB j3 { DROP EDGE ab FROM GRAPH g; DROP VERTEX A FROM GRAPH g; }\n"
     "RUN GLOBAL SCHEMA_CHANGE JOB j3");
  EXPECT_EQ(g->vertex_types, (std::vector<std::string>{"B"}));
  EXPECT_TRUE(g->edge_types.empty());
  EXPECT_NE(db_.catalog.FindVertex("A"), nullptr);  // still a global type

  // An edge whose endpoint is not in the graph, a type already there, and a local job using the global form.
  GsqlOutcome no_end =
      Run("CREATE GLOBAL SCHEMA_CHANGE JOB j4 { ADD EDGE ab TO GRAPH g; }\nRUN GLOBAL SCHEMA_CHANGE JOB j4");
  EXPECT_TRUE(no_end.failed);
  EXPECT_NE(no_end.output.find("The edge type ab needs vertex type A, which is not in the graph g."), std::string::npos)
      << no_end.output;
  GsqlOutcome twice =
      Run("CREATE GLOBAL SCHEMA_CHANGE JOB j5 { ADD VERTEX B TO GRAPH g; }\nRUN GLOBAL SCHEMA_CHANGE JOB j5");
  EXPECT_TRUE(twice.failed);
  EXPECT_NE(twice.output.find("The vertex type B is already in the graph g."), std::string::npos) << twice.output;
  GsqlOutcome local =
      Run("USE GRAPH g\nCREATE SCHEMA_CHANGE JOB j6 FOR GRAPH g { ADD VERTEX A TO GRAPH g; }\n"
          "RUN SCHEMA_CHANGE JOB j6");
  EXPECT_TRUE(local.failed);
  EXPECT_NE(local.output.find("ADD VERTEX ... TO GRAPH belongs in a global schema change job."), std::string::npos)
      << local.output;
}

// A global vertex type cannot be dropped while a global edge type ends at it (the check skipped every edge type
// without a wildcard end before: the edge type was left pointing at a dropped vertex type).
TEST_F(GsqlExecutorTest, DropVertexRefusedWhileAnEdgeTypeUsesIt) {
  Ok("CREATE VERTEX A(PRIMARY_ID id STRING)\nCREATE VERTEX B(PRIMARY_ID id STRING)\nCREATE DIRECTED EDGE ab(FROM A, TO "
     "B)");
  const GsqlOutcome refused = Run("DROP VERTEX B");
  EXPECT_TRUE(refused.failed);
  EXPECT_EQ(refused.output, "Failed to drop vertex types: the edge type ab uses B.\n");
  EXPECT_NE(db_.catalog.FindVertex("B"), nullptr);
  EXPECT_EQ(Ok("DROP EDGE ab\nDROP VERTEX A, B"),
            "Successfully dropped edge types: [ab].\nSuccessfully dropped vertex types: [A, B].\n");
}

}  // namespace
}  // namespace icegraph::emulator
