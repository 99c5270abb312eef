#include "sink/csv_writer.h"

#include <arrow/util/bit_util.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace icegraph::sink {
namespace {

// One compare per byte: find_first_of would call memchr over the two delimiters for every byte.
bool HasDelimiter(std::string_view s) {
  if (s.size() >= 64) {  // a whole column's bytes: two vectorised scans
    return std::memchr(s.data(), 0x1E, s.size()) != nullptr || std::memchr(s.data(), 0x1F, s.size()) != nullptr;
  }
  for (const char c : s) {
    if (static_cast<unsigned char>(static_cast<unsigned char>(c) - 0x1E) < 2) return true;
  }
  return false;
}

Status CheckAttributes(const std::vector<mapping::AttributeColumn>& attrs, int64_t length,
                       std::vector<ColumnView>* out) {
  for (const mapping::AttributeColumn& a : attrs) {
    if (IsCollection(a.type.kind)) {
      return Status::NotImplemented(fmt::format(
          "attribute '{}' is {}: collections are upserted as JSON, not loaded as CSV", a.name, a.type.ToGsql()));
    }
    if (!a.values || a.values->length() != length) {
      return Status::Invalid(fmt::format("attribute '{}' has a different length than the ids", a.name));
    }
    ICEGRAPH_ASSIGN_OR_RAISE(ColumnView v, MakeColumnView(a.type, a.values.get(), a.name));
    out->push_back(std::move(v));
  }
  return Status::OK();
}

}  // namespace

Result<std::string> LoadStatementFor(const std::string& filename_var, bool is_edge, const std::string& type,
                                     const std::vector<std::string>& schema_attributes,
                                     const std::vector<std::string>& batch_attributes) {
  for (const std::string& b : batch_attributes) {
    if (std::find(schema_attributes.begin(), schema_attributes.end(), b) == schema_attributes.end()) {
      return Status::NotFound(fmt::format("attribute '{}' is not an attribute of {}", b, type));
    }
  }
  const size_t first = is_edge ? 2 : 1;
  std::string values = is_edge ? "$0, $1" : "$0";
  for (const std::string& s : schema_attributes) {
    const auto it = std::find(batch_attributes.begin(), batch_attributes.end(), s);
    values += it == batch_attributes.end()
                  ? std::string(", _")
                  : fmt::format(", ${}", first + static_cast<size_t>(it - batch_attributes.begin()));
  }
  return fmt::format("LOAD {} TO {} {} VALUES ({});", filename_var, is_edge ? "EDGE" : "VERTEX", type, values);
}

Result<std::string> LoadingJobFor(const std::string& graph, const std::string& job, const std::string& filename_var,
                                  bool is_edge, const std::string& type,
                                  const std::vector<std::string>& schema_attributes,
                                  const std::vector<std::string>& batch_attributes) {
  ICEGRAPH_ASSIGN_OR_RAISE(const std::string load,
                           LoadStatementFor(filename_var, is_edge, type, schema_attributes, batch_attributes));
  return fmt::format("CREATE LOADING JOB {} FOR GRAPH {} {{\n  DEFINE FILENAME {};\n  {}\n}}", job, graph, filename_var,
                     load);
}

Result<CsvWriter> CsvWriter::ForVertices(const mapping::VertexBatch& batch) {
  CsvWriter w;
  ICEGRAPH_ASSIGN_OR_RAISE(ColumnView id, MakeIdView(batch.ids.get(), "id"));
  w.keys_.push_back(std::move(id));
  ICEGRAPH_RETURN_NOT_OK(CheckAttributes(batch.attributes, batch.length(), &w.attrs_));
  w.may_need_json_ = w.AnyMayNeedJson();
  w.ResolveRaw();
  return w;
}

