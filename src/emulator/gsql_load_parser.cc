#include "emulator/gsql_load_parser.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>
#include <vector>

namespace icegraph::emulator::gsql {
namespace {

using K = Token::Kind;

constexpr std::string_view kExprExpected = "$N, $\"column\", _, a literal or a function call";

Result<TokenExpr> ParseTokenExpr(TokenStream& ts, bool bare_word_ok);

Result<int> ColumnIndex(const Token& t) {
  int index = 0;
  const char* const last = t.text.data() + t.text.size();
  const auto [ptr, ec] = std::from_chars(t.text.data(), last, index);
  if (ec != std::errc() || ptr != last) return InvalidAt(t, StrCat("the column $", t.text, " is out of range"));
  return index;
}

// name "(" [expr {, expr}] ")"; the name has been seen but not consumed.
Result<TokenExpr> ParseFunctionCall(TokenStream& ts) {
  TokenExpr e;
  e.kind = TokenExpr::Kind::kFunction;
  e.text = ts.Next().text;
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
  if (ts.AcceptSymbol(")")) return e;
  do {
    ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr arg, ParseTokenExpr(ts, false));
    e.args.push_back(std::move(arg));
  } while (ts.AcceptSymbol(","));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
  return e;
}

// $N, $"name", _, "literal", 123, f(args); a bare word only where a vertex type name may stand.
Result<TokenExpr> ParseTokenExpr(TokenStream& ts, bool bare_word_ok) {
  const Token& t = ts.Peek();
  TokenExpr e;
  switch (t.kind) {
    case K::kColumnIndex: {
      e.kind = TokenExpr::Kind::kColumnIndex;
      ICEGRAPH_ASSIGN_OR_RAISE(e.index, ColumnIndex(t));
      break;
    }
    case K::kColumnName:
      e.kind = TokenExpr::Kind::kColumnName;
      e.text = t.text;
      break;
    case K::kString:
    case K::kNumber:
      e.kind = TokenExpr::Kind::kLiteral;
      e.text = t.text;
      break;
    case K::kIdent:
      if (ts.IsSymbol("(", 1)) return ParseFunctionCall(ts);
      if (t.text == "_") {
        e.kind = TokenExpr::Kind::kDefault;
      } else if (bare_word_ok) {
        e.kind = TokenExpr::Kind::kLiteral;
        e.text = t.text;
      } else {
        return ts.SyntaxError(kExprExpected);
      }
      break;
    default:
      if (ts.IsSymbol("(")) return UnsupportedAt(t, "nested value lists (composite keys, map pairs) in VALUES");
      return ts.SyntaxError(kExprExpected);
  }
  ts.Next();
  return e;
}

Result<Condition> ParseOr(TokenStream& ts);

// An operand followed by a predicate: a comparison, IS [NOT] NUMERIC|EMPTY, [NOT] IN (...), BETWEEN a AND b.
Result<Condition> ParsePredicate(TokenStream& ts) {
  Condition c;
  ICEGRAPH_ASSIGN_OR_RAISE(c.lhs, ParseTokenExpr(ts, false));
  const Token& op = ts.Peek();
  if (ts.AcceptKeyword("IS")) {
    c.negated = ts.AcceptKeyword("NOT");
    if (ts.AcceptKeyword("NUMERIC")) {
      c.kind = Condition::Kind::kIsNumeric;
    } else if (ts.AcceptKeyword("EMPTY")) {
      c.kind = Condition::Kind::kIsEmpty;
    } else {
      return ts.SyntaxError("\"NUMERIC\" or \"EMPTY\"");
    }
    return c;
  }
  if (ts.IsKeyword("IN") || (ts.IsKeyword("NOT") && ts.IsKeyword("IN", 1))) {
    c.negated = ts.AcceptKeyword("NOT");
    ts.Next();
    c.kind = Condition::Kind::kIn;
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
    do {
      ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr v, ParseTokenExpr(ts, false));
      c.rhs.push_back(std::move(v));
    } while (ts.AcceptSymbol(","));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
    return c;
  }
  if (ts.AcceptKeyword("BETWEEN")) {
    c.kind = Condition::Kind::kBetween;
    ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr low, ParseTokenExpr(ts, false));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("AND"));
    ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr high, ParseTokenExpr(ts, false));
    c.rhs.push_back(std::move(low));
    c.rhs.push_back(std::move(high));
    return c;
  }
  for (const std::string_view cmp : {"==", "!=", "<=", ">=", "<", ">"}) {
    if (!ts.AcceptSymbol(cmp)) continue;
    c.kind = Condition::Kind::kCompare;
    c.op = std::string(cmp);
    ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr rhs, ParseTokenExpr(ts, false));
    c.rhs.push_back(std::move(rhs));
    return c;
  }
  for (const std::string_view arith : {"+", "-", "*", "/", "^"}) {
    if (ts.IsSymbol(arith)) return UnsupportedAt(op, "arithmetic (+ - * / ^) in a WHERE condition");
  }
  if (c.lhs.kind == TokenExpr::Kind::kFunction) {
    return UnsupportedAt(op, StrCat("the function ", c.lhs.text, "() as a WHERE condition; compare its value instead"));
  }
  return ts.SyntaxError("a comparison (== != < <= > >=), IS, IN or BETWEEN");
}

