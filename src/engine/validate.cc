#include "engine/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_set>

#include "common/log.h"
#include "engine/full_sync.h"
#include "engine/key_set.h"
#include "engine/sync_internal.h"
#include "iceberg/reader.h"
#include "sink/graph_reader.h"
#include "sink/value_format.h"

namespace icegraph::engine {
namespace {

using json = nlohmann::json;
using mapping::TgType;

constexpr size_t kMaxExamples = 10;

// An edge key that no id text can make ambiguous: each id prefixed by its length, then the discriminator values as
// canonical JSON (nlohmann's dump of the parsed value, the same whether it came from a batch or a dead letter).
std::string EdgeKey(std::string_view from, std::string_view to, const std::vector<std::string>& disc) {
  std::string key = fmt::format("{}:{}{}:{}", from.size(), from, to.size(), to);
  for (const std::string& d : disc) {
    key += '\x1f';
    key += d;
  }
  return key;
}

// The from and to ids of an EdgeKey.
std::pair<std::string_view, std::string_view> EdgeEndpoints(std::string_view key) {
  std::string_view parts[2];
  for (auto& part : parts) {
    const size_t colon = key.find(':');
    size_t n = 0;
    std::from_chars(key.data(), key.data() + colon, n);
    part = key.substr(colon + 1, n);
    key.remove_prefix(colon + 1 + n);
  }
  return {parts[0], parts[1]};
}

// Seeded FNV-1a with a splitmix64 finish: the sample is the keys of smallest hash, the same for the same seed.
uint64_t SampleHash(std::string_view key, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
  for (const unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

// One sampled key and every distinct value the mapping produced for each of its attributes.
struct Sample {
  std::string key;
  std::string id;          // vertex id, or edge from id
  std::string to;          // edge to id
  std::vector<json> disc;  // edge discriminator values, in DISCRIMINATOR order
  std::map<std::string, std::vector<json>> values;
};

// What the tables say about one type. Memory: the key set holds every distinct key once (its bytes in the KeyArena
// plus about 48 bytes of hash-set node: ~80 MB for a million 30-byte keys); the sample at most `sample` keys with their
// values.
struct TypeState {
  bool is_edge = false;
  std::string from_type;
  std::string to_type;
  bool directed = true;
  std::vector<std::string> discriminator;
  std::map<std::string, TgType> attribute_types;
  KeySet keys;                                         // bytes in the Validator's KeyArena
  std::map<uint64_t, Sample> sample;                   // bottom-k by SampleHash
  std::unordered_set<std::string_view> endpoint_only;  // vertices: endpoints of expected edges no table maps
  TypeValidation out;

  void Example(std::string text) {
    if (out.examples.size() < kMaxExamples) out.examples.push_back(std::move(text));
  }
};

std::string Shown(const std::vector<json>& values) {
  std::string out;
  for (size_t i = 0; i < values.size() && i < 3; ++i) out += (i == 0 ? "" : " or ") + values[i].dump();
  if (values.size() > 3) out += fmt::format(" (or {} more)", values.size() - 3);
  return out;
}

// Parses the JSON text the sink writes for one cell.
json CellJson(const sink::ColumnView& view, int64_t row) {
  std::string text;
  sink::AppendJsonValue(view, row, &text);
  return json::parse(text, nullptr, false);
}

class Validator {
 public:
  Validator(const Pipeline& p, state::StateStore& store, sink::TigerGraphClient& client, const ValidateOptions& o)
      : p_(p), store_(store), client_(client), reader_(client), options_(o) {
    for (const auto& v : p.plan().vertex_types()) {
      TypeState& ts = types_[v.name];
      ts.out.type = v.name;
      for (const auto& a : v.attributes) ts.attribute_types[a.name] = a.type;
      order_.push_back(v.name);
    }
    for (const auto& e : p.plan().edge_types()) {
      TypeState& ts = types_[e.name];
      ts.out.type = e.name;
      ts.out.is_edge = ts.is_edge = true;
      ts.from_type = e.from_type;
      ts.to_type = e.to_type;
      ts.directed = e.directed;
      ts.discriminator = e.discriminator;
      for (const auto& a : e.attributes) ts.attribute_types[a.name] = a.type;
      order_.push_back(e.name);
    }
  }

  Result<ValidationReport> Run() {
    ValidationReport report;
    for (size_t i = 0; i < p_.tables().size(); ++i) ICEGRAPH_RETURN_NOT_OK(ReadTable(p_.tables()[i], &report));
    ICEGRAPH_RETURN_NOT_OK(SubtractRefused());
    ComputeEndpoints();
    for (const std::string& name : order_) {
      TypeState& ts = types_[name];
      auto count = ts.is_edge ? client_.CountEdges(name) : client_.CountVertices(name);
      if (!count.ok()) return count.status().WithContext("counting " + name + " in TigerGraph");
      ts.out.actual = *count;
      ts.out.expected = static_cast<int64_t>(ts.keys.size() + ts.endpoint_only.size());
      ts.out.endpoint_vertices = static_cast<int64_t>(ts.endpoint_only.size());
      if (ts.out.expected != ts.out.actual) {
        ts.Example(fmt::format("TigerGraph holds {} {}, the tables at their checkpoints {}", ts.out.actual,
                               ts.is_edge ? "edges" : "vertices", ts.out.expected));
      }
      ICEGRAPH_RETURN_NOT_OK(ts.is_edge ? CheckEdgeSample(ts) : CheckVertexSample(ts));
    }
    report.ok = true;
    for (const std::string& name : order_) {
      report.types.push_back(std::move(types_[name].out));
      report.ok = report.ok && report.types.back().ok();
    }
    return report;
  }

 private:
  Status ReadTable(const SourceTable& t, ValidationReport* report) {
    ICEGRAPH_ASSIGN_OR_RAISE(const auto cp, store_.GetCheckpoint(p_.name(), t.name));
    if (!cp) {
      report->notes.push_back(fmt::format("table {} has no checkpoint (never synced): it adds nothing", t.name));
      return Status::OK();
    }
    if (cp->mapping_fingerprint != MappingFingerprint(p_.config().model, t.name)) {
      report->notes.push_back(
          fmt::format("the mapping of table {} changed since its checkpoint: the graph follows "
                      "the old mapping until the next sync",
                      t.name));
    }
    auto tasks = PlanTable(t, cp->snapshot_id);
    if (!tasks.ok()) {
      return tasks.status().WithContext(
          fmt::format("reading {} at its checkpoint snapshot {}", t.name, cp->snapshot_id));
    }
    log::Info("validate_read_table", {{"table", t.name}, {"snapshot_id", cp->snapshot_id}, {"files", tasks->size()}});
    for (const auto& task : *tasks) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*t.io, task));
      while (true) {
        ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader->Next());
        if (batch == nullptr) break;
        ICEGRAPH_ASSIGN_OR_RAISE(const auto mapped, t.plan->Apply(*batch));
        for (const auto& vb : mapped.vertices) ICEGRAPH_RETURN_NOT_OK(AddVertices(vb));
        for (const auto& eb : mapped.edges) ICEGRAPH_RETURN_NOT_OK(AddEdges(eb));
      }
    }
    return Status::OK();
  }

