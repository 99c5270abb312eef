#include "sink/graph_pages.h"

#include <algorithm>

#include "common/json_fields.h"
#include "sink/graph_reader.h"

namespace icegraph::sink {
namespace {

using json = nlohmann::json;

// Callers pass vertices SortedVertices checked to hold a v_id.
std::string IdOf(const json& v) {
  const json* id = json_fields::Member(v, "v_id");
  if (id == nullptr) return {};
  return id->is_string() ? id->get<std::string>() : id->dump();
}

// REST++'s vertex objects in the byte order of their ids (REST++ gives them in no order, or in the order of the
// attribute's value); each must carry a v_id.
Result<std::vector<json>> SortById(json all, const std::string& type) {
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

// Sorted vertex ids of a type.
Result<std::vector<json>> SortedVertices(TigerGraphClient& client, const std::string& type) {
  ICEGRAPH_ASSIGN_OR_RAISE(json all, client.GetVertices(type));
  return SortById(std::move(all), type);
}

// Up to `limit` vertices of `type` whose id sorts after `after`, in id order, asked of REST++ as one filtered,
// sorted and limited read on the primary id, which icegraph's schemas keep as attribute `id`
// (primary_id_as_attribute): TigerGraph sends only the page. nullopt when that read cannot express the request
// (REST++ filters have no escape for a double quote inside a literal, and URLs stop at 8 KB) or REST++ refuses it
// (a type without an `id` attribute); the caller then reads the whole type.
Result<std::optional<std::vector<json>>> KeyedVertices(TigerGraphClient& client, const std::string& type,
                                                       const std::optional<std::string>& after, int64_t limit,
                                                       const std::string& select) {
  using Out = std::optional<std::vector<json>>;
  if (after && (after->find('"') != std::string::npos || after->size() > 2048)) return Out();
  TigerGraphClient::VertexQuery q;
  q.sort = "id";
  q.limit = limit;
  q.select = select;
  if (after) q.filter = "id>\"" + *after + "\"";
  auto got = client.GetVertices(type, q);
  if (!got.ok() && got.status().code() == StatusCode::kInvalid) return Out();
  if (!got.ok()) return got.status();
  // REST++ orders by the attribute's value; the page keeps the byte order of the ids it promises.
  ICEGRAPH_ASSIGN_OR_RAISE(std::vector<json> out, SortById(std::move(got).ValueOrDie(), type));
  return Out(std::move(out));
}

// Up to `limit` vertices after `after` in id order: the keyed read, or a slice of the whole type when it cannot be
// used.
Result<std::vector<json>> VerticesAfter(TigerGraphClient& client, const std::string& type,
                                        const std::optional<std::string>& after, int64_t limit,
                                        const std::string& select) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto keyed, KeyedVertices(client, type, after, limit, select));
  if (keyed) return std::move(*keyed);
  ICEGRAPH_ASSIGN_OR_RAISE(std::vector<json> all, SortedVertices(client, type));
  auto it = all.begin();
  if (after) {
    it = std::upper_bound(all.begin(), all.end(), *after,
                          [](const std::string& key, const json& v) { return key < IdOf(v); });
  }
  std::vector<json> out;
  for (; it != all.end() && static_cast<int64_t>(out.size()) < limit; ++it) out.push_back(std::move(*it));
  return out;
}

// The edges of one source vertex in a stable order, without the mirrored copy of same-type undirected edges.
Result<std::vector<json>> EdgesOf(TigerGraphClient& client, const std::string& from_type, const std::string& id,
                                  const std::string& edge_type) {
  auto got = client.GetEdges(from_type, id, edge_type);
  // A source deleted since it was listed has no edges left to give.
  if (!got.ok() && got.status().cause() == ErrorDetail::Cause::kNoSuchVertex) return std::vector<json>();
  if (!got.ok()) return got.status();
  json all = std::move(got).ValueOrDie();
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
  // One vertex more than the page tells whether another page follows.
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<json> all, VerticesAfter(client, type, after, limit + 1, ""));
  VertexPage page;
  auto it = all.begin();
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
  // Takes `edges` (those of source `id`) from `skip` on; sets the cursor when the page fills inside or at their end.
  auto take = [&](const std::string& id, const std::vector<json>& edges, int64_t skip) {
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
  };
  std::optional<std::string> after = cursor.after;
  if (cursor.current) {
    ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<json> edges, EdgesOf(client, from_type, *cursor.current, edge_type));
    take(*cursor.current, edges, cursor.skip);
    if (page.next) return page;
    after = cursor.current;
  }
  // Sources are read a chunk at a time in id order, their edges fetched concurrently; the chunk is sized from the
  // edges per source seen so far, so a page reads about as many sources as it needs.
  int64_t sources_seen = 0;
  int64_t edges_seen = 0;
  while (true) {
    const int64_t missing = limit - static_cast<int64_t>(page.items.size());
    const int64_t per_source = sources_seen > 0 ? std::max<int64_t>(1, edges_seen / sources_seen) : 8;
    const int64_t chunk = std::clamp<int64_t>(missing / per_source + 1, 4, 256);
    ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<json> sources, VerticesAfter(client, from_type, after, chunk, "id"));
    std::vector<std::vector<json>> edges(sources.size());
    ICEGRAPH_RETURN_NOT_OK(ForEachConcurrently(sources.size(), client.options().concurrency, [&](size_t i) -> Status {
      ICEGRAPH_ASSIGN_OR_RAISE(edges[i], EdgesOf(client, from_type, IdOf(sources[i]), edge_type));
      return Status::OK();
    }));
    const bool last_chunk = static_cast<int64_t>(sources.size()) < chunk;
    for (size_t i = 0; i < sources.size(); ++i) {
      ++sources_seen;
      edges_seen += static_cast<int64_t>(edges[i].size());
      take(IdOf(sources[i]), edges[i], 0);
      if (page.next) {
        // Filled exactly at the end of the last source: there is no next page.
        if (page.next->after && last_chunk && i + 1 == sources.size()) page.next.reset();
        return page;
      }
    }
    if (last_chunk) return page;
    after = IdOf(sources.back());
  }
}

}  // namespace icegraph::sink
