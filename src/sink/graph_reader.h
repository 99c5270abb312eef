// Reads back what a graph holds for reconciliation (engine/validate.h): the vertices of given ids and the edges of
// one type leaving one vertex, through TigerGraphClient's REST++ reads.
//
// TigerGraphClient has no point read of one vertex yet (REST++ GET /restpp/graph/{g}/vertices/{type}/{id}), so
// Vertices() reads the whole type once (GET /restpp/graph/{g}/vertices/{type}) and keeps only the ids asked for:
// its peak memory is that type's JSON answer. With a client method for the point read it becomes one request per id
// and memory per id.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "sink/tigergraph_client.h"

namespace icegraph::sink {

class GraphReader {
 public:
  explicit GraphReader(TigerGraphClient& client) : client_(client) {}

  /// The attributes objects of the vertices of `type` among `ids` that TigerGraph holds; ids it lacks are absent.
  Result<std::map<std::string, nlohmann::json>> Vertices(const std::string& type, const std::vector<std::string>& ids);

  /// The edges of `edge_type` leaving vertex (`from_type`, `from_id`), as REST++ lists them (objects with to_type,
  /// to_id and attributes; an undirected edge is listed from both ends). An absent vertex has none.
  Result<nlohmann::json> EdgesFrom(const std::string& from_type, const std::string& from_id,
                                   const std::string& edge_type);

 private:
  TigerGraphClient& client_;
};

}  // namespace icegraph::sink
