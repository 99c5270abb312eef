#include "mapping/type_matrix.h"

#include <arrow/compute/api.h>
#include <arrow/util/decimal.h>
#include <arrow/util/utf8.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>

#include "common/arrow_status.h"
#include "common/datetime.h"
#include "iceberg/arrow_conform.h"

namespace icegraph::mapping {
namespace {

namespace cp = arrow::compute;
using ErrCode = ConversionError;

constexpr size_t kMaxEcho = 100;
constexpr int64_t kSecondsPerDay = 86400;

bool IsCollection(TgKind k) { return k == TgKind::kList || k == TgKind::kSet || k == TgKind::kMap; }

std::string ToUpper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

// Bytes as text for messages: UTF-8 kept, other bytes as \xNN, cut at kMaxEcho.
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

std::string ScalarText(const arrow::Array& a, int64_t i) {
  if (a.type_id() == arrow::Type::STRING || a.type_id() == arrow::Type::BINARY) {
    return Echo(static_cast<const arrow::BinaryArray&>(a).GetView(i));
  }
  auto s = a.GetScalar(i);
  return s.ok() ? Echo((*s)->ToString()) : std::string("?");
}

Status FromArrow(const arrow::Status& st, std::string_view what) { return FromArrowStatus(st, what); }

template <typename T>
Result<T> FromArrow(arrow::Result<T> r, std::string_view what) {
  return FromArrowResult(std::move(r), what);
}

Result<std::shared_ptr<arrow::Array>> Cast(const std::shared_ptr<arrow::Array>& a,
                                           const std::shared_ptr<arrow::DataType>& to, bool safe = true) {
  if (a->type()->Equals(*to)) return a;
  const cp::CastOptions opts = safe ? cp::CastOptions::Safe(to) : cp::CastOptions::Unsafe(to);
  ICEGRAPH_ASSIGN_OR_RAISE(arrow::Datum d, FromArrow(cp::Cast(arrow::Datum(a), opts), "cast"));
  return d.make_array();
}

// Collects converted values and errors for one output column.
template <typename Builder>
class Out {
 public:
  Out(const arrow::Array& in, std::shared_ptr<arrow::DataType> type)
      : in_(in), builder_(std::move(type), arrow::default_memory_pool()) {}

  Status Reserve() { return FromArrow(builder_.Reserve(in_.length()), "reserve"); }
  template <typename V>
  void Append(V v) {
    builder_.UnsafeAppend(v);
  }
  void Null() { builder_.UnsafeAppendNull(); }
  void Fail(int64_t row, ErrCode code, std::string detail) {
    builder_.UnsafeAppendNull();
    errors_.push_back(RowError{row, code, ScalarText(in_, row), std::move(detail)});
  }
  Result<Converted> Finish() {
    std::shared_ptr<arrow::Array> out;
    ICEGRAPH_RETURN_NOT_OK(FromArrow(builder_.Finish(&out), "finish"));
    return Converted{std::move(out), std::move(errors_)};
  }
  Builder& builder() { return builder_; }

 private:
  const arrow::Array& in_;
  Builder builder_;
  std::vector<RowError> errors_;
};

// Parses each string of `in` (cast to utf8) with `parse`; `put` stores a parsed value, unparseable text is an error.
template <typename Builder, typename Parse, typename Put>
Result<Converted> ParseEach(const std::shared_ptr<arrow::Array>& in, Out<Builder>& out, Parse&& parse,
                            std::string_view what, Put&& put) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto s, Cast(in, arrow::utf8()));
  const auto& a = static_cast<const arrow::StringArray&>(*s);
  for (int64_t i = 0; i < a.length(); ++i) {
    if (a.IsNull(i)) {
      out.Null();
      continue;
    }
    const auto v = parse(a.GetView(i));
    if (!v) {
      out.Fail(i, ErrCode::kUnparseable, std::string(what));
    } else {
      put(i, *v);
    }
  }
  return out.Finish();
}

