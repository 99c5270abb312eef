// Fuzz target: the emulator's whole request surface in process, as a sequence of requests on one database: GSQL
// text (DDL, schema change jobs, loading jobs), JSON schema changes and interpreted queries, REST++ upserts (JSON
// bodies), /ddl loads, vertex and edge reads and deletes with raw query strings, and built-ins. Requests are separated
// by "\n~~\n"; each one's first byte picks the operation. A base schema (with a reverse edge added by a local schema
// change job) is created first, so writes reach real types. Invariant: every request answers (a TigerGraph-shaped error
// at worst), never crashes.
#include <string>
#include <string_view>
#include <vector>

#include "emulator/database.h"
#include "emulator/gsql_executor.h"
#include "emulator/gsql_lexer.h"
#include "emulator/gsql_query.h"
#include "emulator/restpp_ops.h"
#include "emulator/schema_json.h"
#include "fuzz_targets.h"

namespace icegraph::fuzz {
namespace {

constexpr std::string_view kBase = R"(
CREATE VERTEX P (PRIMARY_ID id STRING, name STRING, age INT, s SET<INT>, l LIST<STRING>, d DATETIME)
CREATE VERTEX C (PRIMARY_ID id UINT, w DOUBLE DEFAULT "1.5")
CREATE UNDIRECTED EDGE L (FROM P, TO C, since DATETIME)
CREATE DIRECTED EDGE K (FROM P, TO P, DISCRIMINATOR(day INT), x FLOAT) WITH REVERSE_EDGE="K_R"
CREATE GRAPH g (*)
USE GRAPH g
CREATE SCHEMA_CHANGE JOB j FOR GRAPH g { ADD DIRECTED EDGE F (FROM P, TO C, n INT) WITH REVERSE_EDGE="F_R"; }
RUN SCHEMA_CHANGE JOB j
CREATE LOADING JOB lp FOR GRAPH g { DEFINE FILENAME f; LOAD f TO VERTEX P VALUES ($0, $1, $2, _, _, $3); }
CREATE LOADING JOB lf FOR GRAPH g { DEFINE FILENAME f; LOAD f TO EDGE F VALUES ($0, $1, $2); }
CREATE LOADING JOB dk FOR GRAPH g { DEFINE FILENAME f; DELETE EDGE K (FROM $0, TO $1, DISCRIMINATOR($2)) FROM f; }
)";

// Splits "path?query" into path segments and the raw query.
void SplitTarget(std::string_view t, std::vector<std::string>* path, std::string_view* query) {
  const size_t q = t.find('?');
  *query = q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
  t = t.substr(0, q);
  while (!t.empty()) {
    const size_t s = t.find('/');
    if (s != 0) path->emplace_back(t.substr(0, s));
    if (s == std::string_view::npos) break;
    t = t.substr(s + 1);
  }
}

void CheckReply(const emulator::Reply& r) {
  Check(r.status >= 200 && r.status < 600, "a reply has an HTTP status");
  if (r.error) {
    Check(r.body.is_object() && r.body.contains("message") && r.body.contains("code"),
          "an error reply has message and code");
  }
  // The server serialises with invalid UTF-8 replaced (SendJson); the body must serialise that way.
  (void)r.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void RunOne(emulator::Database& db, emulator::GsqlSession& session, std::string_view req) {
  if (req.empty()) return;
  const char op = req[0];
  std::string_view rest = req.substr(1);
  // The first line of the rest is the target (path and raw query), the remainder the body.
  const size_t nl = rest.find('\n');
  const std::string_view target = rest.substr(0, nl);
  const std::string body(nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1));
  std::vector<std::string> path;
  std::string_view query;
  SplitTarget(target, &path, &query);
  const emulator::Params params = emulator::ParseQuery(query);
  const std::string graph = path.empty() ? "g" : path[0];
  const std::vector<std::string> tail(path.size() > 1 ? path.begin() + 1 : path.end(), path.end());
  const emulator::RunJobFn run_job = [&db](const std::string&, const emulator::LoadingJob& job,
                                           const std::vector<std::pair<std::string, std::string>>& files,
                                           std::string* out) -> Status {
    // Files named in RUN LOADING JOB are the data inline ("f=<data>"), never read from disk here.
    for (const auto& [var, data] : files) {
      auto stats = emulator::RunLoad(db, job, var, data, {"", ""});
      if (!stats.ok()) return stats.status();
      *out += "loaded\n";
    }
    return Status::OK();
  };
  switch (static_cast<unsigned char>(op) % 8) {
    case 0: {
      // A body that opens with '{' is a JSON schema change (POST /gsql/v1/schema/change): translated, then run as
      // the route runs it; GSQL text never starts with '{'.
      if (!rest.empty() && rest[0] == '{') {
        const nlohmann::json doc = nlohmann::json::parse(rest, nullptr, false);
        auto statements = emulator::SchemaChangeToGsql(doc, session.graph.empty());
        if (!statements.ok()) {
          Check(!statements.status().message().empty(), "a refused JSON schema change says why");
          break;
        }
        const std::string text =
            emulator::SchemaChangeJobText("fz", session.graph, *statements) +
            (session.graph.empty() ? "\nRUN GLOBAL SCHEMA_CHANGE JOB fz" : "\nRUN SCHEMA_CHANGE JOB fz");
        (void)emulator::RunGsql(db, session, text, run_job);
        (void)emulator::RunGsql(db, session, "DROP JOB fz", run_job);
        break;
      }
      // INTERPRET QUERY text goes to the query interpreter (POST /gsql/v1/queries/interpret), read-only.
      if (rest.size() >= 9 && emulator::gsql::ToUpper(rest.substr(0, 9)) == "INTERPRET") {
        const auto q = emulator::InterpretQuery(db, rest, {{"p", "1"}, {"p", "x"}, {"v", "a"}, {"v.type", "P"}});
        Check(q.ok() || !q.status().message().empty(), "a refused query says why");
        break;
      }
      const emulator::GsqlOutcome out = emulator::RunGsql(db, session, rest, run_job);
      Check(!out.failed || !out.output.empty(), "a failed GSQL request says why");
      break;
    }
    case 1: CheckReply(emulator::UpsertGraph(db, graph, params, body)); break;
    case 2: CheckReply(emulator::LoadData(db, graph, params, body)); break;
    case 3:
      if (!tail.empty()) {
        CheckReply(emulator::GetVertices(db, graph, tail[0], tail.size() > 1 ? &tail[1] : nullptr, params));
      }
      break;
    case 4:
      if (tail.size() >= 2) CheckReply(emulator::GetEdges(db, graph, tail, params));
      break;
    case 5:
      if (!tail.empty()) {
        CheckReply(emulator::DeleteVertices(db, graph, tail[0], tail.size() > 1 ? &tail[1] : nullptr, params));
      }
      break;
    case 6:
      if (tail.size() >= 2) CheckReply(emulator::DeleteEdges(db, graph, tail, params));
      break;
    default: CheckReply(emulator::Builtins(db, graph, body)); break;
  }
}

}  // namespace

int FuzzEmulator(const uint8_t* data, size_t size) {
  emulator::Database db;
  emulator::GsqlSession session;
  const emulator::RunJobFn no_files = [](const std::string&, const emulator::LoadingJob&,
                                         const std::vector<std::pair<std::string, std::string>>&,
                                         std::string*) { return Status::OK(); };
  const emulator::GsqlOutcome base = emulator::RunGsql(db, session, kBase, no_files);
  Check(!base.failed, "the base schema is created");
  std::string_view in(reinterpret_cast<const char*>(data), size);
  int requests = 0;
  while (!in.empty() && ++requests <= 64) {
    const size_t sep = in.find("\n~~\n");
    RunOne(db, session, in.substr(0, sep));
    Check(db.store.Inconsistency().empty(), "the graph store stays consistent after every request");
    in = sep == std::string_view::npos ? std::string_view() : in.substr(sep + 4);
  }
  return 0;
}

}  // namespace icegraph::fuzz
