// File access for Iceberg metadata and data through Arrow's filesystems (local paths, file://, s3://).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/status.h"

namespace arrow::io {
class RandomAccessFile;
}
namespace arrow::fs {
class FileSystem;
}

namespace icegraph::iceberg {

/// Opens files by URI; S3 settings (endpoint, region, credentials) come from catalog properties or the environment
/// (`s3.endpoint`, `s3.region`, `s3.access-key-id`, `s3.secret-access-key`, `s3.path-style-access`).
class FileIO {
 public:
  /// Creates an IO for the given catalog/table properties.
  static Result<std::shared_ptr<FileIO>> Make(const std::map<std::string, std::string>& properties);
  virtual ~FileIO() = default;

  virtual Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(const std::string& uri) = 0;
  /// Whole file contents (metadata JSON, manifests).
  virtual Result<std::string> ReadAll(const std::string& uri) = 0;
  /// The filesystem and path within it for a URI (for Arrow dataset/parquet APIs).
  virtual Result<std::pair<std::shared_ptr<arrow::fs::FileSystem>, std::string>> Resolve(const std::string& uri) = 0;
};

}  // namespace icegraph::iceberg
