#include "emulator/csv.h"

#include <cstring>

namespace icegraph::emulator {

CsvReader::CsvReader(std::string_view data, const LoadingOptions& options)
    : data_(data), sep_(options.separator), eol_(options.eol.empty() ? "\n" : options.eol), quote_(options.quote) {}

std::string_view CsvReader::NextLine() {
  const char* const begin = data_.data() + pos_;
  const size_t left = data_.size() - pos_;
  size_t length = left;
  size_t eol_length = 0;
  if (eol_.size() == 1) {
    // memchr is the fast path for the usual one-byte EOL.
    if (const void* hit = std::memchr(begin, eol_[0], left); hit != nullptr) {
      length = static_cast<size_t>(static_cast<const char*>(hit) - begin);
      eol_length = 1;
    }
  } else if (const size_t at = std::string_view(begin, left).find(eol_); at != std::string_view::npos) {
    length = at;
    eol_length = eol_.size();
  }
  pos_ += length + eol_length;
  ++line_;
  return {begin, length};
}

bool CsvReader::Next(std::vector<std::string_view>* fields) {
  fields->clear();
  while (pos_ < data_.size()) {
    const std::string_view line = NextLine();
    if (line.empty()) continue;  // an empty line carries no record
    if (quote_ != '\0' && std::memchr(line.data(), quote_, line.size()) != nullptr) {
      SplitQuoted(line, fields);
      return true;
    }
    size_t start = 0;
    while (true) {
      const void* hit = std::memchr(line.data() + start, sep_, line.size() - start);
      if (hit == nullptr) {
        fields->push_back(line.substr(start));
        return true;
      }
      const auto at = static_cast<size_t>(static_cast<const char*>(hit) - line.data());
      fields->push_back(line.substr(start, at - start));
      start = at + 1;
    }
  }
  return false;
}

void CsvReader::SplitQuoted(std::string_view line, std::vector<std::string_view>* fields) const {
  const char* const data = line.data();
  const size_t n = line.size();
  size_t field_start = 0;
  std::string_view first_pair;  // the text inside the field's first pair of quotes
  bool has_pair = false;
  size_t i = 0;
  while (true) {
    while (i < n && data[i] != sep_ && data[i] != quote_) ++i;  // plain bytes: one tight loop, no branch per kind
    if (i == n || data[i] == sep_) {
      fields->push_back(has_pair ? first_pair : line.substr(field_start, i - field_start));
      if (i == n) return;
      field_start = ++i;
      has_pair = false;
      continue;
    }
    // Only a quote with a match later on the line opens a run (separators inside it are text); at most one (the
    // last) quote has none, and it is a plain byte.
    const size_t close = line.find(quote_, i + 1);
    if (close == std::string_view::npos) {
      ++i;
      continue;
    }
    if (!has_pair) first_pair = line.substr(i + 1, close - i - 1);
    has_pair = true;
    i = close + 1;
  }
}

}  // namespace icegraph::emulator
