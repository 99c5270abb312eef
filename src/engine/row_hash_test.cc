// Columnar change detection: row hashes from typed values, exact comparison on hash match, carry-over cancelling.
#include "engine/row_hash.h"

#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <string>

namespace icegraph::engine {
namespace {

std::shared_ptr<arrow::Array> A(const std::shared_ptr<arrow::DataType>& t, const std::string& json) {
  auto r = arrow::json::ArrayFromJSONString(t, json);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

// Column `c` of every batch of `batches`, concatenated (carry-over cancelling may hand back slices of a batch).
std::string Col(const std::vector<std::shared_ptr<arrow::RecordBatch>>& batches, int c) {
  arrow::ArrayVector parts;
  for (const auto& b : batches) parts.push_back(b->column(c));
  if (parts.empty()) return "<none>";
  auto all = arrow::Concatenate(parts);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  return (*all)->ToString();
}

// id long, name string, tags list<string>, score double, addr struct<city string>
std::shared_ptr<arrow::RecordBatch> Batch(const std::string& ids, const std::string& names, const std::string& tags,
                                          const std::string& scores, const std::string& addrs) {
  const auto addr_t = arrow::struct_({arrow::field("city", arrow::utf8())});
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8()),
                               arrow::field("tags", arrow::list(arrow::utf8())),
                               arrow::field("score", arrow::float64()), arrow::field("addr", addr_t)});
  std::vector<std::shared_ptr<arrow::Array>> cols = {A(arrow::int64(), ids), A(arrow::utf8(), names),
                                                     A(arrow::list(arrow::utf8()), tags), A(arrow::float64(), scores),
                                                     A(addr_t, addrs)};
  return arrow::RecordBatch::Make(schema, cols[0]->length(), cols);
}

TEST(RowHashTest, EqualRowsHashEqualAndDifferentRowsDiffer) {
  const auto b =
      Batch(R"([1, 1, 1, 2, 1, 1, 1])", R"(["a", "a", "b", "a", null, "a", "a"])",
            R"([["x"], ["x"], ["x"], ["x"], ["x"], ["x", "y"], ["x"]])", R"([1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5])",
            R"([{"city": "P"}, {"city": "P"}, {"city": "P"}, {"city": "P"}, {"city": "P"}, {"city": "P"},
                           {"city": "Q"}])");
  auto h = HashRows(*b);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ((*h)[0], (*h)[1]);
  for (size_t i = 2; i < h->size(); ++i) EXPECT_NE((*h)[0], (*h)[i]) << "row " << i;
  EXPECT_TRUE(RowsEqual(*b, 0, *b, 1));
  for (int64_t i = 2; i < b->num_rows(); ++i) EXPECT_FALSE(RowsEqual(*b, 0, *b, i)) << "row " << i;
}

// Text joining made ("a\x1fb", "c") and ("a", "b\x1fc") one row: typed hashing and comparison keep them apart.
TEST(RowHashTest, ValuesThatJoinToTheSameTextStayDifferent) {
  auto schema = arrow::schema({arrow::field("a", arrow::utf8()), arrow::field("b", arrow::utf8())});
  auto b = arrow::RecordBatch::Make(
      schema, 2, {A(arrow::utf8(), "[\"a\\u001fb\", \"a\"]"), A(arrow::utf8(), "[\"c\", \"b\\u001fc\"]")});
  auto h = HashRows(*b);
  ASSERT_TRUE(h.ok());
  EXPECT_NE((*h)[0], (*h)[1]);
  EXPECT_FALSE(RowsEqual(*b, 0, *b, 1));
  // A null and the string "null" differ too.
  auto n = arrow::RecordBatch::Make(arrow::schema({arrow::field("a", arrow::utf8())}), 2,
                                    {A(arrow::utf8(), R"([null, "null"])")});
  EXPECT_FALSE(RowsEqual(*n, 0, *n, 1));
}

TEST(RowHashTest, SlicedBatchesHashTheirOwnRows) {
  const auto b = Batch(R"([1, 2, 3])", R"(["a", "b", "c"])", R"([["x"], [], ["z"]])", R"([1, 2, 3])",
                       R"([{"city": "P"}, {"city": "Q"}, null])");
  auto whole = HashRows(*b);
  auto tail = HashRows(*b->Slice(1));
  ASSERT_TRUE(whole.ok() && tail.ok());
  EXPECT_EQ((*whole)[1], (*tail)[0]);
  EXPECT_EQ((*whole)[2], (*tail)[1]);
  EXPECT_TRUE(RowsEqual(*b, 2, *b->Slice(1), 1));
}

