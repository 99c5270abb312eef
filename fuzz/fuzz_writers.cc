// Fuzz target: the sink's CSV and JSON writers. The input bytes decode into a vertex or edge batch (ids with
// duplicates, attribute columns of every canonical kind, cells with separators, quotes, newlines, 0x1E/0x1F, invalid
// UTF-8, extreme and non-finite numbers, nulls); the writers' output is then checked against an oracle written here
// from the documented formats (csv_writer.h, json_writer.h, value_format.h), not from the writers' code.
#include <arrow/api.h>
#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_targets.h"
#include "mapping/graph_batch.h"
#include "mapping/type_matrix.h"
#include "sink/csv_writer.h"
#include "sink/json_writer.h"

namespace icegraph::fuzz {
namespace {

using json = nlohmann::json;
using mapping::TgKind;
using mapping::TgType;

// ---- decoding the input ------------------------------------------------------------------------------------------

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t U8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | U8();
    return v;
  }
  // Low byte values stand for the characters that break delimited text and JSON, so short inputs reach them.
  std::string Str() {
    static constexpr char kSpecial[] = {'\x1e', '\x1f', ',', '"',    '\\',   '\n',   '\r',   '\t',
                                        '\0',   '\'',   ' ', '\x7f', '\xff', '\xc3', '\xa9', '\xed'};
    const size_t n = U8() % 24;
    std::string s;
    for (size_t i = 0; i < n; ++i) {
      const uint8_t b = U8();
      s.push_back(b < sizeof(kSpecial) ? kSpecial[b] : static_cast<char>(b));
    }
    return s;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// One cell of a scalar kind; `null` when the slot is null.
struct Scalar {
  bool null = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  float f = 0;
  bool b = false;
  std::string s;
};

struct Cell {
  bool null = false;
  Scalar scalar;              // scalar kinds
  std::vector<Scalar> elems;  // LIST/SET elements, MAP values
  std::vector<Scalar> keys;   // MAP keys
};

struct Column {
  std::string name;
  TgType type;
  std::vector<Cell> cells;
};

constexpr TgKind kScalarKinds[] = {TgKind::kInt,  TgKind::kUint,   TgKind::kFloat,   TgKind::kDouble,
                                   TgKind::kBool, TgKind::kString, TgKind::kDatetime};

double SpecialOrRawDouble(Bytes& in) {
  const uint8_t sel = in.U8();
  constexpr double kSpecial[] = {std::numeric_limits<double>::quiet_NaN(),
                                 std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity(),
                                 -0.0,
                                 std::numeric_limits<double>::denorm_min(),
                                 std::numeric_limits<double>::max(),
                                 std::numeric_limits<double>::lowest(),
                                 0.1,
                                 1e16,
                                 123456789012345680000.0};
  if (sel < std::size(kSpecial)) return kSpecial[sel];
  const uint64_t bits = in.U64();
  double d = 0;
  std::memcpy(&d, &bits, sizeof(d));
  return d;
}

Scalar MakeScalar(TgKind kind, Bytes& in) {
  Scalar v;
  v.null = in.U8() % 5 == 0;
  switch (kind) {
    case TgKind::kInt: v.i = static_cast<int64_t>(in.U64()); break;
    case TgKind::kUint: v.u = in.U64(); break;
    case TgKind::kFloat: {
      const uint8_t sel = in.U8();
      if (sel < 10) {
        v.f = static_cast<float>(SpecialOrRawDouble(in));
      } else {
        const auto bits = static_cast<uint32_t>(in.U64());
        std::memcpy(&v.f, &bits, sizeof(v.f));
      }
      break;
    }
    case TgKind::kDouble: v.d = SpecialOrRawDouble(in); break;
    case TgKind::kBool: v.b = (in.U8() & 1) != 0; break;
    case TgKind::kString: v.s = in.Str(); break;
    case TgKind::kDatetime: {
      // The batch contract: DATETIME is already inside TigerGraph's range (the mapping stage refuses the rest).
      constexpr uint64_t kSpan = mapping::kTgMaxDatetime - mapping::kTgMinDatetime + 1;
      v.i = mapping::kTgMinDatetime + static_cast<int64_t>(in.U64() % kSpan);
      break;
    }
    default: break;
  }
  return v;
}

arrow::Status AppendScalar(arrow::ArrayBuilder* b, TgKind kind, const Scalar& v) {
  if (v.null) return b->AppendNull();
  switch (kind) {
    case TgKind::kInt: return static_cast<arrow::Int64Builder*>(b)->Append(v.i);
    case TgKind::kUint: return static_cast<arrow::UInt64Builder*>(b)->Append(v.u);
    case TgKind::kFloat: return static_cast<arrow::FloatBuilder*>(b)->Append(v.f);
    case TgKind::kDouble: return static_cast<arrow::DoubleBuilder*>(b)->Append(v.d);
    case TgKind::kBool: return static_cast<arrow::BooleanBuilder*>(b)->Append(v.b);
    case TgKind::kString: return static_cast<arrow::StringBuilder*>(b)->Append(v.s);
    case TgKind::kDatetime: return static_cast<arrow::TimestampBuilder*>(b)->Append(v.i);
    default: return arrow::Status::Invalid("not a scalar kind");
  }
}

std::shared_ptr<arrow::Array> BuildColumn(const Column& col) {
  std::unique_ptr<arrow::ArrayBuilder> builder;
  Check(arrow::MakeBuilder(arrow::default_memory_pool(), mapping::CanonicalArrowType(col.type), &builder).ok(),
        "MakeBuilder");
  for (const Cell& c : col.cells) {
    arrow::Status st;
    if (c.null) {
      st = builder->AppendNull();
    } else if (col.type.kind == TgKind::kList || col.type.kind == TgKind::kSet) {
      auto* b = static_cast<arrow::ListBuilder*>(builder.get());
      st = b->Append();
      for (const Scalar& e : c.elems) st &= AppendScalar(b->value_builder(), col.type.elem, e);
    } else if (col.type.kind == TgKind::kMap) {
      auto* b = static_cast<arrow::MapBuilder*>(builder.get());
      st = b->Append();
      for (size_t i = 0; i < c.keys.size(); ++i) {
        st &= AppendScalar(b->key_builder(), col.type.key, c.keys[i]);
        st &= AppendScalar(b->item_builder(), col.type.value, c.elems[i]);
      }
    } else {
      st = AppendScalar(builder.get(), col.type.kind, c.scalar);
    }
    Check(st.ok(), "appending a cell");
  }
  std::shared_ptr<arrow::Array> out;
  Check(builder->Finish(&out).ok(), "finishing a column");
  return out;
}

// ---- the oracle ----------------------------------------------------------------------------------------------

// RFC 3629 UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF), as nlohmann's parser demands.
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto t = static_cast<unsigned char>(s[i + k]);
      const unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
      if (t < l || t > h) return false;
    }
    i += n + 1;
  }
  return true;
}

