// REST++ reads: vertices, edges, and the stat_* builtins.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <variant>

#include "emulator/restpp_common.h"
#include "emulator/vertex_id.h"

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;

// The attributes a vertex filter or sort may name: the type's own, plus the primary id when the type keeps it as
// an attribute (primary_id_as_attribute="true"), at index attributes.size().
std::vector<Attribute> QueryableAttributes(const VertexType& vt) {
  std::vector<Attribute> attrs = vt.attributes;
  if (vt.primary_id_as_attribute && vt.composite_key.empty() && vt.AttributeIndex(vt.primary_id_name) < 0) {
    attrs.push_back(Attribute{vt.primary_id_name, vt.primary_id_type, std::nullopt, std::nullopt});
  }
  return attrs;
}

// One vertex as filters and sorts see it: its stored id text and attribute values.
struct VertexRow {
  const std::string* id;
  const Attrs* attrs;
};

// Compares attribute `idx` of two rows; `idx == values size` is the primary id, compared as its type orders
// (ids are stored as normalized text, so a STRING id compares as text and a numeric one by value).
int CompareAt(const std::vector<Attribute>& attrs, size_t idx, const VertexRow& a, const VertexRow& b) {
  if (idx < a.attrs->size()) return CompareValues(attrs[idx].type, (*a.attrs)[idx], (*b.attrs)[idx]);
  const AttrType& t = attrs[idx].type;
  if (t.kind == Kind::kString || t.kind == Kind::kStringCompress) return a.id->compare(*b.id);
  auto va = ValueFromToken(t, *a.id);
  auto vb = ValueFromToken(t, *b.id);
  if (!va.ok() || !vb.ok()) return a.id->compare(*b.id);
  return CompareValues(t, *va, *vb);
}

// Whether a row meets every term; a term on the primary id compares the id as `CompareAt` does.
bool RowMatches(const std::vector<Attribute>& attrs, const VertexRow& row, const std::vector<FilterTerm>& filter) {
  for (const FilterTerm& f : filter) {
    const auto i = static_cast<size_t>(f.attr);
    int c = 0;
    if (i < row.attrs->size()) {
      c = CompareValues(attrs[i].type, (*row.attrs)[i], f.value);
    } else if (const auto* s = std::get_if<std::string>(&f.value.data)) {
      c = row.id->compare(*s);
    } else {
      auto v = ValueFromToken(attrs[i].type, *row.id);
      c = v.ok() ? CompareValues(attrs[i].type, *v, f.value) : -1;
    }
    if (!OpHolds(f.op, c)) return false;
  }
  return true;
}

// Sorts rows by `sort=a,-b` (a minus sign for descending). With a limit only the first `limit` rows are ordered
// (a partial sort), so a page of k rows costs O(n log k) rather than sorting the whole type.
Status SortRows(const std::vector<Attribute>& attrs, const std::string& spec, int64_t limit,
                std::vector<VertexRow>* rows) {
  std::vector<std::pair<size_t, bool>> keys;
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string::npos) end = spec.size();
    std::string name = spec.substr(pos, end - pos);
    pos = end + 1;
    const bool desc = !name.empty() && name[0] == '-';
    if (desc) name = name.substr(1);
    size_t idx = attrs.size();
    for (size_t i = 0; i < attrs.size(); ++i) {
      if (attrs[i].name == name) idx = i;
    }
    if (idx == attrs.size()) return Status::NotFound("unknown attribute '" + name + "' in sort");
    keys.emplace_back(idx, desc);
  }
  const auto less = [&](const VertexRow& a, const VertexRow& b) {
    for (const auto& [idx, desc] : keys) {
      const int c = CompareAt(attrs, idx, a, b);
      if (c != 0) return desc ? c > 0 : c < 0;
    }
    return false;
  };
  if (limit >= 0 && static_cast<size_t>(limit) < rows->size()) {
    std::partial_sort(rows->begin(), rows->begin() + limit, rows->end(), less);
    rows->resize(static_cast<size_t>(limit));
  } else {
    std::stable_sort(rows->begin(), rows->end(), less);
  }
  return Status::OK();
}

}  // namespace

