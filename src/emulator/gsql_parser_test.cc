// GSQL parser tests: statement framing, comments, DDL, graphs, DROP/SHOW/USE, schema change jobs and errors.
// Loading jobs are covered in gsql_load_parser_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "emulator/gsql_ast.h"
#include "emulator/gsql_lexer.h"
#include "emulator/gsql_parser_test_util.h"

namespace icegraph::emulator {
namespace {

using gsql_test::ExpectInvalid;
using gsql_test::ExpectUnsupported;
using gsql_test::ParseOk;
using gsql_test::ParseOne;
using Strings = std::vector<std::string>;

AttrType T(Kind kind, Kind elem = Kind::kString, Kind key = Kind::kString) { return AttrType{kind, elem, key}; }

// ---- framing: statements, lines, text, comments ------------------------------------------------------------

TEST(GsqlParserTest, EmptyInputAndCommentsOnlyGiveNoStatements) {
  EXPECT_TRUE(ParseOk("").empty());
  EXPECT_TRUE(ParseOk("  \n\t\n").empty());
  EXPECT_TRUE(ParseOk("# hash\n// slashes\n/* block\n comment */ ;;\n").empty());
}

TEST(GsqlParserTest, StatementsSplitByNewlinesSemicolonsOrNextKeyword) {
  const auto stmts = ParseOk(
      "USE GLOBAL\n"
      "USE GRAPH g; ls;\n"
      "\n"
      "CREATE VERTEX A (PRIMARY_ID id STRING) CREATE VERTEX B (PRIMARY_ID id INT)\n"
      "SHOW VERTEX *");
  ASSERT_EQ(stmts.size(), 6u);
  EXPECT_TRUE(std::holds_alternative<UseGlobalStmt>(stmts[0].body));
  EXPECT_EQ(std::get<UseGraphStmt>(stmts[1].body).name, "g");
  EXPECT_EQ(std::get<ShowStmt>(stmts[2].body).what, "LS");
  EXPECT_EQ(std::get<CreateVertexStmt>(stmts[3].body).vertex.name, "A");
  EXPECT_EQ(std::get<CreateVertexStmt>(stmts[4].body).vertex.name, "B");
  const std::vector<int> lines = {stmts[0].line, stmts[1].line, stmts[2].line,
                                  stmts[3].line, stmts[4].line, stmts[5].line};
  EXPECT_EQ(lines, (std::vector<int>{1, 2, 2, 4, 4, 5}));
  EXPECT_EQ(stmts[1].text, "USE GRAPH g");
  EXPECT_EQ(stmts[2].text, "ls");
  EXPECT_EQ(stmts[3].text, "CREATE VERTEX A (PRIMARY_ID id STRING)");
  EXPECT_EQ(stmts[5].text, "SHOW VERTEX *");
}

TEST(GsqlParserTest, MultiLineStatementKeepsItsTextWithoutTrailingComment) {
  const auto stmts = ParseOk(
      "# schema\n"
      "/* a block comment\n"
      "   over two lines */\n"
      "CREATE VERTEX Person (\n"
      "  PRIMARY_ID name STRING,  // the key\n"
      "  age INT                  # years\n"
      ")  # trailing\n"
      "USE GRAPH g");
  ASSERT_EQ(stmts.size(), 2u);
  EXPECT_EQ(stmts[0].line, 4);
  EXPECT_EQ(stmts[0].text,
            "CREATE VERTEX Person (\n  PRIMARY_ID name STRING,  // the key\n  age INT                  # years\n)");
  EXPECT_EQ(stmts[1].line, 8);
}

TEST(GsqlParserTest, KeywordsAreCaseInsensitiveAndNamesKeepTheirCase) {
  const auto v = ParseOne<CreateVertexStmt>("create Vertex myV (primary_id Id string, Age int)").vertex;
  EXPECT_EQ(v.name, "myV");
  EXPECT_EQ(v.primary_id_name, "Id");
  EXPECT_EQ(v.attributes[0].name, "Age");
  EXPECT_EQ(ParseOne<UseGraphStmt>("use graph MyGraph").name, "MyGraph");
}

TEST(GsqlParserTest, LeftoverTokensOnTheSameLineAreASyntaxError) {
  ExpectInvalid("USE GRAPH g extra", "Encountered \"extra\" at line 1, column 13. Was expecting: \";\" or a new line.");
  ExpectInvalid("DROP ALL ALL", "Encountered \"ALL\" at line 1, column 10");
}

// ---- CREATE VERTEX ------------------------------------------------------------------------------------------

TEST(GsqlParserTest, VertexWithPrimaryIdAllAttributeTypesDefaultsAndOptions) {
  const auto v = ParseOne<CreateVertexStmt>(
                     "CREATE VERTEX Name (PRIMARY_ID id STRING, name STRING, age INT DEFAULT 5, tags SET<STRING>,\n"
                     "  m MAP<INT,STRING>, l LIST<DOUBLE>, s STRING COMPRESS, u UINT, f FLOAT, b BOOL DEFAULT true,\n"
                     "  d DATETIME, li list<datetime>, lf LIST<FLOAT>, ms MAP<DATETIME, INT>)\n"
                     "WITH primary_id_as_attribute=\"true\", STATS=\"outdegree_by_edgetype\"")
                     .vertex;
  EXPECT_EQ(v.name, "Name");
  EXPECT_EQ(v.primary_id_name, "id");
  EXPECT_EQ(v.primary_id_type, T(Kind::kString));
  EXPECT_TRUE(v.composite_key.empty());
  EXPECT_TRUE(v.primary_id_as_attribute);
  EXPECT_EQ(v.stats, "OUTDEGREE_BY_EDGETYPE");
  const std::vector<std::pair<std::string, std::string>> expected = {{"name", "STRING"},
                                                                     {"age", "INT"},
                                                                     {"tags", "SET<STRING>"},
                                                                     {"m", "MAP<INT,STRING>"},
                                                                     {"l", "LIST<DOUBLE>"},
                                                                     {"s", "STRING COMPRESS"},
                                                                     {"u", "UINT"},
                                                                     {"f", "FLOAT"},
                                                                     {"b", "BOOL"},
                                                                     {"d", "DATETIME"},
                                                                     {"li", "LIST<DATETIME>"},
                                                                     {"lf", "LIST<FLOAT>"},
                                                                     {"ms", "MAP<DATETIME,INT>"}};
  ASSERT_EQ(v.attributes.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(v.attributes[i].name, expected[i].first);
    EXPECT_EQ(v.attributes[i].type.ToGsql(), expected[i].second) << expected[i].first;
  }
  EXPECT_EQ(v.attributes[1].default_text, "5");
  EXPECT_EQ(v.attributes[8].default_text, "true");
  EXPECT_FALSE(v.attributes[0].default_text.has_value());
  EXPECT_FALSE(v.attributes[0].default_value.has_value());
}

TEST(GsqlParserTest, VertexDefaultsKeepTheLiteralAsWritten) {
  const auto v = ParseOne<CreateVertexStmt>(
                     R"(CREATE VERTEX V (PRIMARY_ID id UINT, a STRING DEFAULT "x y", b STRING DEFAULT 'single',
                        c INT DEFAULT -1, d DOUBLE DEFAULT 2.5e3, e BOOL DEFAULT FALSE, f STRING DEFAULT "q\"\n"))")
                     .vertex;
  ASSERT_EQ(v.attributes.size(), 6u);
  EXPECT_EQ(v.attributes[0].default_text, "x y");
  EXPECT_EQ(v.attributes[1].default_text, "single");
  EXPECT_EQ(v.attributes[2].default_text, "-1");
  EXPECT_EQ(v.attributes[3].default_text, "2.5e3");
  EXPECT_EQ(v.attributes[4].default_text, "FALSE");
  EXPECT_EQ(v.attributes[5].default_text, "q\"\n");
  ExpectInvalid("CREATE VERTEX V (PRIMARY_ID id UINT, a STRING DEFAULT x)",
                "Encountered \"x\" at line 1, column 55. Was expecting: a literal value");
}

TEST(GsqlParserTest, VertexDefaultsAndOptionsWithoutWith) {
  const auto v = ParseOne<CreateVertexStmt>("CREATE VERTEX V (PRIMARY_ID id INT)").vertex;
  EXPECT_EQ(v.primary_id_type, T(Kind::kInt));
  EXPECT_TRUE(v.attributes.empty());
  EXPECT_FALSE(v.primary_id_as_attribute);
  EXPECT_EQ(v.stats, "OUTDEGREE_BY_EDGETYPE");
  const auto w = ParseOne<CreateVertexStmt>(
                     "CREATE VERTEX W (PRIMARY_ID id DATETIME) WITH STATS=\"NONE\" primary_id_as_attribute=\"False\"")
                     .vertex;
  EXPECT_EQ(w.primary_id_type, T(Kind::kDatetime));
  EXPECT_EQ(w.stats, "NONE");
  EXPECT_FALSE(w.primary_id_as_attribute);
}

TEST(GsqlParserTest, PrimaryIdMayShareItsNameWithAnAttribute) {
  // GSQL 101 declares the id and an attribute both called name.
  const auto v =
      ParseOne<CreateVertexStmt>("CREATE VERTEX Person (PRIMARY_ID name STRING, name STRING, age INT)").vertex;
  EXPECT_EQ(v.primary_id_name, "name");
  ASSERT_EQ(v.attributes.size(), 2u);
  EXPECT_EQ(v.attributes[0].name, "name");
}

TEST(GsqlParserTest, CompositePrimaryKey) {
  const auto v =
      ParseOne<CreateVertexStmt>("CREATE VERTEX Movie (id UINT, title STRING, year UINT, PRIMARY KEY (title,year,id))")
          .vertex;
  EXPECT_EQ(v.composite_key, (Strings{"title", "year", "id"}));
  ASSERT_EQ(v.attributes.size(), 3u);
  EXPECT_EQ(v.attributes[0].name, "id");
  EXPECT_EQ(v.primary_id_name, "title");
  EXPECT_EQ(v.primary_id_type, T(Kind::kString));
  EXPECT_TRUE(v.primary_id_as_attribute);
}

TEST(GsqlParserTest, SingleAttributePrimaryKeyAnywhereInTheList) {
  const auto a = ParseOne<CreateVertexStmt>("CREATE VERTEX V (id STRING PRIMARY KEY, name STRING)").vertex;
  EXPECT_EQ(a.composite_key, (Strings{"id"}));
  EXPECT_EQ(a.primary_id_name, "id");
  EXPECT_EQ(a.primary_id_type, T(Kind::kString));
  ASSERT_EQ(a.attributes.size(), 2u);
  EXPECT_EQ(a.attributes[0].name, "id");
  EXPECT_TRUE(a.primary_id_as_attribute);
  const auto b = ParseOne<CreateVertexStmt>(
                     "CREATE VERTEX W (name STRING, code UINT PRIMARY KEY) WITH primary_id_as_attribute=\"false\"")
                     .vertex;
  EXPECT_EQ(b.primary_id_name, "code");
  EXPECT_EQ(b.primary_id_type, T(Kind::kUint));
  EXPECT_TRUE(b.primary_id_as_attribute);  // a PRIMARY KEY is always an attribute
}

TEST(GsqlParserTest, PrimaryIdTypes) {
  for (const char* ok : {"STRING", "INT", "UINT", "DATETIME", "string"}) {
    EXPECT_EQ(ParseOk(std::string("CREATE VERTEX V (PRIMARY_ID id ") + ok + ")").size(), 1u) << ok;
  }
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id DOUBLE)",
                "Line 1: the PRIMARY_ID of A must be STRING, INT, UINT or DATETIME, not DOUBLE");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id BOOL)", "not BOOL");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING COMPRESS)", "not STRING COMPRESS");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id LIST<INT>)", "not LIST<INT>");
  ExpectInvalid("CREATE VERTEX A (\n k DATETIME PRIMARY KEY)",
                "Line 2: the PRIMARY KEY of A must be STRING, INT or UINT, not DATETIME");
  ExpectInvalid("CREATE VERTEX A (k DOUBLE, j INT, PRIMARY KEY (j, k))",
                "Line 1: the PRIMARY KEY attribute k of A must be STRING, INT, UINT or DATETIME, not DOUBLE");
}

