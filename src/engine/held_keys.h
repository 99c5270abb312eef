// What TigerGraph holds: the keys of the types a resync or a reconciling full sync must examine, listed through the
// REST++ built-ins (vertices per type; edges per source vertex, fetched concurrently).
#pragma once

#include <cstdint>
#include <map>
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

/// Every type some table's mappings write: icegraph reconciles them all, so what no row produces is deleted.
GraphTypes MappedTypes(const Pipeline& p);

/// Held vertices → bit i set when the type's attribute i holds something other than its type's default, as
/// TigerGraph listed it (a type of more than 64 attributes: every bit set).
using HeldValues = std::map<std::string, std::map<std::string, uint64_t, std::less<>>>;

/// Adds every key TigerGraph holds of `types` (mapped ones: every one is reconciled) to `keys`, and, given
/// `values`, which attributes of each listed vertex are not at their default.
Status AddHeldKeys(RunContext& ctx, const GraphTypes& types, AffectedKeys* keys, HeldValues* values = nullptr);

/// Keys held before a full sync that no row has produced or named yet; the full sync's threads strike what they
/// map, and what is left at the end is deleted (or listed by a dry run). It also collects the held keys whose
/// values a plain upsert cannot make exact: an attribute no producing row set (a null, or a column another table
/// no longer gives: an upsert leaves an omitted attribute as it was, a reload gives the default) or named only as
/// an edge endpoint (a reload creates it with defaults). Those are recomputed after the read.
class Unproduced {
 public:
  Unproduced(const mapping::MappingPlan& plan, AffectedKeys held, HeldValues values, bool must_exist)
      : plan_(plan), keys_(held), held_(std::move(held)), values_(std::move(values)), must_exist_(must_exist) {}
  bool empty() const { return keys_.empty(); }
  /// Strikes the keys `batch` produces (and, without vertex_must_exist, the endpoints it names). Thread-safe.
  void Strike(const mapping::TablePlan& plan, const mapping::MappedBatch& batch);
  const AffectedKeys& keys() const { return keys_; }
  /// Held keys produced with a null attribute or named only as endpoints (call after the read).
  AffectedKeys Stale() const;

 private:
  std::mutex mu_;
  const mapping::MappingPlan& plan_;
  AffectedKeys keys_;
  const AffectedKeys held_;
  const HeldValues values_;
  // Held vertices a vertex row produced → the attributes (bit i: the type's attribute i) some row set non-null.
  std::map<std::string, std::map<std::string, uint64_t, std::less<>>> set_;
  AffectedKeys named_only_;  // held vertices an edge named and no vertex row produced (so far)
  AffectedKeys null_set_;    // held edges a row produced with an attribute unset; vertices of types over 64 attrs
  const bool must_exist_;
};

}  // namespace icegraph::engine
