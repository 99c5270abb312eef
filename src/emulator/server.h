// `icegraph emulator`: one HTTP port serving TigerGraph 4.x's GSQL server (/gsql/v1, /gsqlserver) and REST++
// (/restpp), enforcing the schema as TigerGraph does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "emulator/faults.h"

namespace icegraph::emulator {

struct EmulatorOptions {
  std::string host = "127.0.0.1";
  int port = 14240;                     // 0 picks a free port
  std::string graph;                    // graph created at start when given with --schema, else only USE'd
  std::string schema_file;              // GSQL run at start (e.g. CREATE VERTEX ... CREATE GRAPH ...)
  std::string username = "tigergraph";  // TigerGraph's default superuser
  std::string password = "tigergraph";
  bool auth = true;                     // false: --no-auth, every request is the superuser
  int64_t token_ttl_seconds = 2592000;  // REST++ default token lifetime: one month
  int64_t max_body_mb = 200;            // Nginx.ClientMaxBodySize default
  FaultSpec faults;
  uint64_t seed = 0;
  std::string data_dir;  // empty: in memory only
  int threads = 64;      // cpp-httplib holds a worker per open connection, idle keep-alive ones too
};

class Emulator;
class ServerImpl;

/// Owns the listening socket and the emulated database.
class EmulatorServer {
 public:
  static Result<std::unique_ptr<EmulatorServer>> Create(const EmulatorOptions& options);
  ~EmulatorServer();
  EmulatorServer(const EmulatorServer&) = delete;
  EmulatorServer& operator=(const EmulatorServer&) = delete;

  /// Binds the port (the chosen one when options.port was 0).
  Status Bind();
  int port() const { return port_; }
  /// Serves until Stop() is called (from a signal handler thread or another thread).
  Status Serve();
  void Stop();

 private:
  explicit EmulatorServer(const EmulatorOptions& options);

  EmulatorOptions options_;
  std::unique_ptr<Emulator> emulator_;
  std::unique_ptr<ServerImpl> impl_;
  int port_ = 0;
};

}  // namespace icegraph::emulator