TEST(GsqlParserTest, VertexKeyMistakes) {
  ExpectInvalid("CREATE VERTEX A (x INT)", "Line 1: the vertex type A needs a PRIMARY_ID or a PRIMARY KEY");
  ExpectInvalid("CREATE VERTEX A (x INT, PRIMARY_ID id STRING)",
                "Line 1: PRIMARY_ID must come first in the vertex type A");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, x INT PRIMARY KEY)",
                "Line 1: the vertex type A declares its primary key twice");
  ExpectInvalid("CREATE VERTEX A (x INT PRIMARY KEY, y INT, PRIMARY KEY (x, y))", "declares its primary key twice");
  ExpectInvalid("CREATE VERTEX A (x INT, PRIMARY KEY (x, z))",
                "Line 1: the PRIMARY KEY of A names \"z\", which is not an attribute of A");
  ExpectInvalid("CREATE VERTEX A (x INT, PRIMARY KEY (x, x))", "the PRIMARY KEY of A lists \"x\" twice");
  ExpectInvalid("CREATE VERTEX A (x INT, PRIMARY KEY (x), y INT)",
                "Was expecting: \")\" (PRIMARY KEY (...) comes after every attribute)");
  ExpectInvalid("CREATE VERTEX A (x INT DEFAULT 1 PRIMARY KEY)", "the PRIMARY KEY x cannot have a DEFAULT");
  ExpectInvalid("CREATE VERTEX A ()",
                "Encountered \")\" at line 1, column 18. Was expecting: PRIMARY_ID or an attribute name.");
}

