// GSQL lexer tests: token kinds and positions, string escapes, lexical errors (as the parser reports them).
#include "emulator/gsql_lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "emulator/gsql_parser_test_util.h"

namespace icegraph::emulator {
namespace {

using gsql_test::ExpectInvalid;
using gsql_test::ExpectUnsupported;

TEST(GsqlLexerTest, TokensCarryKindTextLineColumnAndOffsets) {
  const auto r = gsql::LexGsql("LOAD f\n  $12 $\"na me\" 'a\\tb' -1.5e3 == _ ->");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  using K = gsql::Token::Kind;
  const std::vector<gsql::Token>& t = *r;
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0].kind, K::kIdent);
  EXPECT_EQ(t[1].text, "f");
  EXPECT_EQ(t[2].kind, K::kColumnIndex);
  EXPECT_EQ(t[2].text, "12");
  EXPECT_EQ(t[2].line, 2);
  EXPECT_EQ(t[2].column, 3);
  EXPECT_EQ(t[2].offset, 9u);
  EXPECT_EQ(t[2].end, 12u);
  EXPECT_EQ(t[3].kind, K::kColumnName);
  EXPECT_EQ(t[3].text, "na me");
  EXPECT_EQ(t[4].kind, K::kString);
  EXPECT_EQ(t[4].text, "a\tb");
  EXPECT_EQ(t[5].kind, K::kNumber);
  EXPECT_EQ(t[5].text, "-1.5e3");
  EXPECT_EQ(t[6].text, "==");
  EXPECT_EQ(t[7].kind, K::kIdent);
  EXPECT_EQ(t[8].text, "->");
  EXPECT_EQ(t[9].kind, K::kEnd);
}

TEST(GsqlLexerTest, StringEscapes) {
  const auto r = gsql::LexGsql(R"("a\nb" "q\"q" "back\\slash" "keep\30" 'it\'s' "two
lines" x)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].text, "a\nb");
  EXPECT_EQ((*r)[1].text, "q\"q");
  EXPECT_EQ((*r)[2].text, "back\\slash");
  EXPECT_EQ((*r)[3].text, "keep\\30");
  EXPECT_EQ((*r)[4].text, "it's");
  EXPECT_EQ((*r)[5].text, "two\nlines");
  EXPECT_EQ((*r)[5].line, 1);  // a token's line is where it starts
  EXPECT_EQ((*r)[6].line, 2);
}

TEST(GsqlLexerTest, LexicalErrors) {
  ExpectInvalid("CREATE VERTEX A (PRIMARY_ID id STRING,\n x STRING DEFAULT \"open)",
                "Syntax Error: the string starting at line 2, column 19 is not closed");
  ExpectInvalid("USE GRAPH g /* never\nclosed",
                "Syntax Error: the comment starting at line 1, column 13 is not closed with */");
  ExpectInvalid("USE GRAPH g\n  ~x", "Syntax Error: unexpected character '~' at line 2, column 3.");
  // '@' is a symbol (query accumulators, @@name); outside a query it is a syntax error like any stray symbol.
  ExpectInvalid("USE GRAPH g\n  @x", "Encountered \"@\" at line 2, column 3.");
  ExpectInvalid("CREATE LOADING JOB j { LOAD f TO VERTEX V VALUES ($ 1); }",
                "Syntax Error: '$' at line 1, column 51 must be followed by a column number or a \"column name\"");
  ExpectUnsupported("CREATE LOADING JOB j {\n DEFINE FILENAME f;\n LOAD f TO VERTEX V VALUES ($sys.file_name); }",
                    "Line 3: the emulator does not support the token \"$sys.file_name\"");
}

}  // namespace
}  // namespace icegraph::emulator
