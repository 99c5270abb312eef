#include "mapping/transform.h"

#include <arrow/compute/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/arrow_status.h"
#include "iceberg/arrow_conform.h"

namespace icegraph::mapping {
namespace {

namespace cp = arrow::compute;
using json = nlohmann::json;

constexpr size_t kMaxEcho = 100;

template <typename T>
Result<T> FromArrow(arrow::Result<T> r, std::string_view what) {
  return FromArrowResult(std::move(r), what);
}

// ---- plan building ------------------------------------------------------------------------------------------

Result<Expr> BindAt(const Model& model, const ConfigLoc& loc, const std::string& text, const iceberg::Schema& schema) {
  auto parsed = ParseExpr(text);
  if (!parsed.ok()) return model.ErrorAt(loc, fmt::format("'{}': {}", text, parsed.status().message()));
  Expr e = std::move(parsed).ValueOrDie();
  if (Status st = BindExpr(&e, schema); !st.ok()) return model.ErrorAt(loc, st.message());
  return e;
}

Result<IdPlan> BindId(const Model& model, const IdSpec& spec, const iceberg::Schema& schema) {
  IdPlan id;
  id.separator = spec.separator;
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    const ConfigLoc loc =
        spec.columns.size() == 1 ? spec.loc : ConfigLoc{spec.loc.line, fmt::format("{}.columns[{}]", spec.loc.path, i)};
    ICEGRAPH_ASSIGN_OR_RAISE(Expr e, BindAt(model, loc, spec.columns[i], schema));
    const TgKind k = e.type.kind;
    if (k == TgKind::kList || k == TgKind::kSet || k == TgKind::kMap) {
      return model.ErrorAt(loc, fmt::format("'{}' is a collection and cannot be an id", spec.columns[i]));
    }
    id.parts.push_back(std::move(e));
  }
  return id;
}

Result<std::shared_ptr<arrow::Scalar>> DefaultScalar(const Model& model, const ConfigLoc& loc, const std::string& text,
                                                     const TgType& type) {
  if (type.kind == TgKind::kList || type.kind == TgKind::kSet || type.kind == TgKind::kMap) {
    return model.ErrorAt(loc, fmt::format("defaults are not supported for {} attributes", type.ToGsql()));
  }
  arrow::StringBuilder b;
  std::shared_ptr<arrow::Array> one;
  if (!b.Append(text).ok() || !b.Finish(&one).ok()) return Status::Internal("building a default");
  ICEGRAPH_ASSIGN_OR_RAISE(Converted c, ConvertToCanonical(one, "string", type));
  if (!c.errors.empty()) {
    return model.ErrorAt(loc,
                         fmt::format("default '{}' is not a valid {}: {}", text, type.ToGsql(), c.errors[0].detail));
  }
  return FromArrow(c.values->GetScalar(0), "default");
}

Result<std::vector<AttributePlan>> BindAttributes(const Model& model, const std::vector<AttributeSpec>& specs,
                                                  const std::map<std::string, std::string>& defaults,
                                                  const std::map<std::string, ConfigLoc>& default_locs,
                                                  const iceberg::Schema& schema) {
  std::vector<AttributePlan> out;
  for (const AttributeSpec& s : specs) {
    AttributePlan a;
    a.name = s.name;
    ICEGRAPH_ASSIGN_OR_RAISE(a.expr, BindAt(model, s.loc, s.expr, schema));
    if (s.type) {
      ICEGRAPH_ASSIGN_OR_RAISE(a.type, ParseTgType(*s.type));
      if (Status st = CheckConvertible(a.expr.field, a.type); !st.ok()) {
        return model.ErrorAt(s.loc, fmt::format("{} cannot be mapped to {}", ExprToString(a.expr), a.type.ToGsql()));
      }
    } else {
      a.type = a.expr.type;
    }
    if (const auto d = defaults.find(s.name); d != defaults.end()) {
      ICEGRAPH_ASSIGN_OR_RAISE(a.default_value, DefaultScalar(model, default_locs.at(s.name), d->second, a.type));
    }
    out.push_back(std::move(a));
  }
  return out;
}

// Adds a mapping's attributes to a type's definition; the same attribute must map to the same type everywhere.
Status MergeAttributes(const Model& model, const ConfigLoc& loc, const std::string& type,
                       const std::vector<AttributePlan>& attrs, std::vector<GraphAttribute>* into) {
  for (const AttributePlan& a : attrs) {
    const auto it = std::find_if(into->begin(), into->end(), [&](const GraphAttribute& g) { return g.name == a.name; });
    if (it == into->end()) {
      into->push_back(GraphAttribute{a.name, a.type});
    } else if (!(it->type == a.type)) {
      return model.ErrorAt(loc, fmt::format("attribute '{}' of '{}' is {} here but {} in another mapping; give it the "
                                            "same type (attributes: {{{}: {{expr: ..., type: ...}}}})",
                                            a.name, type, a.type.ToGsql(), it->type.ToGsql(), a.name));
    }
  }
  return Status::OK();
}

// ---- batch transform ----------------------------------------------------------------------------------------

std::string Cut(std::string s) {
  if (s.size() > kMaxEcho) s = s.substr(0, kMaxEcho) + "...";
  return s;
}

// One cell as JSON: numbers and booleans as themselves, structs as objects, lists as arrays, maps as objects keyed
// by the key's text, other values (decimals, dates, timestamps, binary) in Arrow's text form.
json CellJson(const arrow::Array& a, int64_t i) {
  if (a.IsNull(i)) return nullptr;
  switch (a.type_id()) {
    case arrow::Type::BOOL: return static_cast<const arrow::BooleanArray&>(a).Value(i);
    case arrow::Type::INT8: return static_cast<const arrow::Int8Array&>(a).Value(i);
    case arrow::Type::INT16: return static_cast<const arrow::Int16Array&>(a).Value(i);
    case arrow::Type::INT32: return static_cast<const arrow::Int32Array&>(a).Value(i);
    case arrow::Type::INT64: return static_cast<const arrow::Int64Array&>(a).Value(i);
    case arrow::Type::UINT64: return static_cast<const arrow::UInt64Array&>(a).Value(i);
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE: {
      const double d = a.type_id() == arrow::Type::FLOAT ? static_cast<const arrow::FloatArray&>(a).Value(i)
                                                         : static_cast<const arrow::DoubleArray&>(a).Value(i);
      if (std::isfinite(d)) return d;
      return std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
    }
    case arrow::Type::STRING: return std::string(static_cast<const arrow::StringArray&>(a).GetView(i));
    case arrow::Type::LARGE_STRING: return std::string(static_cast<const arrow::LargeStringArray&>(a).GetView(i));
    case arrow::Type::STRUCT: {
      const auto& st = static_cast<const arrow::StructArray&>(a);
      json obj = json::object();
      for (int c = 0; c < st.num_fields(); ++c) obj[st.struct_type()->field(c)->name()] = CellJson(*st.field(c), i);
      return obj;
    }
    case arrow::Type::MAP: {
      const auto& m = static_cast<const arrow::MapArray&>(a);
      json obj = json::object();
      for (int64_t j = m.value_offset(i); j < m.value_offset(i) + m.value_length(i); ++j) {
        const json k = CellJson(*m.keys(), j);
        obj[k.is_string() ? k.get<std::string>() : k.dump()] = CellJson(*m.items(), j);
      }
      return obj;
    }
    case arrow::Type::LIST: {
      const auto& l = static_cast<const arrow::ListArray&>(a);
      json arr = json::array();
      for (int64_t j = l.value_offset(i); j < l.value_offset(i) + l.value_length(i); ++j) {
        arr.push_back(CellJson(*l.values(), j));
      }
      return arr;
    }
    default: break;
  }
  auto s = a.GetScalar(i);
  return s.ok() ? (*s)->ToString() : std::string("?");
}

std::string RowJson(const arrow::RecordBatch& batch, int64_t row) {
  json j = json::object();
  for (int c = 0; c < batch.num_columns(); ++c) j[batch.schema()->field(c)->name()] = CellJson(*batch.column(c), row);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);  // invalid UTF-8 becomes U+FFFD
}

