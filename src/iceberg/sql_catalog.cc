// The SQL catalog shared by pyiceberg and Iceberg's JDBC catalog (table iceberg_tables), on SQLite or PostgreSQL.
#include <sqlite3.h>

#include <memory>
#include <pqxx/pqxx>

#include "iceberg/catalog.h"

namespace icegraph::iceberg {
namespace {

constexpr const char* kLoadSql =
    "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = {0} AND table_namespace = {1} AND "
    "table_name = {2}";
constexpr const char* kListSql =
    "SELECT table_name FROM iceberg_tables WHERE catalog_name = {0} AND table_namespace = {1} ORDER BY 1";

/// Runs the catalog's two queries; placeholders {0}.. are replaced by the backend's own parameter syntax.
class SqlBackend {
 public:
  virtual ~SqlBackend() = default;
  /// First column of every row of `sql` with the parameters bound.
  virtual Result<std::vector<std::string>> Column(const std::string& sql, const std::vector<std::string>& params) = 0;
};

std::string Placeholders(std::string sql, const char* (*mark)(int)) {
  for (int i = 0; i < 3; ++i) {
    const std::string key = "{" + std::to_string(i) + "}";
    for (size_t p = sql.find(key); p != std::string::npos; p = sql.find(key)) sql.replace(p, key.size(), mark(i));
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
    const std::string text = Placeholders(sql, [](int) { return "?"; });
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), text.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
      return Status::IOError(std::string("SQL catalog query failed: ") + sqlite3_errmsg(db_.get()));
    }
    const std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt(raw);
    for (size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_text(stmt.get(), static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    }
    std::vector<std::string> out;
    while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
      out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0)));
    }
    return out;
  }

 private:
  std::unique_ptr<sqlite3, SqliteCloser> db_;
};

class PostgresBackend final : public SqlBackend {
 public:
  explicit PostgresBackend(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}

  Result<std::vector<std::string>> Column(const std::string& sql, const std::vector<std::string>& params) override {
    static const char* kMarks[] = {"$1", "$2", "$3"};
    const std::string text = Placeholders(sql, [](int i) { return kMarks[i]; });
    try {
      pqxx::read_transaction tx(*conn_);
      const pqxx::result r = params.size() == 3 ? tx.exec_params(text, params[0], params[1], params[2])
                                                : tx.exec_params(text, params[0], params[1]);
      std::vector<std::string> out;
      for (const auto& row : r) out.emplace_back(row[0].c_str());
      return out;
    } catch (const std::exception& e) {
      // libpqxx reports errors as exceptions; they stop here.
      return Status::IOError(std::string("SQL catalog query failed: ") + e.what());
    }
  }

 private:
  std::unique_ptr<pqxx::connection> conn_;
};

class SqlCatalog final : public Catalog {
 public:
  SqlCatalog(std::unique_ptr<SqlBackend> backend, std::string name, std::shared_ptr<FileIO> io)
      : backend_(std::move(backend)), name_(std::move(name)), io_(std::move(io)) {}

  Result<TableMetadata> LoadTable(const TableIdentifier& id) override {
    ICEGRAPH_ASSIGN_OR_RAISE(auto rows, backend_->Column(kLoadSql, {name_, id.ns, id.name}));
    if (rows.empty()) return Status::NotFound("table " + id.ToString() + " is not in SQL catalog '" + name_ + "'");
    return ReadMetadataFile(*io_, rows[0]);
  }

  Result<std::vector<TableIdentifier>> ListTables(const std::string& ns) override {
    ICEGRAPH_ASSIGN_OR_RAISE(auto rows, backend_->Column(kListSql, {name_, ns}));
    std::vector<TableIdentifier> out;
    out.reserve(rows.size());
    for (auto& r : rows) out.push_back({ns, std::move(r)});
    return out;
  }

  std::shared_ptr<FileIO> io() override { return io_; }

 private:
  std::unique_ptr<SqlBackend> backend_;
  std::string name_;
  std::shared_ptr<FileIO> io_;
};

Result<std::unique_ptr<SqlBackend>> OpenSqlite(const std::string& uri) {
  // sqlite:////abs/path and sqlite:///rel/path, as SQLAlchemy reads them.
  const std::string path = uri.substr(std::string("sqlite:///").size());
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string err = raw != nullptr ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Status::IOError("cannot open SQL catalog '" + path + "': " + err);
  }
  std::unique_ptr<sqlite3, SqliteCloser> db(raw);
  sqlite3_busy_timeout(db.get(), 5000);
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
    // The message names host and database, never the password.
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
  } else if (uri->second.rfind("postgresql", 0) == 0) {
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
