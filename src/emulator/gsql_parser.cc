// Recursive-descent parser for the GSQL statements the emulator runs; anything else is refused by name.
// Type definitions live in gsql_schema_parser.cc, loading jobs in gsql_load_parser.cc.
#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "emulator/gsql_ast.h"
#include "emulator/gsql_lexer.h"
#include "emulator/gsql_load_parser.h"
#include "emulator/gsql_schema_parser.h"

namespace icegraph::emulator {
namespace {

using gsql::StrCat;
using gsql::Token;
using gsql::TokenStream;
using gsql::ToUpper;
using gsql::UnsupportedAt;
using K = Token::Kind;
using ActionKind = SchemaChangeAction::Kind;

// Words that continue a statement's name in the "does not support" message (CREATE OR REPLACE QUERY).
bool IsCommandWord(std::string_view upper) {
  static constexpr std::string_view kWords[] = {
      "QUERY",     "QUERIES",  "USER",     "USERS",    "ROLE",     "ROLES",  "OR",          "REPLACE",
      "ALL",       "PACKAGE",  "PACKAGES", "FUNCTION", "TUPLE",    "TOKEN",  "DISTRIBUTED", "DATA_SOURCE",
      "SECRET",    "TEMPLATE", "STATUS",   "ERROR",    "PASSWORD", "INDEX",  "TAG",         "POLICY",
      "PRIVILEGE", "GROUP",    "LOADING",  "JOB",      "GLOBAL",   "VERTEX", "EDGE",        "SCHEMA_CHANGE"};
  return std::find(std::begin(kWords), std::end(kWords), upper) != std::end(kWords);
}

// "Line N: the emulator does not support the statement "CREATE QUERY"", naming the statement at the cursor.
Status UnsupportedStatement(const TokenStream& ts) {
  const Token& first = ts.Peek();
  std::string name = ToUpper(first.text);
  for (size_t i = 1; i < 5; ++i) {
    const Token& t = ts.Peek(i);
    if (t.kind != K::kIdent || t.line != first.line || !IsCommandWord(ToUpper(t.text))) break;
    name += " " + ToUpper(t.text);
  }
  return UnsupportedAt(first,
                       StrCat("the statement \"", name,
                              "\"; it runs CREATE VERTEX/EDGE/GRAPH/LOADING JOB/SCHEMA_CHANGE JOB, USE, DROP, "
                              "RUN LOADING JOB/SCHEMA_CHANGE JOB, SHOW, SET exit_on_error, TYPEDEF TUPLE and ls"));
}

bool IsStatementStart(const TokenStream& ts) {
  for (const std::string_view kw : {"CREATE", "USE", "DROP", "RUN", "SHOW", "LS", "SET", "TYPEDEF"}) {
    if (ts.IsKeyword(kw)) return true;
  }
  return false;
}

Result<std::vector<std::string>> ParseNameList(TokenStream& ts, std::string_view what) {
  std::vector<std::string> names;
  do {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string n, ts.ExpectIdent(what));
    names.push_back(std::move(n));
  } while (ts.AcceptSymbol(","));
  return names;
}

Result<StatementBody> ParseCreateGraph(TokenStream& ts) {
  CreateGraphStmt g;
  ICEGRAPH_ASSIGN_OR_RAISE(g.name, ts.ExpectIdent("a graph name"));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
  if (ts.AcceptSymbol("*")) {
    g.all = true;
  } else if (!ts.IsSymbol(")")) {
    ICEGRAPH_ASSIGN_OR_RAISE(g.types, ParseNameList(ts, "a vertex or edge type name, * or \")\""));
  }
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
  if (ts.IsKeyword("WITH")) return UnsupportedAt(ts.Peek(), "CREATE GRAPH ... WITH ADMIN");
  return StatementBody{std::move(g)};
}

// ALTER VERTEX|EDGE T ADD ATTRIBUTE (...) | DROP ATTRIBUTE (...); "ALTER" has been consumed.
Result<SchemaChangeAction> ParseAlter(TokenStream& ts, const Token& alter) {
  SchemaChangeAction a;
  if (ts.AcceptKeyword("EDGE")) {
    a.on_edge = true;
  } else if (!ts.AcceptKeyword("VERTEX")) {
    return ts.SyntaxError("\"VERTEX\" or \"EDGE\"");
  }
  ICEGRAPH_ASSIGN_OR_RAISE(a.type_name, ts.ExpectIdent("a type name"));
  const bool add = ts.IsKeyword("ADD");
  if ((add || ts.IsKeyword("DROP")) && ts.IsKeyword("ATTRIBUTE", 1)) {
    ts.Next();
    ts.Next();
    if (add) {
      a.kind = ActionKind::kAlterAddAttributes;
      ICEGRAPH_ASSIGN_OR_RAISE(a.add, gsql::ParseAttributeList(ts));
      return a;
    }
    a.kind = ActionKind::kAlterDropAttributes;
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
    ICEGRAPH_ASSIGN_OR_RAISE(a.drop, ParseNameList(ts, "an attribute name"));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
    return a;
  }
  if (ts.IsKeyword("ADD") || ts.IsKeyword("DROP") || ts.IsKeyword("WITH")) {
    const std::string rest = ts.IsKind(K::kIdent, 1) ? " " + ToUpper(ts.Peek(1).text) : "";
    return UnsupportedAt(alter,
                         StrCat("ALTER ", a.on_edge ? "EDGE" : "VERTEX", " ... ", ToUpper(ts.Peek().text), rest));
  }
  return ts.SyntaxError("\"ADD ATTRIBUTE\" or \"DROP ATTRIBUTE\"");
}

// VERTEX|EDGE a, b TO|FROM GRAPH g: the global job's form naming existing types; one action per name.
Status ParseGraphMembership(TokenStream& ts, bool add, std::vector<SchemaChangeAction>& actions) {
  const bool vertex = ts.IsKeyword("VERTEX");
  ts.Next();
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<std::string> names, ParseNameList(ts, "a type name"));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword(add ? "TO" : "FROM"));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("GRAPH"));
  ICEGRAPH_ASSIGN_OR_RAISE(const std::string graph, ts.ExpectIdent("a graph name"));
  for (const std::string& n : names) {
    SchemaChangeAction a;
    a.kind = add ? ActionKind::kAddToGraph : ActionKind::kDropFromGraph;
    a.on_edge = !vertex;
    a.type_name = n;
    a.target_graph = graph;
    actions.push_back(std::move(a));
  }
  return Status::OK();
}

