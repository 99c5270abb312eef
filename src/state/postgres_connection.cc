// URLs, connections and advisory locks of the PostgreSQL state store (postgres_connection.h).
#include "state/postgres_connection.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/http_client.h"
#include "common/log.h"
#include "state/postgres_state_store.h"

namespace icegraph::state {
namespace pg {
namespace {

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) != 0 &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2])) != 0) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

Secrets AnalyzeUrl(const std::string& url) {
  Secrets s{url, {}};
  std::string& out = s.masked;
  const auto keep = [&s](std::string value) {
    if (value.empty()) return;
    std::string decoded = PercentDecode(value);
    if (decoded != value && !decoded.empty()) s.values.push_back(std::move(decoded));
    s.values.push_back(std::move(value));
  };
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t query = out.find('?', start);
    // The last '@' before the query ends the user info, so an unescaped '@' or '/' in a password is still masked.
    const size_t at = out.rfind('@', query == std::string::npos ? std::string::npos : query);
    if (at != std::string::npos && at >= start) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) {
        keep(out.substr(colon + 1, at - colon - 1));
        out.replace(colon + 1, at - colon - 1, "***");
      }
    }
  }
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    if (p == 0 || (out[p - 1] != '?' && out[p - 1] != '&')) continue;
    const size_t begin = p + 9;
    const size_t end = std::min(out.find('&', begin), out.size());
    keep(out.substr(begin, end - begin));
    out.replace(begin, end - begin, "***");
  }
  return s;
}

Result<std::unique_ptr<pqxx::connection>> Connect(const std::string& url, const Secrets& secrets,
                                                  const std::string& application_name) {
  std::string conninfo = url;
  const auto add = [&conninfo](std::string_view key, const std::string& value, bool force = false) {
    // The URL's own setting wins unless forced (libpq takes the last of repeated keys).
    if (!force && conninfo.find(std::string(key) + "=") != std::string::npos) return;
    conninfo += conninfo.find('?') == std::string::npos ? '?' : '&';
    conninfo += fmt::format("{}={}", key, http::UrlEncode(value));
  };
  add("client_encoding", "UTF8");
  // An unreachable server fails in seconds instead of hanging a sync.
  add("connect_timeout", "10");
  // A lock's session names its icegraph process, for the message of whoever finds the pipeline locked.
  if (!application_name.empty()) add("application_name", application_name.substr(0, 63), true);
  try {
    return std::make_unique<pqxx::connection>(conninfo);
  } catch (const std::exception& e) {
    return Status::IOError(
        fmt::format("cannot connect to state database {}: {}", secrets.masked, secrets.Scrub(e.what())));
  }
}

AdvisoryLock::~AdvisoryLock() {
  try {
    // A closed session holds no lock; libpqxx would reconnect it just to unlock nothing.
    if (!conn_->is_open()) throw pqxx::broken_connection("session closed");
    pqxx::nontransaction tx(*conn_);
    tx.exec_params("SELECT pg_advisory_unlock($1::bigint)", key_);
  } catch (const std::exception&) {
    // The session is gone, and the lock with it; a sync that ran this long would have failed its writes too.
    log::Warn("pipeline_lock_session_lost", {{"pipeline", pipeline_}});
  }
  conn_->disconnect();
}

}  // namespace pg

std::string MaskPostgresUrl(const std::string& url) { return pg::AnalyzeUrl(url).masked; }

int64_t PipelineLockKey(const std::string& pipeline) {
  uint64_t h = 14695981039346656037ULL;
  for (const char c : "icegraph:" + pipeline) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<int64_t>(h);
}

}  // namespace icegraph::state
