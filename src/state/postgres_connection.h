// The PostgreSQL state store's connections: URLs with their secrets masked, connecting, and the advisory lock a
// pipeline lock holds (used by postgres_state_store.cc).
#pragma once

#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/status.h"
#include "state/state_store.h"

namespace icegraph::state::pg {

/// A URL with its password masked, plus every spelling of that password to scrub from driver messages.
struct Secrets {
  std::string masked;
  std::vector<std::string> values;

  std::string Scrub(std::string text) const {
    for (const std::string& v : values) {
      for (size_t p = text.find(v); p != std::string::npos; p = text.find(v, p + 3)) text.replace(p, v.size(), "***");
    }
    // libpq ends lines with "\n" and indents hints with "\t": one line reads better in a log.
    for (char& c : text) c = (c == '\n' || c == '\t') ? ' ' : c;
    while (!text.empty() && text.back() == ' ') text.pop_back();
    for (size_t p = text.find("  "); p != std::string::npos; p = text.find("  ", p)) text.erase(p, 1);
    return text;
  }
};

/// `url` with its password masked, and that password's spellings (as written and percent-decoded).
Secrets AnalyzeUrl(const std::string& url);

// Settings go into the connection string rather than SET, so they survive libpqxx reconnecting a broken session.
Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& url, const Secrets& secrets,
                                                  const std::string& application_name);

// Releases the advisory lock by ending its session; also unlocks first, since a closed socket is released by the
// server a moment later and the next taker should not race that.
class AdvisoryLock final : public PipelineLock {
 public:
  AdvisoryLock(std::unique_ptr<pqxx::connection> conn, int64_t key, std::string pipeline)
      : conn_(std::move(conn)), key_(key), pipeline_(std::move(pipeline)) {}
  ~AdvisoryLock() override;
  AdvisoryLock(const AdvisoryLock&) = delete;
  AdvisoryLock& operator=(const AdvisoryLock&) = delete;

 private:
  std::unique_ptr<pqxx::connection> conn_;
  int64_t key_;
  std::string pipeline_;
};

}  // namespace icegraph::state::pg
