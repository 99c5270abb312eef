// Manifest lists and manifests (Avro object container files) read with avro-c.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "iceberg/file_io.h"
#include "iceberg/model.h"

namespace icegraph::iceberg {

/// The manifests of a snapshot (its manifest list, or the v1 inline list).
Result<std::vector<ManifestFile>> ReadManifestList(FileIO& io, const TableMetadata& table, const Snapshot& snapshot);

/// The entries of one manifest, with snapshot id and sequence numbers inherited from the manifest where null.
Result<std::vector<ManifestEntry>> ReadManifest(FileIO& io, const TableMetadata& table, const ManifestFile& manifest);

}  // namespace icegraph::iceberg
