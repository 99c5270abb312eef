#include "iceberg/reader.h"

#include <gtest/gtest.h>
#include <parquet/file_reader.h>
#include <parquet/metadata.h>

#include <nlohmann/json.hpp>

#include "iceberg/deletes.h"
#include "iceberg/scan_test_util.h"

namespace icegraph::iceberg {
namespace {

using testing::DataFileAt;
using testing::F;
using testing::IdField;
using testing::MakeTable;
using testing::Rows;
using testing::TempDir;
using Strings = std::vector<std::string>;

class ReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { io_ = *FileIO::Make({}); }

  // Five rows written when field 2 was called "name"; row groups of two rows.
  std::string WriteData() {
    auto schema = arrow::schema({IdField("id", arrow::int64(), 1), IdField("name", arrow::utf8(), 2)});
    return dir_.WriteParquet("data.parquet", MakeTable(schema, {"[0,1,2,3,4]", R"(["a","b","c",null,"e"])"}), 2);
  }

  // Position deletes (file_path, pos) with the spec's reserved field ids.
  std::string WritePositionDeletes(const std::string& name, const std::vector<std::pair<std::string, int64_t>>& rows) {
    auto schema = arrow::schema({IdField("file_path", arrow::utf8(), kDeleteFilePathFieldId, false),
                                 IdField("pos", arrow::int64(), kDeletePosFieldId, false)});
    arrow::StringBuilder paths;
    arrow::Int64Builder pos;
    for (const auto& [p, n] : rows) {
      EXPECT_TRUE(paths.Append(p).ok());
      EXPECT_TRUE(pos.Append(n).ok());
    }
    return dir_.WriteParquet(name, arrow::Table::Make(schema, {*paths.Finish(), *pos.Finish()}));
  }

  // Renamed field 2 and a column added after the file was written.
  static Schema CurrentSchema() {
    Schema s;
    s.fields = {F(1, "id", "long", true), F(2, "full_name", "string"), F(3, "city", "string")};
    return s;
  }

  ScanTask Task(const std::string& path) {
    ScanTask t;
    t.data_file = DataFileAt(path, 5);
    t.schema = CurrentSchema();
    return t;
  }

  Strings Read(const ScanTask& task, ReadOptions options = {}) {
    options.parquet.batch_size = 2;
    auto reader = TaskReader::Open(*io_, task, options);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return {};
    auto table = (*reader)->ReadAll();
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    if (!table.ok()) return {};
    const auto valid = (*table)->ValidateFull();  // catches malformed arrays built while conforming
    EXPECT_TRUE(valid.ok()) << valid.ToString();
    return Rows(**table);
  }

