#include "emulator/gsql_lexer.h"

#include <fmt/format.h>

#include <cctype>

namespace icegraph::emulator {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

Result<std::vector<Token>> LexGsql(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  int line = 1;
  size_t line_start = 0;
  const auto make = [&](Token::Kind kind, std::string text, size_t start) {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.line = line;
    t.column = static_cast<int>(start - line_start) + 1;
    t.offset = start;
    return t;
  };
  // Reads a "..." literal starting at s[i] == '"'; escapes \n \t \\ \" are unescaped.
  const auto read_string = [&](std::string* value) -> Status {
    const int start_line = line;
    ++i;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) {
        const char n = s[i + 1];
        value->push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n);
        i += 2;
        continue;
      }
      if (s[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
      value->push_back(s[i++]);
    }
    if (i >= s.size())
      return Status::Invalid(fmt::format("Syntax Error: unterminated string starting at line {}", start_line));
    ++i;
    return Status::OK();
  };
  while (i < s.size()) {
    const char c = s[i];
    if (c == '\n') {
      ++line;
      line_start = ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '#' || (c == '/' && i + 1 < s.size() && s[i + 1] == '/')) {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      i += 2;
      while (i + 1 < s.size() && !(s[i] == '*' && s[i + 1] == '/')) {
        if (s[i] == '\n') {
          ++line;
          line_start = i + 1;
        }
        ++i;
      }
      i = std::min(i + 2, s.size());
      continue;
    }
    const size_t start = i;
    if (IsIdentStart(c)) {
      while (i < s.size() && IsIdentChar(s[i])) ++i;
      out.push_back(make(Token::Kind::kIdent, std::string(s.substr(start, i - start)), start));
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        ((c == '-' || c == '.') && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      ++i;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
      out.push_back(make(Token::Kind::kNumber, std::string(s.substr(start, i - start)), start));
      continue;
    }
    if (c == '"') {
      std::string value;
      ICEGRAPH_RETURN_NOT_OK(read_string(&value));
      Token t = make(Token::Kind::kString, std::move(value), start);
      out.push_back(std::move(t));
      continue;
    }
    if (c == '$') {
      ++i;
      if (i < s.size() && s[i] == '"') {
        std::string value;
        ICEGRAPH_RETURN_NOT_OK(read_string(&value));
        out.push_back(make(Token::Kind::kColumnName, std::move(value), start));
      } else if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        out.push_back(make(Token::Kind::kColumnIndex, std::string(s.substr(start + 1, i - start - 1)), start));
      } else {
        return Status::Invalid(
            fmt::format("Syntax Error: '$' must be followed by a column number or \"name\" at "
                        "line {}, column {}",
                        line, start - line_start + 1));
      }
      continue;
    }
    // Two-character operators first.
    if (i + 1 < s.size()) {
      const std::string_view two = s.substr(i, 2);
      if (two == "==" || two == "!=" || two == "<=" || two == ">=" || two == "<>") {
        i += 2;
        out.push_back(make(Token::Kind::kSymbol, std::string(two), start));
        continue;
      }
    }
    if (std::string_view("(),;{}<>=!|*.:-+").find(c) != std::string_view::npos) {
      ++i;
      out.push_back(make(Token::Kind::kSymbol, std::string(1, c), start));
      continue;
    }
    return Status::Invalid(
        fmt::format("Syntax Error: unexpected character '{}' at line {}, column {}", c, line, start - line_start + 1));
  }
  Token end = make(Token::Kind::kEnd, "", s.size());
  out.push_back(end);
  return out;
}

}  // namespace icegraph::emulator
