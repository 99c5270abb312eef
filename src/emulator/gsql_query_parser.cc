// Parser of interpreted GSQL queries into the tree of gsql_query_ast.h.
#include <algorithm>
#include <set>

#include "emulator/gsql_lexer.h"
#include "emulator/gsql_query_ast.h"

namespace icegraph::emulator::query {
namespace {

using gsql::InvalidAt;
using gsql::StrCat;
using gsql::Token;
using gsql::TokenStream;
using gsql::ToUpper;
using gsql::UnsupportedAt;
using json = nlohmann::json;
using K = Token::Kind;

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

}  // namespace

Result<Query> ParseQuery(std::string_view text) {
  ICEGRAPH_ASSIGN_OR_RAISE(std::vector<Token> tokens, gsql::LexGsql(text));
  TokenStream ts(text, std::move(tokens));
  if (ts.IsKeyword("CREATE") || ts.IsKeyword("INSTALL") || ts.IsKeyword("RUN")) {
    return UnsupportedAt(ts.Peek(), "installed queries (CREATE/INSTALL/RUN QUERY); send INTERPRET QUERY");
  }
  return Parser(ts).Parse();
}

}  // namespace icegraph::emulator::query
