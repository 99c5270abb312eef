#include <gtest/gtest.h>

#include "emulator/gsql_ast.h"

namespace icegraph::emulator {
namespace {

template <typename T>
const T& Only(const Result<std::vector<Statement>>& r, size_t i = 0) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::get<T>((*r)[i].body);
}

TEST(GsqlParserTest, VertexWithPrimaryIdTypesDefaultsAndOptions) {
  const auto r = ParseGsql(
      "CREATE VERTEX User (PRIMARY_ID id STRING, name STRING DEFAULT \"anon\", age INT DEFAULT -1, tags SET<STRING>,\n"
      "  m MAP<INT, DOUBLE>, l LIST<DATETIME>, s STRING COMPRESS) WITH primary_id_as_attribute=\"true\", "
      "STATS=\"none\"");
  const VertexType& v = Only<CreateVertexStmt>(r).vertex;
  EXPECT_EQ(v.name, "User");
  EXPECT_EQ(v.primary_id_name, "id");
  EXPECT_EQ(v.primary_id_type.kind, Kind::kString);
  EXPECT_TRUE(v.primary_id_as_attribute);
  EXPECT_EQ(v.stats, "NONE");
  ASSERT_EQ(v.attributes.size(), 6u);
  EXPECT_EQ(v.attributes[0].default_text, "anon");
  EXPECT_EQ(v.attributes[1].default_text, "-1");
  EXPECT_EQ(v.attributes[2].type.ToGsql(), "SET<STRING>");
  EXPECT_EQ(v.attributes[3].type.ToGsql(), "MAP<INT,DOUBLE>");
  EXPECT_EQ(v.attributes[4].type.ToGsql(), "LIST<DATETIME>");
  EXPECT_EQ(v.attributes[5].type.kind, Kind::kStringCompress);
}

TEST(GsqlParserTest, CompositeAndSingleAttributePrimaryKeys) {
  const auto r = ParseGsql(
      "CREATE VERTEX A (x INT, y STRING, z DOUBLE, PRIMARY KEY (x, y))\n"
      "CREATE VERTEX B (code STRING PRIMARY KEY, n INT)");
  const VertexType& a = Only<CreateVertexStmt>(r, 0).vertex;
  EXPECT_EQ(a.composite_key, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(a.primary_id_name, "x");
  EXPECT_EQ(a.attributes.size(), 3u);
  EXPECT_TRUE(a.primary_id_as_attribute);
  const VertexType& b = Only<CreateVertexStmt>(r, 1).vertex;
  EXPECT_EQ(b.composite_key, (std::vector<std::string>{"code"}));
  EXPECT_EQ((*r)[1].line, 2);
}

TEST(GsqlParserTest, EdgesWithPairsDiscriminatorAndReverse) {
  const auto r = ParseGsql(
      "CREATE DIRECTED EDGE PAID (FROM Account, TO Account | FROM Person, TO Account, DISCRIMINATOR(day DATETIME, "
      "ref STRING), amount DOUBLE) WITH REVERSE_EDGE=\"PAID_BY\";\n"
      "CREATE UNDIRECTED EDGE KNOWS (FROM *, TO *)");
  const EdgeType& e = Only<CreateEdgeStmt>(r, 0).edge;
  EXPECT_TRUE(e.directed);
  ASSERT_EQ(e.pairs.size(), 2u);
  EXPECT_EQ(e.pairs[1].from, "Person");
  EXPECT_EQ(e.discriminator, (std::vector<std::string>{"day", "ref"}));
  ASSERT_EQ(e.attributes.size(), 3u);
  EXPECT_EQ(e.attributes[2].name, "amount");
  EXPECT_EQ(e.reverse_edge, "PAID_BY");
  const EdgeType& k = Only<CreateEdgeStmt>(r, 1).edge;
  EXPECT_FALSE(k.directed);
  EXPECT_TRUE(k.AllowsPair("X", "Y"));
}

TEST(GsqlParserTest, GraphUseDropShow) {
  const auto r = ParseGsql(
      "CREATE GRAPH g (*)\nCREATE GRAPH h (A, KNOWS)\nuse graph g\nUSE GLOBAL\n"
      "DROP VERTEX A, B\nDROP JOB *\nDROP ALL\nSHOW VERTEX *\nls");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 9u);
  EXPECT_TRUE(std::get<CreateGraphStmt>((*r)[0].body).all);
  EXPECT_EQ(std::get<CreateGraphStmt>((*r)[1].body).types, (std::vector<std::string>{"A", "KNOWS"}));
  EXPECT_EQ(std::get<UseGraphStmt>((*r)[2].body).name, "g");
  EXPECT_EQ(std::get<DropStmt>((*r)[4].body).names, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(std::get<DropStmt>((*r)[5].body).names, (std::vector<std::string>{"*"}));
  EXPECT_EQ(std::get<DropStmt>((*r)[6].body).what, DropStmt::What::kAll);
  EXPECT_EQ(std::get<ShowStmt>((*r)[7].body).what, "VERTEX");
  EXPECT_EQ(std::get<ShowStmt>((*r)[8].body).what, "LS");
}

TEST(GsqlParserTest, LoadingJobWithTargetsConditionsOptionsAndDeletes) {
  const auto r = ParseGsql(R"(
# a comment
CREATE LOADING JOB j FOR GRAPH g {
  DEFINE FILENAME f;
  DEFINE FILENAME d = "/data/d.csv";  // trailing comment
  LOAD f TO VERTEX User VALUES ($0, $"name", _, gsql_concat($1, "-x")) WHERE $2 > 10 AND NOT ($3 IS EMPTY),
         TO EDGE KNOWS VALUES ($0 User, $4 $5, "lit") WHERE $"kind" IN ("a", "b")
         USING SEPARATOR="|", HEADER="true", EOL="\n", QUOTE="double";
  DELETE VERTEX User (PRIMARY_ID $0) FROM d WHERE $1 == "gone";
  DELETE EDGE PAID (FROM $0, TO $1, DISCRIMINATOR($2)) FROM d;
})");
  const LoadingJob& job = Only<CreateLoadingJobStmt>(r).job;
  EXPECT_EQ(job.name, "j");
  EXPECT_EQ(job.graph, "g");
  EXPECT_EQ(job.filename_vars, (std::vector<std::string>{"f", "d"}));
  EXPECT_EQ(job.filename_defaults.at("d"), "/data/d.csv");
  ASSERT_EQ(job.statements.size(), 4u);
  const LoadStatement& v = job.statements[0];
  EXPECT_EQ(v.type_name, "User");
  ASSERT_EQ(v.values.size(), 4u);
  EXPECT_EQ(v.values[1].kind, TokenExpr::Kind::kColumnName);
  EXPECT_EQ(v.values[2].kind, TokenExpr::Kind::kDefault);
  EXPECT_EQ(v.values[3].kind, TokenExpr::Kind::kFunction);
  EXPECT_EQ(v.values[3].args.size(), 2u);
  ASSERT_TRUE(v.where.has_value());
  EXPECT_EQ(v.where->kind, Condition::Kind::kAnd);
  EXPECT_EQ(v.options.separator, '|');
  EXPECT_TRUE(v.options.header);
  EXPECT_EQ(v.options.quote, '"');
  const LoadStatement& e = job.statements[1];
  EXPECT_EQ(e.target, LoadStatement::Target::kEdge);
  ASSERT_TRUE(e.from_type && e.to_type);
  EXPECT_EQ(e.from_type->text, "User");
  EXPECT_EQ(e.to_type->index, 5);
  EXPECT_EQ(e.where->kind, Condition::Kind::kIn);
  EXPECT_EQ(e.options.separator, '|');  // USING applies to every target of the LOAD
  EXPECT_EQ(job.statements[2].target, LoadStatement::Target::kDeleteVertex);
  EXPECT_EQ(job.statements[3].values.size(), 3u);
  EXPECT_NE(job.source_text.find("CREATE LOADING JOB j"), std::string::npos);
}

TEST(GsqlParserTest, SchemaChangeJobsAndRuns) {
  const auto r = ParseGsql(
      "CREATE SCHEMA_CHANGE JOB s FOR GRAPH g { ADD VERTEX X (PRIMARY_ID id STRING); "
      "ALTER VERTEX User ADD ATTRIBUTE (email STRING DEFAULT \"none\"); ALTER EDGE KNOWS DROP ATTRIBUTE (w, z); "
      "DROP VERTEX Old; }\nRUN SCHEMA_CHANGE JOB s\nCREATE GLOBAL SCHEMA_CHANGE JOB gs { DROP EDGE E }\n"
      "RUN GLOBAL SCHEMA_CHANGE JOB gs\nRUN LOADING JOB j USING f=\"/tmp/a.csv\", d=\"/tmp/b.csv\"");
  const auto& s = Only<CreateSchemaChangeJobStmt>(r, 0);
  EXPECT_EQ(s.graph, "g");
  ASSERT_EQ(s.actions.size(), 4u);
  EXPECT_EQ(s.actions[1].add[0].default_text, "none");
  EXPECT_TRUE(s.actions[2].on_edge);
  EXPECT_EQ(s.actions[2].drop, (std::vector<std::string>{"w", "z"}));
  EXPECT_TRUE(std::get<CreateSchemaChangeJobStmt>((*r)[2].body).global);
  const auto& run = std::get<RunLoadingJobStmt>((*r)[4].body);
  EXPECT_EQ(run.using_files.size(), 2u);
  EXPECT_EQ(run.using_files[1].second, "/tmp/b.csv");
}

TEST(GsqlParserTest, SyntaxErrorsNameLineAndColumn) {
  const auto r = ParseGsql("CREATE VERTEX A (PRIMARY_ID id STRING)\nCREATE VERTEX B (PRIMARY_ID id STRING,,)");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Syntax Error"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("line 2"), std::string::npos) << r.status().message();
}

TEST(GsqlParserTest, RefusesWhatItDoesNotImplement) {
  for (const char* text : {"CREATE QUERY q() FOR GRAPH g { PRINT 1; }", "INSTALL QUERY ALL", "GRANT ROLE r TO u",
                           "CREATE USER", "CREATE LOADING JOB j FOR GRAPH g { LOAD f TO TEMP_TABLE t; }"}) {
    const auto r = ParseGsql(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_TRUE(r.status().code() == StatusCode::kNotImplemented || r.status().code() == StatusCode::kInvalid) << text;
  }
  EXPECT_NE(ParseGsql("INSTALL QUERY ALL").status().message().find("does not support the statement \"INSTALL QUERY\""),
            std::string::npos);
}

TEST(GsqlParserTest, RefusesBadTypesOptionsAndDuplicates) {
  EXPECT_NE(
      ParseGsql("CREATE VERTEX A (PRIMARY_ID id STRING, x INT64)").status().message().find("unknown attribute type"),
      std::string::npos);
  EXPECT_NE(ParseGsql("CREATE VERTEX A (PRIMARY_ID id DOUBLE)").status().message().find("must be STRING, INT"),
            std::string::npos);
  EXPECT_NE(
      ParseGsql("CREATE VERTEX A (PRIMARY_ID id STRING, x INT, x STRING)").status().message().find("declared twice"),
      std::string::npos);
  EXPECT_NE(ParseGsql("CREATE UNDIRECTED EDGE E (FROM A, TO B) WITH REVERSE_EDGE=\"R\"")
                .status()
                .message()
                .find("only allowed on a DIRECTED"),
            std::string::npos);
  EXPECT_FALSE(ParseGsql("CREATE LOADING JOB j { DEFINE FILENAME f; LOAD f TO VERTEX A VALUES ($0) USING "
                         "SEPARATOR=\"ab\"; }")
                   .ok());
  EXPECT_FALSE(ParseGsql("CREATE VERTEX A (PRIMARY_ID id STRING, l LIST<LIST<INT>>)").ok());
}

}  // namespace
}  // namespace icegraph::emulator
