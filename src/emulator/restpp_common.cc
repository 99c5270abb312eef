#include "emulator/restpp_common.h"

#include <fmt/format.h>

#include <charconv>

namespace icegraph::emulator {

Reply ErrorReply(int status, const std::string& message, const std::string& code) {
  Reply r;
  r.status = status;
  r.error = true;
  r.body = {{"message", message}, {"code", code}};
  return r;
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX and '+' decoding; a malformed escape stays as written, as lenient servers keep it.
std::string DecodeComponent(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 && HexDigit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Params ParseQuery(std::string_view query) {
  Params out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      out.emplace(DecodeComponent(part), "");
    } else {
      out.emplace(DecodeComponent(part.substr(0, eq)), DecodeComponent(part.substr(eq + 1)));
    }
  }
  return out;
}

std::string Param(const Params& p, const std::string& key, const std::string& fallback) {
  const auto it = p.find(key);
  return it == p.end() ? fallback : it->second;
}

Result<int64_t> Limit(const Params& params) {
  const std::string text = Param(params, "limit");
  if (text.empty()) return int64_t{-1};
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 0) {
    return Status::Invalid("limit must be a non-negative integer, got '" + text + "'");
  }
  return v;
}

bool ParamTrue(const Params& p, const std::string& key) {
  const std::string v = Param(p, key);
  return v == "true" || v == "1" || v == "True";
}

const Graph* FindGraphOr(const Database& db, const std::string& graph, Reply* error) {
  const Graph* g = db.catalog.FindGraph(graph);
  if (g == nullptr)
    *error =
        ErrorReply(400, fmt::format("Graph name {} cannot be found. Please check the graph name.", graph), "REST-1004");
  return g;
}

const VertexType* FindVertexOr(const Database& db, const Graph& g, const std::string& type, Reply* error) {
  const VertexType* v = db.catalog.GraphHasVertex(g, type) ? db.catalog.FindVertex(type) : nullptr;
  if (v == nullptr) {
    *error = ErrorReply(400, fmt::format("Vertex type '{}' is not a valid vertex type in graph {}.", type, g.name),
                        "REST-30000");
  }
  return v;
}

const EdgeType* FindEdgeOr(const Database& db, const Graph& g, const std::string& type, Reply* error) {
  const EdgeType* e = db.catalog.GraphHasEdge(g, type) ? db.catalog.FindEdge(type) : nullptr;
  if (e == nullptr) {
    *error = ErrorReply(400, fmt::format("Edge type '{}' is not a valid edge type in graph {}.", type, g.name),
                        "REST-30000");
  }
  return e;
}

Result<std::vector<FilterTerm>> ParseFilter(const std::vector<Attribute>& attrs, const std::string& text) {
  std::vector<FilterTerm> out;
  size_t pos = 0;
  while (pos < text.size()) {
    // Split on commas outside double quotes.
    size_t end = pos;
    bool quoted = false;
    while (end < text.size() && (quoted || text[end] != ',')) {
      if (text[end] == '"') quoted = !quoted;
      ++end;
    }
    const std::string term = text.substr(pos, end - pos);
    pos = end + 1;
    const size_t op_at = term.find_first_of("=!<>");
    if (op_at == std::string::npos || op_at == 0) return Status::Invalid("invalid filter term '" + term + "'");
    size_t op_end = op_at + 1;
    if (op_end < term.size() && term[op_end] == '=') ++op_end;
    FilterTerm f;
    f.op = term.substr(op_at, op_end - op_at);
    if (f.op == "!") return Status::Invalid("invalid filter term '" + term + "'");
    const std::string name = term.substr(0, op_at);
    std::string value = term.substr(op_end);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    for (size_t i = 0; i < attrs.size(); ++i) {
      if (attrs[i].name == name) f.attr = static_cast<int>(i);
    }
    if (f.attr < 0) return Status::NotFound("unknown attribute '" + name + "' in filter");
    auto v = ValueFromToken(attrs[static_cast<size_t>(f.attr)].type, value);
    if (!v.ok()) return v.status().WithContext("filter on '" + name + "'");
    f.value = std::move(v).ValueOrDie();
    out.push_back(std::move(f));
  }
  return out;
}

bool OpHolds(const std::string& op, int c) {
  if (op == "=" || op == "==") return c == 0;
  if (op == "!=") return c != 0;
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  if (op == ">=") return c >= 0;
  return false;
}

bool Matches(const std::vector<Attribute>& attrs, const Attrs& values, const std::vector<FilterTerm>& filter) {
  for (const FilterTerm& f : filter) {
    const size_t i = static_cast<size_t>(f.attr);
    const int c = CompareValues(attrs[i].type, values[i], f.value);
    if (!OpHolds(f.op, c)) return false;
  }
  return true;
}

nlohmann::json AttributesJson(const std::vector<Attribute>& attrs, const Attrs& values, const std::string& select) {
  nlohmann::json out = nlohmann::json::object();
  for (size_t i = 0; i < attrs.size(); ++i) {
    if (!select.empty() && ("," + select + ",").find("," + attrs[i].name + ",") == std::string::npos) continue;
    out[attrs[i].name] = ValueToJson(attrs[i].type, values[i]);
  }
  return out;
}

nlohmann::json VertexAttributesJson(const VertexType& vt, const std::string& id, const Attrs& values,
                                    const std::string& select) {
  nlohmann::json out = AttributesJson(vt.attributes, values, select);
  if (vt.primary_id_as_attribute && vt.composite_key.empty() &&
      (select.empty() || ("," + select + ",").find("," + vt.primary_id_name + ",") != std::string::npos)) {
    auto v = ValueFromToken(vt.primary_id_type, id);
    out[vt.primary_id_name] = v.ok() ? ValueToJson(vt.primary_id_type, *v) : nlohmann::json(id);
  }
  return out;
}

}  // namespace icegraph::emulator