// Strict integer text: optional sign, digits, surrounding blanks allowed.
template <typename T>
std::optional<T> ParseInteger(std::string_view s, bool* overflow) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  T v{};
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  *overflow = ec == std::errc::result_out_of_range;
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || p != s.data() + s.size() || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range) return std::numeric_limits<double>::infinity();
  return v;
}

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

std::string_view BaseName(std::string_view t) {
  const size_t p = t.find_first_of("([");
  return p == std::string_view::npos ? t : t.substr(0, p);
}

int DecimalPrecision(std::string_view t) {
  const size_t open = t.find('(');
  if (open == std::string_view::npos) return 38;
  int p = 38;
  std::from_chars(t.data() + open + 1, t.data() + t.size(), p);
  return p;
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

// Digits of a decimal's unscaled value once trailing zeros are gone (the significant digits a double must hold).
int SignificantDigits(arrow::Decimal128 v) {
  if (v < 0) v.Negate();
  if (v == 0) return 1;
  const arrow::Decimal128 ten(10);
  for (;;) {
    auto qr = v.Divide(ten);
    if (!qr.ok() || qr->second != 0) break;
    v = qr->first;
  }
  int digits = 0;
  while (v != 0) {
    v /= ten;
    ++digits;
  }
  return digits;
}

// The exact decimal text with `scale` fraction digits: "0.0000000000", "-0.0000003621", never Arrow's scientific
// "0E-10" or "-3.621E-7".
std::string PlainDecimal(const arrow::Decimal128& v, int32_t scale) {
  std::string digits = v.ToIntegerString();
  const bool negative = !digits.empty() && digits.front() == '-';
  if (negative) digits.erase(0, 1);
  if (scale < 0) {
    digits.append(static_cast<size_t>(-scale), '0');
  } else if (scale > 0) {
    const auto s = static_cast<size_t>(scale);
    if (digits.size() <= s) digits.insert(0, s + 1 - digits.size(), '0');
    digits.insert(digits.size() - s, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

// The double nearest to the decimal. Arrow's ToDouble is not correctly rounded (0.008611 came back as
// 0.008610999999999999), which breaks "every decimal(p <= 15) round-trips through a double".
double DecimalToDouble(const arrow::Decimal128& v, int32_t scale) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  constexpr int64_t kExact = int64_t{1} << 53;
  const auto small = v.ToInteger<int64_t>();
  if (small.ok() && *small > -kExact && *small < kExact && scale >= 0 && scale <= 22) {
    // Both operands are exact doubles, so the quotient is rounded once: correctly.
    return static_cast<double>(*small) / kPow10[scale];
  }
  const std::string text = PlainDecimal(v, scale);
  double d = 0;
  std::from_chars(text.data(), text.data() + text.size(), d);  // correctly rounded; 38 digits cannot overflow
  return d;
}

// ---- scalar targets ---------------------------------------------------------------------------------------------

template <typename OutT>
Result<Converted> ToInteger(const std::shared_ptr<arrow::Array>& in, const std::shared_ptr<arrow::DataType>& out_type) {
  constexpr bool kUnsigned = std::is_unsigned_v<OutT>;
  using Builder = std::conditional_t<kUnsigned, arrow::UInt64Builder, arrow::Int64Builder>;
  const arrow::Type::type id = in->type_id();
  const char* const kind = kUnsigned ? "UINT" : "INT";
  if (IsIntegerType(id) || id == arrow::Type::BOOL) {
    if (id != arrow::Type::UINT64) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto i64, Cast(in, arrow::int64()));
      if (!kUnsigned) return Converted{i64, {}};
      const auto& a = static_cast<const arrow::Int64Array&>(*i64);
      Out<Builder> out(*in, out_type);
      ICEGRAPH_RETURN_NOT_OK(out.Reserve());
      for (int64_t i = 0; i < a.length(); ++i) {
        if (a.IsNull(i)) {
          out.Null();
        } else if (a.Value(i) < 0) {
          out.Fail(i, ErrCode::kOutOfRange, "negative value for UINT");
        } else {
          out.Append(static_cast<uint64_t>(a.Value(i)));
        }
      }
      return out.Finish();
    }
    if (kUnsigned) return Converted{in, {}};
    const auto& a = static_cast<const arrow::UInt64Array&>(*in);
    Out<Builder> out(*in, out_type);
    ICEGRAPH_RETURN_NOT_OK(out.Reserve());
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
      } else if (a.Value(i) > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        out.Fail(i, ErrCode::kOutOfRange, "larger than INT's maximum 9223372036854775807");
      } else {
        out.Append(static_cast<int64_t>(a.Value(i)));
      }
    }
    return out.Finish();
  }
  Out<Builder> out(*in, out_type);
  ICEGRAPH_RETURN_NOT_OK(out.Reserve());
  if (id == arrow::Type::FLOAT || id == arrow::Type::DOUBLE || id == arrow::Type::HALF_FLOAT) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto f64, Cast(in, arrow::float64()));
    const auto& a = static_cast<const arrow::DoubleArray&>(*f64);
    // 2^63 and 2^64 are exact doubles: the bounds of the half-open valid ranges.
    constexpr double kLow = kUnsigned ? 0.0 : -9223372036854775808.0;
    constexpr double kHigh = kUnsigned ? 18446744073709551616.0 : 9223372036854775808.0;
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
        continue;
      }
      const double t = std::trunc(a.Value(i));  // cast(x as int) truncates toward zero
      if (std::isnan(t) || t < kLow || t >= kHigh) {
        out.Fail(i, ErrCode::kOutOfRange, fmt::format("outside the range of {}", kind));
      } else {
        out.Append(static_cast<OutT>(t));
      }
    }
    return out.Finish();
  }
  if (id == arrow::Type::DECIMAL128) {
    const auto& a = static_cast<const arrow::Decimal128Array&>(*in);
    const int32_t scale = static_cast<const arrow::Decimal128Type&>(*in->type()).scale();
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
        continue;
      }
      arrow::Decimal128 v(a.GetValue(i));
      if (scale > 0) v = v.ReduceScaleBy(scale, false);  // truncate the fraction
      if (kUnsigned && v < 0) {
        out.Fail(i, ErrCode::kOutOfRange, "negative value for UINT");
        continue;
      }
      if (kUnsigned) {
        if (v.high_bits() != 0) {
          out.Fail(i, ErrCode::kOutOfRange, "outside the range of UINT");
        } else {
          out.Append(static_cast<OutT>(v.low_bits()));
        }
        continue;
      }
      auto r = v.ToInteger<int64_t>();
      if (!r.ok()) {
        out.Fail(i, ErrCode::kOutOfRange, "outside the range of INT");
      } else {
        out.Append(static_cast<OutT>(*r));
      }
    }
    return out.Finish();
  }
  if (IsStringType(id)) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Cast(in, arrow::utf8()));
    const auto& a = static_cast<const arrow::StringArray&>(*s);
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
        continue;
      }
      bool overflow = false;
      const std::string_view text = a.GetView(i);
      if (kUnsigned && !Trim(text).empty() && Trim(text).front() == '-') {
        if (ParseInteger<int64_t>(text, &overflow) || overflow) {
          out.Fail(i, ErrCode::kOutOfRange, "negative value for UINT");
        } else {
          out.Fail(i, ErrCode::kUnparseable, "not an integer");
        }
        continue;
      }
      const std::optional<OutT> v = ParseInteger<OutT>(text, &overflow);
      if (v) {
        out.Append(*v);
      } else if (overflow) {
        out.Fail(i, ErrCode::kOutOfRange, fmt::format("outside the range of {}", kind));
      } else {
        out.Fail(i, ErrCode::kUnparseable, "not an integer");
      }
    }
    return out.Finish();
  }
  return Status::TypeError(fmt::format("cannot convert {} to {}", in->type()->ToString(), kind));
}

