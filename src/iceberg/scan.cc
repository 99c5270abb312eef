#include "iceberg/scan.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <parquet/arrow/reader.h>
#include <parquet/arrow/schema.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "iceberg/manifest_avro.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

Status FromArrow(const arrow::Status& st, const std::string& context) {
  return st.ok() ? Status::OK() : Status::IOError(context + ": " + st.ToString());
}

// `lhs` may be a declaration, so it cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define ICEGRAPH_ARROW_ASSIGN(lhs, expr, ctx)                        \
  auto ICEGRAPH_CONCAT(_ar_, __LINE__) = (expr);                     \
  if (!ICEGRAPH_CONCAT(_ar_, __LINE__).ok()) {                       \
    return FromArrow(ICEGRAPH_CONCAT(_ar_, __LINE__).status(), ctx); \
  }                                                                  \
  lhs = std::move(ICEGRAPH_CONCAT(_ar_, __LINE__)).ValueOrDie()
// NOLINTEND(bugprone-macro-parentheses)

std::optional<int32_t> FieldId(const arrow::Field& f) {
  if (f.metadata() == nullptr) return std::nullopt;
  const int i = f.metadata()->FindKey("PARQUET:field_id");
  if (i < 0) return std::nullopt;
  return std::stoi(f.metadata()->value(i));
}

void CollectLeaves(const parquet::arrow::SchemaField& f, std::vector<int>* out) {
  if (f.is_leaf()) out->push_back(f.column_index);
  for (const auto& c : f.children) CollectLeaves(c, out);
}

json DataFileJson(const DataFile& f) {
  json bounds_l = json::object();
  json bounds_u = json::object();
  return {{"content", static_cast<int>(f.content)},
          {"file_path", f.file_path},
          {"spec_id", f.spec_id},
          {"partition", f.partition_json},
          {"record_count", f.record_count},
          {"file_size_in_bytes", f.file_size_in_bytes},
          {"equality_ids", f.equality_ids},
          {"referenced_data_file", f.referenced_data_file ? json(*f.referenced_data_file) : json(nullptr)}};
}

DataFile DataFileFromJson(const json& j) {
  DataFile f;
  f.content = static_cast<Content>(j.at("content").get<int>());
  f.file_path = j.at("file_path").get<std::string>();
  f.spec_id = j.value("spec_id", 0);
  f.partition_json = j.value("partition", "");
  f.record_count = j.value("record_count", int64_t{0});
  f.file_size_in_bytes = j.value("file_size_in_bytes", int64_t{0});
  f.equality_ids = j.value("equality_ids", std::vector<int32_t>{});
  if (j.contains("referenced_data_file") && !j["referenced_data_file"].is_null()) {
    f.referenced_data_file = j["referenced_data_file"].get<std::string>();
  }
  return f;
}

// Reads whole (small) delete files: their columns by field id, or by name for position deletes.
Result<std::shared_ptr<arrow::Table>> ReadWholeFile(FileIO& io, const std::string& path) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto input, io.OpenInput(path));
  ICEGRAPH_ARROW_ASSIGN(auto reader, parquet::arrow::OpenFile(input, arrow::default_memory_pool()), path);
  ICEGRAPH_ARROW_ASSIGN(std::shared_ptr<arrow::Table> table, reader->ReadTable(), path);
  return table;
}

// Encodes the equality-key values of one row (null-safe: null equals null, as the spec says).
std::string RowKey(const std::vector<std::shared_ptr<arrow::Array>>& cols, int64_t row) {
  std::string key;
  for (const auto& c : cols) {
    if (c->IsNull(row)) {
      key += "\x01N";
    } else {
      auto s = c->GetScalar(row);
      key += "\x01V" + (s.ok() ? (*s)->ToString() : std::string());
    }
  }
  return key;
}

