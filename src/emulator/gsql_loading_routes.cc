// Loading jobs run over the GSQL server's REST API (gsql-endpoints 4.1 "Run a loading job", "Get loading job run
// status", "Abort loading job(s)", "Resume loading job"; pyTigerGraph runLoadingJob, getLoadingJobsStatus,
// getLoadingJobStatus, abortLoadingJobs, abortLoadingJob, resumeLoadingJob). A run reads local files, as RUN LOADING
// JOB ... USING f="path" does (and is journaled as that statement); it finishes inside its request, so status
// always shows a finished job and there is never a running one to abort, pause or resume.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "emulator/emulator.h"
#include "emulator/restpp_ops.h"
#include "emulator/schema_json.h"

namespace icegraph::emulator {

using json = nlohmann::json;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The job-level statistics of a finished run: "fileLevel" line counters and "objectLevel" per-type counters with
// the non-zero ones kept (gsql-endpoints "Get loading job run status" sample; load-from-spark-dataframe's status).
json RunStatistics(const std::vector<LoadStats>& loads) {
  // Every per-type counter, so a run of several files reports what one request would.
  const auto add_types = [](std::map<std::string, TypeStats>& into, const std::map<std::string, TypeStats>& from) {
    for (const auto& [k, v] : from) {
      TypeStats& t = into[k];
      t.valid_object += v.valid_object;
      t.no_id_found += v.no_id_found;
      t.invalid_attribute += v.invalid_attribute;
      t.invalid_primary_id += v.invalid_primary_id;
      t.invalid_secondary_id += v.invalid_secondary_id;
      t.incorrect_fixed_binary_length += v.incorrect_fixed_binary_length;
      t.passed_condition += v.passed_condition;
      t.failed_condition += v.failed_condition;
    }
  };
  LoadStats total;
  for (const LoadStats& s : loads) {
    total.valid_line += s.valid_line;
    total.reject_line += s.reject_line;
    total.not_enough_token += s.not_enough_token;
    total.oversize_token += s.oversize_token;
    total.failed_condition_line += s.failed_condition_line;
    total.invalid_json += s.invalid_json;
    add_types(total.vertex, s.vertex);
    add_types(total.edge, s.edge);
    for (const auto& [k, v] : s.delete_vertex) total.delete_vertex[k] += v;
    for (const auto& [k, v] : s.delete_edge) total.delete_edge[k] += v;
  }
  const json full = LoadStatsJson(total)["statistics"];
  json file_level = {{"validLine", total.valid_line},
                     {"notEnoughToken", total.not_enough_token},
                     {"tokenExceedsBuffer", total.oversize_token},
                     {"rejectLine", total.reject_line}};
  json object_level = json::object();
  for (const char* kind : {"vertex", "edge", "deleteVertex", "deleteEdge"}) {
    json list = json::array();
    for (const json& t : full[kind]) {
      json kept = json::object();
      for (const auto& [k, v] : t.items()) {
        // passedCondition repeats validObject in the per-request form; the job-level sample has neither twin.
        if (k == "typeName" || k == "validObject" || (k != "passedCondition" && v.is_number() && v != 0)) kept[k] = v;
      }
      list.push_back(std::move(kept));
    }
    if (!list.empty()) object_level[kind] = std::move(list);
  }
  return {{"fileLevel", file_level}, {"objectLevel", object_level}};
}

// Job ids of a request: `jobIds=a,b` (the docs) or `jobId=a&jobId=b` (pyTigerGraph).
std::vector<std::string> JobIds(const httplib::Request& req) {
  std::vector<std::string> ids = SplitNames(req.get_param_value("jobIds"));
  for (size_t i = 0; i < req.get_param_value_count("jobId"); ++i) ids.push_back(req.get_param_value("jobId", i));
  return ids;
}

}  // namespace