TEST(GsqlParserTest, AttributeTypeErrorsNameTheTypeAndLine) {
  ExpectInvalid(
      "CREATE VERTEX A (PRIMARY_ID id STRING,\n x INT64)",
      "Line 2: unknown attribute type \"INT64\" (the emulator supports INT, UINT, FLOAT, DOUBLE, BOOL, STRING, "
      "STRING COMPRESS, DATETIME, LIST, SET and MAP; a TYPEDEF TUPLE type cannot be an attribute type here)");
  ExpectUnsupported("CREATE VERTEX A (PRIMARY_ID id STRING,\n b FIXED_BINARY(16))",
                    "Line 2: the emulator does not support the attribute type FIXED_BINARY(n) (REST++'s JSON form of "
                    "its bytes is not documented)");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, t MyTuple)", "unknown attribute type \"MyTuple\"");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, t STRING_COMPRESS)",
                "unknown attribute type \"STRING_COMPRESS\"");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, l LIST<LIST<INT>>)",
                "Line 1: LIST cannot contain LIST: collections do not nest");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, l LIST<BOOL>)",
                "Line 1: a LIST element cannot be BOOL; it must be INT, FLOAT, DOUBLE, STRING or DATETIME");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, s SET<UINT>)", "a SET element cannot be UINT");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, s SET<STRING COMPRESS>)", "cannot be STRING COMPRESS");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, m MAP<DOUBLE,INT>)",
                "a MAP key cannot be DOUBLE; it must be INT, STRING or DATETIME");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, m MAP<INT,BOOL>)", "a MAP value cannot be BOOL");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, m MAP<INT>)", "Encountered \">\"");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, m LIST<INT)", "Was expecting: \">\"");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, m LIST<Foo>)", "unknown attribute type \"Foo\"");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING, x)", "Was expecting: an attribute type.");
}

TEST(GsqlParserTest, DuplicateAttributesAreRefused) {
  ExpectInvalid("CREATE VERTEX X (PRIMARY_ID id STRING, a DOUBLE,\n a INT)",
                "Line 2: the attribute \"a\" of X is declared twice");
  ExpectInvalid("CREATE DIRECTED EDGE E (FROM A, TO B, DISCRIMINATOR(d INT), d STRING)",
                "the attribute \"d\" of E is declared twice");
}

TEST(GsqlParserTest, VertexOptionErrors) {
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING) WITH colour=\"red\"",
                "Line 1: unknown vertex option colour (the options are STATS and PRIMARY_ID_AS_ATTRIBUTE)");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING) WITH primary_id_as_attribute=\"yes\"",
                "primary_id_as_attribute must be \"true\" or \"false\", not \"yes\"");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING) WITH STATS=\"all\"",
                "STATS must be \"none\" or \"outdegree_by_edgetype\", not \"all\"");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING) WITH STATS=\"none\", stats=\"none\"",
                "the option stats is given twice");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING) WITH STATS=none", "Was expecting: a quoted option value.");
}

