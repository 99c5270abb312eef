#include "iceberg/manifest_avro.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "iceberg/avro_test_writer.h"

namespace icegraph::iceberg {
namespace {

using testing::json;

constexpr const char* kPartition = R"({"name": "id_bucket", "type": ["null", "int"]},
  {"name": "day", "type": ["null", "int"]}, {"name": "uuid", "type": ["null", {"type": "fixed", "name": "f16", "size": 2}]})";

json DataFileJson(const std::string& path, int64_t records, int content = 0) {
  return {{"content", content},
          {"file_path", path},
          {"file_format", "PARQUET"},
          {"partition", {{"id_bucket", 3}, {"day", nullptr}, {"uuid", std::string("\x01\xab", 2)}}},
          {"record_count", records},
          {"file_size_in_bytes", 1000 + records},
          {"block_size_in_bytes", 67108864}};
}

json ListRow(const std::string& path, int64_t seq, int64_t snapshot, int content = 0) {
  return {{"manifest_path", path},         {"manifest_length", 123},
          {"partition_spec_id", 1},        {"content", content},
          {"sequence_number", seq},        {"min_sequence_number", seq},
          {"added_snapshot_id", snapshot}, {"added_files_count", 2},
          {"existing_files_count", 1},     {"deleted_files_count", 0},
          {"added_rows_count", 30},        {"existing_rows_count", 5},
          {"deleted_rows_count", 0}};
}

class ManifestAvroTest : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = *FileIO::Make({});
    table_.format_version = 2;
    table_.location = dir_.path();
  }

  ManifestFile Manifest(const std::string& path, int64_t seq, int64_t snapshot) {
    ManifestFile m;
    m.manifest_path = path;
    m.sequence_number = seq;
    m.added_snapshot_id = snapshot;
    m.partition_spec_id = 1;
    return m;
  }

  testing::ScratchDir dir_;
  std::shared_ptr<FileIO> io_;
  TableMetadata table_;
};

TEST_F(ManifestAvroTest, ReadsV2ManifestListWithDeflate) {
  const std::string path = dir_.File("snap-1.avro");
  json deletes = ListRow("/m/deletes.avro", 7, 42, 1);
  testing::WriteAvroFile(path, testing::ManifestListSchema(2), {ListRow("/m/data.avro", 7, 42), deletes},
                         {{"format-version", "2"}}, "deflate");
  Snapshot snap;
  snap.snapshot_id = 42;
  snap.manifest_list = path;
  auto list = ReadManifestList(*io_, table_, snap);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  const ManifestFile& m = (*list)[0];
  EXPECT_EQ(m.manifest_path, "/m/data.avro");
  EXPECT_EQ(m.manifest_length, 123);
  EXPECT_EQ(m.partition_spec_id, 1);
  EXPECT_EQ(m.content, ManifestContent::kData);
  EXPECT_EQ(m.sequence_number, 7);
  EXPECT_EQ(m.added_snapshot_id, 42);
  EXPECT_EQ(m.added_files_count, 2);
  EXPECT_EQ(m.existing_files_count, 1);
  EXPECT_EQ(m.added_rows_count, 30);
  EXPECT_FALSE(m.first_row_id.has_value());
  EXPECT_EQ((*list)[1].content, ManifestContent::kDeletes);
}

TEST_F(ManifestAvroTest, ReadsV1ManifestListNames) {
  const std::string path = dir_.File("snap-v1.avro");
  testing::WriteAvroFile(path, testing::ManifestListSchema(1),
                         {{{"manifest_path", "/m/a.avro"},
                           {"manifest_length", 9},
                           {"partition_spec_id", 0},
                           {"added_snapshot_id", 5},
                           {"added_data_files_count", 4},
                           {"existing_data_files_count", 2},
                           {"deleted_data_files_count", 1},
                           {"added_rows_count", 40}}});
  Snapshot snap;
  snap.snapshot_id = 5;
  snap.manifest_list = path;
  table_.format_version = 1;
  auto list = ReadManifestList(*io_, table_, snap);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ((*list)[0].added_files_count, 4);
  EXPECT_EQ((*list)[0].existing_files_count, 2);
  EXPECT_EQ((*list)[0].deleted_files_count, 1);
  EXPECT_EQ((*list)[0].sequence_number, 0);
}