bool HasDelimiter(std::string_view s) { return s.find_first_of("\x1e\x1f") != std::string_view::npos; }

// What the writers leave out: nulls, and NaN/inf (TigerGraph has none).
bool Present(TgKind kind, const Scalar& v) {
  if (v.null) return false;
  if (kind == TgKind::kDouble) return std::isfinite(v.d);
  if (kind == TgKind::kFloat) return std::isfinite(v.f);
  return true;
}

std::string DatetimeText(int64_t t) {
  using namespace std::chrono;
  const sys_seconds tp{seconds{t}};
  const sys_days day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{tp - day};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

template <typename T>
bool SameFloating(T a, T b) {
  return (a == 0 && b == 0) || std::memcmp(&a, &b, sizeof(T)) == 0;  // -0 and 0 both read back as zero
}

template <typename T>
bool ReadsBack(std::string_view text, T want) {
  T got{};
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), got);
  return ec == std::errc() && p == text.data() + text.size() && got == want;
}

// One CSV token: the scalar's text exactly as TigerGraph's loader reads it back.
bool CsvFieldOk(TgKind kind, const Scalar& v, std::string_view field) {
  if (!Present(kind, v)) return field.empty();
  switch (kind) {
    case TgKind::kInt: return ReadsBack(field, v.i) && field.find('+') == std::string_view::npos;
    case TgKind::kUint: return ReadsBack(field, v.u) && field.front() != '-';
    case TgKind::kFloat: {
      float got = 0;
      const auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), got);
      return ec == std::errc() && p == field.data() + field.size() && SameFloating(got, v.f);
    }
    case TgKind::kDouble: {
      double got = 0;
      const auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), got);
      return ec == std::errc() && p == field.data() + field.size() && SameFloating(got, v.d);
    }
    case TgKind::kBool: return field == (v.b ? "true" : "false");
    case TgKind::kString: return field == v.s;
    case TgKind::kDatetime: return field == DatetimeText(v.i);
    default: return false;
  }
}

