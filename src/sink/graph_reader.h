// Reads back what a graph holds for reconciliation (engine/validate.h): vertices by id and edges by their two
// endpoints, through REST++'s point reads (GET /restpp/graph/{g}/vertices/{type}/{id} and
// GET /restpp/graph/{g}/edges/{from_type}/{from_id}/{edge_type}/{to_type}/{to_id}).
//
// REST++ has no documented read of many vertices by id in one request, so a batch of keys is read as one point read
// per key, `options().concurrency` of them in flight over the client's kept-alive connections: the cost follows the
// number of keys asked for, never the size of the type.
#pragma once

#include <functional>
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
  /// to_id and attributes; an undirected edge is listed from both ends). An absent vertex has none. (The service's
  /// neighbourhood view; reconciliation reads by both endpoints, EdgesBetween.)
  Result<nlohmann::json> EdgesFrom(const std::string& from_type, const std::string& from_id,
                                   const std::string& edge_type);

  /// One edge pair to look up: the edges of `edge_type` from (`from_type`, `from_id`) to (`to_type`, `to_id`).
  struct EdgePair {
    std::string from_id;
    std::string to_id;
  };
  /// For each pair, the edges of `edge_type` between its two vertices as REST++ lists them from `from_id` (objects
  /// with to_type, to_id and attributes; several with a discriminator); an empty array when there are none.
  Result<std::vector<nlohmann::json>> EdgesBetween(const std::string& from_type, const std::string& edge_type,
                                                   const std::string& to_type, const std::vector<EdgePair>& pairs);

 private:
  TigerGraphClient& client_;
};

/// Runs `fn(i)` for i in [0, n) on up to `workers` threads; the first error (by index) is returned. `fn` must not
/// throw; an exception that escapes it anyway becomes an Internal status.
Status ForEachConcurrently(size_t n, int workers, const std::function<Status(size_t)>& fn);

}  // namespace icegraph::sink
