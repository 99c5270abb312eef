// The DATETIME and STRING targets of the type matrix (type_matrix.h).
#include <arrow/util/utf8.h>
#include <fmt/format.h>

#include <cstring>
#include <iterator>
#include <optional>

#include "common/datetime.h"
#include "mapping/type_convert_internal.h"

namespace icegraph::mapping::detail {
namespace {

using datetime::FloorDiv;

// "YYYY-MM-DD[( |T)hh:mm[:ss[.f*]]][Z|±hh[:]mm]" as seconds since the epoch (fraction dropped, floored).
std::optional<int64_t> ParseDatetime(std::string_view s) {
  const auto t = datetime::ParseTimestamp(Trim(s));
  if (!t.ok()) return std::nullopt;
  return t->seconds;
}

void AppendCivil(std::string* out, int64_t seconds, int64_t micros) {
  out->append(datetime::FormatSeconds(seconds, ' '));
  if (micros != 0) fmt::format_to(std::back_inserter(*out), ".{:06}", micros);
}

bool InDatetimeRange(int64_t s) { return s >= kTgMinDatetime && s <= kTgMaxDatetime; }

// Seconds of each timestamp of kPer units per second into `dst`, with a constant divisor (the compiler multiplies);
// false when any slot, null ones included, falls outside TigerGraph's range.
template <int64_t kPer>
bool TimestampSeconds(const int64_t* src, int64_t n, int64_t* dst) {
  bool in_range = true;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t s = FloorDiv(src[i], kPer);
    dst[i] = s;
    in_range &= InDatetimeRange(s);
  }
  return in_range;
}

// The common case of a timestamp column, every slot in range: one pass into a new values buffer, the input's
// validity bitmap shared. nullopt sends the column to the per-value path, which reports each bad row.
Result<std::optional<Converted>> TimestampsInRange(const arrow::TimestampArray& a,
                                                   const std::shared_ptr<arrow::DataType>& type) {
  const int64_t n = a.length();
  if (!CanShareValidity(a)) return std::optional<Converted>();
  ICEGRAPH_ASSIGN_OR_RAISE(std::shared_ptr<arrow::Buffer> values,
                           FromArrow(arrow::AllocateBuffer(n * static_cast<int64_t>(sizeof(int64_t))), "reserve"));
  auto* dst = reinterpret_cast<int64_t*>(values->mutable_data());
  const int64_t* src = a.raw_values();
  bool in_range = false;
  switch (static_cast<const arrow::TimestampType&>(*a.type()).unit()) {
    case arrow::TimeUnit::SECOND: in_range = TimestampSeconds<1>(src, n, dst); break;
    case arrow::TimeUnit::MILLI: in_range = TimestampSeconds<1000>(src, n, dst); break;
    case arrow::TimeUnit::MICRO: in_range = TimestampSeconds<1000000>(src, n, dst); break;
    case arrow::TimeUnit::NANO: in_range = TimestampSeconds<1000000000>(src, n, dst); break;
  }
  if (!in_range) return std::optional<Converted>();
  return std::optional<Converted>(ColumnOfValues(a, type, std::move(values)));
}

void AppendHex(std::string* out, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out->push_back(kDigits[u >> 4]);
    out->push_back(kDigits[u & 15]);
  }
}

}  // namespace

