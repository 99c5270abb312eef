#include "emulator/gsql_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>
#include <variant>
#include <vector>

#include "emulator/gsql_lexer.h"
#include "emulator/restpp_common.h"

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;
using gsql::InvalidAt;
using gsql::StrCat;
using gsql::Token;
using gsql::TokenStream;
using gsql::ToUpper;
using gsql::UnsupportedAt;
using K = Token::Kind;

// ---- syntax tree ------------------------------------------------------------------------------------------------

struct Expr {  // NOLINT(bugprone-exception-escape): json() is noexcept; clang-tidy 14 looks through it
  enum class Op { kLiteral, kName, kAccum, kField, kNot, kNeg, kBinary } op = Op::kLiteral;
  json literal;
  std::string name;   // kName: alias, parameter or vertex set; kAccum: accumulator; kField: alias
  std::string field;  // kField: attribute name, or "type"
  std::string binop;  // kBinary: == != < <= > >= AND OR + - * /
  std::unique_ptr<Expr> lhs;
  std::unique_ptr<Expr> rhs;
  int line = 0;
};
using ExprPtr = std::unique_ptr<Expr>;

struct AccumDecl {
  std::string kind;  // SETACCUM, LISTACCUM, SUMACCUM, MAXACCUM, MINACCUM, ORACCUM, ANDACCUM
  std::string elem;  // EDGE, VERTEX, INT, ... (upper case)
  std::string name;
  ExprPtr init;
};
struct SeedStmt {
  std::string var;
  std::vector<std::string> sources;  // "ANY", "T.*", a parameter name
  int line = 0;
};
struct SelectStmt {
  std::string var;
  std::string target;  // the alias SELECT names
  std::string src;     // a vertex set variable, a vertex type or ANY
  std::string src_alias;
  bool has_edge = false;
  bool directed = true;             // -(...)-> rather than -(...)-
  std::vector<std::string> etypes;  // empty: any edge type
  std::string e_alias;
  std::vector<std::string> ttypes;  // empty: ANY
  std::string t_alias;
  ExprPtr where;
  std::vector<std::pair<std::string, ExprPtr>> accum;  // @@name += expr
  int64_t limit = -1;
  int line = 0;
};
struct PrintItem {
  ExprPtr expr;
  std::string key;
};
struct PrintStmt {
  std::vector<PrintItem> items;
};
using Stmt = std::variant<AccumDecl, SeedStmt, SelectStmt, PrintStmt>;

struct ParamDecl {
  std::string type;         // INT, UINT, FLOAT, DOUBLE, BOOL, STRING, DATETIME, VERTEX, SET, LIST, BAG
  std::string elem;         // SET/LIST/BAG element type
  std::string vertex_type;  // VERTEX<T>
  std::string name;
};
struct Query {
  std::vector<ParamDecl> params;
  std::string graph;
  bool syntax_v1 = false;  // SYNTAX v1: -(E)-> also walks undirected edges
  std::vector<Stmt> body;
};

// ---- parser -----------------------------------------------------------------------------------------------------

class Parser {
 public:
  explicit Parser(TokenStream& ts) : ts_(ts) {}