  void AddKey(TypeState& ts, std::string_view key) {
    ts.keys.insert(key, [&](std::string_view k) { return arena_.Store(k); });
  }

  // Adds `key` to the sample when its hash is among the `sample` smallest; `fill` records its values.
  template <typename F>
  void Offer(TypeState& ts, std::string_view key, F&& fill) {
    if (options_.sample <= 0) return;
    const uint64_t h = SampleHash(key, options_.seed);
    if (const auto it = ts.sample.find(h); it != ts.sample.end()) {
      if (it->second.key == key) fill(it->second);  // another row of a sampled key (a colliding key is skipped)
      return;
    }
    const auto k = static_cast<size_t>(options_.sample);
    if (ts.sample.size() >= k && h > ts.sample.rbegin()->first) return;
    Sample s;
    s.key = std::string(key);
    fill(s);
    ts.sample.emplace(h, std::move(s));
    if (ts.sample.size() > k) ts.sample.erase(std::prev(ts.sample.end()));
  }

  static Result<std::vector<sink::ColumnView>> Views(const std::vector<mapping::AttributeColumn>& attrs) {
    std::vector<sink::ColumnView> views;
    for (const auto& a : attrs) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto v, sink::MakeColumnView(a.type, a.values.get(), a.name));
      views.push_back(std::move(v));
    }
    return views;
  }

  static void AddValues(Sample& s, const std::vector<mapping::AttributeColumn>& attrs,
                        const std::vector<sink::ColumnView>& views, int64_t row, const std::vector<std::string>& skip) {
    for (size_t c = 0; c < attrs.size(); ++c) {
      if (std::find(skip.begin(), skip.end(), attrs[c].name) != skip.end()) continue;
      if (!sink::HasValue(views[c], row)) continue;  // a null is left out of the write
      json v = CellJson(views[c], row);
      auto& list = s.values[attrs[c].name];
      if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(std::move(v));
    }
  }

  Status AddVertices(const mapping::VertexBatch& vb) {
    if (vb.length() == 0) return Status::OK();
    TypeState& ts = types_[vb.type];
    const auto& ids = static_cast<const arrow::StringArray&>(*vb.ids);
    ICEGRAPH_ASSIGN_OR_RAISE(const auto views, Views(vb.attributes));
    for (int64_t r = 0; r < vb.length(); ++r) {
      const std::string_view id = ids.GetView(r);
      Offer(ts, id, [&](Sample& s) {
        s.id = std::string(id);
        AddValues(s, vb.attributes, views, r, {});
      });
      AddKey(ts, id);
    }
    return Status::OK();
  }

  Status AddEdges(const mapping::EdgeBatch& eb) {
    if (eb.length() == 0) return Status::OK();
    TypeState& ts = types_[eb.type];
    const auto& from = static_cast<const arrow::StringArray&>(*eb.from_ids);
    const auto& to = static_cast<const arrow::StringArray&>(*eb.to_ids);
    ICEGRAPH_ASSIGN_OR_RAISE(const auto views, Views(eb.attributes));
    std::vector<size_t> disc_cols;
    for (const auto& d : eb.discriminator) {
      for (size_t c = 0; c < eb.attributes.size(); ++c) {
        if (eb.attributes[c].name == d) disc_cols.push_back(c);
      }
    }
    if (disc_cols.size() != eb.discriminator.size()) {
      return Status::Internal("edge batch of " + eb.type + " lacks a discriminator column");
    }
    for (int64_t r = 0; r < eb.length(); ++r) {
      std::string_view f = from.GetView(r);
      std::string_view t = to.GetView(r);
      // TigerGraph holds one undirected edge for (a, b) and (b, a).
      if (!ts.directed && eb.from_type == eb.to_type && t < f) std::swap(f, t);
      std::vector<json> disc;
      std::vector<std::string> disc_text;
      for (const size_t c : disc_cols) {
        disc.push_back(CellJson(views[c], r));
        disc_text.push_back(disc.back().dump());
      }
      std::string key = EdgeKey(f, t, disc_text);
      Offer(ts, key, [&](Sample& s) {
        s.id = std::string(f);
        s.to = std::string(t);
        s.disc = disc;
        AddValues(s, eb.attributes, views, r, eb.discriminator);
      });
      AddKey(ts, key);
    }
    return Status::OK();
  }

  // The type and key a refused row had, when the dead letter names a mapping of this config and its row parses.
  std::optional<std::pair<TypeState*, std::string>> RefusedKey(const mapping::DeadLetter& l) {
    for (const auto& t : p_.plan().tables()) {
      for (const auto& v : t.vertices()) {
        if (v.mapping != l.mapping) continue;
        const json row = json::parse(l.row_json, nullptr, false);
        if (!row.is_object() || !row.contains("id") || !row["id"].is_string()) return std::nullopt;
        return std::pair{&types_[v.type], row["id"].get<std::string>()};
      }
      for (const auto& e : t.edges()) {
        if (e.mapping != l.mapping) continue;
        const json row = json::parse(l.row_json, nullptr, false);
        if (!row.is_object() || !row.contains("from") || !row.contains("to") || !row["from"].is_string() ||
            !row["to"].is_string()) {
          return std::nullopt;
        }
        std::string f = row["from"].get<std::string>();
        std::string to = row["to"].get<std::string>();
        TypeState& ts = types_[e.type];
        if (!ts.directed && e.from_type == e.to_type && to < f) std::swap(f, to);
        std::vector<std::string> disc;
        for (const auto& d : e.discriminator) {
          if (!row.contains(d) || row[d].is_null()) return std::nullopt;
          disc.push_back(row[d].dump());
        }
        return std::pair{&ts, EdgeKey(f, to, disc)};
      }
    }
    return std::nullopt;
  }

  // Keys whose rows TigerGraph refused (tg_* dead letters of any run) leave `expected` unless TigerGraph holds them
  // anyway (another row of the key, or a later run, wrote them).
  Status SubtractRefused() {
    std::map<std::string, std::set<std::string>> refused;  // type -> keys
    int64_t unrecoverable = 0;
    state::DeadLetterQuery q;
    q.limit = 10000;
    while (true) {
      ICEGRAPH_ASSIGN_OR_RAISE(const auto page, store_.ListDeadLetters(q));
      if (page.empty()) break;
      q.after_id = page.back().id;
      for (const auto& r : page) {
        if (r.letter.reason_code.rfind("tg_", 0) != 0) continue;  // rows the mapping refused produce no key
        const auto key = RefusedKey(r.letter);
        if (!key) {
          ++unrecoverable;
          continue;
        }
        if (key->first->keys.count(key->second) > 0) refused[key->first->out.type].insert(key->second);
      }
    }
    if (unrecoverable > 0) log::Warn("validate_dead_letters_without_key", {{"count", unrecoverable}});
    for (auto& [type, keys] : refused) {
      TypeState& ts = types_[type];
      std::set<std::string> absent;
      if (!ts.is_edge) {
        ICEGRAPH_ASSIGN_OR_RAISE(const auto held,
                                 reader_.Vertices(type, std::vector<std::string>(keys.begin(), keys.end())));
        for (const auto& k : keys) {
          if (held.count(k) == 0) absent.insert(k);
        }
      } else {
        const std::vector<std::string> list(keys.begin(), keys.end());
        std::vector<sink::GraphReader::EdgePair> pairs;
        for (const auto& k : list) {
          const auto [f, t] = EdgeEndpoints(k);
          pairs.push_back({std::string(f), std::string(t)});
        }
        ICEGRAPH_ASSIGN_OR_RAISE(const auto found, reader_.EdgesBetween(ts.from_type, type, ts.to_type, pairs));
        for (size_t i = 0; i < list.size(); ++i) {
          const std::string& f = pairs[i].from_id;
          const bool held = std::any_of(found[i].begin(), found[i].end(), [&](const json& e) {
            return e.value("to_id", "") == pairs[i].to_id && EdgeKeyOf(ts, f, e) == list[i];
          });
          if (!held) absent.insert(list[i]);
        }
      }
      for (const auto& k : absent) {
        ts.keys.erase(k);
        for (auto it = ts.sample.begin(); it != ts.sample.end(); ++it) {
          if (it->second.key == k) {
            ts.sample.erase(it);
            break;
          }
        }
      }
      ts.out.dead_letters = static_cast<int64_t>(absent.size());
    }
    return Status::OK();
  }

  // The EdgeKey of an edge as REST++ lists it from `from`.
  static std::string EdgeKeyOf(const TypeState& ts, std::string_view from, const json& e) {
    std::string_view f = from;
    const std::string to = e.value("to_id", "");
    std::string_view t = to;
    if (!ts.directed && ts.from_type == ts.to_type && t < f) std::swap(f, t);
    std::vector<std::string> disc;
    const json attrs = e.value("attributes", json::object());
    for (const auto& d : ts.discriminator) disc.push_back(attrs.contains(d) ? attrs[d].dump() : "null");
    return EdgeKey(f, t, disc);
  }

  void ComputeEndpoints() {
    for (const std::string& name : order_) {
      TypeState& ts = types_[name];
      if (!ts.is_edge) continue;
      TypeState& from = types_[ts.from_type];
      TypeState& to = types_[ts.to_type];
      ts.keys.ForEach([&](std::string_view key) {
        const auto [f, t] = EdgeEndpoints(key);
        // Undirected keys may hold their endpoints swapped, which is only done between vertices of one type.
        const bool f_missing = from.keys.count(f) == 0;
        const bool t_missing = to.keys.count(t) == 0;
        if (f_missing) from.endpoint_only.emplace(f);
        if (t_missing) to.endpoint_only.emplace(t);
        if (f_missing || t_missing) {
          ++ts.out.missing_endpoints;
          ts.Example(fmt::format("edge {} -> {}: {} is mapped by no table (TigerGraph creates it)", f, t,
                                 f_missing ? ts.from_type + " " + std::string(f) : ts.to_type + " " + std::string(t)));
        }
      });
    }
  }

  void CompareAttributes(TypeState& ts, const Sample& s, const json& attrs, const std::string& what) {
    for (const auto& [name, wanted] : s.values) {
      const auto type = ts.attribute_types.find(name);
      if (type == ts.attribute_types.end()) continue;
      const auto it = attrs.find(name);
      const bool same = it != attrs.end() && std::any_of(wanted.begin(), wanted.end(), [&](const json& w) {
                          return SameWrittenValue(type->second, *it, w);
                        });
      if (same) continue;
      ++ts.out.attribute_mismatches;
      ts.Example(fmt::format("{}: {} is {} in TigerGraph, the mapping writes {}", what, name,
                             it == attrs.end() ? "absent" : it->dump(), Shown(wanted)));
    }
  }

  Status CheckVertexSample(TypeState& ts) {
    std::vector<std::string> ids;
    for (const auto& [h, s] : ts.sample) ids.push_back(s.id);
    ICEGRAPH_ASSIGN_OR_RAISE(const auto held, reader_.Vertices(ts.out.type, ids));
    for (const auto& [h, s] : ts.sample) {
      ++ts.out.sampled;
      const auto it = held.find(s.id);
      if (it == held.end()) {
        ++ts.out.missing_keys;
        ts.Example(fmt::format("vertex {} {} is missing from TigerGraph", ts.out.type, s.id));
        continue;
      }
      CompareAttributes(ts, s, it->second, fmt::format("vertex {} {}", ts.out.type, s.id));
    }
    return Status::OK();
  }

  Status CheckEdgeSample(TypeState& ts) {
    std::vector<sink::GraphReader::EdgePair> pairs;
    for (const auto& [h, s] : ts.sample) pairs.push_back({s.id, s.to});
    ICEGRAPH_ASSIGN_OR_RAISE(const auto held, reader_.EdgesBetween(ts.from_type, ts.out.type, ts.to_type, pairs));
    size_t i = 0;
    for (const auto& [h, s] : ts.sample) {
      ++ts.out.sampled;
      const json& edges = held[i++];
      const json* found = nullptr;
      for (const json& e : edges) {
        if (e.value("to_id", "") != s.to || e.value("to_type", ts.to_type) != ts.to_type) continue;
        const json attrs = e.value("attributes", json::object());
        bool same = true;
        for (size_t d = 0; d < ts.discriminator.size() && same; ++d) {
          const auto it = attrs.find(ts.discriminator[d]);
          same = it != attrs.end() && SameWrittenValue(ts.attribute_types[ts.discriminator[d]], *it, s.disc[d]);
        }
        if (same) {
          found = &e;
          break;
        }
      }
      std::string what = fmt::format("edge {} {} -> {}", ts.out.type, s.id, s.to);
      for (const json& d : s.disc) what += " " + d.dump();
      if (found == nullptr) {
        ++ts.out.missing_keys;
        ts.Example(what + " is missing from TigerGraph");
        continue;
      }
      CompareAttributes(ts, s, found->value("attributes", json::object()), what);
    }
    return Status::OK();
  }

  const Pipeline& p_;
  state::StateStore& store_;
  sink::TigerGraphClient& client_;
  sink::GraphReader reader_;
  const ValidateOptions& options_;
  KeyArena arena_;  // declared before types_: the key sets point into it
  std::map<std::string, TypeState> types_;
  std::vector<std::string> order_;  // vertex types, then edge types, as the plan lists them
};

}  // namespace

