// `icegraph iceberg describe|snapshots|scan|diff TABLE` and `list [NAMESPACE]`: what icegraph's reader sees, the
// first thing to trust it.
#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/extension_type.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.h"
#include "iceberg/catalog.h"
#include "iceberg/metadata_json.h"
#include "iceberg/scan.h"
#include "iceberg/snapshot_diff.h"

namespace icegraph::cli {
namespace {

using json = nlohmann::json;

struct CatalogArgs {
  std::string type;
  std::string uri;
  std::string warehouse;
  std::string name = "default";
  std::vector<std::string> props;
  std::string table;
};

Result<std::unique_ptr<iceberg::Catalog>> OpenCatalog(const CatalogArgs& a) {
  iceberg::CatalogProperties p;
  if (!a.uri.empty()) p["uri"] = a.uri;
  if (!a.warehouse.empty()) p["warehouse"] = a.warehouse;
  p["name"] = a.name;
  for (const std::string& kv : a.props) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) return Status::Invalid("--prop '" + kv + "' must be key=value");
    p[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return iceberg::MakeCatalog(a.type, p);
}

void AddConnectionOptions(CLI::App* cmd, CatalogArgs* a) {
  cmd->add_option("--catalog-type", a->type, "sql, rest or hadoop (default: inferred from --catalog-uri)");
  cmd->add_option("--catalog-uri", a->uri,
                  "sqlite:////path/catalog.db, postgresql://user@host/db or https://host/api/catalog");
  cmd->add_option("--warehouse", a->warehouse, "Warehouse directory or URI (hadoop catalog), or name (rest catalog)");
  cmd->add_option("--catalog-name", a->name, "Catalog name in the SQL catalog tables")->capture_default_str();
  cmd->add_option("--prop", a->props, "Extra catalog property key=value (repeatable)");
}

void AddCatalogOptions(CLI::App* cmd, CatalogArgs* a) {
  AddConnectionOptions(cmd, a);
  cmd->add_option("TABLE", a->table, "namespace.table")->required();
}

// "2026-01-20", "2026-01-20T10:00:00[Z]" or "2026-01-20 10:00:00" (UTC), or epoch milliseconds.
std::optional<int64_t> ParseTimestampMs(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::stoll(text);
  }
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) end = strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (end == nullptr) {
    tm = {};
    end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  }
  if (end == nullptr || (*end != '\0' && std::string(end) != "Z")) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

int Fail(const Status& st) {
  std::cerr << "icegraph iceberg: " << st.ToString() << "\n";
  return 1;
}

// A table's catalog, its current metadata and the IO that reads its files (with credentials the catalog vended).
struct OpenTable {
  std::unique_ptr<iceberg::Catalog> catalog;
  iceberg::TableMetadata metadata;
  std::shared_ptr<iceberg::FileIO> io;
};

Result<OpenTable> Open(const CatalogArgs& a) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto catalog, OpenCatalog(a));
  ICEGRAPH_ASSIGN_OR_RAISE(auto id, iceberg::TableIdentifier::Parse(a.table));
  ICEGRAPH_ASSIGN_OR_RAISE(auto metadata, catalog->LoadTable(id));
  ICEGRAPH_ASSIGN_OR_RAISE(auto io, catalog->TableIO(id));
  return OpenTable{std::move(catalog), std::move(metadata), std::move(io)};
}

Result<iceberg::TableMetadata> Load(const CatalogArgs& a) {
  ICEGRAPH_ASSIGN_OR_RAISE(OpenTable t, Open(a));
  return std::move(t.metadata);
}