std::string Describe(const Expr& e) {
  return e.kind == Expr::Kind::kColumn ? fmt::format("column '{}'", e.text)
                                       : fmt::format("expression '{}'", ExprToString(e));
}

// Per-row failures of one mapping: the first reason per row wins, rows in ascending order at the end.
class Failures {
 public:
  explicit Failures(int64_t rows) : bad_(static_cast<size_t>(rows), 0) {}

  bool IsBad(int64_t row) const { return bad_[static_cast<size_t>(row)] != 0; }
  int64_t count() const { return static_cast<int64_t>(failures_.size()); }

  void Add(int64_t row, std::string code, std::string message) {
    if (IsBad(row)) return;
    bad_[static_cast<size_t>(row)] = 1;
    failures_.push_back(Failure{row, std::move(code), std::move(message)});
  }

  void AddConversion(const std::vector<RowError>& errors, const std::string& what, const std::string& target) {
    for (const RowError& e : errors) {
      Add(e.row, std::string(ReasonCode(e.error)),
          fmt::format("{} value '{}' cannot be stored as {}: {}", what, e.value, target, e.detail));
    }
  }

  // A boolean array selecting good rows, or nullptr when every row is good.
  Result<std::shared_ptr<arrow::Array>> KeepMask() const {
    if (failures_.empty()) return std::shared_ptr<arrow::Array>();
    arrow::BooleanBuilder b;
    if (!b.Reserve(static_cast<int64_t>(bad_.size())).ok()) return Status::Internal("reserve");
    for (const uint8_t v : bad_) b.UnsafeAppend(v == 0);
    std::shared_ptr<arrow::Array> out;
    if (!b.Finish(&out).ok()) return Status::Internal("finish");
    return out;
  }