// Streams one data file's batches with deletes applied and columns projected by field id.
class TaskReader final : public arrow::RecordBatchReader {
 public:
  static Result<std::shared_ptr<TaskReader>> Open(FileIO& io, const ScanTask& task, const Schema& schema,
                                                  int64_t batch) {
    auto self = std::shared_ptr<TaskReader>(new TaskReader());
    const std::string& path = task.data_file.file_path;
    ICEGRAPH_ASSIGN_OR_RAISE(auto input, io.OpenInput(path));
    parquet::ArrowReaderProperties props;
    props.set_batch_size(batch);
    // Decode columns in parallel and fetch a row group's column chunks in one go, as pyarrow does by default.
    props.set_use_threads(true);
    props.set_pre_buffer(true);
    parquet::arrow::FileReaderBuilder builder;
    ICEGRAPH_RETURN_NOT_OK(FromArrow(builder.Open(input), path));
    builder.properties(props);
    ICEGRAPH_ARROW_ASSIGN(self->file_, builder.Build(), path);
    const auto& manifest = self->file_->manifest();
    // Map field ids of the file's top-level columns to their positions.
    std::map<int32_t, size_t> by_id;
    for (size_t i = 0; i < manifest.schema_fields.size(); ++i) {
      if (auto id = FieldId(*manifest.schema_fields[i].field)) by_id[*id] = i;
    }
    std::vector<int32_t> wanted;
    for (const Field& f : schema.fields) wanted.push_back(f.id);
    for (const DataFile& d : task.equality_deletes) {
      for (int32_t id : d.equality_ids) {
        if (std::find(wanted.begin(), wanted.end(), id) == wanted.end()) wanted.push_back(id);
      }
    }
    std::vector<int> leaves;
    std::vector<int32_t> read_ids;
    for (int32_t id : wanted) {
      const auto it = by_id.find(id);
      if (it == by_id.end()) continue;
      CollectLeaves(manifest.schema_fields[it->second], &leaves);
      read_ids.push_back(id);
    }
    std::vector<int> row_groups(static_cast<size_t>(self->file_->num_row_groups()));
    for (size_t i = 0; i < row_groups.size(); ++i) row_groups[i] = static_cast<int>(i);
    ICEGRAPH_ARROW_ASSIGN(self->inner_, self->file_->GetRecordBatchReader(row_groups, leaves), path);
    // Output schema: the projected fields under their current names, in schema order.
    ICEGRAPH_ASSIGN_OR_RAISE(auto target, ToArrowSchema(schema));
    const auto inner_schema = self->inner_->schema();
    std::vector<std::shared_ptr<arrow::Field>> out_fields;
    for (size_t i = 0; i < schema.fields.size(); ++i) {
      const int32_t id = schema.fields[i].id;
      int src = -1;
      for (int c = 0; c < inner_schema->num_fields(); ++c) {
        if (FieldId(*inner_schema->field(c)) == id) src = c;
      }
      self->source_.push_back(src);
      out_fields.push_back(src >= 0 ? arrow::field(schema.fields[i].name, inner_schema->field(src)->type())
                                    : target->field(static_cast<int>(i)));
    }
    for (const DataFile& d : task.equality_deletes) {
      std::vector<int> cols;
      for (int32_t id : d.equality_ids) {
        int src = -1;
        for (int c = 0; c < inner_schema->num_fields(); ++c) {
          if (FieldId(*inner_schema->field(c)) == id) src = c;
        }
        cols.push_back(src);
      }
      self->eq_cols_.push_back(cols);
    }
    self->schema_ = arrow::schema(out_fields);
    ICEGRAPH_RETURN_NOT_OK(self->LoadDeletes(io, task));
    return self;
  }