Result<Condition> ParseNot(TokenStream& ts) {
  if (ts.AcceptKeyword("NOT")) {
    Condition c;
    c.kind = Condition::Kind::kNot;
    ICEGRAPH_ASSIGN_OR_RAISE(Condition inner, ParseNot(ts));
    c.children.push_back(std::move(inner));
    return c;
  }
  if (ts.AcceptSymbol("(")) {
    ICEGRAPH_ASSIGN_OR_RAISE(Condition inner, ParseOr(ts));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
    return inner;
  }
  return ParsePredicate(ts);
}

// A chain `operand {KEYWORD operand}` folded into one kAnd/kOr node; a single operand stays as it is.
template <typename Operand>
Result<Condition> ParseChain(TokenStream& ts, std::string_view keyword, Condition::Kind kind, Operand operand) {
  ICEGRAPH_ASSIGN_OR_RAISE(Condition first, operand(ts));
  if (!ts.IsKeyword(keyword)) return first;
  Condition c;
  c.kind = kind;
  c.children.push_back(std::move(first));
  while (ts.AcceptKeyword(keyword)) {
    ICEGRAPH_ASSIGN_OR_RAISE(Condition next, operand(ts));
    c.children.push_back(std::move(next));
  }
  return c;
}

Result<Condition> ParseAnd(TokenStream& ts) { return ParseChain(ts, "AND", Condition::Kind::kAnd, ParseNot); }
Result<Condition> ParseOr(TokenStream& ts) { return ParseChain(ts, "OR", Condition::Kind::kOr, ParseAnd); }

Result<bool> BoolValue(const Token& key, const Token& value_at, const std::string& value) {
  const std::string v = ToUpper(value);
  if (v == "TRUE" || v == "FALSE") return v == "TRUE";
  return InvalidAt(value_at, StrCat(key.text, " must be \"true\" or \"false\", not \"", value, "\""));
}

// One ASCII character, "\t", or "\" and a decimal ASCII code, as the USING SEPARATOR reference allows.
Result<char> SeparatorValue(const Token& value_at, const std::string& v) {
  if (v.size() == 1 && static_cast<unsigned char>(v[0]) < 128) return v[0];
  if (v == "\\t") return '\t';
  if (v.size() >= 2 && v.size() <= 4 && v[0] == '\\') {
    int code = 0;
    const auto [ptr, ec] = std::from_chars(v.data() + 1, v.data() + v.size(), code);
    if (ec == std::errc() && ptr == v.data() + v.size() && code > 0 && code < 128) return static_cast<char>(code);
  }
  return InvalidAt(value_at, StrCat("SEPARATOR must be one ASCII character, \"\\t\" or \"\\\" and a decimal ASCII "
                                    "code such as \"\\30\", not \"",
                                    v, "\""));
}