Reply GetVertices(const Database& db, const std::string& graph, const std::string& type, const std::string* id,
                  const Params& params) {
  Reply err;
  const Graph* g = FindGraphOr(db, graph, &err);
  if (g == nullptr) return err;
  const VertexType* vt = FindVertexOr(db, *g, type, &err);
  if (vt == nullptr) return err;
  const std::string select = Param(params, "select");
  Reply r;
  if (id != nullptr) {
    auto norm = NormalizeVertexId(*vt, *id);
    const Attrs* attrs = norm.ok() ? db.store.FindVertex(type, *norm) : nullptr;
    if (attrs == nullptr) {
      return ErrorReply(400,
                        fmt::format("Input vertex id '{}' is not a valid vertex id for vertex type = {}.", *id, type),
                        "REST-30000");
    }
    r.body = json::array(
        {{{"v_id", *norm}, {"v_type", type}, {"attributes", VertexAttributesJson(*vt, *norm, *attrs, select)}}});
    return r;
  }
  const std::vector<Attribute> queryable = QueryableAttributes(*vt);
  auto filter = ParseFilter(queryable, Param(params, "filter"));
  if (!filter.ok()) return ErrorReply(400, filter.status().message(), "REST-30000");
  auto limit = Limit(params);
  if (!limit.ok()) return ErrorReply(400, limit.status().message(), "REST-30000");
  std::vector<VertexRow> rows;
  if (const auto* table = db.store.FindVertices(type)) {
    table->ForEach([&](const std::string& vid, const Attrs& attrs) {
      const VertexRow row{&vid, &attrs};
      if (RowMatches(queryable, row, *filter)) rows.push_back(row);
    });
  }
  if (ParamTrue(params, "count_only")) {
    r.body = json::array({{{"v_type", type}, {"count", rows.size()}}});
    return r;
  }
  const std::string sort = Param(params, "sort");
  if (!sort.empty()) {
    if (Status st = SortRows(queryable, sort, *limit, &rows); !st.ok()) {
      return ErrorReply(400, st.message(), "REST-30000");
    }
  }
  r.body = json::array();
  for (const VertexRow& row : rows) {
    if (*limit >= 0 && static_cast<int64_t>(r.body.size()) >= *limit) break;
    r.body.push_back(
        {{"v_id", *row.id}, {"v_type", type}, {"attributes", VertexAttributesJson(*vt, *row.id, *row.attrs, select)}});
  }
  return r;
}

Reply GetEdges(const Database& db, const std::string& graph, const std::vector<std::string>& path,
               const Params& params) {
  Reply err;
  const Graph* g = FindGraphOr(db, graph, &err);
  if (g == nullptr) return err;
  const VertexType* sv = FindVertexOr(db, *g, path[0], &err);
  if (sv == nullptr) return err;
  auto src = NormalizeVertexId(*sv, path[1]);
  if (!src.ok() || db.store.FindVertex(path[0], *src) == nullptr) {
    return ErrorReply(
        400, fmt::format("Input vertex id '{}' is not a valid vertex id for vertex type = {}.", path[1], path[0]),
        "REST-30000");
  }
  const std::string etype = path.size() > 2 && path[2] != "_" ? path[2] : "";
  const std::string ttype = path.size() > 3 ? path[3] : "";
  std::string tid;
  const EdgeType* filter_type = nullptr;
  if (!etype.empty() && (filter_type = FindEdgeOr(db, *g, etype, &err)) == nullptr) return err;
  if (!ttype.empty()) {
    const VertexType* tv = FindVertexOr(db, *g, ttype, &err);
    if (tv == nullptr) return err;
    if (path.size() > 4) {
      auto norm = NormalizeVertexId(*tv, path[4]);
      if (!norm.ok()) return ErrorReply(400, "Invalid vertex id '" + path[4] + "'.", "REST-30000");
      tid = *norm;
    }
  }
  std::vector<FilterTerm> filter;
  const std::string filter_text = Param(params, "filter");
  if (!filter_text.empty()) {
    if (filter_type == nullptr)
      return ErrorReply(400, "A filter on edges needs the edge type in the path.", "REST-30000");
    auto f = ParseFilter(filter_type->attributes, filter_text);
    if (!f.ok()) return ErrorReply(400, f.status().message(), "REST-30000");
    filter = std::move(f).ValueOrDie();
  }
  auto limit = Limit(params);
  if (!limit.ok()) return ErrorReply(400, limit.status().message(), "REST-30000");
  const std::string select = Param(params, "select");
  std::vector<json> out;
  for (const EdgeView& ev : db.store.EdgesOf(path[0], *src)) {
    const EdgeType* et = db.catalog.FindEdge(ev.type);
    if (et == nullptr || !db.catalog.GraphHasEdge(*g, et->name)) continue;
    if (!etype.empty() && et->name != etype) continue;
    if (ev.flipped && et->directed) continue;  // directed edges are listed from their source only
    const VertexRefView& self = ev.self();
    const VertexRefView& other = ev.other();
    if (!ttype.empty() && other.type != ttype) continue;
    if (!tid.empty() && other.id != tid) continue;
    if (!filter.empty() && !Matches(et->attributes, *ev.attrs, filter)) continue;
    out.push_back({{"e_type", et->name},
                   {"directed", et->directed},
                   {"from_id", std::string(self.id)},
                   {"from_type", std::string(self.type)},
                   {"to_id", std::string(other.id)},
                   {"to_type", std::string(other.type)},
                   {"attributes", AttributesJson(et->attributes, *ev.attrs, select)}});
  }
  // Stable output order helps clients that page or diff.
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return std::tie(a["e_type"].get_ref<const std::string&>(), a["to_type"].get_ref<const std::string&>(),
                    a["to_id"].get_ref<const std::string&>()) < std::tie(b["e_type"].get_ref<const std::string&>(),
                                                                         b["to_type"].get_ref<const std::string&>(),
                                                                         b["to_id"].get_ref<const std::string&>());
  });
  Reply r;
  if (ParamTrue(params, "count_only")) {
    std::map<std::string, int64_t> counts;
    for (const json& e : out) ++counts[e["e_type"].get<std::string>()];
    if (!etype.empty() && counts.empty()) counts[etype] = 0;
    // Without an edge type TigerGraph counts every edge type that can leave this vertex type, 0 included.
    if (etype.empty()) {
      for (const std::string& name : g->edge_types) {
        const EdgeType* e = db.catalog.FindEdge(name);
        if (e == nullptr) continue;
        for (const EdgePair& p : e->pairs) {
          const bool from = p.from == path[0] || p.from == "*";
          const bool to = !e->directed && (p.to == path[0] || p.to == "*");
          if (from || to) counts.emplace(name, 0);
        }
      }
    }
    r.body = json::array();
    for (const auto& [t, n] : counts) r.body.push_back({{"e_type", t}, {"count", n}});
    return r;
  }
  if (*limit >= 0 && static_cast<int64_t>(out.size()) > *limit) out.resize(static_cast<size_t>(*limit));
  r.body = json(out);
  return r;
}

