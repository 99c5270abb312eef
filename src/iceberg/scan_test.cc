#include "iceberg/scan.h"

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "iceberg/deletes.h"
#include "iceberg/scan_test_util.h"

namespace icegraph::iceberg {
namespace {

using testing::F;
using Strings = std::vector<std::string>;

ManifestEntry Entry(const std::string& path, Content content, int64_t seq, int32_t spec_id,
                    const std::string& partition) {
  ManifestEntry e;
  e.status = EntryStatus::kAdded;
  e.sequence_number = seq;
  e.file.content = content;
  e.file.file_path = path;
  e.file.spec_id = spec_id;
  if (!partition.empty()) e.file.partition = std::make_shared<const nlohmann::json>(nlohmann::json::parse(partition));
  return e;
}

TableMetadata PartitionedTable() {
  TableMetadata t;
  t.format_version = 2;
  t.location = "s3://warehouse/t";
  Schema s;
  s.schema_id = 0;
  s.fields = {F(1, "id", "long", true), F(2, "name", "string"), F(3, "region", "string")};
  t.schemas = {s};
  t.partition_specs = {{0, {{3, 1000, "region", "identity"}}}, {1, {}}};
  return t;
}

Strings Paths(const std::vector<DataFile>& files) {
  Strings out;
  for (const DataFile& f : files) out.push_back(f.file_path);
  return out;
}

TEST(AssignDeletesTest, FollowsSequenceNumberPartitionAndReferenceRules) {
  const TableMetadata table = PartitionedTable();
  const std::string eu = R"({"region":"eu"})";
  const std::vector<ManifestEntry> data = {
      Entry("d1", Content::kData, 2, 0, eu), Entry("d2", Content::kData, 3, 0, R"({ "region" : "eu" })"),
      Entry("d3", Content::kData, 1, 0, R"({"region":"us"})"), Entry("d4", Content::kData, 1, 1, "{}")};
  std::vector<ManifestEntry> deletes = {Entry("pos-eu-2", Content::kPositionDeletes, 2, 0, eu),
                                        Entry("pos-eu-3-d1", Content::kPositionDeletes, 3, 0, eu),
                                        Entry("pos-eu-5", Content::kPositionDeletes, 5, 0, eu),
                                        Entry("eq-eu-2", Content::kEqualityDeletes, 2, 0, eu),
                                        Entry("eq-eu-3", Content::kEqualityDeletes, 3, 0, eu),
                                        Entry("eq-global-4", Content::kEqualityDeletes, 4, 1, "{}"),
                                        Entry("pos-us-bounded", Content::kPositionDeletes, 5, 0, R"({"region":"us"})"),
                                        Entry("dv-d2", Content::kPositionDeletes, 4, 0, eu),
                                        Entry("dv-d1-old", Content::kPositionDeletes, 1, 0, eu)};
  deletes[1].file.referenced_data_file = "d1";
  deletes[6].file.lower_bounds[kDeleteFilePathFieldId] = "a";  // "d3" sorts after "a" ... "c"
  deletes[6].file.upper_bounds[kDeleteFilePathFieldId] = "c";
  for (const size_t i : {7u, 8u}) deletes[i].file.format = FileFormat::kPuffin;
  deletes[7].file.referenced_data_file = "d2";
  deletes[8].file.referenced_data_file = "d1";

  auto tasks = AssignDeletes(data, deletes, table);
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->size(), 4u);
  // d1 (seq 2): position deletes with seq >= 2 (its old DV is older), equality deletes with seq > 2.
  EXPECT_EQ(Paths((*tasks)[0].position_deletes), (Strings{"pos-eu-3-d1", "pos-eu-2", "pos-eu-5"}));
  EXPECT_EQ(Paths((*tasks)[0].equality_deletes), (Strings{"eq-eu-3", "eq-global-4"}));
  EXPECT_EQ((*tasks)[0].data_sequence_number, 2);
  // d2 has a deletion vector, so position delete files are not applied to it.
  EXPECT_EQ(Paths((*tasks)[1].position_deletes), (Strings{"dv-d2"}));
  EXPECT_EQ(Paths((*tasks)[1].equality_deletes), (Strings{"eq-global-4"}));
  // d3 lies outside the bounded file's file_path range; d4 (unpartitioned) gets only the global delete.
  EXPECT_TRUE((*tasks)[2].position_deletes.empty());
  EXPECT_EQ(Paths((*tasks)[2].equality_deletes), (Strings{"eq-global-4"}));
  EXPECT_TRUE((*tasks)[3].position_deletes.empty());
  EXPECT_EQ(Paths((*tasks)[3].equality_deletes), (Strings{"eq-global-4"}));

