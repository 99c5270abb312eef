// Columnar row identity for change detection: a 64-bit hash per row computed column by column from typed Arrow
// values, and an exact comparison of two rows for hash matches (never rows joined as text).
#pragma once

#include <arrow/api.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status.h"

namespace icegraph::engine {

/// The hash of every row of `batch` over its columns except `_pos` / `_file` (reader bookkeeping). Equal rows hash
/// equal; values of any Arrow type are hashed from their typed representation (nested types through their children).
Result<std::vector<uint64_t>> HashRows(const arrow::RecordBatch& batch);

/// True when row `ra` of `a` and row `rb` of `b` hold the same values in the same (non-bookkeeping) columns; batches
/// with different column names or types never compare equal.
bool RowsEqual(const arrow::RecordBatch& a, int64_t ra, const arrow::RecordBatch& b, int64_t rb);

/// Rows removed and rows added by a sequence of snapshots, with carry-overs cancelled: a removed row equal to an
/// added row (a copy-on-write rewrite, or pyiceberg's delete + append pair for an overwrite) changed nothing.
/// Cancellation is a multiset difference: two equal removed rows cancel at most two equal added rows.
class RowChanges {
 public:
  Status AddRemoved(std::shared_ptr<arrow::RecordBatch> batch);
  Status AddAdded(std::shared_ptr<arrow::RecordBatch> batch);
  /// A removed (or added) batch whose HashRows a reader thread already computed.
  void Add(bool removed, std::shared_ptr<arrow::RecordBatch> batch, std::vector<uint64_t> hashes);
  /// Cancels carry-overs; afterwards removed() and added() hold only rows that really changed. Large change sets
  /// are joined on up to `threads` threads, with the same outcome as on one.
  Status Cancel(int threads = 1);
  const std::vector<std::shared_ptr<arrow::RecordBatch>>& removed() const { return removed_; }
  const std::vector<std::shared_ptr<arrow::RecordBatch>>& added() const { return added_; }
  int64_t cancelled() const { return cancelled_; }

 private:
  std::vector<std::shared_ptr<arrow::RecordBatch>> removed_;
  std::vector<std::shared_ptr<arrow::RecordBatch>> added_;
  std::vector<std::vector<uint64_t>> removed_hashes_;
  std::vector<std::vector<uint64_t>> added_hashes_;
  int64_t cancelled_ = 0;
};

}  // namespace icegraph::engine
