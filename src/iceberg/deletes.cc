#include "iceberg/deletes.h"

#include <arrow/api.h>

#include <algorithm>
#include <map>

#include "iceberg/deletion_vector.h"

namespace icegraph::iceberg {
namespace {

std::string FormatName(FileFormat f) {
  switch (f) {
    case FileFormat::kParquet: return "Parquet";
    case FileFormat::kAvro: return "Avro";
    case FileFormat::kOrc: return "ORC";
    case FileFormat::kPuffin: return "Puffin";
  }
  return "unknown";
}

Status Unsupported(const DataFile& f) {
  return Status::NotImplemented("delete file " + f.file_path + " is " + FormatName(f.format) +
                                "; icegraph reads Parquet delete files and Puffin deletion vectors only");
}

Field PrimitiveField(int32_t id, std::string name, std::string type) {
  Field f;
  f.id = id;
  f.name = std::move(name);
  f.type = std::move(type);
  f.required = true;
  return f;
}

// Positions of one Parquet position delete file that target `data_path`.
Status ReadParquetPositions(FileIO& io, const DataFile& file, const std::string& data_path,
                            const ParquetReadOptions& options, std::vector<int64_t>* out) {
  std::vector<ColumnRequest> requests;
  requests.push_back({PrimitiveField(kDeleteFilePathFieldId, "file_path", "string"), {"file_path"}, nullptr});
  requests.push_back({PrimitiveField(kDeletePosFieldId, "pos", "long"), {"pos"}, nullptr});
  // Delete files are sorted by file_path: row-group statistics skip the parts about other data files.
  ICEGRAPH_ASSIGN_OR_RAISE(auto reader, ParquetColumnReader::Open(io, file.file_path, std::move(requests), options,
                                                                  StringRowGroupFilter{0, data_path}));
  if (!reader->HasColumn(0) || !reader->HasColumn(1)) {
    return Status::Invalid("position delete file " + file.file_path + " lacks the file_path or pos column");
  }
  // A file written for one data file needs no path comparison.
  const bool all_rows = file.referenced_data_file && *file.referenced_data_file == data_path;
  while (true) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader->Next());
    if (!batch) return Status::OK();
    const auto& paths = static_cast<const arrow::StringArray&>(*batch->columns[0]);
    const auto& pos = static_cast<const arrow::Int64Array&>(*batch->columns[1]);
    const int64_t* values = pos.raw_values();
    for (int64_t i = 0; i < batch->num_rows; ++i) {
      if (pos.IsNull(i)) continue;
      if (all_rows || (paths.IsValid(i) && paths.GetView(i) == data_path)) out->push_back(values[i]);
    }
  }
}

}  // namespace