  void Emit(const arrow::RecordBatch& batch, const std::string& mapping, const arrow::Array* key_a,
            const arrow::Array* key_b, std::vector<DeadLetter>* out) {
    std::sort(failures_.begin(), failures_.end(), [](const Failure& a, const Failure& b) { return a.row < b.row; });
    const auto key_of = [](const arrow::Array* a, int64_t row) -> std::string {
      if (a == nullptr || a->IsNull(row)) return "";
      return std::string(static_cast<const arrow::StringArray&>(*a).GetView(row));
    };
    for (Failure& f : failures_) {
      std::string key = key_of(key_a, f.row);
      if (key_b != nullptr) key += "->" + key_of(key_b, f.row);
      out->push_back(
          DeadLetter{mapping, Cut(std::move(key)), std::move(f.code), std::move(f.message), RowJson(batch, f.row)});
    }
  }

 private:
  struct Failure {
    int64_t row;
    std::string code;
    std::string message;
  };
  std::vector<uint8_t> bad_;
  std::vector<Failure> failures_;
};

// The id column: parts as STRING joined by the separator; null parts → null_id, an empty id → empty_id.
Result<std::shared_ptr<arrow::Array>> EvaluateId(const IdPlan& id, const arrow::RecordBatch& batch,
                                                 const std::string& role, Failures* failures) {
  std::vector<arrow::Datum> parts;
  for (const Expr& p : id.parts) {
    ICEGRAPH_ASSIGN_OR_RAISE(Evaluated v, EvaluateExpr(p, batch));
    failures->AddConversion(v.errors, fmt::format("{} {}", role, Describe(p)), "STRING");
    ICEGRAPH_ASSIGN_OR_RAISE(Converted c, ConvertToCanonical(v.values, p.field, TgType{TgKind::kString}));
    failures->AddConversion(c.errors, fmt::format("{} {}", role, Describe(p)), "STRING");
    const arrow::Array& a = *c.values;
    if (a.null_count() > 0) {
      for (int64_t i = 0; i < a.length(); ++i) {
        if (a.IsNull(i)) failures->Add(i, "null_id", fmt::format("{} {} is null", role, Describe(p)));
      }
    }
    parts.emplace_back(c.values);
  }
  std::shared_ptr<arrow::Array> joined = parts[0].make_array();
  if (parts.size() > 1) {
    parts.emplace_back(arrow::MakeScalar(id.separator));
    ICEGRAPH_ASSIGN_OR_RAISE(arrow::Datum d, FromArrow(cp::CallFunction("binary_join_element_wise", parts), "join"));
    joined = d.make_array();
  }
  const auto& s = static_cast<const arrow::StringArray&>(*joined);
  const int32_t* offsets = s.raw_value_offsets();
  for (int64_t i = 0; i < s.length(); ++i) {
    // The offsets first: the validity bit is read only for the rare empty value.
    if (offsets[i + 1] == offsets[i] && s.IsValid(i)) {
      failures->Add(i, "empty_id",
                    id.parts.size() == 1 ? fmt::format("{} {} is empty", role, Describe(id.parts[0]))
                                         : fmt::format("{} is empty", role));
    }
  }
  return joined;
}

