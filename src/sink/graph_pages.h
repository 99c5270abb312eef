// Pages of a graph read back through REST++ (GET /restpp/graph/{g}/vertices/{type} and
// GET /restpp/graph/{g}/edges/{from_type}/{from_id}/{edge_type}), in a stable order with keyset cursors, for the
// service's GET /api/graph/{alias}/.
//
// How paging works: a vertex page is one REST++ read filtered, sorted and limited on the primary id, which
// icegraph's schemas keep as attribute `id` (primary_id_as_attribute): `?filter=id>"<cursor>"&sort=id&limit=<n+1>`,
// so TigerGraph sends only the page. REST++ has no endpoint listing all edges of a type, only the edges of one
// source vertex, so an edge page reads the next source ids in order (the same keyed read, `select=id`) a chunk at a
// time and asks for each one's edges (one request per source visited, several in flight): its cost follows the
// sources it visits, not the size of the graph. Where the keyed read cannot be used (a type without an `id`
// attribute, a cursor id holding a double quote, which REST++ filters cannot escape, or over 2 KB) the page reads
// the whole type and keeps the slice. Keyset cursors (the last id returned) keep pages from repeating or skipping
// rows while the graph changes between pages, except rows inserted before the cursor.
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
