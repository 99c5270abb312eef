// REST++ writes: upsert (POST /graph/{g}), deletes, and loading-job data (POST /ddl/{g}).
#include <fmt/format.h>

#include "emulator/restpp_common.h"
#include "emulator/vertex_id.h"

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;

// One attribute assignment from an upsert body, validated before anything is written.
struct AttrUpdate {
  size_t index;
  Value value;
  std::string op;  // "" (overwrite), "add", "max", "min", "ignore_if_exists"
};

struct VertexOp {
  const VertexType* type;
  std::string id;
  std::vector<AttrUpdate> updates;
};

struct EdgeOp {
  const EdgeType* type;
  VertexRef from;
  VertexRef to;
  std::vector<AttrUpdate> updates;
};

// Unknown types, attributes, ids and pairs in an upsert answer REST-30200 "invalid upsert data" (REST++ error
// catalogue; pyTigerGraph's test_04_upsertVertex accepts REST-30200 or REST-10004).
Reply UpsertError(Reply r) {
  r.body["code"] = "REST-30200";
  return r;
}

Status ParseAttrs(const std::vector<Attribute>& attrs, const json& body, const std::string& where,
                  std::vector<AttrUpdate>* out) {
  if (!body.is_object()) return Status::Invalid(where + ": attributes must be a JSON object");
  for (const auto& [name, spec] : body.items()) {
    size_t idx = attrs.size();
    for (size_t i = 0; i < attrs.size(); ++i) {
      if (attrs[i].name == name) idx = i;
    }
    if (idx == attrs.size()) return Status::NotFound(fmt::format("{}: unknown attribute '{}'", where, name));
    if (!spec.is_object() || !spec.contains("value")) {
      return Status::Invalid(fmt::format("{}: attribute '{}' must be given as {{\"value\": ...}}", where, name));
    }
    auto v = ValueFromJson(attrs[idx].type, spec["value"]);
    if (!v.ok()) return v.status().WithContext(fmt::format("{}: attribute '{}'", where, name));
    std::string op = spec.contains("op") && spec["op"].is_string() ? spec["op"].get<std::string>() : "";
    if (op == "+") op = "add";
    if (!op.empty() && op != "add" && op != "max" && op != "min" && op != "ignore_if_exists" && op != "overwrite") {
      return Status::Invalid(fmt::format("{}: unknown op '{}' for attribute '{}'", where, op, name));
    }
    out->push_back({idx, std::move(v).ValueOrDie(), op == "overwrite" ? "" : op});
  }
  return Status::OK();
}

void ApplyUpdate(const Attribute& attr, Value& slot, AttrUpdate& u, bool existed) {
  if (u.op.empty()) {
    slot = std::move(u.value);
  } else if (u.op == "ignore_if_exists") {
    if (!existed) slot = std::move(u.value);
  } else if (u.op == "add") {
    if (auto* a = std::get_if<int64_t>(&slot.data))
      *a += std::get<int64_t>(u.value.data);
    else if (auto* b = std::get_if<uint64_t>(&slot.data))
      *b += std::get<uint64_t>(u.value.data);
    else if (auto* d = std::get_if<double>(&slot.data))
      *d += std::get<double>(u.value.data);
    else if (auto* s = std::get_if<std::string>(&slot.data))
      *s += std::get<std::string>(u.value.data);
    else if (auto* l = std::get_if<ValueList>(&slot.data)) {
      for (Value& v : std::get<ValueList>(u.value.data)) {
        if (attr.type.kind == Kind::kSet && std::find(l->begin(), l->end(), v) != l->end()) continue;
        l->push_back(std::move(v));
      }
    } else if (auto* m = std::get_if<ValueMap>(&slot.data)) {
      ValueMap& add = std::get<ValueMap>(u.value.data);
      for (size_t i = 0; i < add.keys.size(); ++i) {
        const auto it = std::find(m->keys.begin(), m->keys.end(), add.keys[i]);
        if (it == m->keys.end()) {
          m->keys.push_back(add.keys[i]);
          m->values.push_back(add.values[i]);
        } else {
          m->values[static_cast<size_t>(it - m->keys.begin())] = add.values[i];
        }
      }
    } else {
      slot = std::move(u.value);
    }
  } else {
    const int c = CompareValues(attr.type, u.value, slot);
    if ((u.op == "max" && c > 0) || (u.op == "min" && c < 0) || !existed) slot = std::move(u.value);
  }
}

}  // namespace

