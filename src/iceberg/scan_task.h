// ScanTask: one data file with everything needed to read it alone — its delete files, the projection, the schema
// and the residual filter — serialisable to JSON so an engine (or a Spark executor) can run it elsewhere.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "iceberg/model.h"
#include "iceberg/scan_filter.h"

namespace icegraph::iceberg {

/// One unit of reading: a data file and the delete files that apply to it, with the read schema.
struct ScanTask {
  DataFile data_file;
  int64_t data_sequence_number = 0;
  std::vector<DataFile> position_deletes;  // position delete files and v3 deletion vectors (format kPuffin)
  std::vector<DataFile> equality_deletes;
  std::vector<int32_t> projected_field_ids;      // top-level field ids in output order; empty: every field of `schema`
  Schema schema;                                 // the table schema the projection, residual and deletes refer to
  PartitionSpec spec;                            // the data file's spec: identity values fill columns absent from it
  Filter residual;                               // row filter to apply while reading (bound to `schema`)
  std::optional<std::string> name_mapping_json;  // `schema.name-mapping.default`: files written without field ids

  /// The projected top-level field ids (all of the schema's when none were chosen).
  std::vector<int32_t> OutputFieldIds() const;

  nlohmann::json ToJson() const;
  static Result<ScanTask> FromJson(const nlohmann::json& j);
};

/// Iceberg JSON forms (table spec appendix C) of the parts a task carries.
nlohmann::json SchemaToJson(const Schema& schema);
Result<Schema> SchemaFromJson(const nlohmann::json& j);
nlohmann::json DataFileToJson(const DataFile& file);
Result<DataFile> DataFileFromJson(const nlohmann::json& j);

}  // namespace icegraph::iceberg