bool JsonScalarOk(TgKind kind, const Scalar& v, const json& j) {
  switch (kind) {
    case TgKind::kInt:
      return j.is_number_integer() && !j.is_number_float() && j.get<int64_t>() == v.i &&
             (v.i < 0 || j.is_number_unsigned());
    case TgKind::kUint: return j.is_number_unsigned() && j.get<uint64_t>() == v.u;
    case TgKind::kFloat: return j.is_number() && SameFloating(static_cast<float>(j.get<double>()), v.f);
    case TgKind::kDouble: return j.is_number() && SameFloating(j.get<double>(), v.d);
    case TgKind::kBool: return j.is_boolean() && j.get<bool>() == v.b;
    case TgKind::kString: return j.is_string() && j.get_ref<const std::string&>() == v.s;
    case TgKind::kDatetime: return j.is_string() && j.get_ref<const std::string&>() == DatetimeText(v.i);
    default: return false;
  }
}

bool CellPresent(const Column& col, size_t row) {
  const Cell& c = col.cells[row];
  if (c.null) return false;
  if (sink::IsCollection(col.type.kind)) return true;  // an empty list is still written
  return Present(col.type.kind, c.scalar);
}

bool JsonCellOk(const Column& col, size_t row, const json& j) {
  const Cell& c = col.cells[row];
  if (col.type.kind == TgKind::kList || col.type.kind == TgKind::kSet) {
    if (!j.is_array()) return false;
    size_t k = 0;
    for (const Scalar& e : c.elems) {
      if (!Present(col.type.elem, e)) continue;  // collections hold no nulls
      if (k >= j.size() || !JsonScalarOk(col.type.elem, e, j[k])) return false;
      ++k;
    }
    return k == j.size();
  }
  if (col.type.kind == TgKind::kMap) {
    if (!j.is_object() || j.size() != 2 || !j.contains("keylist") || !j.contains("valuelist")) return false;
    const json& keys = j["keylist"];
    const json& vals = j["valuelist"];
    if (!keys.is_array() || !vals.is_array()) return false;
    size_t k = 0;
    for (size_t i = 0; i < c.keys.size(); ++i) {
      if (!Present(col.type.key, c.keys[i]) || !Present(col.type.value, c.elems[i])) continue;
      if (k >= keys.size() || k >= vals.size()) return false;
      if (!JsonScalarOk(col.type.key, c.keys[i], keys[k]) || !JsonScalarOk(col.type.value, c.elems[i], vals[k])) {
        return false;
      }
      ++k;
    }
    return k == keys.size() && k == vals.size();
  }
  return JsonScalarOk(col.type.kind, c.scalar, j);
}

