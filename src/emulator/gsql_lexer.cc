#include "emulator/gsql_lexer.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace icegraph::emulator::gsql {
namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    while (true) {
      ICEGRAPH_RETURN_NOT_OK(SkipSpaceAndComments());
      token_line_ = line_;
      token_column_ = Column(i_);
      if (i_ >= s_.size()) break;
      ICEGRAPH_ASSIGN_OR_RAISE(Token t, Scan());
      out.push_back(std::move(t));
    }
    Token end = Make(Token::Kind::kEnd, "", s_.size());
    out.push_back(std::move(end));
    return out;
  }

 private:
  int Column(size_t offset) const { return static_cast<int>(offset - line_start_) + 1; }

  Token Make(Token::Kind kind, std::string text, size_t start) const {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.line = token_line_;
    t.column = token_column_;
    t.offset = start;
    t.end = i_;
    return t;
  }

  void NewLineAt(size_t newline_offset) {
    ++line_;
    line_start_ = newline_offset + 1;
  }

  Status SkipSpaceAndComments() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\n') {
        NewLineAt(i_++);
      } else if (std::isspace(static_cast<unsigned char>(c)) != 0) {
        ++i_;
      } else if (c == '#' || s_.substr(i_, 2) == "//") {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (s_.substr(i_, 2) == "/*") {
        const int start_line = line_;
        const int start_column = Column(i_);
        i_ += 2;
        while (i_ < s_.size() && s_.substr(i_, 2) != "*/") {
          if (s_[i_] == '\n') NewLineAt(i_);
          ++i_;
        }
        if (i_ >= s_.size()) {
          return Status::Invalid(StrCat("Syntax Error: the comment starting at line ", start_line, ", column ",
                                        start_column, " is not closed with */"));
        }
        i_ += 2;
      } else {
        break;
      }
    }
    return Status::OK();
  }

  // Reads a literal quoted by s_[i_] (" or '); only the escapes GSQL documents are translated.
  Result<std::string> ReadString() {
    const char quote = s_[i_];
    const int start_line = line_;
    const int start_column = Column(i_);
    std::string value;
    ++i_;
    while (i_ < s_.size() && s_[i_] != quote) {
      const char c = s_[i_];
      if (c == '\\' && i_ + 1 < s_.size()) {
        const char n = s_[i_ + 1];
        switch (n) {
          case 'n': value += '\n'; break;
          case 't': value += '\t'; break;
          case 'r': value += '\r'; break;
          case '\\':
          case '"':
          case '\'': value += n; break;
          default:  // kept as written: SEPARATOR="\30" means ASCII code 30
            value += c;
            value += n;
        }
        if (n == '\n') NewLineAt(i_ + 1);
        i_ += 2;
        continue;
      }
      if (c == '\n') NewLineAt(i_);
      value += c;
      ++i_;
    }
    if (i_ >= s_.size()) {
      return Status::Invalid(StrCat("Syntax Error: the string starting at line ", start_line, ", column ", start_column,
                                    " is not closed"));
    }
    ++i_;
    return value;
  }

  void ReadDigits() {
    while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
  }

  // digits [. digits] [e [+-] digits], with an optional leading '-'.
  Token ReadNumber() {
    const size_t start = i_;
    if (s_[i_] == '-') ++i_;
    ReadDigits();
    if (i_ + 1 < s_.size() && s_[i_] == '.' && IsDigit(s_[i_ + 1])) {
      ++i_;
      ReadDigits();
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      size_t j = i_ + 1;
      if (j < s_.size() && (s_[j] == '+' || s_[j] == '-')) ++j;
      if (j < s_.size() && IsDigit(s_[j])) {
        i_ = j;
        ReadDigits();
      }
    }
    return Make(Token::Kind::kNumber, std::string(s_.substr(start, i_ - start)), start);
  }

  Result<Token> ReadColumn() {
    const size_t start = i_++;
    if (i_ < s_.size() && s_[i_] == '"') {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string name, ReadString());
      return Make(Token::Kind::kColumnName, std::move(name), start);
    }
    if (i_ < s_.size() && IsDigit(s_[i_])) {
      ReadDigits();
      return Make(Token::Kind::kColumnIndex, std::string(s_.substr(start + 1, i_ - start - 1)), start);
    }
    if (i_ < s_.size() && IsIdentStart(s_[i_])) {  // $sys.file_name and the like
      while (i_ < s_.size() && (IsIdentChar(s_[i_]) || s_[i_] == '.')) ++i_;
      return Status::NotImplemented(
          StrCat("Line ", line_, ": the emulator does not support the token \"", s_.substr(start, i_ - start), "\""));
    }
    return Status::Invalid(StrCat("Syntax Error: '$' at line ", line_, ", column ", Column(start),
                                  " must be followed by a column number or a \"column name\""));
  }

  Result<Token> Scan() {
    const char c = s_[i_];
    const size_t start = i_;
    const bool digit_next = i_ + 1 < s_.size() && IsDigit(s_[i_ + 1]);
    if (IsIdentStart(c)) {
      while (i_ < s_.size() && IsIdentChar(s_[i_])) ++i_;
      return Make(Token::Kind::kIdent, std::string(s_.substr(start, i_ - start)), start);
    }
    if (IsDigit(c) || (c == '-' && digit_next)) return ReadNumber();
    if (c == '"' || c == '\'') {
      ICEGRAPH_ASSIGN_OR_RAISE(std::string value, ReadString());
      return Make(Token::Kind::kString, std::move(value), start);
    }
    if (c == '$') return ReadColumn();
    for (const std::string_view two : {"==", "!=", "<=", ">=", "->"}) {
      if (s_.substr(i_, 2) == two) {
        i_ += 2;
        return Make(Token::Kind::kSymbol, std::string(two), start);
      }
    }
    if (std::string_view("(),;{}<>=!|*.:-+/^[]@").find(c) != std::string_view::npos) {
      ++i_;
      return Make(Token::Kind::kSymbol, std::string(1, c), start);
    }
    return Status::Invalid(
        StrCat("Syntax Error: unexpected character '", c, "' at line ", line_, ", column ", Column(start), "."));
  }

  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  int token_line_ = 1;  // where the token being scanned starts (a string may span lines)
  int token_column_ = 1;
};

}  // namespace

