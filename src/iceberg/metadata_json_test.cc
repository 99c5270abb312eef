#include "iceberg/metadata_json.h"

#include <gtest/gtest.h>

namespace icegraph::iceberg {
namespace {

constexpr const char* kV2 = R"({
  "format-version": 2, "table-uuid": "u", "location": "s3://b/t", "last-sequence-number": 3,
  "last-updated-ms": 5, "last-column-id": 5, "current-schema-id": 1,
  "schemas": [
    {"type": "struct", "schema-id": 0, "fields": [{"id": 1, "name": "id", "required": true, "type": "long"}]},
    {"type": "struct", "schema-id": 1, "identifier-field-ids": [1], "fields": [
      {"id": 1, "name": "id", "required": true, "type": "long"},
      {"id": 2, "name": "addr", "required": false, "type": {"type": "struct", "fields": [
        {"id": 3, "name": "city", "required": false, "type": "string"}]}},
      {"id": 4, "name": "tags", "required": false, "type": {"type": "list", "element-id": 5,
        "element-required": false, "element": "string"}}]}],
  "default-spec-id": 0, "partition-specs": [{"spec-id": 0, "fields": [
    {"source-id": 1, "field-id": 1000, "name": "id_bucket", "transform": "bucket[16]"}]}],
  "current-snapshot-id": 20,
  "snapshots": [
    {"snapshot-id": 10, "sequence-number": 1, "timestamp-ms": 100, "manifest-list": "s3://b/m1.avro",
     "summary": {"operation": "append", "added-records": "2"}, "schema-id": 0},
    {"snapshot-id": 20, "parent-snapshot-id": 10, "sequence-number": 2, "timestamp-ms": 200,
     "manifest-list": "s3://b/m2.avro", "summary": {"operation": "overwrite"}}],
  "snapshot-log": [{"snapshot-id": 10, "timestamp-ms": 100}, {"snapshot-id": 20, "timestamp-ms": 200}],
  "refs": {"main": {"snapshot-id": 20, "type": "branch"}, "v1": {"snapshot-id": 10, "type": "tag"}},
  "properties": {"write.delete.mode": "merge-on-read"}
})";

TEST(MetadataJsonTest, ParsesV2) {
  auto m = ParseTableMetadata(kV2, "s3://b/t/metadata/v3.metadata.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->format_version, 2);
  EXPECT_EQ(m->CurrentSchema()->fields.size(), 3u);
  EXPECT_EQ(m->CurrentSchema()->identifier_field_ids, (std::vector<int32_t>{1}));
  EXPECT_EQ(m->CurrentSchema()->FindField(3)->name, "city");
  EXPECT_EQ(m->CurrentSchema()->FindByPath("addr.city")->id, 3);
  EXPECT_EQ(m->CurrentSchema()->FindField(5)->name, "element");
  EXPECT_EQ(m->SpecById(0)->fields[0].transform, "bucket[16]");
  EXPECT_EQ(m->CurrentSnapshot()->operation, Operation::kOverwrite);
  EXPECT_EQ(*m->CurrentSnapshot()->parent_snapshot_id, 10);
  EXPECT_EQ(m->SnapshotById(10)->summary.at("added-records"), "2");
  EXPECT_EQ(m->SnapshotAsOf(150)->snapshot_id, 10);
  EXPECT_EQ(m->SnapshotAsOf(99), nullptr);
  EXPECT_EQ(m->refs.at("v1").type, "tag");
  EXPECT_EQ(m->properties.at("write.delete.mode"), "merge-on-read");
}

TEST(MetadataJsonTest, ParsesV1SingularForms) {
  auto m = ParseTableMetadata(R"({"format-version": 1, "location": "/t", "last-column-id": 1,
    "schema": {"type": "struct", "fields": [{"id": 1, "name": "x", "required": false, "type": "int"}]},
    "partition-spec": [{"source-id": 1, "name": "x", "transform": "identity"}],
    "current-snapshot-id": -1, "snapshots": []})",
                              "/t/v1.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->partition_specs[0].fields[0].field_id, 1000);
  EXPECT_FALSE(m->current_snapshot_id.has_value());
}

TEST(MetadataJsonTest, ErrorsNameTheFile) {
  auto m = ParseTableMetadata(R"({"format-version": 2})", "/t/bad.json");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("/t/bad.json"), std::string::npos);
  EXPECT_NE(m.status().message().find("location"), std::string::npos) << m.status().message();
  EXPECT_FALSE(ParseTableMetadata("[1]", "/t/x.json").ok());
  EXPECT_EQ(ParseTableMetadata(R"({"format-version": 9, "location": "/t"})", "/t/y.json").status().code(),
            StatusCode::kNotImplemented);
}

}  // namespace
}  // namespace icegraph::iceberg