namespace {

// MAX, MIN and AVG of the INT, UINT, FLOAT and DOUBLE attributes over `each` (stat_vertex_attr, stat_edge_attr);
// null when the type has none of them. An empty type reports zeros.
json AttrStats(const std::vector<Attribute>& attributes,
               const std::function<void(const std::function<void(const Attrs&)>&)>& each) {
  struct Acc {
    double max = 0;
    double min = 0;
    double sum = 0;
    bool integral = true;
  };
  std::vector<std::pair<size_t, Acc>> accs;
  for (size_t i = 0; i < attributes.size(); ++i) {
    const Kind k = attributes[i].type.kind;
    if (k == Kind::kInt || k == Kind::kUint || k == Kind::kFloat || k == Kind::kDouble) {
      accs.emplace_back(i, Acc{.integral = k == Kind::kInt || k == Kind::kUint});
    }
  }
  if (accs.empty()) return nullptr;
  int64_t n = 0;
  each([&](const Attrs& attrs) {
    for (auto& [i, acc] : accs) {
      if (i >= attrs.size()) continue;
      const auto& d = attrs[i].data;
      double v = 0;
      if (const auto* x = std::get_if<int64_t>(&d)) v = static_cast<double>(*x);
      if (const auto* x = std::get_if<uint64_t>(&d)) v = static_cast<double>(*x);
      if (const auto* x = std::get_if<double>(&d)) v = *x;
      acc.max = n == 0 ? v : std::max(acc.max, v);
      acc.min = n == 0 ? v : std::min(acc.min, v);
      acc.sum += v;
    }
    ++n;
  });
  json out = json::object();
  for (const auto& [i, acc] : accs) {
    const bool integral = acc.integral;  // clang 14 cannot capture a structured binding
    const auto num = [integral](double v) { return integral ? json(static_cast<int64_t>(v)) : json(v); };
    out[attributes[i].name] = {
        {"MAX", num(acc.max)}, {"MIN", num(acc.min)}, {"AVG", n == 0 ? 0.0 : acc.sum / static_cast<double>(n)}};
  }
  return out;
}

// What stat_vertex_attr and stat_edge_attr differ in.
struct AttrStatsKind {
  const char* noun;          // "Vertex" / "Edge"
  const char* type_key;      // "v_type" / "e_type"
  const char* function;      // the built-in's name
  const char* missing_code;  // the error code of an unknown type
};

// One result per type of `types` (or `type` alone, "*" for all): the statistics `stats_of` gives. pyTigerGraph reads
// these errors from the body (skipCheck), so they come with HTTP 200 like the skips.
Reply AttrStatsReply(const std::vector<std::string>& types, const std::string& type, const AttrStatsKind& kind,
                     const std::function<json(const std::string&)>& stats_of) {
  Reply r;
  r.body = json::array();
  for (const std::string& t : types) {
    if (type != "*" && type != t) continue;
    json stats = stats_of(t);
    if (stats.is_null()) {
      if (type == "*") continue;
      return ErrorReply(200,
                        fmt::format("{} type {} has no numeric attribute, {} is skipped.", kind.noun, t, kind.function),
                        "REST-30000");
    }
    r.body.push_back({{kind.type_key, t}, {"attributes", std::move(stats)}});
  }
  if (type != "*" && r.body.empty()) {
    return ErrorReply(200, fmt::format("{} type {} does not exist.", kind.noun, type), kind.missing_code);
  }
  return r;
}

}  // namespace

