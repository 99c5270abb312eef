// Serialises vertex and edge batches as delimited text for TigerGraph loading jobs (POST /restpp/ddl).
//
// Line layout (what the loading job must read):
//   vertex line: $0 = primary id, $1.. = the batch's attributes in batch order
//   edge line:   $0 = from id, $1 = to id, $2.. = the batch's attributes in batch order
// Fields are separated by kCsvSeparator (\x1F) and lines end with kCsvEol (\x1E), given to REST++ as the `sep` and
// `eol` request parameters, so commas, quotes, tabs and newlines inside strings are plain data and nothing is quoted.
// A null scalar is an empty token, which TigerGraph's loader treats as missing (the attribute keeps its value).
// Rows CSV cannot carry go to the JSON upsert path instead (see NeedsJson): a string (or id) containing \x1E or
// \x1F, an empty STRING (an empty token), a null STRING (an empty token would set ""). Collection attributes are
// never written as CSV: TigerGraph's loader builds LIST/SET/MAP cumulatively across lines (and needs SPLIT() or
// `$k -> $v`), which is not upsert semantics, so batches with collection columns use the JSON path.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "mapping/graph_batch.h"
#include "sink/value_format.h"

namespace icegraph::sink {

inline constexpr char kCsvSeparator = '\x1F';
inline constexpr char kCsvEol = '\x1E';

/// The LOAD statement reading CsvWriter lines for one type, e.g.
///   LOAD f TO VERTEX Person VALUES ($0, $2, _, $1);
/// `schema_attributes` are the type's attributes in schema (CREATE VERTEX/EDGE) order, `batch_attributes` the batch's
/// attribute names in batch order; schema attributes missing from the batch load as `_` (unchanged).
/// Errors when a batch attribute is not in the schema.
Result<std::string> LoadStatementFor(const std::string& filename_var, bool is_edge, const std::string& type,
                                     const std::vector<std::string>& schema_attributes,
                                     const std::vector<std::string>& batch_attributes);

/// A CREATE LOADING JOB statement with one filename variable and LoadStatementFor's statement.
Result<std::string> LoadingJobFor(const std::string& graph, const std::string& job, const std::string& filename_var,
                                  bool is_edge, const std::string& type,
                                  const std::vector<std::string>& schema_attributes,
                                  const std::vector<std::string>& batch_attributes);

/// Writes rows of one batch; holds views into the batch, which must outlive it.
class CsvWriter {
 public:
  /// Errors (NotImplemented) when the batch has a collection column, TypeError on a non-canonical column.
  static Result<CsvWriter> ForVertices(const mapping::VertexBatch& batch);
  static Result<CsvWriter> ForEdges(const mapping::EdgeBatch& batch);

  /// True when row `row` cannot be written as a CSV line and must be upserted as JSON.
  bool NeedsJson(int64_t row) const;
  /// False when NeedsJson is false for every row of the batch (checked once, over whole columns).
  bool MayNeedJson() const { return may_need_json_; }
  /// Appends one line per row, in the given order.
  void AppendRows(std::span<const int64_t> rows, std::string* out) const;
  /// Appends rows [begin, end).
  void AppendRange(int64_t begin, int64_t end, std::string* out) const;

 private:
  CsvWriter() = default;
  void AppendRow(int64_t row, std::string* out) const;
  // Whether any row may need JSON, from one pass over each string column's bytes, nulls and offsets.
  bool AnyMayNeedJson() const;

  // A column resolved to its raw buffers once per batch, so a line is written with inline loads and stores instead
  // of a call, a type switch and a string append per cell.
  struct RawColumn {
    mapping::TgKind kind = mapping::TgKind::kString;
    const uint8_t* validity = nullptr;  // null when the column has no nulls
    int64_t offset = 0;                 // of the validity bitmap
    const void* values = nullptr;       // fixed-width values (offset applied); strings: value offsets
    const uint8_t* data = nullptr;      // string bytes
    int64_t data_size = 0;              // of the string bytes' buffer, past which no copy may read
    const arrow::Array* array = nullptr;
  };
  // Writes one line into `buf` (at least LineBound(row) + kLineSlack bytes); returns its end.
  char* WriteLine(int64_t row, char* buf) const;
  size_t LineBound(int64_t row) const;
  void ResolveRaw();

  // Short strings are copied 16 bytes at a time, which may write this far past a line's end.
  static constexpr size_t kLineSlack = 16;

  std::vector<ColumnView> keys_;  // id, or from and to
  std::vector<ColumnView> attrs_;
  std::vector<RawColumn> raw_;  // keys_ then attrs_
  size_t fixed_bound_ = 0;      // separators, EOL and the widest text of every fixed-width cell
  bool may_need_json_ = true;   // false: NeedsJson is false for every row
};

}  // namespace icegraph::sink
