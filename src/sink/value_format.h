// Shared text formatting of canonical batch columns for the CSV and JSON writers: typed views over Arrow arrays
// resolved once per column, and allocation-free appenders for numbers, DATETIME and JSON strings.
#pragma once

#include <arrow/api.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "mapping/graph_batch.h"

namespace icegraph::sink {

/// One batch column resolved to its concrete Arrow array class, so per-cell access is a switch, not a virtual call.
struct ColumnView {
  mapping::TgKind kind = mapping::TgKind::kString;
  const arrow::Array* array = nullptr;  // owned by the batch
  std::unique_ptr<ColumnView> elem;     // LIST/SET values, MAP items
  std::unique_ptr<ColumnView> key;      // MAP keys

  bool IsNull(int64_t row) const { return array->IsNull(row); }
  std::string_view StringAt(int64_t row) const { return static_cast<const arrow::StringArray*>(array)->GetView(row); }
};

/// Checks that `array` has the canonical Arrow layout of `type` and resolves it.
Result<ColumnView> MakeColumnView(const mapping::TgType& type, const arrow::Array* array, std::string_view name);
/// Resolves a utf8 id column.
Result<ColumnView> MakeIdView(const arrow::Array* array, std::string_view name);

bool IsCollection(mapping::TgKind kind);

void AppendInt(int64_t v, std::string* out);
void AppendUint(uint64_t v, std::string* out);
/// Shortest text that reads back to the same value (std::to_chars); the caller has checked it is finite.
void AppendDouble(double v, std::string* out);
/// The same text written at `p` (at most kMaxDoubleChars bytes); returns its end.
inline constexpr size_t kMaxDoubleChars = 24;
char* WriteDouble(double v, char* p);
void AppendFloat(float v, std::string* out);
/// "YYYY-MM-DD HH:MM:SS" in UTC, as TigerGraph parses and prints DATETIME.
void AppendDatetime(int64_t epoch_seconds, std::string* out);
/// The same text written at `p` (at most kMaxDatetimeChars bytes); returns its end.
inline constexpr size_t kMaxDatetimeChars = 40;
char* WriteDatetime(int64_t epoch_seconds, char* p);
/// A JSON string literal: quotes, backslash and control characters escaped; other bytes (UTF-8) copied.
void AppendJsonString(std::string_view s, std::string* out);

/// False for a null cell, and for a non-finite FLOAT/DOUBLE (TigerGraph has no NaN/Inf): both are left out.
bool HasValue(const ColumnView& col, int64_t row);
/// Appends a scalar cell as TigerGraph's loader reads it (no quoting); the cell must satisfy HasValue.
void AppendScalarText(const ColumnView& col, int64_t row, std::string* out);
/// Appends a cell as a REST++ JSON value: numbers, true/false, strings, DATETIME text, arrays for LIST/SET,
/// {"keylist": [...], "valuelist": [...]} for MAP. The cell must satisfy HasValue.
void AppendJsonValue(const ColumnView& col, int64_t row, std::string* out);

}  // namespace icegraph::sink
