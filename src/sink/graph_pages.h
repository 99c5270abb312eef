// Pages of a graph read back through REST++ (GET /restpp/graph/{g}/vertices/{type} and
// GET /restpp/graph/{g}/edges/{from_type}/{from_id}/{edge_type}), in a stable order with keyset cursors, for the
// service's GET /api/graph/{alias}/.
//
// How paging works, honestly: TigerGraph 4.x's REST++ has no offset or keyset paging on a vertex type's primary id
// (only `limit`, and `sort`/`filter` on attributes), and no endpoint listing all edges of a type. So every page
// reads the type's vertex list once (one request, the whole list in this process's memory for the duration of the
// request), orders it by id and cuts the page after the cursor's id; an edge page walks the source vertices after
// the cursor and asks for each one's edges (one request per source vertex visited). Pages are bounded in what they
// send to the caller, not in what they read from TigerGraph; for graphs of tens of millions of vertices, export
// with GSQL instead. Keyset cursors (the last id returned) keep pages from repeating or skipping rows while the
// graph changes between pages, except rows inserted before the cursor.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/status.h"
#include "sink/tigergraph_client.h"

namespace icegraph::sink {

struct VertexPage {
  nlohmann::json items = nlohmann::json::array();  // [{v_type, v_id, attributes}] ordered by v_id
  std::optional<std::string> next_after;           // the id to continue after; absent on the last page
};

/// Up to `limit` vertices of `type` whose id sorts after `after` (all when absent). The primary id, which
/// icegraph's schemas also keep as attribute `id`, is left out of `attributes`.
Result<VertexPage> ReadVertexPage(TigerGraphClient& client, const std::string& type,
                                  const std::optional<std::string>& after, int64_t limit);

/// Where an edge page continues: after source vertex `after`, or inside source `current` past its first `skip`
/// edges (in the order ReadEdgePage gives them).
struct EdgeCursor {
  std::optional<std::string> after;
  std::optional<std::string> current;
  int64_t skip = 0;
};

struct EdgePage {
  nlohmann::json items =
      nlohmann::json::array();     // [{e_type, directed, from_type, from_id, to_type, to_id, attributes}]
  std::optional<EdgeCursor> next;  // absent on the last page; may lead to an empty last page
};

/// Up to `limit` edges of `edge_type` leaving vertices of `from_type`, ordered by (from_id, to_type, to_id,
/// attributes). An undirected edge between two vertices of the same type is listed once (from the smaller id).
Result<EdgePage> ReadEdgePage(TigerGraphClient& client, const std::string& from_type, const std::string& edge_type,
                              const EdgeCursor& cursor, int64_t limit);

}  // namespace icegraph::sink
