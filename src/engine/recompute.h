// Recompute: the truth of affected keys read back from the current snapshots of every table that feeds their types,
// then applied so each key ends as a full reload of the current tables would leave it.
//
// Rules (docs/incremental-sync.md):
//  - a vertex is produced when a row of a vertex mapping maps to it; it is referenced when a row of an edge mapping
//    names it as an endpoint. Produced: upserted with every attribute of its type (the last non-null value in
//    config order, else the attribute's type default). Referenced only: reset to the type defaults, as TigerGraph
//    creates a missing endpoint — or, with `vertex_must_exist`, deleted and its edges sent again so TigerGraph
//    refuses them as a full reload does. Neither: deleted (no produced edge names it, so the delete cascade takes
//    none). An edge: produced → upserted with every attribute, else deleted.
#pragma once

#include <absl/container/btree_map.h>
#include <absl/container/inlined_vector.h>

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/affected.h"
#include "engine/sync_internal.h"

namespace icegraph::engine {

/// The value of one element as the current tables define it.
struct ElementTruth {
  bool produced = false;    // a row of a mapping of its type maps to it
  bool referenced = false;  // vertices: a row of an edge mapping names it
  /// Per attribute of the type (in type order), the index of its value in the type's AttributeStore; -1: no row set
  /// it.
  absl::InlinedVector<int32_t, 6> attributes;
  /// Edges: the key, in the AffectedKeys the truth was seeded from or in Truth::found_keys.
  const EdgeKey* key = nullptr;
};

/// The values rows gave one attribute of a type, appended as rows set them: no allocation per value, and memory in
/// proportion to the affected elements, not to the batches read.
struct AttributeStore {
  std::unique_ptr<arrow::ArrayBuilder> builder;  // CanonicalArrowType of the attribute
  std::shared_ptr<arrow::Array> values;          // the builder's values, once Truth::Finish ran
};

/// Truth of affected edges of a type by EdgeKeyText (ordered: writes go out in key order).
using TruthMap = absl::btree_map<std::string, ElementTruth, std::less<>>;

/// Truth of the affected ids of a vertex type, sorted by id: seeded once from the sorted key set, then only looked
/// up (a flat array: no node per id, and a row clustered on its key finds the next id next to the last).
class VertexTruth {
 public:
  using Entry = std::pair<std::string, ElementTruth>;
  void reserve(size_t n) { entries_.reserve(n); }
  /// Adds `id`, which sorts after every id held.
  void Append(std::string_view id, const ElementTruth& blank) { entries_.emplace_back(std::string(id), blank); }
  /// The entry of `id` (nullptr: not affected), trying `*hint` first; `*hint` becomes the index after it (or, when
  /// absent, where it would be), so probes in id order cost a comparison or two each.
  ElementTruth* Find(std::string_view id, size_t* hint);
  ElementTruth* Find(std::string_view id) {
    size_t hint = entries_.size();
    return Find(id, &hint);
  }
  const ElementTruth* Find(std::string_view id) const;
  size_t size() const { return entries_.size(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  size_t LowerBound(std::string_view id) const;  // the index of the first id not below `id`

  std::vector<Entry> entries_;
};

struct Truth {
  std::map<std::string, VertexTruth> vertices;
  std::map<std::string, TruthMap> edges;
  /// Keys of edges found by folding (vertex_must_exist), not among the affected keys; a deque keeps them in place.
  std::deque<EdgeKey> found_keys;
  /// Per type, one store per attribute of the type.
  std::map<std::string, std::vector<AttributeStore>> vertex_values;
  std::map<std::string, std::vector<AttributeStore>> edge_values;
  /// Per edge type, the endpoints an affected edge starts at (both ends when undirected): rows of other edges are
  /// skipped before their key text is built.
  std::map<std::string, KeySet> edge_ends;
  /// The first value that could not be kept (a mapped column whose Arrow type is not its attribute's).
  Status error;

  /// Ends the folding: the stores' values become readable.
  Status Finish();
  /// The value of attribute `i` of `t` (nullptr: no row set it); after Finish.
  std::shared_ptr<arrow::Scalar> Value(const std::vector<AttributeStore>& stores, const ElementTruth& t,
                                       size_t i) const;
};

/// Folds the rows of one mapped batch of `plan` into `truth`, for keys present in `truth` (the affected ones);
/// rows come in config order of tables, then scan order. With `edges_of_affected`, an edge row naming an affected
/// vertex makes its edge affected too (vertex_must_exist: those edges are sent again after the vertex is deleted).
void FoldBatch(const mapping::MappingPlan& types, const mapping::TablePlan& plan, const mapping::MappedBatch& batch,
               bool edges_of_affected, Truth* truth);

/// An empty Truth holding every affected key (nothing produced or referenced yet) and an empty store per attribute.
/// Its edges view the keys of `keys`, which must outlive it unchanged (a B-tree moves its values on insert).
Result<Truth> SeedTruth(const mapping::MappingPlan& types, const AffectedKeys& keys);

/// One scan of a key lookup: a range filter on an id column (empty: the whole table), and the keys themselves, so
/// a file whose min/max statistics hold none of them is skipped even inside the range.
struct KeyLookup {
  iceberg::Filter filter;
  int32_t field_id = 0;    // 0: no key pruning
  std::string field_type;  // Iceberg type of the id column ("string", "int", "long")
  /// The keys, sorted (by unsigned bytes, as Iceberg bounds are) and distinct: views into the AffectedKeys the
  /// lookup was made from, which must outlive it.
  std::vector<std::string_view> strings;
  std::vector<int64_t> ints;
  /// False only when the file's bounds on the id column prove it holds none of the keys.
  bool MayHold(const iceberg::DataFile& file) const;
};

/// Per table, the scans that find every row producing or naming an affected key: a range filter on the id column
/// when a mapping's id is one plain string or integer column (so partition and min/max pruning skip files, and
/// MayHold skips files between the keys), else one scan of the whole table. Empty for a table that feeds none of
/// the affected types. The lookups view the keys of `keys`.
std::vector<std::vector<KeyLookup>> LookupFilters(const std::vector<SourceTable>& tables, const AffectedKeys& keys);

/// The rows a run's change phase read of a data file it added: a key lookup takes them instead of reading the file
/// again when the file's task at the current snapshot would read the same live rows (same deletes, projection,
/// schema). They are a superset of the lookup's rows (no key range applied), which folding only affected keys allows.
struct ReadFile {
  iceberg::ScanTask task;  // the task they were read with
  std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
};
/// Per table (pipeline order), the files read, by data file path.
using ReadFiles = std::vector<std::map<std::string, ReadFile>>;

/// True when the rows read with `before` hold every row reading `now` yields: the same data file with the same
/// delete files, projection and schema. Residuals are not compared: the caller's `before` has the table's filter and
/// `now` that filter and a key range, so `now` reads a subset.
bool SameLiveRows(const iceberg::ScanTask& before, const iceberg::ScanTask& now);

/// Reads the truth of `keys` and applies it (upserts and deletes, flushed). `dry_run` logs and counts only. Files
/// in `read` (may be null) are taken from it instead of read again.
Status Recompute(RunContext& ctx, const AffectedKeys& keys, const ReadFiles* read = nullptr);

/// The default of a TigerGraph attribute type in its canonical Arrow type (0, "", false, epoch, empty collection).
std::shared_ptr<arrow::Scalar> TypeDefault(const mapping::TgType& type);

}  // namespace icegraph::engine