// {attr: {"value": v}} for the present attributes of `row`, nothing for the others.
bool UpsertAttrsOk(const std::vector<Column>& cols, size_t row, const json& j) {
  if (!j.is_object()) return false;
  size_t present = 0;
  for (const Column& col : cols) {
    if (!CellPresent(col, row)) {
      if (j.contains(col.name)) return false;
      continue;
    }
    ++present;
    const auto it = j.find(col.name);
    if (it == j.end() || !it->is_object() || it->size() != 1 || !it->contains("value")) return false;
    if (!JsonCellOk(col, row, (*it)["value"])) return false;
  }
  return present == j.size();
}

json Parse(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  Check(!j.is_discarded(), "the JSON writer's output parses");
  return j;
}

struct Batch {
  bool is_edge = false;
  std::vector<std::string> from;  // vertex ids, or edge sources
  std::vector<std::string> to;    // edge targets
  std::vector<Column> cols;
  size_t rows() const { return from.size(); }
  std::string Key(size_t r) const { return is_edge ? from[r] + '\0' + to[r] : from[r]; }
};

void CheckJson(const Batch& batch, const sink::JsonWriter& w, bool utf8) {
  std::vector<int64_t> all(batch.rows());
  for (size_t r = 0; r < all.size(); ++r) all[r] = static_cast<int64_t>(r);
  const std::vector<std::vector<int64_t>> groups = w.SplitDuplicates(all);
  // Group k holds the k-th occurrence of each key, in row order; together the groups hold every row once.
  std::map<std::string, size_t> seen;
  std::vector<std::vector<int64_t>> want;
  for (size_t r = 0; r < batch.rows(); ++r) {
    const size_t k = seen[batch.Key(r)]++;
    if (k >= want.size()) want.emplace_back();
    want[k].push_back(static_cast<int64_t>(r));
  }
  Check(groups == want, "SplitDuplicates gives the k-th occurrences of each key in group k");

  for (size_t r = 0; r < batch.rows(); ++r) {
    const std::string key = w.RowKey(static_cast<int64_t>(r));
    Check(key == (batch.is_edge ? batch.from[r] + "->" + batch.to[r] : batch.from[r]), "RowKey");
    Check(w.EstimateRowBytes(static_cast<int64_t>(r)) > 0, "EstimateRowBytes is positive");
  }
  std::vector<std::string> bodies;
  for (const auto& g : groups) {
    std::string body;
    w.AppendBody(g, &body);
    bodies.push_back(std::move(body));
  }
  if (!utf8) return;  // JSON text must be UTF-8; the mapping stage turns invalid UTF-8 into dead letters

  for (size_t r = 0; r < batch.rows(); ++r) {
    const json row = Parse(w.RowJson(static_cast<int64_t>(r)));
    Check(row.is_object() && row.size() == batch.cols.size() + (batch.is_edge ? 2 : 1), "RowJson has every column");
    if (batch.is_edge) {
      Check(row["from"] == batch.from[r] && row["to"] == batch.to[r], "RowJson from/to");
    } else {
      Check(row["id"] == batch.from[r], "RowJson id");
    }
    for (const Column& col : batch.cols) {
      Check(row.contains(col.name), "RowJson names every attribute");
      Check(CellPresent(col, r) ? JsonCellOk(col, r, row[col.name]) : row[col.name].is_null(), "RowJson value");
    }
  }

  for (size_t k = 0; k < groups.size(); ++k) {
    const json body = Parse(bodies[k]);
    Check(body.is_object() && body.size() == 1, "one top-level key");
    if (!batch.is_edge) {
      const json& types = body["vertices"];
      Check(types.is_object() && types.size() == 1 && types.contains("V"), "vertices of type V");
      const json& ids = types["V"];
      Check(ids.size() == groups[k].size(), "one entry per row");
      for (const int64_t r : groups[k]) {
        const auto it = ids.find(batch.from[static_cast<size_t>(r)]);
        Check(it != ids.end(), "the vertex id is a key");
        Check(UpsertAttrsOk(batch.cols, static_cast<size_t>(r), *it), "vertex attributes round-trip");
      }
    } else {
      const json& types = body["edges"];
      Check(types.is_object() && types.size() == 1 && types.contains("S"), "edges from type S");
      size_t leaves = 0;
      for (const auto& [src, by_type] : types["S"].items()) {
        Check(by_type.size() == 1 && by_type.contains("E") && by_type["E"].size() == 1 && by_type["E"].contains("T"),
              "edge nesting S/src/E/T");
        leaves += by_type["E"]["T"].size();
      }
      Check(leaves == groups[k].size(), "one edge entry per row");
      for (const int64_t r : groups[k]) {
        const auto ur = static_cast<size_t>(r);
        const json& srcs = types["S"];
        Check(srcs.contains(batch.from[ur]), "the source id is a key");
        const json& tgts = srcs[batch.from[ur]]["E"]["T"];
        Check(tgts.contains(batch.to[ur]), "the target id is a key");
        Check(UpsertAttrsOk(batch.cols, ur, tgts[batch.to[ur]]), "edge attributes round-trip");
      }
    }
  }
}