// [USING key="value" {, key="value"}]
Result<LoadingOptions> ParseUsing(TokenStream& ts) {
  LoadingOptions o;
  if (!ts.AcceptKeyword("USING")) return o;
  std::vector<std::string> seen;
  do {
    if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("a USING option such as SEPARATOR");
    const Token& key = ts.Next();
    const std::string k = ToUpper(key.text);
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) {
      return InvalidAt(key, StrCat("the USING option ", key.text, " is given twice"));
    }
    seen.push_back(k);
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("="));
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string value, ts.ExpectString("a quoted option value"));
    const Token& value_at = ts.Previous();
    if (k == "SEPARATOR") {
      ICEGRAPH_ASSIGN_OR_RAISE(o.separator, SeparatorValue(value_at, value));
    } else if (k == "HEADER") {
      ICEGRAPH_ASSIGN_OR_RAISE(o.header, BoolValue(key, value_at, value));
    } else if (k == "EOL") {
      if (value.empty()) return InvalidAt(value_at, "EOL cannot be empty");
      o.eol = value;
    } else if (k == "QUOTE") {
      const std::string q = ToUpper(value);
      if (q != "DOUBLE" && q != "SINGLE") {
        return InvalidAt(value_at, StrCat("QUOTE must be \"single\" or \"double\", not \"", value, "\""));
      }
      o.quote = q == "DOUBLE" ? '"' : '\'';
    } else if (k == "JSON_FILE" || k == "NEW_VERTEX_ONLY" || k == "VERTEX_MUST_EXIST") {
      ICEGRAPH_ASSIGN_OR_RAISE(const bool on, BoolValue(key, value_at, value));
      if (on) return UnsupportedAt(key, StrCat("USING ", k, "=\"true\""));  // "false" is the default behaviour
    } else if (k == "USER_DEFINED_HEADER" || k == "REJECT_LINE_RULE") {
      return UnsupportedAt(key, StrCat("USING ", k));
    } else {
      return InvalidAt(key, StrCat("unknown USING option ", key.text,
                                   " (the options are SEPARATOR, EOL, QUOTE, HEADER, USER_DEFINED_HEADER, "
                                   "REJECT_LINE_RULE, JSON_FILE, NEW_VERTEX_ONLY and VERTEX_MUST_EXIST)"));
    }
  } while (ts.AcceptSymbol(","));
  return o;
}

Result<std::optional<Condition>> ParseOptionalWhere(TokenStream& ts) {
  if (!ts.AcceptKeyword("WHERE")) return std::optional<Condition>();
  ICEGRAPH_ASSIGN_OR_RAISE(Condition c, ParseOr(ts));
  return std::optional<Condition>(std::move(c));
}

Result<std::string> ParseFileVar(TokenStream& ts, const LoadingJob& job) {
  if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("a filename variable");
  const Token& at = ts.Next();
  if (std::find(job.filename_vars.begin(), job.filename_vars.end(), at.text) == job.filename_vars.end()) {
    return InvalidAt(at, StrCat("the filename variable ", at.text, " is not defined; DEFINE FILENAME ", at.text,
                                "; must come first"));
  }
  return at.text;
}

// An edge endpoint in VALUES or DELETE: id_expr [type_expr].
Status ParseEndpoint(TokenStream& ts, LoadStatement& s, std::optional<TokenExpr>& type) {
  ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr id, ParseTokenExpr(ts, false));
  s.values.push_back(std::move(id));
  if (ts.IsSymbol(",") || ts.IsSymbol(")")) return Status::OK();
  ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr t, ParseTokenExpr(ts, true));
  type = std::move(t);
  return Status::OK();
}