TEST_F(ManifestAvroTest, InheritsSnapshotAndSequenceNumbersForAddedEntries) {
  const std::string path = dir_.File("m1.avro");
  json added = {{"status", 1},
                {"snapshot_id", nullptr},
                {"sequence_number", nullptr},
                {"data_file", DataFileJson("/d/a.parquet", 10)}};
  json existing = {{"status", 0},
                   {"snapshot_id", 3},
                   {"sequence_number", 2},
                   {"file_sequence_number", 2},
                   {"data_file", DataFileJson("/d/b.parquet", 20)}};
  json deleted = {
      {"status", 2}, {"snapshot_id", 9}, {"sequence_number", 1}, {"data_file", DataFileJson("/d/c.parquet", 5)}};
  testing::WriteAvroFile(path, testing::ManifestEntrySchema(2, kPartition), {added, existing, deleted});
  auto entries = ReadManifest(*io_, table_, Manifest(path, 9, 9));
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].status, EntryStatus::kAdded);
  EXPECT_EQ((*entries)[0].snapshot_id, 9);
  EXPECT_EQ((*entries)[0].sequence_number, 9);
  EXPECT_EQ((*entries)[0].file_sequence_number, 9);
  EXPECT_EQ((*entries)[1].status, EntryStatus::kExisting);
  EXPECT_EQ((*entries)[1].snapshot_id, 3);
  EXPECT_EQ((*entries)[1].sequence_number, 2);
  EXPECT_EQ((*entries)[2].status, EntryStatus::kDeleted);
  EXPECT_EQ((*entries)[2].sequence_number, 1);
  EXPECT_EQ((*entries)[2].file.file_path, "/d/c.parquet");
  EXPECT_EQ((*entries)[2].file.spec_id, 1);
}

// A manifest is read once per cache: the second read does not touch the file (here: gone), and the same path with
// other inherited numbers (another manifest-list entry) is read on its own.
TEST_F(ManifestAvroTest, ACacheReadsEachManifestOnceByWhatItsEntriesInherit) {
  const std::string path = dir_.File("cached.avro");
  testing::WriteAvroFile(path, testing::ManifestEntrySchema(2, kPartition),
                         {{{"status", 1},
                           {"snapshot_id", nullptr},
                           {"sequence_number", nullptr},
                           {"data_file", DataFileJson("/d/a.parquet", 10)}}});
  ManifestCache cache;
  auto first = cache.Read(*io_, table_, Manifest(path, 9, 9));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ((*first)->size(), 1u);
  EXPECT_EQ((**first)[0].sequence_number, 9);
  auto other = cache.Read(*io_, table_, Manifest(path, 4, 9));  // read now, while the file exists
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ((**other)[0].sequence_number, 4);
  ASSERT_EQ(std::remove(path.c_str()), 0);
  auto again = cache.Read(*io_, table_, Manifest(path, 9, 9));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->get(), first->get());
  EXPECT_FALSE(cache.Read(*io_, table_, Manifest(path, 5, 9)).ok());  // not cached, and the file is gone
}