  std::shared_ptr<arrow::Schema> schema() const override { return schema_; }

  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* out) override {
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      ARROW_RETURN_NOT_OK(inner_->ReadNext(&batch));
      if (batch == nullptr) {
        *out = nullptr;
        return arrow::Status::OK();
      }
      const int64_t base = position_;
      position_ += batch->num_rows();
      std::vector<std::shared_ptr<arrow::Array>> columns;
      for (size_t i = 0; i < source_.size(); ++i) {
        if (source_[i] >= 0) {
          columns.push_back(batch->column(source_[i]));
        } else {
          ARROW_ASSIGN_OR_RAISE(auto nulls,
                                arrow::MakeArrayOfNull(schema_->field(static_cast<int>(i))->type(), batch->num_rows()));
          columns.push_back(nulls);
        }
      }
      auto projected = arrow::RecordBatch::Make(schema_, batch->num_rows(), columns);
      if (deleted_positions_.empty() && eq_keys_.empty()) {
        *out = projected;
        return arrow::Status::OK();
      }
      // Keep mask: one typed pass over the batch's positions and equality keys.
      arrow::BooleanBuilder keep;
      ARROW_RETURN_NOT_OK(keep.Reserve(batch->num_rows()));
      std::vector<std::vector<std::shared_ptr<arrow::Array>>> eq_arrays;
      for (const auto& cols : eq_cols_) {
        std::vector<std::shared_ptr<arrow::Array>> arrays;
        arrays.reserve(cols.size());
        for (int c : cols) {
          arrays.push_back(c >= 0 ? batch->column(c) : *arrow::MakeArrayOfNull(arrow::null(), batch->num_rows()));
        }
        eq_arrays.push_back(std::move(arrays));
      }
      int64_t kept = 0;
      for (int64_t r = 0; r < batch->num_rows(); ++r) {
        bool drop = std::binary_search(deleted_positions_.begin(), deleted_positions_.end(), base + r);
        for (size_t d = 0; !drop && d < eq_arrays.size(); ++d) drop = eq_keys_[d].count(RowKey(eq_arrays[d], r)) > 0;
        keep.UnsafeAppend(!drop);
        kept += drop ? 0 : 1;
      }
      if (kept == 0) continue;
      ARROW_ASSIGN_OR_RAISE(auto mask, keep.Finish());
      ARROW_ASSIGN_OR_RAISE(auto filtered, arrow::compute::Filter(projected, mask));
      *out = filtered.record_batch();
      return arrow::Status::OK();
    }
  }

 private:
  TaskReader() = default;

  Status LoadDeletes(FileIO& io, const ScanTask& task) {
    const std::string& path = task.data_file.file_path;
    for (const DataFile& d : task.position_deletes) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto table, ReadWholeFile(io, d.file_path));
      const auto file_col = table->GetColumnByName("file_path");
      const auto pos_col = table->GetColumnByName("pos");
      if (file_col == nullptr || pos_col == nullptr) {
        return Status::Invalid(d.file_path + ": a position delete file needs file_path and pos columns");
      }
      for (int c = 0; c < file_col->num_chunks(); ++c) {
        const auto files = file_col->chunk(c);
        const auto& pos = static_cast<const arrow::Int64Array&>(*pos_col->chunk(c));
        for (int64_t r = 0; r < files->length(); ++r) {
          auto s = files->GetScalar(r);
          const std::string f = s.ok() ? (*s)->ToString() : "";
          if (f == path) deleted_positions_.push_back(pos.Value(r));
        }
      }
    }
    std::sort(deleted_positions_.begin(), deleted_positions_.end());
    for (const DataFile& d : task.equality_deletes) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto table, ReadWholeFile(io, d.file_path));
      ICEGRAPH_ARROW_ASSIGN(auto combined, table->CombineChunksToBatch(), d.file_path);
      std::vector<std::shared_ptr<arrow::Array>> cols;
      for (int32_t id : d.equality_ids) {
        int src = -1;
        for (int c = 0; c < combined->num_columns(); ++c) {
          if (FieldId(*combined->schema()->field(c)) == id) src = c;
        }
        if (src < 0)
          return Status::Invalid(d.file_path + ": equality delete file lacks field id " + std::to_string(id));
        cols.push_back(combined->column(src));
      }
      std::unordered_set<std::string> keys;
      for (int64_t r = 0; r < combined->num_rows(); ++r) keys.insert(RowKey(cols, r));
      eq_keys_.push_back(std::move(keys));
    }
    return Status::OK();
  }

  std::unique_ptr<parquet::arrow::FileReader> file_;
  std::unique_ptr<arrow::RecordBatchReader> inner_;
  std::shared_ptr<arrow::Schema> schema_;
  std::vector<int> source_;                 // output column -> inner column, -1 for nulls
  std::vector<std::vector<int>> eq_cols_;   // per equality delete file: inner columns of its keys
  std::vector<int64_t> deleted_positions_;  // sorted
  std::vector<std::unordered_set<std::string>> eq_keys_;
  int64_t position_ = 0;
};

Result<std::shared_ptr<arrow::DataType>> ArrowType(const Field& f) {
  const std::string& t = f.type;
  if (t == "boolean") return arrow::boolean();
  if (t == "int") return arrow::int32();
  if (t == "long") return arrow::int64();
  if (t == "float") return arrow::float32();
  if (t == "double") return arrow::float64();
  if (t == "string") return arrow::utf8();
  if (t == "binary") return arrow::binary();
  if (t == "uuid") return arrow::fixed_size_binary(16);
  if (t == "date") return arrow::date32();
  if (t == "time") return arrow::time64(arrow::TimeUnit::MICRO);
  if (t == "timestamp") return arrow::timestamp(arrow::TimeUnit::MICRO);
  if (t == "timestamptz") return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  if (t == "timestamp_ns") return arrow::timestamp(arrow::TimeUnit::NANO);
  if (t == "timestamptz_ns") return arrow::timestamp(arrow::TimeUnit::NANO, "UTC");
  if (t.rfind("fixed[", 0) == 0) return arrow::fixed_size_binary(std::stoi(t.substr(6)));
  if (t.rfind("decimal(", 0) == 0) {
    const int p = std::stoi(t.substr(8));
    const int s = std::stoi(t.substr(t.find(',') + 1));
    return arrow::decimal128(p, s);
  }
  if (t == "struct") {
    std::vector<std::shared_ptr<arrow::Field>> children;
    for (const Field& c : f.children) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto ct, ArrowType(c));
      children.push_back(arrow::field(c.name, ct, !c.required));
    }
    return arrow::struct_(children);
  }
  if (t == "list") {
    ICEGRAPH_ASSIGN_OR_RAISE(auto et, ArrowType(f.children.at(0)));
    return arrow::list(et);
  }
  if (t == "map") {
    ICEGRAPH_ASSIGN_OR_RAISE(auto kt, ArrowType(f.children.at(0)));
    ICEGRAPH_ASSIGN_OR_RAISE(auto vt, ArrowType(f.children.at(1)));
    return arrow::map(kt, vt);
  }
  return Status::NotImplemented("Iceberg type '" + t + "' of field '" + f.name + "'");
}

}  // namespace

