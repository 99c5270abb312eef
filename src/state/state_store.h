// The state database: run history, dead letters and per-table checkpoints. SQLite by default (one file beside the
// config) or PostgreSQL (shared by several workers); the schema is versioned and migrated forward on open.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "mapping/graph_batch.h"

namespace icegraph::state {

/// One sync run as recorded.
struct RunRecord {
  int64_t id = 0;
  std::string pipeline;
  std::string kind;     // full | incremental | since
  std::string outcome;  // running | succeeded | failed
  int64_t started_ms = 0;
  int64_t ended_ms = 0;  // 0 while running
  std::string error;
  nlohmann::json counts = nlohmann::json::object();  // per table/type: read, upserted, deleted, dead_letters
};

/// A dead letter as stored: where it came from plus what was wrong.
struct DeadLetterRecord {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string source_table;
  int64_t snapshot_id = 0;
  mapping::DeadLetter letter;
  int64_t created_ms = 0;
  int64_t resolved_ms = 0;  // when its row left the table (0: open)
  /// The shape `dead-letters --export jsonl` and GET /api/v1/dead-letters both give.
  nlohmann::json ToJson() const;
};

/// The last snapshot of a table applied to the graph by a pipeline.
struct Checkpoint {
  std::string pipeline;
  std::string table;
  int64_t snapshot_id = 0;
  std::string mapping_fingerprint;
  int64_t schema_id = 0;
  int64_t updated_ms = 0;
};

struct DeadLetterQuery {
  std::optional<int64_t> run_id;
  std::optional<std::string> source_table;
  int64_t after_id = 0;  // paging cursor: ids greater than this
  int64_t limit = 1000;
  /// Dead letters whose row has left the table too (always, when run_id is given: a run's record is history).
  bool include_resolved = false;
  std::optional<std::string> reason_code;  // e.g. null_id, tg_rejected
  std::optional<std::string> mapping;      // "<table>/<vertex|edge>:<type>"
  /// Only runs from this id on (0: all); for counts per run over a window of recent runs.
  int64_t min_run_id = 0;
};

/// How many dead letters share a reason, table and mapping (and a run, when counted per run).
struct DeadLetterCount {
  std::string reason_code;
  std::string source_table;
  std::string mapping;
  int64_t run_id = 0;  // 0 unless counted per run
  int64_t count = 0;
};

/// A dead letter's identity: its mapping, key, reason and row, hashed (FNV-1a, stable across builds). One open dead
/// letter per identity and table: a bad row carried over by a rewrite, or seen again by a rerun, is not recorded twice.
std::string DeadLetterHash(const mapping::DeadLetter& letter);

/// Held while a pipeline applies changes; released on destruction (RAII).
class PipelineLock {
 public:
  virtual ~PipelineLock() = default;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  /// Opens `url` (sqlite:///abs/path.db, sqlite://relative.db, a bare path, or postgresql://user@host/db), creating
  /// and migrating the schema: the store registered for the URL's scheme (a bare path is sqlite).
  static Result<std::unique_ptr<StateStore>> Open(const std::string& url);

  /// The schema version after migration.
  virtual int schema_version() const = 0;

  virtual Result<int64_t> BeginRun(const std::string& pipeline, const std::string& kind) = 0;
  virtual Status EndRun(int64_t run_id, const std::string& outcome, const std::string& error,
                        const nlohmann::json& counts) = 0;
  virtual Result<std::vector<RunRecord>> ListRuns(int64_t limit) = 0;
  virtual Result<std::optional<RunRecord>> GetRun(int64_t run_id) = 0;

  /// Appends dead letters in one transaction, except those already open for the table (same DeadLetterHash).
  virtual Status AddDeadLetters(int64_t run_id, const std::string& source_table, int64_t snapshot_id,
                                const std::vector<mapping::DeadLetter>& letters) = 0;
  /// Closes the open dead letters of `source_table` with these identities (their rows left the table).
  virtual Status ResolveDeadLetters(int64_t run_id, const std::string& source_table,
                                    const std::vector<mapping::DeadLetter>& letters) = 0;
  /// Closes every open dead letter of `source_table` (it is about to be read in full again).
  virtual Status ResolveAllDeadLetters(int64_t run_id, const std::string& source_table) = 0;
  virtual Result<std::vector<DeadLetterRecord>> ListDeadLetters(const DeadLetterQuery& query) = 0;
  /// Dead letters recorded by a run, or without one the open dead letters.
  virtual Result<int64_t> CountDeadLetters(std::optional<int64_t> run_id) = 0;
  /// The dead letters `query` selects (after_id and limit ignored) counted per (reason, table, mapping), and per run
  /// too when `per_run`; ordered by run, then count descending, then reason, table and mapping.
  virtual Result<std::vector<DeadLetterCount>> CountDeadLettersByReason(const DeadLetterQuery& query, bool per_run) = 0;

  virtual Result<std::optional<Checkpoint>> GetCheckpoint(const std::string& pipeline, const std::string& table) = 0;
  virtual Status SetCheckpoint(const Checkpoint& checkpoint) = 0;
  virtual Result<std::vector<Checkpoint>> ListCheckpoints(const std::string& pipeline) = 0;

  /// The Spark engine's task ledger of the pipeline's open distributed run (engine/spark.h) as JSON text, nullopt
  /// when there is none. Only the driver writes it; each write replaces it in one statement, so a driver killed at
  /// any point leaves the ledger before or after a step, never half of one.
  virtual Result<std::optional<std::string>> GetSparkLedger(const std::string& pipeline) = 0;
  virtual Status PutSparkLedger(const std::string& pipeline, const std::string& ledger) = 0;
  virtual Status DeleteSparkLedger(const std::string& pipeline) = 0;

  /// Takes the pipeline's exclusive lock, waiting up to `wait_ms` (0: try once). Unavailable, naming the holder
  /// (host, pid, since) when another process holds it. SQLite: a lock file beside the database (flock); PostgreSQL:
  /// a session advisory lock. A crashed holder releases it (the OS drops flocks, PostgreSQL ends the session).
  virtual Result<std::unique_ptr<PipelineLock>> LockPipeline(const std::string& pipeline, int64_t wait_ms) = 0;
};

using StateStoreFactory = std::function<Result<std::unique_ptr<StateStore>>(const std::string& url)>;

/// Registers the store for URLs of `scheme` ("sqlite" for sqlite://...). The built-in ones (sqlite, postgresql,
/// postgres) are registered by the first StateStore::Open, which calls each Register function so static linking
/// keeps them; a later registration of a scheme replaces it.
void RegisterStateStore(const std::string& scheme, StateStoreFactory factory);

/// Milliseconds since the epoch, the clock every record uses.
int64_t NowMs();

}  // namespace icegraph::state