Result<std::vector<AttributeColumn>> EvaluateAttributes(const std::vector<AttributePlan>& attrs,
                                                        const arrow::RecordBatch& batch, Failures* failures) {
  std::vector<AttributeColumn> out;
  out.reserve(attrs.size());
  for (const AttributePlan& a : attrs) {
    ICEGRAPH_ASSIGN_OR_RAISE(Evaluated v, EvaluateExpr(a.expr, batch));
    const std::string what = fmt::format("attribute '{}' from {}", a.name, Describe(a.expr));
    failures->AddConversion(v.errors, what, a.type.ToGsql());
    ICEGRAPH_ASSIGN_OR_RAISE(Converted c, ConvertToCanonical(v.values, a.expr.field, a.type));
    failures->AddConversion(c.errors, what, a.type.ToGsql());
    std::shared_ptr<arrow::Array> values = c.values;
    if (a.default_value && values->null_count() > 0) {
      ICEGRAPH_ASSIGN_OR_RAISE(arrow::Datum d,
                               FromArrow(cp::CallFunction("coalesce", {values, a.default_value}), "default"));
      values = d.make_array();
    }
    out.push_back(AttributeColumn{a.name, a.type, std::move(values)});
  }
  return out;
}

Result<std::shared_ptr<arrow::Array>> FilterArray(const std::shared_ptr<arrow::Array>& a,
                                                  const std::shared_ptr<arrow::Array>& mask) {
  ICEGRAPH_ASSIGN_OR_RAISE(arrow::Datum d, FromArrow(cp::Filter(a, mask), "filter"));
  return d.make_array();
}

Status DropBad(const std::shared_ptr<arrow::Array>& mask, const std::vector<std::shared_ptr<arrow::Array>*>& ids,
               std::vector<AttributeColumn>* attrs) {
  if (!mask) return Status::OK();
  for (std::shared_ptr<arrow::Array>* id : ids) {
    ICEGRAPH_ASSIGN_OR_RAISE(*id, FilterArray(*id, mask));
  }
  for (AttributeColumn& c : *attrs) {
    ICEGRAPH_ASSIGN_OR_RAISE(c.values, FilterArray(c.values, mask));
  }
  return Status::OK();
}

// Every name gsql_gen.h builds GSQL text from passes the one identifier check (model.h), also for a Model built
// in code rather than loaded.
Status CheckGsqlNames(const Model& model) {
  const auto check = [&](const std::string& name, const ConfigLoc& loc) {
    if (IsValidGsqlIdentifier(name)) return Status::OK();
    return model.ErrorAt(loc, fmt::format("'{}' is not a valid GSQL identifier", name));
  };
  ICEGRAPH_RETURN_NOT_OK(check(model.graph, ConfigLoc{0, "tigergraph.graph"}));
  for (const MappingSpec& m : model.mappings) {
    for (const VertexSpec& v : m.vertices) {
      ICEGRAPH_RETURN_NOT_OK(check(v.type, v.loc));
      for (const AttributeSpec& a : v.attributes) ICEGRAPH_RETURN_NOT_OK(check(a.name, a.loc));
    }
    for (const EdgeSpec& e : m.edges) {
      for (const std::string* name : {&e.type, &e.from.type, &e.to.type}) ICEGRAPH_RETURN_NOT_OK(check(*name, e.loc));
      for (const AttributeSpec& a : e.attributes) ICEGRAPH_RETURN_NOT_OK(check(a.name, a.loc));
    }
  }
  return Status::OK();
}

}  // namespace