  deletes[7].file.referenced_data_file.reset();
  EXPECT_EQ(AssignDeletes(data, deletes, table).status().code(), StatusCode::kInvalid);
}

TEST(AssignDeletesTest, PositionDeletesApplyWithinTheSameCommit) {
  const TableMetadata table = PartitionedTable();
  const auto tasks = AssignDeletes(
      {Entry("d", Content::kData, 7, 1, "{}")},
      {Entry("p", Content::kPositionDeletes, 7, 1, "{}"), Entry("e", Content::kEqualityDeletes, 7, 1, "{}")}, table);
  ASSERT_TRUE(tasks.ok());
  EXPECT_EQ(Paths((*tasks)[0].position_deletes), (Strings{"p"}));
  EXPECT_TRUE((*tasks)[0].equality_deletes.empty());
}

TEST(PlanTasksTest, PrunesByPartitionAndBoundsAndFillsTasks) {
  TableMetadata table = PartitionedTable();
  table.properties["schema.name-mapping.default"] = R"([{"field-id": 1, "names": ["id"]}])";
  const auto le64 = [](int64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); };
  ManifestEntry low = Entry("low", Content::kData, 1, 0, R"({"region":"eu"})");
  low.file.lower_bounds[1] = le64(0);
  low.file.upper_bounds[1] = le64(5);
  ManifestEntry high = Entry("high", Content::kData, 1, 0, R"({"region":"eu"})");
  high.file.lower_bounds[1] = le64(8);
  high.file.upper_bounds[1] = le64(20);
  ManifestEntry us = Entry("us", Content::kData, 1, 0, R"({"region":"us"})");
  ManifestEntry gone = Entry("gone", Content::kData, 1, 0, R"({"region":"eu"})");
  gone.status = EntryStatus::kDeleted;
  ManifestEntry existing = Entry("existing", Content::kData, 1, 0, R"({"region":"eu"})");
  existing.status = EntryStatus::kExisting;

  ScanOptions options;
  options.columns = {"name", "id"};
  auto filter = ParseFilter("id > 6 AND region = 'eu'");
  ASSERT_TRUE(filter.ok());
  options.filter = *filter;
  auto tasks = PlanTasks(table, table.schemas[0], options, {low, high, us, gone, existing});
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0].data_file.file_path, "high");
  EXPECT_EQ((*tasks)[1].data_file.file_path, "existing");
  const ScanTask& t = (*tasks)[0];
  EXPECT_EQ(t.projected_field_ids, (std::vector<int32_t>{2, 1}));
  EXPECT_EQ(t.schema.fields.size(), 3u);
  EXPECT_EQ(t.spec.fields.at(0).name, "region");
  EXPECT_EQ(FilterToString(t.residual), "id > 6 AND region = 'eu'");
  EXPECT_EQ(t.residual.predicates[0].field_id, 1);
  EXPECT_TRUE(t.name_mapping_json.has_value());

  options.columns = {"nope"};
  EXPECT_EQ(PlanTasks(table, table.schemas[0], options, {}).status().code(), StatusCode::kNotFound);
  options.columns = {};
  options.field_ids = {2};
  options.filter = *ParseFilter("missing = 1");
  EXPECT_EQ(PlanTasks(table, table.schemas[0], options, {}).status().code(), StatusCode::kNotFound);
}

TEST(ResolveSnapshotTest, ByIdTimeOrCurrentWithTheMatchingSchema) {
  TableMetadata table = PartitionedTable();
  Schema old;
  old.schema_id = 1;
  old.fields = {F(1, "id", "long", true)};
  table.schemas.push_back(old);
  table.current_schema_id = 0;
  Snapshot s1;
  s1.snapshot_id = 11;
  s1.timestamp_ms = 1000;
  s1.schema_id = 1;
  Snapshot s2;
  s2.snapshot_id = 22;
  s2.timestamp_ms = 2000;
  s2.schema_id = 0;
  table.snapshots = {s1, s2};
  table.snapshot_log = {{1000, 11}, {2000, 22}};

  ScanOptions options;
  auto none = ResolveSnapshot(table, options);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);  // no current snapshot: an empty table
  table.current_snapshot_id = 22;
  EXPECT_EQ((*ResolveSnapshot(table, options))->snapshot_id, 22);
  options.as_of_timestamp_ms = 1500;
  const Snapshot* at = *ResolveSnapshot(table, options);
  EXPECT_EQ(at->snapshot_id, 11);
  EXPECT_EQ((*ResolveScanSchema(table, options, at))->schema_id, 1);  // time travel reads the old schema
  options.snapshot_id = 11;
  EXPECT_EQ(ResolveSnapshot(table, options).status().code(), StatusCode::kInvalid);
  options.as_of_timestamp_ms.reset();
  options.snapshot_id = 99;
  EXPECT_EQ(ResolveSnapshot(table, options).status().code(), StatusCode::kNotFound);
  options.snapshot_id.reset();
  options.as_of_timestamp_ms = 10;
  EXPECT_EQ(ResolveSnapshot(table, options).status().code(), StatusCode::kNotFound);
}