// ---- CREATE EDGE --------------------------------------------------------------------------------------------

TEST(GsqlParserTest, DirectedEdgeWithPairsDiscriminatorAttributesAndReverse) {
  const auto e = ParseOne<CreateEdgeStmt>(
                     "CREATE DIRECTED EDGE Paid (FROM Account, TO Account | From Person, To Account,\n"
                     "  DISCRIMINATOR(day DATETIME, ref STRING), amount DOUBLE DEFAULT 1.5, note STRING)\n"
                     "  WITH REVERSE_EDGE=\"Paid_By\"")
                     .edge;
  EXPECT_EQ(e.name, "Paid");
  EXPECT_TRUE(e.directed);
  ASSERT_EQ(e.pairs.size(), 2u);
  EXPECT_EQ(e.pairs[0].from, "Account");
  EXPECT_EQ(e.pairs[0].to, "Account");
  EXPECT_EQ(e.pairs[1].from, "Person");
  EXPECT_EQ(e.pairs[1].to, "Account");
  EXPECT_EQ(e.discriminator, (Strings{"day", "ref"}));
  ASSERT_EQ(e.attributes.size(), 4u);
  EXPECT_EQ(e.attributes[0].name, "day");
  EXPECT_EQ(e.attributes[0].type, T(Kind::kDatetime));
  EXPECT_EQ(e.attributes[1].name, "ref");
  EXPECT_EQ(e.attributes[2].name, "amount");
  EXPECT_EQ(e.attributes[2].default_text, "1.5");
  EXPECT_EQ(e.attributes[3].name, "note");
  EXPECT_EQ(e.reverse_edge, "Paid_By");
  EXPECT_FALSE(e.is_reverse);
}

TEST(GsqlParserTest, UndirectedWildcardEdgeWithoutAttributes) {
  const auto e = ParseOne<CreateEdgeStmt>("CREATE UNDIRECTED EDGE Knows (FROM *, TO *)").edge;
  EXPECT_FALSE(e.directed);
  ASSERT_EQ(e.pairs.size(), 1u);
  EXPECT_EQ(e.pairs[0].from, "*");
  EXPECT_EQ(e.pairs[0].to, "*");
  EXPECT_TRUE(e.attributes.empty());
  EXPECT_TRUE(e.discriminator.empty());
  EXPECT_TRUE(e.reverse_edge.empty());
  const auto m = ParseOne<CreateEdgeStmt>("CREATE DIRECTED EDGE M (FROM Person, TO *, since DATETIME)").edge;
  EXPECT_EQ(m.pairs[0].to, "*");
  EXPECT_EQ(m.attributes.size(), 1u);
}

TEST(GsqlParserTest, EdgeErrors) {
  ExpectInvalid(
      "CREATE EDGE E (FROM A, TO B)",
      "Syntax Error: Encountered \"EDGE\" at line 1, column 8. Was expecting: \"DIRECTED\" or \"UNDIRECTED\".");
  ExpectInvalid("CREATE UNDIRECTED EDGE E (FROM A, TO B) WITH REVERSE_EDGE=\"R\"",
                "Line 1: REVERSE_EDGE is only allowed on a DIRECTED edge, and E is UNDIRECTED");
  ExpectInvalid("CREATE DIRECTED EDGE E (FROM A, TO B, x INT, DISCRIMINATOR(d INT))",
                "Line 1: the DISCRIMINATOR of E must come before its other attributes");
  ExpectInvalid("CREATE DIRECTED EDGE E (FROM A, TO B, DISCRIMINATOR(d INT), DISCRIMINATOR(e INT))",
                "the edge type E has two DISCRIMINATORs");
  ExpectInvalid("CREATE DIRECTED EDGE E (FROM A, TO B, DISCRIMINATOR(d DOUBLE))",
                "the DISCRIMINATOR attribute d of E must be INT, UINT, DATETIME or STRING, not DOUBLE");
  ExpectInvalid("CREATE DIRECTED EDGE E (FROM A, TO B, DISCRIMINATOR(d SET<INT>))", "not SET<INT>");
  ExpectInvalid("CREATE DIRECTED EDGE E (FROM A, TO B) WITH REVERSE=\"R\"",
                "unknown edge option REVERSE (the only option is REVERSE_EDGE)");
  ExpectInvalid("CREATE DIRECTED EDGE E (FROM A, TO B) WITH REVERSE_EDGE=\"bad name\"",
                "REVERSE_EDGE \"bad name\" is not a valid type name");
  ExpectInvalid("CREATE DIRECTED EDGE E (FROM A, B)", "Encountered \"B\" at line 1, column 33. Was expecting: \"TO\".");
  ExpectInvalid("CREATE DIRECTED EDGE E (FROM A TO B)", "Was expecting: \",\".");
  ExpectInvalid("CREATE DIRECTED EDGE E (x INT)", "Was expecting: \"FROM\".");
  ExpectInvalid("CREATE DIRECTED EDGE E (FROM A, TO B, 5)", "Was expecting: an attribute or DISCRIMINATOR(...).");
}

// ---- graphs, USE, DROP, SHOW --------------------------------------------------------------------------------

