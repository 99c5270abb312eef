// v3 deletion vectors: `deletion-vector-v1` Puffin blobs holding a 64-bit Roaring bitmap of deleted row positions.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "iceberg/file_io.h"
#include "iceberg/model.h"

namespace icegraph::iceberg {

/// The sorted positions in a `deletion-vector-v1` blob (big-endian length, magic D1 D3 39 64, Roaring64
/// portable bitmap, big-endian CRC-32); the CRC is checked.
Result<std::vector<int64_t>> DecodeDeletionVector(std::string_view blob);

/// Reads the blob a delete-file entry points at (`content_offset`, `content_size_in_bytes` in its Puffin file).
Result<std::vector<int64_t>> ReadDeletionVector(FileIO& io, const DataFile& dv);

/// True for the manifest entries that are deletion vectors rather than position delete files.
inline bool IsDeletionVector(const DataFile& f) {
  return f.content == Content::kPositionDeletes && f.format == FileFormat::kPuffin;
}

}  // namespace icegraph::iceberg