template <typename OutT>
Result<Converted> ToFloating(const std::shared_ptr<arrow::Array>& in, const std::shared_ptr<arrow::DataType>& out_type,
                             bool check_decimal_digits) {
  constexpr bool kFloat = std::is_same_v<OutT, float>;
  using Builder = std::conditional_t<kFloat, arrow::FloatBuilder, arrow::DoubleBuilder>;
  const char* const kind = kFloat ? "FLOAT" : "DOUBLE";
  const arrow::Type::type id = in->type_id();
  if (IsIntegerType(id) || id == arrow::Type::BOOL) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto cast, Cast(in, out_type, false));
    return Converted{cast, {}};
  }
  Out<Builder> out(*in, out_type);
  ICEGRAPH_RETURN_NOT_OK(out.Reserve());
  const auto put = [&](int64_t i, double v) {
    if (!std::isfinite(v)) {
      out.Fail(i, ErrCode::kOutOfRange, fmt::format("{} is not a finite number", kind));
    } else if (kFloat && std::fabs(v) > std::numeric_limits<float>::max()) {
      out.Fail(i, ErrCode::kOutOfRange, "outside the range of FLOAT");
    } else {
      out.Append(static_cast<OutT>(v));
    }
  };
  if (id == arrow::Type::FLOAT || id == arrow::Type::DOUBLE || id == arrow::Type::HALF_FLOAT) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto f64, Cast(in, arrow::float64()));
    const auto& a = static_cast<const arrow::DoubleArray&>(*f64);
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
      } else {
        put(i, a.Value(i));
      }
    }
    return out.Finish();
  }
  if (id == arrow::Type::DECIMAL128) {
    const auto& a = static_cast<const arrow::Decimal128Array&>(*in);
    const int32_t scale = static_cast<const arrow::Decimal128Type&>(*in->type()).scale();
    const int max_digits = kFloat ? 6 : kDoubleExactDigits;
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
        continue;
      }
      const arrow::Decimal128 v(a.GetValue(i));
      if (check_decimal_digits && SignificantDigits(v) > max_digits) {
        out.Fail(
            i, ErrCode::kOutOfRange,
            fmt::format("more than {} significant digits do not fit {} exactly; map it as STRING", max_digits, kind));
        continue;
      }
      put(i, DecimalToDouble(v, scale));
    }
    return out.Finish();
  }
  if (IsStringType(id)) return ParseEach(in, out, ParseDouble, "not a number", put);
  return Status::TypeError(fmt::format("cannot convert {} to {}", in->type()->ToString(), kind));
}