  TempDir dir_;
  std::shared_ptr<FileIO> io_;
};

TEST_F(ReaderTest, ProjectsByFieldIdAcrossRenamesAndAddedColumns) {
  const ScanTask task = Task(WriteData());
  EXPECT_EQ(Read(task),
            (Strings{"id=0|full_name=a|city=null", "id=1|full_name=b|city=null", "id=2|full_name=c|city=null",
                     "id=3|full_name=null|city=null", "id=4|full_name=e|city=null"}));
  auto reader = TaskReader::Open(*io_, task);
  ASSERT_TRUE(reader.ok());
  const auto& schema = *(*reader)->schema();
  EXPECT_EQ(schema.field(1)->name(), "full_name");
  EXPECT_FALSE(schema.field(0)->nullable());  // required
  EXPECT_EQ(schema.field(1)->metadata()->Get("PARQUET:field_id").ValueOrDie(), "2");
}

TEST_F(ReaderTest, ProjectsChosenFieldsInOrder) {
  ScanTask task = Task(WriteData());
  task.projected_field_ids = {3, 2};
  EXPECT_EQ(Read(task)[0], "city=null|full_name=a");
  task.projected_field_ids = {99};
  EXPECT_EQ(TaskReader::Open(*io_, task).status().code(), StatusCode::kNotFound);
}

TEST_F(ReaderTest, AddedColumnReadsItsInitialDefault) {
  ScanTask task = Task(WriteData());
  task.schema.fields[2].initial_default_json = R"("Paris")";
  task.schema.fields.push_back(F(4, "since", "date"));
  task.schema.fields.back().initial_default_json = R"("2024-01-02")";
  task.schema.fields.push_back(F(5, "score", "int"));
  task.schema.fields.back().initial_default_json = "7";
  task.projected_field_ids = {1, 3, 4, 5};
  EXPECT_EQ(Read(task)[0], "id=0|city=Paris|since=2024-01-02|score=7");
}

TEST_F(ReaderTest, PromotesIntToLongAndFloatToDouble) {
  auto schema = arrow::schema({IdField("n", arrow::int32(), 1), IdField("x", arrow::float32(), 2)});
  ScanTask task;
  task.data_file = DataFileAt(dir_.WriteParquet("p.parquet", MakeTable(schema, {"[1, null]", "[1.5, 2.5]"})));
  task.schema.fields = {F(1, "n", "long"), F(2, "x", "double")};
  EXPECT_EQ(Read(task), (Strings{"n=1|x=1.5", "n=null|x=2.5"}));
  auto reader = TaskReader::Open(*io_, task);
  ASSERT_TRUE(reader.ok());
  auto batch = (*reader)->Next();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ((*batch)->column(0)->type()->id(), arrow::Type::INT64);
  EXPECT_EQ((*batch)->column(1)->type()->id(), arrow::Type::DOUBLE);
}

TEST_F(ReaderTest, IncompatibleTypeIsATypeError) {
  ScanTask task = Task(WriteData());
  task.schema.fields[1].type = "long";  // the file has strings
  auto reader = TaskReader::Open(*io_, task);
  ASSERT_TRUE(reader.ok());
  auto batch = (*reader)->Next();
  EXPECT_EQ(batch.status().code(), StatusCode::kTypeError);
  EXPECT_NE(batch.status().message().find("full_name"), std::string::npos);
}

TEST_F(ReaderTest, NestedStructChildrenMatchByIdAndListsConvert) {
  auto address = arrow::struct_({IdField("town", arrow::utf8(), 5)});
  auto tags = arrow::list(IdField("element", arrow::int32(), 7));
  auto schema =
      arrow::schema({IdField("id", arrow::int64(), 1), IdField("address", address, 4), IdField("tags", tags, 6)});
  const std::string path = dir_.WriteParquet(
      "nested.parquet", MakeTable(schema, {"[1, 2]", R"([{"town": "Oslo"}, null])", "[[1, 2], null]"}));
  ScanTask task;
  task.data_file = DataFileAt(path);
  task.schema.fields = {F(1, "id", "long"),
                        F(4, "addr", "struct", false, {F(5, "city", "string"), F(8, "zip", "string")}),
                        F(6, "tags", "list", false, {F(7, "element", "long")})};
  EXPECT_EQ(Read(task), (Strings{"id=1|addr={city:string = Oslo, zip:string = null}|tags=list<element: int64>[1, 2]",
                                 "id=2|addr=null|tags=null"}));
}

TEST_F(ReaderTest, MapKeysAndValuesConformByFieldId) {
  auto map_type =
      std::make_shared<arrow::MapType>(IdField("key", arrow::utf8(), 3, false), IdField("value", arrow::int32(), 4));
  auto schema = arrow::schema({IdField("attrs", map_type, 2)});
  const std::string path =
      dir_.WriteParquet("map.parquet", MakeTable(schema, {R"([[["a", 1], ["b", null]], null, []])"}));
  ScanTask task;
  task.data_file = DataFileAt(path);
  task.schema.fields = {F(2, "attributes", "map", false, {F(3, "key", "string", true), F(4, "value", "long")})};
  auto reader = TaskReader::Open(*io_, task);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto table = (*reader)->ReadAll();
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const auto& type = static_cast<const arrow::MapType&>(*(*table)->schema()->field(0)->type());
  EXPECT_EQ(type.item_type()->id(), arrow::Type::INT64);
  EXPECT_EQ((*table)->schema()->field(0)->name(), "attributes");
  ASSERT_TRUE((*table)->column(0)->chunk(0)->ValidateFull().ok());
  EXPECT_EQ((*table)->column(0)->null_count(), 1);
}

TEST_F(ReaderTest, AppliesPositionDeletesForThisFileOnly) {
  const std::string data = WriteData();
  ScanTask task = Task(data);
  task.position_deletes.push_back(
      DataFileAt(WritePositionDeletes("pos.parquet", {{data, 1}, {data, 3}, {"other.parquet", 0}, {data, 3}})));
  task.position_deletes.back().content = Content::kPositionDeletes;
  task.projected_field_ids = {1};
  ReadOptions options;
  options.with_pos = true;
  EXPECT_EQ(Read(task, options), (Strings{"id=0|_pos=0", "id=2|_pos=2", "id=4|_pos=4"}));
}

TEST_F(ReaderTest, AppliesDeletionVectors) {
  const std::string data = WriteData();
  // A Puffin file: magic, then a deletion-vector-v1 blob (made with pyroaring) deleting 0, 2, 5, 100..200, 2^32+7.
  const std::string blob = testing::FromHex(testing::kDeletionVectorBlobHex);
  const std::string puffin = dir_.WriteBytes("dv.puffin", "PFA1" + blob);
  DataFile dv = DataFileAt(puffin);
  dv.content = Content::kPositionDeletes;
  dv.format = FileFormat::kPuffin;
  dv.referenced_data_file = data;
  dv.content_offset = 4;
  dv.content_size_in_bytes = static_cast<int64_t>(blob.size());
  ScanTask task = Task(data);
  task.position_deletes.push_back(dv);
  task.projected_field_ids = {1};
  EXPECT_EQ(Read(task), (Strings{"id=1", "id=3", "id=4"}));

  dv.referenced_data_file = "elsewhere.parquet";
  task.position_deletes = {dv};
  EXPECT_EQ(TaskReader::Open(*io_, task).status().code(), StatusCode::kInvalid);
}

TEST_F(ReaderTest, AppliesEqualityDeletesWithMultiColumnKeysAndNulls) {
  auto schema = arrow::schema(
      {IdField("a", arrow::int32(), 1), IdField("b", arrow::utf8(), 2), IdField("c", arrow::float64(), 3)});
  const std::string data = dir_.WriteParquet(
      "data.parquet",
      MakeTable(schema,
                {"[1, 1, 2, 2, null, null, 3]", R"(["x", "y", null, "y", null, "x", "z"])", "[0, 1, 2, 3, 4, 5, 6]"}),
      3);
  // Keys (a, b): (1, "x"), (2, null) and (null, null) delete those rows; null matches null only.
  auto key_schema = arrow::schema({IdField("b", arrow::utf8(), 2), IdField("a", arrow::int64(), 1)});
  DataFile eq_ab = DataFileAt(
      dir_.WriteParquet("eq_ab.parquet", MakeTable(key_schema, {R"(["x", null, null, "q"])", "[1, 2, null, 9]"})));
  eq_ab.content = Content::kEqualityDeletes;
  eq_ab.equality_ids = {1, 2};
  // A second file keyed on b alone.
  DataFile eq_b = DataFileAt(
      dir_.WriteParquet("eq_b.parquet", MakeTable(arrow::schema({IdField("b", arrow::utf8(), 2)}), {R"(["z"])"})));
  eq_b.content = Content::kEqualityDeletes;
  eq_b.equality_ids = {2};

  ScanTask task;
  task.data_file = DataFileAt(data);
  task.schema.fields = {F(1, "a", "long"), F(2, "b", "string"), F(3, "c", "double")};
  task.equality_deletes = {eq_ab, eq_b};
  task.projected_field_ids = {3};  // the key columns are read for the deletes but not returned
  EXPECT_EQ(Read(task), (Strings{"c=1", "c=3", "c=5"}));
}

TEST_F(ReaderTest, AppliesTheResidualFilter) {
  ScanTask task = Task(WriteData());
  auto filter = ParseFilter("id >= 1 AND full_name IS NOT NULL AND full_name != 'e'");
  ASSERT_TRUE(filter.ok());
  task.residual = *filter;
  task.projected_field_ids = {2};
  EXPECT_EQ(Read(task), (Strings{"full_name=b", "full_name=c"}));
  ReadOptions unfiltered;
  unfiltered.apply_residual = false;
  EXPECT_EQ(Read(task, unfiltered).size(), 5u);
}

TEST_F(ReaderTest, ResidualOnAFloatColumnMatchesTheLiteralRoundedToFloat) {
  auto schema = arrow::schema({IdField("x", arrow::float32(), 1)});
  ScanTask task;
  task.data_file = DataFileAt(dir_.WriteParquet("f.parquet", MakeTable(schema, {"[0.1, 0.2, null]"})));
  task.schema.fields = {F(1, "x", "float")};
  task.residual = *BindFilter(*ParseFilter("x = 0.1"), task.schema);
  EXPECT_EQ(Read(task), (Strings{"x=0.1"}));
}

TEST_F(ReaderTest, AddsFilePathColumn) {
  const std::string data = WriteData();
  ScanTask task = Task(data);
  task.projected_field_ids = {1};
  ReadOptions options;
  options.with_file_path = true;
  options.with_pos = true;
  EXPECT_EQ(Read(task, options)[4], "id=4|_pos=4|_file=" + data);
}

TEST_F(ReaderTest, ReturnsRowsNewlyDeletedByGivenDeleteFiles) {
  const std::string data = WriteData();
  ScanTask task = Task(data);
  task.position_deletes.push_back(DataFileAt(WritePositionDeletes("old.parquet", {{data, 0}})));
  task.position_deletes.back().content = Content::kPositionDeletes;
  DataFile added = DataFileAt(WritePositionDeletes("new.parquet", {{data, 0}, {data, 1}}));
  added.content = Content::kPositionDeletes;
  DataFile eq = DataFileAt(dir_.WriteParquet(
      "eq.parquet", MakeTable(arrow::schema({IdField("name", arrow::utf8(), 2)}), {R"(["e", "a"])"})));
  eq.content = Content::kEqualityDeletes;
  eq.equality_ids = {2};
  task.projected_field_ids = {1, 2};
  // Row 0 was already deleted before; rows 1 (by position) and 4 (by key "e") are new.
  auto table = ReadDeletedRows(*io_, task, {added}, {eq});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(Rows(**table), (Strings{"id=1|full_name=b|_pos=1", "id=4|full_name=e|_pos=4"}));
  auto none = ReadDeletedRows(*io_, task, {}, {});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)->num_rows(), 0);
}

