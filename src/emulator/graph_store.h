// In-memory graph data of the emulator: interned vertices per type, edges per type keyed by vertex handles, and
// each vertex's adjacency kept beside it, so loading does not slow down as the graph grows.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/chunked_vector.h"
#include "emulator/huge_page_allocator.h"
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

/// A vertex reference into the store (views valid until the store next changes).
struct VertexRefView {
  std::string_view type;
  std::string_view id;
};

/// An edge as seen from one endpoint: for undirected edges `from` is the endpoint asked about when `flipped`
/// is false; views are valid until the store next changes.
struct EdgeView {
  std::string_view type;
  VertexRefView from;  // the stored key's `from`
  VertexRefView to;
  std::string_view discriminator;
  const Attrs* attrs;
  bool flipped;  // the stored key is seen from its `to` end

  const VertexRefView& self() const { return flipped ? to : from; }
  const VertexRefView& other() const { return flipped ? from : to; }
  /// An owned copy of the stored key (to delete it after the walk).
  EdgeKey Key() const;
};

/// Hashes and compares ids as absl's string maps do (lookups by view need no string).
struct IdHash : absl::Hash<absl::string_view> {
  using is_transparent = void;
};
struct IdEq {
  using is_transparent = void;
  bool operator()(absl::string_view a, absl::string_view b) const { return a == b; }
};

/// The vertices of one type: ids interned once, records in chunks (references stay valid as it grows), slots
/// of deleted vertices reused.
class VertexTable {
 public:
  explicit VertexTable(std::string name) : name_(std::move(name)) {}
  VertexTable(const VertexTable&) = delete;
  VertexTable& operator=(const VertexTable&) = delete;

  const std::string& name() const { return name_; }
  size_t size() const { return index_.size(); }

  Attrs* Find(std::string_view id);
  const Attrs* Find(std::string_view id) const;
  /// The vertex's attributes, made by `make()` when it is new; `created` tells which.
  template <typename Make>
  Attrs& FindOrInsert(std::string_view id, Make&& make, bool* created) {
    const uint32_t slot = SlotFor(id, created);
    if (*created) records_[slot].attrs = make();
    return records_[slot].attrs;
  }
  /// Makes room for `n` more vertices.
  void Reserve(size_t n);
  /// Bulk-load hint, no effect on contents: starts fetching the index entry of `id` into the cache.
  void PrefetchIndex(std::string_view id) const;

  /// Calls fn(id, attrs) for every vertex, in slot order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    records_.ForEach([&](const Record& r) {
      if (r.alive) fn(r.id, r.attrs);
    });
  }

 private:
  friend class GraphStore;
  struct Record {
    std::string id;
    Attrs attrs;
    bool alive = false;
  };
  using Adjacency = std::vector<uint64_t>;  // packed edge references (edge type << 32 | slot)
  // Slot of `id`, added (with empty attributes) when absent.
  uint32_t SlotFor(std::string_view id, bool* created);
  int64_t SlotOf(std::string_view id) const;
  void Erase(uint32_t slot);

  std::string name_;
  ChunkedVector<Record> records_;
  // Beside the records, not in them: adding an edge touches only its endpoints' lists (one cache line each).
  ChunkedVector<Adjacency> adj_;
  std::vector<uint32_t> free_;
  // Owned keys: short ids sit inline in the index, so a lookup compares without touching the record.
  absl::flat_hash_map<std::string, uint32_t, IdHash, IdEq, HugePageAllocator<std::pair<const std::string, uint32_t>>>
      index_;
};

/// Vertex and edge data. Not thread-safe: the Database around it holds the lock.
class GraphStore {
 public:
  GraphStore();
  ~GraphStore();
  GraphStore(const GraphStore&) = delete;
  GraphStore& operator=(const GraphStore&) = delete;

  /// Vertex table of a type (created on first use).
  VertexTable& Vertices(const std::string& type);
  const VertexTable* FindVertices(const std::string& type) const;
  Attrs* FindVertex(const std::string& type, std::string_view id);
  const Attrs* FindVertex(const std::string& type, std::string_view id) const;

