#include "emulator/graph_store.h"

namespace icegraph::emulator {
namespace {

size_t Mix(size_t seed, size_t h) { return seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)); }

}  // namespace

size_t VertexRefHash::operator()(const VertexRef& v) const {
  return Mix(std::hash<std::string>{}(v.type), std::hash<std::string>{}(v.id));
}

size_t EdgeKeyHash::operator()(const EdgeKey& e) const {
  const VertexRefHash vh;
  size_t h = std::hash<std::string>{}(e.type);
  h = Mix(h, vh(e.from));
  h = Mix(h, vh(e.to));
  return Mix(h, std::hash<std::string>{}(e.discriminator));
}

const std::unordered_map<std::string, Attrs>* GraphStore::FindVertices(const std::string& type) const {
  const auto it = vertices_.find(type);
  return it == vertices_.end() ? nullptr : &it->second;
}

Attrs* GraphStore::FindVertex(const std::string& type, const std::string& id) {
  const auto t = vertices_.find(type);
  if (t == vertices_.end()) return nullptr;
  const auto v = t->second.find(id);
  return v == t->second.end() ? nullptr : &v->second;
}

const Attrs* GraphStore::FindVertex(const std::string& type, const std::string& id) const {
  const auto t = vertices_.find(type);
  if (t == vertices_.end()) return nullptr;
  const auto v = t->second.find(id);
  return v == t->second.end() ? nullptr : &v->second;
}

Attrs& GraphStore::UpsertEdge(const EdgeKey& key, const Attrs& initial, bool* created) {
  auto [it, inserted] = edges_.try_emplace(key, initial);
  *created = inserted;
  if (inserted) {
    adjacency_[key.from].insert(&it->first);
    adjacency_[key.to].insert(&it->first);
    ++edge_counts_[key.type];
  }
  return it->second;
}

const Attrs* GraphStore::FindEdge(const EdgeKey& key) const {
  const auto it = edges_.find(key);
  return it == edges_.end() ? nullptr : &it->second;
}

void GraphStore::Unlink(const VertexRef& v, const EdgeKey* key) {
  const auto it = adjacency_.find(v);
  if (it == adjacency_.end()) return;
  it->second.erase(key);
  if (it->second.empty()) adjacency_.erase(it);
}

bool GraphStore::DeleteEdge(const EdgeKey& key) {
  const auto it = edges_.find(key);
  if (it == edges_.end()) return false;
  Unlink(it->first.from, &it->first);
  Unlink(it->first.to, &it->first);
  --edge_counts_[key.type];
  edges_.erase(it);
  return true;
}

int64_t GraphStore::DeleteVertex(const std::string& type, const std::string& id) {
  const auto t = vertices_.find(type);
  if (t == vertices_.end() || t->second.erase(id) == 0) return -1;
  const VertexRef ref{type, id};
  const auto adj = adjacency_.find(ref);
  if (adj == adjacency_.end()) return 0;
  // Copy first: DeleteEdge mutates the adjacency set being walked.
  const std::vector<const EdgeKey*> touching(adj->second.begin(), adj->second.end());
  int64_t removed = 0;
  for (const EdgeKey* k : touching) {
    const EdgeKey copy = *k;
    if (DeleteEdge(copy)) ++removed;
  }
  return removed;
}

std::vector<EdgeView> GraphStore::EdgesOf(const VertexRef& v) const {
  std::vector<EdgeView> out;
  const auto adj = adjacency_.find(v);
  if (adj == adjacency_.end()) return out;
  out.reserve(adj->second.size());
  for (const EdgeKey* k : adj->second) {
    const auto e = edges_.find(*k);
    if (k->from == v) out.push_back({k, &e->second, false});
    // A self-loop is reported once, from its `from` end.
    if (k->to == v && !(k->from == v)) out.push_back({k, &e->second, true});
  }
  return out;
}

int64_t GraphStore::VertexCount(const std::string& type) const {
  const auto t = vertices_.find(type);
  return t == vertices_.end() ? 0 : static_cast<int64_t>(t->second.size());
}

int64_t GraphStore::EdgeCount(const std::string& type) const {
  const auto it = edge_counts_.find(type);
  return it == edge_counts_.end() ? 0 : it->second;
}

void GraphStore::ForEachVertexAttrs(const std::string& type, const std::function<void(Attrs&)>& fn) {
  const auto t = vertices_.find(type);
  if (t == vertices_.end()) return;
  for (auto& [id, attrs] : t->second) fn(attrs);
}

void GraphStore::ForEachEdgeAttrs(const std::string& type, const std::function<void(Attrs&)>& fn) {
  for (auto& [key, attrs] : edges_) {
    if (key.type == type) fn(attrs);
  }
}

void GraphStore::DropVertexType(const std::string& type) {
  const auto t = vertices_.find(type);
  if (t == vertices_.end()) return;
  std::vector<std::string> ids;
  ids.reserve(t->second.size());
  for (const auto& [id, attrs] : t->second) ids.push_back(id);
  for (const auto& id : ids) DeleteVertex(type, id);
  vertices_.erase(type);
}

void GraphStore::DropEdgeType(const std::string& type) {
  std::vector<EdgeKey> keys;
  for (const auto& [key, attrs] : edges_) {
    if (key.type == type) keys.push_back(key);
  }
  for (const auto& k : keys) DeleteEdge(k);
  edge_counts_.erase(type);
}

void GraphStore::Clear() {
  adjacency_.clear();
  edges_.clear();
  vertices_.clear();
  edge_counts_.clear();
}

}  // namespace icegraph::emulator
