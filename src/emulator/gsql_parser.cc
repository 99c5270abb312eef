// Recursive-descent parser for the GSQL statements the emulator runs; anything else is refused by name.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>

#include "emulator/gsql_ast.h"
#include "emulator/gsql_lexer.h"

namespace icegraph::emulator {
namespace {

std::string Upper(std::string_view s) {
  std::string u(s);
  std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::toupper(c); });
  return u;
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), t_(std::move(tokens)) {}

  Result<std::vector<Statement>> ParseAll() {
    std::vector<Statement> out;
    while (!AtEnd()) {
      if (IsSym(";")) {
        ++p_;
        continue;
      }
      const Token& first = Peek();
      auto body = ParseStatement();
      if (!body.ok()) return body.status();
      Statement st;
      st.body = std::move(body).ValueOrDie();
      st.line = first.line;
      const size_t end = Peek().kind == Token::Kind::kEnd ? text_.size() : Peek().offset;
      st.text = std::string(text_.substr(first.offset, end - first.offset));
      while (!st.text.empty() && std::isspace(static_cast<unsigned char>(st.text.back()))) st.text.pop_back();
      if (auto* lj = std::get_if<CreateLoadingJobStmt>(&st.body)) lj->job.source_text = st.text;
      out.push_back(std::move(st));
    }
    return out;
  }

 private:
  // ---- token helpers ----
  const Token& Peek(size_t ahead = 0) const { return t_[std::min(p_ + ahead, t_.size() - 1)]; }
  bool AtEnd() const { return Peek().kind == Token::Kind::kEnd; }
  bool IsKw(std::string_view kw, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == Token::Kind::kIdent && Upper(t.text) == kw;
  }
  bool IsSym(std::string_view s, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == Token::Kind::kSymbol && t.text == s;
  }
  bool AcceptKw(std::string_view kw) {
    if (!IsKw(kw)) return false;
    ++p_;
    return true;
  }
  bool AcceptSym(std::string_view s) {
    if (!IsSym(s)) return false;
    ++p_;
    return true;
  }
  Status Error(std::string_view expected) const {
    const Token& t = Peek();
    const std::string found = t.kind == Token::Kind::kEnd ? "<EOF>" : t.text;
    return Status::Invalid(fmt::format("Syntax Error: Encountered \"{}\" at line {}, column {}. Was expecting: {}.",
                                       found, t.line, t.column, expected));
  }
  Status ExpectKw(std::string_view kw) { return AcceptKw(kw) ? Status::OK() : Error(fmt::format("\"{}\"", kw)); }
  Status ExpectSym(std::string_view s) { return AcceptSym(s) ? Status::OK() : Error(fmt::format("\"{}\"", s)); }
  Result<std::string> Ident(std::string_view what) {
    if (Peek().kind != Token::Kind::kIdent) return Error(what);
    return t_[p_++].text;
  }
  Result<std::string> StringLit(std::string_view what) {
    if (Peek().kind != Token::Kind::kString) return Error(what);
    return t_[p_++].text;
  }
  Status Unsupported(size_t words) const {
    std::string name;
    for (size_t i = 0; i < words && Peek(i).kind == Token::Kind::kIdent; ++i)
      name += (i ? " " : "") + Upper(Peek(i).text);
    return Status::NotImplemented(
        fmt::format("Line {}: the emulator does not support the statement \"{}\"; it "
                    "implements CREATE VERTEX/EDGE/GRAPH/LOADING JOB/SCHEMA_CHANGE JOB, USE, "
                    "DROP, RUN LOADING JOB/SCHEMA_CHANGE JOB, SHOW and ls",
                    Peek().line, name.empty() ? Peek().text : name));
  }

  // ---- statements ----
  Result<StatementBody> ParseStatement() {
    if (AcceptKw("CREATE")) {
      if (IsKw("VERTEX")) {
        ++p_;
        ICEGRAPH_ASSIGN_OR_RAISE(VertexType v, VertexDef());
        return StatementBody{CreateVertexStmt{std::move(v)}};
      }
      if (IsKw("DIRECTED") || IsKw("UNDIRECTED") || IsKw("EDGE")) {
        ICEGRAPH_ASSIGN_OR_RAISE(EdgeType e, EdgeDef());
        return StatementBody{CreateEdgeStmt{std::move(e)}};
      }
      if (AcceptKw("GRAPH")) return CreateGraph();
      if (IsKw("LOADING")) {
        ++p_;
        ICEGRAPH_RETURN_NOT_OK(ExpectKw("JOB"));
        return LoadingJobDef();
      }
      if (IsKw("SCHEMA_CHANGE") || (IsKw("GLOBAL") && IsKw("SCHEMA_CHANGE", 1))) return SchemaChangeDef();
      --p_;
      return Unsupported(3);
    }
    if (AcceptKw("USE")) {
      if (AcceptKw("GLOBAL")) return StatementBody{UseGlobalStmt{}};
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("GRAPH"));
      ICEGRAPH_ASSIGN_OR_RAISE(std::string g, Ident("a graph name"));
      return StatementBody{UseGraphStmt{std::move(g)}};
    }
    if (AcceptKw("DROP")) return Drop();
    if (AcceptKw("RUN")) {
      if (AcceptKw("LOADING")) {
        ICEGRAPH_RETURN_NOT_OK(ExpectKw("JOB"));
        return RunLoadingJob();
      }
      AcceptKw("GLOBAL");
      if (AcceptKw("SCHEMA_CHANGE")) {
        ICEGRAPH_RETURN_NOT_OK(ExpectKw("JOB"));
        ICEGRAPH_ASSIGN_OR_RAISE(std::string name, Ident("a job name"));
        return StatementBody{RunSchemaChangeJobStmt{std::move(name)}};
      }
      --p_;
      return Unsupported(3);
    }
    if (AcceptKw("SHOW")) {
      ShowStmt s;
      ICEGRAPH_ASSIGN_OR_RAISE(s.what, Ident("VERTEX, EDGE, GRAPH or JOB"));
      s.what = Upper(s.what);
      if (s.what != "VERTEX" && s.what != "EDGE" && s.what != "GRAPH" && s.what != "JOB") {
        --p_;
        return Unsupported(2);
      }
      if (AcceptSym("*")) {
        s.pattern = "*";
      } else {
        ICEGRAPH_ASSIGN_OR_RAISE(s.pattern, Ident("a name or *"));
      }
      return StatementBody{std::move(s)};
    }
    if (AcceptKw("LS")) return StatementBody{ShowStmt{"LS", "*"}};
    if (Peek().kind == Token::Kind::kIdent) return Unsupported(2);
    return Error("a GSQL statement");
  }

  Result<AttrType> Type() {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string name, Ident("an attribute type"));
    const std::string u = Upper(name);
    AttrType t;
    if (u == "LIST" || u == "SET" || u == "MAP") {
      t.kind = u == "LIST" ? Kind::kList : (u == "SET" ? Kind::kSet : Kind::kMap);
      ICEGRAPH_RETURN_NOT_OK(ExpectSym("<"));
      ICEGRAPH_ASSIGN_OR_RAISE(AttrType first, Type());
      if (first.is_container())
        return Status::Invalid(fmt::format("Line {}: nested containers are not supported", Peek().line));
      if (t.kind == Kind::kMap) {
        t.key = first.kind;
        ICEGRAPH_RETURN_NOT_OK(ExpectSym(","));
        ICEGRAPH_ASSIGN_OR_RAISE(AttrType second, Type());
        if (second.is_container())
          return Status::Invalid(fmt::format("Line {}: nested containers are not supported", Peek().line));
        t.elem = second.kind;
      } else {
        t.elem = first.kind;
      }
      ICEGRAPH_RETURN_NOT_OK(ExpectSym(">"));
      return t;
    }
    if (u == "STRING" && AcceptKw("COMPRESS")) return AttrType{Kind::kStringCompress};
    const auto k = ParseScalarKind(u);
    if (!k) {
      return Status::Invalid(
          fmt::format("Line {}: unknown attribute type \"{}\" (supported: INT, UINT, FLOAT, DOUBLE, "
                      "BOOL, STRING, STRING COMPRESS, DATETIME, LIST, SET, MAP)",
                      t_[p_ - 1].line, name));
    }
    t.kind = *k;
    return t;
  }

  Result<std::string> LiteralText() {
    const Token& t = Peek();
    if (t.kind == Token::Kind::kString || t.kind == Token::Kind::kNumber || t.kind == Token::Kind::kIdent) {
      ++p_;
      return t.text;
    }
    if (IsSym("-") && Peek(1).kind == Token::Kind::kNumber) {
      p_ += 2;
      return "-" + t_[p_ - 1].text;
    }
    return Error("a literal value");
  }

  Result<Attribute> AttributeDef(std::string name) {
    Attribute a;
    a.name = std::move(name);
    ICEGRAPH_ASSIGN_OR_RAISE(a.type, Type());
    if (AcceptKw("DEFAULT")) {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string lit, LiteralText());
      a.default_text = std::move(lit);
    }
    return a;
  }

  Status CheckDuplicate(const std::vector<Attribute>& attrs, const std::string& name, int line) const {
    if (std::any_of(attrs.begin(), attrs.end(), [&](const Attribute& a) { return a.name == name; })) {
      return Status::Invalid(fmt::format("Line {}: the attribute \"{}\" is declared twice", line, name));
    }
    return Status::OK();
  }

  Status WithOptions(const std::function<Status(const std::string&, const std::string&)>& apply) {
    if (!AcceptKw("WITH")) return Status::OK();
    do {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string key, Ident("an option name"));
      ICEGRAPH_RETURN_NOT_OK(ExpectSym("="));
      ICEGRAPH_ASSIGN_OR_RAISE(std::string value, LiteralText());
      ICEGRAPH_RETURN_NOT_OK(apply(Upper(key), value));
    } while (AcceptSym(","));
    return Status::OK();
  }

  Result<VertexType> VertexDef() {
    VertexType v;
    ICEGRAPH_ASSIGN_OR_RAISE(v.name, Ident("a vertex type name"));
    ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
    bool first = true;
    do {
      const int line = Peek().line;
      if (first && AcceptKw("PRIMARY_ID")) {
        ICEGRAPH_ASSIGN_OR_RAISE(v.primary_id_name, Ident("the primary id name"));
        ICEGRAPH_ASSIGN_OR_RAISE(v.primary_id_type, Type());
      } else if (IsKw("PRIMARY") && IsKw("KEY", 1)) {
        p_ += 2;
        ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
        do {
          ICEGRAPH_ASSIGN_OR_RAISE(std::string key, Ident("a key attribute"));
          v.composite_key.push_back(std::move(key));
        } while (AcceptSym(","));
        ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
      } else {
        ICEGRAPH_ASSIGN_OR_RAISE(std::string name, Ident("an attribute name"));
        ICEGRAPH_RETURN_NOT_OK(CheckDuplicate(v.attributes, name, line));
        ICEGRAPH_ASSIGN_OR_RAISE(Attribute a, AttributeDef(name));
        if (IsKw("PRIMARY") && IsKw("KEY", 1)) {
          p_ += 2;
          v.composite_key = {a.name};
        }
        v.attributes.push_back(std::move(a));
      }
      first = false;
    } while (AcceptSym(","));
    ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
    if (!v.composite_key.empty()) {
      for (const std::string& k : v.composite_key) {
        const int idx = v.AttributeIndex(k);
        if (idx < 0)
          return Status::Invalid(fmt::format("the primary key attribute \"{}\" of {} is not declared", k, v.name));
        if (v.attributes[idx].type.is_container())
          return Status::Invalid("a primary key attribute cannot be a container");
      }
      v.primary_id_name = v.composite_key[0];
      v.primary_id_type = v.attributes[v.AttributeIndex(v.composite_key[0])].type;
      v.primary_id_as_attribute = true;
    } else if (v.primary_id_name.empty()) {
      return Status::Invalid(fmt::format("the vertex type {} needs PRIMARY_ID or PRIMARY KEY", v.name));
    } else if (const Kind k = v.primary_id_type.kind;
               k != Kind::kString && k != Kind::kInt && k != Kind::kUint && k != Kind::kDatetime) {
      return Status::Invalid(fmt::format("the PRIMARY_ID of {} must be STRING, INT, UINT or DATETIME, not {}", v.name,
                                         v.primary_id_type.ToGsql()));
    } else {
      ICEGRAPH_RETURN_NOT_OK(
          CheckDuplicate(v.attributes, v.primary_id_name, 0).ok()
              ? Status::OK()
              : Status::Invalid("the primary id name " + v.primary_id_name + " is also an attribute"));
    }
    ICEGRAPH_RETURN_NOT_OK(WithOptions([&](const std::string& k, const std::string& val) -> Status {
      if (k == "PRIMARY_ID_AS_ATTRIBUTE") {
        v.primary_id_as_attribute = Upper(val) == "TRUE";
      } else if (k == "STATS") {
        v.stats = Upper(val);
      } else {
        return Status::Invalid("unknown vertex option " + k);
      }
      return Status::OK();
    }));
    return v;
  }

  Result<EdgeType> EdgeDef() {
    EdgeType e;
    if (AcceptKw("DIRECTED")) {
      e.directed = true;
    } else if (AcceptKw("UNDIRECTED")) {
      e.directed = false;
    } else {
      return Error("DIRECTED or UNDIRECTED");
    }
    ICEGRAPH_RETURN_NOT_OK(ExpectKw("EDGE"));
    ICEGRAPH_ASSIGN_OR_RAISE(e.name, Ident("an edge type name"));
    ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
    // FROM a, TO b [| FROM c, TO d ...]
    do {
      EdgePair pair;
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("FROM"));
      if (AcceptSym("*")) {
        pair.from = "*";
      } else {
        ICEGRAPH_ASSIGN_OR_RAISE(pair.from, Ident("a vertex type"));
      }
      ICEGRAPH_RETURN_NOT_OK(ExpectSym(","));
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("TO"));
      if (AcceptSym("*")) {
        pair.to = "*";
      } else {
        ICEGRAPH_ASSIGN_OR_RAISE(pair.to, Ident("a vertex type"));
      }
      e.pairs.push_back(std::move(pair));
    } while (AcceptSym("|"));
    while (AcceptSym(",")) {
      const int line = Peek().line;
      if (AcceptKw("DISCRIMINATOR")) {
        ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
        do {
          ICEGRAPH_ASSIGN_OR_RAISE(std::string name, Ident("a discriminator attribute"));
          ICEGRAPH_RETURN_NOT_OK(CheckDuplicate(e.attributes, name, line));
          ICEGRAPH_ASSIGN_OR_RAISE(Attribute a, AttributeDef(name));
          if (a.type.is_container()) return Status::Invalid("a DISCRIMINATOR attribute cannot be a container");
          e.discriminator.push_back(a.name);
          e.attributes.push_back(std::move(a));
        } while (AcceptSym(","));
        ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
        continue;
      }
      ICEGRAPH_ASSIGN_OR_RAISE(std::string name, Ident("an attribute name"));
      ICEGRAPH_RETURN_NOT_OK(CheckDuplicate(e.attributes, name, line));
      ICEGRAPH_ASSIGN_OR_RAISE(Attribute a, AttributeDef(name));
      e.attributes.push_back(std::move(a));
    }
    ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
    ICEGRAPH_RETURN_NOT_OK(WithOptions([&](const std::string& k, const std::string& val) -> Status {
      if (k != "REVERSE_EDGE") return Status::Invalid("unknown edge option " + k);
      if (!e.directed) return Status::Invalid("REVERSE_EDGE is only allowed on a DIRECTED edge (" + e.name + ")");
      e.reverse_edge = val;
      return Status::OK();
    }));
    return e;
  }

  Result<StatementBody> CreateGraph() {
    CreateGraphStmt g;
    ICEGRAPH_ASSIGN_OR_RAISE(g.name, Ident("a graph name"));
    ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
    if (AcceptSym("*")) {
      g.all = true;
    } else if (!IsSym(")")) {
      do {
        ICEGRAPH_ASSIGN_OR_RAISE(std::string t, Ident("a vertex or edge type"));
        g.types.push_back(std::move(t));
      } while (AcceptSym(","));
    }
    ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
    return StatementBody{std::move(g)};
  }

  Result<StatementBody> Drop() {
    DropStmt d;
    if (AcceptKw("ALL")) {
      d.what = DropStmt::What::kAll;
      return StatementBody{d};
    }
    ICEGRAPH_ASSIGN_OR_RAISE(std::string what, Ident("VERTEX, EDGE, GRAPH, JOB or ALL"));
    const std::string u = Upper(what);
    if (u == "VERTEX")
      d.what = DropStmt::What::kVertex;
    else if (u == "EDGE")
      d.what = DropStmt::What::kEdge;
    else if (u == "GRAPH")
      d.what = DropStmt::What::kGraph;
    else if (u == "JOB")
      d.what = DropStmt::What::kJob;
    else {
      p_ -= 2;
      return Unsupported(2);
    }
    do {
      if (d.what == DropStmt::What::kJob && AcceptSym("*")) {
        d.names.emplace_back("*");
        continue;
      }
      ICEGRAPH_ASSIGN_OR_RAISE(std::string n, Ident("a name"));
      d.names.push_back(std::move(n));
    } while (AcceptSym(","));
    return StatementBody{std::move(d)};
  }

  Result<StatementBody> RunLoadingJob() {
    RunLoadingJobStmt r;
    ICEGRAPH_ASSIGN_OR_RAISE(r.name, Ident("a loading job name"));
    if (AcceptKw("USING")) {
      do {
        ICEGRAPH_ASSIGN_OR_RAISE(std::string var, Ident("a filename variable"));
        ICEGRAPH_RETURN_NOT_OK(ExpectSym("="));
        ICEGRAPH_ASSIGN_OR_RAISE(std::string path, StringLit("a file path in quotes"));
        r.using_files.emplace_back(std::move(var), std::move(path));
      } while (AcceptSym(","));
    }
    return StatementBody{std::move(r)};
  }

  // ---- loading jobs ----
  Result<TokenExpr> Expr() {
    const Token& t = Peek();
    TokenExpr e;
    switch (t.kind) {
      case Token::Kind::kColumnIndex:
        e.kind = TokenExpr::Kind::kColumnIndex;
        e.index = std::stoi(t.text);
        ++p_;
        return e;
      case Token::Kind::kColumnName:
        e.kind = TokenExpr::Kind::kColumnName;
        e.text = t.text;
        ++p_;
        return e;
      case Token::Kind::kString:
      case Token::Kind::kNumber:
        e.kind = TokenExpr::Kind::kLiteral;
        e.text = t.text;
        ++p_;
        return e;
      case Token::Kind::kIdent:
        if (t.text == "_") {
          ++p_;
          e.kind = TokenExpr::Kind::kDefault;
          return e;
        }
        if (IsSym("(", 1)) {
          e.kind = TokenExpr::Kind::kFunction;
          e.text = t.text;
          p_ += 2;
          if (!AcceptSym(")")) {
            do {
              ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr a, Expr());
              e.args.push_back(std::move(a));
            } while (AcceptSym(","));
            ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
          }
          return e;
        }
        // A bare word: a vertex type name in the edge wildcard form, taken literally.
        e.kind = TokenExpr::Kind::kLiteral;
        e.text = t.text;
        ++p_;
        return e;
      default:
        if (IsSym("-") && Peek(1).kind == Token::Kind::kNumber) {
          p_ += 2;
          e.kind = TokenExpr::Kind::kLiteral;
          e.text = "-" + t_[p_ - 1].text;
          return e;
        }
        return Error("$N, $\"column\", _, a literal or a function call");
    }
  }

  Result<Condition> Cond() {
    ICEGRAPH_ASSIGN_OR_RAISE(Condition left, AndCond());
    if (!IsKw("OR")) return left;
    Condition c;
    c.kind = Condition::Kind::kOr;
    c.children.push_back(std::move(left));
    while (AcceptKw("OR")) {
      ICEGRAPH_ASSIGN_OR_RAISE(Condition right, AndCond());
      c.children.push_back(std::move(right));
    }
    return c;
  }
  Result<Condition> AndCond() {
    ICEGRAPH_ASSIGN_OR_RAISE(Condition left, NotCond());
    if (!IsKw("AND")) return left;
    Condition c;
    c.kind = Condition::Kind::kAnd;
    c.children.push_back(std::move(left));
    while (AcceptKw("AND")) {
      ICEGRAPH_ASSIGN_OR_RAISE(Condition right, NotCond());
      c.children.push_back(std::move(right));
    }
    return c;
  }
  Result<Condition> NotCond() {
    if (AcceptKw("NOT")) {
      ICEGRAPH_ASSIGN_OR_RAISE(Condition inner, NotCond());
      Condition c;
      c.kind = Condition::Kind::kNot;
      c.children.push_back(std::move(inner));
      return c;
    }
    if (AcceptSym("(")) {
      ICEGRAPH_ASSIGN_OR_RAISE(Condition inner, Cond());
      ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
      return inner;
    }
    Condition c;
    ICEGRAPH_ASSIGN_OR_RAISE(c.lhs, Expr());
    if (AcceptKw("IS")) {
      c.negated = AcceptKw("NOT");
      if (AcceptKw("NUMERIC")) {
        c.kind = Condition::Kind::kIsNumeric;
      } else if (AcceptKw("EMPTY")) {
        c.kind = Condition::Kind::kIsEmpty;
      } else {
        return Error("NUMERIC or EMPTY");
      }
      return c;
    }
    const bool negated_in = IsKw("NOT") && IsKw("IN", 1);
    if (negated_in || IsKw("IN")) {
      p_ += negated_in ? 2 : 1;
      c.kind = Condition::Kind::kIn;
      c.negated = negated_in;
      ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
      do {
        ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr e, Expr());
        c.rhs.push_back(std::move(e));
      } while (AcceptSym(","));
      ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
      return c;
    }
    if (AcceptKw("BETWEEN")) {
      c.kind = Condition::Kind::kBetween;
      ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr lo, Expr());
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("AND"));
      ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr hi, Expr());
      c.rhs = {std::move(lo), std::move(hi)};
      return c;
    }
    for (const char* op : {"==", "!=", "<>", "<=", ">=", "<", ">", "="}) {
      if (AcceptSym(op)) {
        c.kind = Condition::Kind::kCompare;
        c.op = op;
        ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr r, Expr());
        c.rhs.push_back(std::move(r));
        return c;
      }
    }
    return Error("a comparison, IS, IN or BETWEEN");
  }

  Result<LoadingOptions> UsingOptions() {
    LoadingOptions o;
    if (!AcceptKw("USING")) return o;
    do {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string key, Ident("a USING option"));
      ICEGRAPH_RETURN_NOT_OK(ExpectSym("="));
      ICEGRAPH_ASSIGN_OR_RAISE(std::string val, StringLit("a quoted option value"));
      const std::string k = Upper(key);
      if (k == "SEPARATOR") {
        if (Upper(val) == "TAB" || val == "\\t") val = "\t";
        if (val.size() != 1) return Status::Invalid(fmt::format("SEPARATOR must be one character, got \"{}\"", val));
        o.separator = val[0];
      } else if (k == "HEADER") {
        o.header = Upper(val) == "TRUE";
      } else if (k == "EOL") {
        if (val.empty()) return Status::Invalid("EOL cannot be empty");
        o.eol = val;
      } else if (k == "QUOTE") {
        const std::string u = Upper(val);
        if (u != "DOUBLE" && u != "SINGLE")
          return Status::Invalid("QUOTE must be \"double\" or \"single\", got \"" + val + "\"");
        o.quote = u == "DOUBLE" ? '"' : '\'';
      } else {
        return Status::NotImplemented(
            fmt::format("Line {}: the emulator does not support USING {}", t_[p_ - 3].line, key));
      }
    } while (AcceptSym(","));
    return o;
  }

  Status LoadStmt(LoadingJob* job) {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string var, Ident("a filename variable"));
    std::vector<LoadStatement> targets;
    do {
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("TO"));
      LoadStatement s;
      s.filename_var = var;
      if (AcceptKw("VERTEX")) {
        s.target = LoadStatement::Target::kVertex;
      } else if (AcceptKw("EDGE")) {
        s.target = LoadStatement::Target::kEdge;
      } else {
        return Error("VERTEX or EDGE");
      }
      ICEGRAPH_ASSIGN_OR_RAISE(s.type_name, Ident("a type name"));
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("VALUES"));
      ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
      size_t pos = 0;
      do {
        ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr e, Expr());
        s.values.push_back(std::move(e));
        // Edge endpoints may name their vertex type: VALUES ($0 $1, $2 $3, ...).
        if (s.target == LoadStatement::Target::kEdge && pos < 2 && !IsSym(",") && !IsSym(")")) {
          ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr type, Expr());
          (pos == 0 ? s.from_type : s.to_type) = std::move(type);
        }
        ++pos;
      } while (AcceptSym(","));
      ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
      if (AcceptKw("WHERE")) {
        ICEGRAPH_ASSIGN_OR_RAISE(Condition c, Cond());
        s.where = std::move(c);
      }
      targets.push_back(std::move(s));
    } while (AcceptSym(","));
    ICEGRAPH_ASSIGN_OR_RAISE(LoadingOptions opts, UsingOptions());
    for (LoadStatement& s : targets) {
      s.options = opts;
      job->statements.push_back(std::move(s));
    }
    return Status::OK();
  }

  Status DeleteStmt(LoadingJob* job) {
    LoadStatement s;
    if (AcceptKw("VERTEX")) {
      s.target = LoadStatement::Target::kDeleteVertex;
      ICEGRAPH_ASSIGN_OR_RAISE(s.type_name, Ident("a vertex type"));
      ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("PRIMARY_ID"));
      ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr id, Expr());
      s.values.push_back(std::move(id));
      ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
    } else if (AcceptKw("EDGE")) {
      s.target = LoadStatement::Target::kDeleteEdge;
      ICEGRAPH_ASSIGN_OR_RAISE(s.type_name, Ident("an edge type"));
      ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("FROM"));
      ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr from, Expr());
      if (!IsSym(",")) {
        ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr ft, Expr());
        s.from_type = std::move(ft);
      }
      ICEGRAPH_RETURN_NOT_OK(ExpectSym(","));
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("TO"));
      ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr to, Expr());
      if (!IsSym(",") && !IsSym(")")) {
        ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr tt, Expr());
        s.to_type = std::move(tt);
      }
      s.values = {std::move(from), std::move(to)};
      if (AcceptSym(",")) {
        ICEGRAPH_RETURN_NOT_OK(ExpectKw("DISCRIMINATOR"));
        ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
        do {
          ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr d, Expr());
          s.values.push_back(std::move(d));
        } while (AcceptSym(","));
        ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
      }
      ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
    } else {
      return Error("VERTEX or EDGE");
    }
    ICEGRAPH_RETURN_NOT_OK(ExpectKw("FROM"));
    ICEGRAPH_ASSIGN_OR_RAISE(s.filename_var, Ident("a filename variable"));
    if (AcceptKw("WHERE")) {
      ICEGRAPH_ASSIGN_OR_RAISE(Condition c, Cond());
      s.where = std::move(c);
    }
    ICEGRAPH_ASSIGN_OR_RAISE(s.options, UsingOptions());
    job->statements.push_back(std::move(s));
    return Status::OK();
  }

  Result<StatementBody> LoadingJobDef() {
    CreateLoadingJobStmt st;
    ICEGRAPH_ASSIGN_OR_RAISE(st.job.name, Ident("a loading job name"));
    if (AcceptKw("FOR")) {
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("GRAPH"));
      ICEGRAPH_ASSIGN_OR_RAISE(st.job.graph, Ident("a graph name"));
    }
    ICEGRAPH_RETURN_NOT_OK(ExpectSym("{"));
    while (!AcceptSym("}")) {
      if (AtEnd()) return Error("\"}\"");
      if (AcceptSym(";")) continue;
      if (AcceptKw("DEFINE")) {
        ICEGRAPH_RETURN_NOT_OK(ExpectKw("FILENAME"));
        ICEGRAPH_ASSIGN_OR_RAISE(std::string var, Ident("a filename variable"));
        if (AcceptSym("=")) {
          ICEGRAPH_ASSIGN_OR_RAISE(std::string path, StringLit("a file path in quotes"));
          st.job.filename_defaults[var] = path;
        }
        st.job.filename_vars.push_back(std::move(var));
      } else if (AcceptKw("LOAD")) {
        ICEGRAPH_RETURN_NOT_OK(LoadStmt(&st.job));
      } else if (AcceptKw("DELETE")) {
        ICEGRAPH_RETURN_NOT_OK(DeleteStmt(&st.job));
      } else if (Peek().kind == Token::Kind::kIdent) {
        return Status::NotImplemented(fmt::format("Line {}: the emulator does not support \"{}\" in a loading job",
                                                  Peek().line, Upper(Peek().text)));
      } else {
        return Error("DEFINE, LOAD or DELETE");
      }
      if (!IsSym("}")) ICEGRAPH_RETURN_NOT_OK(ExpectSym(";"));
    }
    return StatementBody{std::move(st)};
  }

  // ---- schema change jobs ----
  Result<std::vector<Attribute>> AttrList() {
    std::vector<Attribute> out;
    ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
    do {
      const int line = Peek().line;
      ICEGRAPH_ASSIGN_OR_RAISE(std::string name, Ident("an attribute name"));
      ICEGRAPH_RETURN_NOT_OK(CheckDuplicate(out, name, line));
      ICEGRAPH_ASSIGN_OR_RAISE(Attribute a, AttributeDef(name));
      out.push_back(std::move(a));
    } while (AcceptSym(","));
    ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
    return out;
  }

  Result<StatementBody> SchemaChangeDef() {
    CreateSchemaChangeJobStmt st;
    st.global = AcceptKw("GLOBAL");
    ICEGRAPH_RETURN_NOT_OK(ExpectKw("SCHEMA_CHANGE"));
    ICEGRAPH_RETURN_NOT_OK(ExpectKw("JOB"));
    ICEGRAPH_ASSIGN_OR_RAISE(st.name, Ident("a job name"));
    if (AcceptKw("FOR")) {
      ICEGRAPH_RETURN_NOT_OK(ExpectKw("GRAPH"));
      ICEGRAPH_ASSIGN_OR_RAISE(st.graph, Ident("a graph name"));
    }
    ICEGRAPH_RETURN_NOT_OK(ExpectSym("{"));
    using K = SchemaChangeAction::Kind;
    while (!AcceptSym("}")) {
      if (AtEnd()) return Error("\"}\"");
      if (AcceptSym(";")) continue;
      SchemaChangeAction a;
      if (AcceptKw("ADD")) {
        if (AcceptKw("VERTEX")) {
          a.kind = K::kAddVertex;
          ICEGRAPH_ASSIGN_OR_RAISE(a.vertex, VertexDef());
        } else {
          a.kind = K::kAddEdge;
          ICEGRAPH_ASSIGN_OR_RAISE(a.edge, EdgeDef());
        }
        st.actions.push_back(std::move(a));
      } else if (AcceptKw("DROP")) {
        const bool vertex = AcceptKw("VERTEX");
        if (!vertex) ICEGRAPH_RETURN_NOT_OK(ExpectKw("EDGE"));
        do {
          SchemaChangeAction d;
          d.kind = vertex ? K::kDropVertex : K::kDropEdge;
          ICEGRAPH_ASSIGN_OR_RAISE(d.type_name, Ident("a type name"));
          st.actions.push_back(std::move(d));
        } while (AcceptSym(","));
      } else if (AcceptKw("ALTER")) {
        if (AcceptKw("EDGE")) {
          a.on_edge = true;
        } else {
          ICEGRAPH_RETURN_NOT_OK(ExpectKw("VERTEX"));
        }
        ICEGRAPH_ASSIGN_OR_RAISE(a.type_name, Ident("a type name"));
        if (AcceptKw("ADD")) {
          ICEGRAPH_RETURN_NOT_OK(ExpectKw("ATTRIBUTE"));
          a.kind = K::kAlterAddAttributes;
          ICEGRAPH_ASSIGN_OR_RAISE(a.add, AttrList());
        } else if (AcceptKw("DROP")) {
          ICEGRAPH_RETURN_NOT_OK(ExpectKw("ATTRIBUTE"));
          a.kind = K::kAlterDropAttributes;
          ICEGRAPH_RETURN_NOT_OK(ExpectSym("("));
          do {
            ICEGRAPH_ASSIGN_OR_RAISE(std::string n, Ident("an attribute name"));
            a.drop.push_back(std::move(n));
          } while (AcceptSym(","));
          ICEGRAPH_RETURN_NOT_OK(ExpectSym(")"));
        } else {
          return Error("ADD ATTRIBUTE or DROP ATTRIBUTE");
        }
        st.actions.push_back(std::move(a));
      } else if (Peek().kind == Token::Kind::kIdent) {
        return Status::NotImplemented(fmt::format(
            "Line {}: the emulator does not support \"{}\" in a schema change job", Peek().line, Upper(Peek().text)));
      } else {
        return Error("ADD, DROP or ALTER");
      }
      if (!IsSym("}")) ICEGRAPH_RETURN_NOT_OK(ExpectSym(";"));
    }
    return StatementBody{std::move(st)};
  }

  std::string_view text_;
  std::vector<Token> t_;
  size_t p_ = 0;
};

}  // namespace

Result<std::vector<Statement>> ParseGsql(std::string_view text) {
  ICEGRAPH_ASSIGN_OR_RAISE(std::vector<Token> tokens, LexGsql(text));
  Parser parser(text, std::move(tokens));
  return parser.ParseAll();
}

}  // namespace icegraph::emulator
