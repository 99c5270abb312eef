#include "emulator/graph_store.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "emulator/database.h"

// Debian builds Abseil as C++14: its heterogeneous lookup takes absl::string_view, not std::string_view.
#include <absl/strings/string_view.h>

namespace icegraph::emulator {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

uint64_t Pack(uint32_t hi, uint32_t lo) { return (static_cast<uint64_t>(hi) << 32) | lo; }
uint32_t Hi(uint64_t v) { return static_cast<uint32_t>(v >> 32); }
uint32_t Lo(uint64_t v) { return static_cast<uint32_t>(v & 0xffffffffULL); }

// Grows at least twofold: reserving just size() + n per request would rehash the whole index on every request.
template <typename Map>
void ReserveFor(Map& map, size_t n) {
  const size_t want = map.size() + n;
  if (static_cast<double>(want) > static_cast<double>(map.bucket_count()) * 0.875) {
    map.reserve(std::max(want, 2 * map.size()));
  }
}

}  // namespace

// One edge type: records in chunks (stable addresses), an index from (from, to, discriminator) to the slot.
struct GraphStore::EdgeTable {
  struct Record {
    Handle from{};
    Handle to{};
    std::string disc;
    Attrs attrs;
    uint32_t from_pos = 0;  // position of this edge in from's adjacency
    uint32_t to_pos = 0;    // and in to's (unused for a self-loop, which is listed once)
    bool alive = false;
  };
  struct Probe {
    uint64_t from;
    uint64_t to;
    std::string_view disc;
    bool operator==(const Probe&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const Probe& p) {
      return H::combine(std::move(h), p.from, p.to, p.disc);
    }
  };

  explicit EdgeTable(std::string n) : name(std::move(n)) {}

  std::string name;
  ChunkedVector<Record> records;
  std::vector<uint32_t> free;
  // disc views the record's string
  absl::flat_hash_map<Probe, uint32_t, absl::Hash<Probe>, std::equal_to<Probe>,
                      HugePageAllocator<std::pair<const Probe, uint32_t>>>
      index;
};

EdgeKey EdgeView::Key() const {
  return EdgeKey{std::string(type), VertexRef{std::string(from.type), std::string(from.id)},
                 VertexRef{std::string(to.type), std::string(to.id)}, std::string(discriminator)};
}

Attrs* VertexTable::Find(std::string_view id) {
  const auto it = index_.find(absl::string_view(id.data(), id.size()));
  return it == index_.end() ? nullptr : &records_[it->second].attrs;
}

const Attrs* VertexTable::Find(std::string_view id) const {
  const auto it = index_.find(absl::string_view(id.data(), id.size()));
  return it == index_.end() ? nullptr : &records_[it->second].attrs;
}

int64_t VertexTable::SlotOf(std::string_view id) const {
  const auto it = index_.find(absl::string_view(id.data(), id.size()));
  return it == index_.end() ? -1 : static_cast<int64_t>(it->second);
}