Reply UpsertGraph(Database& db, const std::string& graph, const Params& params, const std::string& body) {
  Reply err;
  const Graph* g = FindGraphOr(db, graph, &err);
  if (g == nullptr) return err;
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return ErrorReply(400, "Invalid payload: the request body is not a valid JSON object.", "REST-30000");
  }
  const bool new_only = ParamTrue(params, "new_vertex_only");
  const bool update_only = ParamTrue(params, "update_vertex_only");
  const bool must_exist = ParamTrue(params, "vertex_must_exist");
  const bool src_must_exist = must_exist || ParamTrue(params, "source_vertex_must_exist");
  const bool tgt_must_exist = must_exist || ParamTrue(params, "target_vertex_must_exist");

  // Validate the whole body first: a rejected request writes nothing.
  std::vector<VertexOp> vops;
  std::vector<EdgeOp> eops;
  if (doc.contains("vertices")) {
    if (!doc["vertices"].is_object())
      return ErrorReply(400, "Invalid payload: \"vertices\" must be an object.", "REST-30000");
    for (const auto& [vtype, ids] : doc["vertices"].items()) {
      const VertexType* vt = FindVertexOr(db, *g, vtype, &err);
      if (vt == nullptr) return UpsertError(err);
      if (!ids.is_object())
        return ErrorReply(400, "Invalid payload: vertices of " + vtype + " must be an object.", "REST-30000");
      for (const auto& [id, attrs] : ids.items()) {
        auto norm = NormalizeVertexId(*vt, id);
        if (!norm.ok()) {
          return ErrorReply(
              400, fmt::format("Invalid vertex id '{}' for vertex type {}: {}", id, vtype, norm.status().message()),
              "REST-30200");
        }
        VertexOp op{vt, *norm, {}};
        const Status st = ParseAttrs(vt->attributes, attrs, fmt::format("vertex {} '{}'", vtype, id), &op.updates);
        if (!st.ok()) return ErrorReply(400, st.message(), "REST-30200");
        vops.push_back(std::move(op));
      }
    }
  }
  if (doc.contains("edges")) {
    if (!doc["edges"].is_object())
      return ErrorReply(400, "Invalid payload: \"edges\" must be an object.", "REST-30000");
    for (const auto& [stype, by_src] : doc["edges"].items()) {
      const VertexType* sv = FindVertexOr(db, *g, stype, &err);
      if (sv == nullptr) return UpsertError(err);
      if (!by_src.is_object())
        return ErrorReply(400, "Invalid payload: edges from " + stype + " must be an object.", "REST-30000");
      for (const auto& [sid, by_etype] : by_src.items()) {
        auto src = NormalizeVertexId(*sv, sid);
        if (!src.ok())
          return ErrorReply(400, fmt::format("Invalid vertex id '{}' for vertex type {}.", sid, stype), "REST-30200");
        for (const auto& [etype, by_ttype] : by_etype.items()) {
          const EdgeType* et = FindEdgeOr(db, *g, etype, &err);
          if (et == nullptr) return UpsertError(err);
          for (const auto& [ttype, by_tid] : by_ttype.items()) {
            const VertexType* tv = FindVertexOr(db, *g, ttype, &err);
            if (tv == nullptr) return UpsertError(err);
            if (!et->AllowsPair(stype, ttype)) {
              return ErrorReply(400, fmt::format("Edge type {} does not connect {} to {}.", etype, stype, ttype),
                                "REST-30200");
            }
            for (const auto& [tid, attrs_or_list] : by_tid.items()) {
              auto dst = NormalizeVertexId(*tv, tid);
              if (!dst.ok())
                return ErrorReply(400, fmt::format("Invalid vertex id '{}' for vertex type {}.", tid, ttype),
                                  "REST-30200");
              // Several edges between one pair (discriminated multi-edges) come as a list of attribute objects.
              const json list = attrs_or_list.is_array() ? attrs_or_list : json::array({attrs_or_list});
              for (const json& attrs : list) {
                EdgeOp op{et, {stype, *src}, {ttype, *dst}, {}};
                const Status st =
                    ParseAttrs(et->attributes, attrs, fmt::format("edge {} {}->{}", etype, sid, tid), &op.updates);
                if (!st.ok()) return ErrorReply(400, st.message(), "REST-30200");
                eops.push_back(std::move(op));
              }
            }
          }
        }
      }
    }
  }

  Reply r;
  r.changed = !vops.empty() || !eops.empty();
  int64_t accepted_v = 0;
  int64_t accepted_e = 0;
  json already = json::array();
  json missing = json::array();
  int64_t skipped_v = 0;
  int64_t skipped_e = 0;
  for (VertexOp& op : vops) {
    VertexTable& table = db.store.Vertices(op.type->name);
    Attrs* found = table.Find(op.id);
    const bool existed = found != nullptr;
    if ((new_only && existed) || (update_only && !existed)) {
      ++skipped_v;
      already.push_back({{"v_type", op.type->name}, {"v_id", op.id}});  // existing (new_only) or missing (update_only)
      continue;
    }
    bool created = false;
    Attrs& attrs = existed ? *found
                           : table.FindOrInsert(
                                 op.id, [&] { return DefaultAttrs(op.type->attributes); }, &created);
    for (AttrUpdate& u : op.updates) ApplyUpdate(op.type->attributes[u.index], attrs[u.index], u, existed);
    ++accepted_v;
  }
  for (EdgeOp& op : eops) {
    const bool src_exists = db.store.FindVertex(op.from.type, op.from.id) != nullptr;
    const bool dst_exists = db.store.FindVertex(op.to.type, op.to.id) != nullptr;
    if ((src_must_exist && !src_exists) || (tgt_must_exist && !dst_exists)) {
      ++skipped_e;
      if (src_must_exist && !src_exists) missing.push_back({{"v_type", op.from.type}, {"v_id", op.from.id}});
      if (tgt_must_exist && !dst_exists) missing.push_back({{"v_type", op.to.type}, {"v_id", op.to.id}});
      continue;
    }
    Attrs initial = DefaultAttrs(op.type->attributes);
    for (const AttrUpdate& u : op.updates) initial[u.index] = u.value;
    const std::string disc = EncodeDiscriminator(*op.type, initial);
    bool created = false;
    // Missing endpoints are created with default attribute values (vertex_must_exist=false).
    Attrs& stored = db.store.UpsertEdge(MakeEdgeKey(*op.type, op.from, op.to, disc), initial, &created,
                                        db.catalog.FindVertex(op.from.type), db.catalog.FindVertex(op.to.type));
    for (AttrUpdate& u : op.updates) {
      if (created) break;
      ApplyUpdate(op.type->attributes[u.index], stored[u.index], u, true);
    }
    // The twin may be absent only through a catalog bug; a missing twin must not take the server down.
    if (const EdgeType* rev = db.catalog.FindEdge(op.type->reverse_edge)) {
      bool rc = false;
      db.store.UpsertEdge(MakeEdgeKey(*rev, op.to, op.from, disc), stored, &rc) = stored;
    }
    ++accepted_e;
  }
  json result = {{"accepted_vertices", accepted_v}, {"accepted_edges", accepted_e}};
  if (new_only || update_only) {
    result["skipped_vertices"] = skipped_v;
    // update_vertex_only lists the vertices it skipped for not existing (server-docs upsert example).
    result[update_only && !new_only ? "vertices_not_exist" : "vertices_already_exist"] = already;
  }
  if (src_must_exist || tgt_must_exist) {
    result["skipped_edges"] = skipped_e;
    // The docs' prose says miss_vertices, their example and live 4.x servers edge_vertices_not_exist: the newest
    // documented server behaviour wins (docs/emulator.md, disagreements).
    result["edge_vertices_not_exist"] = missing;
  }
  r.body = json::array({result});
  return r;
}

