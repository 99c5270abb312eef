#include "engine/held_keys.h"

#include <atomic>
#include <chrono>
#include <thread>

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
      int y = 0;
      unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
      if (std::sscanf(j.get<std::string>().c_str(), "%d-%u-%u %u:%u:%u", &y, &mo, &d, &h, &mi, &s) != 6) return nullptr;
      const auto days = std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d}};
      const int64_t secs = days.time_since_epoch().count() * 86400 + h * 3600 + mi * 60 + s;
      return std::make_shared<arrow::TimestampScalar>(secs, mapping::CanonicalArrowType(type));
    }
    default: return nullptr;
  }
}

bool NotOwned(const mapping::Config& config, const std::string& type, bool edge) {
  for (const auto& m : config.mappings) {
    if (edge) {
      for (const auto& e : m.edges) {
        if (e.type == type && e.owner == false) return true;
      }
    } else {
      for (const auto& v : m.vertices) {
        if (v.type == type && v.owner == false) return true;
      }
    }
  }
  return false;
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

GraphTypes OwnedTypes(const Pipeline& p) {
  GraphTypes out;
  for (const SourceTable& t : p.tables()) {
    const GraphTypes fed = TypesFedBy(*t.plan);
    for (const auto& v : fed.vertices) {
      if (!NotOwned(p.config(), v, false)) out.vertices.insert(v);
    }
    for (const auto& e : fed.edges) {
      if (!NotOwned(p.config(), e, true)) out.edges.insert(e);
    }
  }
  return out;
}

Status AddHeldKeys(RunContext& ctx, const GraphTypes& types, AffectedKeys* keys) {
  if (ctx.client == nullptr || (ctx.options.discard && !ctx.options.dry_run)) return Status::OK();
  const Pipeline& p = ctx.pipeline;
  const GraphTypes owned = OwnedTypes(p);
  std::map<std::string, std::vector<std::string>> ids;  // vertex type → held ids
  auto list_vertices = [&](const std::string& type) -> Result<const std::vector<std::string>*> {
    auto it = ids.find(type);
    if (it != ids.end()) return &it->second;
    ICEGRAPH_ASSIGN_OR_RAISE(const auto live, ctx.client->GetVertices(type));
    std::vector<std::string> out;
    for (const auto& item : live) out.push_back(item.value("v_id", ""));
    return &ids.emplace(type, std::move(out)).first->second;
  };
  for (const auto& type : types.vertices) {
    if (owned.vertices.count(type) == 0) continue;
    ICEGRAPH_ASSIGN_OR_RAISE(const auto* held, list_vertices(type));
    for (const auto& id : *held) keys->AddVertex(type, id);
  }
  for (const auto& type : types.edges) {
    if (owned.edges.count(type) == 0) continue;
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

void Unproduced::Strike(const mapping::TablePlan& plan, const mapping::MappedBatch& batch) {
  const std::lock_guard lock(mu_);
  for (const auto& vb : batch.vertices) {
    const auto it = keys_.vertices.find(vb.type);
    if (vb.length() == 0 || it == keys_.vertices.end()) continue;
    const auto& ids = static_cast<const arrow::StringArray&>(*vb.ids);
    for (int64_t r = 0; r < ids.length() && !it->second.empty(); ++r) {
      const auto found = it->second.find(ids.GetView(r));
      if (found != it->second.end()) it->second.erase(found);
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
        for (int64_t r = 0; r < eb.length() && !it->second.empty(); ++r) {
          const auto found = it->second.find(col->GetView(r));
          if (found != it->second.end()) it->second.erase(found);
        }
      }
    }
    const auto it = keys_.edges.find(eb.type);
    if (it == keys_.edges.end() || it->second.empty()) continue;
    const auto cols = DiscriminatorColumns(eb);
    for (int64_t r = 0; r < eb.length() && !it->second.empty(); ++r) {
      it->second.erase(EdgeKeyText(from.GetView(r), to.GetView(r), cols, r, plan.edges()[i].directed));
    }
  }
}

}  // namespace icegraph::engine