Result<CsvWriter> CsvWriter::ForEdges(const mapping::EdgeBatch& batch) {
  CsvWriter w;
  ICEGRAPH_ASSIGN_OR_RAISE(ColumnView from, MakeIdView(batch.from_ids.get(), "from id"));
  ICEGRAPH_ASSIGN_OR_RAISE(ColumnView to, MakeIdView(batch.to_ids.get(), "to id"));
  if (batch.to_ids->length() != batch.length()) return Status::Invalid("from and to ids differ in length");
  w.keys_.push_back(std::move(from));
  w.keys_.push_back(std::move(to));
  ICEGRAPH_RETURN_NOT_OK(CheckAttributes(batch.attributes, batch.length(), &w.attrs_));
  w.may_need_json_ = w.AnyMayNeedJson();
  w.ResolveRaw();
  return w;
}

namespace {

// True when a string column may hold a delimiter byte in any row (one pass over its value bytes), or, for an
// attribute (`attribute`), a null or an empty value.
bool StringColumnMayNeedJson(const arrow::Array* array, bool attribute) {
  const auto* s = static_cast<const arrow::StringArray*>(array);
  if (s->length() == 0) return false;
  if (attribute && s->null_count() != 0) return true;
  const int32_t begin = s->value_offset(0);
  const int32_t end = s->value_offset(s->length());
  if (end > begin && HasDelimiter(std::string_view(reinterpret_cast<const char*>(s->value_data()->data()) + begin,
                                                   static_cast<size_t>(end - begin)))) {
    return true;
  }
  if (attribute) {
    for (int64_t r = 0; r < s->length(); ++r) {
      if (s->value_length(r) == 0) return true;
    }
  }
  return false;
}

}  // namespace

bool CsvWriter::AnyMayNeedJson() const {
  for (const ColumnView& k : keys_) {
    if (StringColumnMayNeedJson(k.array, false)) return true;
  }
  for (const ColumnView& c : attrs_) {
    if (c.kind == mapping::TgKind::kString && StringColumnMayNeedJson(c.array, true)) return true;
  }
  return false;
}

bool CsvWriter::NeedsJson(int64_t row) const {
  if (!may_need_json_) return false;
  for (const ColumnView& k : keys_) {
    if (HasDelimiter(k.StringAt(row))) return true;
  }
  for (const ColumnView& c : attrs_) {
    if (c.kind != mapping::TgKind::kString) continue;
    if (c.IsNull(row)) return true;
    const std::string_view s = c.StringAt(row);
    if (s.empty() || HasDelimiter(s)) return true;
  }
  return false;
}

void CsvWriter::ResolveRaw() {
  fixed_bound_ = keys_.size() + attrs_.size();  // a separator or the EOL after each cell
  const auto resolve = [this](const ColumnView& v) {
    RawColumn c;
    c.kind = v.kind;
    c.array = v.array;
    if (v.array->null_count() != 0) {
      c.validity = v.array->null_bitmap_data();
      c.offset = v.array->offset();
    }
    const arrow::ArrayData& d = *v.array->data();
    using mapping::TgKind;
    switch (v.kind) {
      case TgKind::kString:
        c.values = d.GetValues<int32_t>(1);
        c.data = d.buffers[2] == nullptr ? nullptr : d.buffers[2]->data();
        c.data_size = d.buffers[2] == nullptr ? 0 : d.buffers[2]->size();
        break;
      case TgKind::kInt:
      case TgKind::kUint:
      case TgKind::kDatetime:
        c.values = d.GetValues<int64_t>(1);
        fixed_bound_ += v.kind == TgKind::kDatetime ? kMaxDatetimeChars : 20;
        break;
      case TgKind::kDouble:
        c.values = d.GetValues<double>(1);
        fixed_bound_ += kMaxDoubleChars;
        break;
      case TgKind::kFloat:
        c.values = d.GetValues<float>(1);
        fixed_bound_ += 16;
        break;
      case TgKind::kBool: fixed_bound_ += 5; break;
      case TgKind::kList:
      case TgKind::kSet:
      case TgKind::kMap: break;  // refused by CheckAttributes
    }
    raw_.push_back(c);
  };
  for (const ColumnView& k : keys_) resolve(k);
  for (const ColumnView& a : attrs_) resolve(a);
}