// ADD VERTEX V (...) | ADD (DIRECTED|UNDIRECTED) EDGE E (...) | ADD VERTEX|EDGE a, b TO GRAPH g; "ADD" has been
// consumed.
Status ParseAdd(TokenStream& ts, const Token& add, std::vector<SchemaChangeAction>& actions) {
  SchemaChangeAction a;
  if (ts.IsKeyword("VERTEX")) {
    if (!ts.IsSymbol("(", 2)) return ParseGraphMembership(ts, true, actions);
    ts.Next();
    a.kind = ActionKind::kAddVertex;
    ICEGRAPH_ASSIGN_OR_RAISE(a.vertex, gsql::ParseVertexType(ts));
    actions.push_back(std::move(a));
    return Status::OK();
  }
  if (ts.IsKeyword("EDGE") && !ts.IsSymbol("(", 2)) return ParseGraphMembership(ts, true, actions);
  if (ts.IsKeyword("DIRECTED") || ts.IsKeyword("UNDIRECTED") || ts.IsKeyword("EDGE")) {
    a.kind = ActionKind::kAddEdge;
    ICEGRAPH_ASSIGN_OR_RAISE(a.edge, gsql::ParseEdgeType(ts));
    actions.push_back(std::move(a));
    return Status::OK();
  }
  if (ts.IsKind(K::kIdent)) return UnsupportedAt(add, StrCat("ADD ", ToUpper(ts.Peek().text)));
  return ts.SyntaxError("\"VERTEX\", \"DIRECTED EDGE\" or \"UNDIRECTED EDGE\"");
}