TEST(GsqlParserTest, CreateGraphForms) {
  const auto all = ParseOne<CreateGraphStmt>("CREATE GRAPH g (*)");
  EXPECT_EQ(all.name, "g");
  EXPECT_TRUE(all.all);
  EXPECT_TRUE(all.types.empty());
  const auto some = ParseOne<CreateGraphStmt>("CREATE GRAPH Social (Person, Friendship)");
  EXPECT_FALSE(some.all);
  EXPECT_EQ(some.types, (Strings{"Person", "Friendship"}));
  const auto empty = ParseOne<CreateGraphStmt>("CREATE GRAPH Empty_Graph ()");
  EXPECT_FALSE(empty.all);
  EXPECT_TRUE(empty.types.empty());
  ExpectUnsupported("CREATE GRAPH g (*) WITH ADMIN tom",
                    "Line 1: the emulator does not support CREATE GRAPH ... WITH ADMIN");
  ExpectInvalid("CREATE GRAPH g (A, *)", "Encountered \"*\"");
  ExpectInvalid("CREATE GRAPH g", "Encountered \"<EOF>\" at line 1, column 15. Was expecting: \"(\".");
}

TEST(GsqlParserTest, UseStatements) {
  EXPECT_EQ(ParseOne<UseGraphStmt>("USE GRAPH Social").name, "Social");
  ParseOne<UseGlobalStmt>("use global");
  ExpectInvalid("USE Social", "Encountered \"Social\" at line 1, column 5. Was expecting: \"GRAPH\" or \"GLOBAL\".");
  ExpectInvalid("USE GRAPH", "Was expecting: a graph name.");
}

TEST(GsqlParserTest, DropStatements) {
  using What = DropStmt::What;
  const auto v = ParseOne<DropStmt>("DROP VERTEX a, b");
  EXPECT_EQ(v.what, What::kVertex);
  EXPECT_EQ(v.names, (Strings{"a", "b"}));
  const auto e = ParseOne<DropStmt>("DROP EDGE e");
  EXPECT_EQ(e.what, What::kEdge);
  EXPECT_EQ(e.names, (Strings{"e"}));
  const auto g = ParseOne<DropStmt>("DROP GRAPH g");
  EXPECT_EQ(g.what, What::kGraph);
  EXPECT_EQ(g.names, (Strings{"g"}));
  const auto all = ParseOne<DropStmt>("DROP ALL");
  EXPECT_EQ(all.what, What::kAll);
  EXPECT_TRUE(all.names.empty());
  EXPECT_EQ(ParseOne<DropStmt>("DROP JOB j").names, (Strings{"j"}));
  EXPECT_EQ(ParseOne<DropStmt>("DROP JOB j1, j2").names, (Strings{"j1", "j2"}));
  EXPECT_EQ(ParseOne<DropStmt>("DROP JOB *").names, (Strings{"*"}));
  EXPECT_EQ(ParseOne<DropStmt>("drop job all").names, (Strings{"*"}));
  EXPECT_EQ(ParseOne<DropStmt>("DROP JOB *").what, What::kJob);
  EXPECT_FALSE(g.cascade);
  const auto cascade = ParseOne<DropStmt>("DROP GRAPH g CASCADE");
  EXPECT_EQ(cascade.what, What::kGraph);
  EXPECT_EQ(cascade.names, (Strings{"g"}));
  EXPECT_TRUE(cascade.cascade);
  ExpectInvalid("DROP GRAPH g CASCADE x", "Syntax Error: Encountered \"x\" at line 1, column 22.");
  ExpectUnsupported("DROP QUERY q", "Line 1: the emulator does not support the statement \"DROP QUERY\"");
  ExpectInvalid("DROP VERTEX", "Encountered \"<EOF>\"");
  ExpectInvalid("DROP VERTEX a,", "Was expecting: a name.");
}

TEST(GsqlParserTest, ShowStatements) {
  const auto v = ParseOne<ShowStmt>("SHOW VERTEX *");
  EXPECT_EQ(v.what, "VERTEX");
  EXPECT_EQ(v.pattern, "*");
  const auto e = ParseOne<ShowStmt>("show edge Knows");
  EXPECT_EQ(e.what, "EDGE");
  EXPECT_EQ(e.pattern, "Knows");
  EXPECT_EQ(ParseOne<ShowStmt>("SHOW GRAPH g").what, "GRAPH");
  EXPECT_EQ(ParseOne<ShowStmt>("SHOW JOB *").what, "JOB");
  EXPECT_EQ(ParseOne<ShowStmt>("SHOW VERTEX Per*").pattern, "Per*");
  EXPECT_EQ(ParseOne<ShowStmt>("SHOW VERTEX").pattern, "*");
  const auto ls = ParseOne<ShowStmt>("LS");
  EXPECT_EQ(ls.what, "LS");
  EXPECT_EQ(ls.pattern, "*");
  const auto two = ParseOk("SHOW JOB\nls");  // a pattern must be on the SHOW line
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(std::get<ShowStmt>(two[0].body).pattern, "*");
  EXPECT_EQ(std::get<ShowStmt>(two[1].body).what, "LS");
  ExpectUnsupported("SHOW QUERY *", "the statement \"SHOW QUERY\"");
  ExpectUnsupported("SHOW VERTEX -r \"P.*\"", "SHOW VERTEX -r (regular expressions)");
}

// ---- schema change jobs -------------------------------------------------------------------------------------