Result<MappingPlan> MappingPlan::Make(const Model& model, const std::map<std::string, iceberg::Schema>& schemas) {
  ICEGRAPH_RETURN_NOT_OK(CheckGsqlNames(model));
  MappingPlan plan;
  plan.graph_ = model.graph;
  for (const MappingSpec& m : model.mappings) {
    const auto sit = schemas.find(m.table);
    if (sit == schemas.end()) {
      return model.ErrorAt(ConfigLoc{m.loc.line, m.loc.path + ".table"}, fmt::format("table '{}' not found", m.table));
    }
    const iceberg::Schema& schema = sit->second;
    TablePlan t;
    t.table_ = m.table;
    if (m.where) {
      auto cond = ParseCondition(*m.where);
      if (!cond.ok()) return model.ErrorAt(m.where_loc, fmt::format("'{}': {}", *m.where, cond.status().message()));
      Condition c = std::move(cond).ValueOrDie();
      if (Status st = BindCondition(&c, schema); !st.ok()) return model.ErrorAt(m.where_loc, st.message());
      t.pushed_filter_ = PushableFilter(c, schema, &t.where_fully_pushed_);
      CollectFieldIds(c, &t.projection_);
      t.where_ = std::move(c);
    }
    for (const VertexSpec& v : m.vertices) {
      VertexPlan vp;
      vp.type = v.type;
      vp.mapping = fmt::format("{}/vertex:{}", m.table, v.type);
      ICEGRAPH_ASSIGN_OR_RAISE(vp.id, BindId(model, v.id, schema));
      ICEGRAPH_ASSIGN_OR_RAISE(vp.attributes, BindAttributes(model, v.attributes, v.defaults, v.default_locs, schema));
      for (const Expr& e : vp.id.parts) CollectFieldIds(e, &t.projection_);
      for (const AttributePlan& a : vp.attributes) CollectFieldIds(a.expr, &t.projection_);
      auto it = std::find_if(plan.vertex_types_.begin(), plan.vertex_types_.end(),
                             [&](const VertexTypeDef& d) { return d.name == v.type; });
      if (it == plan.vertex_types_.end()) {
        plan.vertex_types_.push_back(VertexTypeDef{v.type, {}});
        it = plan.vertex_types_.end() - 1;
      }
      ICEGRAPH_RETURN_NOT_OK(MergeAttributes(model, v.loc, v.type, vp.attributes, &it->attributes));
      t.vertices_.push_back(std::move(vp));
    }
    for (const EdgeSpec& e : m.edges) {
      EdgePlan ep;
      ep.type = e.type;
      ep.mapping = fmt::format("{}/edge:{}", m.table, e.type);
      ep.from_type = e.from.type;
      ep.to_type = e.to.type;
      ep.directed = e.directed;
      ep.discriminator = e.discriminator;
      ICEGRAPH_ASSIGN_OR_RAISE(ep.from, BindId(model, e.from.id, schema));
      ICEGRAPH_ASSIGN_OR_RAISE(ep.to, BindId(model, e.to.id, schema));
      ICEGRAPH_ASSIGN_OR_RAISE(ep.attributes, BindAttributes(model, e.attributes, e.defaults, e.default_locs, schema));
      for (const IdPlan* id : {&ep.from, &ep.to}) {
        for (const Expr& x : id->parts) CollectFieldIds(x, &t.projection_);
      }
      for (const AttributePlan& a : ep.attributes) CollectFieldIds(a.expr, &t.projection_);
      // TigerGraph orders DISCRIMINATOR attributes first; they must be INT, UINT, DATETIME or STRING.
      std::vector<AttributePlan> ordered;
      for (size_t i = 0; i < e.discriminator.size(); ++i) {
        const auto& name = e.discriminator[i];
        const auto a = std::find_if(ep.attributes.begin(), ep.attributes.end(),
                                    [&](const AttributePlan& p) { return p.name == name; });
        const TgKind k = a->type.kind;
        if (k != TgKind::kInt && k != TgKind::kUint && k != TgKind::kDatetime && k != TgKind::kString) {
          return model.ErrorAt(
              ConfigLoc{e.discriminator_loc.line, fmt::format("{}[{}]", e.discriminator_loc.path, i)},
              fmt::format("discriminator attribute '{}' is {}; it must be INT, UINT, DATETIME or STRING", name,
                          a->type.ToGsql()));
        }
        ordered.push_back(*a);
      }
      for (const AttributePlan& a : ep.attributes) {
        if (std::find(e.discriminator.begin(), e.discriminator.end(), a.name) == e.discriminator.end()) {
          ordered.push_back(a);
        }
      }
      EdgeTypeDef def{e.type, e.from.type, e.to.type, e.directed, {}, e.discriminator};
      ICEGRAPH_RETURN_NOT_OK(MergeAttributes(model, e.loc, e.type, ordered, &def.attributes));
      auto it = std::find_if(plan.edge_types_.begin(), plan.edge_types_.end(),
                             [&](const EdgeTypeDef& d) { return d.name == e.type; });
      if (it == plan.edge_types_.end()) {
        plan.edge_types_.push_back(std::move(def));
      } else if (!(it->attributes == def.attributes)) {
        return model.ErrorAt(e.loc,
                             fmt::format("edge type '{}' gets different attribute types from two mappings", e.type));
      }
      t.edges_.push_back(std::move(ep));
    }
    plan.tables_.push_back(std::move(t));
  }
  return plan;
}