TEST_F(ReaderTest, FillsAnAbsentIdentityPartitionColumnFromThePartitionValue) {
  ScanTask task = Task(WriteData());
  task.spec.fields = {{3, 1000, "city", "identity"}};
  task.data_file.partition = std::make_shared<const nlohmann::json>(nlohmann::json{{"city", "Oslo"}});
  task.projected_field_ids = {1, 3};
  EXPECT_EQ(Read(task)[0], "id=0|city=Oslo");
}

TEST_F(ReaderTest, UsesTheNameMappingForFilesWithoutFieldIds) {
  auto schema = arrow::schema({arrow::field("ident", arrow::int64()), arrow::field("nm", arrow::utf8())});
  ScanTask task = Task(dir_.WriteParquet("noids.parquet", MakeTable(schema, {"[7]", R"(["q"])"})));
  EXPECT_EQ(Read(task), (Strings{"id=null|full_name=null|city=null"}));
  task.name_mapping_json = R"([{"field-id": 1, "names": ["id", "ident"]}, {"field-id": 2, "names": ["nm"]}])";
  EXPECT_EQ(Read(task), (Strings{"id=7|full_name=q|city=null"}));
}

TEST_F(ReaderTest, CountsRowsWhenNoColumnComesFromTheFile) {
  const std::string data = WriteData();
  ScanTask task = Task(data);
  task.projected_field_ids = {3};
  task.position_deletes.push_back(DataFileAt(WritePositionDeletes("pos.parquet", {{data, 4}})));
  task.position_deletes.back().content = Content::kPositionDeletes;
  ReadOptions options;
  options.with_pos = true;
  EXPECT_EQ(Read(task, options),
            (Strings{"city=null|_pos=0", "city=null|_pos=1", "city=null|_pos=2", "city=null|_pos=3"}));
}

