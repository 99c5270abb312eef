// Iceberg types in Arrow, and arrays read from data files conformed to the table schema by field id: struct
// children matched by id and renamed, types promoted, columns the file lacks filled with defaults or nulls.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>

#include "common/arrow_status.h"
#include "common/status.h"
#include "iceberg/model.h"
#include "iceberg/scan_filter.h"

namespace arrow {
class Array;
class DataType;
class Field;
class MemoryPool;
class Scalar;
class Status;
}  // namespace arrow

namespace icegraph::iceberg {

/// Arrow field metadata key holding the Iceberg field id (as the Parquet reader and writer use it).
inline constexpr const char* kFieldIdMetadataKey = "PARQUET:field_id";

/// Arrow's status as ours (common/arrow_status.h), under the name the iceberg stage has used.
using ::icegraph::FromArrowStatus;

/// The Arrow type Iceberg values of `field` read as: timestamps µs/ns (tz "UTC" for *tz), uuid as
/// fixed_size_binary(16), time as time64[µs], decimal as decimal128; nested fields carry their ids.
Result<std::shared_ptr<arrow::DataType>> ArrowTypeOf(const Field& field);

/// `field` under its current name, nullable unless required, with its id in metadata.
Result<std::shared_ptr<arrow::Field>> ArrowFieldOf(const Field& field);

/// The Iceberg field id in an Arrow field's metadata, if any.
std::optional<int32_t> FieldIdOf(const arrow::Field& field);

/// `array` (as read from a data file) in the shape of `field`: struct children matched by field id (by name when the
/// file has no ids), renamed, promoted (int→long, float→double, decimal widening, large→regular strings), children
/// the file lacks filled as AbsentColumn does.
Result<std::shared_ptr<arrow::Array>> ConformArray(const std::shared_ptr<arrow::Array>& array, const Field& field,
                                                   arrow::MemoryPool* pool);

/// `length` values for a column the file does not have: `value` when given (e.g. an identity partition value),
/// else the field's v3 initial default, else nulls.
Result<std::shared_ptr<arrow::Array>> AbsentColumn(const Field& field, const std::shared_ptr<arrow::Scalar>& value,
                                                   int64_t length, arrow::MemoryPool* pool);

/// How a JSON value encodes binary-like types.
enum class JsonValueForm {
  kSingleValue,  // spec single-value JSON (defaults): decimal as "14.20", uuid as text, binary/fixed as hex
  kPartition,    // manifest partition tuples as icegraph's manifest reader writes them: decimal/uuid/fixed as hex
};

/// A scalar of `type` from a JSON value: numbers, ISO-8601 dates/times/timestamps or their integer forms, strings.
Result<std::shared_ptr<arrow::Scalar>> ScalarFromJson(const nlohmann::json& value,
                                                      const std::shared_ptr<arrow::DataType>& type, JsonValueForm form);

/// A bound filter literal as a scalar of the column's Arrow type.
Result<std::shared_ptr<arrow::Scalar>> ScalarFromLiteral(const Literal& literal,
                                                         const std::shared_ptr<arrow::DataType>& type);

}  // namespace icegraph::iceberg
