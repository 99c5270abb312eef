#include "iceberg/reader.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/initialize.h>
#include <arrow/util/bit_util.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "iceberg/arrow_conform.h"
#include "iceberg/deletes.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

// Arrow's compute kernels must be registered once per process before use.
Status EnsureComputeInitialized() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] { status = arrow::compute::Initialize(); });
  return FromArrowStatus(status, "initialising Arrow compute");
}

arrow::Status ToArrow(const Status& st) {
  switch (st.code()) {
    case StatusCode::kOk: return arrow::Status::OK();
    case StatusCode::kInvalid: return arrow::Status::Invalid(st.message());
    case StatusCode::kTypeError: return arrow::Status::TypeError(st.message());
    case StatusCode::kNotImplemented: return arrow::Status::NotImplemented(st.message());
    case StatusCode::kNotFound: return arrow::Status::KeyError(st.message());
    default: return arrow::Status::IOError(st.ToString());
  }
}

const Field* TopLevel(const Schema& schema, int32_t id) {
  for (const Field& f : schema.fields) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

// Top-level names per field id from `schema.name-mapping.default`, for files written without field ids.
Result<std::map<int32_t, std::vector<std::string>>> TopLevelNameMapping(const std::optional<std::string>& text) {
  std::map<int32_t, std::vector<std::string>> out;
  if (!text) return out;
  const json j = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return Status::Invalid("schema.name-mapping.default is not a JSON array");
  for (const json& e : j) {
    if (!e.is_object() || !e.contains("field-id") || !e["field-id"].is_number_integer()) continue;
    for (const json& n : e.value("names", json::array())) {
      if (n.is_string()) out[e["field-id"].get<int32_t>()].push_back(n.get<std::string>());
    }
  }
  return out;
}

std::string_view ComputeFunction(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "equal";
    case CompareOp::kNotEq: return "not_equal";
    case CompareOp::kLt: return "less";
    case CompareOp::kLtEq: return "less_equal";
    case CompareOp::kGt: return "greater";
    case CompareOp::kGtEq: return "greater_equal";
    case CompareOp::kIsNull: return "is_null";
    case CompareOp::kNotNull: return "is_valid";
  }
  return "";
}

// A boolean array from a byte mask (1 = keep), counting the kept rows.
Result<std::shared_ptr<arrow::BooleanArray>> MaskFromBytes(const std::vector<uint8_t>& keep, int64_t n,
                                                           arrow::MemoryPool* pool, int64_t* kept) {
  auto bitmap = arrow::AllocateEmptyBitmap(n, pool);
  if (!bitmap.ok()) return FromArrowStatus(bitmap.status(), "allocating a row mask");
  uint8_t* bits = (*bitmap)->mutable_data();
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (keep[static_cast<size_t>(i)] != 0) {
      arrow::bit_util::SetBit(bits, i);
      ++count;
    }
  }
  *kept = count;
  return std::make_shared<arrow::BooleanArray>(n, std::move(*bitmap));
}

class TaskBatchReader final : public arrow::RecordBatchReader {
 public:
  explicit TaskBatchReader(std::unique_ptr<TaskReader> reader) : reader_(std::move(reader)) {}
  std::shared_ptr<arrow::Schema> schema() const override { return reader_->schema(); }
  arrow::Status ReadNext(std::shared_ptr<arrow::RecordBatch>* out) override {
    auto next = reader_->Next();
    if (!next.ok()) return ToArrow(next.status());
    *out = std::move(*next);
    return arrow::Status::OK();
  }

 private:
  std::unique_ptr<TaskReader> reader_;
};

}  // namespace

TaskReader::~TaskReader() = default;

