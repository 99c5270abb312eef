// GSQL tokens and a cursor over them: the lexer and the token-level helpers shared by the GSQL parsers.
#pragma once

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace icegraph::emulator::gsql {

struct Token {
  enum class Kind { kIdent, kNumber, kString, kColumnIndex, kColumnName, kSymbol, kEnd } kind = Kind::kEnd;
  std::string text;  // identifier/number/symbol text, string contents (unescaped), column name or index digits
  int line = 1;
  int column = 1;
  size_t offset = 0;  // byte offset of the token's first character in the source
  size_t end = 0;     // byte offset just past the token
};

/// Splits GSQL text into tokens ending with a kEnd token. Comments (#, //, /* */) are dropped; strings take
/// "..." or '...' with the escapes \n \t \r \\ \" \' (any other backslash is kept as written, e.g. "\30").
Result<std::vector<Token>> LexGsql(std::string_view text);

std::string ToUpper(std::string_view s);

inline void AppendPart(std::string& out, std::string_view s) { out += s; }
inline void AppendPart(std::string& out, char c) { out += c; }
template <std::integral T>
requires(!std::same_as<T, char> && !std::same_as<T, bool>) void AppendPart(std::string& out, T v) {
  out += std::to_string(v);
}
/// Concatenates strings, characters and integers into one message.
template <typename... Parts>
std::string StrCat(const Parts&... parts) {
  std::string out;
  (AppendPart(out, parts), ...);
  return out;
}

/// "Line N: message" as an Invalid status: a well-formed statement that GSQL would still refuse.
Status InvalidAt(const Token& at, std::string_view message);
/// "Line N: the emulator does not support ..." as NotImplemented: valid GSQL the emulator does not run.
Status UnsupportedAt(const Token& at, std::string_view what);

/// A cursor over the tokens of one GSQL text; keywords compare case-insensitively, identifiers as written.
class TokenStream {
 public:
  TokenStream(std::string_view source, std::vector<Token> tokens);

  const Token& Peek(size_t ahead = 0) const;
  /// The token consumed last (the first token before anything is consumed).
  const Token& Previous() const { return tokens_[pos_ == 0 ? 0 : pos_ - 1]; }
  bool AtEnd() const { return Peek().kind == Token::Kind::kEnd; }
  bool IsKind(Token::Kind kind, size_t ahead = 0) const { return Peek(ahead).kind == kind; }
  /// `upper_keyword` must be given in upper case.
  bool IsKeyword(std::string_view upper_keyword, size_t ahead = 0) const;
  bool IsSymbol(std::string_view symbol, size_t ahead = 0) const;
  /// The next token starts on a later line than the one consumed last.
  bool AtNewLine() const { return pos_ > 0 && Peek().line > Previous().line; }

  const Token& Next();
  bool AcceptKeyword(std::string_view upper_keyword);
  bool AcceptSymbol(std::string_view symbol);
  Status ExpectKeyword(std::string_view upper_keyword);
  Status ExpectSymbol(std::string_view symbol);
  /// Consumes an identifier; `what` names it in the error ("a vertex type name").
  Result<std::string> ExpectIdent(std::string_view what);
  /// Consumes a string literal and returns its contents.
  Result<std::string> ExpectString(std::string_view what);

  /// GSQL-style syntax error at the next token: Encountered "x" at line L, column C. Was expecting: ...
  Status SyntaxError(std::string_view expected) const;

  size_t position() const { return pos_; }
  std::string_view source() const { return source_; }

 private:
  std::string_view source_;
  std::vector<Token> tokens_;  // never empty: ends with kEnd
  size_t pos_ = 0;
};

}  // namespace icegraph::emulator::gsql
