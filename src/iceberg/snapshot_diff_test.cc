#include "iceberg/snapshot_diff.h"

#include <gtest/gtest.h>

#include "iceberg/avro_test_writer.h"

namespace icegraph::iceberg {
namespace {

using testing::json;

json Entry(int status, std::optional<int64_t> snapshot, std::optional<int64_t> seq, const std::string& path,
           int content = 0) {
  json df = {{"content", content},          {"file_path", path}, {"file_format", "PARQUET"},
             {"partition", json::object()}, {"record_count", 1}, {"file_size_in_bytes", 10}};
  return {{"status", status},
          {"snapshot_id", snapshot ? json(*snapshot) : json(nullptr)},
          {"sequence_number", seq ? json(*seq) : json(nullptr)},
          {"data_file", df}};
}

std::vector<std::string> Paths(const std::vector<ManifestEntry>& entries) {
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (const auto& e : entries) out.push_back(e.file.file_path);
  return out;
}

// main: 1 append a -> 2 append b -> 3 overwrite (a removed, c added) -> 4 merge-on-read delete (delete files d, e);
// branch: 5 append f on top of 2.
class SnapshotDiffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = *FileIO::Make({});
    table_.format_version = 2;
    table_.location = dir_.path();
    const std::string schema = testing::ManifestEntrySchema(2, "");
    const auto manifest = [&](const std::string& name, const std::vector<json>& entries) {
      std::string path = dir_.File(name);
      testing::WriteAvroFile(path, schema, entries);
      return path;
    };
    const std::string m1 = manifest("m1.avro", {Entry(1, std::nullopt, std::nullopt, "a")});
    const std::string m2 = manifest("m2.avro", {Entry(1, 2, 2, "b")});
    const std::string m3 =
        manifest("m3.avro", {Entry(2, 3, 1, "a"), Entry(0, 2, 2, "b"), Entry(1, std::nullopt, std::nullopt, "c")});
    const std::string m4 = manifest("m4.avro", {Entry(1, 4, 4, "d", 1), Entry(1, 4, 4, "e", 2)});
    const std::string m5 = manifest("m5.avro", {Entry(1, 5, 5, "f")});
    AddSnapshot(1, std::nullopt, "append", {{m1, 1, 1, 0}});
    AddSnapshot(2, 1, "append", {{m1, 1, 1, 0}, {m2, 2, 2, 0}});
    AddSnapshot(3, 2, "overwrite", {{m3, 3, 3, 0}});
    AddSnapshot(4, 3, "delete", {{m3, 3, 3, 0}, {m4, 4, 4, 1}});
    AddSnapshot(5, 2, "append", {{m1, 1, 1, 0}, {m2, 2, 2, 0}, {m5, 5, 5, 0}});
    table_.current_snapshot_id = 4;
  }

  struct ListRow {
    std::string path;
    int64_t seq;
    int64_t added_by;
    int content;
  };

  void AddSnapshot(int64_t id, std::optional<int64_t> parent, const std::string& op, const std::vector<ListRow>& rows) {
    std::vector<json> list;
    list.reserve(rows.size());
    for (const ListRow& r : rows) {
      list.push_back({{"manifest_path", r.path},
                      {"manifest_length", 1},
                      {"partition_spec_id", 0},
                      {"content", r.content},
                      {"sequence_number", r.seq},
                      {"min_sequence_number", r.seq},
                      {"added_snapshot_id", r.added_by},
                      {"added_files_count", 1},
                      {"existing_files_count", 0},
                      {"deleted_files_count", 0},
                      {"added_rows_count", 1},
                      {"existing_rows_count", 0},
                      {"deleted_rows_count", 0}});
    }
    Snapshot s;
    s.snapshot_id = id;
    s.parent_snapshot_id = parent;
    s.sequence_number = id;
    s.operation = op == "append" ? Operation::kAppend : op == "overwrite" ? Operation::kOverwrite : Operation::kDelete;
    s.manifest_list = dir_.File("snap-" + std::to_string(id) + ".avro");
    testing::WriteAvroFile(s.manifest_list, testing::ManifestListSchema(2), list);
    table_.snapshots.push_back(s);
  }

  testing::ScratchDir dir_;
  std::shared_ptr<FileIO> io_;
  TableMetadata table_;
};