Result<std::vector<int64_t>> ReadPositionDeletes(FileIO& io, const DataFile& delete_file,
                                                 const std::string& data_file_path, const ParquetReadOptions& options) {
  std::vector<int64_t> positions;
  if (IsDeletionVector(delete_file)) {
    if (delete_file.referenced_data_file != data_file_path) {
      return Status::Invalid("deletion vector in " + delete_file.file_path + " references " +
                             delete_file.referenced_data_file.value_or("no data file") + ", not " + data_file_path);
    }
    ICEGRAPH_ASSIGN_OR_RAISE(positions, ReadDeletionVector(io, delete_file));
  } else if (delete_file.format == FileFormat::kParquet) {
    ICEGRAPH_RETURN_NOT_OK(ReadParquetPositions(io, delete_file, data_file_path, options, &positions)
                               .WithContext("position delete file " + delete_file.file_path));
  } else {
    return Unsupported(delete_file);
  }
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

Result<std::unique_ptr<DeleteFilter>> DeleteFilter::Load(FileIO& io, const std::string& data_file_path,
                                                         const std::vector<DataFile>& position_deletes,
                                                         const std::vector<DataFile>& equality_deletes,
                                                         const Schema& schema, const ParquetReadOptions& options) {
  std::unique_ptr<DeleteFilter> filter(new DeleteFilter());
  for (const DataFile& d : position_deletes) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto positions, ReadPositionDeletes(io, d, data_file_path, options));
    filter->positions_.insert(filter->positions_.end(), positions.begin(), positions.end());
  }
  if (position_deletes.size() > 1) {
    std::sort(filter->positions_.begin(), filter->positions_.end());
    filter->positions_.erase(std::unique(filter->positions_.begin(), filter->positions_.end()),
                             filter->positions_.end());
  }

  // One key set per distinct set of equality field ids; files with the same ids share it.
  std::map<std::vector<int32_t>, size_t> set_of;
  for (const DataFile& d : equality_deletes) {
    if (d.format != FileFormat::kParquet) return Unsupported(d);
    if (d.equality_ids.empty()) return Status::Invalid("equality delete file " + d.file_path + " has no equality_ids");
    std::vector<int32_t> ids = d.equality_ids;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<ColumnRequest> requests;
    for (const int32_t id : ids) {
      const Field* top = nullptr;
      for (const Field& f : schema.fields) {
        if (f.id == id) top = &f;
      }
      if (top == nullptr) {
        return Status::NotImplemented("equality delete file " + d.file_path + " uses field id " + std::to_string(id) +
                                      ", which is not a top-level column of schema " +
                                      std::to_string(schema.schema_id) + " (nested or dropped columns)");
      }
      requests.push_back({*top, {top->name}, nullptr});
    }
    auto [it, inserted] = set_of.emplace(ids, filter->sets_.size());
    if (inserted) {
      filter->sets_.push_back(std::make_unique<EqualityDeleteSet>(ids));
      std::vector<size_t> columns;
      for (const int32_t id : ids) {
        auto pos = std::find(filter->required_ids_.begin(), filter->required_ids_.end(), id);
        if (pos == filter->required_ids_.end()) pos = filter->required_ids_.insert(pos, id);
        columns.push_back(static_cast<size_t>(pos - filter->required_ids_.begin()));
      }
      filter->set_columns_.push_back(std::move(columns));
    }
    EqualityDeleteSet& set = *filter->sets_[it->second];
    ICEGRAPH_ASSIGN_OR_RAISE(auto reader, ParquetColumnReader::Open(io, d.file_path, std::move(requests), options));
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!reader->HasColumn(i)) {
        return Status::Invalid("equality delete file " + d.file_path + " lacks the column of field id " +
                               std::to_string(ids[i]));
      }
    }
    while (true) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader->Next());
      if (!batch) break;
      ICEGRAPH_RETURN_NOT_OK(set.Add(batch->columns, batch->num_rows).WithContext(d.file_path));
    }
  }
  return filter;
}

size_t DeleteFilter::num_equality_keys() const {
  size_t n = 0;
  for (const auto& s : sets_) n += s->size();
  return n;
}

Status DeleteFilter::Mark(int64_t first_row, int64_t num_rows,
                          const std::vector<std::shared_ptr<arrow::Array>>& columns, uint8_t* deleted) {
  // Positions are sorted: jump to the batch's range and walk it.
  for (auto it = std::lower_bound(positions_.begin(), positions_.end(), first_row);
       it != positions_.end() && *it < first_row + num_rows; ++it) {
    deleted[*it - first_row] = 1;
  }
  if (sets_.empty()) return Status::OK();
  if (columns.size() != required_ids_.size()) return Status::Internal("equality columns missing for delete filter");
  std::vector<std::shared_ptr<arrow::Array>> keys;
  for (size_t s = 0; s < sets_.size(); ++s) {
    keys.clear();
    for (const size_t c : set_columns_[s]) keys.push_back(columns[c]);
    ICEGRAPH_RETURN_NOT_OK(sets_[s]->Mark(keys, num_rows, deleted));
  }
  return Status::OK();
}

}  // namespace icegraph::iceberg