Result<std::shared_ptr<arrow::Schema>> ProjectedArrowSchema(const Schema& schema, const std::vector<int32_t>& field_ids,
                                                            const ReadOptions& options) {
  std::vector<int32_t> ids = field_ids;
  if (ids.empty()) {
    for (const Field& f : schema.fields) ids.push_back(f.id);
  }
  arrow::FieldVector fields;
  for (const int32_t id : ids) {
    const Field* f = TopLevel(schema, id);
    if (f == nullptr) {
      const Field* nested = schema.FindField(id);
      if (nested != nullptr) {
        return Status::Invalid("field id " + std::to_string(id) + " ('" + nested->name +
                               "') is nested; project its top-level column instead");
      }
      return Status::NotFound("field id " + std::to_string(id) + " is not in schema " +
                              std::to_string(schema.schema_id));
    }
    ICEGRAPH_ASSIGN_OR_RAISE(auto af, ArrowFieldOf(*f));
    fields.push_back(std::move(af));
  }
  const auto reserved = [](const char* name, std::shared_ptr<arrow::DataType> type, int32_t id) {
    return arrow::field(name, std::move(type), false,
                        arrow::key_value_metadata({kFieldIdMetadataKey}, {std::to_string(id)}));
  };
  if (options.with_pos) fields.push_back(reserved("_pos", arrow::int64(), kPosFieldId));
  if (options.with_file_path) fields.push_back(reserved("_file", arrow::utf8(), kFilePathFieldId));
  return arrow::schema(std::move(fields));
}

Result<std::unique_ptr<TaskReader>> TaskReader::Open(FileIO& io, const ScanTask& task, const ReadOptions& options) {
  return Make(io, task, options, nullptr);
}

Result<std::unique_ptr<TaskReader>> TaskReader::OpenDeletedRows(FileIO& io, const ScanTask& task,
                                                                const std::vector<DataFile>& position_deletes,
                                                                const std::vector<DataFile>& equality_deletes,
                                                                ReadOptions options) {
  options.with_pos = true;
  options.apply_residual = false;
  ICEGRAPH_ASSIGN_OR_RAISE(auto selecting, DeleteFilter::Load(io, task.data_file.file_path, position_deletes,
                                                              equality_deletes, task.schema, options.parquet));
  return Make(io, task, options, std::move(selecting));
}

