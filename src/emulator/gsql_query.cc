// Runs interpreted queries (gsql_query.h) over the database; the parser and syntax tree are gsql_query_ast.h.
#include "emulator/gsql_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>
#include <variant>
#include <vector>

#include "emulator/gsql_query_ast.h"
#include "emulator/restpp_common.h"

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;
using query::AccumDecl;
using query::Expr;
using query::ParamDecl;
using query::PrintItem;
using query::PrintStmt;
using query::Query;
using query::SeedStmt;
using query::SelectStmt;
using query::Stmt;

// ---- evaluation -------------------------------------------------------------------------------------------------

struct VRef {
  std::string type;
  std::string id;
  bool operator<(const VRef& o) const { return std::tie(type, id) < std::tie(o.type, o.id); }
  bool operator==(const VRef&) const = default;
};

struct Accum {  // NOLINT(bugprone-exception-escape): as Expr
  std::string kind;
  std::string elem;
  json value;
  std::set<std::string> seen;  // SetAccum members (their JSON text)
};

// What the aliases of one SELECT match stand for.
struct Binding {
  const VRef* s = nullptr;
  const std::string* s_alias = nullptr;
  const EdgeView* e = nullptr;
  const EdgeType* et = nullptr;
  const std::string* e_alias = nullptr;
  const VRef* t = nullptr;
  const std::string* t_alias = nullptr;
};

class Runner {
 public:
  Runner(const Database& db, const Graph& g, bool syntax_v1) : db_(db), g_(g), syntax_v1_(syntax_v1) {}

  Status BindParams(const std::vector<ParamDecl>& decls, const QueryParams& params) {
    for (const ParamDecl& p : decls) {
      const auto [lo, hi] = params.equal_range(p.name);
      std::vector<std::string> values;
      for (auto it = lo; it != hi; ++it) values.push_back(it->second);
      const bool many = p.type == "SET" || p.type == "LIST" || p.type == "BAG";
      if (values.empty() && !many) return Status::Invalid("The query parameter " + p.name + " is missing.");
      if (p.type == "VERTEX" || p.elem == "VERTEX") {
        std::string type = p.vertex_type;
        if (type.empty()) {
          const auto t = params.find(p.name + ".type");
          if (t == params.end())
            return Status::Invalid("The vertex parameter " + p.name + " needs " + p.name + ".type.");
          type = t->second;
        }
        const VertexType* vt = db_.catalog.FindVertex(type);
        if (vt == nullptr || !db_.catalog.GraphHasVertex(g_, type)) {
          return Status::Invalid("The vertex type " + type + " of parameter " + p.name + " is not in the graph.");
        }
        std::vector<VRef>& set = vparams_[p.name];
        for (const std::string& v : values) set.push_back({type, v});
        continue;
      }
      const std::string elem = many ? p.elem : p.type;
      json out = json::array();
      for (const std::string& v : values) {
        ICEGRAPH_ASSIGN_OR_RAISE(json x, Scalar(elem, v, p.name));
        out.push_back(std::move(x));
      }
      params_[p.name] = many ? out : out[0];
    }
    return Status::OK();
  }

  Status Run(const std::vector<Stmt>& body, json* results) {
    for (const Stmt& s : body) {
      ICEGRAPH_RETURN_NOT_OK(std::visit([&](const auto& st) { return Exec(st, results); }, s));
    }
    return Status::OK();
  }

 private:
  static Result<json> Scalar(const std::string& type, const std::string& v, const std::string& name) {
    if (type == "INT" || type == "UINT") {
      char* end = nullptr;
      const long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') return Status::Invalid("The query parameter " + name + " is not an integer.");
      return json(static_cast<int64_t>(n));
    }
    if (type == "FLOAT" || type == "DOUBLE") {
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0') return Status::Invalid("The query parameter " + name + " is not a number.");
      return json(d);
    }
    if (type == "BOOL") return json(v == "true" || v == "1");
    return json(v);
  }

