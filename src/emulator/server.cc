#include "emulator/server.h"

#include "common/log.h"
#include "emulator/emulator.h"

namespace icegraph::emulator {

// httplib::Server lives beside the Emulator so the public header stays free of httplib.
class ServerImpl {
 public:
  httplib::Server http;
};

EmulatorServer::EmulatorServer(const EmulatorOptions& options)
    : options_(options), emulator_(std::make_unique<Emulator>(options)), impl_(std::make_unique<ServerImpl>()) {}

EmulatorServer::~EmulatorServer() { Stop(); }

Result<std::unique_ptr<EmulatorServer>> EmulatorServer::Create(const EmulatorOptions& options) {
  std::unique_ptr<EmulatorServer> server(new EmulatorServer(options));
  ICEGRAPH_RETURN_NOT_OK(server->emulator_->Init());
  httplib::Server& http = server->impl_->http;
  const size_t threads = static_cast<size_t>(std::max(1, options.threads));
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(static_cast<size_t>(options.max_body_mb) * 1024 * 1024);
  http.set_read_timeout(60, 0);
  http.set_write_timeout(60, 0);
  // As TigerGraph's nginx: tcp_nodelay on (without it every kept-alive response waits ~40 ms for the client's
  // delayed ACK), keepalive_timeout 75 s and keepalive_requests 1000 (nginx defaults).
  http.set_tcp_nodelay(true);
  http.set_keep_alive_timeout(75);
  http.set_keep_alive_max_count(1000);
  server->emulator_->RegisterRoutes(http);
  return server;
}

Status EmulatorServer::Bind() {
  httplib::Server& http = impl_->http;
  if (options_.port == 0) {
    port_ = http.bind_to_any_port(options_.host);
    if (port_ < 0) return Status::IOError("cannot bind " + options_.host);
  } else {
    if (!http.bind_to_port(options_.host, options_.port)) {
      return Status::IOError("cannot bind " + options_.host + ":" + std::to_string(options_.port) +
                             " (is another server using it?)");
    }
    port_ = options_.port;
  }
  log::Info("emulator.listening", {{"host", options_.host},
                                   {"port", port_},
                                   {"auth", options_.auth},
                                   {"data_dir", options_.data_dir.empty() ? "-" : options_.data_dir}});
  return Status::OK();
}

Status EmulatorServer::Serve() {
  if (!impl_->http.listen_after_bind()) return Status::IOError("the server stopped unexpectedly");
  return Status::OK();
}

void EmulatorServer::Stop() {
  if (impl_) impl_->http.stop();
}

}  // namespace icegraph::emulator
