#include "emulator/csv.h"

#include <algorithm>
#include <cstring>

namespace icegraph::emulator {

CsvReader::CsvReader(std::string_view data, const LoadingOptions& options)
    : data_(data), sep_(options.separator), eol_(options.eol.empty() ? "\n" : options.eol), quote_(options.quote) {}

bool CsvReader::Next(std::vector<std::string_view>* fields) {
  fields->clear();
  const char eol0 = eol_[0];
  const bool eol_single = eol_.size() == 1;
  size_t scratch_used = 0;
  while (pos_ < data_.size()) {
    record_line_ = line_;
    // Fast path: find the end of an unquoted line with memchr.
    bool line_done = false;
    while (!line_done) {
      if (quote_ != '\0' && pos_ < data_.size() && data_[pos_] == quote_) {
        // Quoted field: read to the closing quote; a doubled quote is one literal quote.
        size_t p = pos_ + 1;
        bool escaped = false;
        size_t close = std::string_view::npos;
        while (p < data_.size()) {
          if (data_[p] == quote_) {
            if (p + 1 < data_.size() && data_[p + 1] == quote_) {
              escaped = true;
              p += 2;
              continue;
            }
            close = p;
            break;
          }
          if (data_[p] == '\n') ++line_;
          ++p;
        }
        if (close == std::string_view::npos) close = data_.size();  // unterminated: take the rest as the field
        std::string_view raw = data_.substr(pos_ + 1, close - pos_ - 1);
        if (escaped) {
          if (scratch_used == scratch_.size()) scratch_.emplace_back();
          std::string& buf = scratch_[scratch_used++];
          buf.clear();
          for (size_t i = 0; i < raw.size(); ++i) {
            buf.push_back(raw[i]);
            if (raw[i] == quote_ && i + 1 < raw.size() && raw[i + 1] == quote_) ++i;
          }
          raw = buf;
        }
        fields->push_back(raw);
        pos_ = std::min(close + 1, data_.size());
        // After the closing quote comes a separator, the EOL, or the end.
        if (pos_ >= data_.size()) {
          line_done = true;
        } else if (data_[pos_] == sep_) {
          ++pos_;
        } else if (data_.compare(pos_, eol_.size(), eol_) == 0) {
          pos_ += eol_.size();
          ++line_;
          line_done = true;
        } else {
          // Text after a closing quote belongs to the field, as lenient loaders do; append up to the next delimiter.
          size_t end = pos_;
          while (end < data_.size() && data_[end] != sep_ && data_.compare(end, eol_.size(), eol_) != 0) ++end;
          if (scratch_used == scratch_.size()) scratch_.emplace_back();
          std::string& buf = scratch_[scratch_used++];
          buf.assign(fields->back());
          buf.append(data_.substr(pos_, end - pos_));
          fields->back() = buf;
          pos_ = end;
          if (pos_ < data_.size() && data_[pos_] == sep_) {
            ++pos_;
          } else {
            if (pos_ < data_.size()) {
              pos_ += eol_.size();
              ++line_;
            }
            line_done = true;
          }
        }
        continue;
      }
      // Unquoted field: up to the separator or the EOL.
      size_t end = pos_;
      const char* base = data_.data();
      while (end < data_.size()) {
        const char c = base[end];
        if (c == sep_) break;
        if (c == eol0 && (eol_single || data_.compare(end, eol_.size(), eol_) == 0)) break;
        ++end;
      }
      std::string_view field = data_.substr(pos_, end - pos_);
      if (end >= data_.size()) {
        // A last line without EOL; tolerate a trailing CR of CRLF data.
        if (!field.empty() && field.back() == '\r' && eol_ == "\n") field.remove_suffix(1);
        fields->push_back(field);
        pos_ = data_.size();
        line_done = true;
      } else if (base[end] == sep_) {
        fields->push_back(field);
        pos_ = end + 1;
      } else {
        if (!field.empty() && field.back() == '\r' && eol_ == "\n") field.remove_suffix(1);
        fields->push_back(field);
        pos_ = end + eol_.size();
        ++line_;
        line_done = true;
      }
    }
    if (fields->size() == 1 && (*fields)[0].empty()) {
      fields->clear();  // an empty line carries no record
      continue;
    }
    return true;
  }
  return false;
}

}  // namespace icegraph::emulator
