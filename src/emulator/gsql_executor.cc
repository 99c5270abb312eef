#include "emulator/gsql_executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "emulator/gsql_ddl.h"
#include "emulator/loader.h"

namespace icegraph::emulator {
namespace {

// Outputs of a statement: text lines, and a status whose message GSQL prints when it fails.
struct StmtResult {
  std::string output;
  Status status;
  bool changed = false;
};

bool NameTaken(const Catalog& c, const std::string& name) {
  return c.vertex_types.count(name) > 0 || c.edge_types.count(name) > 0 || c.graphs.count(name) > 0 ||
         c.tuples.count(name) > 0;
}

Status CheckVertexType(const Catalog& c, VertexType* v) {
  if (NameTaken(c, v->name)) {
    return Status::AlreadyExists(
        fmt::format("The vertex name {} is used by another object! Please use a different name.", v->name));
  }
  return ResolveDefaultValues(&v->attributes);
}

Status CheckEdgeType(const Catalog& c, EdgeType* e) {
  if (NameTaken(c, e->name)) {
    return Status::AlreadyExists(
        fmt::format("The edge name {} is used by another object! Please use a different name.", e->name));
  }
  if (!e->reverse_edge.empty() && NameTaken(c, e->reverse_edge)) {
    return Status::AlreadyExists(fmt::format(
        "The reverse edge name {} is used by another object! Please use a different name.", e->reverse_edge));
  }
  for (const EdgePair& p : e->pairs) {
    for (const std::string& end : {p.from, p.to}) {
      if (end != "*" && c.FindVertex(end) == nullptr) {
        return Status::NotFound(fmt::format("The vertex type {} in edge {} does not exist.", end, e->name));
      }
    }
  }
  return ResolveDefaultValues(&e->attributes);
}

StmtResult CreateVertex(Database& db, CreateVertexStmt s) {
  if (Status st = CheckVertexType(db.catalog, &s.vertex); !st.ok()) {
    return {"", Status::Invalid(st.message() + "\nFailed to create vertex types: [" + s.vertex.name + "].")};
  }
  const std::string name = s.vertex.name;
  db.catalog.vertex_types.emplace(name, std::move(s.vertex));
  return {"Successfully created vertex types: [" + name + "].", Status::OK(), true};
}

StmtResult CreateEdge(Database& db, CreateEdgeStmt s) {
  if (Status st = CheckEdgeType(db.catalog, &s.edge); !st.ok()) {
    return {"", Status::Invalid(st.message() + "\nFailed to create edge types: [" + s.edge.name + "].")};
  }
  std::string out = "Successfully created edge types: [" + s.edge.name + "].";
  if (!s.edge.reverse_edge.empty()) {
    EdgeType rev = MakeReverseEdge(s.edge);
    out += "\nSuccessfully created reverse edge types: [" + rev.name + "].";
    db.catalog.edge_types.emplace(rev.name, std::move(rev));
  }
  db.catalog.edge_types.emplace(s.edge.name, std::move(s.edge));
  return {out, Status::OK(), true};
}

// Adds an edge type and its reverse twin to a graph's lists, once.
void AddEdgeToGraph(const Catalog& c, Graph* g, const std::string& name) {
  if (!c.GraphHasEdge(*g, name)) g->edge_types.push_back(name);
  const EdgeType* e = c.FindEdge(name);
  if (e != nullptr && !e->reverse_edge.empty() && !c.GraphHasEdge(*g, e->reverse_edge)) {
    g->edge_types.push_back(e->reverse_edge);
  }
}

StmtResult CreateGraph(Database& db, const CreateGraphStmt& s) {
  const auto fail = [&](const std::string& why) {
    return StmtResult{"", Status::Invalid(why + "\nThe graph " + s.name + " could not be created!")};
  };
  if (NameTaken(db.catalog, s.name)) {
    return fail(fmt::format("The graph name {} is used by another object! Please use a different name.", s.name));
  }
  Graph g;
  g.name = s.name;
  if (s.all) {
    for (const auto& [name, v] : db.catalog.vertex_types) g.vertex_types.push_back(name);
    for (const auto& [name, e] : db.catalog.edge_types) g.edge_types.push_back(name);
  }
  for (const std::string& t : s.types) {
    if (db.catalog.FindVertex(t) != nullptr) {
      if (!db.catalog.GraphHasVertex(g, t)) g.vertex_types.push_back(t);
    } else if (const EdgeType* e = db.catalog.FindEdge(t)) {
      for (const EdgePair& p : e->pairs) {
        for (const std::string& end : {p.from, p.to}) {
          if (end != "*" && std::find(s.types.begin(), s.types.end(), end) == s.types.end()) {
            return fail(fmt::format("The edge type {} needs vertex type {}, which is not in the graph.", t, end));
          }
        }
      }
      AddEdgeToGraph(db.catalog, &g, t);
    } else {
      return fail(fmt::format("The type {} does not exist.", t));
    }
  }
  db.catalog.graphs.emplace(s.name, std::move(g));
  return {"The graph " + s.name + " is created.", Status::OK(), true};
}

StmtResult TypedefTuple(Database& db, TypedefTupleStmt s) {
  const std::string name = s.tuple.name;
  if (NameTaken(db.catalog, name)) {
    return {"", Status::AlreadyExists(
                    fmt::format("The tuple name {} is used by another object! Please use a different name.", name))};
  }
  db.catalog.tuples.emplace(name, std::move(s.tuple));
  return {"Successfully created tuple types: [" + name + "].", Status::OK(), true};
}

StmtResult UseGraph(Database& db, GsqlSession& session, const UseGraphStmt& s) {
  if (db.catalog.FindGraph(s.name) == nullptr) {
    return {"", Status::NotFound("Graph " + s.name + " does not exist.")};
  }
  session.graph = s.name;
  return {"Using graph '" + s.name + "'", Status::OK()};
}

bool TypeInAnyGraph(const Catalog& c, const std::string& name, std::string* graph) {
  for (const auto& [gname, g] : c.graphs) {
    if (c.GraphHasVertex(g, name) || c.GraphHasEdge(g, name)) {
      *graph = gname;
      return true;
    }
  }
  return false;
}

// DROP GRAPH g [CASCADE] (gsql-ref defining-a-graph-schema "DROP GRAPH"): the graph, its local vertex and edge
// types (added by its local schema change jobs; they belong only to it) with their data, and its jobs. Global types
// stay, even those no other graph uses: "Any shared types are unaffected". CASCADE drops the graph's queries and
// loading jobs (gsql-endpoints "drop one graph", cascade=true); the emulator has no queries, and the loading jobs
// and local schema change jobs of a graph go with it in either form.
void DropGraph(Database& db, const std::string& name) {
  std::erase_if(db.data_sources, [&](const auto& kv) { return kv.second.value("belongTo", "") == name; });
  Catalog& c = db.catalog;
  const Graph& g = c.graphs.at(name);
  for (const std::string& e : g.edge_types) {
    const auto it = c.edge_types.find(e);
    if (it == c.edge_types.end() || !it->second.is_local) continue;
    db.store.DropEdgeType(e);
    c.edge_types.erase(it);
  }
  for (const std::string& v : g.vertex_types) {
    const auto it = c.vertex_types.find(v);
    if (it == c.vertex_types.end() || !it->second.is_local) continue;
    db.store.DropVertexType(v);
    c.vertex_types.erase(it);
  }
  for (auto it = db.schema_change_jobs.begin(); it != db.schema_change_jobs.end();) {
    it = !it->second.global && it->second.graph == name ? db.schema_change_jobs.erase(it) : std::next(it);
  }
  c.graphs.erase(name);
}

StmtResult Drop(Database& db, GsqlSession& session, const DropStmt& s) {
  Catalog& c = db.catalog;
  switch (s.what) {
    case DropStmt::What::kAll:
      c = Catalog{};
      db.store.Clear();
      db.schema_change_jobs.clear();
      db.data_sources.clear();
      session.graph.clear();
      return {"Successfully cleared graph store.\nEverything is dropped.", Status::OK(), true};
    case DropStmt::What::kGraph: {
      for (const std::string& n : s.names) {
        if (c.FindGraph(n) == nullptr) return {"", Status::NotFound("The graph " + n + " does not exist.")};
      }
      std::string out;
      for (const std::string& n : s.names) {
        DropGraph(db, n);
        if (session.graph == n) session.graph.clear();
        out += (out.empty() ? "" : "\n") + std::string("The graph ") + n + " is dropped.";
      }
      return {out, Status::OK(), true};
    }
    case DropStmt::What::kVertex:
    case DropStmt::What::kEdge: {
      const bool vertex = s.what == DropStmt::What::kVertex;
      const std::string kind = vertex ? "vertex" : "edge";
      for (const std::string& n : s.names) {
        if (vertex ? c.FindVertex(n) == nullptr : c.FindEdge(n) == nullptr) {
          return {"", Status::NotFound(fmt::format("The {} type {} does not exist.", kind, n))};
        }
        std::string graph;
        if (TypeInAnyGraph(c, n, &graph)) {
          return {"", Status::Invalid(fmt::format("Failed to drop {} types: the {} type {} is used by graph {}; "
                                                  "drop it with a schema change job.",
                                                  kind, kind, n, graph))};
        }
        if (vertex) {
          for (const auto& [ename, e] : c.edge_types) {
            for (const EdgePair& p : e.pairs) {
              if (p.from == n || p.to == n) {
                return {"", Status::Invalid(
                                fmt::format("Failed to drop vertex types: the edge type {} uses {}.", ename, n))};
              }
            }
          }
        }
      }
      for (const std::string& n : s.names) {
        if (vertex) {
          db.store.DropVertexType(n);
          c.vertex_types.erase(n);
        } else {
          const std::string rev = c.edge_types.at(n).reverse_edge;
          db.store.DropEdgeType(n);
          c.edge_types.erase(n);
          if (!rev.empty()) {
            db.store.DropEdgeType(rev);
            c.edge_types.erase(rev);
          }
        }
      }
      return {fmt::format("Successfully dropped {} types: [{}].", kind, fmt::join(s.names, ", ")), Status::OK(), true};
    }
    case DropStmt::What::kJob: {
      Graph* g = c.FindGraph(session.graph);
      std::vector<std::string> dropped;
      for (const std::string& n : s.names) {
        if (db.schema_change_jobs.erase(n) > 0) {
          dropped.push_back(n);
          continue;
        }
        if (g == nullptr) return {"", Status::Invalid("No graph is in use: run USE GRAPH before DROP JOB.")};
        if (n == "*") {
          for (const auto& [jn, j] : g->loading_jobs) dropped.push_back(jn);
          g->loading_jobs.clear();
        } else if (g->loading_jobs.erase(n) > 0) {
          dropped.push_back(n);
        } else {
          return {"", Status::NotFound("The job " + n + " does not exist.")};
        }
      }
      return {
          fmt::format("Successfully dropped jobs on the graph '{}': [{}].", session.graph, fmt::join(dropped, ", ")),
          Status::OK(), true};
    }
  }
  return {"", Status::Internal("unhandled DROP")};
}

StmtResult CreateLoadingJob(Database& db, const GsqlSession& session, CreateLoadingJobStmt s) {
  const std::string graph_name = s.job.graph.empty() ? session.graph : s.job.graph;
  const auto fail = [&](const std::string& why) {
    return StmtResult{"", Status::Invalid(why + "\nFailed to create loading jobs: [" + s.job.name + "].")};
  };
  Graph* g = db.catalog.FindGraph(graph_name);
  if (g == nullptr) {
    return fail(graph_name.empty() ? "Semantic Check Fails: a loading job needs FOR GRAPH or a graph in use."
                                   : "Semantic Check Fails: the graph " + graph_name + " does not exist.");
  }
  if (g->loading_jobs.count(s.job.name) > 0 || db.schema_change_jobs.count(s.job.name) > 0) {
    return fail("Semantic Check Fails: the job name " + s.job.name + " already exists.");
  }
  s.job.graph = graph_name;
  if (Status st = ValidateLoadingJob(db.catalog, *g, s.job); !st.ok())
    return fail("Semantic Check Fails: " + st.message());
  const std::string name = s.job.name;
  g->loading_jobs.emplace(name, std::move(s.job));
  return {"Successfully created loading jobs: [" + name + "].", Status::OK(), true};
}

StmtResult RunLoadingJob(Database& db, const GsqlSession& session, const RunLoadingJobStmt& s, const RunJobFn& run) {
  const Graph* g = db.catalog.FindGraph(session.graph);
  if (g == nullptr) return {"", Status::Invalid("No graph is in use: run USE GRAPH before RUN LOADING JOB.")};
  const auto it = g->loading_jobs.find(s.name);
  if (it == g->loading_jobs.end()) {
    return {"", Status::NotFound("The loading job " + s.name + " does not exist in graph " + g->name + ".")};
  }
  std::string out;
  const Status st = run(g->name, it->second, s.using_files, &out);
  return {out, st, st.ok()};
}

StmtResult CreateSchemaChangeJob(Database& db, const GsqlSession& session, CreateSchemaChangeJobStmt s) {
  if (!s.global) {
    if (s.graph.empty()) s.graph = session.graph;
    if (db.catalog.FindGraph(s.graph) == nullptr) {
      return {"", Status::NotFound("The graph " + s.graph + " does not exist.\nFailed to create schema change jobs: [" +
                                   s.name + "].")};
    }
  }
  if (db.schema_change_jobs.count(s.name) > 0) {
    return {"", Status::AlreadyExists("The job name " + s.name + " already exists.")};
  }
  const std::string name = s.name;
  const bool global = s.global;
  db.schema_change_jobs.emplace(name, std::move(s));
  return {fmt::format("Successfully created {}schema change jobs: [{}].", global ? "global " : "", name), Status::OK(),
          true};
}

}  // namespace

GsqlOutcome RunGsql(Database& db, GsqlSession& session, std::string_view text, const RunJobFn& run_job) {
  GsqlOutcome outcome;
  auto parsed = ParseGsql(text);
  if (!parsed.ok()) {
    outcome.output = parsed.status().message();
    outcome.failed = true;
    return outcome;
  }
  for (Statement& stmt : *parsed) {
    StmtResult r = std::visit(
        [&](auto& body) -> StmtResult {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, CreateVertexStmt>) return CreateVertex(db, std::move(body));
          if constexpr (std::is_same_v<T, CreateEdgeStmt>) return CreateEdge(db, std::move(body));
          if constexpr (std::is_same_v<T, CreateGraphStmt>) return CreateGraph(db, body);
          if constexpr (std::is_same_v<T, UseGraphStmt>) return UseGraph(db, session, body);
          if constexpr (std::is_same_v<T, UseGlobalStmt>) {
            session.graph.clear();
            return StmtResult{"Using global.", Status::OK()};
          }
          if constexpr (std::is_same_v<T, DropStmt>) return Drop(db, session, body);
          if constexpr (std::is_same_v<T, CreateLoadingJobStmt>) return CreateLoadingJob(db, session, std::move(body));
          if constexpr (std::is_same_v<T, RunLoadingJobStmt>) return RunLoadingJob(db, session, body, run_job);
          if constexpr (std::is_same_v<T, CreateSchemaChangeJobStmt>) {
            body.text = stmt.text;
            return CreateSchemaChangeJob(db, session, std::move(body));
          }
          if constexpr (std::is_same_v<T, RunSchemaChangeJobStmt>) {
            std::string out;
            const Status st = RunSchemaChangeJob(db, body.name, &out);
            return StmtResult{out, st, st.ok()};
          }
          if constexpr (std::is_same_v<T, ShowStmt>)
            return StmtResult{ShowCatalog(db, session.graph, body), Status::OK()};
          if constexpr (std::is_same_v<T, TypedefTupleStmt>) return TypedefTuple(db, std::move(body));
          if constexpr (std::is_same_v<T, SetStmt>) {
            session.exit_on_error = body.value == "true";  // the parser admits only exit_on_error
            return StmtResult{};
          }
        },
        stmt.body);
    if (!r.output.empty()) outcome.output += r.output + "\n";
    outcome.changed = outcome.changed || r.changed;
    if (!r.status.ok()) {
      outcome.output += r.status.message() + "\n";
      outcome.failed = true;
      if (session.exit_on_error) break;
    }
  }
  return outcome;
}

}  // namespace icegraph::emulator
