#include "iceberg/scan_filter.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>

#include "iceberg/iso_datetime.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

constexpr std::pair<CompareOp, std::string_view> kOpNames[] = {
    {CompareOp::kEq, "="},           {CompareOp::kNotEq, "!="},
    {CompareOp::kLt, "<"},           {CompareOp::kLtEq, "<="},
    {CompareOp::kGt, ">"},           {CompareOp::kGtEq, ">="},
    {CompareOp::kIsNull, "is_null"}, {CompareOp::kNotNull, "not_null"}};

bool IsUnary(CompareOp op) { return op == CompareOp::kIsNull || op == CompareOp::kNotNull; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Splits filter text into tokens: identifiers/keywords, quoted strings, numbers and operators.
struct Token {
  enum Kind { kWord, kQuotedIdent, kString, kNumber, kOp, kEnd } kind = kEnd;
  std::string text;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Result<Token> Next() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ == s_.size()) return Token{Token::kEnd, ""};
    const char c = s_[pos_];
    if (c == '\'') return Quoted('\'', Token::kString);
    if (c == '"' || c == '`') return Quoted(c, Token::kQuotedIdent);
    if (std::isdigit(static_cast<unsigned char>(c)) || ((c == '-' || c == '+' || c == '.') && pos_ + 1 < s_.size() &&
                                                        std::isdigit(static_cast<unsigned char>(s_[pos_ + 1])))) {
      const size_t start = pos_++;
      while (pos_ < s_.size() &&
             (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.' ||
              ((s_[pos_] == '-' || s_[pos_] == '+') && (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E'))))
        ++pos_;
      return Token{Token::kNumber, std::string(s_.substr(start, pos_ - start))};
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const size_t start = pos_;
      while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) ++pos_;
      return Token{Token::kWord, std::string(s_.substr(start, pos_ - start))};
    }
    for (std::string_view op : {"<=", ">=", "!=", "<>", "==", "=", "<", ">"}) {
      if (s_.substr(pos_, op.size()) == op) {
        pos_ += op.size();
        return Token{Token::kOp, std::string(op)};
      }
    }
    return Status::Invalid("filter: unexpected character '" + std::string(1, c) + "' at offset " +
                           std::to_string(pos_));
  }

 private:
  Result<Token> Quoted(char quote, Token::Kind kind) {
    std::string out;
    for (++pos_; pos_ < s_.size(); ++pos_) {
      if (s_[pos_] == quote) {
        if (pos_ + 1 < s_.size() && s_[pos_ + 1] == quote) {
          out += quote;
          ++pos_;
          continue;
        }
        ++pos_;
        return Token{kind, out};
      }
      out += s_[pos_];
    }
    return Status::Invalid("filter: unterminated quote " + std::string(1, quote));
  }

  std::string_view s_;
  size_t pos_ = 0;
};

Result<Literal> ParseNumber(const std::string& text) {
  const bool is_float = text.find_first_of(".eE") != std::string::npos;
  if (!is_float) {
    int64_t v = 0;
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size()) return Literal{v};
  } else {
    char* end = nullptr;
    const double d = std::strtod(text.c_str(), &end);
    if (end == text.c_str() + text.size()) return Literal{d};
  }
  return Status::Invalid("filter: '" + text + "' is not a number");
}

Status LiteralError(const Field& f, const Literal& lit) {
  std::string shown;
  if (const auto* s = std::get_if<std::string>(&lit)) shown = "'" + *s + "'";
  if (const auto* i = std::get_if<int64_t>(&lit)) shown = std::to_string(*i);
  if (const auto* d = std::get_if<double>(&lit)) shown = std::to_string(*d);
  if (const auto* b = std::get_if<bool>(&lit)) shown = *b ? "true" : "false";
  return Status::TypeError("filter: " + shown + " is not a " + f.type + " value for column '" + f.name + "'");
}

Result<int64_t> AsInt(const Field& f, const Literal& lit) {
  if (const auto* i = std::get_if<int64_t>(&lit)) return *i;
  if (const auto* d = std::get_if<double>(&lit)) {
    if (std::trunc(*d) == *d && std::abs(*d) < 9.2e18) return static_cast<int64_t>(*d);
  }
  return LiteralError(f, lit);
}

Result<Literal> AsIntLiteral(const Field& f, const Literal& lit) {
  ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, AsInt(f, lit));
  return Literal{v};
}

