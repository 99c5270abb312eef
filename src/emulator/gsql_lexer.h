// Tokens of GSQL text: identifiers, numbers, strings, $-column references and punctuation, with line numbers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace icegraph::emulator {

struct Token {
  enum class Kind { kIdent, kNumber, kString, kColumnIndex, kColumnName, kSymbol, kEnd } kind = Kind::kEnd;
  std::string text;  // identifier/number/symbol text, string contents (unescaped), column name or index digits
  int line = 1;
  int column = 1;
  size_t offset = 0;  // byte offset in the source
};

/// Splits GSQL text into tokens; comments (#, //, /* */) are dropped. Errors name line and column.
Result<std::vector<Token>> LexGsql(std::string_view text);

}  // namespace icegraph::emulator
