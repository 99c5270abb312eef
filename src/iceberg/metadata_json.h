// Table metadata JSON (Iceberg spec format v1, v2 and the v3 fields we meet) to the model of model.h.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "iceberg/model.h"

namespace icegraph::iceberg {

/// Parses a `*.metadata.json`; errors name `location` and the field.
Result<TableMetadata> ParseTableMetadata(std::string_view json, const std::string& location);

/// "append" -> kAppend, ...
Operation ParseOperation(std::string_view op);
std::string_view OperationName(Operation op);

}  // namespace icegraph::iceberg
