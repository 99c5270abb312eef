#include "engine/recompute.h"

#include <charconv>

#include "common/log.h"
#include "iceberg/pruning.h"
#include "iceberg/reader.h"

namespace icegraph::engine {
namespace {

int AttributeIndex(const std::vector<mapping::GraphAttribute>& attrs, const std::string& name) {
  for (size_t i = 0; i < attrs.size(); ++i) {
    if (attrs[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// Sets the attributes a row gives (non-null values; null leaves what an earlier row gave, as an upsert does).
void FoldAttributes(const std::vector<mapping::AttributeColumn>& cols, const std::vector<int>& index, int64_t row,
                    ElementTruth* t) {
  for (size_t c = 0; c < cols.size(); ++c) {
    if (index[c] < 0 || cols[c].values->IsNull(row)) continue;
    auto s = cols[c].values->GetScalar(row);
    if (s.ok()) t->attributes[static_cast<size_t>(index[c])] = *s;
  }
}

// Collects, for a probe of the id columns, the keys per column in the column's type.
struct Probe {
  bool full = false;  // the id is an expression (or of a type without range pruning): read the whole table
  std::map<int32_t, KeyLookup> fields;

  void Add(const SourceTable& t, const mapping::IdPlan& id, const KeySet& keys) {
    if (keys.empty() || full) return;
    const iceberg::Schema* schema = t.metadata.CurrentSchema();
    const bool plain = id.parts.size() == 1 && id.parts[0].kind == mapping::Expr::Kind::kColumn &&
                       id.parts[0].field_ids.size() == 1 && schema != nullptr;
    const iceberg::Field* field = nullptr;
    if (plain) {
      for (const auto& f : schema->fields) {
        if (f.id == id.parts[0].field_ids[0]) field = &f;
      }
    }
    if (field == nullptr || (field->type != "string" && field->type != "int" && field->type != "long")) {
      full = true;
      return;
    }
    KeyLookup& l = fields[field->id];
    l.field_id = field->id;
    l.field_type = field->type;
    if (field->type == "string") {
      l.strings.insert(keys.begin(), keys.end());
      return;
    }
    for (const auto& k : keys) {
      int64_t v = 0;
      const auto [end, ec] = std::from_chars(k.data(), k.data() + k.size(), v);
      if (ec == std::errc() && end == k.data() + k.size()) l.ints.insert(v);  // else no integer column maps to it
    }
  }
};

KeySet EdgeEnds(const AffectedKeys& keys, const std::string& type, bool from, bool directed) {
  KeySet out;
  const auto it = keys.edges.find(type);
  if (it == keys.edges.end()) return out;
  for (const auto& [text, k] : it->second) {
    if (from) out.insert(k.from);
    if (!from || !directed) out.insert(k.to);
  }
  return out;
}

KeySet Union(const AffectedKeys& keys, const std::string& vertex_type, KeySet more) {
  const auto it = keys.vertices.find(vertex_type);
  if (it != keys.vertices.end()) more.insert(it->second.begin(), it->second.end());
  return more;
}

}  // namespace

std::shared_ptr<arrow::Scalar> TypeDefault(const mapping::TgType& type) {
  auto builder = arrow::MakeBuilder(mapping::CanonicalArrowType(type));
  std::shared_ptr<arrow::Array> one;
  if (!builder.ok() || !(*builder)->AppendEmptyValue().ok() || !(*builder)->Finish(&one).ok()) return nullptr;
  auto s = one->GetScalar(0);
  return s.ok() ? *s : nullptr;
}

Truth SeedTruth(const mapping::MappingPlan& types, const AffectedKeys& keys) {
  Truth truth;
  for (const auto& [type, ids] : keys.vertices) {
    const mapping::VertexTypeDef* def = types.FindVertexType(type);
    const size_t n = def ? def->attributes.size() : 0;
    auto& m = truth.vertices[type];
    for (const auto& id : ids) m[id].attributes.resize(n);
  }
  for (const auto& [type, ks] : keys.edges) {
    const mapping::EdgeTypeDef* def = types.FindEdgeType(type);
    const size_t n = def ? def->attributes.size() : 0;
    auto& m = truth.edges[type];
    auto& ends = truth.edge_ends[type];
    for (const auto& [text, k] : ks) {
      ends.insert(k.from);
      if (def == nullptr || !def->directed) ends.insert(k.to);
      ElementTruth& t = m[text];
      t.attributes.resize(n);
      t.key = k;
    }
  }
  return truth;
}

void FoldBatch(const mapping::MappingPlan& types, const mapping::TablePlan& plan, const mapping::MappedBatch& batch,
               bool edges_of_affected, Truth* truth) {
  for (const auto& vb : batch.vertices) {
    const auto it = truth->vertices.find(vb.type);
    if (vb.length() == 0 || it == truth->vertices.end()) continue;
    const mapping::VertexTypeDef* def = types.FindVertexType(vb.type);
    if (def == nullptr) continue;
    std::vector<int> index;
    for (const auto& a : vb.attributes) index.push_back(AttributeIndex(def->attributes, a.name));
    const auto& ids = static_cast<const arrow::StringArray&>(*vb.ids);
    for (int64_t r = 0; r < ids.length(); ++r) {
      const auto e = it->second.find(ids.GetView(r));
      if (e == it->second.end()) continue;
      e->second.produced = true;
      FoldAttributes(vb.attributes, index, r, &e->second);
    }
  }
  for (size_t i = 0; i < batch.edges.size(); ++i) {
    const mapping::EdgeBatch& eb = batch.edges[i];
    if (eb.length() == 0) continue;
    const bool directed = plan.edges()[i].directed;
    const mapping::EdgeTypeDef* def = types.FindEdgeType(eb.type);
    if (def == nullptr) continue;
    const auto from_it = truth->vertices.find(eb.from_type);
    const auto to_it = truth->vertices.find(eb.to_type);
    auto edge_it = truth->edges.find(eb.type);
    if (edge_it == truth->edges.end() && edges_of_affected) edge_it = truth->edges.emplace(eb.type, TruthMap{}).first;
    static const std::set<std::string, std::less<>> kNone;
    const auto ends_it = truth->edge_ends.find(eb.type);
    const auto& ends = ends_it == truth->edge_ends.end() ? kNone : ends_it->second;
    std::vector<int> index;
    for (const auto& a : eb.attributes) index.push_back(AttributeIndex(def->attributes, a.name));
    const auto cols = DiscriminatorColumns(eb);
    const auto& from = static_cast<const arrow::StringArray&>(*eb.from_ids);
    const auto& to = static_cast<const arrow::StringArray&>(*eb.to_ids);
    for (int64_t r = 0; r < eb.length(); ++r) {
      bool names_affected = false;
      if (from_it != truth->vertices.end()) {
        const auto v = from_it->second.find(from.GetView(r));
        if (v != from_it->second.end()) v->second.referenced = names_affected = true;
      }
      if (to_it != truth->vertices.end()) {
        const auto v = to_it->second.find(to.GetView(r));
        if (v != to_it->second.end()) {
          v->second.referenced = true;
          names_affected = true;
        }
      }
      if (edge_it == truth->edges.end()) continue;
      const bool candidate = (edges_of_affected && names_affected) || ends.count(from.GetView(r)) != 0 ||
                             (!directed && ends.count(to.GetView(r)) != 0);
      if (!candidate) continue;
      const std::string text = EdgeKeyText(from.GetView(r), to.GetView(r), cols, r, directed);
      auto e = edge_it->second.find(text);
      if (e == edge_it->second.end()) {
        if (!(edges_of_affected && names_affected)) continue;
        ElementTruth t;
        t.attributes.resize(def->attributes.size());
        t.key = {std::string(from.GetView(r)), std::string(to.GetView(r)), {}};
        for (const arrow::Array* c : cols) {
          auto s = c->GetScalar(r);
          if (s.ok()) t.key.disc.push_back(*s);
        }
        e = edge_it->second.emplace(text, std::move(t)).first;
      }
      e->second.produced = true;
      FoldAttributes(eb.attributes, index, r, &e->second);
    }
  }
}

bool KeyLookup::MayHold(const iceberg::DataFile& file) const {
  if (field_id == 0) return true;
  const auto lo_it = file.lower_bounds.find(field_id);
  const auto hi_it = file.upper_bounds.find(field_id);
  if (lo_it == file.lower_bounds.end() || hi_it == file.upper_bounds.end()) return true;
  const auto lo = iceberg::DecodeBound(field_type, lo_it->second);
  const auto hi = iceberg::DecodeBound(field_type, hi_it->second);
  if (!lo.ok() || !hi.ok()) return true;
  // Truncated string bounds stay a lower bound below and an upper bound above every value, so this stays sure.
  if (const auto* l = std::get_if<std::string>(&*lo), *h = std::get_if<std::string>(&*hi); l && h) {
    const auto it = strings.lower_bound(*l);
    return it != strings.end() && *it <= *h;
  }
  if (const auto* l = std::get_if<int64_t>(&*lo), *h = std::get_if<int64_t>(&*hi); l && h) {
    const auto it = ints.lower_bound(*l);
    return it != ints.end() && *it <= *h;
  }
  return true;
}

std::vector<std::vector<KeyLookup>> LookupFilters(const std::vector<SourceTable>& tables, const AffectedKeys& keys) {
  std::vector<std::vector<KeyLookup>> out(tables.size());
  for (size_t i = 0; i < tables.size(); ++i) {
    const SourceTable& t = tables[i];
    Probe probe;
    bool feeds = false;
    for (const auto& vp : t.plan->vertices()) {
      const auto it = keys.vertices.find(vp.type);
      if (it == keys.vertices.end()) continue;
      feeds = true;
      probe.Add(t, vp.id, it->second);
    }
    for (const auto& ep : t.plan->edges()) {
      const KeySet from = Union(keys, ep.from_type, EdgeEnds(keys, ep.type, /*from=*/true, ep.directed));
      const KeySet to = Union(keys, ep.to_type, {});
      feeds = feeds || !from.empty() || !to.empty();
      probe.Add(t, ep.from, from);
      probe.Add(t, ep.to, to);
    }
    if (!feeds) continue;
    if (probe.full) {
      out[i].emplace_back();  // one scan of the whole table
      continue;
    }
    for (auto& [field_id, l] : probe.fields) {
      iceberg::Literal lo;
      iceberg::Literal hi;
      if (!l.strings.empty()) {
        lo = *l.strings.begin();
        hi = *l.strings.rbegin();
      } else if (!l.ints.empty()) {
        lo = *l.ints.begin();
        hi = *l.ints.rbegin();
      } else {
        continue;  // no key can be a value of this column
      }
      l.filter.predicates.push_back({"", field_id, iceberg::CompareOp::kGtEq, lo});
      l.filter.predicates.push_back({"", field_id, iceberg::CompareOp::kLtEq, hi});
      out[i].push_back(std::move(l));
    }
  }
  return out;
}

}  // namespace icegraph::engine
