// `icegraph serve`: the HTTP API, metrics and dashboard until SIGINT or SIGTERM (a running sync finishes first).
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "common/log.h"
#include "engine/pipeline.h"
#include "service/service.h"

namespace icegraph::cli {
namespace {

struct ServeArgs {
  service::ServiceOptions options;
  std::string config;
  bool list_routes = false;
};

int RunServe(const ServeArgs& args) {
  if (args.list_routes) {
    for (const auto& r : service::Service::Routes()) std::cout << r.method << " " << r.path << "\n";
    return 0;
  }
  service::ServiceOptions options = args.options;
  options.config_path = engine::ResolveConfigPath(args.config);
  // Signals are waited for on a thread of their own so Stop() runs outside a signal handler; block them before
  // any thread starts so every thread inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);  // sent by this thread to wake the waiter once serving ends
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto server = service::Service::Create(options);
  if (!server.ok()) {
    std::cerr << "icegraph serve: " << server.status().ToString() << "\n";
    return server.status().code() == StatusCode::kInvalid ? 2 : 1;
  }
  if (const Status st = (*server)->Bind(); !st.ok()) {
    std::cerr << "icegraph serve: " << st.ToString() << "\n";
    return 1;
  }
  service::Service* raw = server->get();
  std::atomic<bool> served{false};
  std::thread waiter([set, raw, &served] {
    int sig = 0;
    sigwait(&set, &sig);
    if (served.load()) return;
    log::Info("service.stopping", {{"signal", sig}});
    raw->Stop();
  });
  std::cout << "icegraph serve listening on http://" << options.host << ":" << (*server)->port() << std::endl;
  const Status result = (*server)->Serve();
  served = true;
  pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  server->reset();
  log::Info("service.stopped");
  if (!result.ok()) {
    std::cerr << "icegraph serve: " << result.ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the HTTP API, Prometheus metrics and the dashboard");
  cmd->add_option("--config,-c", args->config, "icegraph.yaml (default: $ICEGRAPH_CONFIG, else ./icegraph.yaml)");
  cmd->add_option("--host", args->options.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", args->options.port, "Port (0 picks a free one, printed on stdout)")->capture_default_str();
  cmd->add_flag("--insecure", args->options.insecure, "Allow serving without a token on a non-loopback address");
  cmd->add_flag("--list-routes", args->list_routes, "Print the registered routes (METHOD PATH) and exit");
  cmd->callback([args, exit_code] { *exit_code = RunServe(*args); });
}

}  // namespace icegraph::cli
