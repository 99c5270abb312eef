// Helpers for the scan and reader tests: tiny Parquet files with field ids written to a temporary directory, and
// record batches flattened to comparable strings.
#pragma once

#include <arrow/api.h>
#include <arrow/io/file.h>
#include <arrow/json/from_string.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "iceberg/model.h"

namespace icegraph::iceberg::testing {

/// An Arrow field carrying an Iceberg field id, as Iceberg writers store it in Parquet.
inline std::shared_ptr<arrow::Field> IdField(const std::string& name, std::shared_ptr<arrow::DataType> type, int32_t id,
                                             bool nullable = true) {
  return arrow::field(name, std::move(type), nullable,
                      arrow::key_value_metadata({"PARQUET:field_id"}, {std::to_string(id)}));
}

/// An Iceberg field; children for nested types.
inline Field F(int32_t id, std::string name, std::string type, bool required = false,
               std::vector<Field> children = {}) {
  Field f;
  f.id = id;
  f.name = std::move(name);
  f.type = std::move(type);
  f.required = required;
  f.children = std::move(children);
  return f;
}

/// A table from one JSON array per column.
inline std::shared_ptr<arrow::Table> MakeTable(const std::shared_ptr<arrow::Schema>& schema,
                                               const std::vector<std::string>& columns) {
  arrow::ArrayVector arrays;
  for (int i = 0; i < schema->num_fields(); ++i) {
    auto a = arrow::json::ArrayFromJSONString(schema->field(i)->type(), columns.at(static_cast<size_t>(i)));
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    arrays.push_back(*a);
  }
  return arrow::Table::Make(schema, arrays);
}

/// A directory under the system temp dir named after the running test, removed at the end.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("icegraph-" + std::string(info->test_suite_name()) + "-" + info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string Path(const std::string& name) const { return (path_ / name).string(); }

  /// Writes `table` as Parquet with row groups of `row_group_size` rows; returns the path.
  std::string WriteParquet(const std::string& name, const std::shared_ptr<arrow::Table>& table,
                           int64_t row_group_size = 1024) const {
    std::string path = Path(name);
    auto out = arrow::io::FileOutputStream::Open(path);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    const auto st = parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), *out, row_group_size);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_TRUE((*out)->Close().ok());
    return path;
  }

  /// Writes raw bytes; returns the path.
  std::string WriteBytes(const std::string& name, const std::string& bytes) const {
    std::string path = Path(name);
    auto out = arrow::io::FileOutputStream::Open(path);
    EXPECT_TRUE(out.ok());
    EXPECT_TRUE((*out)->Write(bytes.data(), static_cast<int64_t>(bytes.size())).ok());
    EXPECT_TRUE((*out)->Close().ok());
    return path;
  }

 private:
  std::filesystem::path path_;
};

/// Each row as "col=value|col=value" (Arrow's scalar text; null as "null").
inline std::vector<std::string> Rows(const arrow::Table& table) {
  std::vector<std::string> rows;
  auto combined = table.CombineChunksToBatch();
  EXPECT_TRUE(combined.ok()) << combined.status().ToString();
  const auto& batch = **combined;
  for (int64_t r = 0; r < batch.num_rows(); ++r) {
    std::string row;
    for (int c = 0; c < batch.num_columns(); ++c) {
      auto s = batch.column(c)->GetScalar(r);
      row += (c > 0 ? "|" : "") + batch.schema()->field(c)->name() + "=" + (*s)->ToString();
    }
    rows.push_back(row);
  }
  return rows;
}

/// Bytes from lowercase hex.
inline std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

/// A deletion-vector-v1 blob made with pyroaring 1.2 (BitMap.serialize, zlib.crc32) deleting positions 0, 2, 5,
/// 100..200 (a run container) and 2^32 + 7 (second 32-bit key).
inline constexpr std::string_view kDeletionVectorBlobHex =
    "00000041d1d339640200000000000000000000003b3000000100006700040000000000020000000500000064006400010000003a3000"
    "000100000000000000100000000700041755f5";

/// A data-file DataFile for a path.
inline DataFile DataFileAt(const std::string& path, int64_t record_count = 0) {
  DataFile f;
  f.file_path = path;
  f.record_count = record_count;
  return f;
}

}  // namespace icegraph::iceberg::testing