const TablePlan* MappingPlan::ForTable(const std::string& table) const {
  for (const TablePlan& t : tables_) {
    if (t.table() == table) return &t;
  }
  return nullptr;
}

const VertexTypeDef* MappingPlan::FindVertexType(const std::string& name) const {
  for (const VertexTypeDef& v : vertex_types_) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

const EdgeTypeDef* MappingPlan::FindEdgeType(const std::string& name) const {
  for (const EdgeTypeDef& e : edge_types_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

Result<MappedBatch> TablePlan::Apply(const arrow::RecordBatch& input) const {
  ICEGRAPH_RETURN_NOT_OK(InitializeCompute());
  MappedBatch out;
  out.rows_in = input.num_rows();
  std::shared_ptr<arrow::RecordBatch> selected;
  const arrow::RecordBatch* batch = &input;
  if (where_ && !where_fully_pushed_) {
    ICEGRAPH_ASSIGN_OR_RAISE(const auto mask, EvaluateCondition(*where_, input));
    const auto shared = arrow::RecordBatch::Make(input.schema(), input.num_rows(), input.columns());
    ICEGRAPH_ASSIGN_OR_RAISE(arrow::Datum d, FromArrow(cp::Filter(arrow::Datum(shared), mask), "where"));
    selected = d.record_batch();
    batch = selected.get();
  }
  out.rows_selected = batch->num_rows();
  for (const VertexPlan& v : vertices_) {
    Failures failures(batch->num_rows());
    VertexBatch vb;
    vb.type = v.type;
    ICEGRAPH_ASSIGN_OR_RAISE(vb.ids, EvaluateId(v.id, *batch, "id", &failures));
    ICEGRAPH_ASSIGN_OR_RAISE(vb.attributes, EvaluateAttributes(v.attributes, *batch, &failures));
    failures.Emit(*batch, v.mapping, vb.ids.get(), nullptr, &out.dead_letters);
    ICEGRAPH_ASSIGN_OR_RAISE(const auto keep, failures.KeepMask());
    ICEGRAPH_RETURN_NOT_OK(DropBad(keep, {&vb.ids}, &vb.attributes));
    out.vertices.push_back(std::move(vb));
  }
  for (const EdgePlan& e : edges_) {
    Failures failures(batch->num_rows());
    EdgeBatch eb;
    eb.type = e.type;
    eb.from_type = e.from_type;
    eb.to_type = e.to_type;
    eb.discriminator = e.discriminator;
    ICEGRAPH_ASSIGN_OR_RAISE(eb.from_ids, EvaluateId(e.from, *batch, "from id", &failures));
    ICEGRAPH_ASSIGN_OR_RAISE(eb.to_ids, EvaluateId(e.to, *batch, "to id", &failures));
    ICEGRAPH_ASSIGN_OR_RAISE(eb.attributes, EvaluateAttributes(e.attributes, *batch, &failures));
    // Discriminator values are part of the edge's key: a null one cannot be written.
    for (const AttributeColumn& c : eb.attributes) {
      if (std::find(e.discriminator.begin(), e.discriminator.end(), c.name) == e.discriminator.end() ||
          c.values->null_count() == 0) {
        continue;
      }
      for (int64_t i = 0; i < c.values->length(); ++i) {
        if (c.values->IsNull(i)) {
          failures.Add(i, "null_discriminator", fmt::format("discriminator attribute '{}' is null", c.name));
        }
      }
    }
    failures.Emit(*batch, e.mapping, eb.from_ids.get(), eb.to_ids.get(), &out.dead_letters);
    ICEGRAPH_ASSIGN_OR_RAISE(const auto keep, failures.KeepMask());
    ICEGRAPH_RETURN_NOT_OK(DropBad(keep, {&eb.from_ids, &eb.to_ids}, &eb.attributes));
    out.edges.push_back(std::move(eb));
  }
  return out;
}

}  // namespace icegraph::mapping