// LOAD f TO VERTEX|EDGE T VALUES (...) [WHERE c] {, TO ...} [USING ...]; "LOAD" has been consumed.
Status ParseLoad(TokenStream& ts, LoadingJob& job) {
  const Token& source = ts.Peek();
  if (ts.IsKind(K::kString)) return UnsupportedAt(source, "LOAD from a quoted file path; DEFINE FILENAME a variable");
  if (ts.IsKeyword("TEMP_TABLE")) return UnsupportedAt(source, "LOAD TEMP_TABLE");
  ICEGRAPH_ASSIGN_OR_RAISE(const std::string var, ParseFileVar(ts, job));
  std::vector<LoadStatement> targets;
  do {
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("TO"));
    LoadStatement s;
    s.filename_var = var;
    const Token& dest = ts.Peek();
    if (ts.AcceptKeyword("VERTEX")) {
      s.target = LoadStatement::Target::kVertex;
    } else if (ts.AcceptKeyword("EDGE")) {
      s.target = LoadStatement::Target::kEdge;
    } else if (ts.IsKeyword("TEMP_TABLE")) {
      return UnsupportedAt(dest, "LOAD ... TO TEMP_TABLE");
    } else {
      return ts.SyntaxError("\"VERTEX\" or \"EDGE\"");
    }
    ICEGRAPH_ASSIGN_OR_RAISE(s.type_name, ts.ExpectIdent("a type name"));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("VALUES"));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
    const bool edge = s.target == LoadStatement::Target::kEdge;
    do {
      if (edge && s.values.size() < 2) {
        ICEGRAPH_RETURN_NOT_OK(ParseEndpoint(ts, s, s.values.empty() ? s.from_type : s.to_type));
      } else {
        ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr v, ParseTokenExpr(ts, false));
        s.values.push_back(std::move(v));
      }
      if (ts.IsSymbol("->")) return UnsupportedAt(ts.Peek(), "map pairs (a -> b) in VALUES");
    } while (ts.AcceptSymbol(","));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
    ICEGRAPH_ASSIGN_OR_RAISE(s.where, ParseOptionalWhere(ts));
    targets.push_back(std::move(s));
  } while (ts.AcceptSymbol(","));
  if (ts.IsKeyword("TAGS")) return UnsupportedAt(ts.Peek(), "the TAGS clause");
  ICEGRAPH_ASSIGN_OR_RAISE(const LoadingOptions options, ParseUsing(ts));
  for (LoadStatement& s : targets) {
    s.options = options;
    job.statements.push_back(std::move(s));
  }
  return Status::OK();
}

// DELETE VERTEX T (PRIMARY_ID e) | DELETE EDGE T (FROM e [t], TO e [t] [, DISCRIMINATOR (e, ...)])
//   FROM f [WHERE c] [USING ...]; "DELETE" has been consumed.
Status ParseDelete(TokenStream& ts, LoadingJob& job) {
  LoadStatement s;
  const Token& what = ts.Peek();
  if (ts.AcceptKeyword("VERTEX")) {
    s.target = LoadStatement::Target::kDeleteVertex;
    ICEGRAPH_ASSIGN_OR_RAISE(s.type_name, ts.ExpectIdent("a vertex type name"));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("PRIMARY_ID"));
    ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr id, ParseTokenExpr(ts, false));
    s.values.push_back(std::move(id));
  } else if (ts.AcceptKeyword("EDGE")) {
    s.target = LoadStatement::Target::kDeleteEdge;
    if (ts.IsSymbol("*")) return UnsupportedAt(what, "DELETE EDGE * (deleting every edge of a vertex)");
    ICEGRAPH_ASSIGN_OR_RAISE(s.type_name, ts.ExpectIdent("an edge type name"));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("FROM"));
    ICEGRAPH_RETURN_NOT_OK(ParseEndpoint(ts, s, s.from_type));
    if (ts.IsSymbol(")")) return UnsupportedAt(what, "DELETE EDGE with only a FROM vertex");
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(","));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("TO"));
    ICEGRAPH_RETURN_NOT_OK(ParseEndpoint(ts, s, s.to_type));
    if (ts.AcceptSymbol(",")) {
      ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("DISCRIMINATOR"));
      ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
      do {
        ICEGRAPH_ASSIGN_OR_RAISE(TokenExpr d, ParseTokenExpr(ts, false));
        s.values.push_back(std::move(d));
      } while (ts.AcceptSymbol(","));
      ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
    }
  } else {
    return ts.SyntaxError("\"VERTEX\" or \"EDGE\"");
  }
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("FROM"));
  ICEGRAPH_ASSIGN_OR_RAISE(s.filename_var, ParseFileVar(ts, job));
  ICEGRAPH_ASSIGN_OR_RAISE(s.where, ParseOptionalWhere(ts));
  ICEGRAPH_ASSIGN_OR_RAISE(s.options, ParseUsing(ts));
  job.statements.push_back(std::move(s));
  return Status::OK();
}