// The literal in the representation of the column's type (see Literal).
Result<Literal> ConvertLiteral(const Field& f, const Literal& lit) {
  const std::string& t = f.type;
  const auto* text = std::get_if<std::string>(&lit);
  if (t == "boolean") {
    if (const auto* b = std::get_if<bool>(&lit)) return Literal{*b};
    if (text != nullptr && (IEquals(*text, "true") || IEquals(*text, "false"))) return Literal{IEquals(*text, "true")};
    return LiteralError(f, lit);
  }
  if (t == "int" || t == "long") {
    ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, AsInt(f, lit));
    if (t == "int" && (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()))
      return Status::Invalid("filter: " + std::to_string(v) + " is out of range for int column '" + f.name + "'");
    return Literal{v};
  }
  if (t == "float" || t == "double") {
    double v = 0;
    if (const auto* d = std::get_if<double>(&lit)) {
      v = *d;
    } else if (const auto* i = std::get_if<int64_t>(&lit)) {
      v = static_cast<double>(*i);
    } else {
      return LiteralError(f, lit);
    }
    // Float columns compare with the literal rounded to float, in pruning as in the row filter.
    return Literal{t == "float" ? static_cast<double>(static_cast<float>(v)) : v};
  }
  if (t == "date") {
    if (text == nullptr) return AsIntLiteral(f, lit);
    ICEGRAPH_ASSIGN_OR_RAISE(const int32_t days, ParseIsoDate(*text));
    return Literal{int64_t{days}};
  }
  if (t == "time") {
    if (text == nullptr) return AsIntLiteral(f, lit);
    ICEGRAPH_ASSIGN_OR_RAISE(const int64_t micros, ParseIsoTime(*text));
    return Literal{micros};
  }
  if (t == "timestamp" || t == "timestamptz" || t == "timestamp_ns" || t == "timestamptz_ns") {
    if (text == nullptr) return AsIntLiteral(f, lit);
    ICEGRAPH_ASSIGN_OR_RAISE(const int64_t v, ParseIsoTimestamp(*text, t.ends_with("_ns")));
    return Literal{v};
  }
  if (t == "string") {
    if (text != nullptr) return lit;
    return LiteralError(f, lit);
  }
  if (t.starts_with("decimal(")) {
    if (text != nullptr) return lit;
    if (const auto* i = std::get_if<int64_t>(&lit)) return Literal{std::to_string(*i)};
    return Status::TypeError("filter: write decimal literals for column '" + f.name + "' as quoted text, e.g. '12.30'");
  }
  if (t == "struct" || t == "list" || t == "map") {
    return Status::Invalid("filter: column '" + f.name + "' is a " + t + "; filters compare primitive columns only");
  }
  return Status::NotImplemented("filter: comparisons on " + t + " column '" + f.name + "' are not supported");
}

}  // namespace

std::string_view CompareOpName(CompareOp op) {
  for (const auto& [o, name] : kOpNames) {
    if (o == op) return name;
  }
  return "?";
}

bool Filter::bound() const {
  for (const Predicate& p : predicates) {
    if (p.field_id == 0) return false;
  }
  return true;
}

