// Data sources over the GSQL server's REST API (gsql-endpoints 4.1 "Data source"; pyTigerGraph createDataSource,
// updateDataSource, getDataSource, getDataSources, dropDataSource, dropAllDataSources). The emulator keeps their
// definitions (journaled) and lists them with secrets blanked, as the documented listing shows "secret.key": "";
// it loads local files only, so nothing is ever read from one.
#include <fmt/format.h>

#include "emulator/emulator.h"
#include "emulator/schema_json.h"

namespace icegraph::emulator {

using json = nlohmann::json;

namespace {

// A key whose value is a credential: blanked in every answer.
bool IsSecretKey(const std::string& key) {
  std::string k;
  for (const char ch : key) k += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return k.find("secret") != std::string::npos || k.find("password") != std::string::npos ||
         k.find("token") != std::string::npos;
}

json Masked(json content) {
  if (!content.is_object()) return content;
  for (auto& [k, v] : content.items()) {
    if (IsSecretKey(k) && v.is_string()) {
      v = "";
    } else if (v.is_object()) {
      v = Masked(v);
    }
  }
  return content;
}

}  // namespace

void Emulator::RegisterDataSources(httplib::Server& server) {
  // POST /gsql/v1/data-sources[?graph=g] and PUT /gsql/v1/data-sources[/{name}][?graph=g], body {"name": n,
  // "config": {"type": "s3", ...}}: create, or replace an existing one.
  const auto put = [this](const httplib::Request& req, httplib::Response& res, const std::string& body, bool create,
                          const std::string& path_name) {
    if (!Authorize(req, res, true)) return;
    const json doc = json::parse(body, nullptr, false);
    if (!doc.is_object())
      return SendGsqlMessage(res, 400, "the request body must be a JSON object {\"name\": ..., \"config\": {...}}");
    const std::string name =
        doc.contains("name") && doc["name"].is_string() ? doc["name"].get<std::string>() : path_name;
    if (!IsGsqlName(name)) return SendGsqlMessage(res, 400, "name: expected a data source name");
    if (!path_name.empty() && path_name != name)
      return SendGsqlMessage(res, 400, "name: \"" + name + "\" differs from the path's");
    if (!doc.contains("config") || !doc["config"].is_object() || !doc["config"].contains("type") ||
        !doc["config"]["type"].is_string()) {
      return SendGsqlMessage(res, 400, "config: expected an object with a \"type\" (s3, gcs, abs, kafka, ...)");
    }
    const std::string graph = req.get_param_value("graph");
    std::string type = doc["config"]["type"].get<std::string>();
    for (char& ch : type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    json entry = {{"name", name}, {"type", type}, {"content", doc["config"]}, {"isLocal", !graph.empty()}};
    if (!graph.empty()) entry["belongTo"] = graph;
    {
      const std::unique_lock<std::shared_mutex> lock(db_.mu);
      if (!graph.empty() && db_.catalog.FindGraph(graph) == nullptr) {
        return SendGsqlMessage(res, 400, "Graph " + graph + " does not exist.");
      }
      const bool exists = db_.data_sources.count(name) != 0;
      if (create && exists) return SendGsqlMessage(res, 400, "Data source " + name + " already exists.");
      if (!create && !exists) return SendGsqlMessage(res, 400, "Data source " + name + " does not exist.");
      if (Status st = Record({"data_source", graph, "set", name, "", entry.dump()}); !st.ok()) {
        return SendGsqlMessage(res, 400, st.message());
      }
      db_.data_sources[name] = entry;
    }
    // The documented answer of an update is the same sentence as a creation's.
    SendJson(res, 200, {{"error", false}, {"message", "Data source " + name + " is created"}});
  };
  PostRaw(server, "/gsql/v1/data-sources",
          [put](const httplib::Request& req, httplib::Response& res, const std::string& body) {
            put(req, res, body, true, "");
          });
  server.Put("/gsql/v1/data-sources",
             [put](const httplib::Request& req, httplib::Response& res) { put(req, res, req.body, false, ""); });
  server.Put(R"(/gsql/v1/data-sources/([^/]+))", [put](const httplib::Request& req, httplib::Response& res) {
    put(req, res, req.body, false, req.matches[1]);
  });
  // Granting a global data source to graphs is not kept: refused by name rather than answered as done.
  for (const char* verb : {"grant", "revoke"}) {
    PostRaw(server, std::string("/gsql/v1/data-sources/") + verb,
            [this, verb](const httplib::Request& req, httplib::Response& res, const std::string&) {
              if (!Authorize(req, res, true)) return;
              SendGsqlMessage(res, 400, fmt::format("the emulator does not implement {} of data sources", verb));
            });
  }
  server.Get("/gsql/v1/data-sources", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    json results = json::array();
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    for (const auto& [name, ds] : db_.data_sources) {
      json shown = ds;
      shown["content"] = Masked(ds["content"]);
      results.push_back(std::move(shown));
    }
    SendJson(res, 200, {{"error", false}, {"message", ""}, {"results", results}});
  });
  server.Get(R"(/gsql/v1/data-sources/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::string name = req.matches[1];
    const std::shared_lock<std::shared_mutex> lock(db_.mu);
    const auto it = db_.data_sources.find(name);
    if (it == db_.data_sources.end()) return SendGsqlMessage(res, 400, "Data source " + name + " does not exist.");
    SendJson(res, 200,
             {{"error", false},
              {"message", ""},
              {"results", {{"name", name}, {"type", it->second["type"]}, {"content", Masked(it->second["content"])}}}});
  });
  // DELETE /gsql/v1/data-sources/dropAll[?graph=g]: the graph's data sources, or every global one.
  server.Delete("/gsql/v1/data-sources/dropAll", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::string graph = req.get_param_value("graph");
    const std::unique_lock<std::shared_mutex> lock(db_.mu);
    std::vector<std::string> names;
    for (const auto& [name, ds] : db_.data_sources) {
      if (ds.value("belongTo", "") == graph) names.push_back(name);
    }
    for (const std::string& name : names) {
      if (Status st = Record({"data_source", graph, "drop", name, "", ""}); !st.ok())
        return SendGsqlMessage(res, 400, st.message());
      db_.data_sources.erase(name);
    }
    SendJson(res, 200, {{"error", false}, {"message", "All data sources is dropped successfully."}});
  });
  server.Delete(R"(/gsql/v1/data-sources/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorize(req, res, true)) return;
    const std::string name = req.matches[1];
    const std::string graph = req.get_param_value("graph");
    const std::unique_lock<std::shared_mutex> lock(db_.mu);
    const auto it = db_.data_sources.find(name);
    // A graph's request reaches its own data sources and the global ones.
    if (it == db_.data_sources.end() || (it->second.contains("belongTo") && it->second["belongTo"] != graph)) {
      return SendGsqlMessage(res, 400, "Data source " + name + " does not exist.");
    }
    if (Status st = Record({"data_source", graph, "drop", name, "", ""}); !st.ok())
      return SendGsqlMessage(res, 400, st.message());
    db_.data_sources.erase(it);
    SendJson(res, 200, {{"error", false}, {"message", "Data source " + name + " is dropped."}});
  });
}

}  // namespace icegraph::emulator