void CheckCsv(const Batch& batch, const Result<sink::CsvWriter>& made) {
  bool has_collection = false;
  for (const Column& c : batch.cols) has_collection |= sink::IsCollection(c.type.kind);
  if (has_collection) {
    Check(!made.ok() && made.status().code() == StatusCode::kNotImplemented, "CSV refuses collection columns");
    return;
  }
  Check(made.ok(), "CSV accepts scalar batches");
  const sink::CsvWriter& w = *made;
  std::vector<int64_t> accepted;
  for (size_t r = 0; r < batch.rows(); ++r) {
    // csv_writer.h: a key or string with 0x1E/0x1F, or an empty or null STRING, goes to JSON.
    bool needs = HasDelimiter(batch.from[r]) || (batch.is_edge && HasDelimiter(batch.to[r]));
    for (const Column& c : batch.cols) {
      if (c.type.kind != TgKind::kString) continue;
      const Scalar& v = c.cells[r].scalar;
      needs |= v.null || v.s.empty() || HasDelimiter(v.s);
    }
    Check(w.NeedsJson(static_cast<int64_t>(r)) == needs, "NeedsJson follows the documented rule");
    if (!needs) accepted.push_back(static_cast<int64_t>(r));
  }
  std::string out;
  w.AppendRows(accepted, &out);
  std::string range;
  if (accepted.size() == batch.rows()) {
    w.AppendRange(0, static_cast<int64_t>(batch.rows()), &range);
    Check(range == out, "AppendRange equals AppendRows over every row");
  }
  size_t pos = 0;
  for (const int64_t r : accepted) {
    const size_t eol = out.find(sink::kCsvEol, pos);
    Check(eol != std::string::npos, "one EOL per row");
    const std::string_view line(out.data() + pos, eol - pos);
    pos = eol + 1;
    std::vector<std::string_view> fields;
    size_t start = 0;
    for (;;) {
      const size_t sep = line.find(sink::kCsvSeparator, start);
      fields.push_back(line.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start));
      if (sep == std::string_view::npos) break;
      start = sep + 1;
    }
    const size_t nkeys = batch.is_edge ? 2 : 1;
    Check(fields.size() == nkeys + batch.cols.size(), "field count per line");
    const auto ur = static_cast<size_t>(r);
    Check(fields[0] == batch.from[ur] && (!batch.is_edge || fields[1] == batch.to[ur]), "keys as written");
    for (size_t c = 0; c < batch.cols.size(); ++c) {
      Check(CsvFieldOk(batch.cols[c].type.kind, batch.cols[c].cells[ur].scalar, fields[nkeys + c]),
            "a CSV field reads back to its value");
    }
  }
  Check(pos == out.size(), "nothing after the last EOL");
}

}  // namespace