// DROP VERTEX a, b | DROP EDGE e inside a job: one action per name; "DROP" has been consumed.
Status ParseJobDrop(TokenStream& ts, const Token& drop, std::vector<SchemaChangeAction>& actions) {
  const bool vertex = ts.IsKeyword("VERTEX");
  if (!vertex && !ts.IsKeyword("EDGE")) {
    if (ts.IsKind(K::kIdent)) return UnsupportedAt(drop, StrCat("DROP ", ToUpper(ts.Peek().text)));
    return ts.SyntaxError("\"VERTEX\" or \"EDGE\"");
  }
  // DROP VERTEX a FROM GRAPH g: look past the names for FROM.
  for (size_t i = 2;; i += 2) {
    if (ts.IsKeyword("FROM", i)) return ParseGraphMembership(ts, false, actions);
    if (!ts.IsSymbol(",", i)) break;
  }
  ts.Next();
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<std::string> names, ParseNameList(ts, "a type name"));
  for (const std::string& n : names) {
    SchemaChangeAction a;
    a.kind = vertex ? ActionKind::kDropVertex : ActionKind::kDropEdge;
    a.on_edge = !vertex;
    a.type_name = n;
    actions.push_back(std::move(a));
  }
  return Status::OK();
}

// [GLOBAL] SCHEMA_CHANGE JOB j [FOR GRAPH g] "{" {action ";"} "}"; "CREATE" has been consumed.
Result<StatementBody> ParseSchemaChangeJob(TokenStream& ts) {
  CreateSchemaChangeJobStmt st;
  st.global = ts.AcceptKeyword("GLOBAL");
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("SCHEMA_CHANGE"));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("JOB"));
  ICEGRAPH_ASSIGN_OR_RAISE(st.name, ts.ExpectIdent("a job name"));
  if (ts.AcceptKeyword("FOR")) {
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("GRAPH"));
    ICEGRAPH_ASSIGN_OR_RAISE(st.graph, ts.ExpectIdent("a graph name"));
  }
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("{"));
  while (!ts.AcceptSymbol("}")) {
    const Token& at = ts.Peek();
    if (ts.AcceptKeyword("ADD")) {
      ICEGRAPH_RETURN_NOT_OK(ParseAdd(ts, at, st.actions));
    } else if (ts.AcceptKeyword("ALTER")) {
      ICEGRAPH_ASSIGN_OR_RAISE(SchemaChangeAction a, ParseAlter(ts, at));
      st.actions.push_back(std::move(a));
    } else if (ts.AcceptKeyword("DROP")) {
      ICEGRAPH_RETURN_NOT_OK(ParseJobDrop(ts, at, st.actions));
    } else if (ts.IsKind(K::kIdent)) {
      return UnsupportedAt(at, StrCat("\"", ToUpper(at.text), "\" in a schema change job"));
    } else {
      return ts.SyntaxError("ADD, ALTER, DROP or \"}\"");
    }
    // Every statement in the block ends with ';', as the GSQL reference requires.
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(";"));
  }
  return StatementBody{std::move(st)};
}