TEST(ReadTableTest, TableWithoutSnapshotsIsEmptyWithTheProjectedSchema) {
  auto io = FileIO::Make({});
  ASSERT_TRUE(io.ok());
  const TableMetadata table = PartitionedTable();
  ScanOptions options;
  options.columns = {"region", "id"};
  ReadOptions read;
  read.with_pos = true;
  auto result = ReadTable(**io, table, options, read);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ((*result)->num_rows(), 0);
  EXPECT_EQ((*result)->schema()->ToString(false), "region: string\nid: int64 not null\n_pos: int64 not null");
}

TEST(ScanTaskTest, JsonRoundTripKeepsEverythingNeededToRead) {
  ScanTask t;
  t.data_file.file_path = "s3://b/t/data/a.parquet";
  t.data_file.spec_id = 0;
  t.data_file.partition = std::make_shared<const nlohmann::json>(nlohmann::json{{"region", "eu"}});
  t.data_file.record_count = 42;
  t.data_file.file_size_in_bytes = 1234;
  t.data_file.value_counts = {{1, 42}};
  t.data_file.null_value_counts = {{2, 3}};
  t.data_file.lower_bounds = {{1, std::string("\x00\x01\xff", 3)}};
  t.data_file.upper_bounds = {{1, std::string("\x7f", 1)}};
  t.data_file.first_row_id = 100;
  t.data_sequence_number = 5;
  DataFile dv;
  dv.content = Content::kPositionDeletes;
  dv.format = FileFormat::kPuffin;
  dv.file_path = "s3://b/t/data/dv.puffin";
  dv.referenced_data_file = t.data_file.file_path;
  dv.content_offset = 4;
  dv.content_size_in_bytes = 40;
  t.position_deletes = {dv};
  DataFile eq;
  eq.content = Content::kEqualityDeletes;
  eq.file_path = "s3://b/t/data/eq.parquet";
  eq.equality_ids = {1, 3};
  t.equality_deletes = {eq};
  t.projected_field_ids = {3, 1};
  t.schema.schema_id = 4;
  t.schema.identifier_field_ids = {1};
  t.schema.fields = {F(1, "id", "long", true),
                     F(3, "tags", "map", false,
                       {F(4, "key", "string", true), F(5, "value", "list", false, {F(6, "element", "int", true)})}),
                     F(7, "addr", "struct", false, {F(8, "city", "string")})};
  t.schema.fields[2].initial_default_json = R"({"8":"Oslo"})";
  t.spec = {0, {{3, 1000, "region", "identity"}}};
  t.residual = *BindFilter(*ParseFilter("id >= 3"), t.schema);
  t.name_mapping_json = "[]";

  const std::string text = t.ToJson().dump();
  auto back = ScanTask::FromJson(nlohmann::json::parse(text));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ToJson().dump(), text);
  EXPECT_EQ(back->data_file.lower_bounds.at(1), std::string("\x00\x01\xff", 3));
  EXPECT_EQ(back->position_deletes[0].format, FileFormat::kPuffin);
  EXPECT_EQ(back->position_deletes[0].content_offset, 4);
  EXPECT_EQ(back->equality_deletes[0].equality_ids, (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(back->schema.fields[1].children[1].children[0].id, 6);
  EXPECT_EQ(back->schema.fields[1].children[0].required, true);
  EXPECT_EQ(back->residual.predicates[0].field_id, 1);
  EXPECT_EQ(back->spec.fields[0].transform, "identity");
  ASSERT_NE(back->data_file.partition, nullptr);
  EXPECT_EQ(back->data_file.partition->at("region"), "eu");
  // The tuple travels as JSON text: text that is not JSON is refused, not read as "unpartitioned".
  auto bad_partition = t.ToJson();
  bad_partition["data-file"]["partition"] = "{region";
  EXPECT_EQ(ScanTask::FromJson(bad_partition).status().code(), StatusCode::kInvalid);

  EXPECT_EQ(ScanTask::FromJson(nlohmann::json::object()).status().code(), StatusCode::kInvalid);
  auto bad = t.ToJson();
  bad["data-file"]["file-format"] = "CSV";
  EXPECT_EQ(ScanTask::FromJson(bad).status().code(), StatusCode::kInvalid);
}

}  // namespace
}  // namespace icegraph::iceberg