int FuzzWriters(const uint8_t* data, size_t size) {
  Bytes in(data, size);
  Batch batch;
  batch.is_edge = (in.U8() & 1) != 0;
  const size_t rows = 1 + in.U8() % 12;
  const size_t ncols = in.U8() % 5;
  bool utf8 = true;
  const auto id = [&in, &utf8]() {
    // Mostly a few short ids, so keys repeat; otherwise any bytes (never empty: ids are checked upstream).
    const uint8_t sel = in.U8();
    std::string s = sel < 160 ? "k" + std::to_string(sel % 3) : in.Str();
    if (s.empty()) s = "e";
    utf8 &= IsUtf8(s);
    return s;
  };
  for (size_t r = 0; r < rows; ++r) {
    batch.from.push_back(id());
    if (batch.is_edge) batch.to.push_back(id());
  }
  for (size_t c = 0; c < ncols; ++c) {
    Column col;
    col.name = fmt::format("a{}", c);
    const uint8_t k = in.U8() % 10;
    col.type.kind = static_cast<TgKind>(k);
    col.type.elem = kScalarKinds[in.U8() % 7];
    col.type.key = kScalarKinds[in.U8() % 7];
    col.type.value = kScalarKinds[in.U8() % 7];
    if (col.type.kind == TgKind::kMap) col.type.elem = col.type.value;  // ColumnView's elem holds MAP values
    for (size_t r = 0; r < rows; ++r) {
      Cell cell;
      if (col.type.kind == TgKind::kList || col.type.kind == TgKind::kSet || col.type.kind == TgKind::kMap) {
        cell.null = in.U8() % 5 == 0;
        const size_t n = cell.null ? 0 : in.U8() % 4;
        for (size_t i = 0; i < n; ++i) {
          if (col.type.kind == TgKind::kMap) {
            cell.keys.push_back(MakeScalar(col.type.key, in));
            cell.keys.back().null = false;  // Arrow map keys cannot be null
            cell.elems.push_back(MakeScalar(col.type.value, in));
          } else {
            cell.elems.push_back(MakeScalar(col.type.elem, in));
          }
        }
      } else {
        cell.scalar = MakeScalar(col.type.kind, in);
        cell.null = cell.scalar.null;
      }
      for (const Scalar& s : cell.elems) utf8 &= IsUtf8(s.s);
      for (const Scalar& s : cell.keys) utf8 &= IsUtf8(s.s);
      utf8 &= IsUtf8(cell.scalar.s);
      col.cells.push_back(std::move(cell));
    }
    batch.cols.push_back(std::move(col));
  }

  std::vector<mapping::AttributeColumn> attrs;
  for (const Column& col : batch.cols) attrs.push_back({col.name, col.type, BuildColumn(col)});
  const auto ids = [](const std::vector<std::string>& v) {
    arrow::StringBuilder b;
    Check(b.AppendValues(v).ok(), "ids");
    std::shared_ptr<arrow::Array> out;
    Check(b.Finish(&out).ok(), "ids");
    return out;
  };
  if (batch.is_edge) {
    mapping::EdgeBatch eb{"E", "S", "T", ids(batch.from), ids(batch.to), attrs, {}};
    const auto jw = sink::JsonWriter::ForEdges(eb);
    Check(jw.ok(), "JsonWriter accepts a canonical edge batch");
    CheckJson(batch, *jw, utf8);
    CheckCsv(batch, sink::CsvWriter::ForEdges(eb));
  } else {
    mapping::VertexBatch vb{"V", ids(batch.from), attrs};
    const auto jw = sink::JsonWriter::ForVertices(vb);
    Check(jw.ok(), "JsonWriter accepts a canonical vertex batch");
    CheckJson(batch, *jw, utf8);
    CheckCsv(batch, sink::CsvWriter::ForVertices(vb));
  }
  return 0;
}

}  // namespace icegraph::fuzz
