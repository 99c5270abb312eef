// The mapping plan: the mapping model (model.h) bound to each table's Iceberg schema (columns exist, types map, a bad
// config is refused before anything is written), and the columnar transform of one Arrow batch into vertex and edge
// batches plus dead letters.
#pragma once

#include <arrow/api.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "iceberg/model.h"
#include "iceberg/scan_filter.h"
#include "mapping/expr.h"
#include "mapping/graph_batch.h"
#include "mapping/model.h"

namespace icegraph::mapping {

struct AttributePlan {
  std::string name;
  TgType type;
  Expr expr;
  std::shared_ptr<arrow::Scalar> default_value;  // canonical type; used where the value is null; may be null
};

/// An id: its parts (expressions, usually columns) converted to STRING and joined with `separator`.
struct IdPlan {
  std::vector<Expr> parts;
  std::string separator;
};

struct VertexPlan {
  std::string type;
  std::string mapping;  // "<table>/vertex:<type>", DeadLetter::mapping
  IdPlan id;
  std::vector<AttributePlan> attributes;  // in mapping order
};

struct EdgePlan {
  std::string type;
  std::string mapping;  // "<table>/edge:<type>"
  std::string from_type;
  std::string to_type;
  IdPlan from;
  IdPlan to;
  std::vector<AttributePlan> attributes;
  std::vector<std::string> discriminator;
  bool directed = true;
};

/// What one batch of one table maps to.
struct MappedBatch {
  std::vector<VertexBatch> vertices;  // one per vertex mapping, in config order (possibly empty batches)
  std::vector<EdgeBatch> edges;       // one per edge mapping, in config order
  std::vector<DeadLetter> dead_letters;
  int64_t rows_in = 0;        // rows of the input batch
  int64_t rows_selected = 0;  // rows left after `where`
};

/// The plan of one mapped table.
class TablePlan {
 public:
  const std::string& table() const { return table_; }
  /// Top-level field ids to read (ids, attributes, `where`), in first-use order.
  const std::vector<int32_t>& projection() const { return projection_; }
  /// The part of `where` the scan can apply (partition / min-max pruning and the reader's residual filter).
  const iceberg::Filter& pushed_filter() const { return pushed_filter_; }
  /// True when pushed_filter() is the whole `where`: then Apply assumes the reader applied it as the residual
  /// (iceberg::ReadOptions::apply_residual) and does not evaluate it again.
  bool where_fully_pushed() const { return where_fully_pushed_; }
  const std::optional<Condition>& where() const { return where_; }
  const std::vector<VertexPlan>& vertices() const { return vertices_; }
  const std::vector<EdgePlan>& edges() const { return edges_; }

  /// Maps `batch` (columns named by field id metadata or current name, as the Iceberg reader yields them).
  /// Rows failing `where` are dropped silently; rows that cannot be mapped become dead letters and are left out of
  /// that mapping's batch only (one dead letter per row and mapping, the first problem found: ids, then attributes
  /// in mapping order). Reason codes: null_id, empty_id (an id or id part is null / the id is ""),
  /// null_discriminator (edges), out_of_range, unparseable, invalid_utf8 (type_matrix.h). Null attribute values
  /// (after `defaults`) stay null: "leave the attribute out".
  Result<MappedBatch> Apply(const arrow::RecordBatch& batch) const;

 private:
  friend class MappingPlan;
  std::string table_;
  std::vector<int32_t> projection_;
  iceberg::Filter pushed_filter_;
  bool where_fully_pushed_ = true;
  std::optional<Condition> where_;
  std::vector<VertexPlan> vertices_;
  std::vector<EdgePlan> edges_;
};

struct GraphAttribute {
  std::string name;
  TgType type;
  bool operator==(const GraphAttribute&) const = default;
};

/// A vertex type as all mappings together define it: attributes in first-mapped order.
struct VertexTypeDef {
  std::string name;
  std::vector<GraphAttribute> attributes;
};

struct EdgeTypeDef {
  std::string name;
  std::string from_type;
  std::string to_type;
  bool directed = true;
  std::vector<GraphAttribute> attributes;  // discriminator attributes first, in DISCRIMINATOR order
  std::vector<std::string> discriminator;
};

class MappingPlan {
 public:
  /// Binds every mapping of `model` to its table's schema (keyed by the mapping's `table`).
  static Result<MappingPlan> Make(const Model& model, const std::map<std::string, iceberg::Schema>& schemas);

  const std::string& graph() const { return graph_; }
  const std::vector<TablePlan>& tables() const { return tables_; }
  /// The plan of `table`, or nullptr.
  const TablePlan* ForTable(const std::string& table) const;
  const std::vector<VertexTypeDef>& vertex_types() const { return vertex_types_; }
  const std::vector<EdgeTypeDef>& edge_types() const { return edge_types_; }
  const VertexTypeDef* FindVertexType(const std::string& name) const;
  const EdgeTypeDef* FindEdgeType(const std::string& name) const;

 private:
  std::string graph_;
  std::vector<TablePlan> tables_;
  std::vector<VertexTypeDef> vertex_types_;
  std::vector<EdgeTypeDef> edge_types_;
};

}  // namespace icegraph::mapping
