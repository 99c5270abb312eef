// The emulator's state and HTTP routes; EmulatorServer wraps it with a listening socket.
#pragma once

#include <httplib.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "emulator/auth.h"
#include "emulator/database.h"
#include "emulator/faults.h"
#include "emulator/journal.h"
#include "emulator/loader.h"
#include "emulator/server.h"

namespace icegraph::emulator {

/// TigerGraph's REST++ error codes the emulator answers with (server-docs built-in-endpoints / error codes).
namespace code {
inline constexpr const char* kOk = "REST-0000";
inline constexpr const char* kGeneric = "REST-1000";
inline constexpr const char* kBadRequest = "REST-30000";
inline constexpr const char* kEndpointNotFound = "REST-1000";
inline constexpr const char* kTokenExpired = "REST-10016";
inline constexpr const char* kAuthFailed = "REST-10016";
inline constexpr const char* kTooLarge = "REST-10001";
}  // namespace code

class Emulator {
 public:
  explicit Emulator(const EmulatorOptions& options);
  /// Replays the journal and runs the --schema file.
  Status Init();
  void RegisterRoutes(httplib::Server& server);

  Database& db() { return db_; }

  // Shared helpers of the route files.
  static nlohmann::json Envelope();
  void SendJson(httplib::Response& res, int status, const nlohmann::json& body) const;
  void SendError(httplib::Response& res, int status, const std::string& message, const char* rest_code) const;
  /// The GSQL server's answer to an admin request: {"error": status != 200, "message": message}.
  void SendGsqlMessage(httplib::Response& res, int status, const std::string& message) const;
  /// Authenticates a request; on failure writes the error response and returns false.
  bool Authorize(const httplib::Request& req, httplib::Response& res, bool allow_basic, std::string* user = nullptr);
  /// Applies --faults to a data request; true when a fault answered it.
  bool InjectFault(const httplib::Request& req, httplib::Response& res, bool can_be_too_large);
  /// Journals an acknowledged change (no-op without --data-dir).
  Status Record(const JournalRecord& rec);
  bool replaying() const { return replaying_; }

  /// Runs GSQL text in a session starting at `graph`; journals it when it changed something.
  struct GsqlReply {
    std::string output;
    bool failed = false;
    std::vector<LoadStats> loads;  // one per file RUN LOADING JOB read
  };
  GsqlReply RunGsqlText(const std::string& graph, const std::string& text);

  /// A POST route whose body is read raw: httplib would otherwise parse form-urlencoded bodies (pyTigerGraph sends
  /// loading data with that content type) into parameters and refuse those over 8 KB.
  using BodyHandler = std::function<void(const httplib::Request&, httplib::Response&, const std::string& body)>;
  void PostRaw(httplib::Server& server, const std::string& pattern, BodyHandler handler) const;

 private:
  void RegisterRestpp(httplib::Server& server);
  void RegisterGsql(httplib::Server& server);
  /// Schema types, schema change jobs and their JSON forms (gsql_schema_routes.cc).
  void RegisterGsqlSchema(httplib::Server& server);
  /// Loading jobs run over REST and their status (gsql_loading_routes.cc).
  void RegisterLoadingRuns(httplib::Server& server);
  /// Data source definitions (gsql_data_source_routes.cc).
  void RegisterDataSources(httplib::Server& server);
  /// Graphs created and dropped over REST, loading job updates, schema check, version (gsql_admin_routes.cc).
  void RegisterGsqlAdmin(httplib::Server& server);
  Status Replay(const JournalRecord& rec);

  EmulatorOptions options_;
  Database db_;
  Auth auth_;
  FaultInjector faults_;
  std::unique_ptr<Journal> journal_;
  bool replaying_ = false;
  // Loading jobs run over REST, by job id: their status as GET /gsql/v1/loading-jobs/status shows it. In memory
  // only: a restart forgets them (the data they loaded is journaled).
  std::mutex runs_mu_;
  std::map<std::string, nlohmann::json> loading_runs_;
  httplib::Server* replay_server_ = nullptr;
};

}  // namespace icegraph::emulator
