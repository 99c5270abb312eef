// Helpers shared by the REST++ read and write operations: graph lookup, attribute rendering and filters.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator/restpp_ops.h"

namespace icegraph::emulator {

/// The graph or an error reply naming it.
const Graph* FindGraphOr(const Database& db, const std::string& graph, Reply* error);
const VertexType* FindVertexOr(const Database& db, const Graph& g, const std::string& type, Reply* error);
const EdgeType* FindEdgeOr(const Database& db, const Graph& g, const std::string& type, Reply* error);

/// One `attr<op>value` condition of a `filter=` parameter.
struct FilterTerm {
  int attr = -1;
  std::string op;
  Value value;
};

/// Parses `filter=a>1,b="x"` against the attribute list (id and primary key attributes too).
Result<std::vector<FilterTerm>> ParseFilter(const std::vector<Attribute>& attrs, const std::string& text);
/// Whether a filter term's operator holds for a comparison result `c` (<0, 0, >0).
bool OpHolds(const std::string& op, int c);
bool Matches(const std::vector<Attribute>& attrs, const Attrs& values, const std::vector<FilterTerm>& filter);

/// The `attributes` object of a vertex/edge, limited to `select` (comma list; empty = all).
nlohmann::json AttributesJson(const std::vector<Attribute>& attrs, const Attrs& values, const std::string& select);
/// The `attributes` of a vertex, adding the primary id attribute when primary_id_as_attribute is set.
nlohmann::json VertexAttributesJson(const VertexType& vt, const std::string& id, const Attrs& values,
                                    const std::string& select);

}  // namespace icegraph::emulator