Reply DeleteVertices(Database& db, const std::string& graph, const std::string& type, const std::string* id,
                     const Params& params) {
  Reply err;
  const Graph* g = FindGraphOr(db, graph, &err);
  if (g == nullptr) return err;
  const VertexType* vt = FindVertexOr(db, *g, type, &err);
  if (vt == nullptr) return err;
  Reply r;
  int64_t deleted = 0;
  if (id != nullptr) {
    auto norm = NormalizeVertexId(*vt, *id);
    if (norm.ok() && db.store.DeleteVertex(type, *norm) >= 0) deleted = 1;
  } else {
    auto filter = ParseFilter(vt->attributes, Param(params, "filter"));
    if (!filter.ok()) return ErrorReply(400, filter.status().message(), "REST-30000");
    const auto limit_or = Limit(params);
    if (!limit_or.ok()) return ErrorReply(400, limit_or.status().message(), "REST-30000");
    const int64_t limit = *limit_or;
    std::vector<std::string> doomed;
    if (const auto* table = db.store.FindVertices(type)) {
      table->ForEach([&](const std::string& vid, const Attrs& attrs) {
        if (limit >= 0 && static_cast<int64_t>(doomed.size()) >= limit) return;
        if (Matches(vt->attributes, attrs, *filter)) doomed.push_back(vid);
      });
    }
    for (const std::string& vid : doomed) deleted += db.store.DeleteVertex(type, vid) >= 0 ? 1 : 0;
  }
  r.changed = deleted > 0;
  r.body = {{"v_type", type}, {"deleted_vertices", deleted}};
  return r;
}

