#include "sink/json_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

namespace icegraph::sink {
namespace {

Status AddAttributes(const std::vector<mapping::AttributeColumn>& attrs, int64_t length, std::vector<ColumnView>* views,
                     std::vector<std::string>* names) {
  for (const mapping::AttributeColumn& a : attrs) {
    if (!a.values || a.values->length() != length) {
      return Status::Invalid(fmt::format("attribute '{}' has a different length than the ids", a.name));
    }
    ICEGRAPH_ASSIGN_OR_RAISE(ColumnView v, MakeColumnView(a.type, a.values.get(), a.name));
    views->push_back(std::move(v));
    names->push_back(a.name);
  }
  return Status::OK();
}

struct PairHash {
  size_t operator()(const std::pair<std::string_view, std::string_view>& p) const {
    const size_t h = std::hash<std::string_view>()(p.first);
    return h ^ (std::hash<std::string_view>()(p.second) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
};

}  // namespace

Result<JsonWriter> JsonWriter::ForVertices(const mapping::VertexBatch& batch) {
  JsonWriter w;
  w.type_ = batch.type;
  ICEGRAPH_ASSIGN_OR_RAISE(ColumnView id, MakeIdView(batch.ids.get(), "id"));
  w.keys_.push_back(std::move(id));
  ICEGRAPH_RETURN_NOT_OK(AddAttributes(batch.attributes, batch.length(), &w.attrs_, &w.names_));
  return w;
}

Result<JsonWriter> JsonWriter::ForEdges(const mapping::EdgeBatch& batch) {
  JsonWriter w;
  w.is_edge_ = true;
  w.type_ = batch.type;
  w.from_type_ = batch.from_type;
  w.to_type_ = batch.to_type;
  ICEGRAPH_ASSIGN_OR_RAISE(ColumnView from, MakeIdView(batch.from_ids.get(), "from id"));
  ICEGRAPH_ASSIGN_OR_RAISE(ColumnView to, MakeIdView(batch.to_ids.get(), "to id"));
  if (batch.to_ids->length() != batch.length()) return Status::Invalid("from and to ids differ in length");
  w.keys_.push_back(std::move(from));
  w.keys_.push_back(std::move(to));
  ICEGRAPH_RETURN_NOT_OK(AddAttributes(batch.attributes, batch.length(), &w.attrs_, &w.names_));
  return w;
}

std::vector<std::vector<int64_t>> JsonWriter::SplitDuplicates(std::span<const int64_t> rows) const {
  std::vector<std::vector<int64_t>> groups(1);
  groups[0].reserve(rows.size());
  std::unordered_map<std::pair<std::string_view, std::string_view>, uint32_t, PairHash> seen;
  seen.reserve(rows.size());
  for (const int64_t r : rows) {
    const std::string_view second = is_edge_ ? keys_[1].StringAt(r) : std::string_view();
    const uint32_t k = seen[{keys_[0].StringAt(r), second}]++;
    if (k >= groups.size()) groups.emplace_back();
    groups[k].push_back(r);
  }
  if (groups[0].empty()) groups.clear();
  return groups;
}

void JsonWriter::AppendAttrs(int64_t row, std::string* out) const {
  out->push_back('{');
  bool first = true;
  for (size_t c = 0; c < attrs_.size(); ++c) {
    if (!HasValue(attrs_[c], row)) continue;  // null: leave the attribute out
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(names_[c], out);
    out->append(":{\"value\":");
    AppendJsonValue(attrs_[c], row, out);
    out->push_back('}');
  }
  out->push_back('}');
}

void JsonWriter::AppendBody(std::span<const int64_t> rows, std::string* out) const {
  if (!is_edge_) {
    out->append("{\"vertices\":{");
    AppendJsonString(type_, out);
    out->append(":{");
    bool first = true;
    for (const int64_t r : rows) {
      if (!first) out->push_back(',');
      first = false;
      AppendJsonString(keys_[0].StringAt(r), out);
      out->push_back(':');
      AppendAttrs(r, out);
    }
    out->append("}}}");
    return;
  }
  // Edges nest under their source id, so rows of one source must be adjacent.
  std::vector<int64_t> sorted(rows.begin(), rows.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [this](int64_t a, int64_t b) { return keys_[0].StringAt(a) < keys_[0].StringAt(b); });
  out->append("{\"edges\":{");
  AppendJsonString(from_type_, out);
  out->append(":{");
  for (size_t i = 0; i < sorted.size();) {
    const std::string_view from = keys_[0].StringAt(sorted[i]);
    if (i > 0) out->push_back(',');
    AppendJsonString(from, out);
    out->append(":{");
    AppendJsonString(type_, out);
    out->append(":{");
    AppendJsonString(to_type_, out);
    out->append(":{");
    bool first = true;
    for (; i < sorted.size() && keys_[0].StringAt(sorted[i]) == from; ++i) {
      if (!first) out->push_back(',');
      first = false;
      AppendJsonString(keys_[1].StringAt(sorted[i]), out);
      out->push_back(':');
      AppendAttrs(sorted[i], out);
    }
    out->append("}}}");
  }
  out->append("}}}");
}

int64_t JsonWriter::EstimateRowBytes(int64_t row) const {
  int64_t n = 16;
  for (const ColumnView& k : keys_) n += static_cast<int64_t>(k.StringAt(row).size()) + 8;
  for (size_t c = 0; c < attrs_.size(); ++c) {
    n += static_cast<int64_t>(names_[c].size()) + 16;
    if (attrs_[c].kind == mapping::TgKind::kString && !attrs_[c].IsNull(row)) {
      n += static_cast<int64_t>(attrs_[c].StringAt(row).size());
    } else if (IsCollection(attrs_[c].kind) && !attrs_[c].IsNull(row)) {
      const auto* list = static_cast<const arrow::BaseListArray<arrow::ListType>*>(attrs_[c].array);
      n += 24 * static_cast<int64_t>(list->value_length(row));
    } else {
      n += 20;
    }
  }
  return n;
}

std::string JsonWriter::RowJson(int64_t row) const {
  std::string out = "{";
  if (is_edge_) {
    out += "\"from\":";
    AppendJsonString(keys_[0].StringAt(row), &out);
    out += ",\"to\":";
    AppendJsonString(keys_[1].StringAt(row), &out);
  } else {
    out += "\"id\":";
    AppendJsonString(keys_[0].StringAt(row), &out);
  }
  for (size_t c = 0; c < attrs_.size(); ++c) {
    out.push_back(',');
    AppendJsonString(names_[c], &out);
    out.push_back(':');
    if (HasValue(attrs_[c], row)) {
      AppendJsonValue(attrs_[c], row, &out);
    } else {
      out += "null";
    }
  }
  out.push_back('}');
  return out;
}

std::string JsonWriter::RowKey(int64_t row) const {
  if (!is_edge_) return std::string(keys_[0].StringAt(row));
  return fmt::format("{}->{}", keys_[0].StringAt(row), keys_[1].StringAt(row));
}

}  // namespace icegraph::sink
