#include "emulator/schema.h"

#include <algorithm>

namespace icegraph::emulator {
namespace {

int IndexOf(const std::vector<Attribute>& attrs, std::string_view name) {
  for (size_t i = 0; i < attrs.size(); ++i) {
    if (attrs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

template <typename Map>
auto* Find(Map& map, std::string_view name) {
  const auto it = map.find(std::string(name));
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

int VertexType::AttributeIndex(std::string_view attr) const { return IndexOf(attributes, attr); }
int EdgeType::AttributeIndex(std::string_view attr) const { return IndexOf(attributes, attr); }

bool EdgeType::AllowsPair(std::string_view from, std::string_view to) const {
  return std::any_of(pairs.begin(), pairs.end(), [&](const EdgePair& p) {
    return (p.from == "*" || p.from == from) && (p.to == "*" || p.to == to);
  });
}

const VertexType* Catalog::FindVertex(std::string_view name) const { return Find(vertex_types, name); }
const EdgeType* Catalog::FindEdge(std::string_view name) const { return Find(edge_types, name); }
const Graph* Catalog::FindGraph(std::string_view name) const { return Find(graphs, name); }
Graph* Catalog::FindGraph(std::string_view name) { return Find(graphs, name); }

bool Catalog::GraphHasVertex(const Graph& g, std::string_view type) const {
  return std::find(g.vertex_types.begin(), g.vertex_types.end(), type) != g.vertex_types.end();
}

bool Catalog::GraphHasEdge(const Graph& g, std::string_view type) const {
  return std::find(g.edge_types.begin(), g.edge_types.end(), type) != g.edge_types.end();
}

}  // namespace icegraph::emulator