Reply DeleteEdges(Database& db, const std::string& graph, const std::vector<std::string>& path, const Params& params) {
  Reply err;
  const Graph* g = FindGraphOr(db, graph, &err);
  if (g == nullptr) return err;
  const VertexType* sv = FindVertexOr(db, *g, path[0], &err);
  if (sv == nullptr) return err;
  auto src = NormalizeVertexId(*sv, path[1]);
  if (!src.ok()) return ErrorReply(400, "Invalid vertex id '" + path[1] + "'.", "REST-30000");
  const std::string etype = path.size() > 2 && path[2] != "_" ? path[2] : "";
  const std::string ttype = path.size() > 3 ? path[3] : "";
  std::string tid;
  if (!etype.empty() && FindEdgeOr(db, *g, etype, &err) == nullptr) return err;
  if (!ttype.empty()) {
    const VertexType* tv = FindVertexOr(db, *g, ttype, &err);
    if (tv == nullptr) return err;
    if (path.size() > 4) {
      auto norm = NormalizeVertexId(*tv, path[4]);
      if (!norm.ok()) return ErrorReply(400, "Invalid vertex id '" + path[4] + "'.", "REST-30000");
      tid = *norm;
    }
  }
  std::map<std::string, int64_t> deleted;
  std::vector<EdgeKey> doomed;
  for (const EdgeView& ev : db.store.EdgesOf(path[0], *src)) {
    const EdgeType* et = db.catalog.FindEdge(ev.type);
    if (et == nullptr || !db.catalog.GraphHasEdge(*g, et->name) || et->is_reverse) continue;
    if (!etype.empty() && et->name != etype) continue;
    if (ev.flipped && et->directed) continue;
    const VertexRefView& other = ev.other();
    if (!ttype.empty() && other.type != ttype) continue;
    if (!tid.empty() && other.id != tid) continue;
    auto filter = ParseFilter(et->attributes, Param(params, "filter"));
    if (!filter.ok()) return ErrorReply(400, filter.status().message(), "REST-30000");
    // Discriminator attributes may be given as parameters to pick one of several edges.
    bool ok = Matches(et->attributes, *ev.attrs, *filter);
    for (const std::string& d : et->discriminator) {
      const std::string want = Param(params, d);
      const int idx = et->AttributeIndex(d);
      if (ok && !want.empty() && ValueToText(et->attributes[idx].type, (*ev.attrs)[idx]) != want) ok = false;
    }
    if (ok) doomed.push_back(ev.Key());
  }
  for (const EdgeKey& k : doomed) {
    if (db.store.DeleteEdge(k)) {
      ++deleted[k.type];
      const EdgeType* et = db.catalog.FindEdge(k.type);
      const EdgeType* rev = et == nullptr ? nullptr : db.catalog.FindEdge(et->reverse_edge);
      if (rev != nullptr) db.store.DeleteEdge(MakeEdgeKey(*rev, k.to, k.from, k.discriminator));
    }
  }
  Reply r;
  r.changed = !deleted.empty();
  r.body = json::array();
  if (deleted.empty() && !etype.empty()) r.body.push_back({{"e_type", etype}, {"deleted_edges", 0}});
  for (const auto& [t, n] : deleted) r.body.push_back({{"e_type", t}, {"deleted_edges", n}});
  return r;
}