TEST(GsqlParserTest, LocalSchemaChangeJobWithEveryAction) {
  using AK = SchemaChangeAction::Kind;
  const auto s = ParseOne<CreateSchemaChangeJobStmt>(
      "CREATE SCHEMA_CHANGE JOB sc FOR GRAPH g {\n"
      "  ADD VERTEX Review (PRIMARY_ID id UINT, url STRING) WITH STATS=\"none\";\n"
      "  ADD UNDIRECTED EDGE Wrote (FROM User, TO Review);\n"
      "  ADD DIRECTED EDGE Rated (FROM User, TO Review, stars INT) WITH REVERSE_EDGE=\"Rated_By\";\n"
      "  DROP VERTEX Old1, Old2;\n"
      "  DROP EDGE OldE;\n"
      "  ALTER VERTEX User ADD ATTRIBUTE (email STRING DEFAULT \"none\", score DOUBLE);\n"
      "  ALTER VERTEX User DROP ATTRIBUTE (born, age);\n"
      "  ALTER EDGE Knows ADD ATTRIBUTE (w INT DEFAULT 1);\n"
      "  ALTER EDGE Knows DROP ATTRIBUTE (z);\n"
      "}");
  EXPECT_EQ(s.name, "sc");
  EXPECT_EQ(s.graph, "g");
  EXPECT_FALSE(s.global);
  ASSERT_EQ(s.actions.size(), 10u);
  const auto& a = s.actions;
  EXPECT_EQ(a[0].kind, AK::kAddVertex);
  EXPECT_EQ(a[0].vertex.name, "Review");
  EXPECT_EQ(a[0].vertex.primary_id_type, T(Kind::kUint));
  EXPECT_EQ(a[0].vertex.stats, "NONE");
  EXPECT_EQ(a[1].kind, AK::kAddEdge);
  EXPECT_FALSE(a[1].edge.directed);
  EXPECT_EQ(a[1].edge.pairs[0].to, "Review");
  EXPECT_EQ(a[2].edge.reverse_edge, "Rated_By");
  EXPECT_EQ(a[3].kind, AK::kDropVertex);
  EXPECT_EQ(a[3].type_name, "Old1");
  EXPECT_EQ(a[4].kind, AK::kDropVertex);
  EXPECT_EQ(a[4].type_name, "Old2");
  EXPECT_EQ(a[5].kind, AK::kDropEdge);
  EXPECT_EQ(a[5].type_name, "OldE");
  EXPECT_EQ(a[6].kind, AK::kAlterAddAttributes);
  EXPECT_FALSE(a[6].on_edge);
  EXPECT_EQ(a[6].type_name, "User");
  ASSERT_EQ(a[6].add.size(), 2u);
  EXPECT_EQ(a[6].add[0].name, "email");
  EXPECT_EQ(a[6].add[0].default_text, "none");
  EXPECT_EQ(a[6].add[1].type, T(Kind::kDouble));
  EXPECT_EQ(a[7].kind, AK::kAlterDropAttributes);
  EXPECT_EQ(a[7].drop, (Strings{"born", "age"}));
  EXPECT_EQ(a[8].kind, AK::kAlterAddAttributes);
  EXPECT_TRUE(a[8].on_edge);
  EXPECT_EQ(a[8].add[0].default_text, "1");
  EXPECT_EQ(a[9].kind, AK::kAlterDropAttributes);
  EXPECT_TRUE(a[9].on_edge);
  EXPECT_EQ(a[9].type_name, "Knows");
}

TEST(GsqlParserTest, GlobalSchemaChangeJobAndRuns) {
  const auto stmts = ParseOk(
      "CREATE GLOBAL SCHEMA_CHANGE JOB gs { ALTER VERTEX User ADD ATTRIBUTE (x INT); DROP EDGE E; }\n"
      "RUN GLOBAL SCHEMA_CHANGE JOB gs\n"
      "CREATE SCHEMA_CHANGE JOB local_job { DROP VERTEX V; }\n"
      "RUN SCHEMA_CHANGE JOB local_job -N\n"
      "run schema_change job local_job");
  ASSERT_EQ(stmts.size(), 5u);
  const auto& g = std::get<CreateSchemaChangeJobStmt>(stmts[0].body);
  EXPECT_TRUE(g.global);
  EXPECT_TRUE(g.graph.empty());
  ASSERT_EQ(g.actions.size(), 2u);
  EXPECT_EQ(g.actions[1].kind, SchemaChangeAction::Kind::kDropEdge);
  EXPECT_EQ(std::get<RunSchemaChangeJobStmt>(stmts[1].body).name, "gs");
  EXPECT_TRUE(std::get<CreateSchemaChangeJobStmt>(stmts[2].body).graph.empty());
  EXPECT_EQ(std::get<RunSchemaChangeJobStmt>(stmts[3].body).name, "local_job");
  EXPECT_EQ(stmts[3].text, "RUN SCHEMA_CHANGE JOB local_job -N");
  EXPECT_EQ(std::get<RunSchemaChangeJobStmt>(stmts[4].body).name, "local_job");
}

