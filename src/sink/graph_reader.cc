#include "sink/graph_reader.h"

#include <unordered_set>

namespace icegraph::sink {

Result<std::map<std::string, nlohmann::json>> GraphReader::Vertices(const std::string& type,
                                                                    const std::vector<std::string>& ids) {
  std::map<std::string, nlohmann::json> out;
  if (ids.empty()) return out;
  const std::unordered_set<std::string> wanted(ids.begin(), ids.end());
  auto all = client_.GetVertices(type);
  if (!all.ok()) return all.status().WithContext("reading vertices of " + type);
  for (auto& v : *all) {
    if (!v.is_object()) continue;
    const auto id = v.find("v_id");
    if (id == v.end() || !id->is_string() || wanted.count(id->get_ref<const std::string&>()) == 0) continue;
    const auto attrs = v.find("attributes");
    out[id->get<std::string>()] = attrs != v.end() ? std::move(*attrs) : nlohmann::json::object();
  }
  return out;
}

Result<nlohmann::json> GraphReader::EdgesFrom(const std::string& from_type, const std::string& from_id,
                                              const std::string& edge_type) {
  auto edges = client_.GetEdges(from_type, from_id, edge_type);
  // REST++ refuses a source vertex it does not hold ("... is not a valid vertex id ..."): it has no edges.
  if (!edges.ok() && edges.status().cause() == ErrorDetail::Cause::kNoSuchVertex) {
    return nlohmann::json::array();
  }
  if (!edges.ok()) return edges.status().WithContext("reading " + edge_type + " edges of " + from_type + " " + from_id);
  return std::move(*edges);
}

}  // namespace icegraph::sink