Reply LoadData(Database& db, const std::string& graph, const Params& params, const std::string& body) {
  Reply err;
  const Graph* g = FindGraphOr(db, graph, &err);
  if (g == nullptr) return err;
  const std::string tag = Param(params, "tag");
  const std::string var = Param(params, "filename");
  if (tag.empty() || var.empty()) {
    return ErrorReply(400, "The parameters 'tag' (loading job name) and 'filename' are required.", "REST-30000");
  }
  const auto it = g->loading_jobs.find(tag);
  if (it == g->loading_jobs.end()) {
    return ErrorReply(400, fmt::format("The loading job '{}' does not exist in graph {}.", tag, graph), "REST-30000");
  }
  const LoadingJob job = it->second;
  auto stats = RunLoad(db, job, var, body, {Param(params, "sep"), Param(params, "eol")});
  if (!stats.ok()) return ErrorReply(400, stats.status().message(), "REST-30000");
  Reply r;
  r.changed = true;
  r.body = json::array({LoadStatsJson(*stats)});
  return r;
}

nlohmann::json LoadStatsJson(const LoadStats& s) {
  const auto type_json = [](const std::map<std::string, TypeStats>& m) {
    json arr = json::array();
    for (const auto& [name, t] : m) {
      arr.push_back({{"typeName", name},
                     {"validObject", t.valid_object},
                     {"noIdFound", t.no_id_found},
                     {"invalidAttribute", t.invalid_attribute},
                     {"invalidPrimaryId", t.invalid_primary_id},
                     {"invalidSecondaryId", t.invalid_secondary_id},
                     {"incorrectFixedBinaryLength", t.incorrect_fixed_binary_length},
                     {"passedCondition", t.valid_object},
                     {"failedCondition", t.failed_condition}});
    }
    return arr;
  };
  const auto del_json = [](const std::map<std::string, int64_t>& m) {
    json arr = json::array();
    for (const auto& [name, n] : m) arr.push_back({{"typeName", name}, {"validObject", n}});
    return arr;
  };
  return {{"sourceFileName", "Online_POST"},
          {"statistics",
           {{"validLine", s.valid_line},
            {"rejectLine", s.reject_line},
            {"failedConditionLine", s.failed_condition_line},
            {"notEnoughToken", s.not_enough_token},
            {"invalidJson", s.invalid_json},
            {"oversizeToken", s.oversize_token},
            {"vertex", type_json(s.vertex)},
            {"edge", type_json(s.edge)},
            {"deleteVertex", del_json(s.delete_vertex)},
            {"deleteEdge", del_json(s.delete_edge)}}}};
}

}  // namespace icegraph::emulator