uint32_t VertexTable::SlotFor(std::string_view id, bool* created) {
  // One probe: the key is inserted (or found) here, and its slot filled in below when new.
  const auto [it, inserted] = index_.try_emplace(absl::string_view(id.data(), id.size()), 0U);
  if (!inserted) {
    *created = false;
    return it->second;
  }
  uint32_t slot = 0;
  if (free_.empty()) {
    slot = static_cast<uint32_t>(records_.size());
    records_.emplace_back();
    adj_.emplace_back();
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  Record& r = records_[slot];
  r.id.assign(id);
  r.alive = true;
  it->second = slot;
  *created = true;
  return slot;
}

void VertexTable::Erase(uint32_t slot) {
  Record& r = records_[slot];
  index_.erase(r.id);
  r.alive = false;
  r.id.clear();
  Attrs().swap(r.attrs);
  Adjacency().swap(adj_[slot]);
  free_.push_back(slot);
}

void VertexTable::Reserve(size_t n) { ReserveFor(index_, n); }

void VertexTable::PrefetchIndex(std::string_view id) const { index_.prefetch(absl::string_view(id.data(), id.size())); }

GraphStore::GraphStore() = default;
GraphStore::~GraphStore() = default;

int64_t GraphStore::VertexTypeIndex(std::string_view type) const {
  const auto it = vtype_index_.find(absl::string_view(type.data(), type.size()));
  return it == vtype_index_.end() ? -1 : static_cast<int64_t>(it->second);
}

int64_t GraphStore::EdgeTypeIndex(std::string_view type) const {
  const auto it = etype_index_.find(absl::string_view(type.data(), type.size()));
  return it == etype_index_.end() ? -1 : static_cast<int64_t>(it->second);
}

uint32_t GraphStore::InternVertexType(const std::string& type) {
  const auto [it, inserted] = vtype_index_.try_emplace(type, static_cast<uint32_t>(vtables_.size()));
  if (inserted) vtables_.push_back(std::make_unique<VertexTable>(type));
  return it->second;
}

uint32_t GraphStore::InternEdgeType(const std::string& type) {
  const auto [it, inserted] = etype_index_.try_emplace(type, static_cast<uint32_t>(etables_.size()));
  if (inserted) etables_.push_back(std::make_unique<EdgeTable>(type));
  return it->second;
}

VertexTable& GraphStore::Vertices(const std::string& type) { return *vtables_[InternVertexType(type)]; }

const VertexTable* GraphStore::FindVertices(const std::string& type) const {
  const int64_t t = VertexTypeIndex(type);
  return t < 0 ? nullptr : vtables_[static_cast<size_t>(t)].get();
}

Attrs* GraphStore::FindVertex(const std::string& type, std::string_view id) {
  const int64_t t = VertexTypeIndex(type);
  return t < 0 ? nullptr : vtables_[static_cast<size_t>(t)]->Find(id);
}

const Attrs* GraphStore::FindVertex(const std::string& type, std::string_view id) const {
  const int64_t t = VertexTypeIndex(type);
  return t < 0 ? nullptr : vtables_[static_cast<size_t>(t)]->Find(id);
}

GraphStore::Handle GraphStore::FindHandle(std::string_view type, std::string_view id) const {
  const int64_t t = VertexTypeIndex(type);
  if (t < 0) return {kNone, 0};
  const int64_t slot = vtables_[static_cast<size_t>(t)]->SlotOf(id);
  if (slot < 0) return {kNone, 0};
  return {static_cast<uint32_t>(t), static_cast<uint32_t>(slot)};
}

Attrs& GraphStore::UpsertEdge(const EdgeKey& key, const Attrs& initial, bool* created, const VertexType* from_type,
                              const VertexType* to_type) {
  Attrs copy = initial;
  return UpsertEdge(key, std::move(copy), created, from_type, to_type);
}

Attrs& GraphStore::UpsertEdge(const EdgeKey& key, Attrs&& initial, bool* created, const VertexType* from_type,
                              const VertexType* to_type) {
  const uint32_t et = InternEdgeType(key.type);
  const auto endpoint = [this](const VertexRef& v, const VertexType* type) {
    const uint32_t t = InternVertexType(v.type);
    bool fresh = false;
    const uint32_t slot = vtables_[t]->SlotFor(v.id, &fresh);
    if (fresh && type != nullptr) vtables_[t]->records_[slot].attrs = DefaultAttrs(type->attributes);
    return Handle{t, slot};
  };
  // MakeEdgeKey may have swapped the ends of an undirected edge: each end takes the type of its own name.
  if ((from_type != nullptr && from_type->name != key.from.type) ||
      (to_type != nullptr && to_type->name != key.to.type)) {
    std::swap(from_type, to_type);
  }
  const Handle from = endpoint(key.from, from_type);
  const Handle to = endpoint(key.to, to_type);
  EdgeTable& table = *etables_[et];
  const EdgeTable::Probe probe{Pack(from.type, from.slot), Pack(to.type, to.slot), key.discriminator};
  if (const auto it = table.index.find(probe); it != table.index.end()) {
    *created = false;
    return table.records[it->second].attrs;
  }
  uint32_t slot = 0;
  if (table.free.empty()) {
    slot = static_cast<uint32_t>(table.records.size());
    table.records.emplace_back();
  } else {
    slot = table.free.back();
    table.free.pop_back();
  }
  EdgeTable::Record& r = table.records[slot];
  r.from = from;
  r.to = to;
  r.disc = key.discriminator;
  r.attrs = std::move(initial);
  r.alive = true;
  table.index.emplace(EdgeTable::Probe{probe.from, probe.to, r.disc}, slot);
  const uint64_t ref = Pack(et, slot);
  auto& from_adj = vtables_[from.type]->adj_[from.slot];
  r.from_pos = static_cast<uint32_t>(from_adj.size());
  from_adj.push_back(ref);
  if (from.type != to.type || from.slot != to.slot) {
    auto& to_adj = vtables_[to.type]->adj_[to.slot];
    r.to_pos = static_cast<uint32_t>(to_adj.size());
    to_adj.push_back(ref);
  }
  *created = true;
  return r.attrs;
}

int64_t GraphStore::FindEdgeSlot(const EdgeKey& key, uint32_t* etype) const {
  const int64_t et = EdgeTypeIndex(key.type);
  if (et < 0) return -1;
  const Handle from = FindHandle(key.from.type, key.from.id);
  const Handle to = FindHandle(key.to.type, key.to.id);
  if (from.type == kNone || to.type == kNone) return -1;
  const EdgeTable& table = *etables_[static_cast<size_t>(et)];
  const auto it =
      table.index.find(EdgeTable::Probe{Pack(from.type, from.slot), Pack(to.type, to.slot), key.discriminator});
  if (it == table.index.end()) return -1;
  *etype = static_cast<uint32_t>(et);
  return it->second;
}

const Attrs* GraphStore::FindEdge(const EdgeKey& key) const {
  uint32_t et = 0;
  const int64_t slot = FindEdgeSlot(key, &et);
  return slot < 0 ? nullptr : &etables_[et]->records[static_cast<size_t>(slot)].attrs;
}

void GraphStore::ReserveEdges(const std::string& type, size_t n) {
  ReserveFor(etables_[InternEdgeType(type)]->index, n);
}

void GraphStore::PrefetchVertexId(uint32_t vtype, std::string_view id) const {
  if (vtype < vtables_.size()) vtables_[vtype]->PrefetchIndex(id);
}

void GraphStore::PrefetchEdge(uint32_t etype, bool probe_edge, uint32_t from_vtype, std::string_view from_id,
                              uint32_t to_vtype, std::string_view to_id, int64_t* from_slot, int64_t* to_slot) const {
  *from_slot = -1;
  *to_slot = -1;
  if (etype >= etables_.size() || from_vtype >= vtables_.size() || to_vtype >= vtables_.size()) return;
  const VertexTable& ft = *vtables_[from_vtype];
  const VertexTable& tt = *vtables_[to_vtype];
  const int64_t from = ft.SlotOf(from_id);
  const int64_t to = tt.SlotOf(to_id);
  *from_slot = from;
  *to_slot = to;
  // Adding an edge to existing vertices reads only their adjacency lists' headers (which may straddle two lines);
  // the lists' contents are fetched through them in the last stage.
  const auto fetch_list = [](const VertexTable& t, int64_t slot) {
    if (slot < 0) return;
    const char* p = reinterpret_cast<const char*>(&t.adj_[static_cast<size_t>(slot)]);
    __builtin_prefetch(p);
    __builtin_prefetch(p + sizeof(VertexTable::Adjacency) - 1);
  };
  fetch_list(ft, from);
  fetch_list(tt, to);
  if (!probe_edge || from < 0 || to < 0) return;
  etables_[etype]->index.prefetch(EdgeTable::Probe{Pack(from_vtype, static_cast<uint32_t>(from)),
                                                   Pack(to_vtype, static_cast<uint32_t>(to)), std::string_view()});
}

void GraphStore::PrefetchAdjacency(uint32_t vtype, int64_t slot) const {
  if (vtype >= vtables_.size() || slot < 0) return;
  const auto& lists = vtables_[vtype]->adj_;
  if (static_cast<size_t>(slot) >= lists.size()) return;
  const VertexTable::Adjacency& adj = lists[static_cast<size_t>(slot)];
  if (adj.empty()) return;
  __builtin_prefetch(adj.data());
  __builtin_prefetch(adj.data() + adj.size() - 1);
}

void GraphStore::EraseEdge(uint32_t etype, uint32_t slot, const Handle* skip) {
  EdgeTable& table = *etables_[etype];
  EdgeTable::Record& r = table.records[slot];
  // Removes the edge from v's adjacency by moving the last entry into its place, and tells that entry's edge.
  const auto unlink = [this](const Handle& v, uint32_t pos) {
    auto& adj = vtables_[v.type]->adj_[v.slot];
    const uint64_t last = adj.back();
    adj[pos] = last;
    adj.pop_back();
    if (pos == adj.size()) return;
    EdgeTable::Record& moved = etables_[Hi(last)]->records[Lo(last)];
    if (moved.from.type == v.type && moved.from.slot == v.slot) {
      moved.from_pos = pos;
    } else {
      moved.to_pos = pos;
    }
  };
  const auto same = [](const Handle& a, const Handle* b) {
    return b != nullptr && a.type == b->type && a.slot == b->slot;
  };
  if (!same(r.from, skip)) unlink(r.from, r.from_pos);
  const bool loop = r.from.type == r.to.type && r.from.slot == r.to.slot;
  if (!loop && !same(r.to, skip)) unlink(r.to, r.to_pos);
  table.index.erase(EdgeTable::Probe{Pack(r.from.type, r.from.slot), Pack(r.to.type, r.to.slot), r.disc});
  r.alive = false;
  r.disc.clear();
  Attrs().swap(r.attrs);
  table.free.push_back(slot);
}

bool GraphStore::DeleteEdge(const EdgeKey& key) {
  uint32_t et = 0;
  const int64_t slot = FindEdgeSlot(key, &et);
  if (slot < 0) return false;
  EraseEdge(et, static_cast<uint32_t>(slot), nullptr);
  return true;
}

int64_t GraphStore::DeleteVertex(const std::string& type, std::string_view id) {
  const Handle h = FindHandle(type, id);
  if (h.type == kNone) return -1;
  VertexTable& table = *vtables_[h.type];
  // Taken out first: each edge is unlinked from its other end only, this vertex's list goes as a whole.
  const std::vector<uint64_t> touching = std::move(table.adj_[h.slot]);
  for (const uint64_t ref : touching) EraseEdge(Hi(ref), Lo(ref), &h);
  table.Erase(h.slot);
  return static_cast<int64_t>(touching.size());
}

EdgeView GraphStore::MakeView(uint64_t ref, const Handle& self) const {
  const EdgeTable& table = *etables_[Hi(ref)];
  const EdgeTable::Record& r = table.records[Lo(ref)];
  const VertexTable& ft = *vtables_[r.from.type];
  const VertexTable& tt = *vtables_[r.to.type];
  const bool flipped = !(r.from.type == self.type && r.from.slot == self.slot);
  return EdgeView{
      table.name, {ft.name(), ft.records_[r.from.slot].id}, {tt.name(), tt.records_[r.to.slot].id}, r.disc, &r.attrs,
      flipped};
}

std::vector<EdgeView> GraphStore::EdgesOf(std::string_view type, std::string_view id) const {
  std::vector<EdgeView> out;
  const Handle h = FindHandle(type, id);
  if (h.type == kNone) return out;
  const auto& adj = vtables_[h.type]->adj_[h.slot];
  out.reserve(adj.size());
  for (const uint64_t ref : adj) out.push_back(MakeView(ref, h));
  return out;
}

int64_t GraphStore::VertexCount(const std::string& type) const {
  const VertexTable* t = FindVertices(type);
  return t == nullptr ? 0 : static_cast<int64_t>(t->size());
}

int64_t GraphStore::EdgeCount(const std::string& type) const {
  const int64_t et = EdgeTypeIndex(type);
  return et < 0 ? 0 : static_cast<int64_t>(etables_[static_cast<size_t>(et)]->index.size());
}

void GraphStore::ForEachVertexAttrs(const std::string& type, const std::function<void(Attrs&)>& fn) {
  const int64_t t = VertexTypeIndex(type);
  if (t < 0) return;
  vtables_[static_cast<size_t>(t)]->records_.ForEach([&](VertexTable::Record& r) {
    if (r.alive) fn(r.attrs);
  });
}

void GraphStore::ForEachEdgeAttrs(const std::string& type, const std::function<void(Attrs&)>& fn) {
  const int64_t et = EdgeTypeIndex(type);
  if (et < 0) return;
  etables_[static_cast<size_t>(et)]->records.ForEach([&](EdgeTable::Record& r) {
    if (r.alive) fn(r.attrs);
  });
}

void GraphStore::ForEachEdgeAttrs(const std::string& type, const std::function<void(const Attrs&)>& fn) const {
  const int64_t et = EdgeTypeIndex(type);
  if (et < 0) return;
  std::as_const(*etables_[static_cast<size_t>(et)]).records.ForEach([&](const EdgeTable::Record& r) {
    if (r.alive) fn(r.attrs);
  });
}

void GraphStore::DropVertexType(const std::string& type) {
  const int64_t t = VertexTypeIndex(type);
  if (t < 0) return;
  VertexTable& table = *vtables_[static_cast<size_t>(t)];
  for (uint32_t slot = 0; slot < table.records_.size(); ++slot) {
    if (!table.records_[slot].alive) continue;
    const Handle h{static_cast<uint32_t>(t), slot};
    const std::vector<uint64_t> touching = std::move(table.adj_[slot]);
    for (const uint64_t ref : touching) EraseEdge(Hi(ref), Lo(ref), &h);
  }
  table.index_.clear();
  table.records_.clear();
  table.adj_.clear();
  table.free_.clear();
}

void GraphStore::DropEdgeType(const std::string& type) {
  const int64_t et = EdgeTypeIndex(type);
  if (et < 0) return;
  EdgeTable& table = *etables_[static_cast<size_t>(et)];
  for (uint32_t slot = 0; slot < table.records.size(); ++slot) {
    if (table.records[slot].alive) EraseEdge(static_cast<uint32_t>(et), slot, nullptr);
  }
  table.index.clear();
  table.records.clear();
  table.free.clear();
}

std::string GraphStore::Inconsistency() const {
  const auto at = [](const std::string& type, uint32_t slot) { return type + "[" + std::to_string(slot) + "]"; };
  size_t adj_entries = 0;
  for (size_t t = 0; t < vtables_.size(); ++t) {
    const VertexTable& vt = *vtables_[t];
    size_t alive = 0;
    for (uint32_t slot = 0; slot < vt.records_.size(); ++slot) {
      const VertexTable::Record& r = vt.records_[slot];
      const VertexTable::Adjacency& adj = vt.adj_[slot];
      if (!r.alive) {
        if (!adj.empty()) return "dead vertex " + at(vt.name(), slot) + " has edges";
        continue;
      }
      ++alive;
      if (vt.SlotOf(r.id) != slot) return "vertex " + at(vt.name(), slot) + " is not indexed under its id";
      for (uint32_t pos = 0; pos < adj.size(); ++pos) {
        const uint64_t ref = adj[pos];
        if (Hi(ref) >= etables_.size() || Lo(ref) >= etables_[Hi(ref)]->records.size()) {
          return "vertex " + at(vt.name(), slot) + " lists an edge out of range";
        }
        const EdgeTable::Record& e = etables_[Hi(ref)]->records[Lo(ref)];
        const bool is_from = e.from.type == t && e.from.slot == slot;
        const bool is_to = e.to.type == t && e.to.slot == slot;
        if (!e.alive || !((is_from && e.from_pos == pos) || (is_to && !is_from && e.to_pos == pos))) {
          return "vertex " + at(vt.name(), slot) + " lists edge " + at(etables_[Hi(ref)]->name, Lo(ref)) +
                 " that does not point back to it";
        }
      }
      adj_entries += adj.size();
    }
    if (alive != vt.index_.size()) return "vertex type " + vt.name() + ": index and records disagree";
  }
  size_t edge_ends = 0;
  for (size_t et = 0; et < etables_.size(); ++et) {
    const EdgeTable& table = *etables_[et];
    size_t alive = 0;
    for (uint32_t slot = 0; slot < table.records.size(); ++slot) {
      const EdgeTable::Record& e = table.records[slot];
      if (!e.alive) continue;
      ++alive;
      const auto listed = [&](const Handle& v, uint32_t pos) {
        if (v.type >= vtables_.size() || v.slot >= vtables_[v.type]->records_.size()) return false;
        const VertexTable& vt = *vtables_[v.type];
        const VertexTable::Adjacency& adj = vt.adj_[v.slot];
        return vt.records_[v.slot].alive && pos < adj.size() && adj[pos] == Pack(static_cast<uint32_t>(et), slot);
      };
      const bool loop = e.from.type == e.to.type && e.from.slot == e.to.slot;
      if (!listed(e.from, e.from_pos) || (!loop && !listed(e.to, e.to_pos))) {
        return "edge " + at(table.name, slot) + " is not listed by its endpoints";
      }
      const auto it =
          table.index.find(EdgeTable::Probe{Pack(e.from.type, e.from.slot), Pack(e.to.type, e.to.slot), e.disc});
      if (it == table.index.end() || it->second != slot) return "edge " + at(table.name, slot) + " is not indexed";
      edge_ends += loop ? 1 : 2;
    }
    if (alive != table.index.size()) return "edge type " + table.name + ": index and records disagree";
  }
  if (adj_entries != edge_ends) return "adjacency lists and edges disagree";
  return "";
}

void GraphStore::Clear() {
  vtables_.clear();
  vtype_index_.clear();
  etables_.clear();
  etype_index_.clear();
}

}  // namespace icegraph::emulator
