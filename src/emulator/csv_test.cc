#include "emulator/csv.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace icegraph::emulator {
namespace {

using Rows = std::vector<std::vector<std::string>>;
using Lines = std::vector<int64_t>;

Rows ReadAll(std::string_view data, const LoadingOptions& o, Lines* lines = nullptr) {
  CsvReader r(data, o);
  std::vector<std::string_view> f;
  Rows out;
  while (r.Next(&f)) {
    out.emplace_back(f.begin(), f.end());
    if (lines != nullptr) lines->push_back(r.line_number());
  }
  return out;
}

LoadingOptions Options(char separator, std::string eol = "\n", char quote = '\0') {
  LoadingOptions o;
  o.separator = separator;
  o.eol = std::move(eol);
  o.quote = quote;
  return o;
}

TEST(CsvReaderTest, SplitsLinesAndFields) {
  Lines lines;
  EXPECT_EQ(ReadAll("a,b,c\n1,,3\n", {}, &lines), (Rows{{"a", "b", "c"}, {"1", "", "3"}}));
  EXPECT_EQ(lines, (Lines{1, 2}));
  EXPECT_EQ(ReadAll("a,\n,b\nc\n", {}), (Rows{{"a", ""}, {"", "b"}, {"c"}}));
  EXPECT_EQ(ReadAll(",,\n", {}), (Rows{{"", "", ""}}));
  EXPECT_EQ(ReadAll(" a , b \n", {}), (Rows{{" a ", " b "}}));  // spaces are data
  EXPECT_EQ(ReadAll("", {}), Rows{});
  EXPECT_EQ(ReadAll("\n", {}), Rows{});
}

TEST(CsvReaderTest, ALastLineWithoutEolCounts) {
  Lines lines;
  EXPECT_EQ(ReadAll("a,b\nc,d", {}, &lines), (Rows{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(lines, (Lines{1, 2}));
  EXPECT_EQ(ReadAll("x", {}), (Rows{{"x"}}));
  EXPECT_EQ(ReadAll("x,", {}), (Rows{{"x", ""}}));
}

TEST(CsvReaderTest, EmptyLinesAreSkippedButCounted) {
  Lines lines;
  EXPECT_EQ(ReadAll("a\n\n\nb\n\n", {}, &lines), (Rows{{"a"}, {"b"}}));
  EXPECT_EQ(lines, (Lines{1, 4}));
}

TEST(CsvReaderTest, EolIsMatchedLiterally) {
  // CRLF data read with the default EOL keeps the '\r' in the last field, as it is data before "\n".
  EXPECT_EQ(ReadAll("a,b\r\nc,d\r\n", {}), (Rows{{"a", "b\r"}, {"c", "d\r"}}));
  EXPECT_EQ(ReadAll("\r\n", {}), (Rows{{"\r"}}));
  EXPECT_EQ(ReadAll("a,b\r\nc,d\r\n", Options(',', "\r\n")), (Rows{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(ReadAll("a\nb#c#", Options(',', "#")), (Rows{{"a\nb"}, {"c"}}));  // "\n" is data then
  Lines lines;
  EXPECT_EQ(ReadAll("1a,2ab3,4abab5", Options(',', "ab"), &lines), (Rows{{"1a", "2"}, {"3", "4"}, {"5"}}));
  EXPECT_EQ(lines, (Lines{1, 2, 4}));
  EXPECT_EQ(ReadAll("a\nb", Options(',', "")), (Rows{{"a"}, {"b"}}));  // an empty EOL means the default
}

TEST(CsvReaderTest, CustomSeparators) {
  EXPECT_EQ(ReadAll("a|b,c\n", Options('|')), (Rows{{"a", "b,c"}}));
  EXPECT_EQ(ReadAll("a\tb c\t\n", Options('\t')), (Rows{{"a", "b c", ""}}));
  EXPECT_EQ(ReadAll("1;2\n3;4", Options(';')), (Rows{{"1", "2"}, {"3", "4"}}));
  EXPECT_EQ(ReadAll("a\tb#c\td#", Options('\t', "#")), (Rows{{"a", "b"}, {"c", "d"}}));
}

TEST(CsvReaderTest, WithoutQuoteOptionQuotesAreData) {
  EXPECT_EQ(ReadAll("\"a,b\",c\n", {}), (Rows{{"\"a", "b\"", "c"}}));
}

TEST(CsvReaderTest, QuotedRunsHoldSeparators) {
  const LoadingOptions o = Options(',', "\n", '"');
  EXPECT_EQ(ReadAll("1,\"Leonard,Euler\",x\n", o), (Rows{{"1", "Leonard,Euler", "x"}}));
  EXPECT_EQ(ReadAll("\"\",\"a\"\n", o), (Rows{{"", "a"}}));
  EXPECT_EQ(ReadAll("\" spaced \"\n", o), (Rows{{" spaced "}}));
  EXPECT_EQ(ReadAll("\"a|b\"|c\n", Options('|', "\n", '"')), (Rows{{"a|b", "c"}}));
}

TEST(CsvReaderTest, OnlyTheFirstQuotedPairOfAFieldIsLoaded) {
  const LoadingOptions o = Options(',', "\n", '"');
  EXPECT_EQ(ReadAll("a\"b\"c\"d\"e\n", o), (Rows{{"b"}}));  // the docs' own example
  EXPECT_EQ(ReadAll("x\"a,b\"y,z\n", o), (Rows{{"a,b", "z"}}));
  EXPECT_EQ(ReadAll("\"a\"b,c\n", o), (Rows{{"a", "c"}}));
  // No escape character: a doubled quote closes one pair and opens another.
  EXPECT_EQ(ReadAll("\"say \"\"hi\"\"\",2\n", o), (Rows{{"say ", "2"}}));
}

TEST(CsvReaderTest, AnUnmatchedQuoteIsData) {
  const LoadingOptions o = Options(',', "\n", '"');
  EXPECT_EQ(ReadAll("x,a\"b,c\n", o), (Rows{{"x", "a\"b", "c"}}));
  EXPECT_EQ(ReadAll("\"a\",b\"\n", o), (Rows{{"a", "b\""}}));
  EXPECT_EQ(ReadAll("\"\n", o), (Rows{{"\""}}));
}

TEST(CsvReaderTest, QuotedRunsDoNotSpanLines) {
  Lines lines;
  EXPECT_EQ(ReadAll("1,\"a\nb\",2\n3\n", Options(',', "\n", '"'), &lines), (Rows{{"1", "\"a"}, {"b\"", "2"}, {"3"}}));
  EXPECT_EQ(lines, (Lines{1, 2, 3}));
}

TEST(CsvReaderTest, SingleQuotesLetDoubleQuotesBeData) {
  const LoadingOptions o = Options(',', "\n", '\'');
  EXPECT_EQ(ReadAll("'say \"hi\", twice',\"x\"\n", o), (Rows{{"say \"hi\", twice", "\"x\""}}));
  EXPECT_EQ(ReadAll("'it''s'\n", o), (Rows{{"it"}}));
}

TEST(CsvReaderTest, HeaderIsTheFirstRecordAndFieldsAreViewsIntoTheData) {
  const std::string data = "id,name\n1,\"Ann\"\n";
  CsvReader r(data, Options(',', "\n", '"'));
  std::vector<std::string_view> f;
  ASSERT_TRUE(r.Next(&f));
  EXPECT_EQ(f, (std::vector<std::string_view>{"id", "name"}));
  EXPECT_EQ(r.line_number(), 1);
  ASSERT_TRUE(r.Next(&f));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1], "Ann");
  EXPECT_EQ(f[1].data(), data.data() + 11);  // zero copy, even for a quoted field
  EXPECT_EQ(r.line_number(), 2);
  EXPECT_FALSE(r.Next(&f));
  EXPECT_TRUE(f.empty());
}

TEST(CsvReaderTest, ManyLines) {
  std::string data;
  for (int i = 0; i < 10000; ++i)
    data += std::to_string(i) + ",v" + std::to_string(i) + ",\"q," + std::to_string(i) + "\"\n";
  CsvReader r(data, Options(',', "\n", '"'));
  std::vector<std::string_view> f;
  int n = 0;
  while (r.Next(&f)) {
    ASSERT_EQ(f.size(), 3u);
    ASSERT_EQ(f[2], "q," + std::to_string(n));
    ++n;
    ASSERT_EQ(r.line_number(), n);
  }
  EXPECT_EQ(n, 10000);
}

// The rule of quoted fields, byte by byte (the reader's first implementation): a quote with a match later on the
// line opens a run in which separators are text, and a field with a run reads as the inside of its first run.
std::vector<std::string> SplitByteByByte(std::string_view line, char sep, char quote) {
  std::vector<std::string> fields;
  size_t field_start = 0;
  std::string_view first_pair;
  bool has_pair = false;
  for (size_t i = 0;;) {
    if (i == line.size() || line[i] == sep) {
      fields.emplace_back(has_pair ? first_pair : line.substr(field_start, i - field_start));
      if (i == line.size()) return fields;
      field_start = ++i;
      has_pair = false;
      continue;
    }
    if (line[i] == quote) {
      if (const size_t close = line.find(quote, i + 1); close != std::string_view::npos) {
        if (!has_pair) first_pair = line.substr(i + 1, close - i - 1);
        has_pair = true;
        i = close + 1;
        continue;
      }
    }
    ++i;
  }
}

TEST(CsvReaderTest, QuotedFieldsOfRandomLinesSplitAsByteByByte) {
  std::mt19937 random(20261207);
  const std::string alphabet = "ab,\"\"  ,x";
  for (int n = 0; n < 20000; ++n) {
    std::string line(random() % 24, ' ');
    for (char& c : line) c = alphabet[random() % alphabet.size()];
    SCOPED_TRACE(line);
    const Rows rows = ReadAll(line + "\n", Options(',', "\n", '"'));
    if (line.empty()) {
      EXPECT_TRUE(rows.empty());
      continue;
    }
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0], SplitByteByByte(line, ',', '"'));
  }
}

}  // namespace
}  // namespace icegraph::emulator
