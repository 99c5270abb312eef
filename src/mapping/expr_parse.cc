// Parsing of mapping expressions and `where` conditions (expr.h): the lexer, the recursive-descent parser, and the
// text form back. Binding and evaluation are expr.cc.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "mapping/expr.h"

namespace icegraph::mapping {
namespace {

struct Tok {
  enum class Kind { kIdent, kString, kNumber, kSymbol, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  size_t pos = 0;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

Result<std::vector<Tok>> Lex(std::string_view s) {
  std::vector<Tok> out;
  size_t i = 0;
  const auto ident_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
      continue;
    }
    Tok t;
    t.pos = i;
    if (c == '\'') {
      t.kind = Tok::Kind::kString;
      ++i;
      for (;;) {
        if (i >= s.size()) return Status::Invalid(fmt::format("unterminated string starting at offset {}", t.pos));
        if (s[i] == '\'') {
          if (i + 1 < s.size() && s[i + 1] == '\'') {
            t.text += '\'';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        t.text += s[i++];
      }
    } else if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
               ((c == '-' || c == '.') && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) != 0 &&
                (out.empty() || out.back().kind == Tok::Kind::kSymbol))) {
      t.kind = Tok::Kind::kNumber;
      const size_t start = i++;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) != 0 || s[i] == '.' ||
                              ((s[i] == '-' || s[i] == '+') && (s[i - 1] == 'e' || s[i - 1] == 'E')))) {
        ++i;
      }
      t.text = std::string(s.substr(start, i - start));
    } else if (std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_') {
      t.kind = Tok::Kind::kIdent;
      const size_t start = i;
      while (i < s.size() && (ident_char(s[i]) || (s[i] == '.' && i + 1 < s.size() && ident_char(s[i + 1])))) ++i;
      t.text = std::string(s.substr(start, i - start));
    } else {
      t.kind = Tok::Kind::kSymbol;
      for (const std::string_view op : {"==", "!=", "<>", "<=", ">=", "=", "<", ">", "(", ")", ","}) {
        if (s.substr(i, op.size()) == op) {
          t.text = std::string(op);
          break;
        }
      }
      if (t.text.empty()) return Status::Invalid(fmt::format("unexpected character '{}' at offset {}", c, i));
      i += t.text.size();
    }
    out.push_back(std::move(t));
  }
  Tok end;
  end.pos = s.size();
  out.push_back(end);
  return out;
}

class Parser {
 public:
  explicit Parser(std::vector<Tok> toks) : toks_(std::move(toks)) {}

  const Tok& Peek() const { return toks_[pos_]; }
  bool AtEnd() const { return Peek().kind == Tok::Kind::kEnd; }
  bool IsSymbol(std::string_view s) const { return Peek().kind == Tok::Kind::kSymbol && Peek().text == s; }
  bool IsKeyword(std::string_view k) const { return Peek().kind == Tok::Kind::kIdent && Lower(Peek().text) == k; }
  bool Accept(std::string_view s) {
    if (!IsSymbol(s) && !IsKeyword(s)) return false;
    ++pos_;
    return true;
  }
  Status Error(std::string_view expected) const {
    const std::string got = AtEnd() ? "the end" : fmt::format("'{}'", Peek().text);
    return Status::Invalid(fmt::format("expected {} at offset {}, got {}", expected, Peek().pos, got));
  }
  Status Expect(std::string_view s) { return Accept(s) ? Status::OK() : Error(fmt::format("'{}'", s)); }