  /// Inserts or returns the edge; `created` tells which. Endpoints missing from the store are added with the
  /// defaults of `from_type`/`to_type` (as TigerGraph does), or with no attributes when those are null.
  Attrs& UpsertEdge(const EdgeKey& key, const Attrs& initial, bool* created, const VertexType* from_type = nullptr,
                    const VertexType* to_type = nullptr);
  /// As above; `initial` is moved into a new edge and left as it was when the edge exists.
  Attrs& UpsertEdge(const EdgeKey& key, Attrs&& initial, bool* created, const VertexType* from_type = nullptr,
                    const VertexType* to_type = nullptr);
  const Attrs* FindEdge(const EdgeKey& key) const;
  /// Makes room for `n` more edges of a type (bulk loads), so its index is not rehashed as it grows.
  void ReserveEdges(const std::string& type, size_t n);

  /// Bulk-load hints, no effect on contents. A load looks ahead: the index entries of a line's vertex ids are
  /// fetched some lines before it is applied (PrefetchVertexId), then, once they are cached, the vertices' lists
  /// and the edge's index entry (PrefetchEdge), so the random reads of many lines overlap instead of each line
  /// waiting for its own. Type handles come from VertexTypeHandle / EdgeTypeHandle (interned, stable).
  uint32_t VertexTypeHandle(const std::string& type) { return InternVertexType(type); }
  uint32_t EdgeTypeHandle(const std::string& type) { return InternEdgeType(type); }
  void PrefetchVertexId(uint32_t vtype, std::string_view id) const;
  /// The endpoints come in the stored order (MakeEdgeKey's); the edge's index entry is fetched when `probe_edge`
  /// (a type without a discriminator). Sets the endpoints' slots (-1 when absent) for PrefetchAdjacency.
  void PrefetchEdge(uint32_t etype, bool probe_edge, uint32_t from_vtype, std::string_view from_id, uint32_t to_vtype,
                    std::string_view to_id, int64_t* from_slot, int64_t* to_slot) const;
  /// Last stage, once the list header is cached: the end of the vertex's adjacency list, where the edge is appended
  /// (and its start, copied when the list grows). A stale slot only fetches the wrong memory.
  void PrefetchAdjacency(uint32_t vtype, int64_t slot) const;

  /// Removes a vertex and every edge touching it; returns the number of edges removed, -1 if absent.
  int64_t DeleteVertex(const std::string& type, std::string_view id);
  /// Removes one edge; false if absent.
  bool DeleteEdge(const EdgeKey& key);

  /// Edges touching `v` (both directions for undirected types; outgoing only for directed ones).
  std::vector<EdgeView> EdgesOf(std::string_view type, std::string_view id) const;
  std::vector<EdgeView> EdgesOf(const VertexRef& v) const { return EdgesOf(v.type, v.id); }

  int64_t VertexCount(const std::string& type) const;
  int64_t EdgeCount(const std::string& type) const;

  /// Applies `fn` to every stored attribute list of a vertex or edge type (schema changes).
  void ForEachVertexAttrs(const std::string& type, const std::function<void(Attrs&)>& fn);
  void ForEachEdgeAttrs(const std::string& type, const std::function<void(Attrs&)>& fn);
  /// Calls fn(attrs) for every edge of a type (statistics).
  void ForEachEdgeAttrs(const std::string& type, const std::function<void(const Attrs&)>& fn) const;
  /// Drops all data of a type (DROP VERTEX/EDGE); dropping a vertex type removes its edges.
  void DropVertexType(const std::string& type);
  void DropEdgeType(const std::string& type);
  void Clear();

  /// What breaks the store's internal links (index, records, adjacency positions), or empty when none; for the
  /// fuzzer and tests, O(size of the store).
  std::string Inconsistency() const;

 private:
  struct EdgeTable;
  struct Handle {
    uint32_t type;
    uint32_t slot;
  };
  int64_t VertexTypeIndex(std::string_view type) const;
  int64_t EdgeTypeIndex(std::string_view type) const;
  uint32_t InternVertexType(const std::string& type);
  uint32_t InternEdgeType(const std::string& type);
  // Handle of an existing vertex, or type = UINT32_MAX.
  Handle FindHandle(std::string_view type, std::string_view id) const;
  int64_t FindEdgeSlot(const EdgeKey& key, uint32_t* etype) const;
  void EraseEdge(uint32_t etype, uint32_t slot, const Handle* skip);
  EdgeView MakeView(uint64_t ref, const Handle& self) const;

  std::vector<std::unique_ptr<VertexTable>> vtables_;
  absl::flat_hash_map<std::string, uint32_t> vtype_index_;
  std::vector<std::unique_ptr<EdgeTable>> etables_;
  absl::flat_hash_map<std::string, uint32_t> etype_index_;
};

}  // namespace icegraph::emulator
