// File pruning for scans: a bound Filter against a data file's identity partition values and column metrics.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "iceberg/model.h"
#include "iceberg/scan_filter.h"

namespace icegraph::iceberg {

/// Decodes a lower/upper bound (spec Appendix D single-value serialisation) of an Iceberg primitive type into the
/// Literal representation filters use. Bounds written before a type promotion (int→long, float→double) decode too.
/// Types pruning does not use (decimal, uuid, binary, fixed) give NotImplemented.
Result<Literal> DecodeBound(std::string_view type, std::string_view bytes);

/// False only when `file`'s identity partition values or its column bounds and null counts prove that no row can
/// satisfy `filter` (bound to `schema`); true whenever unsure. `spec` is the file's partition spec (may be null).
bool FileMayMatch(const Filter& filter, const Schema& schema, const PartitionSpec* spec, const DataFile& file);

}  // namespace icegraph::iceberg