size_t CsvWriter::LineBound(int64_t row) const {
  size_t bound = fixed_bound_;
  for (const RawColumn& c : raw_) {
    if (c.kind == mapping::TgKind::kString) {
      const auto* offsets = static_cast<const int32_t*>(c.values);
      bound += static_cast<size_t>(offsets[row + 1] - offsets[row]);
    }
  }
  return bound;
}

char* CsvWriter::WriteLine(int64_t row, char* p) const {
  using mapping::TgKind;
  for (size_t i = 0; i < raw_.size(); ++i) {
    const RawColumn& c = raw_[i];
    if (i > 0) *p++ = kCsvSeparator;
    // A null attribute is an empty token: TigerGraph's loader leaves the value unchanged (ids are never null here).
    if (c.validity != nullptr && !arrow::bit_util::GetBit(c.validity, c.offset + row)) continue;
    switch (c.kind) {
      case TgKind::kString: {
        const auto* offsets = static_cast<const int32_t*>(c.values);
        const int32_t start = offsets[row];
        const auto length = static_cast<size_t>(offsets[row + 1] - start);
        // Ids and codes are short: one fixed 16-byte move (the line has kLineSlack to spare) instead of a call.
        if (length <= 16 && start + 16 <= c.data_size) {
          std::memcpy(p, c.data + start, 16);
        } else if (length > 0) {
          std::memcpy(p, c.data + start, length);
        }
        p += length;
        break;
      }
      case TgKind::kInt: p = std::to_chars(p, p + 20, static_cast<const int64_t*>(c.values)[row]).ptr; break;
      case TgKind::kUint: p = std::to_chars(p, p + 20, static_cast<const uint64_t*>(c.values)[row]).ptr; break;
      case TgKind::kDatetime: p = WriteDatetime(static_cast<const int64_t*>(c.values)[row], p); break;
      case TgKind::kDouble: {
        const double v = static_cast<const double*>(c.values)[row];
        if (std::isfinite(v)) p = WriteDouble(v, p);  // NaN and infinities: an empty token
        break;
      }
      case TgKind::kFloat: {
        const float v = static_cast<const float*>(c.values)[row];
        if (std::isfinite(v)) p = std::to_chars(p, p + 16, v).ptr;
        break;
      }
      case TgKind::kBool: {
        const bool v = static_cast<const arrow::BooleanArray*>(c.array)->Value(row);
        std::memcpy(p, v ? "true" : "false", v ? 4 : 5);
        p += v ? 4 : 5;
        break;
      }
      case TgKind::kList:
      case TgKind::kSet:
      case TgKind::kMap: break;
    }
  }
  *p++ = kCsvEol;
  return p;
}

void CsvWriter::AppendRow(int64_t row, std::string* out) const {
  // Most lines fit a stack buffer and reach `out` in one append; a longer one is written in place after a resize.
  char line[2048];
  const size_t bound = LineBound(row) + kLineSlack;
  if (bound <= sizeof(line)) {
    const char* end = WriteLine(row, line);
    out->append(line, static_cast<size_t>(end - line));
    return;
  }
  const size_t start = out->size();
  out->resize(start + bound);
  const char* end = WriteLine(row, out->data() + start);
  out->resize(static_cast<size_t>(end - out->data()));
}

void CsvWriter::AppendRows(std::span<const int64_t> rows, std::string* out) const {
  // Size the body once from a sample of rows: growing a multi-megabyte string by doubling copies it and touches
  // fresh pages again and again.
  constexpr size_t kSample = 64;
  const size_t start = out->size();
  const size_t sample = std::min(rows.size(), kSample);
  for (size_t i = 0; i < sample; ++i) AppendRow(rows[i], out);
  if (sample < rows.size()) {
    const size_t per_row = (out->size() - start) / std::max<size_t>(sample, 1) + 1;
    out->reserve(out->size() + (rows.size() - sample) * per_row * 9 / 8);
    for (size_t i = sample; i < rows.size(); ++i) AppendRow(rows[i], out);
  }
}

void CsvWriter::AppendRange(int64_t begin, int64_t end, std::string* out) const {
  for (int64_t r = begin; r < end; ++r) AppendRow(r, out);
}

}  // namespace icegraph::sink
