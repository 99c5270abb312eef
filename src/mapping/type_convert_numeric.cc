// The numeric and boolean targets of the type matrix (INT, UINT, FLOAT, DOUBLE, BOOL; type_matrix.h).
#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "mapping/type_convert_internal.h"

namespace icegraph::mapping::detail {
namespace {

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

// The double nearest to the decimal. Arrow's ToDouble is not correctly rounded (0.008611 came back as
// 0.008610999999999999), which breaks "every decimal(p <= 15) round-trips through a double".
// Powers of ten that are exact doubles.
constexpr double kPow10Exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// The unscaled value of a decimal128 slot (two 64-bit words, low word first) when it is within +-2^53, where it is an
// exact double, so dividing it by an exact power of ten rounds once (as DecimalToDouble does); nullopt otherwise.
std::optional<int64_t> SmallUnscaled(const uint8_t* slot) {
  if constexpr (std::endian::native != std::endian::little) return std::nullopt;
  int64_t words[2];
  std::memcpy(words, slot, sizeof(words));
  constexpr int64_t kExact = int64_t{1} << 53;
  if ((words[1] == 0 && words[0] >= 0 && words[0] < kExact) || (words[1] == -1 && words[0] < 0 && words[0] > -kExact)) {
    return words[0];
  }
  return std::nullopt;
}

double DecimalToDouble(const arrow::Decimal128& v, int32_t scale) {
  const auto& kPow10 = kPow10Exact;
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

}  // namespace

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

// The common decimal column, every slot's unscaled value small (SmallUnscaled): one pass into a new values buffer, the
// input's validity bitmap shared. nullopt sends the column to the per-value path.
template <typename OutT>
Result<std::optional<Converted>> SmallDecimalsToFloating(const arrow::Decimal128Array& a,
                                                         const std::shared_ptr<arrow::DataType>& out_type) {
  const int32_t scale = static_cast<const arrow::Decimal128Type&>(*a.type()).scale();
  if (scale < 0 || scale > 22 || !CanShareValidity(a)) return std::optional<Converted>();
  const int64_t n = a.length();
  ICEGRAPH_ASSIGN_OR_RAISE(std::shared_ptr<arrow::Buffer> values,
                           FromArrow(arrow::AllocateBuffer(n * static_cast<int64_t>(sizeof(OutT))), "reserve"));
  auto* dst = reinterpret_cast<OutT*>(values->mutable_data());
  const uint8_t* src = a.raw_values();
  const double divisor = kPow10Exact[scale];
  bool fits = true;
  for (int64_t i = 0; i < n; ++i) {
    const std::optional<int64_t> unscaled = SmallUnscaled(src + 16 * i);
    fits &= unscaled.has_value();
    dst[i] = static_cast<OutT>(static_cast<double>(unscaled.value_or(0)) / divisor);
  }
  if (!fits) return std::optional<Converted>();
  return std::optional<Converted>(ColumnOfValues(a, out_type, std::move(values)));
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
  if (id == arrow::Type::DECIMAL128 && !check_decimal_digits) {
    ICEGRAPH_ASSIGN_OR_RAISE(std::optional<Converted> fast,
                             SmallDecimalsToFloating<OutT>(static_cast<const arrow::Decimal128Array&>(*in), out_type));
    if (fast) return std::move(*fast);
  }
  if (id == arrow::Type::DOUBLE && !kFloat) {
    // Doubles to DOUBLE: the column itself when every slot is finite (null slots' values included, so one tight
    // loop decides), else row by row below, which refuses the NaNs and infinities.
    const auto& a = static_cast<const arrow::DoubleArray&>(*in);
    const double* v = a.raw_values();
    bool finite = true;
    for (int64_t i = 0; i < a.length(); ++i) finite &= std::isfinite(v[i]);
    if (finite) return Converted{in, {}};
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
    const bool small_scale = scale >= 0 && scale <= 22;
    for (int64_t i = 0; i < a.length(); ++i) {
      if (a.IsNull(i)) {
        out.Null();
        continue;
      }
      if (small_scale && !check_decimal_digits) {
        if (const std::optional<int64_t> unscaled = SmallUnscaled(a.GetValue(i))) {
          put(i, static_cast<double>(*unscaled) / kPow10Exact[scale]);
          continue;
        }
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

template Result<Converted> ToInteger<int64_t>(const std::shared_ptr<arrow::Array>&,
                                              const std::shared_ptr<arrow::DataType>&);
template Result<Converted> ToInteger<uint64_t>(const std::shared_ptr<arrow::Array>&,
                                               const std::shared_ptr<arrow::DataType>&);
template Result<Converted> ToFloating<float>(const std::shared_ptr<arrow::Array>&,
                                             const std::shared_ptr<arrow::DataType>&, bool);
template Result<Converted> ToFloating<double>(const std::shared_ptr<arrow::Array>&,
                                              const std::shared_ptr<arrow::DataType>&, bool);

}  // namespace icegraph::mapping::detail
