#include "sink/graph_pages.h"

#include <algorithm>

#include "common/json_fields.h"

namespace icegraph::sink {
namespace {

using json = nlohmann::json;

// Callers pass vertices SortedVertices checked to hold a v_id.
std::string IdOf(const json& v) {
  const json* id = json_fields::Member(v, "v_id");
  if (id == nullptr) return {};
  return id->is_string() ? id->get<std::string>() : id->dump();
}

// Sorted vertex ids of a type (REST++ gives them in no particular order).
Result<std::vector<json>> SortedVertices(TigerGraphClient& client, const std::string& type) {
  ICEGRAPH_ASSIGN_OR_RAISE(json all, client.GetVertices(type));
  if (!all.is_array()) return Status::Internal("REST++ vertices of " + type + ": expected an array");
  std::vector<json> out;
  out.reserve(all.size());
  for (json& v : all) {
    if (json_fields::Member(v, "v_id") == nullptr) {
      return Status::Invalid("REST++ vertices of " + type + ": an item without v_id: " + v.dump().substr(0, 200));
    }
    out.push_back(std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) { return IdOf(a) < IdOf(b); });
  return out;
}

// The edges of one source vertex in a stable order, without the mirrored copy of same-type undirected edges.
Result<std::vector<json>> EdgesOf(TigerGraphClient& client, const std::string& from_type, const std::string& id,
                                  const std::string& edge_type) {
  ICEGRAPH_ASSIGN_OR_RAISE(json all, client.GetEdges(from_type, id, edge_type));
  if (!all.is_array()) return Status::Internal("REST++ edges of " + from_type + " " + id + ": expected an array");
  std::vector<json> out;
  const std::string what = "REST++ " + edge_type + " edge of " + from_type + " " + id;
  for (json& e : all) {
    if (!e.is_object()) return Status::Invalid(what + ": not an object: " + e.dump().substr(0, 200));
    ICEGRAPH_ASSIGN_OR_RAISE(const bool directed, json_fields::BoolOr(e, "directed", true));
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string to_type, json_fields::StringOr(e, "to_type", ""));
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string e_type, json_fields::StringOr(e, "e_type", edge_type));
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string from_type_of, json_fields::StringOr(e, "from_type", from_type));
    ICEGRAPH_ASSIGN_OR_RAISE(const json attributes, json_fields::ObjectOr(e, "attributes"));
    const json* to_id_member = json_fields::Member(e, "to_id");
    const json* from_id_member = json_fields::Member(e, "from_id");
    const std::string to_id =
        to_id_member != nullptr && to_id_member->is_string() ? to_id_member->get<std::string>() : "";
    if (!directed && to_type == from_type && to_id < id) continue;  // listed from the other end
    json edge = {{"e_type", e_type},          {"directed", directed},
                 {"from_type", from_type_of}, {"from_id", from_id_member != nullptr ? *from_id_member : json(id)},
                 {"to_type", to_type},        {"to_id", to_id_member != nullptr ? *to_id_member : json("")},
                 {"attributes", attributes}};
    out.push_back(std::move(edge));
  }
  // Every edge built above holds a string to_type, so the keys below cannot throw.
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    const auto ka =
        std::make_tuple(a["to_type"].get_ref<const std::string&>(), a["to_id"].dump(), a["attributes"].dump());
    const auto kb =
        std::make_tuple(b["to_type"].get_ref<const std::string&>(), b["to_id"].dump(), b["attributes"].dump());
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
    auto attrs_or = json_fields::ObjectOr(*it, "attributes");
    if (!attrs_or.ok()) return attrs_or.status().WithContext("REST++ vertex " + IdOf(*it) + " of " + type);
    json attrs = std::move(attrs_or).ValueOrDie();
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string v_type, json_fields::StringOr(*it, "v_type", type));
    const std::string id = IdOf(*it);
    // primary_id_as_attribute repeats the id as attribute `id`: the skeleton's shape has it as v_id only.
    if (attrs.contains("id") && attrs["id"].is_string() && attrs["id"].get<std::string>() == id) attrs.erase("id");
    page.items.push_back({{"v_type", v_type}, {"v_id", *json_fields::Member(*it, "v_id")}, {"attributes", attrs}});
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