  Result<Expr> Primary() {
    const Tok& t = Peek();
    Expr e;
    switch (t.kind) {
      case Tok::Kind::kString:
        e.kind = Expr::Kind::kString;
        e.text = t.text;
        ++pos_;
        return e;
      case Tok::Kind::kNumber: {
        e.kind = Expr::Kind::kNumber;
        e.text = t.text;
        double d = 0;
        size_t used = 0;
        try {
          d = std::stod(t.text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        (void)d;
        if (used != t.text.size()) return Status::Invalid(fmt::format("'{}' is not a number", t.text));
        ++pos_;
        return e;
      }
      case Tok::Kind::kIdent: break;
      default: return Error("a column, a literal or a function call");
    }
    ++pos_;
    if (!IsSymbol("(")) {
      e.kind = Expr::Kind::kColumn;
      e.text = t.text;
      return e;
    }
    const std::string fn = Lower(t.text);
    ++pos_;
    if (fn == "cast") {
      e.kind = Expr::Kind::kCast;
      ICEGRAPH_ASSIGN_OR_RAISE(Expr arg, Primary());
      e.args.push_back(std::move(arg));
      ICEGRAPH_RETURN_NOT_OK(Expect("as"));
      if (Peek().kind != Tok::Kind::kIdent) return Error("a type (int, uint, double, float, string, bool, datetime)");
      const std::string type = Lower(Peek().text);
      ++pos_;
      if (type == "int") {
        e.cast_to = TgKind::kInt;
      } else if (type == "uint") {
        e.cast_to = TgKind::kUint;
      } else if (type == "double") {
        e.cast_to = TgKind::kDouble;
      } else if (type == "float") {
        e.cast_to = TgKind::kFloat;
      } else if (type == "string") {
        e.cast_to = TgKind::kString;
      } else if (type == "bool") {
        e.cast_to = TgKind::kBool;
      } else if (type == "datetime") {
        e.cast_to = TgKind::kDatetime;
      } else {
        return Status::Invalid(
            fmt::format("cast to unknown type '{}' (int, uint, double, float, string, bool, "
                        "datetime)",
                        type));
      }
      e.text = "cast";
      ICEGRAPH_RETURN_NOT_OK(Expect(")"));
      return e;
    }
    if (fn == "concat") {
      e.kind = Expr::Kind::kConcat;
    } else if (fn == "lower") {
      e.kind = Expr::Kind::kLower;
    } else if (fn == "upper") {
      e.kind = Expr::Kind::kUpper;
    } else if (fn == "coalesce") {
      e.kind = Expr::Kind::kCoalesce;
    } else {
      return Status::Invalid(fmt::format("unknown function '{}' (cast, concat, lower, upper, coalesce)", t.text));
    }
    e.text = fn;
    do {
      ICEGRAPH_ASSIGN_OR_RAISE(Expr arg, Primary());
      e.args.push_back(std::move(arg));
    } while (Accept(","));
    ICEGRAPH_RETURN_NOT_OK(Expect(")"));
    const size_t n = e.args.size();
    if ((e.kind == Expr::Kind::kLower || e.kind == Expr::Kind::kUpper) && n != 1) {
      return Status::Invalid(fmt::format("{}() takes one argument, got {}", fn, n));
    }
    if ((e.kind == Expr::Kind::kConcat || e.kind == Expr::Kind::kCoalesce) && n < 2) {
      return Status::Invalid(fmt::format("{}() takes at least two arguments, got {}", fn, n));
    }
    return e;
  }

  Result<Condition> Or() {
    return Chain(Condition::Kind::kOr, "or", [this] { return And(); });
  }
  Result<Condition> And() {
    return Chain(Condition::Kind::kAnd, "and", [this] { return Not(); });
  }

  template <typename F>
  Result<Condition> Chain(Condition::Kind kind, std::string_view keyword, F operand) {
    ICEGRAPH_ASSIGN_OR_RAISE(Condition first, operand());
    if (!IsKeyword(keyword)) return first;
    Condition c;
    c.kind = kind;
    c.children.push_back(std::move(first));
    while (Accept(keyword)) {
      ICEGRAPH_ASSIGN_OR_RAISE(Condition next, operand());
      c.children.push_back(std::move(next));
    }
    return c;
  }

  Result<Condition> Not() {
    if (Accept("not")) {
      Condition c;
      c.kind = Condition::Kind::kNot;
      ICEGRAPH_ASSIGN_OR_RAISE(Condition inner, Not());
      c.children.push_back(std::move(inner));
      return c;
    }
    if (Accept("(")) {
      ICEGRAPH_ASSIGN_OR_RAISE(Condition inner, Or());
      ICEGRAPH_RETURN_NOT_OK(Expect(")"));
      return inner;
    }
    Condition c;
    ICEGRAPH_ASSIGN_OR_RAISE(Expr lhs, Primary());
    c.operands.push_back(std::move(lhs));
    if (Accept("is")) {
      c.kind = Accept("not") ? Condition::Kind::kIsNotNull : Condition::Kind::kIsNull;
      return Expect("null").ok() ? Result<Condition>(std::move(c)) : Result<Condition>(Error("NULL"));
    }
    for (const std::string_view op : {"==", "=", "!=", "<>", "<=", ">=", "<", ">"}) {
      if (!IsSymbol(op)) continue;
      ++pos_;
      c.kind = Condition::Kind::kCompare;
      c.op = op == "==" ? "=" : (op == "<>" ? "!=" : std::string(op));
      ICEGRAPH_ASSIGN_OR_RAISE(Expr rhs, Primary());
      c.operands.push_back(std::move(rhs));
      return c;
    }
    return Error("a comparison (= != < <= > >=) or IS [NOT] NULL");
  }

 private:
  std::vector<Tok> toks_;
  size_t pos_ = 0;
};
}  // namespace

Result<Expr> ParseExpr(std::string_view text) {
  ICEGRAPH_ASSIGN_OR_RAISE(std::vector<Tok> toks, Lex(text));
  Parser p(std::move(toks));
  ICEGRAPH_ASSIGN_OR_RAISE(Expr e, p.Primary());
  if (!p.AtEnd()) return p.Error("the end of the expression");
  return e;
}

std::string ExprToString(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kColumn:
    case Expr::Kind::kNumber: return e.text;
    case Expr::Kind::kString: {
      std::string out = "'";
      for (const char c : e.text) out += c == '\'' ? std::string("''") : std::string(1, c);
      return out + "'";
    }
    case Expr::Kind::kCast: {
      std::string t = TgType{e.cast_to}.ToGsql();
      std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
      return fmt::format("cast({} as {})", ExprToString(e.args[0]), t);
    }
    default: {
      std::string out = e.text + "(";
      for (size_t i = 0; i < e.args.size(); ++i) out += (i > 0 ? ", " : "") + ExprToString(e.args[i]);
      return out + ")";
    }
  }
}

Result<Condition> ParseCondition(std::string_view text) {
  ICEGRAPH_ASSIGN_OR_RAISE(std::vector<Tok> toks, Lex(text));
  Parser p(std::move(toks));
  ICEGRAPH_ASSIGN_OR_RAISE(Condition c, p.Or());
  if (!p.AtEnd()) return p.Error("AND, OR or the end of the condition");
  return c;
}

}  // namespace icegraph::mapping
