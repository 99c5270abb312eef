// In-memory graph data of the emulator: vertices per type and edges with an adjacency index.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "emulator/schema.h"

namespace icegraph::emulator {

using Attrs = std::vector<Value>;

/// A vertex reference: type name and primary id text.
struct VertexRef {
  std::string type;
  std::string id;
  bool operator==(const VertexRef&) const = default;
};

/// Identity of one edge. Undirected edges are stored with their endpoints in canonical (sorted) order.
struct EdgeKey {
  std::string type;
  VertexRef from;
  VertexRef to;
  std::string discriminator;  // encoded discriminator attribute values; empty when the type has none
  bool operator==(const EdgeKey&) const = default;
};

struct VertexRefHash {
  size_t operator()(const VertexRef& v) const;
};
struct EdgeKeyHash {
  size_t operator()(const EdgeKey& e) const;
};

/// An edge as seen from one endpoint: for undirected edges `from` is the endpoint asked about.
struct EdgeView {
  const EdgeKey* key;
  const Attrs* attrs;
  bool flipped;  // the stored key is seen from its `to` end
};

/// Vertex and edge data. Not thread-safe: the Database around it holds the lock.
class GraphStore {
 public:
  /// Vertex table of a type (created on first use).
  std::unordered_map<std::string, Attrs>& Vertices(const std::string& type) { return vertices_[type]; }
  const std::unordered_map<std::string, Attrs>* FindVertices(const std::string& type) const;
  Attrs* FindVertex(const std::string& type, const std::string& id);
  const Attrs* FindVertex(const std::string& type, const std::string& id) const;

  /// Inserts or returns the edge; `created` tells which. Maintains the adjacency of both endpoints.
  Attrs& UpsertEdge(const EdgeKey& key, const Attrs& initial, bool* created);
  const Attrs* FindEdge(const EdgeKey& key) const;
  /// Makes room for `n` more edges (bulk loads), so the table is not rehashed as it grows.
  void ReserveEdges(size_t n) { ReserveFor(edges_, n); }

  /// Makes room for `n` more entries, growing at least twofold: reserving just size() + n per request would
  /// rehash the whole table on every load request.
  template <typename Map>
  static void ReserveFor(Map& map, size_t n) {
    const size_t want = map.size() + n;
    if (static_cast<double>(want) > static_cast<double>(map.bucket_count()) * map.max_load_factor()) {
      map.reserve(std::max(want, 2 * map.size()));
    }
  }

  /// Removes a vertex and every edge touching it; returns the number of edges removed.
  int64_t DeleteVertex(const std::string& type, const std::string& id);
  /// Removes one edge; false if absent.
  bool DeleteEdge(const EdgeKey& key);

  /// Edges touching `v` (both directions for undirected types; outgoing only for directed ones).
  std::vector<EdgeView> EdgesOf(const VertexRef& v) const;

  int64_t VertexCount(const std::string& type) const;
  int64_t EdgeCount(const std::string& type) const;

  /// Applies `fn` to every stored attribute list of a vertex or edge type (schema changes).
  void ForEachVertexAttrs(const std::string& type, const std::function<void(Attrs&)>& fn);
  void ForEachEdgeAttrs(const std::string& type, const std::function<void(Attrs&)>& fn);
  /// Drops all data of a type (DROP VERTEX/EDGE); dropping a vertex type removes its edges.
  void DropVertexType(const std::string& type);
  void DropEdgeType(const std::string& type);
  void Clear();

 private:
  void Unlink(const VertexRef& v, const EdgeKey* key);

  std::map<std::string, std::unordered_map<std::string, Attrs>> vertices_;
  std::unordered_map<EdgeKey, Attrs, EdgeKeyHash> edges_;
  // Both endpoints of every edge point at its key (node addresses in edges_ are stable).
  std::unordered_map<VertexRef, std::unordered_set<const EdgeKey*>, VertexRefHash> adjacency_;
  std::map<std::string, int64_t> edge_counts_;
};

}  // namespace icegraph::emulator
