#include "engine/recompute.h"

#include <algorithm>
#include <charconv>
#include <optional>

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

// Appends value `row` of a span to a builder of the span's type.
using AppendFn = arrow::Status (*)(arrow::ArrayBuilder&, const arrow::ArraySpan&, int64_t);

template <typename T>
arrow::Status AppendNumber(arrow::ArrayBuilder& b, const arrow::ArraySpan& span, int64_t row) {
  return static_cast<arrow::NumericBuilder<T>&>(b).Append(span.GetValues<typename T::c_type>(1)[row]);
}

arrow::Status AppendString(arrow::ArrayBuilder& b, const arrow::ArraySpan& span, int64_t row) {
  const int32_t* offsets = span.GetValues<int32_t>(1);
  return static_cast<arrow::StringBuilder&>(b).Append(span.buffers[2].data + offsets[row],
                                                      offsets[row + 1] - offsets[row]);
}

arrow::Status AppendAny(arrow::ArrayBuilder& b, const arrow::ArraySpan& span, int64_t row) {
  return b.AppendArraySlice(span, row, 1);
}

// The common fixed-width and string types go straight into their typed builder (AppendArraySlice is a virtual call
// and a walk of the span per value); anything else generically.
AppendFn AppenderOf(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::INT64: return AppendNumber<arrow::Int64Type>;
    case arrow::Type::UINT64: return AppendNumber<arrow::UInt64Type>;
    case arrow::Type::INT32: return AppendNumber<arrow::Int32Type>;
    case arrow::Type::DOUBLE: return AppendNumber<arrow::DoubleType>;
    case arrow::Type::FLOAT: return AppendNumber<arrow::FloatType>;
    case arrow::Type::TIMESTAMP: return AppendNumber<arrow::TimestampType>;
    case arrow::Type::STRING: return AppendString;
    default: return AppendAny;
  }
}

// The columns of a mapped batch resolved against a type's stores, once per batch: the store each column feeds (or
// none) and a span to append its values from.
struct FoldColumns {
  std::vector<AttributeStore*> store;
  std::vector<size_t> index;  // of the attribute in its type
  std::vector<arrow::ArraySpan> spans;
  std::vector<AppendFn> append;

  FoldColumns(const std::vector<mapping::AttributeColumn>& cols, const std::vector<mapping::GraphAttribute>& attrs,
              std::vector<AttributeStore>& stores, Status* error) {
    for (const auto& c : cols) {
      AttributeStore* target = nullptr;
      const int i = AttributeIndex(attrs, c.name);
      if (i >= 0 && static_cast<size_t>(i) < stores.size()) {
        target = &stores[static_cast<size_t>(i)];
        if (!c.values->type()->Equals(*target->builder->type())) {
          if (error->ok()) {
            *error =
                Status::Internal("recompute: attribute " + c.name + " is mapped as " + c.values->type()->ToString() +
                                 ", its type holds " + target->builder->type()->ToString());
          }
          target = nullptr;
        }
      }
      store.push_back(target);
      index.push_back(i < 0 ? 0 : static_cast<size_t>(i));
      spans.emplace_back(*c.values->data());
      append.push_back(AppenderOf(*c.values->type()));
    }
  }

  // Sets the attributes row `row` gives (non-null values; null leaves what an earlier row gave, as an upsert does).
  void Fold(const std::vector<mapping::AttributeColumn>& cols, int64_t row, ElementTruth* t, Status* error) {
    for (size_t c = 0; c < cols.size(); ++c) {
      AttributeStore* s = store[c];
      if (s == nullptr || cols[c].values->IsNull(row)) continue;
      const arrow::Status st = append[c](*s->builder, spans[c], row);
      if (!st.ok()) {
        if (error->ok()) {
          *error = Status::Internal("recompute: keeping a value of " + cols[c].name + ": " + st.ToString());
        }
        continue;
      }
      t->attributes[index[c]] = static_cast<int32_t>(s->builder->length() - 1);
    }
  }
};

