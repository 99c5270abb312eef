#include "iceberg/scan.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/io/file.h>
#include <gtest/gtest.h>
#include <parquet/arrow/writer.h>

#include <filesystem>
#include <nlohmann/json.hpp>

namespace icegraph::iceberg {
namespace {

std::shared_ptr<arrow::Field> IdField(const std::string& name, std::shared_ptr<arrow::DataType> t, int id) {
  return arrow::field(name, std::move(t), true, arrow::key_value_metadata({"PARQUET:field_id"}, {std::to_string(id)}));
}

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(arrow::compute::Initialize().ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("icegraph-scan-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    io_ = *FileIO::Make({});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::shared_ptr<arrow::Table>& table) {
    std::string path = (dir_ / name).string();
    auto out = arrow::io::FileOutputStream::Open(path);
    EXPECT_TRUE(out.ok());
    EXPECT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), *out, 2).ok());
    EXPECT_TRUE((*out)->Close().ok());
    return path;
  }

  // A data file written when the column was called "name" (field id 2); five rows, two row groups.
  std::string WriteData() {
    auto schema = arrow::schema({IdField("id", arrow::int64(), 1), IdField("name", arrow::utf8(), 2)});
    arrow::Int64Builder ids;
    arrow::StringBuilder names;
    for (int i = 0; i < 5; ++i) {
      EXPECT_TRUE(ids.Append(i).ok());
      EXPECT_TRUE(i == 3 ? names.AppendNull().ok() : names.Append("n" + std::to_string(i)).ok());
    }
    return Write("data.parquet", arrow::Table::Make(schema, {*ids.Finish(), *names.Finish()}));
  }

  std::vector<std::string> ReadRows(const ScanTask& task, const Schema& schema) {
    auto reader = OpenTask(*io_, task, schema, 2);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    std::vector<std::string> rows;
    std::shared_ptr<arrow::RecordBatch> batch;
    while ((*reader)->ReadNext(&batch).ok() && batch != nullptr) {
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        std::string row;
        for (int c = 0; c < batch->num_columns(); ++c) {
          auto s = batch->column(c)->GetScalar(r);
          row += (c ? "|" : "") + batch->schema()->field(c)->name() + "=" + (*s)->ToString();
        }
        rows.push_back(row);
      }
    }
    return rows;
  }

  static Schema CurrentSchema() {
    Schema s;
    s.fields = {{1, "id", false, "long"}, {2, "full_name", false, "string"}, {3, "city", false, "string"}};
    return s;
  }

  std::filesystem::path dir_;
  std::shared_ptr<FileIO> io_;
};

TEST_F(ScanTest, ProjectsByFieldIdAcrossRenamesAndAddedColumns) {
  ScanTask task;
  task.data_file.file_path = WriteData();
  EXPECT_EQ(ReadRows(task, CurrentSchema()),
            (std::vector<std::string>{"id=0|full_name=n0|city=null", "id=1|full_name=n1|city=null",
                                      "id=2|full_name=n2|city=null", "id=3|full_name=null|city=null",
                                      "id=4|full_name=n4|city=null"}));
}

TEST_F(ScanTest, AppliesPositionDeletesForThisFileOnly) {
  ScanTask task;
  task.data_file.file_path = WriteData();
  auto del_schema =
      arrow::schema({IdField("file_path", arrow::utf8(), 2147483546), IdField("pos", arrow::int64(), 2147483545)});
  arrow::StringBuilder files;
  arrow::Int64Builder pos;
  ASSERT_TRUE(files.AppendValues({task.data_file.file_path, "/other/file.parquet", task.data_file.file_path}).ok());
  ASSERT_TRUE(pos.AppendValues({1, 0, 4}).ok());
  DataFile del;
  del.content = Content::kPositionDeletes;
  del.file_path = Write("pos.parquet", arrow::Table::Make(del_schema, {*files.Finish(), *pos.Finish()}));
  task.position_deletes.push_back(del);
  EXPECT_EQ(ReadRows(task, CurrentSchema()),
            (std::vector<std::string>{"id=0|full_name=n0|city=null", "id=2|full_name=n2|city=null",
                                      "id=3|full_name=null|city=null"}));
}