TEST(RowHashTest, PositionColumnIsIgnoredAndDifferentSchemasNeverMatch) {
  auto with_pos = arrow::RecordBatch::Make(
      arrow::schema({arrow::field("id", arrow::int64()), arrow::field("_pos", arrow::int64())}), 1,
      {A(arrow::int64(), "[7]"), A(arrow::int64(), "[99]")});
  auto plain =
      arrow::RecordBatch::Make(arrow::schema({arrow::field("id", arrow::int64())}), 1, {A(arrow::int64(), "[7]")});
  auto as_int =
      arrow::RecordBatch::Make(arrow::schema({arrow::field("id", arrow::int32())}), 1, {A(arrow::int32(), "[7]")});
  EXPECT_EQ(*HashRows(*with_pos), *HashRows(*plain));
  EXPECT_TRUE(RowsEqual(*with_pos, 0, *plain, 0));
  EXPECT_FALSE(RowsEqual(*plain, 0, *as_int, 0));
}

// A copy-on-write rewrite of 4 rows that changes one and deletes one; duplicates cancel one for one.
TEST(RowHashTest, CancelKeepsOnlyRowsThatChanged) {
  RowChanges c;
  ASSERT_TRUE(c.AddRemoved(Batch(R"([1, 2, 3, 4, 4])", R"(["a", "b", "c", "d", "d"])", R"([[], [], [], [], []])",
                                 R"([1, 2, 3, 4, 4])", R"([null, null, null, null, null])"))
                  .ok());
  ASSERT_TRUE(c.AddAdded(Batch(R"([1, 2, 4])", R"(["a", "B", "d"])", R"([[], [], []])", R"([1, 2, 4])",
                               R"([null, null, null])"))
                  .ok());
  ASSERT_TRUE(c.Cancel().ok());
  EXPECT_EQ(c.cancelled(), 2);  // rows 1 and one of the two 4s
  // 2 (old value), 3 (deleted), the second 4 (deleted)
  EXPECT_EQ(Col(c.removed(), 0), A(arrow::int64(), "[2, 3, 4]")->ToString());
  EXPECT_EQ(Col(c.added(), 1), A(arrow::utf8(), R"(["B"])")->ToString());
}

TEST(RowHashTest, CancelAcrossBatchesAndAllCarriedOver) {
  RowChanges c;
  const auto rows = Batch(R"([1, 2])", R"(["a", "b"])", R"([[], []])", R"([1, 2])", R"([null, null])");
  ASSERT_TRUE(c.AddRemoved(rows->Slice(0, 1)).ok());
  ASSERT_TRUE(c.AddRemoved(rows->Slice(1, 1)).ok());
  ASSERT_TRUE(c.AddAdded(rows).ok());
  ASSERT_TRUE(c.Cancel().ok());
  EXPECT_EQ(c.cancelled(), 2);
  EXPECT_TRUE(c.removed().empty());
  EXPECT_TRUE(c.added().empty());
}

// A rewrite that carries over a row holding NaN changes nothing (NaN != NaN in value comparisons).
TEST(RowHashTest, ARowHoldingNaNIsCarriedOver) {
  const auto b = Batch("[7]", R"(["n"])", "[[]]", "[0]", "[null]");
  arrow::DoubleBuilder db;
  ASSERT_TRUE(db.Append(std::numeric_limits<double>::quiet_NaN()).ok());
  auto nan = db.Finish();
  ASSERT_TRUE(nan.ok());
  auto row = b->SetColumn(3, b->schema()->field(3), *nan);
  ASSERT_TRUE(row.ok());
  RowChanges c;
  ASSERT_TRUE(c.AddRemoved(*row).ok());
  ASSERT_TRUE(c.AddAdded(*row).ok());
  ASSERT_TRUE(c.Cancel().ok());
  EXPECT_EQ(c.cancelled(), 1);
  EXPECT_TRUE(c.removed().empty());
  EXPECT_TRUE(c.added().empty());
}

