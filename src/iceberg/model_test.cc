#include "iceberg/model.h"

#include <gtest/gtest.h>

namespace icegraph::iceberg {
namespace {

Field Leaf(int32_t id, std::string name, std::string type = "string") {
  Field f;
  f.id = id;
  f.name = std::move(name);
  f.type = std::move(type);
  return f;
}

Field Nested(int32_t id, std::string name, std::string type, std::vector<Field> children) {
  Field f = Leaf(id, std::move(name), std::move(type));
  f.children = std::move(children);
  return f;
}

// id, address{city, geo{lat}}, tags list<string>, attrs map<string, struct{v}>
Schema NestedSchema() {
  Schema s;
  s.schema_id = 3;
  s.fields = {Leaf(1, "id", "long"),
              Nested(2, "address", "struct", {Leaf(3, "city"), Nested(4, "geo", "struct", {Leaf(5, "lat", "double")})}),
              Nested(6, "tags", "list", {Leaf(7, "element")}),
              Nested(8, "attrs", "map", {Leaf(9, "key"), Nested(10, "value", "struct", {Leaf(11, "v", "int")})})};
  return s;
}

TEST(SchemaTest, FindFieldSearchesTheWholeTree) {
  const Schema s = NestedSchema();
  EXPECT_EQ(s.FindField(1)->name, "id");
  EXPECT_EQ(s.FindField(5)->name, "lat");
  EXPECT_EQ(s.FindField(7)->name, "element");
  EXPECT_EQ(s.FindField(9)->name, "key");
  EXPECT_EQ(s.FindField(11)->type, "int");
  EXPECT_EQ(s.FindField(12), nullptr);
  EXPECT_EQ(Schema{}.FindField(1), nullptr);
}

TEST(SchemaTest, FindByPathFollowsDottedNames) {
  const Schema s = NestedSchema();
  EXPECT_EQ(s.FindByPath("id")->id, 1);
  EXPECT_EQ(s.FindByPath("address")->id, 2);
  EXPECT_EQ(s.FindByPath("address.geo.lat")->id, 5);
  EXPECT_EQ(s.FindByPath("tags.element")->id, 7);
  EXPECT_EQ(s.FindByPath("attrs.value.v")->id, 11);
  EXPECT_EQ(s.FindByPath("city"), nullptr);  // not top level
  EXPECT_EQ(s.FindByPath("address.zip"), nullptr);
  EXPECT_EQ(s.FindByPath(""), nullptr);
  EXPECT_EQ(s.FindByPath("address."), nullptr);
  EXPECT_EQ(s.FindByPath("ID"), nullptr);  // names are case sensitive
}

TableMetadata Table() {
  TableMetadata m;
  Schema old_schema;
  old_schema.schema_id = 0;
  m.schemas = {old_schema, NestedSchema()};
  m.current_schema_id = 3;
  PartitionSpec spec;
  spec.spec_id = 2;
  m.partition_specs = {PartitionSpec{}, spec};
  for (const auto& [id, parent, ts] :
       {std::tuple<int64_t, int64_t, int64_t>{10, 0, 1000}, {20, 10, 2000}, {30, 20, 3000}, {40, 20, 4000}}) {
    Snapshot s;
    s.snapshot_id = id;
    if (parent != 0) s.parent_snapshot_id = parent;
    s.timestamp_ms = ts;
    m.snapshots.push_back(s);
  }
  m.current_snapshot_id = 20;
  // 30 was current, then the table was rolled back to 20 at 3500, then 40 committed on top of 20 and rolled back.
  m.snapshot_log = {{1000, 10}, {2000, 20}, {3000, 30}, {3500, 20}};
  return m;
}

TEST(TableMetadataTest, LooksUpById) {
  const TableMetadata m = Table();
  EXPECT_EQ(m.CurrentSchema()->schema_id, 3);
  EXPECT_EQ(m.SchemaById(0)->schema_id, 0);
  EXPECT_EQ(m.SchemaById(7), nullptr);
  EXPECT_EQ(m.SpecById(2)->spec_id, 2);
  EXPECT_EQ(m.SpecById(5), nullptr);
  EXPECT_EQ(m.SnapshotById(30)->timestamp_ms, 3000);
  EXPECT_EQ(m.SnapshotById(99), nullptr);
  EXPECT_EQ(m.CurrentSnapshot()->snapshot_id, 20);
  TableMetadata empty = m;
  empty.current_snapshot_id.reset();
  EXPECT_EQ(empty.CurrentSnapshot(), nullptr);
}

TEST(TableMetadataTest, SnapshotAsOfFollowsTheLogThroughRollbacks) {
  const TableMetadata m = Table();
  EXPECT_EQ(m.SnapshotAsOf(999), nullptr);
  EXPECT_EQ(m.SnapshotAsOf(1000)->snapshot_id, 10);
  EXPECT_EQ(m.SnapshotAsOf(2999)->snapshot_id, 20);
  EXPECT_EQ(m.SnapshotAsOf(3000)->snapshot_id, 30);
  EXPECT_EQ(m.SnapshotAsOf(3600)->snapshot_id, 20);  // after the rollback, not 30
  EXPECT_EQ(m.SnapshotAsOf(5000)->snapshot_id, 20);  // 40 never became current
}

TEST(TableMetadataTest, SnapshotAsOfWithoutALogUsesCommitTimes) {
  TableMetadata m = Table();
  m.snapshot_log.clear();
  EXPECT_EQ(m.SnapshotAsOf(500), nullptr);
  EXPECT_EQ(m.SnapshotAsOf(2500)->snapshot_id, 20);
  EXPECT_EQ(m.SnapshotAsOf(9999)->snapshot_id, 40);
}

}  // namespace
}  // namespace icegraph::iceberg
