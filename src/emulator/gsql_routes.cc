// GSQL-server routes: statements, schema, tokens, secrets (4.x /gsql/v1 and the 3.x /gsqlserver forms).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <set>

#include "common/log.h"
#include "emulator/emulator.h"
#include "emulator/schema_json.h"

namespace icegraph::emulator {

using json = nlohmann::json;

void Emulator::RegisterGsql(httplib::Server& server) {
  RegisterGsqlSchema(server);
  RegisterLoadingRuns(server);  // before /gsql/v1/loading-jobs/{job}, which would take "status" for a job name
  RegisterDataSources(server);
  RegisterGsqlAdmin(server);
  const auto statements = [this](const httplib::Request& req, httplib::Response& res, const std::string& body,
                                 bool url_encoded) {
    if (!Authorize(req, res, true)) return;
    std::string text = body;
    if (url_encoded) text = httplib::detail::decode_url(text, true);
    const std::string graph = req.get_param_value("graph");
    const GsqlReply r = RunGsqlText(graph, text);
    log::Info("gsql.statements", {{"bytes", text.size()}, {"failed", r.failed}});
    res.status = 200;
    res.set_content(r.output, "text/plain");
  };
  PostRaw(server, "/gsql/v1/statements",
          [statements](const httplib::Request& q, httplib::Response& s, const std::string& b) {
            statements(q, s, b, false);
          });
  PostRaw(server, "/gsqlserver/gsql/file",
          [statements](const httplib::Request& q, httplib::Response& s, const std::string& b) {
            statements(q, s, b, true);
          });

  const auto schema = [this](const httplib::Request& req, httplib::Response& res, const std::string& graph, bool v4) {
    if (!Authorize(req, res, true)) return;
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    const Graph* g = db_.catalog.FindGraph(graph);
    if (g == nullptr) {
      SendJson(res, v4 ? 400 : 200, {{"error", true}, {"message", "Graph " + graph + " does not exist."}});
      return;
    }
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", GraphSchemaJson(db_.catalog, *g)}});
  };
  server.Get(R"(/gsql/v1/schema/graphs/([^/]+))",
             [schema](const httplib::Request& q, httplib::Response& s) { schema(q, s, q.matches[1], true); });
  server.Get("/gsqlserver/gsql/schema", [schema](const httplib::Request& q, httplib::Response& s) {
    schema(q, s, q.get_param_value("graph"), false);
  });
  // DELETE /gsql/v1/schema/graphs/{g}[?cascade=true] (gsql-endpoints "drop one graph"; pyTigerGraph dropGraph() on
  // 4.1+): without cascade it fails while the graph has loading jobs (the emulator has no queries); with it they go
  // too. Runs as the GSQL statement DROP GRAPH g CASCADE, so it is journaled like one.
  server.Delete(R"(/gsql/v1/schema/graphs/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::string graph = req.matches[1];
    const bool cascade = req.get_param_value("cascade") == "true";
    {
      const std::shared_lock<std::shared_mutex> lock(db_.mu);
      const Graph* g = db_.catalog.FindGraph(graph);
      if (g == nullptr) {
        SendJson(res, 400, {{"error", true}, {"message", "The graph " + graph + " does not exist."}});
        return;
      }
      if (!cascade && !g->loading_jobs.empty()) {
        std::vector<std::string> jobs;
        for (const auto& [name, job] : g->loading_jobs) jobs.push_back(name);
        SendJson(res, 400,
                 {{"error", true},
                  {"message", fmt::format("Failed to drop graph {}: it has loading jobs [{}]; drop them "
                                          "first or use cascade=true.",
                                          graph, fmt::join(jobs, ", "))}});
        return;
      }
    }
    const GsqlReply r = RunGsqlText("", "DROP GRAPH " + graph + " CASCADE");
    if (r.failed) {
      SendJson(res, 400, {{"error", true}, {"message", r.output}});
      return;
    }
    SendJson(res, 200, {{"error", false}, {"message", "Successfully dropped graph: " + graph + "."}});
  });
  // GET /gsql/v1/udt/tuples[/{name}] (gsql-endpoints "list all tuples", "list one tuple"; pyTigerGraph getUDTs):
  // {"name", "fields": [{"fieldName", "length", "fieldType"}]}, length where the type has a size.
  const auto tuple_json = [](const TupleType& t) {
    json fields = json::array();
    for (const TupleField& f : t.fields) {
      json field = {{"fieldName", f.name}};
      const int length = f.kind == Kind::kFloat ? 4 : (f.kind == Kind::kDouble ? 8 : f.length);
      if (length > 0) field["length"] = length;
      field["fieldType"] = std::string(KindName(f.kind));
      fields.push_back(std::move(field));
    }
    return json{{"name", t.name}, {"fields", std::move(fields)}};
  };
  const auto udts = [this, tuple_json](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    json list = json::array();
    for (const auto& [name, t] : db_.catalog.tuples) list.push_back(tuple_json(t));
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", std::move(list)}});
  };
  server.Get("/gsql/v1/udt/tuples", udts);
  server.Get("/gsqlserver/gsql/udtlist", udts);
  server.Get(R"(/gsql/v1/udt/tuples/([^/]+))", [this, tuple_json](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    const auto it = db_.catalog.tuples.find(req.matches[1]);
    if (it == db_.catalog.tuples.end()) {
      SendJson(res, 400,
               {{"error", true}, {"message", "The tuple " + std::string(req.matches[1]) + " does not exist."}});
      return;
    }
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", json::array({tuple_json(it->second)})}});
  });
  const auto simple_auth = [this](const httplib::Request& req, httplib::Response& res) {
    std::string user;
    if (!Authorize(req, res, true, &user)) return;
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", {{"name", user}, {"isSuperUser", true}}}});
  };
  server.Get("/gsql/v1/auth/simple", simple_auth);
  server.Get("/gsqlserver/gsql/simpleauth", simple_auth);