Result<ValidationReport> Validate(const Pipeline& pipeline, state::StateStore& store, sink::TigerGraphClient& client,
                                  const ValidateOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  int64_t run_id = 0;
  if (options.record) {
    ICEGRAPH_ASSIGN_OR_RAISE(run_id, store.BeginRun(pipeline.name(), "validate"));
  }
  log::Info("validate_start", {{"run_id", run_id}, {"sample", options.sample}, {"seed", options.seed}});
  Validator v(pipeline, store, client, options);
  auto report = v.Run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!report.ok()) {
    if (options.record) {
      ICEGRAPH_RETURN_NOT_OK(store.EndRun(run_id, "failed", report.status().ToString(), json::object()));
    }
    log::Error("validate_end", {{"run_id", run_id}, {"error", report.status().ToString()}});
    return report.status();
  }
  report->run_id = run_id;
  report->seconds = seconds;
  std::string mismatched;
  for (const auto& t : report->types) {
    if (!t.ok()) mismatched += (mismatched.empty() ? "" : ", ") + t.type;
  }
  if (options.record) {
    ICEGRAPH_RETURN_NOT_OK(store.EndRun(run_id, report->ok ? "succeeded" : "failed",
                                        report->ok ? "" : "mismatch in " + mismatched, report->ToJson()));
  }
  log::Event(report->ok ? log::Level::kInfo : log::Level::kWarn, "validate_end",
             {{"run_id", run_id}, {"ok", report->ok}, {"seconds", seconds}, {"mismatched", mismatched}});
  return report;
}

}  // namespace icegraph::engine
