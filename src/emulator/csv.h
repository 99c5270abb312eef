// Splits loading-job data into lines and fields per the job's USING options, as TigerGraph's loader does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/schema.h"

namespace icegraph::emulator {

/// Zero-copy reader of delimited text: every field is a view into the data, valid as long as the data is.
///
/// Rules (gsql-ref "USING clause" of LOAD, TigerGraph 4.1 docs; "inferred" where the docs are silent):
///  - The data is read line by line; a line ends at the EOL string (default "\n"), matched literally, so CRLF
///    data needs EOL="\r\n" or its last field keeps the '\r' (inferred). A last line without EOL counts.
///  - A line is split at the SEPARATOR byte. Spaces are data; nothing is trimmed.
///  - Without QUOTE, quote characters are ordinary data.
///  - With QUOTE, a quote character that has a matching one later on the same line opens a quoted run in which
///    separators are data; a field's token is the text inside its first pair of quotes (`a"b"c"d"e` gives `b`).
///    There is no escape character, so `""` is an empty pair, not a literal quote. A quote with no match on its
///    line is ordinary data. Quoted runs do not span lines (the loader is line based, inferred).
///  - Empty lines are skipped but counted in line numbers (inferred).
class CsvReader {
 public:
  CsvReader(std::string_view data, const LoadingOptions& options);
  /// Reads the next line's fields into *fields (views valid as long as the data); false at the end of the data.
  bool Next(std::vector<std::string_view>* fields);
  /// 1-based number of the line last returned, counting physical lines including a header and empty lines.
  int64_t line_number() const { return line_; }

 private:
  /// The next line without its EOL, advancing past it.
  std::string_view NextLine();
  void SplitQuoted(std::string_view line, std::vector<std::string_view>* fields) const;

  std::string_view data_;
  size_t pos_ = 0;
  const char sep_;
  const std::string eol_;
  const char quote_;
  int64_t line_ = 0;
};

}  // namespace icegraph::emulator
