// Serialises vertex and edge batches as REST++ upsert bodies (POST /restpp/graph/{graph}):
//   {"vertices": {T: {id: {attr: {"value": v}, ...}, ...}}}
//   {"edges": {S: {sid: {E: {T: {tid: {attr: {"value": v}, ...}, ...}}}}}}
// Null attributes (and non-finite FLOAT/DOUBLE) are left out, so TigerGraph keeps the stored value. A JSON object
// cannot repeat a key, so one body holds each vertex id (each edge's from/to pair) once: SplitDuplicates puts the
// k-th occurrence of a key into the k-th body, and the caller sends those bodies in order. That keeps discriminated
// multi-edges between one pair apart and repeated upserts of one key applied in row order.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "mapping/graph_batch.h"
#include "sink/value_format.h"

namespace icegraph::sink {

/// Writes rows of one batch; holds views into the batch, which must outlive it.
class JsonWriter {
 public:
  static Result<JsonWriter> ForVertices(const mapping::VertexBatch& batch);
  static Result<JsonWriter> ForEdges(const mapping::EdgeBatch& batch);

  /// Splits `rows` into groups in which every key occurs once; group k holds the k-th occurrences, in row order.
  std::vector<std::vector<int64_t>> SplitDuplicates(std::span<const int64_t> rows) const;
  /// Appends one upsert body holding `rows`, whose keys must be distinct (see SplitDuplicates).
  void AppendBody(std::span<const int64_t> rows, std::string* out) const;
  /// An estimate of the bytes one row adds to a body, for sizing requests.
  int64_t EstimateRowBytes(int64_t row) const;

  /// The row as a flat JSON object ({"id": ..} or {"from": .., "to": ..} plus attributes), for dead letters.
  std::string RowJson(int64_t row) const;
  /// "id", or "from->to".
  std::string RowKey(int64_t row) const;
  bool is_edge() const { return is_edge_; }

 private:
  JsonWriter() = default;
  void AppendAttrs(int64_t row, std::string* out) const;

  bool is_edge_ = false;
  std::string type_;
  std::string from_type_;
  std::string to_type_;
  std::vector<ColumnView> keys_;  // id, or from and to
  std::vector<ColumnView> attrs_;
  std::vector<std::string> names_;
};

}  // namespace icegraph::sink