// DEFINE FILENAME f [= "path"]; "DEFINE" has been consumed.
Status ParseDefine(TokenStream& ts, const Token& define, LoadingJob& job) {
  if (ts.IsKeyword("HEADER") || ts.IsKeyword("INPUT_LINE_FILTER")) {
    return UnsupportedAt(define, StrCat("DEFINE ", ToUpper(ts.Peek().text)));
  }
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("FILENAME"));
  if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("a filename variable");
  const Token& var = ts.Next();
  if (std::find(job.filename_vars.begin(), job.filename_vars.end(), var.text) != job.filename_vars.end()) {
    return InvalidAt(var, StrCat("the filename variable ", var.text, " is defined twice"));
  }
  job.filename_vars.push_back(var.text);
  if (ts.AcceptSymbol("=")) {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string path, ts.ExpectString("a quoted file path"));
    job.filename_defaults[var.text] = std::move(path);
  }
  return Status::OK();
}

}  // namespace

Result<LoadingJob> ParseLoadingJob(TokenStream& ts) {
  LoadingJob job;
  ICEGRAPH_ASSIGN_OR_RAISE(job.name, ts.ExpectIdent("a loading job name"));
  if (ts.AcceptKeyword("FOR")) {
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("GRAPH"));
    ICEGRAPH_ASSIGN_OR_RAISE(job.graph, ts.ExpectIdent("a graph name"));
  }
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("{"));
  const Token* first_load = nullptr;
  const Token* first_delete = nullptr;
  while (!ts.AcceptSymbol("}")) {
    const Token& at = ts.Peek();
    if (ts.AcceptKeyword("DEFINE")) {
      ICEGRAPH_RETURN_NOT_OK(ParseDefine(ts, at, job));
    } else if (ts.AcceptKeyword("LOAD")) {
      if (first_load == nullptr) first_load = &at;
      ICEGRAPH_RETURN_NOT_OK(ParseLoad(ts, job));
    } else if (ts.AcceptKeyword("DELETE")) {
      if (first_delete == nullptr) first_delete = &at;
      ICEGRAPH_RETURN_NOT_OK(ParseDelete(ts, job));
    } else if (ts.IsKind(K::kIdent)) {
      return UnsupportedAt(at, StrCat("\"", ToUpper(at.text), "\" in a loading job"));
    } else {
      return ts.SyntaxError("DEFINE, LOAD, DELETE or \"}\"");
    }
    if (first_load != nullptr && first_delete != nullptr) {
      return InvalidAt(at, StrCat("the loading job ", job.name,
                                  " has both LOAD and DELETE statements; a loading job may have one kind only"));
    }
    // Every statement in the block ends with ';', as the GSQL reference requires.
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(";"));
  }
  return job;
}

Result<RunLoadingJobStmt> ParseRunLoadingJob(TokenStream& ts) {
  RunLoadingJobStmt r;
  while (ts.IsSymbol("-")) {
    const Token& dash = ts.Next();
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string flag, ts.ExpectIdent("a RUN LOADING JOB option"));
    // -noprint only silences progress output, which the emulator never prints.
    if (ToUpper(flag) != "NOPRINT") return UnsupportedAt(dash, StrCat("RUN LOADING JOB -", flag));
  }
  ICEGRAPH_ASSIGN_OR_RAISE(r.name, ts.ExpectIdent("a loading job name"));
  if (!ts.AcceptKeyword("USING")) return r;
  do {
    if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("a filename variable");
    const Token& key = ts.Next();
    const std::string upper = ToUpper(key.text);
    if (upper == "CONCURRENCY" || upper == "BATCH_SIZE") {
      // Performance knobs of the real loader: they do not change what gets loaded.
      ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("="));
      if (!ts.IsKind(K::kNumber) && !ts.IsKind(K::kString)) return ts.SyntaxError("a number");
      ts.Next();
      continue;
    }
    if (upper == "EOF") return UnsupportedAt(key, "RUN LOADING JOB ... USING EOF");
    if (!ts.AcceptSymbol("=")) return UnsupportedAt(key, "USING a filename variable without a path");
    ICEGRAPH_ASSIGN_OR_RAISE(std::string path, ts.ExpectString("a quoted file path"));
    for (const auto& [var, unused] : r.using_files) {
      if (var == key.text) return InvalidAt(key, StrCat("the filename variable ", key.text, " is given twice"));
    }
    r.using_files.emplace_back(key.text, std::move(path));
  } while (ts.AcceptSymbol(","));
  return r;
}

}  // namespace icegraph::emulator::gsql
