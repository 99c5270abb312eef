#include "iceberg/deletes.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include "iceberg/deletion_vector.h"
#include "iceberg/equality_delete_set.h"
#include "iceberg/scan_test_util.h"

namespace icegraph::iceberg {
namespace {

using testing::FromHex;
using testing::IdField;
using testing::MakeTable;
using testing::TempDir;

// Independent CRC-32 (bitwise) for building blobs in tests.
uint32_t TestCrc32(const std::string& s) {
  uint32_t crc = 0xFFFFFFFFu;
  for (const char ch : s) {
    crc ^= static_cast<uint8_t>(ch);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

std::string BigEndian32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string LittleEndian(uint64_t v, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out += static_cast<char>(v >> (8 * i));
  return out;
}

// Wraps a serialized Roaring64 vector as a deletion-vector-v1 blob.
std::string Blob(const std::string& vector) {
  const std::string body = std::string("\xD1\xD3\x39\x64", 4) + vector;
  return BigEndian32(static_cast<uint32_t>(body.size())) + body + BigEndian32(TestCrc32(body));
}

std::shared_ptr<arrow::Array> Json(const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
  return *arrow::json::ArrayFromJSONString(type, json);
}

TEST(DeletionVectorTest, DecodesABlobWrittenByPyroaring) {
  EXPECT_EQ(TestCrc32("123456789"), 0xCBF43926u);
  auto positions = DecodeDeletionVector(FromHex(testing::kDeletionVectorBlobHex));
  ASSERT_TRUE(positions.ok()) << positions.status().ToString();
  std::vector<int64_t> expected = {0, 2, 5};
  for (int64_t p = 100; p <= 200; ++p) expected.push_back(p);
  expected.push_back((int64_t{1} << 32) + 7);
  EXPECT_EQ(*positions, expected);
}

TEST(DeletionVectorTest, DecodesBitmapContainers) {
  // One 32-bit bitmap (key 0): no-run cookie, one container (key 1) holding 5000 even values -> a bitmap container.
  std::string bitmap(8192, '\0');
  for (int v = 0; v < 10000; v += 2) bitmap[static_cast<size_t>(v / 8)] |= static_cast<char>(1 << (v % 8));
  const std::string roaring = LittleEndian(12346, 4) + LittleEndian(1, 4) + LittleEndian(1, 2) + LittleEndian(4999, 2) +
                              LittleEndian(0, 4) + bitmap;
  auto positions = DecodeDeletionVector(Blob(LittleEndian(1, 8) + LittleEndian(0, 4) + roaring));
  ASSERT_TRUE(positions.ok()) << positions.status().ToString();
  ASSERT_EQ(positions->size(), 5000u);
  EXPECT_EQ(positions->front(), 65536);
  EXPECT_EQ(positions->back(), 65536 + 9998);
}

TEST(DeletionVectorTest, RejectsCorruptBlobs) {
  std::string blob = FromHex(testing::kDeletionVectorBlobHex);
  blob[20] ^= 1;
  EXPECT_NE(DecodeDeletionVector(blob).status().message().find("CRC"), std::string::npos);
  EXPECT_FALSE(DecodeDeletionVector(Blob("\x01")).ok());                                          // truncated count
  EXPECT_FALSE(DecodeDeletionVector(Blob(LittleEndian(1, 8) + LittleEndian(0, 4) + "zz")).ok());  // bad cookie
  EXPECT_FALSE(DecodeDeletionVector("short").ok());
}

TEST(EqualityKeysTest, EncodingsSeparateValuesNullsAndBoundaries) {
  std::string arena;
  std::vector<size_t> offsets;
  // ("ab","c") vs ("a","bc"); "" vs null; 0 vs null.
  const auto a = Json(arrow::utf8(), R"(["ab", "a", "", null])");
  const auto b = Json(arrow::utf8(), R"(["c", "bc", "x", "x"])");
  ASSERT_TRUE(EncodeKeyTuples({a, b}, 4, &arena, &offsets).ok());
  const auto key = [&](size_t i) { return arena.substr(offsets[i], offsets[i + 1] - offsets[i]); };
  EXPECT_NE(key(0), key(1));
  EXPECT_NE(key(2), key(3));
  const auto n = Json(arrow::int64(), "[0, null]");
  arena.clear();
  ASSERT_TRUE(EncodeKeyTuples({n}, 2, &arena, &offsets).ok());
  EXPECT_NE(key(0), key(1));
  EXPECT_EQ(EncodeKeyTuples({Json(arrow::list(arrow::int32()), "[[1]]")}, 1, &arena, &offsets).code(),
            StatusCode::kNotImplemented);
}

TEST(EqualityKeysTest, SetMatchesSlicedBatches) {
  EqualityDeleteSet set({1, 2});
  ASSERT_TRUE(set.Add({Json(arrow::int64(), "[1, 2, null]"), Json(arrow::utf8(), R"(["x", null, null])")}, 3).ok());
  EXPECT_EQ(set.size(), 3u);
  // Probe with arrays sliced away from offset 0, as batches of a larger array would be.
  const auto ids = Json(arrow::int64(), "[9, 1, 2, 2, null, 1]")->Slice(1);
  const auto names = Json(arrow::utf8(), R"(["q", "x", null, "y", null, "y"])")->Slice(1);
  std::vector<uint8_t> deleted(5, 0);
  ASSERT_TRUE(set.Mark({ids, names}, 5, deleted.data()).ok());
  EXPECT_EQ(deleted, (std::vector<uint8_t>{1, 1, 0, 1, 0}));
  const auto flags = Json(arrow::boolean(), "[true, false, null]")->Slice(1);
  EqualityDeleteSet bools({3});
  ASSERT_TRUE(bools.Add({Json(arrow::boolean(), "[false]")}, 1).ok());
  std::vector<uint8_t> hit(2, 0);
  ASSERT_TRUE(bools.Mark({flags}, 2, hit.data()).ok());
  EXPECT_EQ(hit, (std::vector<uint8_t>{1, 0}));
}

TEST(PositionDeletesTest, ReadsPositionsOfOneDataFileAndRejectsOtherFormats) {
  TempDir dir;
  auto schema = arrow::schema(
      {IdField("file_path", arrow::utf8(), kDeleteFilePathFieldId), IdField("pos", arrow::int64(), kDeletePosFieldId)});
  DataFile del;
  del.content = Content::kPositionDeletes;
  del.file_path = dir.WriteParquet("pos.parquet", MakeTable(schema, {R"(["a", "a", "b", "a"])", "[7, 3, 1, 3]"}), 2);
  auto io = *FileIO::Make({});
  auto positions = ReadPositionDeletes(*io, del, "a");
  ASSERT_TRUE(positions.ok()) << positions.status().ToString();
  EXPECT_EQ(*positions, (std::vector<int64_t>{3, 7}));
  del.format = FileFormat::kAvro;
  EXPECT_EQ(ReadPositionDeletes(*io, del, "a").status().code(), StatusCode::kNotImplemented);
}

TEST(PositionDeletesTest, SkipsRowGroupsAboutOtherDataFiles) {
  TempDir dir;
  auto schema = arrow::schema(
      {IdField("file_path", arrow::utf8(), kDeleteFilePathFieldId), IdField("pos", arrow::int64(), kDeletePosFieldId)});
  const std::string path = dir.WriteParquet(
      "sorted.parquet", MakeTable(schema, {R"(["a", "a", "b", "b", "c", "c"])", "[1, 2, 3, 4, 5, 6]"}), 2);
  auto io = *FileIO::Make({});
  Field file_path;
  file_path.id = kDeleteFilePathFieldId;
  file_path.name = "file_path";
  file_path.type = "string";
  auto reader = ParquetColumnReader::Open(*io, path, {{file_path, {}, nullptr}}, {}, StringRowGroupFilter{0, "b"});
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->skipped_row_groups(), 2);
  DataFile del;
  del.content = Content::kPositionDeletes;
  del.file_path = path;
  EXPECT_EQ(*ReadPositionDeletes(*io, del, "b"), (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(ReadPositionDeletes(*io, del, "zz")->empty());
}

TEST(DeleteFilterTest, MarksPositionsAcrossBatches) {
  TempDir dir;
  auto schema = arrow::schema(
      {IdField("file_path", arrow::utf8(), kDeleteFilePathFieldId), IdField("pos", arrow::int64(), kDeletePosFieldId)});
  DataFile one;
  one.content = Content::kPositionDeletes;
  one.file_path = dir.WriteParquet("one.parquet", MakeTable(schema, {R"(["d", "d"])", "[1, 5]"}));
  DataFile two = one;
  two.file_path = dir.WriteParquet("two.parquet", MakeTable(schema, {R"(["d", "d"])", "[5, 6]"}));
  auto io = *FileIO::Make({});
  auto filter = DeleteFilter::Load(*io, "d", {one, two}, {}, Schema{});
  ASSERT_TRUE(filter.ok()) << filter.status().ToString();
  EXPECT_EQ((*filter)->num_positions(), 3u);
  std::vector<uint8_t> deleted(4, 0);
  ASSERT_TRUE((*filter)->Mark(4, 4, {}, deleted.data()).ok());  // rows 4..7
  EXPECT_EQ(deleted, (std::vector<uint8_t>{0, 1, 1, 0}));
}

}  // namespace
}  // namespace icegraph::iceberg