  Result<Query> Parse() {
    Query q;
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectKeyword("INTERPRET"));
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectKeyword("QUERY"));
    if (ts_.IsKind(K::kIdent)) ts_.Next();  // an optional name
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("("));
    while (!ts_.AcceptSymbol(")")) {
      if (!q.params.empty()) ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(","));
      ICEGRAPH_ASSIGN_OR_RAISE(ParamDecl p, ParseParam());
      q.params.push_back(std::move(p));
    }
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectKeyword("FOR"));
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectKeyword("GRAPH"));
    ICEGRAPH_ASSIGN_OR_RAISE(q.graph, ts_.ExpectIdent("a graph name"));
    if (ts_.AcceptKeyword("SYNTAX")) {
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string v, ts_.ExpectIdent("v1 or v2"));
      if (ToUpper(v) != "V1" && ToUpper(v) != "V2") return InvalidAt(ts_.Previous(), "SYNTAX is v1 or v2");
      q.syntax_v1 = ToUpper(v) == "V1";
    }
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("{"));
    while (!ts_.AcceptSymbol("}")) {
      ICEGRAPH_ASSIGN_OR_RAISE(Stmt s, ParseStatement());
      q.body.push_back(std::move(s));
    }
    if (!ts_.AtEnd()) return ts_.SyntaxError("the end of the query");
    return q;
  }

 private:
  Result<std::string> TypeName() {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string t, ts_.ExpectIdent("a type"));
    return ToUpper(t);
  }

  Result<ParamDecl> ParseParam() {
    ParamDecl p;
    ICEGRAPH_ASSIGN_OR_RAISE(p.type, TypeName());
    if (p.type == "SET" || p.type == "LIST" || p.type == "BAG") {
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("<"));
      ICEGRAPH_ASSIGN_OR_RAISE(p.elem, TypeName());
      if (p.elem == "VERTEX" && ts_.AcceptSymbol("<")) {
        ICEGRAPH_ASSIGN_OR_RAISE(p.vertex_type, ts_.ExpectIdent("a vertex type"));
        ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(">"));
      }
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(">"));
    } else if (p.type == "VERTEX" && ts_.AcceptSymbol("<")) {
      ICEGRAPH_ASSIGN_OR_RAISE(p.vertex_type, ts_.ExpectIdent("a vertex type"));
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(">"));
    }
    static const std::set<std::string> kTypes = {"INT",      "UINT",   "FLOAT", "DOUBLE", "BOOL", "STRING",
                                                 "DATETIME", "VERTEX", "SET",   "LIST",   "BAG"};
    if (kTypes.count(p.type) == 0) return UnsupportedAt(ts_.Previous(), "the parameter type " + p.type);
    ICEGRAPH_ASSIGN_OR_RAISE(p.name, ts_.ExpectIdent("a parameter name"));
    return p;
  }

  Result<Stmt> ParseStatement() {
    const Token& at = ts_.Peek();
    if (ts_.IsKind(K::kIdent) && ts_.IsSymbol("<", 1)) {
      const std::string kind = ToUpper(at.text);
      static const std::set<std::string> kAccums = {"SETACCUM", "LISTACCUM", "SUMACCUM", "MAXACCUM",
                                                    "MINACCUM", "ORACCUM",   "ANDACCUM"};
      if (kAccums.count(kind) == 0) return UnsupportedAt(at, "the accumulator " + at.text);
      ts_.Next();
      ts_.Next();
      AccumDecl d;
      d.kind = kind;
      ICEGRAPH_ASSIGN_OR_RAISE(d.elem, TypeName());
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(">"));
      if (ts_.IsSymbol("@") && !ts_.IsSymbol("@", 1)) return UnsupportedAt(at, "vertex-attached accumulators (@name)");
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("@"));
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("@"));
      ICEGRAPH_ASSIGN_OR_RAISE(d.name, ts_.ExpectIdent("an accumulator name"));
      if (ts_.AcceptSymbol("=")) {
        ICEGRAPH_ASSIGN_OR_RAISE(d.init, ParseExpr());
      }
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(";"));
      return Stmt{std::move(d)};
    }
    if (ts_.AcceptKeyword("PRINT")) {
      PrintStmt p;
      do {
        PrintItem item;
        const size_t from = ts_.Peek().offset;
        ICEGRAPH_ASSIGN_OR_RAISE(item.expr, ParseExpr());
        item.key = std::string(ts_.source().substr(from, ts_.Previous().end - from));
        if (ts_.AcceptKeyword("AS")) {
          ICEGRAPH_ASSIGN_OR_RAISE(item.key, ts_.ExpectIdent("a name"));
        }
        p.items.push_back(std::move(item));
      } while (ts_.AcceptSymbol(","));
      if (ts_.IsKeyword("WHERE") || ts_.IsKeyword("TO_CSV"))
        return UnsupportedAt(ts_.Peek(), "PRINT ... " + ts_.Peek().text);
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(";"));
      return Stmt{std::move(p)};
    }
    if (ts_.IsKind(K::kIdent) && ts_.IsSymbol("=", 1)) {
      const std::string var = ts_.Next().text;
      ts_.Next();
      if (ts_.AcceptSymbol("{")) return ParseSeed(var, at.line);
      if (ts_.AcceptKeyword("SELECT")) return ParseSelect(var, at.line);
      return ts_.SyntaxError("\"{\" or SELECT");
    }
    if (ts_.IsKind(K::kIdent)) return UnsupportedAt(at, StrCat("the query statement \"", at.text, "\""));
    return ts_.SyntaxError("a query statement");
  }

  Result<Stmt> ParseSeed(const std::string& var, int line) {
    SeedStmt s;
    s.var = var;
    s.line = line;
    do {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string src, ts_.ExpectIdent("ANY, a vertex type or a parameter"));
      if (ts_.AcceptSymbol(".")) {
        ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("*"));
        src += ".*";
      }
      s.sources.push_back(ToUpper(src) == "ANY" ? "ANY" : src);
    } while (ts_.AcceptSymbol(","));
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("}"));
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(";"));
    return Stmt{std::move(s)};
  }

  // type names separated by "|", or nothing (any)
  Result<std::vector<std::string>> TypeAlternatives() {
    std::vector<std::string> out;
    while (ts_.IsKind(K::kIdent) && !ts_.IsSymbol(":", 0)) {
      const std::string t = ts_.Next().text;
      if (ToUpper(t) != "ANY") out.push_back(t);
      if (!ts_.AcceptSymbol("|")) break;
    }
    return out;
  }

  Result<Stmt> ParseSelect(const std::string& var, int line) {
    SelectStmt s;
    s.var = var;
    s.line = line;
    ICEGRAPH_ASSIGN_OR_RAISE(s.target, ts_.ExpectIdent("the selected alias"));
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectKeyword("FROM"));
    ICEGRAPH_ASSIGN_OR_RAISE(s.src, ts_.ExpectIdent("a vertex set or type"));
    if (ToUpper(s.src) == "ANY") s.src = "ANY";
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(":"));
    ICEGRAPH_ASSIGN_OR_RAISE(s.src_alias, ts_.ExpectIdent("an alias"));
    if (ts_.IsSymbol("<")) return UnsupportedAt(ts_.Peek(), "edge patterns that point to the source (<-(...)-)");
    if (ts_.AcceptSymbol("-")) {
      s.has_edge = true;
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("("));
      // (E1|E2:e), (:e), (E:e), (E)
      std::vector<std::string> types;
      while (ts_.IsKind(K::kIdent) && !ts_.IsSymbol(")", 0)) {
        types.push_back(ts_.Next().text);
        if (!ts_.AcceptSymbol("|")) break;
      }
      for (const std::string& t : types) {
        if (ToUpper(t) != "ANY" && t != "_") s.etypes.push_back(t);
      }
      if (ts_.AcceptSymbol(":")) {
        ICEGRAPH_ASSIGN_OR_RAISE(s.e_alias, ts_.ExpectIdent("an edge alias"));
      }
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(")"));
      if (ts_.AcceptSymbol("->")) {
        s.directed = true;
      } else if (ts_.AcceptSymbol("-")) {
        s.directed = false;
      } else {
        return ts_.SyntaxError("\"->\" or \"-\"");
      }
      ICEGRAPH_ASSIGN_OR_RAISE(s.ttypes, TypeAlternatives());
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(":"));
      ICEGRAPH_ASSIGN_OR_RAISE(s.t_alias, ts_.ExpectIdent("an alias"));
    }
    if (s.target != s.src_alias && s.target != s.t_alias) {
      return InvalidAt(ts_.Previous(), "SELECT " + s.target + ": the alias is not defined in FROM");
    }
    if (ts_.AcceptKeyword("WHERE")) {
      ICEGRAPH_ASSIGN_OR_RAISE(s.where, ParseExpr());
    }
    if (ts_.AcceptKeyword("ACCUM")) {
      do {
        ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("@"));
        if (!ts_.AcceptSymbol("@")) return UnsupportedAt(ts_.Previous(), "vertex-attached accumulators (@name)");
        ICEGRAPH_ASSIGN_OR_RAISE(std::string name, ts_.ExpectIdent("an accumulator name"));
        ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("+"));
        ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol("="));
        ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr e, ParseExpr());
        s.accum.emplace_back(std::move(name), std::move(e));
      } while (ts_.AcceptSymbol(","));
    }
    for (const char* clause : {"POST", "POST_ACCUM", "HAVING", "ORDER"}) {
      if (ts_.IsKeyword(clause)) return UnsupportedAt(ts_.Peek(), StrCat("the clause ", clause));
    }
    if (ts_.AcceptKeyword("LIMIT")) {
      if (!ts_.IsKind(K::kNumber)) return ts_.SyntaxError("a number");
      s.limit = std::max<int64_t>(0, std::atoll(ts_.Next().text.c_str()));
    }
    ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(";"));
    return Stmt{std::move(s)};
  }

  ExprPtr Make(Expr::Op op) {
    auto e = std::make_unique<Expr>();
    e->op = op;
    e->line = ts_.Peek().line;
    return e;
  }
  Result<ExprPtr> Binary(std::string op, ExprPtr l, ExprPtr r) {
    ExprPtr e = Make(Expr::Op::kBinary);
    e->binop = std::move(op);
    e->lhs = std::move(l);
    e->rhs = std::move(r);
    return e;
  }

  Result<ExprPtr> ParseExpr(int depth = 0) {
    if (depth > 64) return InvalidAt(ts_.Peek(), "the expression nests too deeply");
    ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr l, ParseAnd(depth));
    while (ts_.AcceptKeyword("OR")) {
      ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr r, ParseAnd(depth));
      ICEGRAPH_ASSIGN_OR_RAISE(l, Binary("OR", std::move(l), std::move(r)));
    }
    return l;
  }
  Result<ExprPtr> ParseAnd(int depth) {
    ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr l, ParseNot(depth));
    while (ts_.AcceptKeyword("AND")) {
      ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr r, ParseNot(depth));
      ICEGRAPH_ASSIGN_OR_RAISE(l, Binary("AND", std::move(l), std::move(r)));
    }
    return l;
  }
  Result<ExprPtr> ParseNot(int depth) {
    if (ts_.AcceptKeyword("NOT")) {
      if (depth > 64) return InvalidAt(ts_.Peek(), "the expression nests too deeply");
      ExprPtr e = Make(Expr::Op::kNot);
      ICEGRAPH_ASSIGN_OR_RAISE(e->lhs, ParseNot(depth + 1));
      return e;
    }
    ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr l, ParseAdd(depth));
    for (const char* op : {"==", "!=", "<=", ">=", "<", ">"}) {
      if (ts_.AcceptSymbol(op)) {
        ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr r, ParseAdd(depth));
        return Binary(op, std::move(l), std::move(r));
      }
    }
    return l;
  }
  Result<ExprPtr> ParseAdd(int depth) {
    ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr l, ParseMul(depth));
    while (ts_.IsSymbol("+") || ts_.IsSymbol("-")) {
      if (ts_.IsSymbol("=", 1)) break;  // "+=" belongs to ACCUM
      const std::string op = ts_.Next().text;
      ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr r, ParseMul(depth));
      ICEGRAPH_ASSIGN_OR_RAISE(l, Binary(op, std::move(l), std::move(r)));
    }
    return l;
  }
  Result<ExprPtr> ParseMul(int depth) {
    ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr l, ParseUnary(depth));
    while (ts_.IsSymbol("*") || ts_.IsSymbol("/")) {
      const std::string op = ts_.Next().text;
      ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr r, ParseUnary(depth));
      ICEGRAPH_ASSIGN_OR_RAISE(l, Binary(op, std::move(l), std::move(r)));
    }
    return l;
  }
  Result<ExprPtr> ParseUnary(int depth) {
    if (ts_.AcceptSymbol("-")) {
      if (depth > 64) return InvalidAt(ts_.Peek(), "the expression nests too deeply");
      ExprPtr e = Make(Expr::Op::kNeg);
      ICEGRAPH_ASSIGN_OR_RAISE(e->lhs, ParseUnary(depth + 1));
      return e;
    }
    return ParsePrimary(depth);
  }
  Result<ExprPtr> ParsePrimary(int depth) {
    const Token& t = ts_.Peek();
    if (t.kind == K::kNumber) {
      ExprPtr e = Make(Expr::Op::kLiteral);
      const std::string text = ts_.Next().text;
      if (text.find_first_of(".eE") != std::string::npos) {
        e->literal = std::strtod(text.c_str(), nullptr);
      } else {
        e->literal = static_cast<int64_t>(std::strtoll(text.c_str(), nullptr, 10));
      }
      return e;
    }
    if (t.kind == K::kString) {
      ExprPtr e = Make(Expr::Op::kLiteral);
      e->literal = ts_.Next().text;
      return e;
    }
    if (ts_.AcceptSymbol("(")) {
      ICEGRAPH_ASSIGN_OR_RAISE(ExprPtr e, ParseExpr(depth + 1));
      ICEGRAPH_RETURN_NOT_OK(ts_.ExpectSymbol(")"));
      return e;
    }
    if (ts_.IsSymbol("@")) {
      ts_.Next();
      if (!ts_.AcceptSymbol("@")) return UnsupportedAt(t, "vertex-attached accumulators (@name)");
      ExprPtr e = Make(Expr::Op::kAccum);
      ICEGRAPH_ASSIGN_OR_RAISE(e->name, ts_.ExpectIdent("an accumulator name"));
      return e;
    }
    if (t.kind == K::kIdent) {
      const std::string upper = ToUpper(t.text);
      if (upper == "TRUE" || upper == "FALSE") {
        ts_.Next();
        ExprPtr e = Make(Expr::Op::kLiteral);
        e->literal = upper == "TRUE";
        return e;
      }
      if (ts_.IsSymbol("(", 1)) return UnsupportedAt(t, "the function " + t.text + "()");
      ExprPtr e = Make(Expr::Op::kName);
      e->name = ts_.Next().text;
      if (ts_.AcceptSymbol(".")) {
        e->op = Expr::Op::kField;
        ICEGRAPH_ASSIGN_OR_RAISE(e->field, ts_.ExpectIdent("an attribute"));
        if (ts_.IsSymbol("(")) return UnsupportedAt(ts_.Previous(), "the method " + e->field + "()");
      }
      return e;
    }
    return ts_.SyntaxError("an expression");
  }

  TokenStream& ts_;
};

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
  ICEGRAPH_ASSIGN_OR_RAISE(std::vector<Token> tokens, gsql::LexGsql(text));
  TokenStream ts(text, std::move(tokens));
  if (ts.IsKeyword("CREATE") || ts.IsKeyword("INSTALL") || ts.IsKeyword("RUN")) {
    return UnsupportedAt(ts.Peek(), "installed queries (CREATE/INSTALL/RUN QUERY); send INTERPRET QUERY");
  }
  ICEGRAPH_ASSIGN_OR_RAISE(Query q, Parser(ts).Parse());
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
