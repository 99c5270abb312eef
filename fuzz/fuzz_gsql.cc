// Fuzz target: the emulator's GSQL lexer and parser (DDL, schema changes, loading jobs) and the loading-job CSV
// reader. The first input byte picks the target, so one corpus covers all three.
#include <string>
#include <string_view>
#include <vector>

#include "emulator/csv.h"
#include "emulator/gsql_ast.h"
#include "emulator/gsql_lexer.h"
#include "fuzz_targets.h"

namespace icegraph::fuzz {
namespace {

void FuzzCsvReader(std::string_view in) {
  // Options from the first bytes: separator, EOL of one or two bytes, quote, header; the rest is the data.
  if (in.size() < 3) return;
  emulator::LoadingOptions o;
  o.separator = in[0];
  const bool two_byte_eol = (in[2] & 1) != 0;
  o.eol = two_byte_eol ? std::string{in[1], '\n'} : std::string(1, in[1]);
  o.quote = (in[2] & 2) ? '"' : (in[2] & 4) ? '\'' : '\0';
  o.header = (in[2] & 8) != 0;
  const std::string_view data = in.substr(3);
  emulator::CsvReader reader(data, o);
  std::vector<std::string_view> fields;
  int64_t lines = 0;
  int64_t last_line = 0;
  while (reader.Next(&fields)) {
    Check(++lines <= static_cast<int64_t>(data.size()) + 1, "CsvReader returns at most one line per byte");
    Check(reader.line_number() > last_line, "CsvReader line numbers increase");
    last_line = reader.line_number();
    Check(!fields.empty(), "a line has at least one field");
    size_t bytes = 0;
    for (const std::string_view f : fields) {
      // Views must point into the data (zero-copy reader), never at freed or foreign memory.
      Check(f.empty() || (f.data() >= data.data() && f.data() + f.size() <= data.data() + data.size()),
            "a field is a view into the data");
      Check(f.find(o.eol) == std::string_view::npos || f.empty(), "a field never holds the EOL");
      bytes += f.size();
    }
    Check(bytes <= data.size(), "fields hold no more bytes than the data");
    if (o.quote == '\0') {
      // Without quoting, the fields are exactly the line split at the separator.
      for (const std::string_view f : fields) Check(f.find(o.separator) == std::string_view::npos, "unquoted split");
    }
  }
}

}  // namespace

int FuzzGsql(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      const auto stmts = emulator::ParseGsql(text);
      if (stmts.ok()) {
        for (const emulator::Statement& s : *stmts) Check(s.line >= 1, "statement lines are 1-based");
      }
      break;
    }
    case 1: {
      const auto tokens = emulator::gsql::LexGsql(text);
      if (tokens.ok()) Check(!tokens->empty(), "the lexer ends its tokens with an end token");
      break;
    }
    default: FuzzCsvReader(text); break;
  }
  return 0;
}

}  // namespace icegraph::fuzz