TEST_F(ScanTest, AppliesEqualityDeletesWithNullSafeKeys) {
  ScanTask task;
  task.data_file.file_path = WriteData();
  auto del_schema = arrow::schema({IdField("name", arrow::utf8(), 2)});
  arrow::StringBuilder names;
  ASSERT_TRUE(names.Append("n2").ok());
  ASSERT_TRUE(names.AppendNull().ok());  // deletes the row whose name is null
  ASSERT_TRUE(names.Append("absent").ok());
  DataFile del;
  del.content = Content::kEqualityDeletes;
  del.equality_ids = {2};
  del.file_path = Write("eq.parquet", arrow::Table::Make(del_schema, {*names.Finish()}));
  task.equality_deletes.push_back(del);
  Schema only_id;
  only_id.fields = {{1, "id", false, "long"}};  // the key column is read even when not projected
  EXPECT_EQ(ReadRows(task, only_id), (std::vector<std::string>{"id=0", "id=1", "id=4"}));
}

TEST(AssignDeletesTest, FollowsSequenceNumberAndPartitionRules) {
  TableMetadata table;
  table.partition_specs = {PartitionSpec{0, {}}, PartitionSpec{1, {{2, 1000, "region", "identity"}}}};
  const auto entry = [](Content c, int64_t seq, int spec, std::string part, std::string path) {
    ManifestEntry e;
    e.sequence_number = seq;
    e.file.content = c;
    e.file.spec_id = spec;
    e.file.partition_json = std::move(part);
    e.file.file_path = std::move(path);
    return e;
  };
  const std::vector<ManifestEntry> data = {entry(Content::kData, 1, 1, R"({"region":"eu"})", "a"),
                                           entry(Content::kData, 3, 1, R"({"region":"eu"})", "b"),
                                           entry(Content::kData, 1, 1, R"({"region":"us"})", "c")};
  std::vector<ManifestEntry> deletes = {
      entry(Content::kPositionDeletes, 3, 1, R"({"region":"eu"})", "pos-eu-3"),  // a (1<=3), b (3<=3)
      entry(Content::kEqualityDeletes, 3, 1, R"({"region":"eu"})", "eq-eu-3"),   // a only (1<3; not 3<3)
      entry(Content::kEqualityDeletes, 2, 0, "{}", "eq-global-2"),               // unpartitioned: a and c
  };
  deletes.push_back(entry(Content::kPositionDeletes, 9, 1, R"({"region":"us"})", "pos-ref"));
  deletes.back().file.referenced_data_file = "zzz";  // refers to another file: applies to none
  const auto tasks = AssignDeletes(data, deletes, table);
  ASSERT_EQ(tasks.size(), 3u);
  const auto names = [](const std::vector<DataFile>& files) {
    std::vector<std::string> out;
    out.reserve(files.size());
    for (const auto& f : files) out.push_back(f.file_path);
    return out;
  };
  EXPECT_EQ(names(tasks[0].position_deletes), (std::vector<std::string>{"pos-eu-3"}));
  EXPECT_EQ(names(tasks[0].equality_deletes), (std::vector<std::string>{"eq-eu-3", "eq-global-2"}));
  EXPECT_EQ(names(tasks[1].position_deletes), (std::vector<std::string>{"pos-eu-3"}));
  EXPECT_TRUE(tasks[1].equality_deletes.empty());
  EXPECT_TRUE(tasks[2].position_deletes.empty());
  EXPECT_EQ(names(tasks[2].equality_deletes), (std::vector<std::string>{"eq-global-2"}));
}

TEST(ScanTaskTest, JsonRoundTrip) {
  ScanTask t;
  t.data_file.file_path = "s3://b/d.parquet";
  t.data_file.record_count = 7;
  t.data_sequence_number = 4;
  DataFile eq;
  eq.content = Content::kEqualityDeletes;
  eq.file_path = "s3://b/eq.parquet";
  eq.equality_ids = {1, 2};
  t.equality_deletes.push_back(eq);
  auto back = ScanTask::FromJson(t.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ToJson(), t.ToJson());
  EXPECT_EQ(back->equality_deletes[0].equality_ids, (std::vector<int32_t>{1, 2}));
  EXPECT_FALSE(ScanTask::FromJson(nlohmann::json::object()).ok());
}

}  // namespace
}  // namespace icegraph::iceberg
