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

constexpr const char* kV3 = R"json({
  "format-version": 3, "table-uuid": "9c12d441-03fe-4693-9a96-a0705ddf69c1", "location": "s3://b/v3",
  "last-sequence-number": 1, "last-updated-ms": 1, "last-column-id": 12, "next-row-id": 250,
  "current-schema-id": 0, "future-key": {"anything": [1, 2]},
  "schemas": [{"type": "struct", "schema-id": 0, "fields": [
    {"id": 1, "name": "ts", "required": true, "type": "timestamp_ns"},
    {"id": 2, "name": "payload", "required": false, "type": "variant"},
    {"id": 3, "name": "nothing", "required": false, "type": "unknown"},
    {"id": 4, "name": "score", "required": false, "type": "decimal(10, 2)", "initial-default": "1.50",
     "write-default": "0.00", "doc": "points"},
    {"id": 5, "name": "attrs", "required": false, "type": {"type": "map", "key-id": 6, "key": "string",
      "value-id": 7, "value-required": true, "value": {"type": "list", "element-id": 8, "element-required": true,
        "element": {"type": "struct", "fields": [
          {"id": 9, "name": "k", "required": true, "type": "fixed[16]"},
          {"id": 10, "name": "n", "required": false, "type": "long", "initial-default": 7}]}}}}]}],
  "default-spec-id": 0, "partition-specs": [{"spec-id": 0, "fields": []}],
  "current-snapshot-id": 5,
  "snapshots": [{"snapshot-id": 5, "sequence-number": 1, "timestamp-ms": 10, "manifest-list": "s3://b/l.avro",
                 "summary": {"operation": "append", "added-records": 250}, "first-row-id": 0, "added-rows": 250,
                 "key-id": "k1"}],
  "statistics": [], "partition-statistics": [], "encryption-keys": []
})json";

TEST(MetadataJsonTest, ParsesV3AndIgnoresUnknownKeys) {
  auto m = ParseTableMetadata(kV3, "s3://b/v3/metadata/00001.metadata.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->format_version, 3);
  EXPECT_EQ(m->next_row_id, 250);
  const Schema& s = *m->CurrentSchema();
  EXPECT_EQ(s.FindField(1)->type, "timestamp_ns");
  EXPECT_EQ(s.FindField(2)->type, "variant");
  EXPECT_EQ(s.FindField(3)->type, "unknown");
  EXPECT_EQ(s.FindField(4)->type, "decimal(10, 2)");
  EXPECT_EQ(s.FindField(4)->initial_default_json, "\"1.50\"");
  EXPECT_EQ(s.FindField(4)->write_default_json, "\"0.00\"");
  EXPECT_EQ(s.FindField(4)->doc, "points");
  const Field& attrs = *s.FindField(5);
  ASSERT_EQ(attrs.type, "map");
  ASSERT_EQ(attrs.children.size(), 2u);
  EXPECT_EQ(attrs.children[0].id, 6);
  EXPECT_TRUE(attrs.children[0].required);
  EXPECT_EQ(attrs.children[1].type, "list");
  EXPECT_TRUE(attrs.children[1].required);
  EXPECT_EQ(s.FindByPath("attrs.value.element.k")->type, "fixed[16]");
  EXPECT_EQ(s.FindField(10)->initial_default_json, "7");
  EXPECT_TRUE(m->SpecById(0)->fields.empty());
  const Snapshot& snap = *m->CurrentSnapshot();
  EXPECT_EQ(snap.first_row_id, 0);
  EXPECT_EQ(snap.added_rows, 250);
  EXPECT_EQ(snap.summary.at("added-records"), "250");  // non-string summary values keep their JSON text
  EXPECT_EQ(m->refs.at("main").snapshot_id, 5);        // implied by current-snapshot-id
}

TEST(MetadataJsonTest, ParsesV1InlineManifestsAndImpliedDefaults) {
  auto m = ParseTableMetadata(R"({"format-version": 1, "location": "/t", "last-column-id": 1,
    "schema": {"type": "struct", "fields": [{"id": 1, "name": "x", "required": true, "type": "int"}]},
    "current-snapshot-id": 2, "properties": {"owner": "me"},
    "snapshots": [
      {"snapshot-id": 1, "timestamp-ms": 5, "manifests": ["/t/m1.avro"]},
      {"snapshot-id": 2, "parent-snapshot-id": 1, "timestamp-ms": 6, "manifests": ["/t/m1.avro", "/t/m2.avro"],
       "summary": {"operation": "overwrite", "spark.app.id": "x"}}]})",
                              "/t/v2.metadata.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->partition_specs.size(), 1u);  // no spec at all: unpartitioned
  EXPECT_TRUE(m->partition_specs[0].fields.empty());
  const Snapshot& first = *m->SnapshotById(1);
  EXPECT_TRUE(first.manifest_list.empty());
  EXPECT_EQ(first.v1_manifests, (std::vector<std::string>{"/t/m1.avro"}));
  EXPECT_EQ(first.operation, Operation::kUnknown);
  EXPECT_EQ(first.sequence_number, 0);
  EXPECT_FALSE(first.parent_snapshot_id.has_value());
  EXPECT_EQ(m->CurrentSnapshot()->operation, Operation::kOverwrite);
  EXPECT_EQ(m->refs.at("main").type, "branch");
  EXPECT_EQ(m->properties.at("owner"), "me");
}

// Every malformed document names the file and the field's path.
TEST(MetadataJsonTest, ErrorsNameTheFieldPath) {
  const auto message = [](const std::string& text) {
    auto m = ParseTableMetadata(text, "/t/m.json");
    EXPECT_FALSE(m.ok());
    EXPECT_NE(m.status().message().find("/t/m.json"), std::string::npos) << m.status().message();
    return m.status().message();
  };
  const std::string head = R"({"format-version": 2, "location": "/t", "current-schema-id": 0,
    "schemas": [{"type": "struct", "schema-id": 0, "fields": [{"id": 1, "name": "x", "type": "int"}]}],)";
  EXPECT_NE(message(head + R"("snapshots": [{"snapshot-id": 1, "timestamp-ms": 1, "manifest-list": "l"},
      {"snapshot-id": 2, "timestamp-ms": "yesterday", "manifest-list": "l"}]})")
                .find("snapshots[1].timestamp-ms"),
            std::string::npos);
  EXPECT_NE(
      message(head + R"("snapshots": [{"snapshot-id": 1, "timestamp-ms": 1}]})").find("snapshots[0].manifest-list"),
      std::string::npos);
  EXPECT_NE(message(head + R"("current-snapshot-id": 9, "snapshots": []})").find("current-snapshot-id"),
            std::string::npos);
  EXPECT_NE(message(R"({"format-version": 2, "location": "/t", "current-schema-id": 0, "schemas": [{"schema-id": 0,
      "fields": [{"id": 1, "name": "m", "type": {"type": "map", "key-id": 2, "key": "string", "value": "int"}}]}]})")
                .find("schemas[0].fields[0].type.value-id"),
            std::string::npos);
  EXPECT_NE(message(R"({"format-version": 2, "location": "/t", "current-schema-id": 4, "schemas": []})")
                .find("current-schema-id"),
            std::string::npos);
  EXPECT_NE(message(head + R"("refs": {"main": {"type": "branch"}}})").find("refs.main.snapshot-id"),
            std::string::npos);
  EXPECT_NE(message(R"({"format-version": 2, "location": 5})").find("expected a string"), std::string::npos);
  EXPECT_NE(message("{not json").find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace icegraph::iceberg
