// What validate compares and reports: whether a value TigerGraph returns is the value the sink wrote (by type, as
// TigerGraph renders each), and the report's JSON and table forms; validate.cc does the reading and sampling.
#include <fmt/format.h>

#include <cmath>
#include <string>

#include "engine/validate.h"

namespace icegraph::engine {
namespace {

using json = nlohmann::json;
using mapping::TgKind;
using mapping::TgType;

bool SameScalar(TgKind kind, const json& tg, const json& want) {
  switch (kind) {
    case TgKind::kFloat:
    case TgKind::kDouble: {
      if (!tg.is_number() || !want.is_number()) return false;
      const double a = tg.get<double>();
      const double b = want.get<double>();
      // TigerGraph prints FLOAT with 7 significant digits and DOUBLE with up to 16 (the sink sends the shortest
      // text that reads back exactly), and integral values without a fraction.
      const double tolerance = kind == TgKind::kFloat ? 1e-6 : 1e-14;
      return a == b || std::fabs(a - b) <= tolerance * std::max(std::fabs(a), std::fabs(b));
    }
    case TgKind::kInt:
    case TgKind::kUint:
      if (tg.is_number_integer() && want.is_number_integer()) return tg == want;  // signed/unsigned compare by value
      return tg.is_number() && want.is_number() && tg.get<double>() == want.get<double>();
    case TgKind::kBool: return tg.is_boolean() && tg == want;
    default: return tg.is_string() && tg == want;  // STRING, DATETIME ("YYYY-MM-DD hh:mm:ss" both ways)
  }
}

// A MAP key as TigerGraph names it in a JSON object.
std::string MapKeyText(const json& k) { return k.is_string() ? k.get<std::string>() : k.dump(); }

// Whether TigerGraph's value `tg` is the value the sink wrote as `want` (AppendJsonValue's JSON).
bool SameValue(const TgType& type, const json& tg, const json& want) {
  switch (type.kind) {
    case TgKind::kList: {
      if (!tg.is_array() || !want.is_array() || tg.size() != want.size()) return false;
      for (size_t i = 0; i < tg.size(); ++i) {
        if (!SameScalar(type.elem, tg[i], want[i])) return false;
      }
      return true;
    }
    case TgKind::kSet: {
      // A SET keeps one of each value, in no particular order.
      if (!tg.is_array() || !want.is_array()) return false;
      std::vector<json> distinct;
      for (const json& w : want) {
        if (std::none_of(distinct.begin(), distinct.end(), [&](const json& d) { return SameScalar(type.elem, d, w); }))
          distinct.push_back(w);
      }
      if (distinct.size() != tg.size()) return false;
      std::vector<bool> used(tg.size(), false);
      for (const json& w : distinct) {
        bool found = false;
        for (size_t i = 0; i < tg.size() && !found; ++i) {
          if (!used[i] && SameScalar(type.elem, tg[i], w)) used[i] = found = true;
        }
        if (!found) return false;
      }
      return true;
    }
    case TgKind::kMap: {
      // Sent as {"keylist": [...], "valuelist": [...]}, read back as {"key": value}; a repeated key keeps the last.
      if (!tg.is_object() || !want.is_object()) return false;
      const json keys = want.value("keylist", json::array());
      const json values = want.value("valuelist", json::array());
      std::map<std::string, json> expected;
      for (size_t i = 0; i < keys.size() && i < values.size(); ++i) expected[MapKeyText(keys[i])] = values[i];
      if (expected.size() != tg.size()) return false;
      for (const auto& [k, v] : expected) {
        const auto it = tg.find(k);
        if (it == tg.end() || !SameScalar(type.value, *it, v)) return false;
      }
      return true;
    }
    default: return SameScalar(type.kind, tg, want);
  }
}

}  // namespace

bool SameWrittenValue(const mapping::TgType& type, const nlohmann::json& tigergraph, const nlohmann::json& written) {
  return SameValue(type, tigergraph, written);
}

bool TypeValidation::ok() const { return expected == actual && attribute_mismatches == 0 && missing_keys == 0; }

nlohmann::json ValidationReport::ToJson() const {
  json j = {{"run_id", run_id}, {"ok", ok}, {"seconds", seconds}, {"notes", notes}, {"types", json::array()}};
  for (const auto& t : types) {
    json tj = {{"type", t.type},
               {"kind", t.is_edge ? "edge" : "vertex"},
               {"expected", t.expected},
               {"actual", t.actual},
               {"dead_letters", t.dead_letters},
               {"sampled", t.sampled},
               {"attribute_mismatches", t.attribute_mismatches},
               {"missing_keys", t.missing_keys},
               {"ok", t.ok()},
               {"examples", t.examples}};
    if (t.is_edge) {
      tj["missing_endpoints"] = t.missing_endpoints;
    } else {
      tj["endpoint_vertices"] = t.endpoint_vertices;
    }
    j["types"].push_back(std::move(tj));
  }
  return j;
}

std::string ValidationReport::ToTable() const {
  std::string out =
      fmt::format("{:<24} {:<7} {:>10} {:>10} {:>12} {:>8} {:>10} {:>8} {:>10}  {}\n", "type", "kind", "expected",
                  "actual", "dead letters", "sampled", "mismatches", "missing", "endpoints", "status");
  for (const auto& t : types) {
    out += fmt::format("{:<24} {:<7} {:>10} {:>10} {:>12} {:>8} {:>10} {:>8} {:>10}  {}\n", t.type,
                       t.is_edge ? "edge" : "vertex", t.expected, t.actual, t.dead_letters, t.sampled,
                       t.attribute_mismatches, t.missing_keys, t.is_edge ? std::to_string(t.missing_endpoints) : "-",
                       t.ok() ? "OK" : "MISMATCH");
  }
  out += "\n(missing: sampled keys TigerGraph lacks; endpoints: edges to vertices no table maps)\n";
  for (const auto& n : notes) out += "note: " + n + "\n";
  for (const auto& t : types) {
    for (const auto& e : t.examples) out += fmt::format("{}: {}\n", t.type, e);
  }
  out += fmt::format("\n{} in {:.2f} s\n", ok ? "graph matches the tables at their checkpoints" : "MISMATCH", seconds);
  return out;
}

}  // namespace icegraph::engine