Result<StatementBody> ParseCreate(TokenStream& ts) {
  if (ts.IsKeyword("VERTEX", 1)) {
    ts.Next();
    ts.Next();
    ICEGRAPH_ASSIGN_OR_RAISE(VertexType v, gsql::ParseVertexType(ts));
    return StatementBody{CreateVertexStmt{std::move(v)}};
  }
  if (ts.IsKeyword("DIRECTED", 1) || ts.IsKeyword("UNDIRECTED", 1) || ts.IsKeyword("EDGE", 1)) {
    ts.Next();
    ICEGRAPH_ASSIGN_OR_RAISE(EdgeType e, gsql::ParseEdgeType(ts));
    return StatementBody{CreateEdgeStmt{std::move(e)}};
  }
  if (ts.IsKeyword("GRAPH", 1)) {
    ts.Next();
    ts.Next();
    return ParseCreateGraph(ts);
  }
  if (ts.IsKeyword("LOADING", 1)) {
    ts.Next();
    ts.Next();
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("JOB"));
    ICEGRAPH_ASSIGN_OR_RAISE(LoadingJob job, gsql::ParseLoadingJob(ts));
    return StatementBody{CreateLoadingJobStmt{std::move(job)}};
  }
  if (ts.IsKeyword("SCHEMA_CHANGE", 1) || (ts.IsKeyword("GLOBAL", 1) && ts.IsKeyword("SCHEMA_CHANGE", 2))) {
    ts.Next();
    return ParseSchemaChangeJob(ts);
  }
  return UnsupportedStatement(ts);
}

Result<StatementBody> ParseDrop(TokenStream& ts) {
  using What = DropStmt::What;
  DropStmt d;
  if (ts.IsKeyword("ALL", 1)) {
    ts.Next();
    ts.Next();
    d.what = What::kAll;
    return StatementBody{std::move(d)};
  }
  const std::string kind = ts.IsKind(K::kIdent, 1) ? ToUpper(ts.Peek(1).text) : "";
  if (kind == "VERTEX") {
    d.what = What::kVertex;
  } else if (kind == "EDGE") {
    d.what = What::kEdge;
  } else if (kind == "GRAPH") {
    d.what = What::kGraph;
  } else if (kind == "JOB") {
    d.what = What::kJob;
  } else {
    return UnsupportedStatement(ts);
  }
  ts.Next();
  ts.Next();
  if (d.what == What::kJob && (ts.AcceptSymbol("*") || ts.AcceptKeyword("ALL"))) {
    d.names = {"*"};  // DROP JOB * and DROP JOB ALL drop every job in scope
  } else if (d.what == What::kGraph) {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string g, ts.ExpectIdent("a graph name"));
    d.names = {std::move(g)};
    // CASCADE also drops the graph's queries and loading jobs (gsql-endpoints "drop one graph", cascade=true).
    d.cascade = ts.AcceptKeyword("CASCADE");
  } else {
    ICEGRAPH_ASSIGN_OR_RAISE(d.names, ParseNameList(ts, "a name"));
  }
  return StatementBody{std::move(d)};
}

Result<StatementBody> ParseRun(TokenStream& ts) {
  if (ts.IsKeyword("LOADING", 1) && ts.IsKeyword("JOB", 2)) {
    ts.Next();
    ts.Next();
    ts.Next();
    ICEGRAPH_ASSIGN_OR_RAISE(RunLoadingJobStmt r, gsql::ParseRunLoadingJob(ts));
    return StatementBody{std::move(r)};
  }
  const bool global = ts.IsKeyword("GLOBAL", 1);
  if (!ts.IsKeyword("SCHEMA_CHANGE", global ? 2 : 1)) return UnsupportedStatement(ts);
  ts.Next();
  if (global) ts.Next();
  ts.Next();
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("JOB"));
  RunSchemaChangeJobStmt r;
  ICEGRAPH_ASSIGN_OR_RAISE(r.name, ts.ExpectIdent("a job name"));
  // -N only skips reinstalling queries, and the emulator has none.
  if (ts.IsSymbol("-") && ts.IsKeyword("N", 1)) {
    ts.Next();
    ts.Next();
  }
  return StatementBody{std::move(r)};
}