Result<Converted> ToBool(const std::shared_ptr<arrow::Array>& in) {
  const arrow::Type::type id = in->type_id();
  if (id == arrow::Type::BOOL) return Converted{in, {}};
  Out<arrow::BooleanBuilder> out(*in, arrow::boolean());
  ICEGRAPH_RETURN_NOT_OK(out.Reserve());
  if (IsIntegerType(id)) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto i64, Cast(in, arrow::int64(), false));
    const auto& a = static_cast<const arrow::Int64Array&>(*i64);
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
      } else if (a.Value(i) == 0 || a.Value(i) == 1) {
        out.Append(a.Value(i) == 1);
      } else {
        out.Fail(i, ErrCode::kOutOfRange, "BOOL takes 0 or 1");
      }
    }
    return out.Finish();
  }
  if (IsStringType(id)) {
    const auto parse = [](std::string_view text) -> std::optional<bool> {
      const std::string v = ToUpper(Trim(text));
      if (v == "TRUE" || v == "1") return true;
      if (v == "FALSE" || v == "0") return false;
      return std::nullopt;
    };
    return ParseEach(in, out, parse, "not true, false, 1 or 0", [&](int64_t, bool v) { out.Append(v); });
  }
  return Status::TypeError(fmt::format("cannot convert {} to BOOL", in->type()->ToString()));
}

Result<Converted> ToDatetime(const std::shared_ptr<arrow::Array>& in, const std::shared_ptr<arrow::DataType>& type) {
  const arrow::Type::type id = in->type_id();
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

void AppendHex(std::string* out, std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out->push_back(kDigits[u >> 4]);
    out->push_back(kDigits[u & 15]);
  }
}

