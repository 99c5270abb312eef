#include "engine/held_keys.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "common/datetime.h"
#include "common/log.h"

namespace icegraph::engine {
namespace {

// A discriminator value as REST++ prints it, in the attribute's canonical Arrow type.
std::shared_ptr<arrow::Scalar> ScalarFromJson(const mapping::TgType& type, const nlohmann::json& j) {
  switch (type.kind) {
    case mapping::TgKind::kInt: return j.is_number() ? std::make_shared<arrow::Int64Scalar>(j.get<int64_t>()) : nullptr;
    case mapping::TgKind::kUint:
      return j.is_number() ? std::make_shared<arrow::UInt64Scalar>(j.get<uint64_t>()) : nullptr;
    case mapping::TgKind::kFloat: return j.is_number() ? std::make_shared<arrow::FloatScalar>(j.get<float>()) : nullptr;
    case mapping::TgKind::kDouble:
      return j.is_number() ? std::make_shared<arrow::DoubleScalar>(j.get<double>()) : nullptr;
    case mapping::TgKind::kBool:
      return j.is_boolean() ? std::make_shared<arrow::BooleanScalar>(j.get<bool>()) : nullptr;
    case mapping::TgKind::kString:
      return j.is_string() ? std::make_shared<arrow::StringScalar>(j.get<std::string>()) : nullptr;
    case mapping::TgKind::kDatetime: {
      if (!j.is_string()) return nullptr;
      // REST++ prints "YYYY-MM-DD hh:mm:ss"; the one ISO-8601 parser reads it.
      const Result<datetime::Timestamp> ts = datetime::ParseTimestamp(j.get<std::string>());
      if (!ts.ok()) return nullptr;
      return std::make_shared<arrow::TimestampScalar>(ts->seconds, mapping::CanonicalArrowType(type));
    }
    default: return nullptr;
  }
}

// Whether a value REST++ listed is its type's default (what a reload leaves an attribute no row sets at).
bool IsDefault(const mapping::TgType& type, const nlohmann::json& j) {
  switch (type.kind) {
    case mapping::TgKind::kInt:
    case mapping::TgKind::kUint:
    case mapping::TgKind::kFloat:
    case mapping::TgKind::kDouble: return j.is_number() && j.get<double>() == 0;
    case mapping::TgKind::kBool: return j.is_boolean() && !j.get<bool>();
    case mapping::TgKind::kString: return j.is_string() && j.get_ref<const std::string&>().empty();
    case mapping::TgKind::kDatetime: return j.is_string() && j.get_ref<const std::string&>() == "1970-01-01 00:00:00";
    case mapping::TgKind::kList:
    case mapping::TgKind::kSet:
    case mapping::TgKind::kMap: return (j.is_array() || j.is_object()) && j.empty();
  }
  return false;
}

uint64_t NonDefaultMask(const mapping::VertexTypeDef& def, const nlohmann::json& item) {
  if (def.attributes.size() > 64 || !item.contains("attributes") || !item["attributes"].is_object()) {
    return ~uint64_t{0};
  }
  const nlohmann::json& attrs = item["attributes"];
  uint64_t mask = 0;
  for (size_t i = 0; i < def.attributes.size(); ++i) {
    const auto it = attrs.find(def.attributes[i].name);
    if (it == attrs.end() || !IsDefault(def.attributes[i].type, *it)) mask |= uint64_t{1} << i;
  }
  return mask;
}

}  // namespace

GraphTypes TypesFedBy(const mapping::TablePlan& plan) {
  GraphTypes out;
  for (const auto& v : plan.vertices()) out.vertices.insert(v.type);
  for (const auto& e : plan.edges()) {
    out.edges.insert(e.type);
    out.vertices.insert(e.from_type);
    out.vertices.insert(e.to_type);
  }
  return out;
}

GraphTypes MappedTypes(const Pipeline& p) {
  GraphTypes out;
  for (const SourceTable& t : p.tables()) {
    GraphTypes fed = TypesFedBy(*t.plan);
    out.vertices.merge(fed.vertices);
    out.edges.merge(fed.edges);
  }
  return out;
}

Status AddHeldKeys(RunContext& ctx, const GraphTypes& types, AffectedKeys* keys, HeldValues* values) {
  if (ctx.client == nullptr || (ctx.options.discard && !ctx.options.dry_run)) return Status::OK();
  const Pipeline& p = ctx.pipeline;
  std::map<std::string, std::vector<std::string>> ids;  // vertex type → held ids
  auto list_vertices = [&](const std::string& type) -> Result<const std::vector<std::string>*> {
    auto it = ids.find(type);
    if (it != ids.end()) return &it->second;
    ICEGRAPH_ASSIGN_OR_RAISE(const auto live, ctx.client->GetVertices(type));
    std::vector<std::string> out;
    const mapping::VertexTypeDef* def = p.plan().FindVertexType(type);
    for (const auto& item : live) {
      out.push_back(item.value("v_id", ""));
      if (values != nullptr && def != nullptr) (*values)[type][out.back()] = NonDefaultMask(*def, item);
    }
    return &ids.emplace(type, std::move(out)).first->second;
  };
  for (const auto& type : types.vertices) {
    ICEGRAPH_ASSIGN_OR_RAISE(const auto* held, list_vertices(type));
    for (const auto& id : *held) keys->AddVertex(type, id);
  }
  for (const auto& type : types.edges) {
    const mapping::EdgeTypeDef* def = p.plan().FindEdgeType(type);
    if (def == nullptr) continue;
    ICEGRAPH_ASSIGN_OR_RAISE(const auto* sources, list_vertices(def->from_type));
    // REST++ lists edges per source vertex only: a few requests in flight at once.
    std::vector<nlohmann::json> results(sources->size());
    std::atomic<size_t> next{0};
    std::mutex mu;
    Status error;
    std::vector<std::thread> pool;
    const size_t n = std::min<size_t>(8, std::max<size_t>(1, sources->size()));
    for (size_t w = 0; w < n; ++w) {
      pool.emplace_back([&] {
        for (size_t i = next++; i < sources->size(); i = next++) {
          auto r = ctx.client->GetEdges(def->from_type, (*sources)[i], type);
          if (!r.ok()) {
            const std::lock_guard lock(mu);
            if (error.ok()) error = r.status().WithContext("listing " + type + " edges");
            return;
          }
          results[i] = std::move(*r);
        }
      });
    }
    for (auto& th : pool) th.join();
    ICEGRAPH_RETURN_NOT_OK(error);
    int64_t listed = 0;
    for (const auto& list : results) {
      for (const auto& e : list) {
        if (e.value("e_type", type) != type) continue;
        EdgeKey key{e.value("from_id", ""), e.value("to_id", ""), {}};
        const auto& attrs = e.contains("attributes") ? e["attributes"] : nlohmann::json::object();
        for (const auto& name : def->discriminator) {
          for (const auto& a : def->attributes) {
            if (a.name == name && attrs.contains(name)) key.disc.push_back(ScalarFromJson(a.type, attrs[name]));
          }
        }
        if (std::find(key.disc.begin(), key.disc.end(), nullptr) != key.disc.end()) continue;
        keys->AddEdge(type, def->directed, std::move(key));
        ++listed;
      }
    }
    log::Info("sync_held_edges", {{"type", type}, {"sources", sources->size()}, {"edges", listed}});
  }
  return Status::OK();
}

namespace {

bool AnyNull(const std::vector<mapping::AttributeColumn>& attrs) {
  return std::any_of(attrs.begin(), attrs.end(), [](const auto& a) { return a.values->null_count() > 0; });
}

bool RowHasNull(const std::vector<mapping::AttributeColumn>& attrs, int64_t row) {
  return std::any_of(attrs.begin(), attrs.end(), [row](const auto& a) { return a.values->IsNull(row); });
}

}  // namespace

void Unproduced::Strike(const mapping::TablePlan& plan, const mapping::MappedBatch& batch) {
  const std::lock_guard lock(mu_);
  for (const auto& vb : batch.vertices) {
    const auto held = held_.vertices.find(vb.type);
    const mapping::VertexTypeDef* def = plan_.FindVertexType(vb.type);
    if (vb.length() == 0 || held == held_.vertices.end() || def == nullptr) continue;
    const bool wide = def->attributes.size() > 64;  // no mask: any null makes the key stale
    std::vector<int> bit(vb.attributes.size(), -1);
    for (size_t c = 0; c < vb.attributes.size(); ++c) {
      for (size_t a = 0; a < def->attributes.size(); ++a) {
        if (def->attributes[a].name == vb.attributes[c].name) bit[c] = static_cast<int>(a);
      }
    }
    auto& left = keys_.vertices[vb.type];
    auto& set = set_[vb.type];
    auto& named = named_only_.vertices[vb.type];
    const auto& ids = static_cast<const arrow::StringArray&>(*vb.ids);
    for (int64_t r = 0; r < ids.length(); ++r) {
      const std::string_view id = ids.GetView(r);
      if (held->second.find(id) == held->second.end()) continue;  // new to TigerGraph: the upsert creates it exact
      if (const auto f = left.find(id); f != left.end()) left.erase(f);
      if (const auto f = named.find(id); f != named.end()) named.erase(f);
      auto m = set.find(id);
      if (m == set.end()) m = set.emplace(std::string(id), 0).first;
      if (wide) {
        if (RowHasNull(vb.attributes, r)) null_set_.vertices[vb.type].emplace(id);
        continue;
      }
      for (size_t c = 0; c < vb.attributes.size(); ++c) {
        if (bit[c] >= 0 && !vb.attributes[c].values->IsNull(r)) m->second |= uint64_t{1} << bit[c];
      }
    }
  }
  for (size_t i = 0; i < batch.edges.size(); ++i) {
    const mapping::EdgeBatch& eb = batch.edges[i];
    if (eb.length() == 0) continue;
    const auto& from = static_cast<const arrow::StringArray&>(*eb.from_ids);
    const auto& to = static_cast<const arrow::StringArray&>(*eb.to_ids);
    if (!must_exist_) {
      for (const auto& [type, col] : {std::pair{eb.from_type, &from}, std::pair{eb.to_type, &to}}) {
        const auto it = keys_.vertices.find(type);
        if (it == keys_.vertices.end()) continue;
        const auto& produced = set_[type];
        for (int64_t r = 0; r < eb.length() && !it->second.empty(); ++r) {
          const auto found = it->second.find(col->GetView(r));
          if (found == it->second.end()) continue;
          if (produced.find(*found) == produced.end()) named_only_.vertices[type].insert(*found);
          it->second.erase(found);
        }
      }
    }
    const auto held = held_.edges.find(eb.type);
    if (held == held_.edges.end()) continue;
    auto& left = keys_.edges[eb.type];
    // A mapping that sets only some of the type's attributes leaves the others as they were.
    const mapping::EdgeTypeDef* edef = plan_.FindEdgeType(eb.type);
    const bool partial = edef != nullptr && eb.attributes.size() < edef->attributes.size();
    const bool nulls = partial || AnyNull(eb.attributes);
    if (left.empty() && !nulls) continue;
    const auto cols = DiscriminatorColumns(eb);
    for (int64_t r = 0; r < eb.length(); ++r) {
      const bool row_null = partial || (nulls && RowHasNull(eb.attributes, r));
      if (left.empty() && !row_null) continue;
      const std::string text = EdgeKeyText(from.GetView(r), to.GetView(r), cols, r, plan.edges()[i].directed);
      left.erase(text);
      if (!row_null) continue;
      const auto h = held->second.find(text);
      if (h != held->second.end()) null_set_.edges[eb.type].emplace(text, h->second);
    }
  }
}

AffectedKeys Unproduced::Stale() const {
  AffectedKeys out = null_set_;
  // What TigerGraph holds beyond the defaults (unknown: everything).
  const auto held_set = [&](const std::string& type, const std::string& id) {
    const auto t = values_.find(type);
    if (t == values_.end()) return ~uint64_t{0};
    const auto v = t->second.find(id);
    return v == t->second.end() ? ~uint64_t{0} : v->second;
  };
  for (const auto& [type, ids] : set_) {
    const mapping::VertexTypeDef* def = plan_.FindVertexType(type);
    if (def == nullptr || def->attributes.size() > 64) continue;
    for (const auto& [id, mask] : ids) {
      // An attribute no row set keeps a non-default value TigerGraph holds: a reload would give the default.
      if ((held_set(type, id) & ~mask) != 0) out.vertices[type].insert(id);
    }
  }
  for (const auto& [type, ids] : named_only_.vertices) {
    const mapping::VertexTypeDef* def = plan_.FindVertexType(type);
    const uint64_t all =
        def == nullptr || def->attributes.size() >= 64 ? ~uint64_t{0} : (uint64_t{1} << def->attributes.size()) - 1;
    for (const auto& id : ids) {
      if ((held_set(type, id) & all) != 0) out.vertices[type].insert(id);
    }
  }
  for (auto it = out.vertices.begin(); it != out.vertices.end();) {
    it = it->second.empty() ? out.vertices.erase(it) : std::next(it);
  }
  return out;
}

}  // namespace icegraph::engine
