// Affected keys: the vertex and edge keys whose truth a run must recompute from the current tables, collected from
// the rows that changed (both their old and new values) or, on a resync, from what TigerGraph holds.
#pragma once

#include <absl/container/btree_map.h>
#include <absl/container/btree_set.h>
#include <arrow/api.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "mapping/graph_batch.h"
#include "mapping/transform.h"

namespace icegraph::engine {

/// An edge's identity: endpoints and discriminator values (TigerGraph keeps one edge per key and type).
struct EdgeKey {
  std::string from;
  std::string to;
  std::vector<std::shared_ptr<arrow::Scalar>> disc;  // in the edge type's DISCRIMINATOR order
};

/// The text an edge key is compared by: length-prefixed parts, so no id content can make two keys collide. An
/// undirected edge's endpoints are ordered first ((a,b) and (b,a) are one edge).
std::string EdgeKeyText(std::string_view from, std::string_view to, const std::vector<const arrow::Array*>& disc,
                        int64_t row, bool directed);

/// The discriminator columns of an edge batch, in its discriminator order.
std::vector<const arrow::Array*> DiscriminatorColumns(const mapping::EdgeBatch& eb);

/// Ids ordered by unsigned bytes, found without a copy of the probe (a B-tree: a hundred thousand keys are a few
/// thousand nodes, not one allocation each).
using KeySet = absl::btree_set<std::string, std::less<>>;

struct AffectedKeys {
  std::map<std::string, KeySet> vertices;                                           // vertex type → ids
  std::map<std::string, absl::btree_map<std::string, EdgeKey, std::less<>>> edges;  // edge type → key text → key

  bool empty() const { return size() == 0; }
  /// Every key a mapped batch names: vertex ids, edge keys, and edge endpoints as vertex keys (an endpoint may
  /// have to be created or removed with the edge).
  void Add(const mapping::TablePlan& plan, const mapping::MappedBatch& batch);
  void AddVertex(const std::string& type, std::string id) { vertices[type].insert(std::move(id)); }
  void AddEdge(const std::string& type, bool directed, EdgeKey key);
  size_t size() const;
};

}  // namespace icegraph::engine
