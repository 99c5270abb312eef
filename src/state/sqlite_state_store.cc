// SQLite state store: one connection guarded by a mutex (the engine's threads report through it), WAL journal so
// readers such as `icegraph status` never block a running sync.
#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string_view>
#include <thread>

#include "common/log.h"
#include "state/postgres_state_store.h"
#include "state/state_store.h"

namespace icegraph::state {
namespace {

// Migration i brings the schema from version i to i + 1; never edit one that has shipped, append a new one.
constexpr std::string_view kMigrations[] = {
    R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pipeline TEXT NOT NULL,
  kind TEXT NOT NULL,
  outcome TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  counts TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  source_table TEXT NOT NULL,
  snapshot_id INTEGER NOT NULL,
  mapping TEXT NOT NULL,
  row_key TEXT NOT NULL,
  reason_code TEXT NOT NULL,
  message TEXT NOT NULL,
  row_json TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX dead_letters_by_run ON dead_letters(run_id);
CREATE TABLE checkpoints (
  pipeline TEXT NOT NULL,
  table_name TEXT NOT NULL,
  snapshot_id INTEGER NOT NULL,
  mapping_fingerprint TEXT NOT NULL,
  schema_id INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (pipeline, table_name)
);
)sql",
    // 2: dead letters get an identity and close when their row leaves the table.
    R"sql(
ALTER TABLE dead_letters ADD COLUMN row_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE dead_letters ADD COLUMN resolved_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dead_letters ADD COLUMN resolved_run_id INTEGER NOT NULL DEFAULT 0;
CREATE INDEX dead_letters_open ON dead_letters(source_table, row_hash, resolved_ms);
)sql",
    // 3: the Spark driver's task ledger lives with the runs it belongs to.
    R"sql(
CREATE TABLE spark_ledgers (
  pipeline TEXT PRIMARY KEY,
  ledger TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);
)sql",
};

// An flock on a file beside the database; the kernel drops it when the holder exits, even by SIGKILL.
class FileLock final : public PipelineLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {}
  ~FileLock() override {
    flock(fd_, LOCK_UN);
    close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

std::string Text(sqlite3_stmt* s, int col) {
  const unsigned char* v = sqlite3_column_text(s, col);
  return v == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(v));
}

// The WHERE conditions of a dead-letter query after the first (" AND ..."), bound in this order by BindFilter.
std::string FilterSql(const DeadLetterQuery& q) {
  std::string sql;
  if (q.run_id) sql += " AND run_id = ?";
  if (!q.run_id && !q.include_resolved) sql += " AND resolved_ms = 0";
  if (q.source_table) sql += " AND source_table = ?";
  if (q.reason_code) sql += " AND reason_code = ?";
  if (q.mapping) sql += " AND mapping = ?";
  if (q.min_run_id > 0) sql += " AND run_id >= ?";
  return sql;
}