// SHOW VERTEX|EDGE|GRAPH|JOB [name|glob|*]: a missing pattern (end of line) means every one.
Result<StatementBody> ParseShow(TokenStream& ts) {
  const std::string what = ts.IsKind(K::kIdent, 1) ? ToUpper(ts.Peek(1).text) : "";
  if (what != "VERTEX" && what != "EDGE" && what != "GRAPH" && what != "JOB") return UnsupportedStatement(ts);
  const Token& show = ts.Next();
  ts.Next();
  ShowStmt s{what, "*"};
  if (ts.IsSymbol("-")) return UnsupportedAt(show, StrCat("SHOW ", what, " -r (regular expressions)"));
  if (ts.AtEnd() || ts.IsSymbol(";") || ts.AtNewLine()) return StatementBody{std::move(s)};
  // A glob such as Person* lexes as adjacent tokens; glue them back together.
  s.pattern.clear();
  size_t end = ts.Previous().end;
  while ((ts.IsKind(K::kIdent) || ts.IsKind(K::kNumber) || ts.IsSymbol("*")) &&
         (s.pattern.empty() || ts.Peek().offset == end)) {
    s.pattern += ts.Peek().text;
    end = ts.Next().end;
  }
  if (s.pattern.empty()) return ts.SyntaxError("a name, a glob pattern or *");
  return StatementBody{std::move(s)};
}

// SET session_parameter = value (gsql-ref system-and-language-basics "Session parameters"). exit_on_error takes
// true or false, case-insensitive; the other documented parameters (sys.data_root, gsql_src_dir, syntax_version,
// export_timeout, single_gpr, cost-opt) change nothing the emulator runs, so they are refused by name.
Result<StatementBody> ParseSet(TokenStream& ts) {
  const Token& set = ts.Next();
  const Token& name = ts.Peek();
  ICEGRAPH_ASSIGN_OR_RAISE(std::string param, ts.ExpectIdent("a session parameter name"));
  if (param != "exit_on_error") return UnsupportedAt(set, StrCat("the session parameter \"", param, "\""));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("="));
  const Token& value = ts.Peek();
  std::string v;
  if (value.kind == K::kIdent || value.kind == K::kString) {
    v = ToUpper(value.text);
    ts.Next();
  }
  if (v != "TRUE" && v != "FALSE") return gsql::InvalidAt(name, "exit_on_error accepts true or false");
  return StatementBody{SetStmt{std::move(param), v == "TRUE" ? "true" : "false"}};
}

// TYPEDEF TUPLE "<" field type ["(" size ")"] {"," ...} ">" Name (gsql-ref attribute-data-types "User-defined
// tuples"): field types INT and UINT (optional size 1, 2, 4 or 8 bytes, default 8), FLOAT, DOUBLE, DATETIME, BOOL
// and STRING (size in characters required).
Result<StatementBody> ParseTypedefTuple(TokenStream& ts) {
  ts.Next();
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("TUPLE"));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("<"));
  TypedefTupleStmt st;
  do {
    TupleField f;
    const Token& name = ts.Peek();
    ICEGRAPH_ASSIGN_OR_RAISE(f.name, ts.ExpectIdent("a tuple field name"));
    for (const TupleField& other : st.tuple.fields) {
      if (other.name == f.name) return gsql::InvalidAt(name, StrCat("the tuple field ", f.name, " is given twice"));
    }
    if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("a tuple field type");
    const Token& type = ts.Next();
    const std::string upper = ToUpper(type.text);
    static constexpr Kind kFieldKinds[] = {Kind::kInt,      Kind::kUint, Kind::kFloat, Kind::kDouble,
                                           Kind::kDatetime, Kind::kBool, Kind::kString};
    const std::optional<Kind> kind = ParseScalarKind(upper);
    if (!kind || std::find(std::begin(kFieldKinds), std::end(kFieldKinds), *kind) == std::end(kFieldKinds)) {
      return gsql::InvalidAt(type, StrCat("a tuple field cannot be of type \"", type.text,
                                          "\"; it must be INT, UINT, FLOAT, DOUBLE, DATETIME, BOOL or STRING"));
    }
    f.kind = *kind;
    const bool sized = f.kind == Kind::kInt || f.kind == Kind::kUint || f.kind == Kind::kString;
    if (ts.AcceptSymbol("(")) {
      if (!sized) return gsql::InvalidAt(type, StrCat("a ", upper, " tuple field takes no size"));
      if (!ts.IsKind(K::kNumber)) return ts.SyntaxError("a field size");
      const Token& size = ts.Next();
      const bool digits = !size.text.empty() && size.text.size() <= 6 &&
                          std::all_of(size.text.begin(), size.text.end(), [](char c) { return c >= '0' && c <= '9'; });
      f.length = digits ? std::stoi(size.text) : -1;
      ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
      if (f.kind != Kind::kString && f.length != 1 && f.length != 2 && f.length != 4 && f.length != 8) {
        return gsql::InvalidAt(size,
                               StrCat("the size of the ", upper, " field ", f.name, " must be 1, 2, 4 or 8 bytes"));
      }
      if (f.kind == Kind::kString && f.length <= 0) {
        return gsql::InvalidAt(size, StrCat("the size of the STRING field ", f.name, " must be a positive number"));
      }
    } else if (f.kind == Kind::kString) {
      return gsql::InvalidAt(type, StrCat("the STRING field ", f.name, " needs a size in characters, e.g. STRING(10)"));
    } else if (sized) {
      f.length = 8;
    }
    st.tuple.fields.push_back(std::move(f));
  } while (ts.AcceptSymbol(","));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(">"));
  ICEGRAPH_ASSIGN_OR_RAISE(st.tuple.name, ts.ExpectIdent("a tuple name"));
  return StatementBody{std::move(st)};
}

