// `icegraph serve`: the HTTP API, metrics and dashboard until SIGINT or SIGTERM (a running sync finishes first).
#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>

#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "common/log.h"
#include "config/config.h"
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
  const auto fail = [](const Status& st) {
    std::cerr << "icegraph serve: " << st.ToString() << "\n";
    return st.code() == StatusCode::kInvalid ? 2 : 1;
  };
  service::ServiceOptions options = args.options;
  const std::string path = engine::ResolveConfigPath(args.config);
  auto loaded = config::LoadConfig(path);
  if (!loaded.ok()) return fail(loaded.status());
  options.settings = std::move(loaded->service);
  options.pipeline = std::move(loaded->pipeline);
  // Each sync job reads the file again, so edits to it apply without a restart.
  options.reload_pipeline = [path]() -> Result<engine::PipelineConfig> {
    ICEGRAPH_ASSIGN_OR_RAISE(config::Config c, config::LoadConfig(path));
    return std::move(c.pipeline);
  };
  // Before Create: the service starts threads, which must inherit the mask.
  const sigset_t set = BlockStopSignals();
  auto server = service::Service::Create(options);
  if (!server.ok()) return fail(server.status());
  if (const Status st = (*server)->Bind(); !st.ok()) {
    std::cerr << "icegraph serve: " << st.ToString() << "\n";
    return 1;
  }
  service::Service* raw = server->get();
  std::cout << "icegraph serve listening on http://" << options.host << ":" << (*server)->port() << std::endl;
  const Status result = ServeUntilStopSignal(
      set, "service.stopping", [raw] { return raw->Serve(); }, [raw](const std::atomic<bool>&) { raw->Stop(); });
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
