// Vertex primary ids: validation and canonical text per the PRIMARY_ID type.
#pragma once

#include <string>
#include <string_view>

#include "emulator/graph_store.h"
#include "emulator/schema.h"

namespace icegraph::emulator {

/// Checks an id token against the vertex type's PRIMARY_ID type; INT/UINT ids are canonical decimal text,
/// DATETIME ids "YYYY-MM-DD HH:MM:SS". Empty ids are refused.
Result<std::string> NormalizeVertexId(const VertexType& type, std::string_view token);

/// The id of a composite-key vertex: its key attributes' texts joined by ',' (inferred; TigerGraph keeps an
/// internal id).
Result<std::string> CompositeIdFromAttrs(const VertexType& type, const Attrs& attrs);

}  // namespace icegraph::emulator
