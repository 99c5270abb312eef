#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <random>
#include <vector>

#include "sink/csv_writer.h"
#include "sink/json_writer.h"
#include "sink/sink_test_util.h"

namespace icegraph::sink {
namespace {

using mapping::TgKind;
using namespace testing;  // NOLINT(google-build-using-namespace)

mapping::VertexBatch ScalarBatch() {
  mapping::VertexBatch b;
  b.type = "P";
  b.ids = Strs({"v1", "v,2"});
  b.attributes = {Col("i", TgKind::kInt, Ints({1, std::nullopt})),
                  Col("u", TgKind::kUint, Uints({18446744073709551615ULL, 0})),
                  Col("d", TgKind::kDouble, Doubles({0.1, std::nullopt})),
                  Col("b", TgKind::kBool, Bools({true, false})),
                  Col("s", TgKind::kString, Strs({"a,\"b\"\nc\td", "x"})),
                  Col("dt", TgKind::kDatetime, Times({0, 1700000000}))};
  return b;
}

TEST(GraphBatchTest, GsqlNamesAndCanonicalTypes) {
  EXPECT_EQ((mapping::TgType{TgKind::kList, TgKind::kInt}).ToGsql(), "LIST<INT>");
  EXPECT_EQ((mapping::TgType{TgKind::kMap, TgKind::kString, TgKind::kString, TgKind::kDouble}).ToGsql(),
            "MAP<STRING, DOUBLE>");
  EXPECT_EQ(mapping::TgType{TgKind::kDatetime}.ToGsql(), "DATETIME");
  EXPECT_TRUE(
      mapping::CanonicalArrowType({TgKind::kDatetime})->Equals(arrow::timestamp(arrow::TimeUnit::SECOND, "UTC")));
  EXPECT_TRUE(mapping::CanonicalArrowType({TgKind::kSet, TgKind::kString})->Equals(arrow::list(arrow::utf8())));
  EXPECT_TRUE(mapping::CanonicalArrowType({TgKind::kMap, TgKind::kString, TgKind::kString, TgKind::kInt})
                  ->Equals(arrow::map(arrow::utf8(), arrow::int64())));
}

TEST(CsvWriterTest, ExactBytesWithSeparatorsAndEmptyTokensForNulls) {
  const mapping::VertexBatch b = ScalarBatch();
  auto w = CsvWriter::ForVertices(b);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::string out;
  w->AppendRange(0, 2, &out);
  EXPECT_EQ(out,
            "v1\x1F"
            "1\x1F"
            "18446744073709551615\x1F"
            "0.1\x1Ftrue\x1F"
            "a,\"b\"\nc\td\x1F"
            "1970-01-01 00:00:00\x1E"
            "v,2\x1F\x1F"
            "0\x1F\x1F"
            "false\x1Fx\x1F"
            "2023-11-14 22:13:20\x1E");
  EXPECT_FALSE(w->NeedsJson(0));
  EXPECT_FALSE(w->NeedsJson(1));
}

// Lines are written from the arrays' raw buffers: a slice (offsets into values and validity), nulls in every kind,
// non-finite doubles, extreme integers, a bool and a line longer than the stack buffer all come out byte for byte.
TEST(CsvWriterTest, SlicesNullsAndLongLinesFromRawBuffers) {
  const std::string long_text(5000, 'L');
  mapping::VertexBatch b;
  b.type = "P";
  b.ids = Strs({"skip", "a", "b", "c", "d"})->Slice(1);
  b.attributes = {Col("i", TgKind::kInt, Ints({9, INT64_MIN, std::nullopt, -1, 0})->Slice(1)),
                  Col("d", TgKind::kDouble,
                      Doubles({9, std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity(),
                               std::nullopt, 1e-300})
                          ->Slice(1)),
                  Col("b", TgKind::kBool, Bools({true, std::nullopt, true, false, true})->Slice(1)),
                  Col("s", TgKind::kString, Strs({"x", "s1", long_text, "s3", "s4"})->Slice(1)),
                  Col("t", TgKind::kDatetime, Times({1, std::nullopt, -1, 86399, 0})->Slice(1))};
  auto w = CsvWriter::ForVertices(b);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::string out = "prefix|";
  const std::vector<int64_t> rows = {3, 1, 0, 2};
  w->AppendRows(rows, &out);
  EXPECT_EQ(out,
            "prefix|d\x1F"
            "0\x1F"
            "1e-300\x1Ftrue\x1Fs4\x1F"
            "1970-01-01 00:00:00\x1E"
            "b\x1F\x1F\x1Ftrue\x1F" +
                long_text +
                "\x1F"
                "1969-12-31 23:59:59\x1E"
                "a\x1F"
                "-9223372036854775808\x1F\x1F\x1Fs1\x1F\x1E"
                "c\x1F"
                "-1\x1F\x1F"
                "false\x1Fs3\x1F"
                "1970-01-01 23:59:59\x1E");
}

// Strings of every length from 1 to 40, the last ones ending at their buffer's end (where the 16-byte copy would
// read past it), each line followed by cents, tenths and whole amounts.
TEST(CsvWriterTest, StringsOfEveryLengthAndAmountsAreWrittenExactly) {
  std::vector<std::optional<std::string>> ids;
  std::vector<std::optional<double>> amounts;
  std::string want;
  for (int n = 1; n <= 40; ++n) {
    std::string id;
    for (int i = 0; i < n; ++i) id += static_cast<char>('a' + (n + i) % 26);
    ids.emplace_back(id);
    const double amount = n % 3 == 0 ? n * 100 + 0.05 : n % 3 == 1 ? -n / 10.0 : n * 1000.0;
    amounts.emplace_back(amount);
    char text[64];
    want += id + "\x1F" + std::string(text, std::to_chars(text, text + sizeof(text), amount).ptr) + "\x1E";
  }
  mapping::VertexBatch b;
  b.type = "P";
  b.ids = Strs(ids);
  b.attributes = {Col("amount", TgKind::kDouble, Doubles(amounts))};
  ASSERT_EQ(static_cast<const arrow::StringArray&>(*b.ids).value_data()->size(),
            static_cast<const arrow::StringArray&>(*b.ids).total_values_length());
  auto w = CsvWriter::ForVertices(b);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::string out;
  w->AppendRange(0, 40, &out);
  EXPECT_EQ(out, want);
}

TEST(CsvWriterTest, RoutesRowsCsvCannotCarryToJson) {
  mapping::VertexBatch b;
  b.type = "P";
  b.ids = Strs({"a", "b", "c", "d\x1F", "e"});
  b.attributes = {Col("s", TgKind::kString, Strs({"ok", "", std::nullopt, "x", "p\x1Eq"}))};
  auto w = CsvWriter::ForVertices(b);
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE(w->NeedsJson(0));
  EXPECT_TRUE(w->NeedsJson(1));
  EXPECT_TRUE(w->NeedsJson(2));
  EXPECT_TRUE(w->NeedsJson(3));
  EXPECT_TRUE(w->NeedsJson(4));
  b.attributes.push_back(Col("l", TgKind::kList, IntLists({{{1}}, {}, {}, {}, {}}), TgKind::kInt));
  EXPECT_EQ(CsvWriter::ForVertices(b).status().code(), StatusCode::kNotImplemented);
}

// The batch-wide precheck sees only the batch's own rows (a slice's bytes), and finds a delimiter deep in a long
// column as the per-row check does.
TEST(CsvWriterTest, TheBatchPrecheckCoversExactlyTheBatchRows) {
  const auto ids = Strs({"a\x1E", std::string(100, 'x'), "b", std::string(70, 'y') + "\x1F", ""});
  mapping::VertexBatch clean;
  clean.type = "P";
  clean.ids = ids->Slice(1, 2);  // the delimiters sit outside the slice
  auto w = CsvWriter::ForVertices(clean);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_FALSE(w->NeedsJson(0));
  EXPECT_FALSE(w->NeedsJson(1));
  mapping::VertexBatch dirty;
  dirty.type = "P";
  dirty.ids = ids->Slice(1, 4);
  auto d = CsvWriter::ForVertices(dirty);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_FALSE(d->NeedsJson(0));
  EXPECT_FALSE(d->NeedsJson(1));
  EXPECT_TRUE(d->NeedsJson(2));   // the long id with 0x1F at its end
  EXPECT_FALSE(d->NeedsJson(3));  // an empty id is not a delimiter (keys are checked for delimiters only)
}

TEST(CsvWriterTest, DatetimeAndDoubleFormats) {
  std::string out;
  AppendDatetime(-12219292800, &out);  // TigerGraph's earliest DATETIME
  out += '|';
  AppendDatetime(253402300799, &out);
  out += '|';
  AppendDatetime(951782400, &out);  // leap day 2000
  out += '|';
  AppendDouble(1e21, &out);
  out += '|';
  AppendDouble(-2.5, &out);
  out += '|';
  AppendDouble(0.30000000000000004, &out);
  EXPECT_EQ(out, "1582-10-15 00:00:00|9999-12-31 23:59:59|2000-02-29 00:00:00|1e+21|-2.5|0.30000000000000004");
}

// The decimal fast path of WriteDouble against std::to_chars (the shortest round-trip text, fixed or scientific):
// decimals of 0-7 fractional digits at every magnitude around the fast path's limits, their neighbours one ulp away,
// and random bit patterns.
TEST(CsvWriterTest, DoublesAreWrittenAsStdToCharsWritesThem) {
  std::mt19937_64 rng(11);
  std::vector<double> values = {
      0.0,    -0.0,     1e8, 1e9,     123456789.0, 1073741823.5, 1073741824.0,        1e15, 1e-5, 1e-6, 1e-7,
      0.0001, 0.000123, 100, 1000000, 10000000,    0.1,          0.30000000000000004, -2.5};
  for (int i = 1; i <= 100'000; ++i) {  // every digit count and carry of small whole numbers and their tenths
    values.push_back(i);
    values.push_back(i / 10.0);
    values.push_back(-i / 1000.0);
  }
  for (int i = 0; i < 300'000; ++i) {
    const int k = static_cast<int>(rng() % 8);
    const double scale = std::pow(10.0, static_cast<int>(rng() % 19) - 9);
    const double d =
        static_cast<double>(static_cast<int64_t>(rng() % 2'000'000'001) - 1'000'000'000) * scale / std::pow(10.0, k);
    values.push_back(d);
    values.push_back(std::nextafter(d, 1e300));
    uint64_t bits = rng();
    double any = 0;
    std::memcpy(&any, &bits, sizeof(any));
    if (std::isfinite(any)) values.push_back(any);
  }
  for (const double v : values) {
    char expected[64];
    const char* end = std::to_chars(expected, expected + sizeof(expected), v).ptr;
    std::string out;
    AppendDouble(v, &out);
    ASSERT_EQ(out, std::string(expected, static_cast<size_t>(end - expected))) << std::hexfloat << v;
  }
}

// Dates come from a per-thread cache keyed by day: days that share a slot (1024 apart), times before the epoch and
// every day of several years all print as the C library's gmtime does.
TEST(CsvWriterTest, CachedDatesMatchGmtime) {
  const auto reference = [](int64_t t) {
    const auto tt = static_cast<time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    return std::string(buf);
  };
  std::vector<int64_t> times;
  for (int64_t t = -2 * 86400 * 400 + 12345; t < int64_t{86400} * 365 * 3; t += 86400 + 3607) times.push_back(t);
  for (const int64_t day : {0, 1024, 2048, 0, 1024}) times.push_back(day * 86400 + 59);  // one slot, three days
  for (const int64_t t : times) {
    std::string out;
    AppendDatetime(t, &out);
    ASSERT_EQ(out, reference(t)) << t;
  }
}

TEST(CsvWriterTest, LoadStatementLayout) {
  auto s = LoadStatementFor("f", false, "P", {"i", "u", "s"}, {"s", "i"});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "LOAD f TO VERTEX P VALUES ($0, $2, _, $1);");
  auto e = LoadStatementFor("f", true, "E", {"day", "n"}, {"day", "n"});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, "LOAD f TO EDGE E VALUES ($0, $1, $2, $3);");
  EXPECT_EQ(LoadStatementFor("f", false, "P", {"i"}, {"zz"}).status().code(), StatusCode::kNotFound);
}

TEST(JsonWriterTest, ExactVertexBody) {
  const mapping::VertexBatch b = ScalarBatch();
  auto w = JsonWriter::ForVertices(b);
  ASSERT_TRUE(w.ok());
  std::string out;
  const std::vector<int64_t> rows = {0, 1};
  w->AppendBody(rows, &out);
  EXPECT_EQ(out,
            R"({"vertices":{"P":{"v1":{"i":{"value":1},"u":{"value":18446744073709551615},"d":{"value":0.1},)"
            R"("b":{"value":true},"s":{"value":"a,\"b\"\nc\td"},"dt":{"value":"1970-01-01 00:00:00"}},)"
            R"("v,2":{"u":{"value":0},"b":{"value":false},"s":{"value":"x"},"dt":{"value":"2023-11-14 22:13:20"}}}}})");
  EXPECT_EQ(w->RowJson(1), R"({"id":"v,2","i":null,"u":0,"d":null,"b":false,"s":"x","dt":"2023-11-14 22:13:20"})");
}

