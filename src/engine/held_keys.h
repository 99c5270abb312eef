// What TigerGraph holds: the keys of the types a resync or a reconciling full sync must examine, listed through the
// REST++ built-ins (vertices per type; edges per source vertex, fetched concurrently).
#pragma once

#include <mutex>
#include <set>
#include <string>

#include "engine/affected.h"
#include "engine/sync_internal.h"

namespace icegraph::engine {

struct GraphTypes {
  std::set<std::string> vertices;
  std::set<std::string> edges;
};

/// The types a table's mappings write: its vertex types, its edge types and their endpoint types.
GraphTypes TypesFedBy(const mapping::TablePlan& plan);

/// The types icegraph alone writes: every mapped type except those a mapping marks `owner: false` (something
/// besides icegraph writes them, so what no row produces is not icegraph's to delete).
GraphTypes OwnedTypes(const Pipeline& p);

/// Adds every key TigerGraph holds of `types` (owned ones only) to `keys`.
Status AddHeldKeys(RunContext& ctx, const GraphTypes& types, AffectedKeys* keys);

/// Keys held before a full sync that no row has produced or named yet; the full sync's threads strike what they
/// map, and what is left at the end is deleted (or listed by a dry run).
class Unproduced {
 public:
  Unproduced(AffectedKeys held, bool must_exist) : keys_(std::move(held)), must_exist_(must_exist) {}
  bool empty() const { return keys_.empty(); }
  /// Strikes the keys `batch` produces (and, without vertex_must_exist, the endpoints it names). Thread-safe.
  void Strike(const mapping::TablePlan& plan, const mapping::MappedBatch& batch);
  const AffectedKeys& keys() const { return keys_; }

 private:
  std::mutex mu_;
  AffectedKeys keys_;
  const bool must_exist_;
};

}  // namespace icegraph::engine
