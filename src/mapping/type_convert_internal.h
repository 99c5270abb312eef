// Shared by the value-conversion files of the type matrix (type_convert.cc, type_convert_numeric.cc,
// type_convert_text.cc); not part of its interface.
#pragma once

#include <arrow/compute/api.h>
#include <arrow/util/decimal.h>

#include <cctype>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/arrow_status.h"
#include "mapping/type_matrix.h"
#include "mapping/type_matrix_internal.h"

namespace icegraph::mapping::detail {

namespace cp = arrow::compute;
using ErrCode = ConversionError;

inline constexpr int64_t kSecondsPerDay = 86400;

std::string ToUpper(std::string_view s);

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

/// Bytes as text for messages: UTF-8 kept, other bytes as \xNN, cut at 100 bytes.
std::string Echo(std::string_view s);

/// Value `i` of `a` as text for a dead letter (Echo of its text).
std::string ScalarText(const arrow::Array& a, int64_t i);

inline Status FromArrow(const arrow::Status& st, std::string_view what) { return FromArrowStatus(st, what); }

template <typename T>
Result<T> FromArrow(arrow::Result<T> r, std::string_view what) {
  return FromArrowResult(std::move(r), what);
}

Result<std::shared_ptr<arrow::Array>> Cast(const std::shared_ptr<arrow::Array>& a,
                                           const std::shared_ptr<arrow::DataType>& to, bool safe = true);

bool IsIntegerType(arrow::Type::type t);
bool IsStringType(arrow::Type::type t);

/// The exact decimal text with `scale` fraction digits (type_convert_numeric.cc).
std::string PlainDecimal(const arrow::Decimal128& v, int32_t scale);

// A column converted in one pass into a new values buffer can keep the input's validity bitmap as it is when the
// input starts at offset 0 or has no nulls; ColumnOfValues then makes the output column from the two.
inline bool CanShareValidity(const arrow::Array& in) { return in.offset() == 0 || in.null_count() == 0; }
inline Converted ColumnOfValues(const arrow::Array& in, const std::shared_ptr<arrow::DataType>& type,
                                std::shared_ptr<arrow::Buffer> values) {
  const int64_t nulls = in.null_count();
  std::shared_ptr<arrow::Buffer> validity = nulls == 0 ? nullptr : in.data()->buffers[0];
  return Converted{
      arrow::MakeArray(arrow::ArrayData::Make(type, in.length(), {std::move(validity), std::move(values)}, nulls)), {}};
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

// The scalar targets: type_convert_numeric.cc (INT, UINT, FLOAT, DOUBLE, BOOL), type_convert_text.cc (DATETIME,
// STRING).
template <typename OutT>
Result<Converted> ToInteger(const std::shared_ptr<arrow::Array>& in, const std::shared_ptr<arrow::DataType>& out_type);
template <typename OutT>
Result<Converted> ToFloating(const std::shared_ptr<arrow::Array>& in, const std::shared_ptr<arrow::DataType>& out_type,
                             bool check_decimal_digits);
Result<Converted> ToBool(const std::shared_ptr<arrow::Array>& in);
Result<Converted> ToDatetime(const std::shared_ptr<arrow::Array>& in, const std::shared_ptr<arrow::DataType>& type);
Result<Converted> ToStringKind(const std::shared_ptr<arrow::Array>& in, std::string_view iceberg_type);

}  // namespace icegraph::mapping::detail
