// The SQL catalog shared by pyiceberg and Iceberg's JDBC catalog (tables iceberg_tables and
// iceberg_namespace_properties), on SQLite or PostgreSQL. Read only: icegraph never commits to a catalog.
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <pqxx/pqxx>
#include <set>

#include "iceberg/catalog.h"

namespace icegraph::iceberg {
namespace {

// Rows with iceberg_type 'VIEW' (catalog schema v1, written by Java/pyiceberg) are views, not tables; v0 catalogs
// have no such column. {types} is replaced by that condition or by nothing.
constexpr const char* kLoadSql =
    "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = {0} AND table_namespace = {1} AND "
    "table_name = {2}{types}";
constexpr const char* kListTablesSql =
    "SELECT table_name FROM iceberg_tables WHERE catalog_name = {0} AND table_namespace = {1}{types} ORDER BY 1";
constexpr const char* kListNamespacesSql =
    "SELECT table_namespace FROM iceberg_tables WHERE catalog_name = {0} UNION "
    "SELECT namespace FROM iceberg_namespace_properties WHERE catalog_name = {0}";
constexpr const char* kTypeFilter = " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)";

/// Runs the catalog's queries; placeholders {0}.. become the backend's own parameter syntax.
class SqlBackend {
 public:
  virtual ~SqlBackend() = default;
  /// First column of every row of `sql` with the parameters bound (NULLs read as "").
  virtual Result<std::vector<std::string>> Column(const std::string& sql, const std::vector<std::string>& params) = 0;
  /// Whether `table` has `column` (probes the catalog schema version).
  virtual bool HasColumn(const std::string& table, const std::string& column) = 0;
};

std::string Bind(std::string sql, size_t n_params, const std::string& (*mark)(size_t)) {
  for (size_t i = 0; i < n_params; ++i) {
    const std::string key = "{" + std::to_string(i) + "}";
    for (size_t p = sql.find(key); p != std::string::npos; p = sql.find(key, p)) sql.replace(p, key.size(), mark(i));
  }
  return sql;
}

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class SqliteBackend final : public SqlBackend {
 public:
  explicit SqliteBackend(std::unique_ptr<sqlite3, SqliteCloser> db) : db_(std::move(db)) {}

  Result<std::vector<std::string>> Column(const std::string& sql, const std::vector<std::string>& params) override {
    // ?N binds by number, so one parameter may appear twice.
    const std::string text = Bind(sql, params.size(), [](size_t i) -> const std::string& {
      static const std::string kMarks[] = {"?1", "?2", "?3"};
      return kMarks[i];
    });
    ICEGRAPH_ASSIGN_OR_RAISE(auto stmt, Prepare(text));
    for (size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_text(stmt.get(), static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    std::vector<std::string> out;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      const unsigned char* v = sqlite3_column_text(stmt.get(), 0);
      out.emplace_back(v == nullptr ? "" : reinterpret_cast<const char*>(v));
    }
    if (rc != SQLITE_DONE)
      return Status::IOError(std::string("SQL catalog query failed: ") + sqlite3_errmsg(db_.get()));
    return out;
  }

  bool HasColumn(const std::string& table, const std::string& column) override {
    // A prepared SELECT names its result columns without running.
    auto stmt = Prepare("SELECT * FROM " + table + " LIMIT 0");
    if (!stmt.ok()) return false;
    for (int i = 0; i < sqlite3_column_count(stmt->get()); ++i) {
      if (column == sqlite3_column_name(stmt->get(), i)) return true;
    }
    return false;
  }

 private:
  Result<std::unique_ptr<sqlite3_stmt, StmtFinalizer>> Prepare(const std::string& text) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), text.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
      // "no such table" here means the file is not a SQL catalog (or the path is wrong).
      return Status::IOError(std::string("SQL catalog query failed: ") + sqlite3_errmsg(db_.get()));
    }
    return std::unique_ptr<sqlite3_stmt, StmtFinalizer>(raw);
  }

  std::unique_ptr<sqlite3, SqliteCloser> db_;
};

class PostgresBackend final : public SqlBackend {
 public:
  explicit PostgresBackend(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}

  Result<std::vector<std::string>> Column(const std::string& sql, const std::vector<std::string>& params) override {
    const std::string text = Bind(sql, params.size(), [](size_t i) -> const std::string& {
      static const std::string kMarks[] = {"$1", "$2", "$3"};
      return kMarks[i];
    });
    try {
      pqxx::read_transaction tx(*conn_);
      const pqxx::result r = tx.exec_params(text, pqxx::prepare::make_dynamic_params(params));
      std::vector<std::string> out;
      out.reserve(r.size());
      for (const auto& row : r) out.emplace_back(row[0].is_null() ? "" : row[0].c_str());
      return out;
    } catch (const std::exception& e) {
      // libpqxx reports errors as exceptions; they stop here.
      return Status::IOError(std::string("SQL catalog query failed: ") + e.what());
    }
  }

  bool HasColumn(const std::string& table, const std::string& column) override {
    auto rows =
        Column("SELECT column_name FROM information_schema.columns WHERE table_name = {0} AND column_name = {1}",
               {table, column});
    return rows.ok() && !rows->empty();
  }

 private:
  std::unique_ptr<pqxx::connection> conn_;
};