Result<Converted> ToDatetime(const std::shared_ptr<arrow::Array>& in, const std::shared_ptr<arrow::DataType>& type) {
  const arrow::Type::type id = in->type_id();
  if (id == arrow::Type::TIMESTAMP) {
    ICEGRAPH_ASSIGN_OR_RAISE(std::optional<Converted> fast,
                             TimestampsInRange(static_cast<const arrow::TimestampArray&>(*in), type));
    if (fast) return std::move(*fast);
  }
  Out<arrow::TimestampBuilder> out(*in, type);
  ICEGRAPH_RETURN_NOT_OK(out.Reserve());
  const auto put = [&](int64_t i, int64_t seconds) {
    if (InDatetimeRange(seconds)) {
      out.Append(seconds);
    } else {
      out.Fail(i, ErrCode::kOutOfRange, "outside TigerGraph's DATETIME range 1582-10-15 .. 9999-12-31");
    }
  };
  if (id == arrow::Type::DATE32) {
    const auto& a = static_cast<const arrow::Date32Array&>(*in);
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
      } else {
        put(i, static_cast<int64_t>(a.Value(i)) * kSecondsPerDay);
      }
    }
    return out.Finish();
  }
  if (id == arrow::Type::TIMESTAMP) {
    const auto& a = static_cast<const arrow::TimestampArray&>(*in);
    int64_t per_second = 1;
    switch (static_cast<const arrow::TimestampType&>(*in->type()).unit()) {
      case arrow::TimeUnit::SECOND: per_second = 1; break;
      case arrow::TimeUnit::MILLI: per_second = 1000; break;
      case arrow::TimeUnit::MICRO: per_second = 1000000; break;
      case arrow::TimeUnit::NANO: per_second = 1000000000; break;
    }
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
      } else {
        put(i, FloorDiv(a.Value(i), per_second));
      }
    }
    return out.Finish();
  }
  if (IsIntegerType(id)) {  // cast(x as datetime) of a number: seconds since the epoch
    ICEGRAPH_ASSIGN_OR_RAISE(Converted c, ToInteger<int64_t>(in, arrow::int64()));
    const auto& a = static_cast<const arrow::Int64Array&>(*c.values);
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
      } else {
        put(i, a.Value(i));
      }
    }
    ICEGRAPH_ASSIGN_OR_RAISE(Converted r, out.Finish());
    r.errors.insert(r.errors.begin(), c.errors.begin(), c.errors.end());
    return r;
  }
  if (IsStringType(id)) {
    return ParseEach(in, out, ParseDatetime, "not a date or timestamp (YYYY-MM-DD[ hh:mm:ss])", put);
  }
  return Status::TypeError(fmt::format("cannot convert {} to DATETIME", in->type()->ToString()));
}

// True when every byte is below 0x80: one pass the compiler vectorises, so a column of ASCII text (ids, codes, most
// names) skips validating each value by itself.
namespace {
bool AllAscii(const uint8_t* data, size_t size) {
  uint64_t any = 0;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {  // eight bytes at a time, whatever the compiler's vectoriser does
    uint64_t word = 0;
    std::memcpy(&word, data + i, sizeof(word));
    any |= word;
  }
  for (; i < size; ++i) any |= data[i];
  return (any & 0x8080808080808080ULL) == 0;
}
}  // namespace