TEST(GsqlParserTest, SchemaChangeJobErrors) {
  ExpectInvalid("CREATE SCHEMA_CHANGE JOB s FOR GRAPH g {\n  DROP VERTEX V\n}",
                "Encountered \"}\" at line 3, column 1. Was expecting: \";\".");
  ExpectInvalid("CREATE SCHEMA_CHANGE JOB s FOR GRAPH g { DROP VERTEX V;", "Encountered \"<EOF>\"");
  ExpectInvalid("CREATE SCHEMA_CHANGE JOB s { ALTER VERTEX V RENAME ATTRIBUTE (a); }",
                "Was expecting: \"ADD ATTRIBUTE\" or \"DROP ATTRIBUTE\".");
  ExpectInvalid("CREATE SCHEMA_CHANGE JOB s { ALTER GRAPH g ADD ATTRIBUTE (a INT); }",
                "Was expecting: \"VERTEX\" or \"EDGE\".");
  ExpectInvalid("CREATE SCHEMA_CHANGE JOB s { ADD EDGE E (FROM A, TO B); }",
                "Was expecting: \"DIRECTED\" or \"UNDIRECTED\".");
  ExpectInvalid("CREATE SCHEMA_CHANGE JOB s { ALTER VERTEX V ADD ATTRIBUTE (a INT, a STRING); }",
                "the attribute \"a\" of the list is declared twice");
  ExpectInvalid("CREATE SCHEMA_CHANGE JOB s { 5; }", "Was expecting: ADD, ALTER, DROP or \"}\".");
  ExpectInvalid("CREATE SCHEMA_CHANGE JOB { }", "Was expecting: a job name.");
  ExpectInvalid("CREATE GLOBAL SCHEMA_CHANGE JOB s { ADD VERTEX A, B TO g; }", "Was expecting: \"GRAPH\".");
  ExpectInvalid("CREATE GLOBAL SCHEMA_CHANGE JOB s { DROP EDGE e FROM GRAPH; }", "Was expecting: a graph name.");
  ExpectUnsupported("CREATE SCHEMA_CHANGE JOB s { ALTER EDGE E ADD PAIR (FROM A, TO C); }",
                    "Line 1: the emulator does not support ALTER EDGE ... ADD PAIR");
  ExpectUnsupported("CREATE SCHEMA_CHANGE JOB s { ALTER VERTEX V ADD INDEX i ON (a); }", "ALTER VERTEX ... ADD INDEX");
  ExpectUnsupported("CREATE SCHEMA_CHANGE JOB s { ADD TAG vip; }", "ADD TAG");
  ExpectUnsupported("CREATE SCHEMA_CHANGE JOB s { DROP TUPLE t; }", "DROP TUPLE");
  ExpectUnsupported("CREATE SCHEMA_CHANGE JOB s { RENAME VERTEX a; }", "\"RENAME\" in a schema change job");
}

// gsql-ref modifying-a-graph-schema "global schema change job": ADD VERTEX|EDGE a, b TO GRAPH g and
// DROP VERTEX|EDGE a, b FROM GRAPH g name existing global types; one action per name.
TEST(GsqlParserTest, GlobalJobGraphMembership) {
  const std::vector<Statement> stmts = ParseOk(
      "CREATE GLOBAL SCHEMA_CHANGE JOB s {\n  ADD VERTEX A, B TO GRAPH g;\n  ADD EDGE e TO GRAPH g;\n"
      "  DROP VERTEX C FROM GRAPH h;\n  DROP EDGE f, k FROM GRAPH h;\n  DROP VERTEX D;\n}");
  ASSERT_EQ(stmts.size(), 1u);
  const auto& job = std::get<CreateSchemaChangeJobStmt>(stmts[0].body);
  using K = SchemaChangeAction::Kind;
  ASSERT_EQ(job.actions.size(), 7u);
  const std::vector<std::tuple<K, bool, std::string, std::string>> want = {
      {K::kAddToGraph, false, "A", "g"},    {K::kAddToGraph, false, "B", "g"},   {K::kAddToGraph, true, "e", "g"},
      {K::kDropFromGraph, false, "C", "h"}, {K::kDropFromGraph, true, "f", "h"}, {K::kDropFromGraph, true, "k", "h"},
      {K::kDropVertex, false, "D", ""}};
  for (size_t i = 0; i < want.size(); ++i) {
    const SchemaChangeAction& a = job.actions[i];
    EXPECT_EQ(std::make_tuple(a.kind, a.on_edge, a.type_name, a.target_graph), want[i]) << i;
  }
}

// ---- unsupported statements and syntax errors ---------------------------------------------------------------

// The GSQL shell's BEGIN ... END only groups lines into one command: the statements inside parse as written.
TEST(GsqlParserTest, BeginEndBlockHoldsItsStatements) {
  const std::vector<Statement> stmts = ParseOk("BEGIN\nCREATE VERTEX A (PRIMARY_ID id STRING,\n  n INT)\nEND\nls");
  ASSERT_EQ(stmts.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<CreateVertexStmt>(stmts[0].body));
  EXPECT_EQ(stmts[0].line, 2);
  EXPECT_TRUE(std::holds_alternative<ShowStmt>(stmts[1].body));
}

// gsql-ref system-and-language-basics "Session parameters": SET exit_on_error = true|false, case-insensitive.
TEST(GsqlParserTest, SetExitOnErrorTakesTrueOrFalse) {
  const auto off = ParseOne<SetStmt>("SET exit_on_error = FALSE");
  EXPECT_EQ(off.name, "exit_on_error");
  EXPECT_EQ(off.value, "false");
  EXPECT_EQ(ParseOne<SetStmt>("set exit_on_error=true").value, "true");
  EXPECT_EQ(ParseOne<SetStmt>("SET exit_on_error = \"False\"").value, "false");
  const std::vector<Statement> two = ParseOk("SET exit_on_error = FALSE CREATE VERTEX A (PRIMARY_ID id STRING)");
  ASSERT_EQ(two.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<CreateVertexStmt>(two[1].body));
  ExpectInvalid("SET exit_on_error = maybe", "Line 1: exit_on_error accepts true or false");
  ExpectInvalid("SET exit_on_error = 0", "Line 1: exit_on_error accepts true or false");
  ExpectInvalid("SET exit_on_error FALSE", "Encountered \"FALSE\" at line 1, column 19. Was expecting: \"=\".");
  ExpectUnsupported("SET syntax_version = \"v2\"",
                    "Line 1: the emulator does not support the session parameter \"syntax_version\"");
}

