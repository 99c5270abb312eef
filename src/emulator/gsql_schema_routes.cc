// GSQL-server schema routes (gsql-endpoints, 4.1+; pyTigerGraph pyTigerGraphSchema): vertex and edge types, schema
// change jobs and direct schema changes, each in its GSQL form ({"gsql": ...}) and its JSON form. A JSON body is
// translated into the GSQL it stands for (schema_json.h) and run by the one executor, so both forms behave alike
// and the journal holds GSQL only.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <atomic>
#include <optional>

#include "emulator/emulator.h"
#include "emulator/schema_json.h"

namespace icegraph::emulator {

using json = nlohmann::json;

namespace {

// Names of the types a list of CREATE VERTEX/EDGE statements creates, for the documented success messages.
std::vector<std::string> CreatedNames(const std::string& text) {
  std::vector<std::string> out;
  auto parsed = ParseGsql(text);
  if (!parsed.ok()) return out;
  for (const Statement& s : *parsed) {
    if (const auto* v = std::get_if<CreateVertexStmt>(&s.body)) out.push_back(v->vertex.name);
    if (const auto* e = std::get_if<CreateEdgeStmt>(&s.body)) out.push_back(e->edge.name);
  }
  return out;
}

}  // namespace

void Emulator::RegisterGsqlSchema(httplib::Server& server) {
  // Runs statements as a job made for the purpose and dropped after (pyTigerGraph's runSchemaChange does the same in
  // GSQL); `graph` empty: a global job. The job is dropped even when it fails.
  const auto run_change = [this](const std::string& graph, const std::vector<std::string>& statements) {
    static std::atomic<uint64_t> next{0};
    const std::string name = fmt::format("icegraph_emulator_change_{}", next.fetch_add(1));
    const std::string text = "SET exit_on_error = FALSE\n" + SchemaChangeJobText(name, graph, statements) + "\n" +
                             (graph.empty() ? "RUN GLOBAL SCHEMA_CHANGE JOB " : "RUN SCHEMA_CHANGE JOB ") + name +
                             "\nDROP JOB " + name;
    return RunGsqlText(graph, text);
  };
  // Runs the existing schema change job `name` (its RUN statement depends on whether it is global); none if absent.
  const auto run_job = [this](const std::string& name, const std::string& graph) -> std::optional<GsqlReply> {
    bool global = false;
    {
      const std::shared_lock<std::shared_mutex> lock(db_.mu);
      const auto it = db_.schema_change_jobs.find(name);
      if (it == db_.schema_change_jobs.end()) return std::nullopt;
      global = it->second.global;
    }
    return RunGsqlText(graph, (global ? "RUN GLOBAL SCHEMA_CHANGE JOB " : "RUN SCHEMA_CHANGE JOB ") + name);
  };
  const auto parse_body = [this](httplib::Response& res, const std::string& body, json* out) {
    *out = json::parse(body, nullptr, false);
    if (out->is_discarded() || !out->is_object()) {
      SendGsqlMessage(res, 400, "the request body must be a JSON object");
      return false;
    }
    return true;
  };

  // ---- schema change jobs --------------------------------------------------------------------------------------
  // POST /gsql/v1/schema/jobs/{job}: ?gsql=true with {"gsql": "CREATE ... JOB ..."} creates from GSQL; a JSON body
  // (addVertexTypes, ...; "graphs" for a global job) creates from JSON, local with ?graph=, global without; no body
  // runs the existing job ("run an existing schema change job").
  PostRaw(server, R"(/gsql/v1/schema/jobs/([^/]+))",
          [this, parse_body, run_job](const httplib::Request& req, httplib::Response& res, const std::string& body) {
            if (!Authorize(req, res, true)) return;
            const std::string name = req.matches[1];
            const std::string graph = req.get_param_value("graph");
            if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
              const std::optional<GsqlReply> r = run_job(name, graph);
              if (!r) return SendGsqlMessage(res, 400, "The job " + name + " does not exist!");
              return r->failed ? SendGsqlMessage(res, 400, r->output)
                               : SendGsqlMessage(res, 200, "Schema change job run successfully!");
            }
            json doc;
            if (!parse_body(res, body, &doc)) return;
            std::string text;
            bool global = graph.empty();
            if (req.get_param_value("gsql") == "true") {
              const std::vector<std::string> texts = StringsAt(doc, "gsql");
              if (texts.size() != 1)
                return SendGsqlMessage(res, 400, "gsql: expected the CREATE SCHEMA_CHANGE JOB statement");
              text = texts[0];
              global = req.get_param_value("type") == "global";
            } else {
              if (!IsGsqlName(name)) return SendGsqlMessage(res, 400, "\"" + name + "\" is not a valid job name");
              auto statements = SchemaChangeToGsql(doc, global);
              if (!statements.ok()) return SendGsqlMessage(res, 400, statements.status().message());
              text = SchemaChangeJobText(name, graph, *statements);
            }
            const GsqlReply r = RunGsqlText(graph, text);
            if (r.failed) return SendGsqlMessage(res, 400, r.output);
            SendGsqlMessage(
                res, 200,
                fmt::format("Successfully created {}schema change job: [{}].", global ? "global " : "", name));
          });
  // PUT /gsql/v1/schema/jobs/{job}[?graph=g]: runs the job (pyTigerGraph runSchemaChangeJob).
  server.Put(R"(/gsql/v1/schema/jobs/([^/]+))", [this, run_job](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::string name = req.matches[1];
    const std::optional<GsqlReply> r = run_job(name, req.get_param_value("graph"));
    if (!r) {
      SendJson(res, 404, {{"error", true}, {"message", "The job " + name + " does not exist!"}});
      return;
    }
    SendJson(res, r->failed ? 400 : 200, {{"error", r->failed}, {"message", r->output}});
  });
  // GET /gsql/v1/schema/jobs[?graph=g][&json=true]: the graph's local jobs (global ones without ?graph=), each
  // {name: GSQL text} or, with json=true, {name: job JSON}; GET /gsql/v1/schema/jobs/{job}: one of them.
  const auto job_entry = [](const CreateSchemaChangeJobStmt& job, bool as_json) -> json {
    return as_json ? SchemaChangeJobJson(job) : json(job.text + "\n");
  };
  server.Get("/gsql/v1/schema/jobs", [this, job_entry](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::string graph = req.get_param_value("graph");
    const bool as_json = req.get_param_value("json") == "true";
    json results = json::array();
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    if (!graph.empty() && db_.catalog.FindGraph(graph) == nullptr) {
      SendJson(res, 400, {{"error", true}, {"message", "Graph " + graph + " does not exist."}});
      return;
    }
    for (const auto& [name, job] : db_.schema_change_jobs) {
      if (graph.empty() ? job.global : (!job.global && job.graph == graph)) {
        results.push_back({{name, job_entry(job, as_json)}});
      }
    }
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", results}});
  });
  server.Get(R"(/gsql/v1/schema/jobs/([^/]+))", [this, job_entry](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::string name = req.matches[1];
    const std::string graph = req.get_param_value("graph");
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    const auto it = db_.schema_change_jobs.find(name);
    if (it == db_.schema_change_jobs.end() ||
        (graph.empty() ? !it->second.global : (it->second.global || it->second.graph != graph))) {
      SendJson(res, 404, {{"error", true}, {"message", "The job " + name + " does not exist!"}});
      return;
    }
    SendJson(res, 200,
             {{"error", false},
              {"message", ""},
              {"results", {{name, job_entry(it->second, req.get_param_value("json") == "true")}}}});
  });
  // DELETE /gsql/v1/schema/jobs?jobName=a,b[&graph=g] (pyTigerGraph dropSchemaChangeJobs).
  server.Delete("/gsql/v1/schema/jobs", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::vector<std::string> names = SplitNames(req.get_param_value("jobName"));
    if (names.empty()) return SendGsqlMessage(res, 400, "jobName is required");
    std::string text;
    for (const auto& name : names) text += "DROP JOB " + name + "\n";
    const GsqlReply r = RunGsqlText(req.get_param_value("graph"), text);
    if (r.failed) return SendGsqlMessage(res, 400, r.output);
    SendGsqlMessage(res, 200, fmt::format("Successfully dropped schema change jobs: [{}].", fmt::join(names, ", ")));
  });
  // POST /gsql/v1/schema/change[?graph=g][&force=true]: runs a JSON schema change directly, local with ?graph=,
  // global without (pyTigerGraph runSchemaChange with a dict). `force` aborts conflicting loading jobs; loads here
  // run to completion inside their request, so there is none to abort.
  PostRaw(server, "/gsql/v1/schema/change",
          [this, parse_body, run_change](const httplib::Request& req, httplib::Response& res, const std::string& body) {
            if (!Authorize(req, res, true)) return;
            json doc;
            if (!parse_body(res, body, &doc)) return;
            const std::string graph = req.get_param_value("graph");
            auto statements = SchemaChangeToGsql(doc, graph.empty());
            if (!statements.ok()) return SendGsqlMessage(res, 400, statements.status().message());
            const GsqlReply r = run_change(graph, *statements);
            if (r.failed) return SendGsqlMessage(res, 400, r.output);
            SendGsqlMessage(
                res, 200,
                graph.empty() ? "Global schema change runs successfully" : "Schema change job runs successfully");
          });

  // ---- vertex and edge types -----------------------------------------------------------------------------------
  // POST /gsql/v1/schema/vertices|edges: ?gsql=true with {"gsql": ["CREATE VERTEX ...", ...]} or
  // {"createVertices"|"createEdges": [JSON types]} creates global types; {"addVertices"|"addEdges": [names]} with
  // ?graph=g adds existing global types to the graph (pyTigerGraph createGlobalVertices, createGlobalVerticesJson,
  // addGlobalVerticesToGraph).
  for (const bool edge : {false, true}) {
    const std::string plural = edge ? "edges" : "vertices";
    const std::string noun = edge ? "Edges" : "Vertices";
    const std::string keyword = edge ? "EDGE" : "VERTEX";
    PostRaw(
        server, "/gsql/v1/schema/" + plural,
        [this, parse_body, run_change, edge, plural, keyword](const httplib::Request& req, httplib::Response& res,
                                                              const std::string& body) {
          if (!Authorize(req, res, true)) return;
          json doc;
          if (!parse_body(res, body, &doc)) return;
          const std::string create_key = edge ? "createEdges" : "createVertices";
          const std::string add_key = edge ? "addEdges" : "addVertices";
          std::string text;
          if (req.get_param_value("gsql") == "true") {
            for (const std::string& t : StringsAt(doc, "gsql")) text += t + "\n";
            if (text.empty()) return SendGsqlMessage(res, 400, "gsql: expected CREATE " + keyword + " statements");
          } else if (doc.contains(create_key)) {
            if (!doc[create_key].is_array() || doc[create_key].empty()) {
              return SendGsqlMessage(res, 400, create_key + ": expected a non-empty array of types");
            }
            for (size_t i = 0; i < doc[create_key].size(); ++i) {
              const std::string at = fmt::format("{}[{}]", create_key, i);
              auto def = edge ? EdgeDefToGsql(doc[create_key][i], at) : VertexDefToGsql(doc[create_key][i], at);
              if (!def.ok()) return SendGsqlMessage(res, 400, def.status().message());
              text += "CREATE " + *def + "\n";
            }
          } else if (doc.contains(add_key)) {
            const std::string graph = req.get_param_value("graph");
            if (graph.empty())
              return SendGsqlMessage(res, 400, "graph: the graph to add the " + plural + " to is required");
            const std::vector<std::string> names = StringsAt(doc, add_key.c_str());
            if (names.empty()) return SendGsqlMessage(res, 400, add_key + ": expected type names");
            for (const std::string& n : names) {
              if (!IsGsqlName(n))
                return SendGsqlMessage(res, 400, fmt::format("{}: \"{}\" is not a valid type name", add_key, n));
            }
            const GsqlReply r =
                run_change("", {fmt::format("ADD {} {} TO GRAPH {};", keyword, fmt::join(names, ", "), graph)});
            if (r.failed) return SendGsqlMessage(res, 400, r.output);
            return SendGsqlMessage(
                res, 200,
                edge ? fmt::format("Successfully added edges [{}] to graph {}.", fmt::join(names, ", "), graph)
                     : fmt::format("Successfully add vertices: [{}] on graph {}", fmt::join(names, ", "), graph));
          } else {
            return SendGsqlMessage(
                res, 400,
                fmt::format(
                    "expected ?gsql=true with {{\"gsql\": [...]}}, {{\"{}\": [...]}} or {{\"{}\": [...]}} with ?graph=",
                    create_key, add_key));
          }
          const GsqlReply r = RunGsqlText("", text);
          if (r.failed) return SendGsqlMessage(res, 400, r.output);
          SendGsqlMessage(res, 200,
                          fmt::format("Successfully create {}: [{}]", plural, fmt::join(CreatedNames(text), ", ")));
        });
    // DELETE /gsql/v1/schema/vertices|edges?vertex|edge=a,b[&graph=g] and DELETE .../{name}[?graph=g]: global types
    // without ?graph=, the graph's local types with it ("all": every such type).
    const auto drop = [this, run_change, edge, noun, keyword](const httplib::Request& req, httplib::Response& res,
                                                              std::vector<std::string> names) {
      if (!Authorize(req, res, true)) return;
      const std::string graph = req.get_param_value("graph");
      if (names.size() == 1 && names[0] == "all") {
        names.clear();
        const std::shared_lock<std::shared_mutex> lock(db_.mu);
        const Graph* g = graph.empty() ? nullptr : db_.catalog.FindGraph(graph);
        if (!graph.empty() && g == nullptr) return SendGsqlMessage(res, 400, "Graph " + graph + " does not exist.");
        if (edge) {
          for (const auto& [n, e] : db_.catalog.edge_types) {
            if (!e.is_reverse && (g == nullptr ? !e.is_local : e.is_local && db_.catalog.GraphHasEdge(*g, n))) {
              names.push_back(n);
            }
          }
        } else {
          for (const auto& [n, v] : db_.catalog.vertex_types) {
            if (g == nullptr ? !v.is_local : v.is_local && db_.catalog.GraphHasVertex(*g, n)) names.push_back(n);
          }
        }
      }
      if (names.empty()) return SendGsqlMessage(res, 400, std::string(edge ? "edge" : "vertex") + " is required");
      for (const std::string& n : names) {
        if (!IsGsqlName(n)) return SendGsqlMessage(res, 400, "\"" + n + "\" is not a valid type name");
      }
      if (graph.empty()) {
        const GsqlReply r = RunGsqlText("", fmt::format("DROP {} {}", keyword, fmt::join(names, ", ")));
        if (r.failed) return SendGsqlMessage(res, 400, r.output);
        return SendGsqlMessage(res, 200, fmt::format("{} [{}] deleted successfully.", noun, fmt::join(names, ", ")));
      }
      // From a graph: its local types are dropped (a local job), global ones leave the graph (a global job).
      std::vector<std::string> local;
      std::vector<std::string> global;
      {
        const std::shared_lock<std::shared_mutex> lock(db_.mu);
        for (const std::string& n : names) {
          const VertexType* v = edge ? nullptr : db_.catalog.FindVertex(n);
          const EdgeType* e = edge ? db_.catalog.FindEdge(n) : nullptr;
          const bool is_global = (v != nullptr && !v->is_local) || (e != nullptr && !e->is_local);
          (is_global ? global : local).push_back(n);
        }
      }
      for (const auto& [list, is_global] : {std::pair{&global, true}, std::pair{&local, false}}) {
        if (list->empty()) continue;
        const std::string joined = fmt::format("{}", fmt::join(*list, ", "));
        const GsqlReply r = is_global
                                ? run_change("", {fmt::format("DROP {} {} FROM GRAPH {};", keyword, joined, graph)})
                                : run_change(graph, {fmt::format("DROP {} {};", keyword, joined)});
        if (r.failed) return SendGsqlMessage(res, 400, r.output);
      }
      SendGsqlMessage(res, 200, fmt::format("{} [{}] deleted successfully.", noun, fmt::join(names, ", ")));
    };
    server.Delete("/gsql/v1/schema/" + plural, [drop, edge](const httplib::Request& req, httplib::Response& res) {
      drop(req, res, SplitNames(req.get_param_value(edge ? "edge" : "vertex")));
    });
    server.Delete("/gsql/v1/schema/" + plural + "/([^/]+)",
                  [drop](const httplib::Request& req, httplib::Response& res) { drop(req, res, {req.matches[1]}); });
    // PUT /gsql/v1/schema/vertices|edges/{name}[?graph=g] {"addAttributes": [...], "dropAttributes": [...]}.
    server.Put("/gsql/v1/schema/" + plural + "/([^/]+)",
               [this, parse_body, run_change, edge](const httplib::Request& req, httplib::Response& res) {
                 if (!Authorize(req, res, true)) return;
                 json doc;
                 if (!parse_body(res, req.body, &doc)) return;
                 const std::string name = req.matches[1];
                 auto statements = AlterTypeToGsql(doc, name, edge, "body");
                 if (!statements.ok()) return SendGsqlMessage(res, 400, statements.status().message());
                 if (statements->empty()) return SendGsqlMessage(res, 400, "expected addAttributes or dropAttributes");
                 const GsqlReply r = run_change(req.get_param_value("graph"), *statements);
                 if (r.failed) return SendGsqlMessage(res, 400, r.output);
                 SendGsqlMessage(res, 200, fmt::format("Successfully update {}: {}", edge ? "edge" : "vertex", name));
               });
    // GET /gsql/v1/schema/vertices|edges[?graph=g]: the graph's types (every global type without ?graph=), as
    // getSchema() shows them; GET .../{name}[?graph=g]: one of them.
    const auto listed = [this, edge](const std::string& graph, const Graph* g) {
      std::vector<json> out;
      if (edge) {
        for (const auto& [n, e] : db_.catalog.edge_types) {
          if (!e.is_reverse && (g == nullptr ? graph.empty() && !e.is_local : db_.catalog.GraphHasEdge(*g, n))) {
            out.push_back(EdgeJson(e));
          }
        }
      } else {
        for (const auto& [n, v] : db_.catalog.vertex_types) {
          if (g == nullptr ? graph.empty() && !v.is_local : db_.catalog.GraphHasVertex(*g, n)) {
            out.push_back(VertexJson(v));
          }
        }
      }
      return out;
    };
    server.Get("/gsql/v1/schema/" + plural, [this, listed](const httplib::Request& req, httplib::Response& res) {
      if (!Authorize(req, res, true)) return;
      const std::string graph = req.get_param_value("graph");
      const std::shared_lock<std::shared_mutex> lock(db_.mu);
      const Graph* g = graph.empty() ? nullptr : db_.catalog.FindGraph(graph);
      if (!graph.empty() && g == nullptr) return SendGsqlMessage(res, 400, "Graph " + graph + " does not exist.");
      SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", listed(graph, g)}});
    });
    server.Get("/gsql/v1/schema/" + plural + "/([^/]+)",
               [this, listed](const httplib::Request& req, httplib::Response& res) {
                 if (!Authorize(req, res, true)) return;
                 const std::string graph = req.get_param_value("graph");
                 const std::string name = req.matches[1];
                 const std::shared_lock<std::shared_mutex> lock(db_.mu);
                 const Graph* g = graph.empty() ? nullptr : db_.catalog.FindGraph(graph);
                 if (!graph.empty() && g == nullptr)
                   return SendGsqlMessage(res, 400, "Graph " + graph + " does not exist.");
                 for (json& t : listed(graph, g)) {
                   if (t["Name"] == name) {
                     SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", std::move(t)}});
                     return;
                   }
                 }
                 SendJson(res, 404, {{"error", true}, {"message", "The type " + name + " does not exist."}});
               });
  }
}

}  // namespace icegraph::emulator
