// GSQL-server graph and utility routes (gsql-endpoints 4.1 "create one graph", "drop graphs with given names",
// "Update a loading job", "validate graph schema", "recover gdict catalog", "get gsql version"; pyTigerGraph
// createGraph, updateLoadingJob, validateGraphSchema, recoverCatalog, getGSQLVersion), and interpreted queries
// ("interpret query"; pyTigerGraph runInterpretedQuery, getSchemaVer, getEdgesByType).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "emulator/emulator.h"
#include "emulator/gsql_query.h"
#include "emulator/schema_json.h"

namespace icegraph::emulator {

using json = nlohmann::json;

namespace {

// What breaks the catalog's links: edge ends and reverse twins that name missing types, graphs listing missing
// types or edges whose vertex types they lack. Empty when the catalog is sound.
std::vector<std::string> CatalogProblems(const Catalog& c) {
  std::vector<std::string> out;
  for (const auto& [name, e] : c.edge_types) {
    for (const EdgePair& p : e.pairs) {
      for (const std::string& end : {p.from, p.to}) {
        if (end != "*" && c.FindVertex(end) == nullptr) {
          out.push_back(fmt::format("the edge type {} names the missing vertex type {}", name, end));
        }
      }
    }
    if (!e.reverse_edge.empty()) {
      const EdgeType* twin = c.FindEdge(e.reverse_edge);
      if (twin == nullptr || twin->reverse_edge != name) {
        out.push_back(fmt::format("the reverse edge {} of {} does not point back", e.reverse_edge, name));
      }
    }
  }
  for (const auto& [gname, g] : c.graphs) {
    for (const std::string& v : g.vertex_types) {
      if (c.FindVertex(v) == nullptr) out.push_back(fmt::format("the graph {} lists the missing type {}", gname, v));
    }
    for (const std::string& en : g.edge_types) {
      const EdgeType* e = c.FindEdge(en);
      if (e == nullptr) {
        out.push_back(fmt::format("the graph {} lists the missing type {}", gname, en));
        continue;
      }
      for (const EdgePair& p : e->pairs) {
        for (const std::string& end : {p.from, p.to}) {
          if (end != "*" && !c.GraphHasVertex(g, end)) {
            out.push_back(fmt::format("the edge type {} of the graph {} needs {}, which it lacks", en, gname, end));
          }
        }
      }
    }
  }
  return out;
}

}  // namespace

void Emulator::RegisterGsqlAdmin(httplib::Server& server) {
  // POST /gsql/v1/schema/graphs?gsql=true {"gsql": "CREATE GRAPH g(...)"} or ?graphName=g&gsql=false
  // {"VertexTypes": [...], "EdgeTypes": [...]}: "Successfully created graph: [g]."
  PostRaw(server, "/gsql/v1/schema/graphs",
          [this](const httplib::Request& req, httplib::Response& res, const std::string& body) {
            if (!Authorize(req, res, true)) return;
            const json doc = json::parse(body, nullptr, false);
            if (!doc.is_object()) return SendGsqlMessage(res, 400, "the request body must be a JSON object");
            std::string text;
            std::string name = req.get_param_value("graphName");
            if (req.get_param_value("gsql") == "true") {
              const std::vector<std::string> texts = StringsAt(doc, "gsql");
              if (texts.size() != 1) return SendGsqlMessage(res, 400, "gsql: expected the CREATE GRAPH statement");
              text = texts[0];
              auto parsed = ParseGsql(text);
              if (!parsed.ok()) return SendGsqlMessage(res, 400, parsed.status().message());
              if (parsed->size() != 1 || !std::holds_alternative<CreateGraphStmt>((*parsed)[0].body)) {
                return SendGsqlMessage(res, 400, "gsql: expected one CREATE GRAPH statement");
              }
              name = std::get<CreateGraphStmt>((*parsed)[0].body).name;
            } else {
              if (!IsGsqlName(name))
                return SendGsqlMessage(res, 400, "graphName: expected the name of the graph to create");
              std::vector<std::string> types;
              for (const char* key : {"VertexTypes", "EdgeTypes"}) {
                for (const std::string& t : StringsAt(doc, key)) {
                  if (!IsGsqlName(t))
                    return SendGsqlMessage(res, 400, fmt::format("{}: \"{}\" is not a type name", key, t));
                  types.push_back(t);
                }
              }
              text = fmt::format("CREATE GRAPH {}({})", name, fmt::join(types, ", "));
            }
            const GsqlReply r = RunGsqlText("", text);
            if (r.failed) return SendGsqlMessage(res, 400, r.output);
            SendGsqlMessage(res, 200, "Successfully created graph: [" + name + "].");
          });
  // DELETE /gsql/v1/schema/graphs?graphNames=a,b ("all": every graph): "Successfully dropped graphs: [a, b]."
  server.Delete("/gsql/v1/schema/graphs", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    std::vector<std::string> names = SplitNames(req.get_param_value("graphNames"));
    if (names.size() == 1 && names[0] == "all") {
      names.clear();
      const std::shared_lock<std::shared_mutex> lock(db_.mu);
      for (const auto& [n, g] : db_.catalog.graphs) names.push_back(n);
    }
    if (names.empty()) return SendGsqlMessage(res, 400, "graphNames: expected graph names");
    for (const std::string& n : names) {
      if (!IsGsqlName(n)) return SendGsqlMessage(res, 400, "graphNames: \"" + n + "\" is not a graph name");
    }
    std::string text;
    for (const std::string& n : names) text += "DROP GRAPH " + n + "\n";
    const GsqlReply r = RunGsqlText("", text);
    if (r.failed) return SendGsqlMessage(res, 400, r.output);
    SendGsqlMessage(res, 200, fmt::format("Successfully dropped graphs: [{}].", fmt::join(names, ", ")));
  });
  // PUT /gsql/v1/loading-jobs?graph=g, body a CREATE LOADING JOB text for a job that exists: the new definition is
  // checked first, then replaces the old one ("Successfully created loading job: j", as documented).
  server.Put("/gsql/v1/loading-jobs", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::string graph = req.get_param_value("graph");
    auto parsed = ParseGsql(req.body);
    if (!parsed.ok()) return SendGsqlMessage(res, 400, parsed.status().message());
    if (parsed->size() != 1 || !std::holds_alternative<CreateLoadingJobStmt>((*parsed)[0].body)) {
      return SendGsqlMessage(res, 400, "expected one CREATE LOADING JOB statement");
    }
    LoadingJob job = std::get<CreateLoadingJobStmt>((*parsed)[0].body).job;
    {
      const std::shared_lock<std::shared_mutex> lock(db_.mu);
      const Graph* g = db_.catalog.FindGraph(graph);
      if (g == nullptr) return SendGsqlMessage(res, 400, "Graph " + graph + " does not exist.");
      if (g->loading_jobs.count(job.name) == 0)
        return SendGsqlMessage(res, 400, "The job " + job.name + " does not exist!");
      if (job.graph.empty()) job.graph = graph;
      if (Status st = ValidateLoadingJob(db_.catalog, *g, job); !st.ok())
        return SendGsqlMessage(res, 400, st.message());
    }
    const GsqlReply r = RunGsqlText(graph, "DROP JOB " + job.name + "\n" + req.body);
    if (r.failed) return SendGsqlMessage(res, 400, r.output);
    SendGsqlMessage(res, 200, "Successfully created loading job: " + job.name);
  });
  // POST /gsql/v1/schema/check: "Schema Check succeeded." when the catalog's links hold, else what breaks them.
  // POST /gsql/v1/schema/recover: the catalog lives in memory and the journal, never in a dictionary to rebuild;
  // it answers as documented once the same check passes.
  for (const auto& [path, message] : {std::pair{"/gsql/v1/schema/check", "Schema Check succeeded."},
                                      std::pair{"/gsql/v1/schema/recover", "Recover schema succeed!"}}) {
    PostRaw(
        server, path,
        [this, msg = std::string(message)](const httplib::Request& req, httplib::Response& res, const std::string&) {
          if (!Authorize(req, res, true)) return;
          std::vector<std::string> problems;
          {
            const std::shared_lock<std::shared_mutex> lock(db_.mu);
            problems = CatalogProblems(db_.catalog);
          }
          if (!problems.empty())
            return SendGsqlMessage(res, 400, fmt::format("Schema Check failed: {}.", fmt::join(problems, "; ")));
          SendGsqlMessage(res, 200, msg);
        });
  }
  // POST /gsql/v1/queries/interpret (4.x) and /gsqlserver/interpreted_query (3.x): the body is the INTERPRET QUERY
  // text, parameters come in the URL; the answer carries the graph's schema version (gsql_query.h for the subset).
  const auto interpret = [this](const httplib::Request& req, httplib::Response& res, const std::string& body) {
    if (!Authorize(req, res, true)) return;
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    auto out = InterpretQuery(db_, body, req.params);
    if (!out.ok()) {
      SendJson(res, 400, {{"error", true}, {"message", out.status().message()}});
      return;
    }
    const Graph* g = db_.catalog.FindGraph(out->graph);
    SendJson(res, 200,
             {{"error", false},
              {"message", ""},
              {"version", {{"schema", g == nullptr ? 0 : g->schema_version}, {"edition", "enterprise"}, {"api", "v2"}}},
              {"results", std::move(out->results)}});
  };
  PostRaw(server, "/gsql/v1/queries/interpret", interpret);
  PostRaw(server, "/gsqlserver/interpreted_query", interpret);
  // GET /gsql/v1/version[?verbose=true]: plain text, as documented.
  server.Get("/gsql/v1/version", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    std::string text = "GSQL version: 4.1.0\n";
    if (req.get_param_value("verbose") == "true") {
      text +=
          "GSQL commit number: icegraph-emulator\nGSQL commit date: 2024-09-01 00:00:00 +0000\n"
          "Served by icegraph emulator, a TigerGraph-compatible server for local development.\n";
    }
    res.set_content(text, "text/plain");
  });
}

}  // namespace icegraph::emulator