TEST_F(ReaderTest, BatchesHoldAtMostTheBatchSize) {
  arrow::Int64Builder ids;
  for (int64_t i = 0; i < 1000; ++i) ASSERT_TRUE(ids.Append(i).ok());
  auto table = arrow::Table::Make(arrow::schema({IdField("id", arrow::int64(), 1)}), {*ids.Finish()});
  ScanTask task;
  task.data_file = DataFileAt(dir_.WriteParquet("big.parquet", table, 300));
  task.schema.fields = {F(1, "id", "long")};
  ReadOptions options;
  options.parquet.batch_size = 128;
  auto reader = TaskReader::Open(*io_, task, options);
  ASSERT_TRUE(reader.ok());
  int64_t rows = 0;
  while (true) {
    auto batch = (*reader)->Next();
    ASSERT_TRUE(batch.ok());
    if (*batch == nullptr) break;
    EXPECT_LE((*batch)->num_rows(), 128);
    rows += (*batch)->num_rows();
  }
  EXPECT_EQ(rows, 1000);
}

// Strings of every length around the 16-byte move (empty, 15, 16, 17, 40 bytes) and nulls, written with a
// dictionary (a `dictionary_pagesize_limit` of 1 MB) or falling back to plain pages after the first (64 bytes): both
// read back as the same dense strings, batch by batch across row groups.
class DictionaryReadTest : public ReaderTest, public ::testing::WithParamInterface<int64_t> {};

