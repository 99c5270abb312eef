// Manifest lists and manifests (Avro object container files) read with avro-c.
#pragma once

#include <map>
#include <memory>
#include <mutex>
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

/// Manifests of one table already read, by path: a manifest file is never rewritten in place, so planning several
/// snapshots of a table in one run (an incremental sync plans each snapshot, its parent and the key lookups) reads
/// each manifest once. Thread-safe; holds what it read until destroyed.
class ManifestCache {
 public:
  /// ReadManifest(io, table, manifest), or what an earlier call returned for the same manifest of `table`.
  Result<std::shared_ptr<const std::vector<ManifestEntry>>> Read(FileIO& io, const TableMetadata& table,
                                                                 const ManifestFile& manifest);

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const std::vector<ManifestEntry>>> read_;
};

}  // namespace icegraph::iceberg