// gsql-ref attribute-data-types "User-defined tuples": the documented example and the field rules.
TEST(GsqlParserTest, TypedefTupleFieldsAndSizes) {
  const auto t = ParseOne<TypedefTupleStmt>(
      "TYPEDEF TUPLE <field1 INT(1), field2 UINT, field3 STRING(10), "
      "field4 DOUBLE> My_Tuple");
  EXPECT_EQ(t.tuple.name, "My_Tuple");
  ASSERT_EQ(t.tuple.fields.size(), 4u);
  EXPECT_EQ(t.tuple.fields[0].name, "field1");
  EXPECT_EQ(t.tuple.fields[0].kind, Kind::kInt);
  EXPECT_EQ(t.tuple.fields[0].length, 1);
  EXPECT_EQ(t.tuple.fields[1].kind, Kind::kUint);
  EXPECT_EQ(t.tuple.fields[1].length, 8);
  EXPECT_EQ(t.tuple.fields[2].kind, Kind::kString);
  EXPECT_EQ(t.tuple.fields[2].length, 10);
  EXPECT_EQ(t.tuple.fields[3].kind, Kind::kDouble);
  EXPECT_EQ(t.tuple.fields[3].length, 0);
  ExpectInvalid("TYPEDEF TUPLE <s STRING> T", "Line 1: the STRING field s needs a size in characters, e.g. STRING(10)");
  ExpectInvalid("TYPEDEF TUPLE <i INT(3)> T", "Line 1: the size of the INT field i must be 1, 2, 4 or 8 bytes");
  ExpectInvalid("TYPEDEF TUPLE <i INT(99999999999)> T", "the size of the INT field i must be 1, 2, 4 or 8 bytes");
  ExpectInvalid("TYPEDEF TUPLE <d DOUBLE(8)> T", "Line 1: a DOUBLE tuple field takes no size");
  ExpectInvalid("TYPEDEF TUPLE <l LIST> T", "a tuple field cannot be of type \"LIST\"");
  ExpectInvalid("TYPEDEF TUPLE <a INT, a UINT> T", "the tuple field a is given twice");
  ExpectInvalid("TYPEDEF TUPLE <a INT> ", "Was expecting: a tuple name.");
}

TEST(GsqlParserTest, RefusesStatementsItDoesNotImplementByName) {
  ExpectUnsupported("USE GRAPH g\n\nCREATE QUERY q() FOR GRAPH g { PRINT 1; }",
                    "Line 3: the emulator does not support the statement \"CREATE QUERY\"; it runs CREATE "
                    "VERTEX/EDGE/GRAPH/LOADING JOB/SCHEMA_CHANGE JOB, USE, DROP, RUN LOADING JOB/SCHEMA_CHANGE JOB, "
                    "SHOW, SET exit_on_error, TYPEDEF TUPLE and ls");
  ExpectUnsupported("INSTALL QUERY ALL", "the statement \"INSTALL QUERY ALL\"");
  ExpectUnsupported("INSTALL QUERY q", "the statement \"INSTALL QUERY\"");
  ExpectUnsupported("CREATE OR REPLACE QUERY q() { }", "the statement \"CREATE OR REPLACE QUERY\"");
  ExpectUnsupported("INTERPRET QUERY () FOR GRAPH g { }", "the statement \"INTERPRET QUERY\"");
  ExpectUnsupported("CREATE USER", "the statement \"CREATE USER\"");
  ExpectUnsupported("GRANT ROLE r TO u", "the statement \"GRANT ROLE\"");
  ExpectUnsupported("RUN QUERY q()", "the statement \"RUN QUERY\"");
  ExpectUnsupported("CREATE DATA_SOURCE s = \"x\"", "the statement \"CREATE DATA_SOURCE\"");
  ExpectUnsupported("TYPEDEF STRUCT x", "the statement \"TYPEDEF\"");
  // GSQL 4.1 modifies data from queries with INSERT INTO, UPDATE and DELETE inside a query body (gsql-ref
  // querying/data-modification-statements); UPSERT is only a reserved word (appendix keywords-and-reserved-words).
  // The emulator has no query interpreter, so these are refused by name.
  ExpectUnsupported("UPSERT P VALUES (\"x\")", "Line 1: the emulator does not support the statement \"UPSERT\"");
  ExpectUnsupported("INSERT INTO P VALUES (\"x\")", "Line 1: the emulator does not support the statement \"INSERT\"");
  ExpectUnsupported("INTERPRET QUERY () FOR GRAPH g { INSERT INTO P VALUES (\"x\"); }",
                    "the statement \"INTERPRET QUERY\"");
  // Nothing after the refused statement runs: the whole text fails.
  ExpectUnsupported("CREATE VERTEX A (PRIMARY_ID id STRING)\nEXPORT GRAPH ALL", "Line 2:");
}

TEST(GsqlParserTest, SyntaxErrorsSayWhatWasFoundAndExpectedWithLineAndColumn) {
  ExpectInvalid("CREATE VERTEX (",
                "Syntax Error: Encountered \"(\" at line 1, column 15. Was expecting: a vertex type name.");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING)\nCREATE VERTEX B (PRIMARY_ID id STRING,,)",
                "Syntax Error: Encountered \",\" at line 2, column 39. Was expecting: an attribute.");
  ExpectInvalid("(", "Syntax Error: Encountered \"(\" at line 1, column 1. Was expecting: a GSQL statement.");
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING",
                "Encountered \"<EOF>\" at line 1, column 38. Was expecting: \")\".");
  ExpectInvalid("CREATE LOADING j", "Encountered \"j\" at line 1, column 16. Was expecting: \"JOB\".");
  ExpectInvalid("RUN SCHEMA_CHANGE j", "Was expecting: \"JOB\".");
}

}  // namespace
}  // namespace icegraph::emulator