json FieldJson(const iceberg::Field& f) {
  json j = {{"id", f.id}, {"name", f.name}, {"type", f.type}, {"required", f.required}};
  if (!f.children.empty()) {
    j["children"] = json::array();
    for (const auto& c : f.children) j["children"].push_back(FieldJson(c));
  }
  return j;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// Doubles that JSON cannot carry are spelled as strings: "NaN", "Infinity", "-Infinity".
json FloatJson(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

// One cell as JSON: numbers and strings natively, binary as hex, nested values as JSON (maps as [key, value] pairs),
// everything else as Arrow's text for the value (decimals, dates, times, timestamps).
json ValueJson(const arrow::Array& a, int64_t i) {
  if (a.IsNull(i)) return nullptr;
  switch (a.type_id()) {
    case arrow::Type::BOOL: return static_cast<const arrow::BooleanArray&>(a).Value(i);
    case arrow::Type::INT32: return static_cast<const arrow::Int32Array&>(a).Value(i);
    case arrow::Type::INT64: return static_cast<const arrow::Int64Array&>(a).Value(i);
    case arrow::Type::FLOAT: return FloatJson(static_cast<const arrow::FloatArray&>(a).Value(i));
    case arrow::Type::DOUBLE: return FloatJson(static_cast<const arrow::DoubleArray&>(a).Value(i));
    case arrow::Type::STRING: return std::string(static_cast<const arrow::StringArray&>(a).GetView(i));
    case arrow::Type::LARGE_STRING: return std::string(static_cast<const arrow::LargeStringArray&>(a).GetView(i));
    case arrow::Type::BINARY: return Hex(static_cast<const arrow::BinaryArray&>(a).GetView(i));
    case arrow::Type::LARGE_BINARY: return Hex(static_cast<const arrow::LargeBinaryArray&>(a).GetView(i));
    case arrow::Type::FIXED_SIZE_BINARY: return Hex(static_cast<const arrow::FixedSizeBinaryArray&>(a).GetView(i));
    case arrow::Type::EXTENSION: return ValueJson(*static_cast<const arrow::ExtensionArray&>(a).storage(), i);
    case arrow::Type::STRUCT: {
      const auto& s = static_cast<const arrow::StructArray&>(a);
      json out = json::object();
      for (int f = 0; f < s.num_fields(); ++f) out[s.type()->field(f)->name()] = ValueJson(*s.field(f), i);
      return out;
    }
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST: {
      const auto& l = static_cast<const arrow::BaseListArray<arrow::ListType>&>(a);
      json out = json::array();
      if (a.type_id() == arrow::Type::LIST) {
        for (int64_t k = l.value_offset(i); k < l.value_offset(i + 1); ++k) out.push_back(ValueJson(*l.values(), k));
      } else {
        const auto& ll = static_cast<const arrow::LargeListArray&>(a);
        for (int64_t k = ll.value_offset(i); k < ll.value_offset(i + 1); ++k) out.push_back(ValueJson(*ll.values(), k));
      }
      return out;
    }
    case arrow::Type::MAP: {
      const auto& m = static_cast<const arrow::MapArray&>(a);
      json out = json::array();
      for (int64_t k = m.value_offset(i); k < m.value_offset(i + 1); ++k) {
        out.push_back(json::array({ValueJson(*m.keys(), k), ValueJson(*m.items(), k)}));
      }
      return out;
    }
    default: {
      auto s = a.GetScalar(i);
      return s.ok() ? (*s)->ToString() : "?";
    }
  }
}

int Describe(const CatalogArgs& a) {
  auto m = Load(a);
  if (!m.ok()) return Fail(m.status());
  json out = {{"location", m->location},
              {"metadata_location", m->metadata_location},
              {"format_version", m->format_version},
              {"table_uuid", m->table_uuid},
              {"current_snapshot_id", m->current_snapshot_id ? json(*m->current_snapshot_id) : json(nullptr)},
              {"current_schema_id", m->current_schema_id},
              {"properties", m->properties}};
  json fields = json::array();
  for (const auto& f : m->CurrentSchema()->fields) fields.push_back(FieldJson(f));
  out["schema"] = fields;
  json specs = json::array();
  for (const auto& s : m->partition_specs) {
    json fs = json::array();
    for (const auto& f : s.fields)
      fs.push_back({{"source_id", f.source_id}, {"name", f.name}, {"transform", f.transform}});
    specs.push_back({{"spec_id", s.spec_id}, {"fields", fs}});
  }
  out["partition_specs"] = specs;
  std::cout << out.dump(2) << "\n";
  return 0;
}

int Snapshots(const CatalogArgs& a) {
  auto m = Load(a);
  if (!m.ok()) return Fail(m.status());
  for (const auto& s : m->snapshots) {
    json j = {{"snapshot_id", s.snapshot_id},
              {"parent_snapshot_id", s.parent_snapshot_id ? json(*s.parent_snapshot_id) : json(nullptr)},
              {"sequence_number", s.sequence_number},
              {"timestamp_ms", s.timestamp_ms},
              {"operation", std::string(iceberg::OperationName(s.operation))},
              {"summary", s.summary}};
    std::cout << j.dump() << "\n";
  }
  return 0;
}

struct ScanArgs {
  int64_t snapshot_id = 0;
  std::string as_of;
  bool tasks_only = false;
  std::string format = "jsonl";
  std::vector<std::string> columns;
  std::string filter;
};

int Scan(const CatalogArgs& a, const ScanArgs& args) {
  auto table = Open(a);
  if (!table.ok()) return Fail(table.status());
  const iceberg::TableMetadata* m = &table->metadata;
  iceberg::FileIO& io = *table->io;
  iceberg::ScanOptions options;
  options.columns = args.columns;
  if (!args.filter.empty()) {
    auto filter = iceberg::ParseFilter(args.filter);
    if (!filter.ok()) return Fail(filter.status().WithContext("--filter"));
    options.filter = std::move(*filter);
  }
  if (!args.as_of.empty()) {
    // The snapshot current at that time, per the snapshot log (time travel as engines do it).
    const auto ms = ParseTimestampMs(args.as_of);
    if (!ms) {
      return Fail(Status::Invalid("--as-of '" + args.as_of + "' is not YYYY-MM-DD[THH:MM:SS] (UTC) or epoch ms"));
    }
    const iceberg::Snapshot* s = m->SnapshotAsOf(*ms);
    if (s == nullptr) return Fail(Status::NotFound("no snapshot was current at " + args.as_of));
    options.snapshot_id = s->snapshot_id;
  } else if (args.snapshot_id != 0) {
    options.snapshot_id = args.snapshot_id;
  } else if (!m->current_snapshot_id) {
    return 0;  // an empty table
  }
  auto tasks = iceberg::PlanScan(io, *m, options);
  if (!tasks.ok()) return Fail(tasks.status());
  int64_t rows = 0;
  int64_t batches = 0;
  for (const auto& t : *tasks) {
    if (args.tasks_only) {
      std::cout << t.ToJson().dump() << "\n";
      continue;
    }
    auto reader = iceberg::TaskReader::Open(io, t);
    if (!reader.ok()) return Fail(reader.status());
    while (true) {
      auto batch = (*reader)->Next();
      if (!batch.ok()) return Fail(batch.status());
      if (*batch == nullptr) break;
      const arrow::RecordBatch& b = **batch;
      rows += b.num_rows();
      ++batches;
      if (args.format == "count") continue;
      for (int64_t r = 0; r < b.num_rows(); ++r) {
        json row = json::object();
        for (int c = 0; c < b.num_columns(); ++c) row[b.schema()->field(c)->name()] = ValueJson(*b.column(c), r);
        std::cout << row.dump() << "\n";
      }
    }
  }
  if (args.format == "count")
    std::cout << json{{"rows", rows}, {"batches", batches}, {"files", tasks->size()}}.dump() << "\n";
  return 0;
}

int Diff(const CatalogArgs& a, int64_t from, int64_t to) {
  auto table = Open(a);
  if (!table.ok()) return Fail(table.status());
  const iceberg::TableMetadata* m = &table->metadata;
  iceberg::FileIO& io = *table->io;
  if (to == 0) {
    if (!m->current_snapshot_id) return Fail(Status::NotFound("the table has no snapshot"));
    to = *m->current_snapshot_id;
  }
  auto diff = iceberg::DiffSnapshots(io, *m, from == 0 ? std::nullopt : std::optional<int64_t>(from), to);
  if (!diff.ok()) return Fail(diff.status());
  if (diff->gap != iceberg::GapKind::kNone) {
    std::cout << json{{"gap", std::string(iceberg::GapKindName(diff->gap))}, {"from", from}, {"to", to}}.dump() << "\n";
    return 3;
  }
  const auto files = [](const std::vector<iceberg::ManifestEntry>& entries) {
    json out = json::array();
    for (const auto& e : entries) {
      out.push_back({{"file_path", e.file.file_path},
                     {"content", static_cast<int>(e.file.content)},
                     {"record_count", e.file.record_count},
                     {"sequence_number", e.sequence_number}});
    }
    return out;
  };
  for (const auto& s : diff->snapshots) {
    std::cout << json{{"snapshot_id", s.snapshot_id},
                      {"sequence_number", s.sequence_number},
                      {"operation", std::string(iceberg::OperationName(s.operation))},
                      {"added_data_files", files(s.added_data_files)},
                      {"removed_data_files", files(s.removed_data_files)},
                      {"added_delete_files", files(s.added_delete_files)},
                      {"removed_delete_files", files(s.removed_delete_files)}}
                     .dump()
              << "\n";
  }
  return 0;
}

// Namespaces one per line, or with a namespace its tables.
int List(const CatalogArgs& a, const std::string& ns) {
  auto catalog = OpenCatalog(a);
  if (!catalog.ok()) return Fail(catalog.status());
  if (ns.empty()) {
    auto namespaces = (*catalog)->ListNamespaces();
    if (!namespaces.ok()) return Fail(namespaces.status());
    for (const std::string& n : *namespaces) std::cout << n << "\n";
    return 0;
  }
  auto tables = (*catalog)->ListTables(ns);
  if (!tables.ok()) return Fail(tables.status());
  for (const auto& t : *tables) std::cout << t.ToString() << "\n";
  return 0;
}

}  // namespace

void AddIcebergCommand(CLI::App& app, int* exit_code) {
  CLI::App* ice = app.add_subcommand("iceberg", "Inspect Iceberg tables as icegraph reads them");
  ice->require_subcommand(1);
  auto describe = std::make_shared<CatalogArgs>();
  CLI::App* d = ice->add_subcommand("describe", "Print table metadata: schema, partition specs, properties");
  AddCatalogOptions(d, describe.get());
  d->callback([describe, exit_code] { *exit_code = Describe(*describe); });
  auto snaps = std::make_shared<CatalogArgs>();
  CLI::App* s = ice->add_subcommand("snapshots", "Print the table's snapshots, one JSON object per line");
  AddCatalogOptions(s, snaps.get());
  s->callback([snaps, exit_code] { *exit_code = Snapshots(*snaps); });
  auto scan = std::make_shared<CatalogArgs>();
  auto scan_args = std::make_shared<ScanArgs>();
  CLI::App* sc =
      ice->add_subcommand("scan", "Print the rows of a snapshot (deletes applied), one JSON object per line");
  AddCatalogOptions(sc, scan.get());
  sc->add_option("--snapshot-id", scan_args->snapshot_id, "Snapshot to read (default: current)");
  sc->add_option("--as-of", scan_args->as_of,
                 "Read the snapshot current at this UTC time (YYYY-MM-DD[THH:MM:SS]) or epoch ms");
  sc->add_option("--columns", scan_args->columns, "Columns to read (current names; default: all)")->delimiter(',');
  sc->add_option("--filter", scan_args->filter,
                 "Rows to keep, e.g. \"id >= 10 and country = 'FR'\"; prunes files by partition and column bounds");
  sc->add_flag("--tasks", scan_args->tasks_only, "Print the planned scan tasks instead of rows");
  sc->add_option("--format", scan_args->format,
                 "jsonl (rows), or count (read everything, print counts: for benchmarks)")
      ->check(CLI::IsMember({"jsonl", "count"}))
      ->capture_default_str();
  auto diff = std::make_shared<CatalogArgs>();
  auto from = std::make_shared<int64_t>(0);
  auto to = std::make_shared<int64_t>(0);
  CLI::App* df = ice->add_subcommand(
      "diff", "Print, per snapshot after --from up to --to, the files added and removed (exit 3 on a gap)");
  AddCatalogOptions(df, diff.get());
  df->add_option("--from", *from, "Snapshot already applied (exclusive; default: the beginning)");
  df->add_option("--to", *to, "Last snapshot (inclusive; default: current)");
  df->callback([diff, from, to, exit_code] { *exit_code = Diff(*diff, *from, *to); });
  auto list = std::make_shared<CatalogArgs>();
  auto ns = std::make_shared<std::string>();
  CLI::App* ls = ice->add_subcommand("list", "Print the catalog's namespaces, or with NAMESPACE its tables");
  AddConnectionOptions(ls, list.get());
  ls->add_option("NAMESPACE", *ns, "List the tables of this namespace");
  ls->callback([list, ns, exit_code] { *exit_code = List(*list, *ns); });
  sc->callback([scan, scan_args, exit_code] {
    // Compute kernels (used to filter deleted rows) register on first use since Arrow 21.
    if (const arrow::Status st = arrow::compute::Initialize(); !st.ok()) {
      *exit_code = Fail(Status::Internal(st.ToString()));
      return;
    }
    *exit_code = Scan(*scan, *scan_args);
  });
}

}  // namespace icegraph::cli
