// Shared fixtures of the mapping tests: a small Iceberg schema and Arrow batches shaped as the reader yields them.
#pragma once

#include <arrow/api.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"  // tests may reach across stages: mappings are written as YAML
#include "iceberg/arrow_conform.h"
#include "iceberg/model.h"
#include "mapping/model.h"

namespace icegraph::mapping::test {

inline iceberg::Field Fld(int32_t id, std::string name, std::string type, std::vector<iceberg::Field> children = {}) {
  iceberg::Field f;
  f.id = id;
  f.name = std::move(name);
  f.type = std::move(type);
  f.children = std::move(children);
  return f;
}

/// shop.purchases: order_id long, user_id long, email string, amount decimal(10,2), ordered_at timestamptz,
/// address struct<city string>, qty int, note string, tags list<string>.
inline iceberg::Schema PurchasesSchema() {
  iceberg::Schema s;
  s.fields = {Fld(1, "order_id", "long"),
              Fld(2, "user_id", "long"),
              Fld(3, "email", "string"),
              Fld(4, "amount", "decimal(10,2)"),
              Fld(5, "ordered_at", "timestamptz"),
              Fld(6, "address", "struct", {Fld(7, "city", "string")}),
              Fld(8, "qty", "int"),
              Fld(9, "note", "string"),
              Fld(10, "tags", "list", {Fld(11, "element", "string")})};
  return s;
}

inline std::shared_ptr<arrow::Array> JsonArray(const std::shared_ptr<arrow::DataType>& type, const std::string& json) {
  auto r = arrow::json::ArrayFromJSONString(type, json);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : nullptr;
}

/// A batch of `schema`'s columns (Arrow fields with their Iceberg ids), one JSON array per column; a column given
/// as an Array (e.g. with invalid UTF-8) is used as is.
inline std::shared_ptr<arrow::RecordBatch> MakeBatch(const iceberg::Schema& schema,
                                                     const std::vector<std::shared_ptr<arrow::Array>>& columns) {
  std::vector<std::shared_ptr<arrow::Field>> fields;
  for (size_t i = 0; i < columns.size(); ++i) fields.push_back(*iceberg::ArrowFieldOf(schema.fields[i]));
  return arrow::RecordBatch::Make(arrow::schema(fields), columns.empty() ? 0 : columns[0]->length(), columns);
}

inline std::shared_ptr<arrow::DataType> TypeOf(const iceberg::Schema& schema, size_t i) {
  return *iceberg::ArrowTypeOf(schema.fields[i]);
}

inline std::optional<std::string> NoEnv(const std::string&) { return std::nullopt; }

inline constexpr const char* kConfigHead = R"(catalog: {type: sql, uri: "sqlite:///c.db"}
tigergraph: {urls: [http://127.0.0.1:14240], graph: shop}
)";

/// The mapping model of kConfigHead followed by `mappings`.
inline Model ParseOk(const std::string& mappings) {
  auto r = config::ParseConfig(std::string(kConfigHead) + mappings, "icegraph.yaml", "/tmp", &NoEnv);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r->pipeline.model : Model{};
}

}  // namespace icegraph::mapping::test