Result<Converted> ToStringKind(const std::shared_ptr<arrow::Array>& in, std::string_view iceberg_type) {
  const arrow::Type::type id = in->type_id();
  if (IsStringType(id)) {
    ICEGRAPH_ASSIGN_OR_RAISE(auto s, Cast(in, arrow::utf8()));
    const auto& a = static_cast<const arrow::StringArray&>(*s);
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

bool ElementOk(TgKind k) {
  return k == TgKind::kInt || k == TgKind::kFloat || k == TgKind::kDouble || k == TgKind::kString ||
         k == TgKind::kDatetime;
}

}  // namespace

Status InitializeCompute() {
  static std::once_flag once;
  static arrow::Status status;
  std::call_once(once, [] {
    arrow::util::InitializeUTF8();  // ValidateUTF8's tables
    status = cp::Initialize();
  });
  return FromArrow(status, "initializing Arrow compute");
}

std::string_view ReasonCode(ConversionError error) {
  switch (error) {
    case ConversionError::kOutOfRange: return "out_of_range";
    case ConversionError::kUnparseable: return "unparseable";
    case ConversionError::kInvalidUtf8: return "invalid_utf8";
  }
  return "unparseable";
}

std::string FormatDatetime(int64_t seconds) {
  std::string out;
  AppendCivil(&out, seconds, 0);
  return out;
}

Result<TgType> ParseTgType(std::string_view gsql) {
  std::string s;
  for (const char c : gsql) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0)
      s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const auto scalar = [](std::string_view n) -> std::optional<TgKind> {
    if (n == "INT") return TgKind::kInt;
    if (n == "UINT") return TgKind::kUint;
    if (n == "FLOAT") return TgKind::kFloat;
    if (n == "DOUBLE") return TgKind::kDouble;
    if (n == "BOOL") return TgKind::kBool;
    if (n == "STRING") return TgKind::kString;
    if (n == "DATETIME") return TgKind::kDatetime;
    return std::nullopt;
  };
  const auto bad = [&] {
    return Status::Invalid(
        fmt::format("unknown TigerGraph type '{}' (INT, UINT, FLOAT, DOUBLE, BOOL, STRING, "
                    "DATETIME, LIST<e>, SET<e>, MAP<k, v>)",
                    gsql));
  };
  if (const auto k = scalar(s)) return TgType{*k};
  const size_t lt = s.find('<');
  if (lt == std::string::npos || s.back() != '>') return bad();
  const std::string outer = s.substr(0, lt);
  const std::string inner = s.substr(lt + 1, s.size() - lt - 2);
  TgType t;
  if (outer == "LIST" || outer == "SET") {
    const auto e = scalar(inner);
    if (!e || !ElementOk(*e)) return bad();
    t.kind = outer == "LIST" ? TgKind::kList : TgKind::kSet;
    t.elem = *e;
    return t;
  }
  if (outer == "MAP") {
    const size_t comma = inner.find(',');
    if (comma == std::string::npos) return bad();
    const auto k = scalar(inner.substr(0, comma));
    const auto v = scalar(inner.substr(comma + 1));
    if (!k || !v || !(*k == TgKind::kInt || *k == TgKind::kString || *k == TgKind::kDatetime) || !ElementOk(*v)) {
      return bad();
    }
    t.kind = TgKind::kMap;
    t.key = *k;
    t.value = *v;
    return t;
  }
  return bad();
}

namespace {

Result<TgKind> PrimitiveKind(const iceberg::Field& f) {
  const std::string_view base = BaseName(f.type);
  if (base == "boolean") return TgKind::kBool;
  if (base == "int" || base == "long") return TgKind::kInt;
  if (base == "float") return TgKind::kFloat;
  if (base == "double") return TgKind::kDouble;
  if (base == "decimal") return DecimalPrecision(f.type) <= kDoubleExactDigits ? TgKind::kDouble : TgKind::kString;
  if (base == "date" || base == "timestamp" || base == "timestamptz" || base == "timestamp_ns" ||
      base == "timestamptz_ns") {
    return TgKind::kDatetime;
  }
  if (base == "time" || base == "string" || base == "uuid" || base == "binary" || base == "fixed") {
    return TgKind::kString;
  }
  return Status::TypeError(fmt::format("the Iceberg type {} of '{}' has no TigerGraph mapping", f.type, f.name));
}

}  // namespace