TEST_P(DictionaryReadTest, StringsReadBackAsWritten) {
  const std::vector<std::string> values = {
      "", "a", std::string(15, 'b'), std::string(16, 'c'), std::string(17, 'd'), std::string(40, 'e'), "f"};
  arrow::StringBuilder names;
  arrow::BinaryBuilder blobs;
  Strings expected;
  for (int64_t i = 0; i < 3000; ++i) {
    const std::string& v = values[static_cast<size_t>(i * 5) % values.size()];
    const bool null = i % 11 == 4;
    ASSERT_TRUE((null ? names.AppendNull() : names.Append(v)).ok());
    ASSERT_TRUE(blobs.Append(v + "!").ok());
    expected.push_back("name=" + (null ? std::string("null") : v) + "|blob=" + v + "!");
  }
  const auto schema = arrow::schema({IdField("name", arrow::utf8(), 1), IdField("blob", arrow::binary(), 2)});
  const auto table = arrow::Table::Make(schema, {*names.Finish(), *blobs.Finish()});
  const std::string path = dir_.Path("dict.parquet");
  const auto props =
      parquet::WriterProperties::Builder().dictionary_pagesize_limit(GetParam())->write_batch_size(64)->build();
  const auto arrow_props = parquet::ArrowWriterProperties::Builder().store_schema()->build();
  auto out = arrow::io::FileOutputStream::Open(path);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(parquet::arrow::WriteTable(*table, arrow::default_memory_pool(), *out, 1000, props, arrow_props).ok());
  ASSERT_TRUE((*out)->Close().ok());

  // The file is what the case says: every data page dictionary-encoded, or some plain.
  auto file = parquet::ParquetFileReader::OpenFile(path);
  bool plain = false;
  const auto metadata = file->metadata();
  for (int g = 0; g < metadata->num_row_groups(); ++g) {
    const auto group = metadata->RowGroup(g);
    const auto chunk = group->ColumnChunk(0);
    for (const auto& page : chunk->encoding_stats()) {
      plain = plain || (page.page_type == parquet::PageType::DATA_PAGE && page.encoding == parquet::Encoding::PLAIN);
    }
  }
  EXPECT_EQ(plain, GetParam() < 1024);

  ScanTask task;
  task.data_file = DataFileAt(path, 3000);
  task.schema.fields = {F(1, "name", "string"), F(2, "blob", "binary")};
  ReadOptions options;
  options.parquet.batch_size = 128;
  auto reader = TaskReader::Open(*io_, task, options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto read = (*reader)->ReadAll();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_TRUE((*read)->ValidateFull().ok());
  EXPECT_TRUE((*read)->schema()->field(0)->type()->Equals(arrow::utf8()));
  EXPECT_TRUE((*read)->schema()->field(1)->type()->Equals(arrow::binary()));
  EXPECT_EQ(Rows(**read), expected);
}

INSTANTIATE_TEST_SUITE_P(DictionaryOrPlain, DictionaryReadTest, ::testing::Values(int64_t{1} << 20, int64_t{64}));

TEST_F(ReaderTest, ServesArrowRecordBatchReader) {
  auto reader = TaskReader::Open(*io_, Task(WriteData()));
  ASSERT_TRUE(reader.ok());
  auto arrow_reader = AsRecordBatchReader(std::move(*reader));
  auto table = arrow_reader->ToTable();
  ASSERT_TRUE(table.ok());
  EXPECT_EQ((*table)->num_rows(), 5);
}

TEST_F(ReaderTest, RejectsNonParquetDataFiles) {
  ScanTask task = Task(WriteData());
  task.data_file.format = FileFormat::kOrc;
  EXPECT_EQ(TaskReader::Open(*io_, task).status().code(), StatusCode::kNotImplemented);
}

}  // namespace
}  // namespace icegraph::iceberg