TEST_F(ManifestAvroTest, ExistingEntryWithoutSequenceNumberIsAnError) {
  const std::string path = dir_.File("bad.avro");
  testing::WriteAvroFile(path, testing::ManifestEntrySchema(2, kPartition),
                         {{{"status", 0}, {"snapshot_id", 3}, {"data_file", DataFileJson("/d/b.parquet", 20)}}});
  auto entries = ReadManifest(*io_, table_, Manifest(path, 9, 9));
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(entries.status().message().find(path), std::string::npos) << entries.status().message();
  EXPECT_NE(entries.status().message().find("sequence_number"), std::string::npos);
  // A manifest from before the v2 upgrade (sequence number 0) gives 0 to all its entries.
  auto upgraded = ReadManifest(*io_, table_, Manifest(path, 0, 9));
  ASSERT_TRUE(upgraded.ok()) << upgraded.status().ToString();
  EXPECT_EQ((*upgraded)[0].sequence_number, 0);
}

TEST_F(ManifestAvroTest, ReadsDataFileFields) {
  const std::string path = dir_.File("stats.avro");
  json df = DataFileJson("/d/a.parquet", 10);
  df["file_format"] = "parquet";
  df["column_sizes"] = json::array({{{"key", 1}, {"value", 100}}, {{"key", 2}, {"value", 200}}});
  df["value_counts"] = json::array({{{"key", 1}, {"value", 10}}});
  df["null_value_counts"] = json::array({{{"key", 1}, {"value", 0}}, {{"key", 2}, {"value", 3}}});
  df["nan_value_counts"] = json::array({{{"key", 4}, {"value", 1}}});
  df["lower_bounds"] = json::array({{{"key", 1}, {"value", std::string("\x01\x00\x00\x00\x00\x00\x00\x00", 8)}}});
  df["upper_bounds"] = json::array({{{"key", 1}, {"value", std::string("\x0a\x00\x00\x00\x00\x00\x00\x00", 8)}}});
  df["split_offsets"] = json::array({4, 1000});
  df["sort_order_id"] = 0;
  testing::WriteAvroFile(path, testing::ManifestEntrySchema(2, kPartition),
                         {{{"status", 1}, {"snapshot_id", 5}, {"sequence_number", 2}, {"data_file", df}}});
  auto entries = ReadManifest(*io_, table_, Manifest(path, 2, 5));
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  const DataFile& f = (*entries)[0].file;
  EXPECT_EQ(f.content, Content::kData);
  EXPECT_EQ(f.format, FileFormat::kParquet);
  EXPECT_EQ(f.record_count, 10);
  EXPECT_EQ(f.file_size_in_bytes, 1010);
  ASSERT_NE(f.partition, nullptr);
  EXPECT_EQ(f.partition->dump(), R"({"day":null,"id_bucket":3,"uuid":"01ab"})");
  EXPECT_EQ(f.column_sizes, (std::map<int32_t, int64_t>{{1, 100}, {2, 200}}));
  EXPECT_EQ(f.value_counts.at(1), 10);
  EXPECT_EQ(f.null_value_counts.at(2), 3);
  EXPECT_EQ(f.nan_value_counts.at(4), 1);
  EXPECT_EQ(f.lower_bounds.at(1), std::string("\x01\x00\x00\x00\x00\x00\x00\x00", 8));
  EXPECT_EQ(f.upper_bounds.at(1)[0], '\x0a');
  EXPECT_EQ(f.split_offsets, (std::vector<int64_t>{4, 1000}));
  EXPECT_EQ(f.sort_order_id, 0);
  EXPECT_TRUE(f.equality_ids.empty());
  EXPECT_FALSE(f.referenced_data_file.has_value());
}

TEST_F(ManifestAvroTest, ReadsDeleteFiles) {
  const std::string path = dir_.File("deletes.avro");
  json eq = DataFileJson("/d/eq.parquet", 2, 2);
  eq["equality_ids"] = json::array({1, 3});
  json pos = DataFileJson("/d/pos.parquet", 4, 1);
  pos["referenced_data_file"] = "/d/a.parquet";
  testing::WriteAvroFile(path, testing::ManifestEntrySchema(2, kPartition),
                         {{{"status", 1}, {"data_file", eq}}, {{"status", 1}, {"data_file", pos}}});
  auto entries = ReadManifest(*io_, table_, Manifest(path, 4, 8));
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ((*entries)[0].file.content, Content::kEqualityDeletes);
  EXPECT_EQ((*entries)[0].file.equality_ids, (std::vector<int32_t>{1, 3}));
  EXPECT_EQ((*entries)[1].file.content, Content::kPositionDeletes);
  EXPECT_EQ((*entries)[1].file.referenced_data_file, "/d/a.parquet");
  EXPECT_EQ((*entries)[1].sequence_number, 4);
}