Result<std::shared_ptr<arrow::Schema>> ToArrowSchema(const Schema& schema) {
  std::vector<std::shared_ptr<arrow::Field>> fields;
  for (const Field& f : schema.fields) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto t, ArrowType(f));
    fields.push_back(arrow::field(f.name, t, !f.required));
  }
  return arrow::schema(fields);
}

json ScanTask::ToJson() const {
  json pos = json::array();
  for (const auto& d : position_deletes) pos.push_back(DataFileJson(d));
  json eq = json::array();
  for (const auto& d : equality_deletes) eq.push_back(DataFileJson(d));
  return {{"data_file", DataFileJson(data_file)},
          {"data_sequence_number", data_sequence_number},
          {"position_deletes", pos},
          {"equality_deletes", eq}};
}

Result<ScanTask> ScanTask::FromJson(const json& j) {
  try {
    ScanTask t;
    t.data_file = DataFileFromJson(j.at("data_file"));
    t.data_sequence_number = j.at("data_sequence_number").get<int64_t>();
    for (const json& d : j.at("position_deletes")) t.position_deletes.push_back(DataFileFromJson(d));
    for (const json& d : j.at("equality_deletes")) t.equality_deletes.push_back(DataFileFromJson(d));
    return t;
  } catch (const json::exception& e) {
    return Status::Invalid(std::string("scan task JSON: ") + e.what());
  }
}

std::vector<ScanTask> AssignDeletes(const std::vector<ManifestEntry>& data, const std::vector<ManifestEntry>& deletes,
                                    const TableMetadata& table) {
  std::vector<ScanTask> tasks;
  tasks.reserve(data.size());
  for (const ManifestEntry& d : data) {
    ScanTask t;
    t.data_file = d.file;
    t.data_sequence_number = d.sequence_number;
    for (const ManifestEntry& del : deletes) {
      const bool same_partition =
          del.file.spec_id == d.file.spec_id && del.file.partition_json == d.file.partition_json;
      if (del.file.content == Content::kPositionDeletes) {
        if (del.file.referenced_data_file && *del.file.referenced_data_file != d.file.file_path) continue;
        if (same_partition && d.sequence_number <= del.sequence_number) t.position_deletes.push_back(del.file);
      } else if (del.file.content == Content::kEqualityDeletes) {
        const PartitionSpec* spec = table.SpecById(del.file.spec_id);
        const bool global = spec == nullptr || spec->fields.empty();
        if ((global || same_partition) && d.sequence_number < del.sequence_number)
          t.equality_deletes.push_back(del.file);
      }
    }
    tasks.push_back(std::move(t));
  }
  return tasks;
}

Result<std::vector<ScanTask>> PlanScan(FileIO& io, const TableMetadata& table, int64_t snapshot_id) {
  const Snapshot* snap = table.SnapshotById(snapshot_id);
  if (snap == nullptr)
    return Status::NotFound("snapshot " + std::to_string(snapshot_id) + " is not in the table metadata");
  ICEGRAPH_ASSIGN_OR_RAISE(auto manifests, ReadManifestList(io, table, *snap));
  std::vector<ManifestEntry> data;
  std::vector<ManifestEntry> deletes;
  for (const ManifestFile& m : manifests) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto entries, ReadManifest(io, table, m));
    for (ManifestEntry& e : entries) {
      if (e.status == EntryStatus::kDeleted) continue;
      (e.file.content == Content::kData ? data : deletes).push_back(std::move(e));
    }
  }
  return AssignDeletes(data, deletes, table);
}

Result<std::shared_ptr<arrow::RecordBatchReader>> OpenTask(FileIO& io, const ScanTask& task, const Schema& schema,
                                                           int64_t batch_size) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto reader, TaskReader::Open(io, task, schema, batch_size));
  return std::shared_ptr<arrow::RecordBatchReader>(reader);
}

}  // namespace icegraph::iceberg
