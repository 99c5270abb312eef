// The emulated TigerGraph database: catalog plus data, behind one reader/writer lock.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>

#include "emulator/graph_store.h"
#include "emulator/gsql_ast.h"
#include "emulator/schema.h"

namespace icegraph::emulator {

struct Database {
  std::shared_mutex mu;  // writers: GSQL, upserts, loads, deletes; readers: queries and schema reads
  Catalog catalog;
  GraphStore store;
  std::map<std::string, CreateSchemaChangeJobStmt> schema_change_jobs;  // by job name
  // Data sources by name, as GET /gsql/v1/data-sources lists them ({"name", "type", "content", "isLocal",
  // "belongTo"}); the emulator loads local files only, so they are kept, listed and dropped, never read from.
  std::map<std::string, nlohmann::json> data_sources;
};

/// New attribute values for a vertex of `type`: defaults from the schema.
Attrs DefaultAttrs(const std::vector<Attribute>& attributes);

/// The encoded discriminator of an edge from its attribute values (empty when the type has none).
std::string EncodeDiscriminator(const EdgeType& type, const Attrs& attrs);

/// Canonical edge key: undirected edges keep their endpoints in sorted order so (a,b) and (b,a) are one edge.
EdgeKey MakeEdgeKey(const EdgeType& type, VertexRef from, VertexRef to, std::string discriminator);

}  // namespace icegraph::emulator