  Status Exec(const AccumDecl& d, json*) {
    Accum a;
    a.kind = d.kind;
    a.elem = d.elem;
    if (d.kind == "SETACCUM" || d.kind == "LISTACCUM") {
      a.value = json::array();
    } else if (d.kind == "ORACCUM") {
      a.value = false;
    } else if (d.kind == "ANDACCUM") {
      a.value = true;
    } else if (d.kind == "SUMACCUM") {
      a.value = d.elem == "STRING" ? json("") : (d.elem == "FLOAT" || d.elem == "DOUBLE" ? json(0.0) : json(0));
    }
    accums_[d.name] = std::move(a);
    if (d.init) {
      ICEGRAPH_ASSIGN_OR_RAISE(json v, Eval(*d.init, {}));
      ICEGRAPH_RETURN_NOT_OK(Add(d.name, std::move(v), d.init->line));
    }
    return Status::OK();
  }

  Status Exec(const SeedStmt& s, json*) {
    std::vector<VRef> out;
    for (const std::string& src : s.sources) {
      if (src == "ANY") {
        for (const std::string& t : g_.vertex_types) AllOf(t, &out);
      } else if (src.size() > 2 && src.ends_with(".*")) {
        const std::string t = src.substr(0, src.size() - 2);
        if (!db_.catalog.GraphHasVertex(g_, t))
          return Status::Invalid(fmt::format("Line {}: {} is not a vertex type of the graph.", s.line, t));
        AllOf(t, &out);
      } else if (const auto p = vparams_.find(src); p != vparams_.end()) {
        out.insert(out.end(), p->second.begin(), p->second.end());
      } else if (const auto v = vsets_.find(src); v != vsets_.end()) {
        out.insert(out.end(), v->second.begin(), v->second.end());
      } else {
        return Status::Invalid(fmt::format("Line {}: {} is not a vertex parameter, set or type.*", s.line, src));
      }
    }
    vsets_[s.var] = Dedup(std::move(out));
    return Status::OK();
  }

  Status Exec(const SelectStmt& s, json*) {
    std::vector<VRef> src;
    if (s.src == "ANY") {
      for (const std::string& t : g_.vertex_types) AllOf(t, &src);
    } else if (const auto v = vsets_.find(s.src); v != vsets_.end()) {
      src = v->second;
    } else if (db_.catalog.GraphHasVertex(g_, s.src)) {
      AllOf(s.src, &src);
    } else {
      return Status::Invalid(
          fmt::format("Line {}: {} is not a vertex set or a vertex type of the graph.", s.line, s.src));
    }
    for (const std::string& et : s.etypes) {
      if (!db_.catalog.GraphHasEdge(g_, et))
        return Status::Invalid(fmt::format("Line {}: {} is not an edge type of the graph.", s.line, et));
    }
    std::vector<VRef> out;
    const auto match = [&](const Binding& b, const VRef& selected) -> Status {
      if (s.where) {
        ICEGRAPH_ASSIGN_OR_RAISE(const json w, Eval(*s.where, b));
        if (!w.is_boolean()) return Status::Invalid(fmt::format("Line {}: WHERE needs a BOOL condition.", s.line));
        if (!w.get<bool>()) return Status::OK();
      }
      for (const auto& [name, e] : s.accum) {
        ICEGRAPH_ASSIGN_OR_RAISE(json v, Eval(*e, b));
        ICEGRAPH_RETURN_NOT_OK(Add(name, std::move(v), e->line));
      }
      out.push_back(selected);
      return Status::OK();
    };
    for (const VRef& v : src) {
      Binding b;
      b.s = &v;
      b.s_alias = &s.src_alias;
      if (!s.has_edge) {
        ICEGRAPH_RETURN_NOT_OK(match(b, v));
        continue;
      }
      for (const EdgeView& ev : db_.store.EdgesOf(v.type, v.id)) {
        const EdgeType* et = db_.catalog.FindEdge(ev.type);
        if (et == nullptr || !db_.catalog.GraphHasEdge(g_, et->name)) continue;
        if (!s.etypes.empty() && std::find(s.etypes.begin(), s.etypes.end(), et->name) == s.etypes.end()) continue;
        // -(E)-> walks directed edges from their source (and, in SYNTAX v1, undirected ones too); -(E)- walks
        // undirected ones either way (gsql-ref "Edge patterns"; V1 writes every hop as -(E)->).
        if (et->directed && ev.flipped) continue;
        if (s.directed ? (!et->directed && !syntax_v1_) : et->directed) continue;
        const VRef t{std::string(ev.other().type), std::string(ev.other().id)};
        if (!s.ttypes.empty() && std::find(s.ttypes.begin(), s.ttypes.end(), t.type) == s.ttypes.end()) continue;
        b.e = &ev;
        b.et = et;
        b.e_alias = &s.e_alias;
        b.t = &t;
        b.t_alias = &s.t_alias;
        ICEGRAPH_RETURN_NOT_OK(match(b, s.target == s.src_alias ? v : t));
      }
    }
    out = Dedup(std::move(out));
    if (s.limit >= 0 && static_cast<int64_t>(out.size()) > s.limit) out.resize(static_cast<size_t>(s.limit));
    vsets_[s.var] = std::move(out);
    return Status::OK();
  }