Result<TgType> DefaultTgType(const iceberg::Field& field) {
  if (field.type == "struct") {
    return Status::TypeError(
        fmt::format("'{}' is a struct: map its fields by path, e.g. {}.<field>", field.name, field.name));
  }
  if (field.type == "list" || field.type == "map") {
    const bool is_map = field.type == "map";
    if (field.children.size() != (is_map ? 2u : 1u)) {
      return Status::TypeError(fmt::format("'{}' has a malformed {} type", field.name, field.type));
    }
    TgType t;
    t.kind = is_map ? TgKind::kMap : TgKind::kList;
    for (const iceberg::Field& c : field.children) {
      if (c.type == "struct" || c.type == "list" || c.type == "map") {
        return Status::TypeError(fmt::format("'{}' is a {} of {}: TigerGraph collections hold primitives only",
                                             field.name, field.type, c.type));
      }
    }
    ICEGRAPH_ASSIGN_OR_RAISE(const TgKind first, PrimitiveKind(field.children[0]));
    const TgKind elem = first == TgKind::kBool ? TgKind::kString : first;
    if (is_map) {
      ICEGRAPH_ASSIGN_OR_RAISE(const TgKind v, PrimitiveKind(field.children[1]));
      t.key = (elem == TgKind::kInt || elem == TgKind::kDatetime) ? elem : TgKind::kString;
      t.value = v == TgKind::kBool ? TgKind::kString : v;
    } else {
      t.elem = elem;
    }
    if (first == TgKind::kBool) {
      return Status::TypeError(
          fmt::format("'{}' is a {} of booleans: TigerGraph collections cannot hold BOOL; "
                      "give the attribute a type",
                      field.name, field.type));
    }
    return t;
  }
  ICEGRAPH_ASSIGN_OR_RAISE(const TgKind k, PrimitiveKind(field));
  return TgType{k};
}

Status CheckConvertible(const iceberg::Field& field, const TgType& target) {
  const auto refuse = [&] {
    return Status::TypeError(
        fmt::format("'{}' of Iceberg type {} cannot be mapped to {}", field.name, field.type, target.ToGsql()));
  };
  if (field.type == "struct") return refuse();
  if (field.type == "list" || field.type == "map") {
    const bool is_map = field.type == "map";
    if ((is_map && target.kind != TgKind::kMap) ||
        (!is_map && target.kind != TgKind::kList && target.kind != TgKind::kSet) || field.children.empty()) {
      return refuse();
    }
    iceberg::Field elem = field.children[is_map ? 1 : 0];
    ICEGRAPH_RETURN_NOT_OK(CheckConvertible(elem, TgType{is_map ? target.value : target.elem}));
    if (is_map) ICEGRAPH_RETURN_NOT_OK(CheckConvertible(field.children[0], TgType{target.key}));
    return Status::OK();
  }
  if (IsCollection(target.kind)) return refuse();
  const std::string_view base = BaseName(field.type);
  const bool numeric = base == "int" || base == "long" || base == "float" || base == "double" || base == "decimal";
  const bool temporal = base == "date" || base.rfind("timestamp", 0) == 0;
  switch (target.kind) {
    case TgKind::kString: return Status::OK();
    case TgKind::kInt:
    case TgKind::kUint:
    case TgKind::kFloat:
    case TgKind::kDouble: return numeric || base == "string" || base == "boolean" ? Status::OK() : refuse();
    case TgKind::kBool:
      return base == "boolean" || base == "int" || base == "long" || base == "string" ? Status::OK() : refuse();
    case TgKind::kDatetime:
      return temporal || base == "string" || base == "int" || base == "long" ? Status::OK() : refuse();
    default: return refuse();
  }
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