Result<Filter> ParseFilter(std::string_view text) {
  Filter out;
  Lexer lex(text);
  ICEGRAPH_ASSIGN_OR_RAISE(Token tok, lex.Next());
  if (tok.kind == Token::kEnd) return out;
  while (true) {
    Predicate p;
    if (tok.kind != Token::kWord && tok.kind != Token::kQuotedIdent)
      return Status::Invalid("filter: expected a column name, got '" + tok.text + "'");
    p.column = tok.text;
    ICEGRAPH_ASSIGN_OR_RAISE(tok, lex.Next());
    if (tok.kind == Token::kWord && IEquals(tok.text, "is")) {
      ICEGRAPH_ASSIGN_OR_RAISE(tok, lex.Next());
      p.op = CompareOp::kIsNull;
      if (tok.kind == Token::kWord && IEquals(tok.text, "not")) {
        p.op = CompareOp::kNotNull;
        ICEGRAPH_ASSIGN_OR_RAISE(tok, lex.Next());
      }
      if (tok.kind != Token::kWord || !IEquals(tok.text, "null"))
        return Status::Invalid("filter: expected NULL after IS [NOT] for column '" + p.column + "'");
    } else if (tok.kind == Token::kOp) {
      const std::string op = tok.text;
      p.op = op == "=" || op == "=="    ? CompareOp::kEq
             : op == "!=" || op == "<>" ? CompareOp::kNotEq
             : op == "<"                ? CompareOp::kLt
             : op == "<="               ? CompareOp::kLtEq
             : op == ">"                ? CompareOp::kGt
                                        : CompareOp::kGtEq;
      ICEGRAPH_ASSIGN_OR_RAISE(tok, lex.Next());
      if (tok.kind == Token::kString) {
        p.literal = tok.text;
      } else if (tok.kind == Token::kNumber) {
        ICEGRAPH_ASSIGN_OR_RAISE(p.literal, ParseNumber(tok.text));
      } else if (tok.kind == Token::kWord && (IEquals(tok.text, "true") || IEquals(tok.text, "false"))) {
        p.literal = IEquals(tok.text, "true");
      } else if (tok.kind == Token::kWord && IEquals(tok.text, "null")) {
        return Status::Invalid("filter: compare with NULL using IS NULL / IS NOT NULL (column '" + p.column + "')");
      } else {
        return Status::Invalid("filter: expected a literal after '" + op + "' for column '" + p.column + "'");
      }
    } else {
      return Status::Invalid("filter: expected an operator after column '" + p.column + "'");
    }
    out.predicates.push_back(std::move(p));
    ICEGRAPH_ASSIGN_OR_RAISE(tok, lex.Next());
    if (tok.kind == Token::kEnd) return out;
    if (tok.kind != Token::kWord || !IEquals(tok.text, "and"))
      return Status::Invalid("filter: predicates are joined with AND only; got '" + tok.text + "'");
    ICEGRAPH_ASSIGN_OR_RAISE(tok, lex.Next());
  }
}

Result<Filter> BindFilter(const Filter& filter, const Schema& schema) {
  Filter out;
  for (const Predicate& p : filter.predicates) {
    const Field* f = nullptr;
    if (p.field_id != 0) {
      for (const Field& top : schema.fields) {
        if (top.id == p.field_id) f = &top;
      }
      if (f == nullptr)
        return Status::NotFound("filter: field id " + std::to_string(p.field_id) +
                                " is not a top-level column of schema " + std::to_string(schema.schema_id));
    } else {
      for (const Field& top : schema.fields) {
        if (top.name == p.column) f = &top;
      }
      if (f == nullptr)
        return Status::NotFound("filter: no top-level column '" + p.column + "' in schema " +
                                std::to_string(schema.schema_id) + " (names are case-sensitive)");
    }
    Predicate bound{f->name, f->id, p.op, {}};
    if (!IsUnary(p.op)) {
      if (std::holds_alternative<std::monostate>(p.literal))
        return Status::Invalid("filter: predicate on '" + f->name + "' needs a literal");
      ICEGRAPH_ASSIGN_OR_RAISE(bound.literal, ConvertLiteral(*f, p.literal));
    }
    out.predicates.push_back(std::move(bound));
  }
  return out;
}

