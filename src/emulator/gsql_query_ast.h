// The syntax tree of an interpreted GSQL query (gsql_query.h) and its parser; gsql_query.cc runs it.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/status.h"

namespace icegraph::emulator::query {

struct Expr {  // NOLINT(bugprone-exception-escape): json() is noexcept; clang-tidy 14 looks through it
  enum class Op { kLiteral, kName, kAccum, kField, kNot, kNeg, kBinary } op = Op::kLiteral;
  nlohmann::json literal;
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

/// Parses "INTERPRET QUERY [name] (params) FOR GRAPH g [SYNTAX v1|v2] { ... }"; errors name the line and refuse
/// what the subset leaves out by name.
Result<Query> ParseQuery(std::string_view text);

}  // namespace icegraph::emulator::query
