// Append-only journal of acknowledged changes under --data-dir, replayed at start so no acknowledged write is lost.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"

namespace icegraph::emulator {

/// One journaled change: what kind of request it was and what is needed to replay it.
struct JournalRecord {
  std::string kind;    // "gsql", "http", "token"
  std::string graph;   // session graph for "gsql"
  std::string method;  // for "http"
  std::string path;
  std::string query;  // canonical query string
  std::string body;
};

class Journal {
 public:
  /// Opens (creating) DIR/journal.log; `replay` is called for every complete record already in it.
  static Result<std::unique_ptr<Journal>> Open(const std::string& dir,
                                               const std::function<Status(const JournalRecord&)>& replay);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  /// Appends and flushes one record to the OS before the caller acknowledges the change.
  Status Append(const JournalRecord& record);
  int64_t records() const { return records_; }

 private:
  Journal(std::string path, std::FILE* file, int64_t records)
      : path_(std::move(path)), file_(file), records_(records) {}

  std::string path_;
  std::FILE* file_;  // owned; closed in the destructor
  std::mutex mu_;
  int64_t records_;
};

}  // namespace icegraph::emulator