void BindFilter(sqlite3_stmt* s, int& i, const DeadLetterQuery& q) {
  auto text = [&](const std::string& v) {
    sqlite3_bind_text(s, i++, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  if (q.run_id) sqlite3_bind_int64(s, i++, *q.run_id);
  if (q.source_table) text(*q.source_table);
  if (q.reason_code) text(*q.reason_code);
  if (q.mapping) text(*q.mapping);
  if (q.min_run_id > 0) sqlite3_bind_int64(s, i++, q.min_run_id);
}

class SqliteStateStore final : public StateStore {
 public:
  SqliteStateStore(std::unique_ptr<sqlite3, DbCloser> db, std::string path)
      : db_(std::move(db)), path_(std::move(path)) {}

  Status Migrate() {
    ICEGRAPH_RETURN_NOT_OK(ExecWaitingForLocks("PRAGMA journal_mode=WAL"));
    ICEGRAPH_RETURN_NOT_OK(Exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
    // The version is read and every migration run inside one write transaction: processes that first open one new
    // database together otherwise all read version 0 and all run migration 0 ("table runs already exists").
    ICEGRAPH_RETURN_NOT_OK(ExecWaitingForLocks("BEGIN IMMEDIATE"));
    Status st = MigrateLocked();
    if (!st.ok()) {
      (void)Exec("ROLLBACK");
      return st;
    }
    return Exec("COMMIT");
  }

  // `sql` retried while the database is locked, for up to 10 s. Connections that all hold a shared lock and want an
  // exclusive one (a new database switched to WAL by several processes at once) get SQLITE_BUSY at once, without
  // the busy handler, since waiting could deadlock.
  Status ExecWaitingForLocks(const std::string& sql) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
      if (rc == SQLITE_OK) return Status::OK();
      if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) break;
      if (std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Exec(sql);  // once more, for its error message
  }

  // Called by Migrate with the write lock held.
  Status MigrateLocked() {
    ICEGRAPH_RETURN_NOT_OK(Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
    ICEGRAPH_ASSIGN_OR_RAISE(auto stmt, Prepare("SELECT version FROM schema_version"));
    int version = 0;
    if (sqlite3_step(stmt.get()) == SQLITE_ROW) version = sqlite3_column_int(stmt.get(), 0);
    stmt.reset();
    constexpr int kLatest = static_cast<int>(std::size(kMigrations));
    if (version > kLatest) {
      return Status::Invalid("state database " + path_ + " has schema version " + std::to_string(version) +
                             ", newer than this icegraph knows (" + std::to_string(kLatest) + "): upgrade icegraph");
    }
    for (int v = version; v < kLatest; ++v) {
      Status st = Exec(std::string(kMigrations[v]));
      if (st.ok()) {
        st = Exec(v == 0 ? "INSERT INTO schema_version VALUES (1)"
                         : "UPDATE schema_version SET version = " + std::to_string(v + 1));
      }
      if (!st.ok()) return st.WithContext("migrating state database " + path_ + " to version " + std::to_string(v + 1));
    }
    version_ = kLatest;
    return Status::OK();
  }

  int schema_version() const override { return version_; }

  Result<int64_t> BeginRun(const std::string& pipeline, const std::string& kind) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s,
                             Prepare("INSERT INTO runs (pipeline, kind, outcome, started_ms) VALUES (?,?,?,?)"));
    BindText(s.get(), 1, pipeline);
    BindText(s.get(), 2, kind);
    BindText(s.get(), 3, "running");
    sqlite3_bind_int64(s.get(), 4, NowMs());
    ICEGRAPH_RETURN_NOT_OK(Done(s.get()));
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_.get()));
  }

  Status EndRun(int64_t run_id, const std::string& outcome, const std::string& error,
                const nlohmann::json& counts) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s,
                             Prepare("UPDATE runs SET outcome = ?, error = ?, counts = ?, ended_ms = ? WHERE id = ?"));
    BindText(s.get(), 1, outcome);
    BindText(s.get(), 2, error);
    BindText(s.get(), 3, counts.dump());
    sqlite3_bind_int64(s.get(), 4, NowMs());
    sqlite3_bind_int64(s.get(), 5, run_id);
    return Done(s.get());
  }

  Result<std::vector<RunRecord>> ListRuns(int64_t limit) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Prepare(std::string(kRunColumns) + " ORDER BY id DESC LIMIT ?"));
    sqlite3_bind_int64(s.get(), 1, limit);
    std::vector<RunRecord> out;
    int rc = 0;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(ReadRun(s.get()));
    if (rc != SQLITE_DONE) return Error("listing runs");
    return out;
  }

  Result<std::optional<RunRecord>> GetRun(int64_t run_id) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Prepare(std::string(kRunColumns) + " WHERE id = ?"));
    sqlite3_bind_int64(s.get(), 1, run_id);
    const int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) return std::optional<RunRecord>(ReadRun(s.get()));
    if (rc != SQLITE_DONE) return Error("reading run");
    return std::optional<RunRecord>();
  }

  Status AddDeadLetters(int64_t run_id, const std::string& source_table, int64_t snapshot_id,
                        const std::vector<mapping::DeadLetter>& letters) override {
    if (letters.empty()) return Status::OK();
    const std::lock_guard lock(mu_);
    ICEGRAPH_RETURN_NOT_OK(Exec("BEGIN IMMEDIATE"));
    Status st = InsertDeadLetters(run_id, source_table, snapshot_id, letters);
    if (!st.ok()) {
      (void)Exec("ROLLBACK");
      return st;
    }
    return Exec("COMMIT");
  }

  Status ResolveDeadLetters(int64_t run_id, const std::string& source_table,
                            const std::vector<mapping::DeadLetter>& letters) override {
    if (letters.empty()) return Status::OK();
    const std::lock_guard lock(mu_);
    ICEGRAPH_RETURN_NOT_OK(Exec("BEGIN IMMEDIATE"));
    Status st = [&]() -> Status {
      ICEGRAPH_ASSIGN_OR_RAISE(auto s, Prepare("UPDATE dead_letters SET resolved_ms = ?, resolved_run_id = ? "
                                               "WHERE source_table = ? AND row_hash = ? AND resolved_ms = 0"));
      const int64_t now = NowMs();
      for (const auto& l : letters) {
        sqlite3_reset(s.get());
        sqlite3_bind_int64(s.get(), 1, now);
        sqlite3_bind_int64(s.get(), 2, run_id);
        BindText(s.get(), 3, source_table);
        BindText(s.get(), 4, DeadLetterHash(l));
        ICEGRAPH_RETURN_NOT_OK(Done(s.get()));
      }
      return Status::OK();
    }();
    if (!st.ok()) {
      (void)Exec("ROLLBACK");
      return st;
    }
    return Exec("COMMIT");
  }

  Status ResolveAllDeadLetters(int64_t run_id, const std::string& source_table) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Prepare("UPDATE dead_letters SET resolved_ms = ?, resolved_run_id = ? "
                                             "WHERE source_table = ? AND resolved_ms = 0"));
    sqlite3_bind_int64(s.get(), 1, NowMs());
    sqlite3_bind_int64(s.get(), 2, run_id);
    BindText(s.get(), 3, source_table);
    return Done(s.get());
  }

  Result<std::vector<DeadLetterRecord>> ListDeadLetters(const DeadLetterQuery& q) override {
    const std::lock_guard lock(mu_);
    std::string sql =
        "SELECT id, run_id, source_table, snapshot_id, mapping, row_key, reason_code, message, row_json, created_ms, "
        "resolved_ms FROM dead_letters WHERE id > ?";
    sql += FilterSql(q) + " ORDER BY id LIMIT ?";
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Prepare(sql));
    int i = 1;
    sqlite3_bind_int64(s.get(), i++, q.after_id);
    BindFilter(s.get(), i, q);
    sqlite3_bind_int64(s.get(), i, q.limit);
    std::vector<DeadLetterRecord> out;
    int rc = 0;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      DeadLetterRecord r;
      r.id = sqlite3_column_int64(s.get(), 0);
      r.run_id = sqlite3_column_int64(s.get(), 1);
      r.source_table = Text(s.get(), 2);
      r.snapshot_id = sqlite3_column_int64(s.get(), 3);
      r.letter = {Text(s.get(), 4), Text(s.get(), 5), Text(s.get(), 6), Text(s.get(), 7), Text(s.get(), 8)};
      r.created_ms = sqlite3_column_int64(s.get(), 9);
      r.resolved_ms = sqlite3_column_int64(s.get(), 10);
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return Error("listing dead letters");
    return out;
  }

  Result<std::vector<DeadLetterCount>> CountDeadLettersByReason(const DeadLetterQuery& q, bool per_run) override {
    const std::lock_guard lock(mu_);
    // Grouped by run only when asked: a constant in GROUP BY would be read as a column position.
    const std::string run = per_run ? "run_id" : "0";
    const std::string by_run = per_run ? "run_id, " : "";
    const std::string sql = fmt::format(
        "SELECT reason_code, source_table, mapping, {0}, count(*) AS n FROM dead_letters WHERE 1 = 1{1} GROUP BY "
        "{2}reason_code, source_table, mapping ORDER BY {2}n DESC, reason_code, source_table, mapping",
        run, FilterSql(q), by_run);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Prepare(sql));
    int i = 1;
    BindFilter(s.get(), i, q);
    std::vector<DeadLetterCount> out;
    int rc = 0;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      out.push_back({Text(s.get(), 0), Text(s.get(), 1), Text(s.get(), 2), sqlite3_column_int64(s.get(), 3),
                     sqlite3_column_int64(s.get(), 4)});
    }
    if (rc != SQLITE_DONE) return Error("counting dead letters by reason");
    return out;
  }

  Result<int64_t> CountDeadLetters(std::optional<int64_t> run_id) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Prepare(run_id ? "SELECT count(*) FROM dead_letters WHERE run_id = ?"
                                                    : "SELECT count(*) FROM dead_letters WHERE resolved_ms = 0"));
    if (run_id) sqlite3_bind_int64(s.get(), 1, *run_id);
    if (sqlite3_step(s.get()) != SQLITE_ROW) return Error("counting dead letters");
    return static_cast<int64_t>(sqlite3_column_int64(s.get(), 0));
  }

  Result<std::optional<Checkpoint>> GetCheckpoint(const std::string& pipeline, const std::string& table) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s,
                             Prepare(std::string(kCheckpointColumns) + " WHERE pipeline = ? AND table_name = ?"));
    BindText(s.get(), 1, pipeline);
    BindText(s.get(), 2, table);
    const int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) return std::optional<Checkpoint>(ReadCheckpoint(s.get()));
    if (rc != SQLITE_DONE) return Error("reading checkpoint");
    return std::optional<Checkpoint>();
  }

  Status SetCheckpoint(const Checkpoint& c) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(
        auto s, Prepare("INSERT INTO checkpoints (pipeline, table_name, snapshot_id, mapping_fingerprint, schema_id, "
                        "updated_ms) VALUES (?,?,?,?,?,?) ON CONFLICT (pipeline, table_name) DO UPDATE SET "
                        "snapshot_id = excluded.snapshot_id, mapping_fingerprint = excluded.mapping_fingerprint, "
                        "schema_id = excluded.schema_id, updated_ms = excluded.updated_ms"));
    BindText(s.get(), 1, c.pipeline);
    BindText(s.get(), 2, c.table);
    sqlite3_bind_int64(s.get(), 3, c.snapshot_id);
    BindText(s.get(), 4, c.mapping_fingerprint);
    sqlite3_bind_int64(s.get(), 5, c.schema_id);
    sqlite3_bind_int64(s.get(), 6, NowMs());
    return Done(s.get());
  }

  Result<std::unique_ptr<PipelineLock>> LockPipeline(const std::string& pipeline, int64_t wait_ms) override {
    std::string safe;
    for (const char c : pipeline) safe += (std::isalnum(static_cast<unsigned char>(c)) != 0) ? c : '_';
    const std::string path = path_ + ".lock-" + safe;
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IOError("cannot open lock file " + path);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        std::string holder;
        std::getline(std::ifstream(path), holder);
        close(fd);
        return Status::Unavailable("pipeline " + pipeline + " is locked by another icegraph process (" +
                                   (holder.empty() ? "unknown" : holder) + ")");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    char host[256] = {};
    gethostname(host, sizeof(host) - 1);
    const std::string who = fmt::format("host={} pid={} since_ms={}\n", host, getpid(), NowMs());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, who.data(), who.size(), 0) < 0) {
      // The lock holds even when its note cannot be written; say so, since the note names the holder.
      log::Warn("pipeline_lock_note_unwritten", {{"path", path}});
    }
    return std::unique_ptr<PipelineLock>(std::make_unique<FileLock>(fd));
  }

  Result<std::vector<Checkpoint>> ListCheckpoints(const std::string& pipeline) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s,
                             Prepare(std::string(kCheckpointColumns) + " WHERE pipeline = ? ORDER BY table_name"));
    BindText(s.get(), 1, pipeline);
    std::vector<Checkpoint> out;
    int rc = 0;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(ReadCheckpoint(s.get()));
    if (rc != SQLITE_DONE) return Error("listing checkpoints");
    return out;
  }

  Result<std::optional<std::string>> GetSparkLedger(const std::string& pipeline) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Prepare("SELECT ledger FROM spark_ledgers WHERE pipeline = ?"));
    BindText(s.get(), 1, pipeline);
    const int rc = sqlite3_step(s.get());
    if (rc == SQLITE_ROW) return std::optional<std::string>(Text(s.get(), 0));
    if (rc != SQLITE_DONE) return Error("reading the Spark task ledger");
    return std::optional<std::string>();
  }

  Status PutSparkLedger(const std::string& pipeline, const std::string& ledger) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Prepare("INSERT INTO spark_ledgers (pipeline, ledger, updated_ms) VALUES (?,?,?) "
                                             "ON CONFLICT (pipeline) DO UPDATE SET ledger = excluded.ledger, "
                                             "updated_ms = excluded.updated_ms"));
    BindText(s.get(), 1, pipeline);
    BindText(s.get(), 2, ledger);
    sqlite3_bind_int64(s.get(), 3, NowMs());
    return Done(s.get());
  }

  Status DeleteSparkLedger(const std::string& pipeline) override {
    const std::lock_guard lock(mu_);
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Prepare("DELETE FROM spark_ledgers WHERE pipeline = ?"));
    BindText(s.get(), 1, pipeline);
    return Done(s.get());
  }

 private:
  static constexpr std::string_view kRunColumns =
      "SELECT id, pipeline, kind, outcome, started_ms, ended_ms, error, counts FROM runs";
  static constexpr std::string_view kCheckpointColumns =
      "SELECT pipeline, table_name, snapshot_id, mapping_fingerprint, schema_id, updated_ms FROM checkpoints";

  static RunRecord ReadRun(sqlite3_stmt* s) {
    RunRecord r;
    r.id = sqlite3_column_int64(s, 0);
    r.pipeline = Text(s, 1);
    r.kind = Text(s, 2);
    r.outcome = Text(s, 3);
    r.started_ms = sqlite3_column_int64(s, 4);
    r.ended_ms = sqlite3_column_int64(s, 5);
    r.error = Text(s, 6);
    r.counts = nlohmann::json::parse(Text(s, 7), nullptr, /*allow_exceptions=*/false);
    if (r.counts.is_discarded()) r.counts = nlohmann::json::object();
    return r;
  }

  static Checkpoint ReadCheckpoint(sqlite3_stmt* s) {
    return {Text(s, 0),
            Text(s, 1),
            sqlite3_column_int64(s, 2),
            Text(s, 3),
            sqlite3_column_int64(s, 4),
            sqlite3_column_int64(s, 5)};
  }

  Status InsertDeadLetters(int64_t run_id, const std::string& source_table, int64_t snapshot_id,
                           const std::vector<mapping::DeadLetter>& letters) {
    ICEGRAPH_ASSIGN_OR_RAISE(
        auto s, Prepare("INSERT INTO dead_letters (run_id, source_table, snapshot_id, mapping, row_key, reason_code, "
                        "message, row_json, created_ms, row_hash) SELECT ?,?,?,?,?,?,?,?,?,?10 WHERE NOT EXISTS "
                        "(SELECT 1 FROM dead_letters WHERE source_table = ?2 AND row_hash = ?10 AND resolved_ms = 0)"));
    const int64_t now = NowMs();
    for (const auto& l : letters) {
      sqlite3_reset(s.get());
      sqlite3_bind_int64(s.get(), 1, run_id);
      BindText(s.get(), 2, source_table);
      sqlite3_bind_int64(s.get(), 3, snapshot_id);
      BindText(s.get(), 4, l.mapping);
      BindText(s.get(), 5, l.row_key);
      BindText(s.get(), 6, l.reason_code);
      BindText(s.get(), 7, l.message);
      BindText(s.get(), 8, l.row_json);
      sqlite3_bind_int64(s.get(), 9, now);
      BindText(s.get(), 10, DeadLetterHash(l));
      ICEGRAPH_RETURN_NOT_OK(Done(s.get()));
    }
    return Status::OK();
  }

  static void BindText(sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }

  Status Error(std::string_view what) const {
    return Status::IOError(fmt::format("state database {}: {}: {}", path_, what, sqlite3_errmsg(db_.get())));
  }

  Status Done(sqlite3_stmt* s) const {
    if (sqlite3_step(s) != SQLITE_DONE) return Error("write failed");
    return Status::OK();
  }

  Status Exec(const std::string& sql) const {
    char* err = nullptr;
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : "unknown error";
      sqlite3_free(err);
      return Status::IOError(fmt::format("state database {}: {}", path_, msg));
    }
    return Status::OK();
  }

  Result<Stmt> Prepare(const std::string& sql) const {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) return Error("prepare");
    return Stmt(raw);
  }

  std::unique_ptr<sqlite3, DbCloser> db_;
  std::string path_;
  int version_ = 0;
  std::mutex mu_;
};

}  // namespace