  // POST /gsql/v1/tokens: a secret in the body, or Basic credentials; answers token and expiration (unix seconds).
  PostRaw(
      server, "/gsql/v1/tokens", [this](const httplib::Request& req, httplib::Response& res, const std::string& raw) {
        json body = raw.empty() ? json::object() : json::parse(raw, nullptr, false);
        if (body.is_discarded() || !body.is_object()) {
          SendJson(res, 400, {{"error", true}, {"message", "Invalid payload: expected a JSON object."}});
          return;
        }
        const auto text = [&body](const char* key) {
          return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : std::string();
        };
        if ((body.contains("secret") && !body["secret"].is_string()) ||
            (body.contains("graph") && !body["graph"].is_string()) ||
            (body.contains("lifetime") && !body["lifetime"].is_string() && !body["lifetime"].is_number_integer())) {
          SendJson(res, 400,
                   {{"error", true}, {"message", "Invalid payload: secret and graph are strings, lifetime a number."}});
          return;
        }
        std::string user;
        if (body.contains("secret")) {
          const auto u = auth_.UserOfSecret(text("secret"));
          if (!u && auth_.enabled()) {
            SendJson(res, 401, {{"error", true}, {"message", "The secret is not valid."}, {"code", code::kAuthFailed}});
            return;
          }
          user = u.value_or(options_.username);
        } else if (!Authorize(req, res, true, &user)) {
          return;
        }
        int64_t lifetime = 0;
        if (body.contains("lifetime")) {
          const json& l = body["lifetime"];
          lifetime = l.is_string() ? std::atoll(l.get<std::string>().c_str()) : l.get<int64_t>();
        }
        const std::string graph = text("graph");
        if (!graph.empty()) {
          const std::shared_lock<std::shared_mutex> lock(db_.mu);
          if (db_.catalog.FindGraph(graph) == nullptr) {
            SendJson(res, 400, {{"error", true}, {"message", "Graph " + graph + " does not exist."}});
            return;
          }
        }
        std::string token;
        const TokenInfo info = auth_.IssueToken(user, graph, lifetime, &token);
        (void)Record({"token", graph, user, token, std::to_string(info.expires_at), ""});
        SendJson(res, 200,
                 {{"error", false},
                  {"message", "Generate new token successfully."},
                  {"token", token},
                  {"expiration", info.expires_at}});
      });
  // DELETE /gsql/v1/tokens with {"tokens": "t" | ["t", ...]} (gsql-endpoints "drop tokens"; pyTigerGraph
  // deleteToken(), which takes code REST-3300 as "no such token"). Journaled, so a dropped token stays dropped.
  server.Delete("/gsql/v1/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    const json body = json::parse(req.body, nullptr, false);
    const bool by_secret = body.is_object() && body.contains("secret") && body["secret"].is_string() &&
                           auth_.UserOfSecret(body["secret"].get<std::string>()).has_value();
    if (!by_secret && !Authorize(req, res, true)) return;
    const std::vector<std::string> tokens = StringsAt(body, "tokens");
    if (tokens.empty()) {
      SendJson(res, 400, {{"error", true}, {"message", "Expected a body {\"tokens\": [token, ...]}."}});
      return;
    }
    std::vector<std::string> missing;
    for (const std::string& t : tokens) {
      if (auth_.DropToken(t)) {
        (void)Record({"drop_token", "", "", t, "", ""});
      } else {
        missing.push_back(t.substr(0, 6) + "...");
      }
    }
    if (!missing.empty()) {
      SendJson(res, 200,
               {{"error", true},
                {"code", "REST-3300"},
                {"message", fmt::format("Token(s) [{}] do not exist.", fmt::join(missing, ", "))}});
      return;
    }
    SendJson(res, 200, {{"error", false}, {"message", "Successfully dropped tokens."}});
  });
  PostRaw(
      server, "/gsql/v1/tokens/check", [this](const httplib::Request&, httplib::Response& res, const std::string& raw) {
        const json body = json::parse(raw, nullptr, false);
        const std::string token = body.is_object() && body.contains("token") && body["token"].is_string()
                                      ? body["token"].get<std::string>()
                                      : "";
        const auto info = auth_.Lookup(token);
        if (!info || info->expires_at_ms <= Auth::NowMs()) {
          SendJson(res, 200, {{"error", true}, {"message", info ? "The token has expired." : "The token is invalid."}});
          return;
        }
        SendJson(res, 200,
                 {{"error", false},
                  {"message", "Token is valid."},
                  {"results", {{"expiration", info->expires_at}, {"user", info->user}}}});
      });

  server.Post("/gsql/v1/secrets", [this](const httplib::Request& req, httplib::Response& res) {
    std::string user;
    if (!Authorize(req, res, true, &user)) return;
    std::string secret;
    const std::string wanted = req.get_param_value("alias");
    const std::string alias = auth_.CreateSecret(user, wanted, &secret, req.get_param_value("value"));
    if (alias.empty()) {
      SendJson(
          res, 409,
          {{"error", true},
           {"message", "Failed to create secret: the alias " + wanted + " already exists for user " + user + "."}});
      return;
    }
    (void)Record({"secret", "", user, alias, secret, ""});
    SendJson(res, 201,
             {{"error", false},
              {"message", "The secret has been created successfully."},
              {"results", {{"alias", alias}, {"value", secret}}},
              {"alias", alias},
              {"secret", secret}});
  });
  // DELETE /gsql/v1/secrets/{alias} and DELETE /gsql/v1/secrets with {"secrets": [alias or secret, ...]}
  // (gsql-endpoints.adoc "Drop secrets"; pyTigerGraph dropSecret() on 4.x): drops those that exist and names the
  // ones that do not.
  const auto drop_secrets = [this](httplib::Response& res, const std::vector<std::string>& names) {
    std::vector<std::string> dropped;
    std::vector<std::string> missing;
    for (const std::string& n : names) {
      if (auth_.DropSecret(n)) {
        (void)Record({"drop_secret", "", "", n, "", ""});
        dropped.push_back(n);
      } else {
        missing.push_back(n);
      }
    }
    if (!missing.empty()) {
      SendJson(
          res, 404,
          {{"error", true},
           {"message", fmt::format("Failed to drop secrets: [{}]: they do not exist.", fmt::join(missing, ", "))}});
      return;
    }
    SendJson(
        res, 200,
        {{"error", false}, {"message", fmt::format("Successfully dropped secrets: [{}].", fmt::join(dropped, ", "))}});
  };
  server.Delete(R"(/gsql/v1/secrets/([^/]+))",
                [this, drop_secrets](const httplib::Request& req, httplib::Response& res) {
                  if (!Authorize(req, res, true)) return;
                  drop_secrets(res, {req.matches[1]});
                });
  server.Delete("/gsql/v1/secrets", [this, drop_secrets](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const json doc = json::parse(req.body, nullptr, false);
    // A list only, as the endpoint documents it.
    const bool list = doc.is_object() && doc.contains("secrets") && doc["secrets"].is_array();
    const std::vector<std::string> names = list ? StringsAt(doc, "secrets") : std::vector<std::string>();
    if (names.empty()) {
      SendJson(res, 400, {{"error", true}, {"message", "Expected a body {\"secrets\": [alias, ...]}."}});
      return;
    }
    drop_secrets(res, names);
  });
  server.Get("/gsql/v1/secrets", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    json list = json::array();
    // 4.x answers the values in plain text (pyTigerGraph getSecrets(); only 3.x's SHOW SECRET masks them).
    for (const auto& [alias, secret] : auth_.Secrets()) list.push_back({{"alias", alias}, {"value", secret}});
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", list}});
  });
  server.Get(R"(/gsql/v1/secrets/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::string alias = req.matches[1];
    const auto secrets = auth_.Secrets();
    const auto it = secrets.find(alias);
    if (it == secrets.end()) {
      SendJson(res, 404, {{"error", true}, {"message", "The secret alias " + alias + " does not exist."}});
      return;
    }
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", {{"alias", alias}, {"value", it->second}}}});
  });

  server.Get("/gsql/v1/loading-jobs", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    const Graph* g = db_.catalog.FindGraph(req.get_param_value("graph"));
    if (g == nullptr) {
      SendJson(res, 400, {{"error", true}, {"message", "Graph " + req.get_param_value("graph") + " does not exist."}});
      return;
    }
    json names = json::array();
    for (const auto& [n, j] : g->loading_jobs) names.push_back(n);
    // gsql-endpoints.adoc "Get loading job names"; pyTigerGraph getLoadingJobs() reads jobNames.
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"jobNames", names}});
  });

  // POST /gsql/v1/loading-jobs?graph=g, body the CREATE LOADING JOB text (gsql-endpoints.adoc "Create a loading
  // job"; pyTigerGraph createLoadingJob()): run as the GSQL statement, so it is checked and journaled like one.
  PostRaw(server, "/gsql/v1/loading-jobs",
          [this](const httplib::Request& req, httplib::Response& res, const std::string& body) {
            if (!Authorize(req, res, true)) return;
            const std::string graph = req.get_param_value("graph");
            std::set<std::string> before;
            {
              const std::shared_lock<std::shared_mutex> lock(db_.mu);
              const Graph* g = db_.catalog.FindGraph(graph);
              if (g == nullptr) {
                SendJson(res, 400, {{"error", true}, {"message", "Graph " + graph + " does not exist."}});
                return;
              }
              for (const auto& [n, j] : g->loading_jobs) before.insert(n);
            }
            const GsqlReply r = RunGsqlText(graph, body);
            std::vector<std::string> created;
            {
              const std::shared_lock<std::shared_mutex> lock(db_.mu);
              if (const Graph* g = db_.catalog.FindGraph(graph)) {
                for (const auto& [n, j] : g->loading_jobs) {
                  if (before.count(n) == 0) created.push_back(n);
                }
              }
            }
            if (r.failed || created.empty()) {
              SendJson(res, 400, {{"error", true}, {"message", r.failed ? r.output : "no loading job was created"}});
              return;
            }
            SendJson(res, 200,
                     {{"error", false},
                      {"message", "Successfully created loading job: " + fmt::format("{}", fmt::join(created, ", "))}});
          });

  const auto job_of = [this](const httplib::Request& req, httplib::Response& res, const Graph** graph) {
    const std::string name = req.matches[1];
    *graph = db_.catalog.FindGraph(req.get_param_value("graph"));
    if (*graph == nullptr) {
      SendJson(res, 400, {{"error", true}, {"message", "Graph " + req.get_param_value("graph") + " does not exist."}});
      return static_cast<const LoadingJob*>(nullptr);
    }
    const auto it = (*graph)->loading_jobs.find(name);
    if (it == (*graph)->loading_jobs.end()) {
      SendJson(res, 404, {{"error", true}, {"message", "The job " + name + " does not exist!"}});
      return static_cast<const LoadingJob*>(nullptr);
    }
    return &it->second;
  };
  // GET /gsql/v1/loading-jobs/{job}?graph=g[&verbose=true] (gsql-endpoints.adoc "Get loading job info";
  // pyTigerGraph getLoadingJobInfo()): the job's files and statements with their USING clauses.
  server.Get(R"(/gsql/v1/loading-jobs/([^/]+))", [this, job_of](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    const Graph* g = nullptr;
    const LoadingJob* job = job_of(req, res, &g);
    if (job == nullptr) return;
    json files = json::object();
    for (const std::string& v : job->filename_vars) {
      const auto d = job->filename_defaults.find(v);
      files[v] = d == job->filename_defaults.end() ? "" : d->second;
    }
    json statements = json::array();
    for (const LoadStatement& st : job->statements) {
      using T = LoadStatement::Target;
      const bool vertex = st.target == T::kVertex || st.target == T::kDeleteVertex;
      const bool del = st.target == T::kDeleteVertex || st.target == T::kDeleteEdge;
      json using_clauses = {{"SEPARATOR", std::string(1, st.options.separator)},
                            {"HEADER", st.options.header ? "true" : "false"},
                            {"EOL", st.options.eol}};
      if (st.options.quote != '\0') using_clauses["QUOTE"] = st.options.quote == '"' ? "double" : "single";
      statements.push_back({{"Type", std::string(del ? "Delete" : "Load") + (vertex ? "Vertex" : "Edge")},
                            {"TargetName", st.type_name},
                            {"DataSource", {{"Type", "FileVar"}, {"Value", st.filename_var}}},
                            {"UsingClauses", using_clauses}});
    }
    json info = {{"Name", job->name}, {"GraphName", g->name}, {"FileNames", files}, {"LoadingStatements", statements}};
    if (req.get_param_value("verbose") == "true") info["Gsql"] = job->source_text;
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", info}});
  });
  // DELETE /gsql/v1/loading-jobs/{job}?graph=g (gsql-endpoints.adoc "Drop a loading job"; pyTigerGraph
  // dropLoadingJob()): the GSQL statement DROP JOB, journaled like one.
  server.Delete(
      R"(/gsql/v1/loading-jobs/([^/]+))", [this, job_of](const httplib::Request& req, httplib::Response& res) {
        if (!Authorize(req, res, true)) return;
        const std::string graph = req.get_param_value("graph");
        {
          const std::shared_lock<std::shared_mutex> lock(db_.mu);
          const Graph* g = nullptr;
          if (job_of(req, res, &g) == nullptr) return;
        }
        const std::string name = req.matches[1];
        const GsqlReply r = RunGsqlText(graph, "DROP JOB " + name);
        if (r.failed) {
          SendJson(res, 400, {{"error", true}, {"message", r.output}});
          return;
        }
        // The endpoint's documented answer (gsql-endpoints "Drop a loading job"), not the GSQL console's line.
        SendJson(res, 200, {{"error", false}, {"message", fmt::format("Successfully drop loading job '{}'.", name)}});
      });

  // Answers a GSQL text run for an endpoint: the console output as the message, 400 when it failed.
  const auto gsql_reply = [this](httplib::Response& res, const GsqlReply& r) {
    SendJson(res, r.failed ? 400 : 200, {{"error", r.failed}, {"message", r.output}});
  };
  // GET /gsql/v1/clear-store: removes the data of every graph, keeps the schema (server-docs built-in endpoints;
  // pyTigerGraph clearGraphStore); GET /gsql/v1/drop-all: DROP ALL (pyTigerGraph dropAll).
  server.Get("/gsql/v1/clear-store", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    {
      const std::unique_lock<std::shared_mutex> lock(db_.mu);
      db_.store.Clear();
    }
    if (const Status st = Record({"clear_store", "", "", "", "", ""}); !st.ok()) {
      SendJson(res, 500, {{"error", true}, {"message", st.ToString()}});
      return;
    }
    SendJson(res, 200, {{"error", false}, {"message", "Successfully cleared graph store."}});
  });
  server.Get("/gsql/v1/drop-all", [this, gsql_reply](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    gsql_reply(res, RunGsqlText("", "DROP ALL"));
  });
  // POST /informant/current-service-status (server-docs "Show component status"; pyTigerGraph getServiceStatus):
  // every asked-for service of the one emulated node is online.
  PostRaw(server, "/informant/current-service-status",
          [this](const httplib::Request& req, httplib::Response& res, const std::string& body) {
            if (!Authorize(req, res, true)) return;
            const json doc = json::parse(body, nullptr, false);
            json events = json::array();
            if (doc.is_object() && doc.contains("ServiceDescriptors") && doc["ServiceDescriptors"].is_array()) {
              for (const json& d : doc["ServiceDescriptors"]) {
                if (!d.is_object() || !d.contains("ServiceName") || !d["ServiceName"].is_string()) continue;
                const auto number = [&d](const char* key, int fallback) {
                  return d.contains(key) && d[key].is_number_integer() ? d[key] : json(fallback);
                };
                events.push_back({{"ServiceDescriptor",
                                   {{"ServiceName", d["ServiceName"]},
                                    {"Partition", number("Partition", 0)},
                                    {"Replica", number("Replica", 1)}}},
                                  {"EventTimestamp", std::chrono::duration_cast<std::chrono::milliseconds>(
                                                         std::chrono::system_clock::now().time_since_epoch())
                                                         .count()},
                                  {"ServiceStatus", "Online"},
                                  {"ProcessState", "Running"}});
              }
            }
            if (events.empty()) {
              SendJson(res, 400,
                       {{"error", true}, {"message", "Expected {\"ServiceDescriptors\": [{\"ServiceName\": ...}]}"}});
              return;
            }
            SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", {{"ServiceStatusEvents", events}}}});
          });

  // GET /gsql/v1/schema/graphs: a summary of every graph, reverse edge types included (gsql-endpoints.adoc "List
  // graphs"; pyTigerGraph listGraphs() reads `graphs`).
  server.Get("/gsql/v1/schema/graphs", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    json graphs = json::array();
    for (const auto& [name, g] : db_.catalog.graphs) {
      graphs.push_back({{"graphName", name}, {"vertices", g.vertex_types}, {"edges", g.edge_types}});
    }
    SendJson(res, 200, {{"graphs", graphs}, {"error", false}, {"message", ""}});
  });
}

}  // namespace icegraph::emulator