// Dictionary columns of two batches hold indices into different dictionaries: equal indices are not equal values,
// and equal values under different indices are a carry-over.
TEST(RowHashTest, DictionaryColumnsCompareByValueAcrossBatches) {
  const auto type = arrow::dictionary(arrow::int32(), arrow::utf8());
  const auto schema = arrow::schema({arrow::field("k", arrow::int64()), arrow::field("tier", type)});
  const auto dict_batch = [&](const std::string& dict, const std::string& indices) {
    auto d = arrow::DictionaryArray::FromArrays(type, A(arrow::int32(), indices), A(arrow::utf8(), dict));
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return arrow::RecordBatch::Make(schema, 2, {A(arrow::int64(), "[1, 2]"), *d});
  };
  RowChanges c;
  ASSERT_TRUE(c.AddRemoved(dict_batch(R"(["gold", "silver"])", "[0, 1]")).ok());  // 1 gold, 2 silver
  ASSERT_TRUE(c.AddAdded(dict_batch(R"(["silver", "gold"])", "[0, 0]")).ok());    // 1 silver, 2 silver
  ASSERT_TRUE(c.Cancel().ok());
  EXPECT_EQ(c.cancelled(), 1);  // only 2 silver was carried over
  EXPECT_EQ(Col(c.added(), 0), A(arrow::int64(), "[1]")->ToString());
  EXPECT_EQ(Col(c.removed(), 0), A(arrow::int64(), "[1]")->ToString());
}

// Rows of sliced batches (non-zero offsets, as readers hand out) compare by their own values; many equal rows
// cancel one for one, whatever batch they sit in.
TEST(RowHashTest, SlicedBatchesAndManyDuplicatesCancelOneForOne) {
  const auto rows = Batch(R"([5, 5, 5, 6, 5])", R"(["a", "a", "a", "b", "a"])", "[[], [], [], [], []]",
                          "[1.0, 1.0, 1.0, 2.0, 1.0]", "[null, null, null, null, null]");
  RowChanges c;
  ASSERT_TRUE(c.AddRemoved(rows->Slice(1, 4)).ok());  // 5, 5, 6, 5
  ASSERT_TRUE(c.AddAdded(rows->Slice(0, 2)).ok());    // 5, 5
  ASSERT_TRUE(c.AddAdded(rows->Slice(2, 1)).ok());    // 5
  ASSERT_TRUE(c.AddAdded(rows->Slice(4, 1)).ok());    // 5: a fourth 5, one more than was removed
  ASSERT_TRUE(c.Cancel().ok());
  EXPECT_EQ(c.cancelled(), 3);
  EXPECT_EQ(Col(c.removed(), 0), A(arrow::int64(), "[6]")->ToString());
  EXPECT_EQ(Col(c.added(), 0), A(arrow::int64(), "[5]")->ToString());
}

// A rewrite that changes every other row of a large batch keeps too many runs for slices: the filter path, and
// the same rows either way.
TEST(RowHashTest, ScatteredChangesGoThroughTheFilter) {
  arrow::Int64Builder ids;
  arrow::StringBuilder old_names;
  arrow::StringBuilder new_names;
  constexpr int64_t kRows = 20000;
  for (int64_t i = 0; i < kRows; ++i) {
    ASSERT_TRUE(ids.Append(i).ok());
    ASSERT_TRUE(old_names.Append("n" + std::to_string(i)).ok());
    ASSERT_TRUE(new_names.Append(i % 2 == 0 ? "n" + std::to_string(i) : "changed").ok());
  }
  const auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("name", arrow::utf8())});
  const auto id_array = *ids.Finish();
  RowChanges c;
  ASSERT_TRUE(c.AddRemoved(arrow::RecordBatch::Make(schema, kRows, {id_array, *old_names.Finish()})).ok());
  ASSERT_TRUE(c.AddAdded(arrow::RecordBatch::Make(schema, kRows, {id_array, *new_names.Finish()})).ok());
  ASSERT_TRUE(c.Cancel().ok());
  EXPECT_EQ(c.cancelled(), kRows / 2);
  ASSERT_EQ(c.added().size(), 1u);  // one filtered batch, not 10,000 slices
  ASSERT_EQ(c.added()[0]->num_rows(), kRows / 2);
  for (int64_t r = 0; r < kRows / 2; ++r) {
    ASSERT_EQ(std::static_pointer_cast<arrow::Int64Array>(c.added()[0]->column(0))->Value(r), 2 * r + 1);
  }
}

