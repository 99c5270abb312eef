#include "emulator/emulator.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/log.h"
#include "emulator/gsql_executor.h"

namespace icegraph::emulator {

using json = nlohmann::json;

namespace {
// nginx's page for bodies over client_max_body_size, which TigerGraph's REST++ sits behind.
constexpr const char* kTooLargeHtml =
    "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request "
    "Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
}  // namespace

Emulator::Emulator(const EmulatorOptions& options)
    : options_(options),
      auth_(options.username, options.password, options.auth, options.token_ttl_seconds),
      faults_(options.faults, options.seed) {}

json Emulator::Envelope() {
  return {{"version", {{"edition", "enterprise"}, {"api", "v2"}, {"schema", 0}}}, {"error", false}, {"message", ""}};
}

void Emulator::SendJson(httplib::Response& res, int status, const json& body) const {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void Emulator::SendError(httplib::Response& res, int status, const std::string& message, const char* rest_code) const {
  json body = Envelope();
  body["error"] = true;
  body["message"] = message;
  body["code"] = rest_code;
  SendJson(res, status, body);
}

void Emulator::SendGsqlMessage(httplib::Response& res, int status, const std::string& message) const {
  SendJson(res, status, {{"error", status != 200}, {"message", message}});
}

bool Emulator::Authorize(const httplib::Request& req, httplib::Response& res, bool allow_basic, std::string* user) {
  const AuthResult r = auth_.Check(req.get_header_value("Authorization"), allow_basic);
  switch (r.failure) {
    case AuthFailure::kNone:
      if (!r.token.empty() && faults_.ExpireTokenNow()) {
        auth_.ExpireToken(r.token);
        SendError(res, 401, "The token has expired: please request a new token.", code::kTokenExpired);
        return false;
      }
      if (user != nullptr) *user = r.user;
      return true;
    case AuthFailure::kMissing:
      SendError(res, 401,
                "You are not authorized to use this API: provide a token (Authorization: Bearer ...)" +
                    std::string(allow_basic ? " or username and password." : "."),
                code::kAuthFailed);
      return false;
    case AuthFailure::kBadCredentials:
      SendError(res, 401, "Wrong username or password.", code::kAuthFailed);
      return false;
    case AuthFailure::kInvalidToken:
      SendError(res, 401, "Access Denied because the input token is invalid.", code::kAuthFailed);
      return false;
    case AuthFailure::kExpiredToken:
      SendError(res, 401, "The token has expired: please request a new token.", code::kTokenExpired);
      return false;
  }
  return false;
}

bool Emulator::InjectFault(const httplib::Request& req, httplib::Response& res, bool can_be_too_large) {
  if (!faults_.spec().any()) return false;
  if (faults_.spec().latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(faults_.spec().latency_ms));
  const FaultAction action = faults_.Next(can_be_too_large);
  switch (action) {
    case FaultAction::kNone: return false;
    case FaultAction::k5xx:
      log::Info("emulator.fault", {{"kind", "503"}, {"path", req.path}});
      res.status = 503;
      res.set_content("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", "text/html");
      return true;
    case FaultAction::kTooLarge:
      log::Info("emulator.fault", {{"kind", "413"}, {"path", req.path}});
      res.status = 413;
      res.set_content(kTooLargeHtml, "text/html");
      return true;
    case FaultAction::kReset:
    case FaultAction::kTimeout: {
      const bool hang = action == FaultAction::kTimeout;
      log::Info("emulator.fault", {{"kind", hang ? "timeout" : "reset"}, {"path", req.path}});
      if (hang) std::this_thread::sleep_for(std::chrono::milliseconds(faults_.spec().hang_ms));
      // Promise a body and send none: the client sees the connection cut mid-response.
      res.status = 200;
      res.set_content_provider(1 << 20, "application/json", [](size_t, size_t, httplib::DataSink&) { return false; });
      return true;
    }
  }
  return false;
}

void Emulator::PostRaw(httplib::Server& server, const std::string& pattern, BodyHandler handler) const {
  const size_t max_body = static_cast<size_t>(options_.max_body_mb) * 1024 * 1024;
  server.Post(pattern, [handler = std::move(handler), max_body](const httplib::Request& req, httplib::Response& res,
                                                                const httplib::ContentReader& reader) {
    std::string body;
    // Sized once from Content-Length (bounded by the body limit), not regrown and copied as a 100 MB body arrives.
    if (const size_t length = std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10);
        length <= max_body) {
      body.reserve(length);
    }
    const bool complete = reader([&](const char* data, size_t len) {
      body.append(data, len);
      return true;
    });
    // The reader stops early when the body exceeds --max-body-mb (or the client went away): answer as nginx does.
    if (!complete) {
      res.status = 413;
      res.set_content(kTooLargeHtml, "text/html");
      return;
    }
    handler(req, res, body);
  });
}

Status Emulator::Record(const JournalRecord& rec) {
  if (journal_ == nullptr || replaying_) return Status::OK();
  return journal_->Append(rec);
}

Emulator::GsqlReply Emulator::RunGsqlText(const std::string& graph, const std::string& text) {
  GsqlSession session{graph};
  std::vector<LoadStats> loads;
  const RunJobFn run_job = [this, &loads](const std::string& g, const LoadingJob& job,
                                          const std::vector<std::pair<std::string, std::string>>& files,
                                          std::string* output) -> Status {
    for (const std::string& var : job.filename_vars) {
      std::string path;
      for (const auto& [k, v] : files) {
        if (k == var) path = v;
      }
      if (path.empty() && job.filename_defaults.count(var)) path = job.filename_defaults.at(var);
      if (path.empty()) return Status::Invalid("No file is given for the filename variable " + var + ".");
      std::ifstream in(path, std::ios::binary);
      if (!in) return Status::IOError("The file " + path + " cannot be read.");
      std::stringstream buf;
      buf << in.rdbuf();
      auto stats = RunLoad(db_, job, var, buf.str(), {});
      if (!stats.ok()) return stats.status();
      *output += fmt::format("[{}] {}: {} lines valid, {} rejected\n", g, path, stats->valid_line, stats->reject_line);
      loads.push_back(std::move(stats).ValueOrDie());
    }
    *output += "LOAD SUCCESSFUL for loading jobid: " + g + "." + job.name + ".file.m1.1";
    return Status::OK();
  };
  const std::unique_lock<std::shared_mutex> lock(db_.mu);
  const GsqlOutcome out = RunGsql(db_, session, text, run_job);
  // A text whose later statement failed may still have changed something (statements before it, or every other
  // statement under SET exit_on_error = FALSE): journal it with its outcome, which replay reproduces.
  if (out.changed) {
    if (Status st = Record({"gsql", graph, out.failed ? "failed" : "", "", "", text}); !st.ok()) {
      return {out.output + "\n" + st.message(), true, std::move(loads)};
    }
  }
  return {out.output, out.failed, std::move(loads)};
}

Status Emulator::Init() {
  if (!options_.data_dir.empty()) {
    replaying_ = true;
    auto journal = Journal::Open(options_.data_dir, [this](const JournalRecord& r) { return Replay(r); });
    replaying_ = false;
    if (!journal.ok()) return journal.status();
    journal_ = std::move(journal).ValueOrDie();
    log::Info("emulator.journal_replayed", {{"dir", options_.data_dir}, {"records", journal_->records()}});
  }
  if (!options_.schema_file.empty() && db_.catalog.graphs.empty()) {
    std::ifstream in(options_.schema_file);
    if (!in) return Status::IOError("cannot read --schema file '" + options_.schema_file + "'");
    std::stringstream buf;
    buf << in.rdbuf();
    const GsqlReply r = RunGsqlText("", buf.str());
    if (r.failed) return Status::Invalid("--schema " + options_.schema_file + " failed:\n" + r.output);
  }
  if (!options_.graph.empty() && db_.catalog.FindGraph(options_.graph) == nullptr) {
    const GsqlReply r = RunGsqlText("", "CREATE GRAPH " + options_.graph + " ()");
    if (r.failed) return Status::Invalid("cannot create graph " + options_.graph + ": " + r.output);
  }
  return Status::OK();
}

void Emulator::RegisterRoutes(httplib::Server& server) {
  RegisterRestpp(server);
  RegisterGsql(server);
  server.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 413) {
      res.set_content(kTooLargeHtml, "text/html");
      return;
    }
    if (res.status == 404 && res.body.empty()) {
      SendError(res, 404,
                "Endpoint is not found from url = " + req.path +
                    ", please use GET /endpoints to list all "
                    "valid endpoints.",
                code::kEndpointNotFound);
    }
  });
  server.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, const std::exception_ptr& ep) {
        std::string what = "unknown error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        }
        log::Error("emulator.exception", {{"path", req.path}, {"error", what}});
        SendError(res, 500, "Internal error: " + what, code::kGeneric);
      });
}

}  // namespace icegraph::emulator
