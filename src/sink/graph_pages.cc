#include "sink/graph_pages.h"

#include <algorithm>

namespace icegraph::sink {
namespace {

using json = nlohmann::json;

std::string IdOf(const json& v) {
  const json& id = v.at("v_id");
  return id.is_string() ? id.get<std::string>() : id.dump();
}

// Sorted vertex ids of a type (REST++ gives them in no particular order).
Result<std::vector<json>> SortedVertices(TigerGraphClient& client, const std::string& type) {
  ICEGRAPH_ASSIGN_OR_RAISE(json all, client.GetVertices(type));
  if (!all.is_array()) return Status::Internal("REST++ vertices of " + type + ": expected an array");
  std::vector<json> out;
  out.reserve(all.size());
  for (json& v : all) out.push_back(std::move(v));
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return IdOf(a) < IdOf(b); });
  return out;
}

// The edges of one source vertex in a stable order, without the mirrored copy of same-type undirected edges.
Result<std::vector<json>> EdgesOf(TigerGraphClient& client, const std::string& from_type, const std::string& id,
                                  const std::string& edge_type) {
  ICEGRAPH_ASSIGN_OR_RAISE(json all, client.GetEdges(from_type, id, edge_type));
  std::vector<json> out;
  for (json& e : all) {
    const bool directed = e.value("directed", true);
    const std::string to_type = e.value("to_type", "");
    const std::string to_id = e.contains("to_id") && e["to_id"].is_string() ? e["to_id"].get<std::string>() : "";
    if (!directed && to_type == from_type && to_id < id) continue;  // listed from the other end
    json edge = {{"e_type", e.value("e_type", edge_type)},
                 {"directed", directed},
                 {"from_type", e.value("from_type", from_type)},
                 {"from_id", e.value("from_id", id)},
                 {"to_type", to_type},
                 {"to_id", e.value("to_id", json(""))},
                 {"attributes", e.value("attributes", json::object())}};
    out.push_back(std::move(edge));
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    const auto ka = std::make_tuple(a["to_type"].get<std::string>(), a["to_id"].dump(), a["attributes"].dump());
    const auto kb = std::make_tuple(b["to_type"].get<std::string>(), b["to_id"].dump(), b["attributes"].dump());
    return ka < kb;
  });
  return out;
}

}  // namespace

Result<VertexPage> ReadVertexPage(TigerGraphClient& client, const std::string& type,
                                  const std::optional<std::string>& after, int64_t limit) {
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<json> all, SortedVertices(client, type));
  auto it = all.begin();
  if (after) {
    it = std::upper_bound(all.begin(), all.end(), *after,
                          [](const std::string& key, const json& v) { return key < IdOf(v); });
  }
  VertexPage page;
  for (; it != all.end() && static_cast<int64_t>(page.items.size()) < limit; ++it) {
    json attrs = it->value("attributes", json::object());
    const std::string id = IdOf(*it);
    // primary_id_as_attribute repeats the id as attribute `id`: the skeleton's shape has it as v_id only.
    if (attrs.contains("id") && attrs["id"].is_string() && attrs["id"].get<std::string>() == id) attrs.erase("id");
    page.items.push_back({{"v_type", it->value("v_type", type)}, {"v_id", it->at("v_id")}, {"attributes", attrs}});
  }
  if (it != all.end() && !page.items.empty()) page.next_after = IdOf(page.items.back());
  return page;
}

Result<EdgePage> ReadEdgePage(TigerGraphClient& client, const std::string& from_type, const std::string& edge_type,
                              const EdgeCursor& cursor, int64_t limit) {
  EdgePage page;
  auto full = [&] { return static_cast<int64_t>(page.items.size()) >= limit; };
  // Takes the edges of `id` from `skip` on; sets the cursor when the page fills inside or at the end of them.
  auto take = [&](const std::string& id, int64_t skip) -> Status {
    ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<json> edges, EdgesOf(client, from_type, id, edge_type));
    int64_t i = skip;
    for (; i < static_cast<int64_t>(edges.size()) && !full(); ++i) page.items.push_back(edges[static_cast<size_t>(i)]);
    if (full()) {
      EdgeCursor next;
      if (i < static_cast<int64_t>(edges.size())) {
        next.current = id;
        next.skip = i;
      } else {
        next.after = id;
      }
      page.next = next;
    }
    return Status::OK();
  };
  std::optional<std::string> after = cursor.after;
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<json> sources, SortedVertices(client, from_type));
  if (cursor.current) {
    // A vertex deleted since the last page has no edges left to give: continue after it.
    const auto lb = std::lower_bound(sources.begin(), sources.end(), *cursor.current,
                                     [](const json& v, const std::string& key) { return IdOf(v) < key; });
    const bool exists = lb != sources.end() && IdOf(*lb) == *cursor.current;
    if (exists) {
      ICEGRAPH_RETURN_NOT_OK(take(*cursor.current, cursor.skip));
      if (page.next) return page;
    }
    after = cursor.current;
  }
  auto it = sources.begin();
  if (after) {
    it = std::upper_bound(sources.begin(), sources.end(), *after,
                          [](const std::string& key, const json& v) { return key < IdOf(v); });
  }
  for (; it != sources.end(); ++it) {
    ICEGRAPH_RETURN_NOT_OK(take(IdOf(*it), 0));
    if (page.next) {
      // Filled exactly at the end of the last source: there is no next page.
      if (page.next->after && std::next(it) == sources.end()) page.next.reset();
      return page;
    }
  }
  return page;
}

}  // namespace icegraph::sink
