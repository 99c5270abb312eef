// Splits loading-job data into lines and fields per the job's USING options, as TigerGraph's loader does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/schema.h"

namespace icegraph::emulator {

/// Zero-copy reader: unquoted fields are views into the data; quoted fields with doubled quotes are unescaped
/// into an internal buffer. With QUOTE set, a field starting with the quote character may hold separators, EOLs
/// and doubled quote characters.
class CsvReader {
 public:
  CsvReader(std::string_view data, const LoadingOptions& options);
  /// Reads the next line's fields into *fields (valid until the next call); false at the end of the data.
  /// Empty lines are skipped.
  bool Next(std::vector<std::string_view>* fields);
  /// 1-based physical line number where the last returned record started.
  int64_t line_number() const { return record_line_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  char sep_;
  std::string eol_;
  char quote_;
  int64_t line_ = 1;
  int64_t record_line_ = 0;
  std::vector<std::string> scratch_;  // unescaped quoted fields, reused across lines
};

}  // namespace icegraph::emulator