TEST_F(SnapshotDiffTest, FromTheBeginningListsEverySnapshotOldestFirst) {
  auto diff = DiffSnapshots(*io_, table_, std::nullopt, 4);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_EQ(diff->gap, GapKind::kNone);
  ASSERT_EQ(diff->snapshots.size(), 4u);
  const auto& s = diff->snapshots;
  EXPECT_EQ(s[0].snapshot_id, 1);
  EXPECT_EQ(Paths(s[0].added_data_files), (std::vector<std::string>{"a"}));
  EXPECT_EQ(s[0].added_data_files[0].sequence_number, 1);                    // inherited from the manifest
  EXPECT_EQ(Paths(s[1].added_data_files), (std::vector<std::string>{"b"}));  // m1 (written by 1) is skipped
  EXPECT_EQ(s[2].operation, Operation::kOverwrite);
  EXPECT_EQ(Paths(s[2].added_data_files), (std::vector<std::string>{"c"}));  // EXISTING b is not a change
  EXPECT_EQ(Paths(s[2].removed_data_files), (std::vector<std::string>{"a"}));
  EXPECT_EQ(s[3].sequence_number, 4);
  EXPECT_TRUE(s[3].added_data_files.empty());
  EXPECT_EQ(Paths(s[3].added_delete_files), (std::vector<std::string>{"d", "e"}));
  EXPECT_EQ(s[3].added_delete_files[1].file.content, Content::kEqualityDeletes);
  EXPECT_TRUE(s[3].removed_delete_files.empty());
}

TEST_F(SnapshotDiffTest, FromExcludesTheStartAndToIncludesTheEnd) {
  auto diff = DiffSnapshots(*io_, table_, 2, 4);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  ASSERT_EQ(diff->snapshots.size(), 2u);
  EXPECT_EQ(diff->snapshots[0].snapshot_id, 3);
  EXPECT_EQ(diff->snapshots[1].snapshot_id, 4);
  auto same = DiffSnapshots(*io_, table_, 4, 4);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->gap, GapKind::kNone);
  EXPECT_TRUE(same->snapshots.empty());
  auto branch = DiffSnapshots(*io_, table_, 2, 5);
  ASSERT_TRUE(branch.ok());
  ASSERT_EQ(branch->snapshots.size(), 1u);
  EXPECT_EQ(Paths(branch->snapshots[0].added_data_files), (std::vector<std::string>{"f"}));
}

TEST_F(SnapshotDiffTest, ReportsWhyNoDiffExists) {
  auto other_branch = DiffSnapshots(*io_, table_, 5, 4);
  ASSERT_TRUE(other_branch.ok());
  EXPECT_EQ(other_branch->gap, GapKind::kNotAncestor);
  EXPECT_TRUE(other_branch->snapshots.empty());
  auto backwards = DiffSnapshots(*io_, table_, 4, 2);  // a rollback: the old head is newer than the new one
  ASSERT_TRUE(backwards.ok());
  EXPECT_EQ(backwards->gap, GapKind::kNotAncestor);
  auto expired = DiffSnapshots(*io_, table_, 99, 4);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->gap, GapKind::kFromExpired);
  EXPECT_EQ(GapKindName(expired->gap), "from_expired");
  auto missing = DiffSnapshots(*io_, table_, 1, 123);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(SnapshotDiffTest, AnExpiredAncestorInBetweenIsAGap) {
  table_.snapshots.erase(table_.snapshots.begin() + 1);  // snapshot 2 expired, 1 kept (e.g. by a tag)
  auto diff = DiffSnapshots(*io_, table_, 1, 4);
  ASSERT_TRUE(diff.ok());
  EXPECT_EQ(diff->gap, GapKind::kAncestryExpired);
  auto from_start = DiffSnapshots(*io_, table_, std::nullopt, 4);
  ASSERT_TRUE(from_start.ok());
  EXPECT_EQ(from_start->gap, GapKind::kAncestryExpired);
  auto after = DiffSnapshots(*io_, table_, 3, 4);  // the part after the hole still works
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->gap, GapKind::kNone);
  EXPECT_EQ(after->snapshots.size(), 1u);
}

TEST_F(SnapshotDiffTest, AnUnreadableManifestFailsWithContext) {
  table_.snapshots[2].manifest_list = dir_.path() + "/gone.avro";
  auto diff = DiffSnapshots(*io_, table_, 2, 4);
  ASSERT_FALSE(diff.ok());
  EXPECT_NE(diff.status().message().find("snapshot 3"), std::string::npos) << diff.status().message();
  EXPECT_NE(diff.status().message().find("gone.avro"), std::string::npos);
}

}  // namespace
}  // namespace icegraph::iceberg