Result<std::vector<Token>> LexGsql(std::string_view text) { return Lexer(text).Run(); }

std::string ToUpper(std::string_view s) {
  std::string u(s);
  std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return u;
}

Status InvalidAt(const Token& at, std::string_view message) {
  return Status::Invalid(StrCat("Line ", at.line, ": ", message));
}

Status UnsupportedAt(const Token& at, std::string_view what) {
  return Status::NotImplemented(StrCat("Line ", at.line, ": the emulator does not support ", what));
}

TokenStream::TokenStream(std::string_view source, std::vector<Token> tokens)
    : source_(source), tokens_(std::move(tokens)) {
  if (tokens_.empty() || tokens_.back().kind != Token::Kind::kEnd) {
    Token end;
    end.offset = end.end = source_.size();
    tokens_.push_back(std::move(end));
  }
}

const Token& TokenStream::Peek(size_t ahead) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }

bool TokenStream::IsKeyword(std::string_view upper_keyword, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == Token::Kind::kIdent && t.text.size() == upper_keyword.size() && ToUpper(t.text) == upper_keyword;
}

bool TokenStream::IsSymbol(std::string_view symbol, size_t ahead) const {
  const Token& t = Peek(ahead);
  return t.kind == Token::Kind::kSymbol && t.text == symbol;
}

const Token& TokenStream::Next() {
  const Token& t = Peek();
  if (t.kind != Token::Kind::kEnd) ++pos_;
  return t;
}

bool TokenStream::AcceptKeyword(std::string_view upper_keyword) {
  if (!IsKeyword(upper_keyword)) return false;
  Next();
  return true;
}

bool TokenStream::AcceptSymbol(std::string_view symbol) {
  if (!IsSymbol(symbol)) return false;
  Next();
  return true;
}

Status TokenStream::ExpectKeyword(std::string_view upper_keyword) {
  return AcceptKeyword(upper_keyword) ? Status::OK() : SyntaxError(StrCat("\"", upper_keyword, "\""));
}

Status TokenStream::ExpectSymbol(std::string_view symbol) {
  return AcceptSymbol(symbol) ? Status::OK() : SyntaxError(StrCat("\"", symbol, "\""));
}

Result<std::string> TokenStream::ExpectIdent(std::string_view what) {
  if (!IsKind(Token::Kind::kIdent)) return SyntaxError(what);
  return Next().text;
}

Result<std::string> TokenStream::ExpectString(std::string_view what) {
  if (!IsKind(Token::Kind::kString)) return SyntaxError(what);
  return Next().text;
}

Status TokenStream::SyntaxError(std::string_view expected) const {
  const Token& t = Peek();
  const std::string found =
      t.kind == Token::Kind::kEnd ? "<EOF>" : std::string(source_.substr(t.offset, t.end - t.offset));
  return Status::Invalid(StrCat("Syntax Error: Encountered \"", found, "\" at line ", t.line, ", column ", t.column,
                                ". Was expecting: ", expected, "."));
}

}  // namespace icegraph::emulator::gsql