nlohmann::json DeadLetterRecord::ToJson() const {
  nlohmann::json j = {{"id", id},
                      {"run_id", run_id},
                      {"source_table", source_table},
                      {"snapshot_id", snapshot_id},
                      {"mapping", letter.mapping},
                      {"row_key", letter.row_key},
                      {"reason_code", letter.reason_code},
                      {"message", letter.message},
                      {"row_json", letter.row_json},
                      {"created_ms", created_ms}};
  if (resolved_ms != 0) j["resolved_ms"] = resolved_ms;
  return j;
}

std::string DeadLetterHash(const mapping::DeadLetter& l) {
  uint64_t h = 1469598103934665603ULL;
  for (const std::string* part : {&l.mapping, &l.row_key, &l.reason_code, &l.row_json}) {
    for (const unsigned char c : *part) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0x1f;  // a separator no part can shift across
    h *= 1099511628211ULL;
  }
  return fmt::format("{:016x}", h);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// sqlite:///abs/path.db, sqlite://relative.db or a bare path; registered with the state store registry.
Result<std::unique_ptr<StateStore>> OpenSqliteStateStore(const std::string& url) {
  std::string path = url;
  if (path.rfind("sqlite://", 0) == 0) path = path.substr(9);  // sqlite:///abs keeps its leading '/'
  if (path.empty()) return Status::Invalid("state url is empty");
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Status::IOError("cannot create the directory of state database " + path + ": " + ec.message());
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK) {
    return Status::IOError("cannot open state database " + path + ": " +
                           (raw != nullptr ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(db.get(), 10000);
  auto store = std::make_unique<SqliteStateStore>(std::move(db), path);
  ICEGRAPH_RETURN_NOT_OK(store->Migrate());
  return std::unique_ptr<StateStore>(std::move(store));
}

}  // namespace icegraph::state