class SqlCatalog final : public Catalog {
 public:
  SqlCatalog(std::unique_ptr<SqlBackend> backend, std::string name, std::shared_ptr<FileIO> io)
      : backend_(std::move(backend)), name_(std::move(name)), io_(std::move(io)) {
    types_ = backend_->HasColumn("iceberg_tables", "iceberg_type") ? kTypeFilter : "";
  }

  Result<TableMetadata> LoadTable(const TableIdentifier& id) override {
    ICEGRAPH_ASSIGN_OR_RAISE(auto rows, backend_->Column(WithTypes(kLoadSql), {name_, id.ns, id.name}));
    if (rows.empty() || rows[0].empty()) {
      return Status::NotFound("table " + id.ToString() + " is not in SQL catalog '" + name_ +
                              "' (check --catalog-name and the namespace)");
    }
    auto metadata = ReadMetadataFile(*io_, rows[0]);
    if (!metadata.ok()) return metadata.status().WithContext("table " + id.ToString());
    return metadata;
  }

  Result<std::vector<std::string>> ListNamespaces() override {
    ICEGRAPH_ASSIGN_OR_RAISE(auto rows, backend_->Column(kListNamespacesSql, {name_}));
    // Parents of nested namespaces exist implicitly, as pyiceberg lists them.
    std::set<std::string> namespaces;
    for (const std::string& ns : rows) {
      for (size_t dot = ns.find('.'); dot != std::string::npos; dot = ns.find('.', dot + 1)) {
        namespaces.insert(ns.substr(0, dot));
      }
      if (!ns.empty()) namespaces.insert(ns);
    }
    return std::vector<std::string>(namespaces.begin(), namespaces.end());
  }

  Result<std::vector<TableIdentifier>> ListTables(const std::string& ns) override {
    ICEGRAPH_ASSIGN_OR_RAISE(auto rows, backend_->Column(WithTypes(kListTablesSql), {name_, ns}));
    std::vector<TableIdentifier> out;
    out.reserve(rows.size());
    for (auto& r : rows) out.push_back({ns, std::move(r)});
    return out;
  }

  std::shared_ptr<FileIO> io() override { return io_; }

 private:
  std::string WithTypes(std::string sql) const {
    sql.replace(sql.find("{types}"), 7, types_);
    return sql;
  }

  std::unique_ptr<SqlBackend> backend_;
  std::string name_;
  std::shared_ptr<FileIO> io_;
  std::string types_;
};

Result<std::unique_ptr<SqlBackend>> OpenSqlite(const std::string& uri) {
  // sqlite:////abs/path and sqlite:///rel/path, as SQLAlchemy reads them.
  const std::string path = uri.substr(std::string("sqlite:///").size());
  if (path.empty() || path == ":memory:") {
    return Status::Invalid("SQL catalog '" + uri + "': an in-memory catalog has no tables to read");
  }
  sqlite3* raw = nullptr;
  // Read only: a missing file is an error instead of a new empty database.
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, SqliteCloser> db(raw);
  if (rc != SQLITE_OK) {
    return Status::IOError("cannot open SQL catalog '" + path +
                           "': " + (raw != nullptr ? sqlite3_errmsg(raw) : "no memory"));
  }
  sqlite3_busy_timeout(db.get(), 5000);  // writers (pyiceberg commits) hold the lock briefly
  return std::unique_ptr<SqlBackend>(std::make_unique<SqliteBackend>(std::move(db)));
}

Result<std::unique_ptr<SqlBackend>> OpenPostgres(std::string uri) {
  // SQLAlchemy spells the driver into the scheme (postgresql+psycopg2://); libpq wants postgresql://.
  const size_t plus = uri.find('+');
  const size_t scheme_end = uri.find("://");
  if (plus != std::string::npos && plus < scheme_end) uri.erase(plus, scheme_end - plus);
  try {
    return std::unique_ptr<SqlBackend>(std::make_unique<PostgresBackend>(std::make_unique<pqxx::connection>(uri)));
  } catch (const std::exception& e) {
    // libpq's message names host and database, never the password.
    return Status::IOError(std::string("cannot connect to the SQL catalog database: ") + e.what());
  }
}

Result<std::unique_ptr<Catalog>> MakeSqlCatalog(const CatalogProperties& props) {
  const auto uri = props.find("uri");
  if (uri == props.end()) {
    return Status::Invalid("the sql catalog needs a 'uri' (sqlite:////path/catalog.db or postgresql://user@host/db)");
  }
  std::unique_ptr<SqlBackend> backend;
  if (uri->second.rfind("sqlite:///", 0) == 0) {
    ICEGRAPH_ASSIGN_OR_RAISE(backend, OpenSqlite(uri->second));
  } else if (uri->second.rfind("postgresql", 0) == 0 || uri->second.rfind("postgres://", 0) == 0) {
    ICEGRAPH_ASSIGN_OR_RAISE(backend, OpenPostgres(uri->second));
  } else {
    return Status::Invalid("sql catalog uri must start with sqlite:/// or postgresql://");
  }
  ICEGRAPH_ASSIGN_OR_RAISE(auto io, FileIO::Make(props));
  const auto name = props.find("name");
  return std::unique_ptr<Catalog>(
      std::make_unique<SqlCatalog>(std::move(backend), name == props.end() ? "default" : name->second, std::move(io)));
}

}  // namespace

void RegisterSqlCatalog() { RegisterCatalog("sql", MakeSqlCatalog); }

}  // namespace icegraph::iceberg