Reply Builtins(const Database& db, const std::string& graph, const std::string& body) {
  Reply err;
  const Graph* g = FindGraphOr(db, graph, &err);
  if (g == nullptr) return err;
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("function") || !doc["function"].is_string() ||
      (doc.contains("type") && !doc["type"].is_string())) {
    return ErrorReply(400, "Invalid payload: expected {\"function\": ..., \"type\": ...}.", "REST-30000");
  }
  const auto text = [&doc](const char* key) {
    return doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>() : std::string("*");
  };
  const std::string fn = doc["function"].get<std::string>();
  const std::string type = text("type");
  // Attribute statistics, in the shape TigerGraph's own client reads (results[].v_type / e_type and attributes;
  // docs/emulator.md lists the documentation's differing example).
  if (fn == "stat_vertex_attr") {
    return AttrStatsReply(
        g->vertex_types, type, {"Vertex", "v_type", "stat_vertex_attr", "GSQL-7004"}, [&db](const std::string& vt) {
          const VertexTable* table = db.store.FindVertices(vt);
          return AttrStats(db.catalog.FindVertex(vt)->attributes, [table](const std::function<void(const Attrs&)>& fn) {
            if (table == nullptr) return;
            table->ForEach([&fn](const std::string&, const Attrs& a) { fn(a); });
          });
        });
  }
  if (fn == "stat_edge_attr") {
    return AttrStatsReply(
        g->edge_types, type, {"Edge", "e_type", "stat_edge_attr", "REST-30000"}, [&db](const std::string& et) {
          return AttrStats(
              db.catalog.FindEdge(et)->attributes,
              [&db, &et](const std::function<void(const Attrs&)>& fn) { db.store.ForEachEdgeAttrs(et, fn); });
        });
  }
  Reply r;
  r.body = json::array();
  if (fn == "stat_vertex_number") {
    for (const std::string& vt : g->vertex_types) {
      if (type == "*" || type == vt) r.body.push_back({{"v_type", vt}, {"count", db.store.VertexCount(vt)}});
    }
    // 4.x answers GSQL-7004 here (pyTigerGraph tests/test_pyTigerGraphVertex.py); 3.x servers said REST-30000.
    if (type != "*" && r.body.empty()) return ErrorReply(400, "Vertex type " + type + " does not exist.", "GSQL-7004");
    return r;
  }
  if (fn == "stat_edge_number") {
    const std::string from = text("from_type");
    const std::string to = text("to_type");
    for (const std::string& et : g->edge_types) {
      if (type != "*" && type != et) continue;
      int64_t n = db.store.EdgeCount(et);
      if (from != "*" || to != "*") {
        n = 0;
        if (const auto* table = db.store.FindVertices(from)) {
          table->ForEach([&](const std::string& vid, const Attrs&) {
            for (const EdgeView& ev : db.store.EdgesOf(from, vid)) {
              if (ev.type == et && (to == "*" || ev.other().type == to)) ++n;
            }
          });
        }
      }
      r.body.push_back({{"e_type", et}, {"count", n}});
    }
    if (type != "*" && r.body.empty()) return ErrorReply(400, "Edge type " + type + " does not exist.", "REST-30000");
    return r;
  }
  return ErrorReply(400, "Unknown builtin function '" + fn + "'.", "REST-30000");
}

}  // namespace icegraph::emulator