  Status Exec(const PrintStmt& p, json* results) {
    json obj = json::object();
    for (const PrintItem& item : p.items) {
      const Expr& e = *item.expr;
      if (e.op == Expr::Op::kName && vsets_.count(e.name) != 0) {
        json list = json::array();
        for (const VRef& v : vsets_.at(e.name)) list.push_back(VertexJson(v));
        obj[item.key] = std::move(list);
        continue;
      }
      ICEGRAPH_ASSIGN_OR_RAISE(json v, Eval(e, {}));
      obj[item.key] = Printable(std::move(v));
    }
    results->push_back(std::move(obj));
    return Status::OK();
  }

  // Vertices inside accumulators print as their ids, as GSQL prints a SetAccum<VERTEX>.
  static json Printable(json v) {
    if (v.is_object() && v.contains("__vertex")) return v["v_id"];
    if (v.is_array()) {
      for (json& x : v) x = Printable(std::move(x));
    }
    return v;
  }

  void AllOf(const std::string& type, std::vector<VRef>* out) const {
    if (const VertexTable* t = db_.store.FindVertices(type)) {
      t->ForEach([&](const std::string& id, const Attrs&) { out->push_back({type, id}); });
    }
  }
  static std::vector<VRef> Dedup(std::vector<VRef> in) {
    std::set<VRef> seen;
    std::vector<VRef> out;
    for (VRef& v : in) {
      if (seen.insert(v).second) out.push_back(std::move(v));
    }
    return out;
  }

  json VertexJson(const VRef& v) const {
    json attrs = json::object();
    const VertexType* vt = db_.catalog.FindVertex(v.type);
    if (const Attrs* a = db_.store.FindVertex(v.type, v.id); vt != nullptr && a != nullptr) {
      attrs = VertexAttributesJson(*vt, v.id, *a, "");
    }
    return {{"v_id", v.id}, {"v_type", v.type}, {"attributes", attrs}};
  }
  json EdgeJson(const EdgeView& ev, const EdgeType& et) const {
    const VertexRefView& from = ev.self();
    const VertexRefView& to = ev.other();
    return {{"e_type", et.name},
            {"directed", et.directed},
            {"from_id", std::string(from.id)},
            {"from_type", std::string(from.type)},
            {"to_id", std::string(to.id)},
            {"to_type", std::string(to.type)},
            {"attributes", AttributesJson(et.attributes, *ev.attrs, "")}};
  }

  Status Add(const std::string& name, json v, int line) {
    const auto it = accums_.find(name);
    if (it == accums_.end()) return Status::Invalid(fmt::format("Line {}: @@{} is not declared.", line, name));
    Accum& a = it->second;
    const bool is_edge = v.is_object() && v.contains("e_type");
    const bool is_vertex = v.is_object() && v.contains("__vertex");
    if ((a.elem == "EDGE") != is_edge || (a.elem == "VERTEX") != is_vertex) {
      return Status::Invalid(fmt::format("Line {}: the value does not fit @@{} ({}<{}>).", line, name, a.kind, a.elem));
    }
    if (a.kind == "SETACCUM") {
      if (a.seen.insert(v.dump()).second) a.value.push_back(std::move(v));
    } else if (a.kind == "LISTACCUM") {
      a.value.push_back(std::move(v));
    } else if (a.kind == "ORACCUM" || a.kind == "ANDACCUM") {
      if (!v.is_boolean()) return Status::Invalid(fmt::format("Line {}: @@{} takes BOOL values.", line, name));
      a.value = a.kind == "ORACCUM" ? (a.value.get<bool>() || v.get<bool>()) : (a.value.get<bool>() && v.get<bool>());
    } else if (a.kind == "SUMACCUM") {
      ICEGRAPH_ASSIGN_OR_RAISE(a.value, Arith("+", a.value, v, line));
    } else {  // MAXACCUM, MINACCUM
      if (a.value.is_null()) {
        a.value = std::move(v);
      } else {
        ICEGRAPH_ASSIGN_OR_RAISE(const int c, Compare(v, a.value, line));
        if ((a.kind == "MAXACCUM" && c > 0) || (a.kind == "MINACCUM" && c < 0)) a.value = std::move(v);
      }
    }
    return Status::OK();
  }