void Emulator::RegisterLoadingRuns(httplib::Server& server) {
  // POST /gsql/v1/loading-jobs/run?graph=g, body {"name": job, "dataSources": [{"filename": f, "name": "file",
  // "path": p}], "sys.data_root": dir, ...} or an array of them.
  PostRaw(server, "/gsql/v1/loading-jobs/run",
          [this](const httplib::Request& req, httplib::Response& res, const std::string& body) {
            if (!Authorize(req, res, true)) return;
            const std::string graph = req.get_param_value("graph");
            if (graph.empty()) return SendGsqlMessage(res, 400, "graph: the graph of the loading job is required");
            const json doc = json::parse(body, nullptr, false);
            if (!doc.is_object() && !doc.is_array()) {
              return SendGsqlMessage(res, 400, "the request body must be a JSON object or an array of them");
            }
            const json runs = doc.is_array() ? doc : json::array({doc});
            std::vector<std::string> names;
            std::vector<std::string> ids;
            for (size_t i = 0; i < runs.size(); ++i) {
              const json& run = runs[i];
              const std::string at = fmt::format("[{}]", i);
              if (!run.is_object() || !run.contains("name") || !run["name"].is_string() ||
                  !IsGsqlName(run["name"].get<std::string>())) {
                return SendGsqlMessage(res, 400, at + ".name: expected a loading job name");
              }
              const std::string name = run["name"].get<std::string>();
              if (run.contains("dryrun") && run["dryrun"] == true) {
                return SendGsqlMessage(res, 400,
                                       at + ".dryrun: the emulator does not support dry runs (it loads or refuses)");
              }
              const std::string root = run.contains("sys.data_root") && run["sys.data_root"].is_string()
                                           ? run["sys.data_root"].get<std::string>()
                                           : "";
              if (!run.contains("dataSources") || !run["dataSources"].is_array() || run["dataSources"].empty()) {
                return SendGsqlMessage(res, 400, at + ".dataSources: expected a non-empty array");
              }
              std::vector<std::string> using_files;
              std::vector<std::string> vars;
              int64_t size = 0;
              for (size_t j = 0; j < run["dataSources"].size(); ++j) {
                const json& src = run["dataSources"][j];
                const std::string where = fmt::format("{}.dataSources[{}]", at, j);
                if (!src.is_object() || !src.contains("filename") || !src["filename"].is_string() ||
                    !IsGsqlName(src["filename"].get<std::string>())) {
                  return SendGsqlMessage(res, 400, where + ".filename: expected the job's filename variable");
                }
                if (src.contains("config") || !src.contains("path") || !src["path"].is_string()) {
                  return SendGsqlMessage(res, 400,
                                         where +
                                             ": the emulator loads local files only (\"path\"), not Kafka or "
                                             "cloud data sources");
                }
                std::string path = src["path"].get<std::string>();
                if (!root.empty() && !path.empty() && path[0] != '/') path = fmt::format("{}/{}", root, path);
                if (path.empty() || path.find_first_of("\"\n") != std::string::npos) {
                  return SendGsqlMessage(res, 400, where + ".path: expected a file path");
                }
                std::error_code ec;
                const auto bytes = std::filesystem::file_size(path, ec);
                if (!ec) size += static_cast<int64_t>(bytes);
                vars.push_back(src["filename"].get<std::string>());
                using_files.push_back(fmt::format("{}=\"{}\"", vars.back(), path));
              }
              const int64_t start = NowMs();
              const GsqlReply r =
                  RunGsqlText(graph, fmt::format("RUN LOADING JOB {} USING {}", name, fmt::join(using_files, ", ")));
              if (r.failed) return SendGsqlMessage(res, 400, r.output);
              const int64_t end = NowMs();
              json tasks = json::array();
              for (const std::string& v : vars) tasks.push_back({{"filename", v}});
              std::string id;
              {
                const std::lock_guard<std::mutex> lock(runs_mu_);
                // Ids as TigerGraph forms them for file loads (graph.job.file.m1.<start ms>), unique here.
                int64_t stamp = start;
                do {
                  id = fmt::format("{}.{}.file.m1.{}", graph, name, stamp++);
                } while (loading_runs_.count(id) != 0);
                const int64_t duration = std::max<int64_t>(end - start, 0);
                int64_t lines = 0;
                for (const LoadStats& s : r.loads) lines += s.lines;
                const int64_t speed = duration > 0 ? lines * 1000 / duration : lines;
                loading_runs_[id] = {{"overall",
                                      {{"id", id},
                                       {"startTime", start},
                                       {"endTime", end},
                                       {"duration", duration},
                                       {"progress", 1},
                                       {"size", size},
                                       {"averageSpeed", speed},
                                       {"currentSpeed", speed},
                                       {"statistics", RunStatistics(r.loads)}}},
                                     {"workers", json::array({{{"tasks", tasks}}})}};
              }
              names.push_back(name);
              ids.push_back(id);
            }
            SendJson(res, 200,
                     {{"error", false},
                      {"message", fmt::format("Successfully ran loading job(s): [{}]", fmt::join(names, ", "))},
                      {"jobIds", ids}});
          });
  // GET /gsql/v1/loading-jobs/status?jobIds=a,b (or jobId=a&jobId=b) and GET /gsql/v1/loading-jobs/status/{id}.
  const auto status = [this](httplib::Response& res, const std::vector<std::string>& ids) {
    if (ids.empty()) return SendGsqlMessage(res, 400, "jobIds: expected loading job ids");
    json results = json::array();
    const std::lock_guard<std::mutex> lock(runs_mu_);
    for (const std::string& id : ids) {
      const auto it = loading_runs_.find(id);
      if (it == loading_runs_.end()) return SendGsqlMessage(res, 400, "The loading job id " + id + " does not exist.");
      results.push_back(it->second);
    }
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", results}});
  };
  server.Get("/gsql/v1/loading-jobs/status", [this, status](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    status(res, JobIds(req));
  });
  server.Get(R"(/gsql/v1/loading-jobs/status/([^/]+))",
             [this, status](const httplib::Request& req, httplib::Response& res) {
               if (!Authorize(req, res, true)) return;
               status(res, {req.matches[1]});
             });
  // Abort, pause (isPause=true) and resume act on running jobs; a run here has finished before its id is known.
  const auto not_running = [this](httplib::Response& res, const std::vector<std::string>& ids, const char* verb) {
    if (ids.empty()) return SendGsqlMessage(res, 400, "jobIds: expected loading job ids");
    const std::lock_guard<std::mutex> lock(runs_mu_);
    for (const std::string& id : ids) {
      if (loading_runs_.count(id) == 0)
        return SendGsqlMessage(res, 400, "The loading job id " + id + " does not exist.");
    }
    SendGsqlMessage(
        res, 400,
        fmt::format("Cannot {} loading job(s) [{}]: they have finished (the emulator runs a loading job to its "
                    "end inside the request that starts it).",
                    verb, fmt::join(ids, ", ")));
  };
  server.Get("/gsql/v1/loading-jobs/abort", [this, not_running](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    not_running(res, JobIds(req), req.get_param_value("isPause") == "true" ? "pause" : "abort");
  });
  server.Get(R"(/gsql/v1/loading-jobs/abort/([^/]+))",
             [this, not_running](const httplib::Request& req, httplib::Response& res) {
               if (!Authorize(req, res, true)) return;
               not_running(res, {req.matches[1]}, req.get_param_value("isPause") == "true" ? "pause" : "abort");
             });
  server.Get(R"(/gsql/v1/loading-jobs/resume/([^/]+))",
             [this, not_running](const httplib::Request& req, httplib::Response& res) {
               if (!Authorize(req, res, true)) return;
               not_running(res, {req.matches[1]}, "resume");
             });
}

}  // namespace icegraph::emulator