TEST_F(ManifestAvroTest, V1InlineManifestsTakeTheirSpecFromTheHeader) {
  table_.format_version = 1;
  const std::string path = dir_.File("v1.avro");
  testing::WriteAvroFile(path, testing::ManifestEntrySchema(1, kPartition),
                         {{{"status", 1}, {"snapshot_id", 77}, {"data_file", DataFileJson("/d/a.parquet", 3)}}},
                         {{"partition-spec-id", "4"}, {"format-version", "1"}});
  Snapshot snap;
  snap.snapshot_id = 77;
  snap.v1_manifests = {path};
  auto list = ReadManifestList(*io_, table_, snap);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].partition_spec_id, -1);
  auto entries = ReadManifest(*io_, table_, (*list)[0]);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ((*entries)[0].file.spec_id, 4);
  EXPECT_EQ((*entries)[0].snapshot_id, 77);
  EXPECT_EQ((*entries)[0].sequence_number, 0);
  EXPECT_EQ((*entries)[0].file.content, Content::kData);
}

TEST_F(ManifestAvroTest, V3AssignsFirstRowIdsToDataFilesWithoutOne) {
  table_.format_version = 3;
  const std::string path = dir_.File("v3.avro");
  json with_id = DataFileJson("/d/b.parquet", 7);
  with_id["first_row_id"] = 500;
  json dv = DataFileJson("/d/dv.puffin", 1, 1);
  dv["file_format"] = "PUFFIN";
  dv["referenced_data_file"] = "/d/a.parquet";
  dv["content_offset"] = 4;
  dv["content_size_in_bytes"] = 40;
  testing::WriteAvroFile(path, testing::ManifestEntrySchema(3, kPartition),
                         {{{"status", 1}, {"data_file", DataFileJson("/d/a.parquet", 10)}},
                          {{"status", 1}, {"data_file", with_id}},
                          {{"status", 1}, {"data_file", DataFileJson("/d/c.parquet", 5)}},
                          {{"status", 1}, {"data_file", dv}}});
  ManifestFile m = Manifest(path, 3, 3);
  m.first_row_id = 100;
  auto entries = ReadManifest(*io_, table_, m);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ((*entries)[0].file.first_row_id, 100);
  EXPECT_EQ((*entries)[1].file.first_row_id, 500);
  EXPECT_EQ((*entries)[2].file.first_row_id, 110);
  EXPECT_FALSE((*entries)[3].file.first_row_id.has_value());
  EXPECT_EQ((*entries)[3].file.format, FileFormat::kPuffin);
  EXPECT_EQ((*entries)[3].file.content_offset, 4);
  EXPECT_EQ((*entries)[3].file.content_size_in_bytes, 40);
}

TEST_F(ManifestAvroTest, ErrorsNameTheFile) {
  auto missing = ReadManifest(*io_, table_, Manifest(dir_.path() + "/nope.avro", 1, 1));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.avro"), std::string::npos);
  const std::string garbage = dir_.Write("garbage.avro", "definitely not avro");
  auto bad = ReadManifest(*io_, table_, Manifest(garbage, 1, 1));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("garbage.avro"), std::string::npos) << bad.status().message();
  Snapshot snap;
  snap.snapshot_id = 1;
  snap.manifest_list = garbage;
  auto list = ReadManifestList(*io_, table_, snap);
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("snapshot 1"), std::string::npos) << list.status().message();
}

}  // namespace
}  // namespace icegraph::iceberg