// Collects, for a probe of the id columns, the keys per column in the column's type.
struct Probe {
  bool full = false;  // the id is an expression (or of a type without range pruning): read the whole table
  std::map<int32_t, KeyLookup> fields;

  void Add(const SourceTable& t, const mapping::IdPlan& id, const std::vector<std::string_view>& keys) {
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
      l.strings.insert(l.strings.end(), keys.begin(), keys.end());
      return;
    }
    for (const auto& k : keys) {
      int64_t v = 0;
      const auto [end, ec] = std::from_chars(k.data(), k.data() + k.size(), v);
      if (ec == std::errc() && end == k.data() + k.size()) l.ints.push_back(v);  // else no integer column maps to it
    }
  }
};

template <typename T>
void SortUnique(std::vector<T>* v) {
  // Keys of one type come from a B-tree already in order: only a lookup that merges several needs the sort.
  if (!std::is_sorted(v->begin(), v->end())) std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

// The endpoints of a type's affected edges (views into `keys`).
std::vector<std::string_view> EdgeEnds(const AffectedKeys& keys, const std::string& type, bool from, bool directed) {
  std::vector<std::string_view> out;
  const auto it = keys.edges.find(type);
  if (it == keys.edges.end()) return out;
  for (const auto& [text, k] : it->second) {
    if (from) out.emplace_back(k.from);
    if (!from || !directed) out.emplace_back(k.to);
  }
  return out;
}

// `more` and the affected ids of `vertex_type` (views into `keys`).
std::vector<std::string_view> Union(const AffectedKeys& keys, const std::string& vertex_type,
                                    std::vector<std::string_view> more) {
  const auto it = keys.vertices.find(vertex_type);
  if (it != keys.vertices.end()) more.insert(more.end(), it->second.begin(), it->second.end());
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

namespace {

// One store per attribute, with room for `elements` values: most elements take one value of each attribute.
Result<std::vector<AttributeStore>> Stores(const std::vector<mapping::GraphAttribute>& attrs, size_t elements) {
  std::vector<AttributeStore> out(attrs.size());
  for (size_t i = 0; i < attrs.size(); ++i) {
    auto b = arrow::MakeBuilder(mapping::CanonicalArrowType(attrs[i].type));
    if (!b.ok()) return Status::Internal("recompute: a store for " + attrs[i].name + ": " + b.status().ToString());
    if (const auto st = (*b)->Reserve(static_cast<int64_t>(elements)); !st.ok()) {
      return Status::Internal("recompute: a store for " + attrs[i].name + ": " + st.ToString());
    }
    out[i].builder = std::move(*b);
  }
  return out;
}

}  // namespace

Result<Truth> SeedTruth(const mapping::MappingPlan& types, const AffectedKeys& keys) {
  Truth truth;
  for (const auto& [type, ids] : keys.vertices) {
    const mapping::VertexTypeDef* def = types.FindVertexType(type);
    const size_t n = def ? def->attributes.size() : 0;
    if (def != nullptr) {
      ICEGRAPH_ASSIGN_OR_RAISE(truth.vertex_values[type], Stores(def->attributes, ids.size()));
    }
    auto& m = truth.vertices[type];
    ElementTruth blank;
    blank.attributes.assign(n, -1);
    m.reserve(ids.size());
    for (const auto& id : ids) m.Append(id, blank);  // ids come sorted
  }
  for (const auto& [type, ks] : keys.edges) {
    const mapping::EdgeTypeDef* def = types.FindEdgeType(type);
    const size_t n = def ? def->attributes.size() : 0;
    if (def != nullptr) {
      ICEGRAPH_ASSIGN_OR_RAISE(truth.edge_values[type], Stores(def->attributes, ks.size()));
    }
    auto& m = truth.edges[type];
    auto& ends = truth.edge_ends[type];
    for (const auto& [text, k] : ks) {
      ends.insert(k.from);
      if (def == nullptr || !def->directed) ends.insert(k.to);
      ElementTruth& t = m.emplace_hint(m.end(), text, ElementTruth{})->second;  // sorted, as ids are
      t.attributes.assign(n, -1);
      t.key = &k;
    }
  }
  return truth;
}

Status Truth::Finish() {
  for (auto* values : {&vertex_values, &edge_values}) {
    for (auto& [type, stores] : *values) {
      for (AttributeStore& s : stores) {
        if (s.values != nullptr) continue;
        const arrow::Status st = s.builder->Finish(&s.values);
        if (!st.ok()) return Status::Internal("recompute: the values of " + type + ": " + st.ToString());
      }
    }
  }
  return error;
}

ElementTruth* VertexTruth::Find(std::string_view id, size_t* hint) {
  const size_t n = entries_.size();
  size_t at = std::min(*hint, n);
  if (at < n && entries_[at].first == id) {
    *hint = at + 1;
    return &entries_[at].second;
  }
  // Rows in key order mostly fall between the ids around the hint: not affected, known in two comparisons.
  if ((at == 0 || entries_[at - 1].first < id) && (at == n || id < entries_[at].first)) return nullptr;
  at = LowerBound(id);
  if (at == n || entries_[at].first != id) {
    *hint = at;  // where it would be: the next row in key order looks there
    return nullptr;
  }
  *hint = at + 1;
  return &entries_[at].second;
}

const ElementTruth* VertexTruth::Find(std::string_view id) const {
  const size_t at = LowerBound(id);
  return at == entries_.size() || entries_[at].first != id ? nullptr : &entries_[at].second;
}

size_t VertexTruth::LowerBound(std::string_view id) const {
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), id,
                                   [](const Entry& e, std::string_view v) { return e.first < v; });
  return static_cast<size_t>(it - entries_.begin());
}