Result<Converted> ToStringKind(const std::shared_ptr<arrow::Array>& in, std::string_view iceberg_type) {
  const arrow::Type::type id = in->type_id();
  if (IsStringType(id)) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Cast(in, arrow::utf8()));
    const auto& a = static_cast<const arrow::StringArray&>(*s);
    if (a.length() == 0 || a.value_data() == nullptr) return Converted{s, {}};
    const int32_t begin = a.value_offset(0);
    const int32_t end = a.value_offset(a.length());
    if (AllAscii(a.value_data()->data() + begin, static_cast<size_t>(end - begin))) return Converted{s, {}};
    std::vector<RowError> errors;
    for (int64_t i = 0; i < a.length(); ++i) {
      if (!a.IsNull(i) && !arrow::util::ValidateUTF8(a.GetView(i))) {
        errors.push_back(RowError{i, ErrCode::kInvalidUtf8, Echo(a.GetView(i)), "not valid UTF-8"});
      }
    }
    if (errors.empty()) return Converted{s, {}};  // the common case: the input as it is
    Out<arrow::StringBuilder> out(a, arrow::utf8());
    ICEGRAPH_RETURN_NOT_OK(out.Reserve());
    ICEGRAPH_RETURN_NOT_OK(FromArrow(out.builder().ReserveData(a.total_values_length()), "reserve"));
    size_t next = 0;
    for (int64_t i = 0; i < a.length(); ++i) {
      if (next < errors.size() && errors[next].row == i) {
        out.Null();
        ++next;
      } else if (a.IsNull(i)) {
        out.Null();
      } else {
        out.Append(a.GetView(i));
      }
    }
    ICEGRAPH_ASSIGN_OR_RAISE(Converted c, out.Finish());
    c.errors = std::move(errors);
    return c;
  }
  if (id == arrow::Type::BINARY || id == arrow::Type::LARGE_BINARY || id == arrow::Type::FIXED_SIZE_BINARY) {
    const bool uuid = BaseName(iceberg_type) == "uuid" && id == arrow::Type::FIXED_SIZE_BINARY &&
                      static_cast<const arrow::FixedSizeBinaryType&>(*in->type()).byte_width() == 16;
    std::shared_ptr<arrow::Array> bin = in;
    if (id == arrow::Type::LARGE_BINARY) {
      ICEGRAPH_ASSIGN_OR_RAISE(bin, Cast(in, arrow::binary()));
    }
    arrow::StringBuilder b;
    ICEGRAPH_RETURN_NOT_OK(FromArrow(b.Reserve(in->length()), "reserve"));
    std::string buf;
    for (int64_t i = 0; i < in->length(); ++i) {
      if (in->IsNull(i)) {
        b.UnsafeAppendNull();
        continue;
      }
      const std::string_view v = id == arrow::Type::FIXED_SIZE_BINARY
                                     ? static_cast<const arrow::FixedSizeBinaryArray&>(*bin).GetView(i)
                                     : static_cast<const arrow::BinaryArray&>(*bin).GetView(i);
      buf.clear();
      if (uuid) {
        for (size_t k = 0; k < 16; ++k) {
          if (k == 4 || k == 6 || k == 8 || k == 10) buf.push_back('-');
          AppendHex(&buf, v.substr(k, 1));
        }
      } else {
        AppendHex(&buf, v);
      }
      ICEGRAPH_RETURN_NOT_OK(FromArrow(b.Append(buf), "append"));
    }
    std::shared_ptr<arrow::Array> out;
    ICEGRAPH_RETURN_NOT_OK(FromArrow(b.Finish(&out), "finish"));
    return Converted{out, {}};
  }
  if (id == arrow::Type::TIME64 || id == arrow::Type::TIMESTAMP) {
    const bool time = id == arrow::Type::TIME64;
    ICEGRAPH_ASSIGN_OR_RAISE(
        auto us,
        Cast(in, time ? arrow::time64(arrow::TimeUnit::MICRO) : arrow::timestamp(arrow::TimeUnit::MICRO), false));
    ICEGRAPH_ASSIGN_OR_RAISE(auto raw, Cast(us, arrow::int64(), false));
    const auto& a = static_cast<const arrow::Int64Array&>(*raw);
    arrow::StringBuilder b;
    ICEGRAPH_RETURN_NOT_OK(FromArrow(b.Reserve(in->length()), "reserve"));
    std::string buf;
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        b.UnsafeAppendNull();
        continue;
      }
      const int64_t secs = FloorDiv(a.Value(i), 1000000);
      const int64_t micros = a.Value(i) - secs * 1000000;
      buf.clear();
      AppendCivil(&buf, secs, micros);
      ICEGRAPH_RETURN_NOT_OK(FromArrow(b.Append(time ? std::string_view(buf).substr(11) : buf), "append"));
    }
    std::shared_ptr<arrow::Array> out;
    ICEGRAPH_RETURN_NOT_OK(FromArrow(b.Finish(&out), "finish"));
    return Converted{out, {}};
  }
  if (id == arrow::Type::DECIMAL128) {
    const auto& a = static_cast<const arrow::Decimal128Array&>(*in);
    const int32_t scale = static_cast<const arrow::Decimal128Type&>(*in->type()).scale();
    arrow::StringBuilder b;
    ICEGRAPH_RETURN_NOT_OK(FromArrow(b.Reserve(in->length()), "reserve"));
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        b.UnsafeAppendNull();
      } else {
        ICEGRAPH_RETURN_NOT_OK(FromArrow(b.Append(PlainDecimal(arrow::Decimal128(a.GetValue(i)), scale)), "append"));
      }
    }
    std::shared_ptr<arrow::Array> out;
    ICEGRAPH_RETURN_NOT_OK(FromArrow(b.Finish(&out), "finish"));
    return Converted{out, {}};
  }
  if (id == arrow::Type::BOOL || IsIntegerType(id) || id == arrow::Type::FLOAT || id == arrow::Type::DOUBLE ||
      id == arrow::Type::DATE32) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Cast(in, arrow::utf8()));
    return Converted{s, {}};
  }
  return Status::TypeError(fmt::format("cannot convert {} to STRING", in->type()->ToString()));
}

}  // namespace icegraph::mapping::detail
