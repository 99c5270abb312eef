// Value conversion of the type matrix (type_matrix.h): Arrow arrays as the Iceberg reader produces them, converted
// column by column into the canonical Arrow types of graph_batch.h, with the rows that fail. The scalar targets are
// type_convert_numeric.cc and type_convert_text.cc; the type-level decisions (defaults, which conversions are
// allowed, GSQL type text) are type_matrix.cc.
#include <arrow/util/utf8.h>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "mapping/type_convert_internal.h"

namespace icegraph::mapping {
namespace detail {

constexpr size_t kMaxEcho = 100;

std::string Echo(std::string_view s) {
  const std::string_view cut = s.substr(0, kMaxEcho);
  std::string out;
  if (arrow::util::ValidateUTF8(cut)) {
    out.assign(cut);
  } else {
    for (const char c : cut) {
      const auto u = static_cast<unsigned char>(c);
      out += u < 0x80 ? std::string(1, c) : fmt::format("\\x{:02x}", u);
    }
  }
  if (s.size() > kMaxEcho) out += "...";
  return out;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::string ScalarText(const arrow::Array& a, int64_t i) {
  if (a.type_id() == arrow::Type::STRING || a.type_id() == arrow::Type::BINARY) {
    return Echo(static_cast<const arrow::BinaryArray&>(a).GetView(i));
  }
  auto s = a.GetScalar(i);
  return s.ok() ? Echo((*s)->ToString()) : std::string("?");
}

Result<std::shared_ptr<arrow::Array>> Cast(const std::shared_ptr<arrow::Array>& a,
                                           const std::shared_ptr<arrow::DataType>& to, bool safe) {
  if (a->type()->Equals(*to)) return a;
  const cp::CastOptions opts = safe ? cp::CastOptions::Safe(to) : cp::CastOptions::Unsafe(to);
  ICEGRAPH_ASSIGN_OR_RAISE(arrow::Datum d, FromArrow(cp::Cast(arrow::Datum(a), opts), "cast"));
  return d.make_array();
}

bool IsIntegerType(arrow::Type::type t) {
  switch (t) {
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::UINT8:
    case arrow::Type::UINT16:
    case arrow::Type::UINT32:
    case arrow::Type::UINT64: return true;
    default: return false;
  }
}

bool IsStringType(arrow::Type::type t) { return t == arrow::Type::STRING || t == arrow::Type::LARGE_STRING; }

namespace {

Result<Converted> ConvertScalar(const std::shared_ptr<arrow::Array>& in, std::string_view iceberg_type, TgKind kind) {
  const std::shared_ptr<arrow::DataType> type = CanonicalArrowType(TgType{kind});
  switch (kind) {
    case TgKind::kInt: return ToInteger<int64_t>(in, type);
    case TgKind::kUint: return ToInteger<uint64_t>(in, type);
    case TgKind::kFloat: return ToFloating<float>(in, type, true);
    case TgKind::kDouble: return ToFloating<double>(in, type, DecimalPrecision(iceberg_type) > kDoubleExactDigits);
    case TgKind::kBool: return ToBool(in);
    case TgKind::kString: return ToStringKind(in, iceberg_type);
    case TgKind::kDatetime: return ToDatetime(in, type);
    default: return Status::Internal("ConvertScalar of a collection kind");
  }
}

// Row of child element j, by the list offsets (offsets[i] <= j < offsets[i+1]).
int64_t RowOf(const int32_t* offsets, int64_t rows, int64_t j) {
  const int32_t* it = std::upper_bound(offsets, offsets + rows + 1, static_cast<int32_t>(j));
  return (it - offsets) - 1;
}

// Lists, sets and maps: children converted once, child errors charged to their row (the row becomes null), null
// elements (map entries with a null value) dropped, and the offsets rebuilt.
Result<Converted> ConvertCollection(const std::shared_ptr<arrow::Array>& in, const iceberg::Field& source,
                                    const TgType& target) {
  const bool is_map = target.kind == TgKind::kMap;
  const std::shared_ptr<arrow::DataType> out_type = CanonicalArrowType(target);
  if ((is_map && in->type_id() != arrow::Type::MAP) || (!is_map && in->type_id() != arrow::Type::LIST)) {
    return Status::TypeError(fmt::format("cannot convert {} to {}", in->type()->ToString(), target.ToGsql()));
  }
  const auto& list = static_cast<const arrow::ListArray&>(*in);  // MapArray is a ListArray
  const int64_t rows = list.length();
  const int32_t* offsets = list.raw_value_offsets();
  const auto child_type = [&](size_t i) {
    return i < source.children.size() ? std::string_view(source.children[i].type) : std::string_view();
  };
  std::shared_ptr<arrow::Array> keys;
  std::shared_ptr<arrow::Array> items;
  std::vector<RowError> child_errors;
  if (is_map) {
    const auto& map = static_cast<const arrow::MapArray&>(*in);
    ICEGRAPH_ASSIGN_OR_RAISE(Converted k, ConvertScalar(map.keys(), child_type(0), target.key));
    ICEGRAPH_ASSIGN_OR_RAISE(Converted v, ConvertScalar(map.items(), child_type(1), target.value));
    keys = k.values;
    items = v.values;
    child_errors = std::move(k.errors);
    child_errors.insert(child_errors.end(), v.errors.begin(), v.errors.end());
  } else {
    ICEGRAPH_ASSIGN_OR_RAISE(Converted v, ConvertScalar(list.values(), child_type(0), target.elem));
    items = v.values;
    child_errors = std::move(v.errors);
  }
  std::vector<RowError> errors;
  std::vector<uint8_t> row_failed(static_cast<size_t>(rows), 0);
  for (RowError& e : child_errors) {
    const int64_t row = RowOf(offsets, rows, e.row);
    if (row < 0 || row >= rows || row_failed[static_cast<size_t>(row)] != 0) continue;
    row_failed[static_cast<size_t>(row)] = 1;
    errors.push_back(RowError{row, e.error, std::move(e.value), "element: " + e.detail});
  }
  std::sort(errors.begin(), errors.end(), [](const RowError& a, const RowError& b) { return a.row < b.row; });
  arrow::Int32Builder new_offsets;
  arrow::TypedBufferBuilder<bool> validity;
  arrow::BooleanBuilder keep;
  ICEGRAPH_RETURN_NOT_OK(FromArrow(new_offsets.Reserve(rows + 1), "reserve"));
  ICEGRAPH_RETURN_NOT_OK(FromArrow(validity.Reserve(rows), "reserve"));
  ICEGRAPH_RETURN_NOT_OK(FromArrow(keep.Reserve(items->length()), "reserve"));
  int32_t next = 0;
  int64_t nulls = 0;
  int64_t child_pos = 0;
  new_offsets.UnsafeAppend(0);
  for (int64_t i = 0; i < rows; ++i) {
    const bool valid = list.IsValid(i) && row_failed[static_cast<size_t>(i)] == 0;
    for (; child_pos < offsets[i]; ++child_pos) keep.UnsafeAppend(false);  // slice gaps
    for (; child_pos < offsets[i + 1]; ++child_pos) {
      const bool k = valid && items->IsValid(child_pos) && (!keys || keys->IsValid(child_pos));
      keep.UnsafeAppend(k);
      next += k ? 1 : 0;
    }
    validity.UnsafeAppend(valid);
    nulls += valid ? 0 : 1;
    new_offsets.UnsafeAppend(next);
  }
  for (; child_pos < items->length(); ++child_pos) ICEGRAPH_RETURN_NOT_OK(FromArrow(keep.Append(false), "append"));
  std::shared_ptr<arrow::Array> keep_mask;
  std::shared_ptr<arrow::Array> offsets_array;
  std::shared_ptr<arrow::Buffer> bitmap;
  ICEGRAPH_RETURN_NOT_OK(FromArrow(keep.Finish(&keep_mask), "finish"));
  ICEGRAPH_RETURN_NOT_OK(FromArrow(new_offsets.Finish(&offsets_array), "finish"));
  ICEGRAPH_RETURN_NOT_OK(FromArrow(validity.Finish(&bitmap), "finish"));
  const auto filter = [&](const std::shared_ptr<arrow::Array>& a) -> Result<std::shared_ptr<arrow::Array>> {
    ICEGRAPH_ASSIGN_OR_RAISE(arrow::Datum d, FromArrow(cp::Filter(a, keep_mask), "filter"));
    return d.make_array();
  };
  ICEGRAPH_ASSIGN_OR_RAISE(items, filter(items));
  std::shared_ptr<arrow::Array> out;
  if (is_map) {
    ICEGRAPH_ASSIGN_OR_RAISE(keys, filter(keys));
    ICEGRAPH_ASSIGN_OR_RAISE(
        out, FromArrow(arrow::MapArray::FromArrays(out_type, offsets_array, keys, items, arrow::default_memory_pool(),
                                                   nulls > 0 ? bitmap : nullptr),
                       "map"));
  } else {
    ICEGRAPH_ASSIGN_OR_RAISE(
        auto l, FromArrow(arrow::ListArray::FromArrays(out_type, *offsets_array, *items, arrow::default_memory_pool(),
                                                       nulls > 0 ? bitmap : nullptr, nulls),
                          "list"));
    out = l;
  }
  return Converted{std::move(out), std::move(errors)};
}

}  // namespace
}  // namespace detail

using detail::ConvertCollection;
using detail::ConvertScalar;
using detail::FromArrow;
using detail::IsCollection;

Status InitializeCompute() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    arrow::util::InitializeUTF8();  // ValidateUTF8's tables
    status = arrow::compute::Initialize();
  });
  return FromArrow(status, "initializing Arrow compute");
}

Result<Converted> ConvertToCanonical(const std::shared_ptr<arrow::Array>& array, const iceberg::Field& source,
                                     const TgType& target) {
  ICEGRAPH_RETURN_NOT_OK(InitializeCompute());
  if (IsCollection(target.kind)) return ConvertCollection(array, source, target);
  return ConvertScalar(array, source.type, target.kind);
}

Result<Converted> ConvertToCanonical(const std::shared_ptr<arrow::Array>& array, std::string_view iceberg_type,
                                     const TgType& target) {
  iceberg::Field f;
  f.type = std::string(iceberg_type);
  return ConvertToCanonical(array, f, target);
}

}  // namespace icegraph::mapping