Result<std::unique_ptr<TaskReader>> TaskReader::Make(FileIO& io, const ScanTask& task, const ReadOptions& options,
                                                     std::unique_ptr<DeleteFilter> selecting) {
  ICEGRAPH_RETURN_NOT_OK(EnsureComputeInitialized());
  const std::string& path = task.data_file.file_path;
  if (task.data_file.content != Content::kData) return Status::Invalid(path + " is a delete file, not a data file");
  if (task.data_file.format != FileFormat::kParquet) {
    return Status::NotImplemented(path + ": icegraph reads Parquet data files only");
  }
  std::unique_ptr<TaskReader> self(new TaskReader());
  self->options_ = options;
  if (self->options_.parquet.pool == nullptr) self->options_.parquet.pool = arrow::default_memory_pool();
  self->data_path_ = path;
  const std::vector<int32_t> projected = task.OutputFieldIds();
  ICEGRAPH_ASSIGN_OR_RAISE(self->schema_, ProjectedArrowSchema(task.schema, projected, options));
  // `_file` is added after filtering, so batches are first built without it.
  self->batch_schema_ = self->schema_;
  if (options.with_file_path) {
    auto without = self->schema_->RemoveField(self->schema_->num_fields() - 1);
    if (!without.ok()) return FromArrowStatus(without.status(), path);
    self->batch_schema_ = *without;
  }
  ICEGRAPH_ASSIGN_OR_RAISE(self->deletes_, DeleteFilter::Load(io, path, task.position_deletes, task.equality_deletes,
                                                              task.schema, self->options_.parquet));
  self->selecting_ = std::move(selecting);
  if (options.apply_residual && !task.residual.empty()) {
    ICEGRAPH_ASSIGN_OR_RAISE(self->residual_, BindFilter(task.residual, task.schema));
  }

  // Columns to read: the projection, then what deletes and the residual need.
  const auto column_of = [&self](int32_t id) {
    auto it = std::find(self->read_ids_.begin(), self->read_ids_.end(), id);
    if (it == self->read_ids_.end()) it = self->read_ids_.insert(it, id);
    return static_cast<size_t>(it - self->read_ids_.begin());
  };
  for (const int32_t id : projected) self->output_columns_.push_back(column_of(id));
  for (const int32_t id : self->deletes_->required_field_ids()) self->delete_columns_.push_back(column_of(id));
  if (self->selecting_ != nullptr) {
    for (const int32_t id : self->selecting_->required_field_ids()) self->selecting_columns_.push_back(column_of(id));
  }
  for (const Predicate& p : self->residual_.predicates) {
    self->residual_columns_.push_back(column_of(p.field_id));
    const Field* f = TopLevel(task.schema, p.field_id);
    ICEGRAPH_ASSIGN_OR_RAISE(auto type, ArrowTypeOf(*f));
    std::shared_ptr<arrow::Scalar> literal;
    if (p.op != CompareOp::kIsNull && p.op != CompareOp::kNotNull) {
      auto s = ScalarFromLiteral(p.literal, type);
      if (!s.ok()) return s.status().WithContext("residual filter on '" + f->name + "'");
      literal = *s;
    }
    self->residual_literals_.push_back(std::move(literal));
  }

  ICEGRAPH_ASSIGN_OR_RAISE(const auto names, TopLevelNameMapping(task.name_mapping_json));
  static const json kNone = json::object();
  const json& partition = task.data_file.partition ? *task.data_file.partition : kNone;
  std::vector<ColumnRequest> requests;
  for (const int32_t id : self->read_ids_) {
    const Field* f = TopLevel(task.schema, id);
    if (f == nullptr) return Status::NotFound("field id " + std::to_string(id) + " is not a top-level column");
    ColumnRequest r{*f, {}, nullptr};
    if (const auto it = names.find(id); it != names.end()) r.fallback_names = it->second;
    // A file may lack an identity-partitioned column (files added from elsewhere): use the partition value.
    for (const PartitionField& pf : task.spec.fields) {
      if (pf.source_id != id || pf.transform != "identity" || !partition.is_object() || !partition.contains(pf.name))
        continue;
      ICEGRAPH_ASSIGN_OR_RAISE(auto type, ArrowTypeOf(*f));
      auto value = ScalarFromJson(partition.at(pf.name), type, JsonValueForm::kPartition);
      if (value.ok()) r.absent_value = *value;
    }
    requests.push_back(std::move(r));
  }
  ICEGRAPH_ASSIGN_OR_RAISE(self->columns_,
                           ParquetColumnReader::Open(io, path, std::move(requests), self->options_.parquet));
  return self;
}