  static Result<int> Compare(const json& a, const json& b, int line) {
    if (a.is_number() && b.is_number()) {
      const double x = a.get<double>();
      const double y = b.get<double>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.is_string() && b.is_string()) return a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    if (a.is_boolean() && b.is_boolean()) return static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>());
    return Status::Invalid(fmt::format("Line {}: cannot compare {} with {}.", line, a.type_name(), b.type_name()));
  }

  static Result<json> Arith(const std::string& op, const json& a, const json& b, int line) {
    if (op == "+" && a.is_string() && b.is_string()) return json(a.get<std::string>() + b.get<std::string>());
    if (!a.is_number() || !b.is_number()) {
      return Status::Invalid(
          fmt::format("Line {}: {} needs numbers, not {} and {}.", line, op, a.type_name(), b.type_name()));
    }
    if (a.is_number_integer() && b.is_number_integer() && op != "/") {
      const int64_t x = a.get<int64_t>();
      const int64_t y = b.get<int64_t>();
      // Unsigned wrap-around instead of signed overflow (undefined); GSQL's INT overflows the same way.
      const auto wrap = [](uint64_t r) { return json(static_cast<int64_t>(r)); };
      if (op == "+") return wrap(static_cast<uint64_t>(x) + static_cast<uint64_t>(y));
      if (op == "-") return wrap(static_cast<uint64_t>(x) - static_cast<uint64_t>(y));
      return wrap(static_cast<uint64_t>(x) * static_cast<uint64_t>(y));
    }
    const double x = a.get<double>();
    const double y = b.get<double>();
    if (op == "+") return json(x + y);
    if (op == "-") return json(x - y);
    if (op == "*") return json(x * y);
    if (y == 0) return Status::Invalid(fmt::format("Line {}: division by zero.", line));
    return json(x / y);
  }

  // The vertex or edge an alias stands for in the current match, as an accumulator holds it.
  Result<json> AliasValue(const std::string& name, const Binding& b, int line) const {
    if (b.s_alias != nullptr && name == *b.s_alias)
      return json{{"__vertex", true}, {"v_id", b.s->id}, {"v_type", b.s->type}};
    if (b.t_alias != nullptr && b.t != nullptr && name == *b.t_alias) {
      return json{{"__vertex", true}, {"v_id", b.t->id}, {"v_type", b.t->type}};
    }
    if (b.e_alias != nullptr && b.e != nullptr && name == *b.e_alias) return EdgeJson(*b.e, *b.et);
    return Status::Invalid(fmt::format("Line {}: {} is not defined.", line, name));
  }

  Result<json> Field(const Expr& e, const Binding& b) const {
    const bool is_s = b.s_alias != nullptr && e.name == *b.s_alias;
    const bool is_t = b.t_alias != nullptr && b.t != nullptr && e.name == *b.t_alias;
    const bool is_e = b.e_alias != nullptr && b.e != nullptr && e.name == *b.e_alias;
    if (!is_s && !is_t && !is_e)
      return Status::Invalid(fmt::format("Line {}: {} is not an alias of this SELECT.", e.line, e.name));
    if (is_e) {
      if (e.field == "type") return json(b.et->name);
      const int i = b.et->AttributeIndex(e.field);
      if (i < 0)
        return Status::Invalid(
            fmt::format("Line {}: the edge type {} has no attribute {}.", e.line, b.et->name, e.field));
      return ValueToJson(b.et->attributes[static_cast<size_t>(i)].type, (*b.e->attrs)[static_cast<size_t>(i)]);
    }
    const VRef& v = is_s ? *b.s : *b.t;
    if (e.field == "type") return json(v.type);
    const VertexType* vt = db_.catalog.FindVertex(v.type);
    // WITH primary_id_as_attribute="true" the primary id reads as an attribute of its name.
    if (vt != nullptr && vt->primary_id_as_attribute && e.field == vt->primary_id_name) {
      if (IsNumeric(vt->primary_id_type.kind))
        return json(static_cast<int64_t>(std::strtoll(v.id.c_str(), nullptr, 10)));
      return json(v.id);
    }
    const int i = vt == nullptr ? -1 : vt->AttributeIndex(e.field);
    if (i < 0)
      return Status::Invalid(fmt::format("Line {}: the vertex type {} has no attribute {}.", e.line, v.type, e.field));
    const Attrs* a = db_.store.FindVertex(v.type, v.id);
    if (a == nullptr) return json();
    return ValueToJson(vt->attributes[static_cast<size_t>(i)].type, (*a)[static_cast<size_t>(i)]);
  }

  Result<json> Eval(const Expr& e, const Binding& b) const {
    switch (e.op) {
      case Expr::Op::kLiteral: return e.literal;
      case Expr::Op::kAccum: {
        const auto it = accums_.find(e.name);
        if (it == accums_.end()) return Status::Invalid(fmt::format("Line {}: @@{} is not declared.", e.line, e.name));
        return it->second.value;
      }
      case Expr::Op::kField: return Field(e, b);
      case Expr::Op::kName: {
        if (const auto p = params_.find(e.name); p != params_.end()) return p->second;
        if (const auto p = vparams_.find(e.name); p != vparams_.end()) {
          json ids = json::array();
          for (const VRef& v : p->second) ids.push_back(v.id);
          return ids.size() == 1 ? ids[0] : ids;
        }
        return AliasValue(e.name, b, e.line);
      }
      case Expr::Op::kNot: {
        ICEGRAPH_ASSIGN_OR_RAISE(const json v, Eval(*e.lhs, b));
        if (!v.is_boolean()) return Status::Invalid(fmt::format("Line {}: NOT needs a BOOL.", e.line));
        return json(!v.get<bool>());
      }
      case Expr::Op::kNeg: {
        ICEGRAPH_ASSIGN_OR_RAISE(const json v, Eval(*e.lhs, b));
        return Arith("-", json(0), v, e.line);
      }
      case Expr::Op::kBinary: {
        ICEGRAPH_ASSIGN_OR_RAISE(const json l, Eval(*e.lhs, b));
        if (e.binop == "AND" || e.binop == "OR") {
          if (!l.is_boolean()) return Status::Invalid(fmt::format("Line {}: {} needs BOOL operands.", e.line, e.binop));
          if (l.get<bool>() == (e.binop == "OR")) return l;  // short circuit
          ICEGRAPH_ASSIGN_OR_RAISE(const json r, Eval(*e.rhs, b));
          if (!r.is_boolean()) return Status::Invalid(fmt::format("Line {}: {} needs BOOL operands.", e.line, e.binop));
          return r;
        }
        ICEGRAPH_ASSIGN_OR_RAISE(const json r, Eval(*e.rhs, b));
        if (e.binop == "==" || e.binop == "!=") {
          bool eq = l == r;
          if (l.is_number() && r.is_number()) eq = l.get<double>() == r.get<double>();
          return json(e.binop == "==" ? eq : !eq);
        }
        if (e.binop == "<" || e.binop == "<=" || e.binop == ">" || e.binop == ">=") {
          ICEGRAPH_ASSIGN_OR_RAISE(const int c, Compare(l, r, e.line));
          return json(OpHolds(e.binop, c));
        }
        return Arith(e.binop, l, r, e.line);
      }
    }
    return Status::Internal("unhandled expression");
  }

  const Database& db_;
  const Graph& g_;
  const bool syntax_v1_;
  std::map<std::string, Accum> accums_;
  std::map<std::string, std::vector<VRef>> vsets_;
  std::map<std::string, json> params_;
  std::map<std::string, std::vector<VRef>> vparams_;
};

}  // namespace

Result<QueryOutput> InterpretQuery(const Database& db, std::string_view text, const QueryParams& params) {
  ICEGRAPH_ASSIGN_OR_RAISE(Query q, query::ParseQuery(text));
  const Graph* g = db.catalog.FindGraph(q.graph);
  if (g == nullptr) return Status::Invalid("The graph " + q.graph + " does not exist.");
  Runner runner(db, *g, q.syntax_v1);
  ICEGRAPH_RETURN_NOT_OK(runner.BindParams(q.params, params));
  QueryOutput out;
  out.graph = q.graph;
  out.results = json::array();
  ICEGRAPH_RETURN_NOT_OK(runner.Run(q.body, &out.results));
  return out;
}

}  // namespace icegraph::emulator