Result<StatementBody> ParseStatement(TokenStream& ts) {
  if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("a GSQL statement");
  if (ts.IsKeyword("CREATE")) return ParseCreate(ts);
  if (ts.IsKeyword("DROP")) return ParseDrop(ts);
  if (ts.IsKeyword("RUN")) return ParseRun(ts);
  if (ts.IsKeyword("SHOW")) return ParseShow(ts);
  if (ts.AcceptKeyword("LS")) return StatementBody{ShowStmt{"LS", "*"}};
  if (ts.IsKeyword("SET")) return ParseSet(ts);
  if (ts.IsKeyword("TYPEDEF") && ts.IsKeyword("TUPLE", 1)) return ParseTypedefTuple(ts);
  if (ts.IsKeyword("USE")) {
    ts.Next();
    if (ts.AcceptKeyword("GLOBAL")) return StatementBody{UseGlobalStmt{}};
    if (!ts.AcceptKeyword("GRAPH")) return ts.SyntaxError("\"GRAPH\" or \"GLOBAL\"");
    ICEGRAPH_ASSIGN_OR_RAISE(std::string g, ts.ExpectIdent("a graph name"));
    return StatementBody{UseGraphStmt{std::move(g)}};
  }
  return UnsupportedStatement(ts);
}

}  // namespace

Result<std::vector<Statement>> ParseGsql(std::string_view text) {
  ICEGRAPH_ASSIGN_OR_RAISE(std::vector<Token> tokens, gsql::LexGsql(text));
  TokenStream ts(text, std::move(tokens));
  std::vector<Statement> out;
  while (!ts.AtEnd()) {
    if (ts.AcceptSymbol(";")) continue;
    // BEGIN ... END only groups lines into one command in the GSQL shell; statements here already span lines.
    if (ts.AcceptKeyword("BEGIN") || ts.AcceptKeyword("END")) continue;
    const Token& first = ts.Peek();
    ICEGRAPH_ASSIGN_OR_RAISE(StatementBody body, ParseStatement(ts));
    // Statements end at ';', a line break or the next statement's keyword; anything else is left over.
    if (!ts.AtEnd() && !ts.IsSymbol(";") && !ts.AtNewLine() && !IsStatementStart(ts)) {
      return ts.SyntaxError("\";\" or a new line");
    }
    Statement st;
    st.body = std::move(body);
    st.line = first.line;
    st.text = std::string(text.substr(first.offset, ts.Previous().end - first.offset));
    if (auto* create = std::get_if<CreateLoadingJobStmt>(&st.body)) create->job.source_text = st.text;
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace icegraph::emulator