Result<std::shared_ptr<arrow::RecordBatch>> TaskReader::Next() {
  const std::shared_ptr<arrow::RecordBatch> kDone;
  arrow::MemoryPool* pool = options_.parquet.pool;
  arrow::compute::ExecContext ctx(pool);
  while (true) {
    if (selecting_ != nullptr && selecting_->empty()) return kDone;  // nothing can be selected
    ICEGRAPH_ASSIGN_OR_RAISE(auto batch, columns_->Next());
    if (!batch) return kDone;
    const int64_t n = batch->num_rows;
    const auto rows = static_cast<size_t>(n);
    rows_scanned_ += n;
    const auto pick = [&batch](const std::vector<size_t>& indexes) {
      std::vector<std::shared_ptr<arrow::Array>> out;
      out.reserve(indexes.size());
      for (const size_t i : indexes) out.push_back(batch->columns[i]);
      return out;
    };

    // Row mask: 1 = keep. Deleted rows are dropped; in deleted-rows mode only rows newly deleted are kept.
    deleted_.assign(rows, 0);
    ICEGRAPH_RETURN_NOT_OK(
        deletes_->Mark(batch->first_row, n, pick(delete_columns_), deleted_.data()).WithContext(data_path_));
    if (selecting_ != nullptr) {
      selected_.assign(rows, 0);
      ICEGRAPH_RETURN_NOT_OK(
          selecting_->Mark(batch->first_row, n, pick(selecting_columns_), selected_.data()).WithContext(data_path_));
      for (size_t i = 0; i < rows; ++i) deleted_[i] = static_cast<uint8_t>(selected_[i] & (deleted_[i] ^ 1));
    } else {
      for (size_t i = 0; i < rows; ++i) deleted_[i] ^= 1;
    }
    int64_t kept = 0;
    ICEGRAPH_ASSIGN_OR_RAISE(auto keep, MaskFromBytes(deleted_, n, pool, &kept));
    if (kept == 0) continue;
    std::shared_ptr<arrow::Array> mask = kept < n ? keep : nullptr;
    for (size_t p = 0; p < residual_.predicates.size(); ++p) {
      const std::string name(ComputeFunction(residual_.predicates[p].op));
      std::vector<arrow::Datum> args{batch->columns[residual_columns_[p]]};
      if (residual_literals_[p] != nullptr) args.emplace_back(residual_literals_[p]);
      auto result = arrow::compute::CallFunction(name, args, &ctx);
      if (!result.ok()) return FromArrowStatus(result.status(), data_path_ + ": residual filter");
      if (mask == nullptr) {
        mask = result->make_array();
        continue;
      }
      auto both = arrow::compute::CallFunction("and", {mask, *result}, &ctx);
      if (!both.ok()) return FromArrowStatus(both.status(), data_path_ + ": residual filter");
      mask = both->make_array();
    }

    arrow::ArrayVector out = pick(output_columns_);
    if (options_.with_pos) {
      auto positions = arrow::AllocateBuffer(n * static_cast<int64_t>(sizeof(int64_t)), pool);
      if (!positions.ok()) return FromArrowStatus(positions.status(), "allocating _pos");
      auto* p = reinterpret_cast<int64_t*>((*positions)->mutable_data());
      for (int64_t i = 0; i < n; ++i) p[i] = batch->first_row + i;
      out.push_back(std::make_shared<arrow::Int64Array>(n, std::move(*positions)));
    }
    auto result = arrow::RecordBatch::Make(batch_schema_, n, std::move(out));
    if (mask != nullptr) {
      // Rows whose filter result is null are dropped, like rows that fail it.
      auto filtered = arrow::compute::Filter(result, mask, arrow::compute::FilterOptions::Defaults(), &ctx);
      if (!filtered.ok()) return FromArrowStatus(filtered.status(), data_path_ + ": applying deletes and filter");
      result = filtered->record_batch();
      if (result->num_rows() == 0) continue;
    }
    if (options_.with_file_path) {
      auto paths = arrow::MakeArrayFromScalar(arrow::StringScalar(data_path_), result->num_rows(), pool);
      if (!paths.ok()) return FromArrowStatus(paths.status(), "building _file");
      auto with_path = result->AddColumn(result->num_columns(), schema_->fields().back(), *paths);
      if (!with_path.ok()) return FromArrowStatus(with_path.status(), "building _file");
      result = *with_path;
    }
    return result;
  }
}

Result<std::shared_ptr<arrow::Table>> TaskReader::ReadAll() {
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
  while (true) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto batch, Next());
    if (batch == nullptr) break;
    batches.push_back(std::move(batch));
  }
  auto table = arrow::Table::FromRecordBatches(schema_, batches);
  if (!table.ok()) return FromArrowStatus(table.status(), data_path_);
  return *table;
}

Result<std::shared_ptr<arrow::Table>> ReadDeletedRows(FileIO& io, const ScanTask& task,
                                                      const std::vector<DataFile>& position_deletes,
                                                      const std::vector<DataFile>& equality_deletes,
                                                      const ReadOptions& options) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto reader,
                           TaskReader::OpenDeletedRows(io, task, position_deletes, equality_deletes, options));
  return reader->ReadAll();
}

std::shared_ptr<arrow::RecordBatchReader> AsRecordBatchReader(std::unique_ptr<TaskReader> reader) {
  return std::make_shared<TaskBatchReader>(std::move(reader));
}

}  // namespace icegraph::iceberg
