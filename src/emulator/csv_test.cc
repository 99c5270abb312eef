#include "emulator/csv.h"

#include <gtest/gtest.h>

namespace icegraph::emulator {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view data, const LoadingOptions& o,
                                              std::vector<int64_t>* lines = nullptr) {
  CsvReader r(data, o);
  std::vector<std::string_view> f;
  std::vector<std::vector<std::string>> out;
  while (r.Next(&f)) {
    out.emplace_back(f.begin(), f.end());
    if (lines != nullptr) lines->push_back(r.line_number());
  }
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReaderTest, SplitsOnSeparatorAndEol) {
  LoadingOptions o;
  EXPECT_EQ(ReadAll("a,b,c\n1,,3\n", o), (Rows{{"a", "b", "c"}, {"1", "", "3"}}));
  EXPECT_EQ(ReadAll("a,b\nc,d", o), (Rows{{"a", "b"}, {"c", "d"}}));        // last line without EOL
  EXPECT_EQ(ReadAll("a,b\r\nc,d\r\n", o), (Rows{{"a", "b"}, {"c", "d"}}));  // CRLF data
  o.separator = '|';
  EXPECT_EQ(ReadAll("a|b,c\n", o), (Rows{{"a", "b,c"}}));
  o.separator = '\t';
  o.eol = "#";
  EXPECT_EQ(ReadAll("a\tb#c\td#", o), (Rows{{"a", "b"}, {"c", "d"}}));
}

TEST(CsvReaderTest, QuotedFieldsHoldSeparatorsEolsAndDoubledQuotes) {
  LoadingOptions o;
  o.quote = '"';
  std::vector<int64_t> lines;
  EXPECT_EQ(ReadAll("1,\"a,b\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",x\n3,plain,\"\"\n", o, &lines),
            (Rows{{"1", "a,b", "say \"hi\""}, {"2", "two\nlines", "x"}, {"3", "plain", ""}}));
  EXPECT_EQ(lines, (std::vector<int64_t>{1, 2, 4}));
  o.quote = '\0';  // without QUOTE, quotes are data
  EXPECT_EQ(ReadAll("\"a,b\"\n", o), (Rows{{"\"a", "b\""}}));
}

TEST(CsvReaderTest, EmptyLinesAreSkippedButCounted) {
  LoadingOptions o;
  std::vector<int64_t> lines;
  EXPECT_EQ(ReadAll("a\n\nb\n", o, &lines), (Rows{{"a"}, {"b"}}));
  EXPECT_EQ(lines, (std::vector<int64_t>{1, 3}));
}

}  // namespace
}  // namespace icegraph::emulator
