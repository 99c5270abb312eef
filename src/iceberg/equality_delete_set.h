// Key tuples of equality delete files, for one set of equality field ids: built from delete-file batches, probed
// with data batches. Null equals null, as the spec says for equality deletes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace arrow {
class Array;
}

namespace icegraph::iceberg {

/// Encodes each row's key tuple so that equal tuples have equal bytes: `arena` is replaced by the encodings and
/// `offsets` by n + 1 entries delimiting the rows. Columns must have the same (table-schema) types on both sides;
/// work is done column by column in typed loops.
Status EncodeKeyTuples(const std::vector<std::shared_ptr<arrow::Array>>& columns, int64_t num_rows, std::string* arena,
                       std::vector<size_t>* offsets);

/// The set of deleted key tuples of one group of equality delete files (same equality field ids).
class EqualityDeleteSet {
 public:
  explicit EqualityDeleteSet(std::vector<int32_t> field_ids) : field_ids_(std::move(field_ids)) {}
  EqualityDeleteSet(const EqualityDeleteSet&) = delete;
  EqualityDeleteSet& operator=(const EqualityDeleteSet&) = delete;

  /// The equality field ids, in the order columns are passed.
  const std::vector<int32_t>& field_ids() const { return field_ids_; }

  /// Adds the tuples of `num_rows` delete-file rows (one array per field id).
  Status Add(const std::vector<std::shared_ptr<arrow::Array>>& columns, int64_t num_rows);

  /// Sets deleted[i] = 1 for each data row whose tuple is in the set. Not thread-safe: it reuses scratch buffers.
  Status Mark(const std::vector<std::shared_ptr<arrow::Array>>& columns, int64_t num_rows, uint8_t* deleted);

  /// Distinct tuples held.
  size_t size() const { return size_; }

 private:
  // Open addressing with linear probing over 8-byte slots: a probe reads one slot (prefetched ahead) and, when the
  // tags match, one key — instead of a node-based set's chain of pointer hops.
  struct Slot {
    uint32_t tag = 0;     // high hash bits with the low bit set; 0 marks an empty slot
    uint32_t offset = 0;  // into keys_: a 4-byte length, then the encoded tuple
  };
  bool Contains(uint64_t hash, std::string_view key) const;
  Status Insert(uint64_t hash, std::string_view key);
  void Grow();

  std::vector<int32_t> field_ids_;
  std::string keys_;         // length-prefixed encoded tuples, back to back
  std::vector<Slot> slots_;  // power-of-two size, at most half full
  size_t size_ = 0;
  std::string scratch_arena_;
  std::vector<size_t> scratch_offsets_;
  std::vector<uint64_t> scratch_hashes_;
};

}  // namespace icegraph::iceberg