std::shared_ptr<arrow::Scalar> Truth::Value(const std::vector<AttributeStore>& stores, const ElementTruth& t,
                                            size_t i) const {
  if (i >= t.attributes.size() || t.attributes[i] < 0 || i >= stores.size() || stores[i].values == nullptr) {
    return nullptr;
  }
  auto s = stores[i].values->GetScalar(t.attributes[i]);
  return s.ok() ? *s : nullptr;
}

void FoldBatch(const mapping::MappingPlan& types, const mapping::TablePlan& plan, const mapping::MappedBatch& batch,
               bool edges_of_affected, Truth* truth) {
  for (const auto& vb : batch.vertices) {
    const auto it = truth->vertices.find(vb.type);
    if (vb.length() == 0 || it == truth->vertices.end()) continue;
    const mapping::VertexTypeDef* def = types.FindVertexType(vb.type);
    if (def == nullptr) continue;
    FoldColumns fold(vb.attributes, def->attributes, truth->vertex_values[vb.type], &truth->error);
    const auto& ids = static_cast<const arrow::StringArray&>(*vb.ids);
    VertexTruth& elements = it->second;
    size_t next = elements.size();  // after the last one found: rows clustered on their key find the next there
    for (int64_t r = 0; r < ids.length(); ++r) {
      ElementTruth* e = elements.Find(ids.GetView(r), &next);
      if (e == nullptr) continue;
      e->produced = true;
      fold.Fold(vb.attributes, r, e, &truth->error);
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
    if (edge_it == truth->edges.end() && edges_of_affected) {
      auto stores = Stores(def->attributes, 0);
      if (!stores.ok()) {
        if (truth->error.ok()) truth->error = stores.status();
        continue;
      }
      truth->edge_values[eb.type] = std::move(*stores);
      edge_it = truth->edges.emplace(eb.type, TruthMap{}).first;
    }
    static const KeySet kNone;
    const auto ends_it = truth->edge_ends.find(eb.type);
    const auto& ends = ends_it == truth->edge_ends.end() ? kNone : ends_it->second;
    std::optional<FoldColumns> fold;
    if (edge_it != truth->edges.end())
      fold.emplace(eb.attributes, def->attributes, truth->edge_values[eb.type], &truth->error);
    const auto cols = DiscriminatorColumns(eb);
    const auto& from = static_cast<const arrow::StringArray&>(*eb.from_ids);
    const auto& to = static_cast<const arrow::StringArray&>(*eb.to_ids);
    for (int64_t r = 0; r < eb.length(); ++r) {
      bool names_affected = false;
      if (from_it != truth->vertices.end()) {
        if (ElementTruth* v = from_it->second.Find(from.GetView(r))) v->referenced = names_affected = true;
      }
      if (to_it != truth->vertices.end()) {
        if (ElementTruth* v = to_it->second.Find(to.GetView(r))) v->referenced = names_affected = true;
      }
      if (edge_it == truth->edges.end()) continue;
      const bool candidate = (edges_of_affected && names_affected) || ends.count(from.GetView(r)) != 0 ||
                             (!directed && ends.count(to.GetView(r)) != 0);
      if (!candidate) continue;
      const std::string text = EdgeKeyText(from.GetView(r), to.GetView(r), cols, r, directed);
      auto e = edge_it->second.find(text);
      if (e == edge_it->second.end()) {
        if (!(edges_of_affected && names_affected)) continue;
        EdgeKey& key = truth->found_keys.emplace_back();
        key.from = std::string(from.GetView(r));
        key.to = std::string(to.GetView(r));
        for (const arrow::Array* c : cols) {
          auto s = c->GetScalar(r);
          if (s.ok()) key.disc.push_back(*s);
        }
        ElementTruth t;
        t.attributes.assign(def->attributes.size(), -1);
        t.key = &key;
        e = edge_it->second.emplace(text, std::move(t)).first;
      }
      e->second.produced = true;
      fold->Fold(eb.attributes, r, &e->second, &truth->error);
    }
  }
}

namespace {

// The delete files of a task, as what identifies each (a deletion vector is one blob of a Puffin file).
std::vector<std::pair<std::string, int64_t>> DeleteIds(const std::vector<iceberg::DataFile>& files) {
  std::vector<std::pair<std::string, int64_t>> out;
  out.reserve(files.size());
  for (const auto& f : files) out.emplace_back(f.file_path, f.content_offset.value_or(-1));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool SameLiveRows(const iceberg::ScanTask& before, const iceberg::ScanTask& now) {
  return before.data_file.file_path == now.data_file.file_path &&
         before.data_sequence_number == now.data_sequence_number &&
         before.projected_field_ids == now.projected_field_ids && before.schema.schema_id == now.schema.schema_id &&
         before.name_mapping_json == now.name_mapping_json &&
         DeleteIds(before.position_deletes) == DeleteIds(now.position_deletes) &&
         DeleteIds(before.equality_deletes) == DeleteIds(now.equality_deletes);
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
    const auto it = std::lower_bound(strings.begin(), strings.end(), std::string_view(*l));
    return it != strings.end() && *it <= *h;
  }
  if (const auto* l = std::get_if<int64_t>(&*lo), *h = std::get_if<int64_t>(&*hi); l && h) {
    const auto it = std::lower_bound(ints.begin(), ints.end(), *l);
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
      probe.Add(t, vp.id, std::vector<std::string_view>(it->second.begin(), it->second.end()));
    }
    for (const auto& ep : t.plan->edges()) {
      const auto from = Union(keys, ep.from_type, EdgeEnds(keys, ep.type, /*from=*/true, ep.directed));
      const auto to = Union(keys, ep.to_type, {});
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
      SortUnique(&l.strings);
      SortUnique(&l.ints);
      iceberg::Literal lo;
      iceberg::Literal hi;
      if (!l.strings.empty()) {
        lo = std::string(l.strings.front());
        hi = std::string(l.strings.back());
      } else if (!l.ints.empty()) {
        lo = l.ints.front();
        hi = l.ints.back();
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
