// GSQL parser tests for loading jobs: DEFINE, LOAD (targets, VALUES, WHERE, USING), DELETE and RUN LOADING JOB.
#include <gtest/gtest.h>

#include "emulator/gsql_ast.h"
#include "emulator/gsql_parser_test_util.h"

namespace icegraph::emulator {
namespace {

using gsql_test::ExpectInvalid;
using gsql_test::ExpectUnsupported;
using gsql_test::ParseOk;
using gsql_test::ParseOne;
using EK = TokenExpr::Kind;
using CK = Condition::Kind;
using Target = LoadStatement::Target;

LoadingJob Job(const std::string& body, const std::string& header = "CREATE LOADING JOB j FOR GRAPH g") {
  return ParseOne<CreateLoadingJobStmt>(header + " {\n" + body + "\n}").job;
}

// The WHERE condition of the only LOAD in a job with file variable f.
Condition Where(const std::string& cond) {
  const LoadingJob job = Job("DEFINE FILENAME f; LOAD f TO VERTEX V VALUES ($0) WHERE " + cond + ";");
  if (job.statements.size() != 1 || !job.statements[0].where) {
    ADD_FAILURE() << "no WHERE parsed from: " << cond;
    return {};
  }
  return *job.statements[0].where;
}

LoadingOptions Using(const std::string& options) {
  const LoadingJob job = Job("DEFINE FILENAME f; LOAD f TO VERTEX V VALUES ($0) USING " + options + ";");
  if (job.statements.size() != 1) return {};
  return job.statements[0].options;
}

std::string InJob(const std::string& body) { return "CREATE LOADING JOB j FOR GRAPH g {\n" + body + "\n}"; }

void ExpectColumn(const TokenExpr& e, int index) {
  EXPECT_EQ(e.kind, EK::kColumnIndex);
  EXPECT_EQ(e.index, index);
}
void ExpectLiteral(const TokenExpr& e, const std::string& text) {
  EXPECT_EQ(e.kind, EK::kLiteral);
  EXPECT_EQ(e.text, text);
}

TEST(GsqlLoadParserTest, LoadingJobWithDefinesValuesWhereAndUsing) {
  const std::string text =
      "CREATE LOADING JOB load_people FOR GRAPH Social {\n"
      "  DEFINE FILENAME f;\n"
      "  DEFINE FILENAME f2 = \"/data/people.csv\";\n"
      "  LOAD f TO VERTEX Person VALUES ($0, $\"name\", _, \"lit\", gsql_concat($1, \"x\"), 42)\n"
      "    WHERE $2 == \"x\"\n"
      "    USING SEPARATOR=\",\", HEADER=\"true\", EOL=\"\\n\", QUOTE=\"double\";\n"
      "  LOAD f2 TO EDGE Knows VALUES ($0, $1, $2);\n"
      "}";
  const auto stmts = ParseOk("USE GRAPH Social\n" + text);
  ASSERT_EQ(stmts.size(), 2u);
  EXPECT_EQ(stmts[1].line, 2);
  EXPECT_EQ(stmts[1].text, text);
  const LoadingJob& job = std::get<CreateLoadingJobStmt>(stmts[1].body).job;
  EXPECT_EQ(job.name, "load_people");
  EXPECT_EQ(job.graph, "Social");
  EXPECT_EQ(job.source_text, text);
  EXPECT_EQ(job.filename_vars, (std::vector<std::string>{"f", "f2"}));
  ASSERT_EQ(job.filename_defaults.size(), 1u);
  EXPECT_EQ(job.filename_defaults.at("f2"), "/data/people.csv");
  ASSERT_EQ(job.statements.size(), 2u);

  const LoadStatement& v = job.statements[0];
  EXPECT_EQ(v.target, Target::kVertex);
  EXPECT_EQ(v.filename_var, "f");
  EXPECT_EQ(v.type_name, "Person");
  ASSERT_EQ(v.values.size(), 6u);
  ExpectColumn(v.values[0], 0);
  EXPECT_EQ(v.values[1].kind, EK::kColumnName);
  EXPECT_EQ(v.values[1].text, "name");
  EXPECT_EQ(v.values[2].kind, EK::kDefault);
  ExpectLiteral(v.values[3], "lit");
  EXPECT_EQ(v.values[4].kind, EK::kFunction);
  EXPECT_EQ(v.values[4].text, "gsql_concat");
  ASSERT_EQ(v.values[4].args.size(), 2u);
  ExpectColumn(v.values[4].args[0], 1);
  ExpectLiteral(v.values[4].args[1], "x");
  ExpectLiteral(v.values[5], "42");
  EXPECT_FALSE(v.from_type.has_value());
  ASSERT_TRUE(v.where.has_value());
  EXPECT_EQ(v.where->kind, CK::kCompare);
  EXPECT_EQ(v.where->op, "==");
  ExpectColumn(v.where->lhs, 2);
  ASSERT_EQ(v.where->rhs.size(), 1u);
  ExpectLiteral(v.where->rhs[0], "x");
  EXPECT_EQ(v.options.separator, ',');
  EXPECT_TRUE(v.options.header);
  EXPECT_EQ(v.options.eol, "\n");
  EXPECT_EQ(v.options.quote, '"');

  const LoadStatement& e = job.statements[1];
  EXPECT_EQ(e.target, Target::kEdge);
  EXPECT_EQ(e.filename_var, "f2");
  EXPECT_EQ(e.values.size(), 3u);
  EXPECT_FALSE(e.where.has_value());
  EXPECT_EQ(e.options.separator, ',');  // defaults
  EXPECT_FALSE(e.options.header);
  EXPECT_EQ(e.options.eol, "\n");
  EXPECT_EQ(e.options.quote, '\0');
}

TEST(GsqlLoadParserTest, JobWithoutForGraphAndEmptyBody) {
  const LoadingJob job = Job("", "create loading job j");
  EXPECT_EQ(job.name, "j");
  EXPECT_TRUE(job.graph.empty());
  EXPECT_TRUE(job.statements.empty());
  EXPECT_TRUE(job.filename_vars.empty());
}

TEST(GsqlLoadParserTest, OneLoadWithSeveralTargetsSharesUsingAndKeepsEachWhere) {
  const LoadingJob job =
      Job("DEFINE FILENAME f;\n"
          "LOAD f TO VERTEX A VALUES ($0) WHERE $1 IS NUMERIC,\n"
          "       TO VERTEX B VALUES ($2),\n"
          "       TO EDGE AB VALUES ($0, $2) WHERE $3 IS NOT EMPTY\n"
          "  USING SEPARATOR=\"|\", HEADER=\"false\";");
  ASSERT_EQ(job.statements.size(), 3u);
  for (const LoadStatement& s : job.statements) {
    EXPECT_EQ(s.filename_var, "f");
    EXPECT_EQ(s.options.separator, '|');
    EXPECT_FALSE(s.options.header);
  }
  EXPECT_EQ(job.statements[0].type_name, "A");
  EXPECT_EQ(job.statements[0].where->kind, CK::kIsNumeric);
  EXPECT_FALSE(job.statements[1].where.has_value());
  EXPECT_EQ(job.statements[2].target, Target::kEdge);
  EXPECT_EQ(job.statements[2].where->kind, CK::kIsEmpty);
  EXPECT_TRUE(job.statements[2].where->negated);
}

TEST(GsqlLoadParserTest, EdgeEndpointsMayNameTheirVertexType) {
  const LoadingJob job =
      Job("DEFINE FILENAME f;\n"
          "LOAD f TO EDGE Visit VALUES ($0, $2 $1, $3);\n"
          "LOAD f TO EDGE Any VALUES ($0 User, $1 Product, _);\n"
          "LOAD f TO EDGE T VALUES ($0 $\"from_type\", $1 gsql_upper($4));");
  ASSERT_EQ(job.statements.size(), 3u);
  const LoadStatement& visit = job.statements[0];
  EXPECT_FALSE(visit.from_type.has_value());
  ASSERT_TRUE(visit.to_type.has_value());
  ExpectColumn(*visit.to_type, 1);
  ASSERT_EQ(visit.values.size(), 3u);
  ExpectColumn(visit.values[1], 2);
  ExpectColumn(visit.values[2], 3);
  const LoadStatement& any = job.statements[1];
  ExpectLiteral(*any.from_type, "User");
  ExpectLiteral(*any.to_type, "Product");
  EXPECT_EQ(any.values.size(), 3u);
  const LoadStatement& t = job.statements[2];
  EXPECT_EQ(t.from_type->kind, EK::kColumnName);
  EXPECT_EQ(t.to_type->kind, EK::kFunction);
  // A bare word is only a vertex type; as a value it is an error.
  ExpectInvalid(InJob("DEFINE FILENAME f; LOAD f TO VERTEX V VALUES ($0, User);"),
                "Encountered \"User\" at line 2, column 51. Was expecting: $N, $\"column\", _, a literal or a function "
                "call.");
  ExpectInvalid(InJob("DEFINE FILENAME f; LOAD f TO VERTEX V VALUES ($0 $1);"), "Was expecting: \")\".");
}

TEST(GsqlLoadParserTest, WhereComparisons) {
  for (const char* op : {"==", "!=", "<", "<=", ">", ">="}) {
    const Condition c = Where(std::string("$\"age\" ") + op + " 10");
    EXPECT_EQ(c.kind, CK::kCompare);
    EXPECT_EQ(c.op, op);
    EXPECT_EQ(c.lhs.kind, EK::kColumnName);
    ExpectLiteral(c.rhs.at(0), "10");
  }
  const Condition f = Where("to_int($3) >= -2.5");
  EXPECT_EQ(f.lhs.kind, EK::kFunction);
  EXPECT_EQ(f.lhs.text, "to_int");
  ExpectLiteral(f.rhs.at(0), "-2.5");
}

TEST(GsqlLoadParserTest, WherePredicates) {
  const Condition numeric = Where("$1 IS NUMERIC");
  EXPECT_EQ(numeric.kind, CK::kIsNumeric);
  EXPECT_FALSE(numeric.negated);
  const Condition not_numeric = Where("$1 is not numeric");
  EXPECT_EQ(not_numeric.kind, CK::kIsNumeric);
  EXPECT_TRUE(not_numeric.negated);
  const Condition empty = Where("$1 IS EMPTY");
  EXPECT_EQ(empty.kind, CK::kIsEmpty);
  EXPECT_FALSE(empty.negated);
  const Condition in = Where("$1 IN (\"a\", \"b\", 3)");
  EXPECT_EQ(in.kind, CK::kIn);
  EXPECT_FALSE(in.negated);
  ASSERT_EQ(in.rhs.size(), 3u);
  ExpectLiteral(in.rhs[1], "b");
  const Condition not_in = Where("$1 NOT IN (\"a\")");
  EXPECT_EQ(not_in.kind, CK::kIn);
  EXPECT_TRUE(not_in.negated);
  const Condition between = Where("$1 BETWEEN 1 AND 5");
  EXPECT_EQ(between.kind, CK::kBetween);
  ASSERT_EQ(between.rhs.size(), 2u);
  ExpectLiteral(between.rhs[0], "1");
  ExpectLiteral(between.rhs[1], "5");
}

TEST(GsqlLoadParserTest, WhereBooleanStructureAndPrecedence) {
  // AND binds tighter than OR; the AND of BETWEEN belongs to BETWEEN.
  const Condition c = Where("$0 == \"a\" OR $1 BETWEEN 1 AND 5 AND NOT ($2 IS EMPTY OR $3 < \"m\")");
  ASSERT_EQ(c.kind, CK::kOr);
  ASSERT_EQ(c.children.size(), 2u);
  EXPECT_EQ(c.children[0].kind, CK::kCompare);
  const Condition& conj = c.children[1];
  ASSERT_EQ(conj.kind, CK::kAnd);
  ASSERT_EQ(conj.children.size(), 2u);
  EXPECT_EQ(conj.children[0].kind, CK::kBetween);
  const Condition& neg = conj.children[1];
  ASSERT_EQ(neg.kind, CK::kNot);
  ASSERT_EQ(neg.children.size(), 1u);
  ASSERT_EQ(neg.children[0].kind, CK::kOr);
  EXPECT_EQ(neg.children[0].children.size(), 2u);
  const Condition chain = Where("$0 == \"a\" AND $1 == \"b\" and $2 == \"c\"");
  EXPECT_EQ(chain.kind, CK::kAnd);
  EXPECT_EQ(chain.children.size(), 3u);
  const Condition double_not = Where("NOT NOT $0 IS EMPTY");
  EXPECT_EQ(double_not.kind, CK::kNot);
  EXPECT_EQ(double_not.children.at(0).kind, CK::kNot);
}

TEST(GsqlLoadParserTest, WhereErrors) {
  const auto where = [](const std::string& cond) {
    return InJob("DEFINE FILENAME f;\nLOAD f TO VERTEX V VALUES ($0) WHERE " + cond + ";");
  };
  ExpectInvalid(where("$1 = \"x\""),
                "Encountered \"=\" at line 3, column 41. Was expecting: a comparison "
                "(== != < <= > >=), IS, IN or BETWEEN.");
  ExpectInvalid(where("$1 IS NULL"), "Was expecting: \"NUMERIC\" or \"EMPTY\".");
  ExpectInvalid(where("$1 BETWEEN 1 OR 5"), "Was expecting: \"AND\".");
  ExpectInvalid(where("($1 IS EMPTY"), "Was expecting: \")\".");
  ExpectInvalid(where("$1 IN ()"), "Encountered \")\"");
  ExpectUnsupported(where("to_int($1) + 1 > 3"),
                    "Line 3: the emulator does not support arithmetic (+ - * / ^) in a WHERE condition");
  ExpectUnsupported(where("gsql_is_true($1)"),
                    "Line 3: the emulator does not support the function gsql_is_true() as a WHERE condition");
}

TEST(GsqlLoadParserTest, UsingOptionValues) {
  EXPECT_EQ(Using("SEPARATOR=\"|\"").separator, '|');
  EXPECT_EQ(Using("separator=\"\\t\"").separator, '\t');     // GSQL "\t": the escape
  EXPECT_EQ(Using("SEPARATOR=\"\\\\t\"").separator, '\t');   // GSQL "\\t": backslash and t, still a tab
  EXPECT_EQ(Using("SEPARATOR=\"\\30\"").separator, '\x1e');  // a decimal ASCII code
  EXPECT_EQ(Using("SEPARATOR=\"\\1\"").separator, '\x01');
  EXPECT_EQ(Using("SEPARATOR=' '").separator, ' ');
  EXPECT_TRUE(Using("HEADER=\"TRUE\"").header);
  EXPECT_FALSE(Using("header=\"False\"").header);
  EXPECT_EQ(Using("EOL=\"\\r\\n\"").eol, "\r\n");
  EXPECT_EQ(Using("QUOTE=\"single\"").quote, '\'');
  EXPECT_EQ(Using("Quote=\"DOUBLE\"").quote, '"');
  const LoadingOptions noop = Using("JSON_FILE=\"false\", NEW_VERTEX_ONLY=\"false\", VERTEX_MUST_EXIST=\"false\"");
  EXPECT_EQ(noop.separator, ',');
}

TEST(GsqlLoadParserTest, UsingOptionErrors) {
  const auto load = [](const std::string& options) {
    return InJob("DEFINE FILENAME f;\nLOAD f TO VERTEX V VALUES ($0) USING " + options + ";");
  };
  ExpectInvalid(load("SEPARATOR=\"ab\""),
                "Line 3: SEPARATOR must be one ASCII character, \"\\t\" or \"\\\" and a "
                "decimal ASCII code such as \"\\30\", not \"ab\"");
  ExpectInvalid(load("SEPARATOR=\"\""), "SEPARATOR must be one ASCII character");
  ExpectInvalid(load("SEPARATOR=\"\\200\""), "not \"\\200\"");
  ExpectInvalid(load("SEPARATOR=\"tab\""), "not \"tab\"");
  ExpectInvalid(load("HEADER=\"yes\""), "Line 3: HEADER must be \"true\" or \"false\", not \"yes\"");
  ExpectInvalid(load("QUOTE=\"back\""), "QUOTE must be \"single\" or \"double\", not \"back\"");
  ExpectInvalid(load("EOL=\"\""), "Line 3: EOL cannot be empty");
  ExpectInvalid(load("HEADER=\"true\", header=\"true\""), "Line 3: the USING option header is given twice");
  ExpectInvalid(load("SEP=\",\""),
                "Line 3: unknown USING option SEP (the options are SEPARATOR, EOL, QUOTE, HEADER, "
                "USER_DEFINED_HEADER, REJECT_LINE_RULE, JSON_FILE, NEW_VERTEX_ONLY and "
                "VERTEX_MUST_EXIST)");
  ExpectInvalid(load("SEPARATOR=,"), "Was expecting: a quoted option value.");
  ExpectInvalid(load("HEADER"), "Was expecting: \"=\".");
  ExpectUnsupported(load("USER_DEFINED_HEADER=\"h\""),
                    "Line 3: the emulator does not support USING USER_DEFINED_HEADER");
  ExpectUnsupported(load("REJECT_LINE_RULE=\"r\""), "USING REJECT_LINE_RULE");
  ExpectUnsupported(load("JSON_FILE=\"true\""), "the emulator does not support USING JSON_FILE=\"true\"");
  ExpectUnsupported(load("VERTEX_MUST_EXIST=\"true\""), "USING VERTEX_MUST_EXIST=\"true\"");
  ExpectUnsupported(load("NEW_VERTEX_ONLY=\"TRUE\""), "USING NEW_VERTEX_ONLY=\"true\"");
}

TEST(GsqlLoadParserTest, DeleteStatements) {
  const LoadingJob job =
      Job("DEFINE FILENAME f;\n"
          "DELETE VERTEX Person (PRIMARY_ID $0) FROM f WHERE $1 == \"gone\";\n"
          "DELETE EDGE Paid (FROM $0, TO $1) FROM f;\n"
          "DELETE EDGE Paid (FROM $0, TO $1, DISCRIMINATOR ($2, $\"ref\")) FROM f USING SEPARATOR=\"|\";\n"
          "DELETE EDGE Any (FROM $0 $1, TO $2 Product) FROM f;");
  ASSERT_EQ(job.statements.size(), 4u);
  const LoadStatement& v = job.statements[0];
  EXPECT_EQ(v.target, Target::kDeleteVertex);
  EXPECT_EQ(v.type_name, "Person");
  EXPECT_EQ(v.filename_var, "f");
  ASSERT_EQ(v.values.size(), 1u);
  ExpectColumn(v.values[0], 0);
  ASSERT_TRUE(v.where.has_value());
  EXPECT_EQ(v.where->kind, CK::kCompare);
  const LoadStatement& e = job.statements[1];
  EXPECT_EQ(e.target, Target::kDeleteEdge);
  ASSERT_EQ(e.values.size(), 2u);
  ExpectColumn(e.values[1], 1);
  const LoadStatement& d = job.statements[2];
  ASSERT_EQ(d.values.size(), 4u);
  EXPECT_EQ(d.values[3].kind, EK::kColumnName);
  EXPECT_EQ(d.options.separator, '|');
  const LoadStatement& typed = job.statements[3];
  ExpectColumn(*typed.from_type, 1);
  ExpectLiteral(*typed.to_type, "Product");
  ASSERT_EQ(typed.values.size(), 2u);
  ExpectColumn(typed.values[1], 2);
}

TEST(GsqlLoadParserTest, DeleteErrors) {
  ExpectUnsupported(InJob("DEFINE FILENAME f;\nDELETE EDGE Paid (FROM $0) FROM f;"),
                    "Line 3: the emulator does not support DELETE EDGE with only a FROM vertex");
  ExpectUnsupported(InJob("DEFINE FILENAME f; DELETE EDGE * (FROM $0 Person) FROM f;"),
                    "DELETE EDGE * (deleting every edge of a vertex)");
  ExpectInvalid(InJob("DEFINE FILENAME f; DELETE VERTEX Person ($0) FROM f;"), "Was expecting: \"PRIMARY_ID\".");
  ExpectInvalid(InJob("DEFINE FILENAME f; DELETE VERTEX Person (PRIMARY_ID $0);"), "Was expecting: \"FROM\".");
  ExpectInvalid(InJob("DEFINE FILENAME f; DELETE EDGE E (FROM $0, TO $1, $2) FROM f;"),
                "Was expecting: \"DISCRIMINATOR\".");
  ExpectInvalid(InJob("DEFINE FILENAME f; DELETE TUPLE t FROM f;"), "Was expecting: \"VERTEX\" or \"EDGE\".");
  ExpectInvalid(InJob("DEFINE FILENAME f;\nLOAD f TO VERTEX V VALUES ($0);\nDELETE VERTEX V (PRIMARY_ID $0) FROM f;"),
                "Line 4: the loading job j has both LOAD and DELETE statements; a loading job may have one kind only");
}

TEST(GsqlLoadParserTest, LoadingJobStructureErrors) {
  ExpectInvalid(InJob("LOAD f TO VERTEX V VALUES ($0);"),
                "Line 2: the filename variable f is not defined; DEFINE FILENAME f; must come first");
  ExpectInvalid(InJob("DEFINE FILENAME f; DELETE VERTEX V (PRIMARY_ID $0) FROM g;"),
                "the filename variable g is not defined");
  ExpectInvalid(InJob("DEFINE FILENAME f;\nDEFINE FILENAME f = \"/x\";"),
                "Line 3: the filename variable f is defined twice");
  ExpectInvalid(InJob("DEFINE FILENAME f = /x;"), "Was expecting: a quoted file path.");
  ExpectInvalid(InJob("DEFINE FILENAME f\nLOAD f TO VERTEX V VALUES ($0);"),
                "Encountered \"LOAD\" at line 3, column 1. Was expecting: \";\".");
  ExpectInvalid(InJob("DEFINE FILENAME f; LOAD f TO VERTEX V VALUES ($0)"), "Encountered \"}\" at line 3, column 1");
  ExpectInvalid("CREATE LOADING JOB j { DEFINE FILENAME f;", "Encountered \"<EOF>\"");
  ExpectInvalid("CREATE LOADING JOB j FOR g { }", "Was expecting: \"GRAPH\".");
  ExpectInvalid(InJob("DEFINE FILENAME f; LOAD f VERTEX V VALUES ($0);"), "Was expecting: \"TO\".");
  ExpectInvalid(InJob("DEFINE FILENAME f; LOAD f TO VERTICES V VALUES ($0);"),
                "Was expecting: \"VERTEX\" or \"EDGE\".");
  ExpectInvalid(InJob("DEFINE FILENAME f; LOAD f TO VERTEX V ($0);"), "Was expecting: \"VALUES\".");
  ExpectInvalid(InJob("DEFINE FILENAME f; LOAD f TO VERTEX V VALUES ();"), "Encountered \")\"");
  ExpectInvalid(InJob("DEFINE FILENAME f; LOAD f TO VERTEX V VALUES ($99999999999);"),
                "Line 2: the column $99999999999 is out of range");
  ExpectInvalid(InJob("{"), "Was expecting: DEFINE, LOAD, DELETE or \"}\".");
  ExpectUnsupported(InJob("DEFINE HEADER h = \"a\", \"b\";"), "Line 2: the emulator does not support DEFINE HEADER");
  ExpectUnsupported(InJob("DEFINE INPUT_LINE_FILTER r = $0 == \"x\";"), "DEFINE INPUT_LINE_FILTER");
  ExpectUnsupported(InJob("LOAD \"/data/x.csv\" TO VERTEX V VALUES ($0);"),
                    "LOAD from a quoted file path; DEFINE FILENAME a variable");
  ExpectUnsupported(InJob("LOAD TEMP_TABLE t TO VERTEX V VALUES ($0);"), "LOAD TEMP_TABLE");
  ExpectUnsupported(InJob("DEFINE FILENAME f; LOAD f TO TEMP_TABLE t (a) VALUES ($0);"), "LOAD ... TO TEMP_TABLE");
  ExpectUnsupported(InJob("DEFINE FILENAME f; LOAD f TO VERTEX V VALUES ($0) TAGS (t) BY OR;"), "the TAGS clause");
  ExpectUnsupported(InJob("DEFINE FILENAME f; LOAD f TO EDGE E VALUES (($0, $1), $2);"),
                    "nested value lists (composite keys, map pairs) in VALUES");
  ExpectUnsupported(InJob("DEFINE FILENAME f; LOAD f TO VERTEX V VALUES ($0, $1 -> $2);"),
                    "map pairs (a -> b) in VALUES");
  ExpectUnsupported(InJob("DEFINE FILENAME f;\nUPSERT f;"),
                    "Line 3: the emulator does not support \"UPSERT\" in a "
                    "loading job");
}

TEST(GsqlLoadParserTest, RunLoadingJob) {
  const auto r = ParseOne<RunLoadingJobStmt>("RUN LOADING JOB j USING f=\"/tmp/a.csv\", f2=\"m1:/tmp/b.csv\"");
  EXPECT_EQ(r.name, "j");
  ASSERT_EQ(r.using_files.size(), 2u);
  EXPECT_EQ(r.using_files[0], (std::pair<std::string, std::string>{"f", "/tmp/a.csv"}));
  EXPECT_EQ(r.using_files[1], (std::pair<std::string, std::string>{"f2", "m1:/tmp/b.csv"}));
  const auto bare = ParseOne<RunLoadingJobStmt>("run loading job load_all");
  EXPECT_EQ(bare.name, "load_all");
  EXPECT_TRUE(bare.using_files.empty());
  const auto quiet =
      ParseOne<RunLoadingJobStmt>("RUN LOADING JOB -noprint j USING f=\"/a\", CONCURRENCY=256, BATCH_SIZE=\"8192\"");
  EXPECT_EQ(quiet.name, "j");
  ASSERT_EQ(quiet.using_files.size(), 1u);
  ExpectUnsupported("RUN LOADING JOB -dryrun j", "Line 1: the emulator does not support RUN LOADING JOB -dryrun");
  ExpectUnsupported("RUN LOADING JOB j USING f=\"/a\", EOF=\"true\"", "RUN LOADING JOB ... USING EOF");
  ExpectUnsupported("RUN LOADING JOB j USING f", "USING a filename variable without a path");
  ExpectInvalid("RUN LOADING JOB j USING f=\"/a\", f=\"/b\"", "Line 1: the filename variable f is given twice");
  ExpectInvalid("RUN LOADING JOB j USING f=/a", "Was expecting: a quoted file path.");
  ExpectInvalid("RUN LOADING JOB", "Was expecting: a loading job name.");
}

}  // namespace
}  // namespace icegraph::emulator
