// Avro object container files held in memory, read record by record with avro-c's generic value API.
// The container framing (header metadata, blocks) is parsed here too: avro-c 1.11 neither exposes the header's
// key-value metadata (where Iceberg keeps partition-spec-id, format-version, content) nor knows every codec.
#pragma once

#include <avro.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace icegraph::iceberg {

/// The header and blocks of a container file, blocks as stored (compressed by `metadata["avro.codec"]`).
struct AvroContainer {
  struct Block {
    int64_t record_count = 0;
    std::string data;
  };
  std::map<std::string, std::string> metadata;  // "avro.schema", "avro.codec", writer keys
  std::string sync;                             // 16-byte marker written after every block
  std::vector<Block> blocks;
};

/// The header of a container file: its metadata and where the first block starts (bytes read so far).
Result<AvroContainer> ReadAvroHeader(std::string_view bytes, size_t* data_offset);
/// The whole container: header and blocks.
Result<AvroContainer> ReadAvroContainer(std::string_view bytes);
/// Container file bytes for `container` (the inverse of ReadAvroContainer).
std::string WriteAvroContainer(const AvroContainer& container);

/// Reads the records of one container file: blocks are checked and decompressed here (null, deflate, snappy,
/// zstandard, bzip2), and avro-c reads the records with the writer schema, parsed once per distinct schema.
class AvroFileReader {
 public:
  /// `name` (the file's location) is used in errors.
  static Result<std::unique_ptr<AvroFileReader>> Open(std::string_view bytes, std::string name);
  ~AvroFileReader();
  AvroFileReader(const AvroFileReader&) = delete;
  AvroFileReader& operator=(const AvroFileReader&) = delete;

  /// The header's key-value metadata.
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  /// The next record, or nullptr after the last; valid until the next call.
  Result<avro_value_t*> Next();

 private:
  AvroFileReader() = default;

  std::string records_;    // every block's records, decompressed; avro-c's memory reader points into this
  int64_t remaining_ = 0;  // records not read yet
  std::string name_;
  std::map<std::string, std::string> metadata_;
  avro_reader_t reader_ = nullptr;
  avro_value_iface_t* iface_ = nullptr;
  avro_value_t value_{};
  bool has_value_ = false;
};

}  // namespace icegraph::iceberg