std::string FilterToString(const Filter& filter) {
  std::string out;
  for (const Predicate& p : filter.predicates) {
    if (!out.empty()) out += " AND ";
    out += p.column.empty() ? "#" + std::to_string(p.field_id) : p.column;
    if (p.op == CompareOp::kIsNull) {
      out += " IS NULL";
      continue;
    }
    if (p.op == CompareOp::kNotNull) {
      out += " IS NOT NULL";
      continue;
    }
    out += " " + std::string(CompareOpName(p.op)) + " ";
    if (const auto* s = std::get_if<std::string>(&p.literal)) out += "'" + *s + "'";
    if (const auto* i = std::get_if<int64_t>(&p.literal)) out += std::to_string(*i);
    if (const auto* d = std::get_if<double>(&p.literal)) out += json(*d).dump();
    if (const auto* b = std::get_if<bool>(&p.literal)) out += *b ? "true" : "false";
  }
  return out;
}

json FilterToJson(const Filter& filter) {
  json out = json::array();
  for (const Predicate& p : filter.predicates) {
    json j = {{"column", p.column}, {"field-id", p.field_id}, {"op", CompareOpName(p.op)}};
    std::visit(
        [&j](const auto& v) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) j["value"] = v;
        },
        p.literal);
    out.push_back(std::move(j));
  }
  return out;
}

Result<Filter> FilterFromJson(const json& j) {
  if (!j.is_array()) return Status::Invalid("filter JSON: expected an array of predicates");
  Filter out;
  try {
    for (const json& e : j) {
      Predicate p;
      p.column = e.value("column", "");
      p.field_id = e.value("field-id", 0);
      const std::string op = e.at("op").get<std::string>();
      bool known = false;
      for (const auto& [o, name] : kOpNames) {
        if (name == op) {
          p.op = o;
          known = true;
        }
      }
      if (!known) return Status::Invalid("filter JSON: unknown op '" + op + "'");
      if (e.contains("value")) {
        const json& v = e["value"];
        if (v.is_boolean())
          p.literal = v.get<bool>();
        else if (v.is_number_integer())
          p.literal = v.get<int64_t>();
        else if (v.is_number())
          p.literal = v.get<double>();
        else if (v.is_string())
          p.literal = v.get<std::string>();
        else if (!v.is_null())
          return Status::Invalid("filter JSON: unsupported value " + v.dump());
      }
      out.predicates.push_back(std::move(p));
    }
  } catch (const json::exception& e) {
    return Status::Invalid(std::string("filter JSON: ") + e.what());
  }
  return out;
}

std::optional<int> CompareLiterals(const Literal& a, const Literal& b) {
  const auto three_way = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (const auto* x = std::get_if<int64_t>(&a)) {
    if (const auto* y = std::get_if<int64_t>(&b)) return three_way(*x, *y);
    if (const auto* y = std::get_if<double>(&b)) return three_way(static_cast<double>(*x), *y);
  }
  if (const auto* x = std::get_if<double>(&a)) {
    if (std::isnan(*x)) return std::nullopt;
    if (const auto* y = std::get_if<double>(&b))
      return std::isnan(*y) ? std::nullopt : std::optional(three_way(*x, *y));
    if (const auto* y = std::get_if<int64_t>(&b)) return three_way(*x, static_cast<double>(*y));
  }
  if (const auto* x = std::get_if<std::string>(&a)) {
    if (const auto* y = std::get_if<std::string>(&b)) {
      const int c = x->compare(*y);  // char_traits<char> compares as unsigned char
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
  }
  if (const auto* x = std::get_if<bool>(&a)) {
    if (const auto* y = std::get_if<bool>(&b)) return three_way(*x, *y);
  }
  return std::nullopt;
}

}  // namespace icegraph::iceberg
