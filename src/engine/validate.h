// Reconciliation (`icegraph validate`): what the graph should hold, computed from each mapped table read at its
// checkpoint snapshot, against what TigerGraph holds.
//
// Per vertex and edge type:
//   expected  distinct keys the mapping produces from the tables at their checkpoints (vertex id; edge from, to and
//             discriminator values, undirected edges with their endpoints in one order), minus keys of rows the sink
//             saw TigerGraph refuse (tg_* dead letters) that TigerGraph does not hold; for a vertex type, plus the
//             endpoint vertices of expected edges that no table maps (TigerGraph creates them with the edge);
//   actual    TigerGraph's count (stat_vertex_number / stat_edge_number);
//   sampled   N keys per type chosen by a seeded hash (the same seed picks the same keys), read back from TigerGraph:
//             a key it lacks is a missing key; an attribute whose value is none of the values the mapping produced
//             for the key is a mismatch (TigerGraph keeps the last value written; rows of one key written in another
//             order, or null in some rows, may leave any of them). Attributes null in every row are not compared:
//             TigerGraph kept whatever it held before;
//   missing endpoints  expected edges whose from or to vertex no table maps (reported, not a mismatch: TigerGraph
//             creates such vertices with default attributes, counted in the vertex type's expected).
// A type is ok when expected == actual and no sampled key is missing or differs (every mapped type is reconciled,
// so TigerGraph holding more than the tables is drift too).
// Tables without a checkpoint (never synced) add nothing; the report's notes name them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "engine/pipeline.h"
#include "mapping/graph_batch.h"
#include "sink/tigergraph_client.h"
#include "state/state_store.h"

namespace icegraph::engine {

struct ValidateOptions {
  int64_t sample = 100;  // keys per type whose attributes are compared (0: counts only)
  uint64_t seed = 1;     // picks the sampled keys
  bool record = true;    // record a run of kind "validate" in the state database
};

struct TypeValidation {
  std::string type;
  bool is_edge = false;
  int64_t expected = 0;
  int64_t actual = 0;
  int64_t dead_letters = 0;  // keys left out of `expected` because TigerGraph refused their rows
  int64_t sampled = 0;
  int64_t attribute_mismatches = 0;   // (sampled key, attribute) pairs whose value differs
  int64_t missing_keys = 0;           // sampled keys TigerGraph does not hold
  int64_t missing_endpoints = 0;      // edges: expected edges with an endpoint no table maps
  int64_t endpoint_vertices = 0;      // vertices: distinct such endpoints of this type, included in `expected`
  std::vector<std::string> examples;  // the first differences found, for people
  bool ok() const;
};

struct ValidationReport {
  int64_t run_id = 0;  // the validate run recorded, 0 when not recorded
  bool ok = false;
  double seconds = 0;
  std::vector<TypeValidation> types;  // vertex types, then edge types, in mapping order
  std::vector<std::string> notes;     // tables not validated (no checkpoint), mappings changed since the checkpoint
  nlohmann::json ToJson() const;
  std::string ToTable() const;
};

/// Whether `tigergraph` (a value as REST++ reads it back) is `written` (the JSON the sink sent, AppendJsonValue's):
/// FLOAT/DOUBLE to TigerGraph's printed precision, integers by value, SET in any order and without repeats, MAP
/// sent as {"keylist", "valuelist"} and read as an object.
bool SameWrittenValue(const mapping::TgType& type, const nlohmann::json& tigergraph, const nlohmann::json& written);

/// Validates the graph against the tables at their checkpoints (see above). Reads only; when `options.record`,
/// records a run of kind "validate" (outcome succeeded when every type is ok, else failed; counts = ToJson()).
/// Errors (catalog, TigerGraph, state) are returned as such, not as a failed report.
Result<ValidationReport> Validate(const Pipeline& pipeline, state::StateStore& store, sink::TigerGraphClient& client,
                                  const ValidateOptions& options);

}  // namespace icegraph::engine
