// The SQL catalog shared by pyiceberg and Iceberg's JDBC catalog (table iceberg_tables), on SQLite.
#include <sqlite3.h>

#include <memory>

#include "iceberg/catalog.h"

namespace icegraph::iceberg {
namespace {

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class SqlCatalog final : public Catalog {
 public:
  SqlCatalog(std::unique_ptr<sqlite3, SqliteCloser> db, std::string name, std::shared_ptr<FileIO> io)
      : db_(std::move(db)), name_(std::move(name)), io_(std::move(io)) {}

  Result<TableMetadata> LoadTable(const TableIdentifier& id) override {
    auto stmt = Prepare(
        "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND "
        "table_name = ?");
    if (!stmt.ok()) return stmt.status();
    sqlite3_bind_text(stmt->get(), 1, name_.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt->get(), 2, id.ns.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt->get(), 3, id.name.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(stmt->get()) != SQLITE_ROW) {
      return Status::NotFound("table " + id.ToString() + " is not in SQL catalog '" + name_ + "'");
    }
    const std::string location = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 0));
    return ReadMetadataFile(*io_, location);
  }

  Result<std::vector<TableIdentifier>> ListTables(const std::string& ns) override {
    auto stmt =
        Prepare("SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? ORDER BY 1");
    if (!stmt.ok()) return stmt.status();
    sqlite3_bind_text(stmt->get(), 1, name_.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt->get(), 2, ns.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<TableIdentifier> out;
    while (sqlite3_step(stmt->get()) == SQLITE_ROW) {
      out.push_back({ns, reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 0))});
    }
    return out;
  }

  std::shared_ptr<FileIO> io() override { return io_; }

 private:
  Result<std::unique_ptr<sqlite3_stmt, StmtFinalizer>> Prepare(const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
      return Status::IOError(std::string("SQL catalog query failed: ") + sqlite3_errmsg(db_.get()));
    }
    return std::unique_ptr<sqlite3_stmt, StmtFinalizer>(raw);
  }

  std::unique_ptr<sqlite3, SqliteCloser> db_;
  std::string name_;
  std::shared_ptr<FileIO> io_;
};

Result<std::unique_ptr<Catalog>> MakeSqlCatalog(const CatalogProperties& props) {
  const auto uri = props.find("uri");
  if (uri == props.end()) return Status::Invalid("the sql catalog needs a 'uri' (sqlite:///path/to/catalog.db)");
  const std::string prefix = "sqlite:///";
  if (uri->second.rfind(prefix, 0) != 0) {
    return Status::NotImplemented("sql catalog uri '" + uri->second + "': only sqlite:/// is supported so far");
  }
  // sqlite:////abs/path and sqlite:///rel/path, as SQLAlchemy reads them.
  const std::string path = uri->second.substr(prefix.size());
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string err = raw != nullptr ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Status::IOError("cannot open SQL catalog '" + path + "': " + err);
  }
  std::unique_ptr<sqlite3, SqliteCloser> db(raw);
  sqlite3_busy_timeout(db.get(), 5000);
  ICEGRAPH_ASSIGN_OR_RAISE(auto io, FileIO::Make(props));
  const auto name = props.find("name");
  return std::unique_ptr<Catalog>(
      std::make_unique<SqlCatalog>(std::move(db), name == props.end() ? "default" : name->second, std::move(io)));
}

}  // namespace

void RegisterSqlCatalog() { RegisterCatalog("sql", MakeSqlCatalog); }

}  // namespace icegraph::iceberg
