// REST++ data operations (upsert, delete, load, read), independent of the HTTP layer so the journal can replay
// them. Each returns the HTTP status and the JSON body TigerGraph would send.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "emulator/database.h"
#include "emulator/loader.h"

namespace icegraph::emulator {

using Params = std::multimap<std::string, std::string>;

struct Reply {  // NOLINT(bugprone-exception-escape): json() is noexcept; clang-tidy 14 looks through it
  int status = 200;
  nlohmann::json body;  // results (on success) or {message, code} (on error)
  bool error = false;
  bool changed = false;  // a write happened: journal it
};

/// Parses a raw query string as TigerGraph's REST++ does: parameters split at '&', each split only at its first
/// '=' (so `filter=age>=3` keeps its operator unencoded, as pyTigerGraph sends it), then percent-decoded.
Params ParseQuery(std::string_view query);

/// First value of a query parameter, or `fallback`.
std::string Param(const Params& p, const std::string& key, const std::string& fallback = "");
bool ParamTrue(const Params& p, const std::string& key);
/// `limit`: -1 when absent, else a non-negative integer (an error naming the text otherwise).
Result<int64_t> Limit(const Params& params);

Reply UpsertGraph(Database& db, const std::string& graph, const Params& params, const std::string& body);
Reply DeleteVertices(Database& db, const std::string& graph, const std::string& type, const std::string* id,
                     const Params& params);
Reply DeleteEdges(Database& db, const std::string& graph, const std::vector<std::string>& path, const Params& params);
Reply LoadData(Database& db, const std::string& graph, const Params& params, const std::string& body);

Reply GetVertices(const Database& db, const std::string& graph, const std::string& type, const std::string* id,
                  const Params& params);
Reply GetEdges(const Database& db, const std::string& graph, const std::vector<std::string>& path,
               const Params& params);
Reply Builtins(const Database& db, const std::string& graph, const std::string& body);

/// Renders a loading request's statistics as the /ddl endpoint's results entry.
nlohmann::json LoadStatsJson(const LoadStats& stats);

Reply ErrorReply(int status, const std::string& message, const std::string& code);

}  // namespace icegraph::emulator