TEST(JsonWriterTest, EscapesControlCharactersAndKeepsUnicode) {
  std::string out;
  AppendJsonString(std::string("\x01\x1F\"\\/\b\f\r\n\t\x7F\xF0\x9F\x98\x80\xC3\xA9", 17), &out);
  EXPECT_EQ(out, "\"\\u0001\\u001f\\\"\\\\/\\b\\f\\r\\n\\t\x7F\xF0\x9F\x98\x80\xC3\xA9\"");
}

TEST(JsonWriterTest, CollectionsAndNonFiniteDoubles) {
  mapping::VertexBatch b;
  b.type = "P";
  b.ids = Strs({"a"});
  b.attributes = {Col("li", TgKind::kList, IntLists({{{1, 2}}}), TgKind::kInt),
                  Col("ss", TgKind::kSet, StrLists({{{"x", "y\n"}}}), TgKind::kString),
                  Col("m", TgKind::kMap, StrIntMaps({{{{"k", 1}, {"j", -2}}}}), TgKind::kString, TgKind::kInt),
                  Col("d", TgKind::kDouble, Doubles({std::numeric_limits<double>::quiet_NaN()}))};
  auto w = JsonWriter::ForVertices(b);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::string out;
  const std::vector<int64_t> rows = {0};
  w->AppendBody(rows, &out);
  EXPECT_EQ(out, R"({"vertices":{"P":{"a":{"li":{"value":[1,2]},"ss":{"value":["x","y\n"]},)"
                 R"("m":{"value":{"keylist":["k","j"],"valuelist":[1,-2]}}}}}})");
}

TEST(JsonWriterTest, EdgesNestBySourceAndDuplicatesSplit) {
  mapping::EdgeBatch b;
  b.type = "E";
  b.from_type = "S";
  b.to_type = "T";
  b.from_ids = Strs({"b", "a", "a", "a"});
  b.to_ids = Strs({"x", "x", "y", "x"});
  b.attributes = {Col("n", TgKind::kInt, Ints({3, 1, 2, 4}))};
  b.discriminator = {"n"};
  auto w = JsonWriter::ForEdges(b);
  ASSERT_TRUE(w.ok());
  const std::vector<int64_t> all = {0, 1, 2, 3};
  const auto groups = w->SplitDuplicates(all);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(groups[1], (std::vector<int64_t>{3}));
  std::string out;
  w->AppendBody(groups[0], &out);
  EXPECT_EQ(out, R"({"edges":{"S":{"a":{"E":{"T":{"x":{"n":{"value":1}},"y":{"n":{"value":2}}}}},)"
                 R"("b":{"E":{"T":{"x":{"n":{"value":3}}}}}}}})");
  EXPECT_EQ(w->RowKey(3), "a->x");
}

}  // namespace
}  // namespace icegraph::sink