// Rows given colliding hashes are told apart by their values; a hash whose rows were all used keeps its table
// slot, so a hash that probed past it is still found (hashes 5 and 9 share a slot of a four-slot table).
TEST(RowHashTest, CollidingHashesCompareValues) {
  const auto rows = Batch("[1, 2, 3]", R"(["a", "b", "c"])", "[[], [], []]", "[1.0, 2.0, 3.0]", "[null, null, null]");
  RowChanges same;
  same.Add(true, rows, {42, 42, 42});
  same.Add(false, rows->Slice(1, 2), {42, 42});  // 2 and 3 collide with every removed row
  ASSERT_TRUE(same.Cancel().ok());
  EXPECT_EQ(same.cancelled(), 2);
  EXPECT_EQ(Col(same.removed(), 0), A(arrow::int64(), "[1]")->ToString());
  EXPECT_TRUE(same.added().empty());

  RowChanges probe;
  probe.Add(true, rows->Slice(0, 2), {5, 9});
  probe.Add(false, rows->Slice(0, 2), {5, 9});
  ASSERT_TRUE(probe.Cancel().ok());
  EXPECT_EQ(probe.cancelled(), 2);
  EXPECT_TRUE(probe.removed().empty());
  EXPECT_TRUE(probe.added().empty());
}

// Many batches of rows drawn from few values (duplicates everywhere), enough for many partitions and the parallel
// join: what is left equals the multiset difference computed naively, and threads change nothing.
TEST(RowHashTest, CancelEqualsTheMultisetDifferenceOnManyRows) {
  const auto schema = arrow::schema({arrow::field("k", arrow::int64()), arrow::field("s", arrow::utf8())});
  uint64_t seed = 7;
  const auto next = [&] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return seed >> 33;
  };
  const auto batches = [&](int count, int64_t rows) {
    std::vector<std::shared_ptr<arrow::RecordBatch>> out;
    for (int b = 0; b < count; ++b) {
      arrow::Int64Builder k;
      arrow::StringBuilder v;
      for (int64_t r = 0; r < rows; ++r) {
        EXPECT_TRUE(k.Append(static_cast<int64_t>(next() % 20000)).ok());
        EXPECT_TRUE(v.Append(next() % 3 == 0 ? "x" : "y").ok());
      }
      out.push_back(arrow::RecordBatch::Make(schema, rows, {*k.Finish(), *v.Finish()}));
    }
    return out;
  };
  const auto removed = batches(7, 15000);
  const auto added = batches(9, 11000);
  using Counts = std::map<std::pair<int64_t, std::string>, int64_t>;
  const auto count = [](const std::vector<std::shared_ptr<arrow::RecordBatch>>& bs, Counts* c, int64_t sign) {
    for (const auto& b : bs) {
      const auto& k = static_cast<const arrow::Int64Array&>(*b->column(0));
      const auto& v = static_cast<const arrow::StringArray&>(*b->column(1));
      for (int64_t r = 0; r < b->num_rows(); ++r) (*c)[{k.Value(r), v.GetString(r)}] += sign;
    }
  };
  Counts diff;
  count(removed, &diff, 1);
  count(added, &diff, -1);
  Counts want_removed;
  Counts want_added;
  for (const auto& [row, n] : diff) {
    if (n > 0) want_removed[row] = n;
    if (n < 0) want_added[row] = -n;
  }
  std::vector<std::string> outcomes;
  for (const int threads : {1, 2, 3}) {
    RowChanges c;
    for (const auto& b : removed) ASSERT_TRUE(c.AddRemoved(b).ok());
    for (const auto& b : added) ASSERT_TRUE(c.AddAdded(b).ok());
    ASSERT_TRUE(c.Cancel(threads).ok());
    Counts got_removed;
    Counts got_added;
    count(c.removed(), &got_removed, 1);
    count(c.added(), &got_added, 1);
    EXPECT_EQ(got_removed, want_removed) << "threads=" << threads;
    EXPECT_EQ(got_added, want_added) << "threads=" << threads;
    EXPECT_GT(c.cancelled(), 10000);
    outcomes.push_back(Col(c.removed(), 0) + Col(c.added(), 0));
  }
  EXPECT_EQ(outcomes[0], outcomes[1]);
  EXPECT_EQ(outcomes[0], outcomes[2]);
}

}  // namespace
}  // namespace icegraph::engine
