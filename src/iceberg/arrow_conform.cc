#include "iceberg/arrow_conform.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/util/decimal.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "iceberg/iso_datetime.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

Result<std::string> HexToBytes(const std::string& hex) {
  if (hex.size() % 2 != 0) return Status::Invalid("'" + hex + "' is not hex");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < hex.size(); ++i) {
    const char c = hex[i];
    const int v = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
    if (v < 0) return Status::Invalid("'" + hex + "' is not hex");
    out[i / 2] = static_cast<char>(out[i / 2] | (i % 2 == 0 ? v << 4 : v));
  }
  return out;
}

// "f79c3e09-677c-4bbd-a479-3f349cb785e7" → 16 bytes.
Result<std::string> UuidToBytes(const std::string& text) {
  std::string hex;
  for (const char c : text) {
    if (c != '-') hex += c;
  }
  if (hex.size() != 32) return Status::Invalid("'" + text + "' is not a UUID");
  return HexToBytes(hex);
}

Result<std::shared_ptr<arrow::Scalar>> DecimalScalar(const json& v, const std::shared_ptr<arrow::DataType>& type,
                                                     JsonValueForm form) {
  const auto& dt = static_cast<const arrow::Decimal128Type&>(*type);
  if (form == JsonValueForm::kPartition && v.is_string()) {
    ICEGRAPH_ASSIGN_OR_RAISE(const std::string bytes, HexToBytes(v.get<std::string>()));
    auto d = arrow::Decimal128::FromBigEndian(reinterpret_cast<const uint8_t*>(bytes.data()),
                                              static_cast<int32_t>(bytes.size()));
    if (!d.ok()) return FromArrowStatus(d.status(), "decimal partition value");
    return std::static_pointer_cast<arrow::Scalar>(std::make_shared<arrow::Decimal128Scalar>(*d, type));
  }
  const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  arrow::Decimal128 value;
  int32_t precision = 0;
  int32_t scale = 0;
  if (!arrow::Decimal128::FromString(text, &value, &precision, &scale).ok())
    return Status::Invalid("'" + text + "' is not a decimal");
  auto rescaled = value.Rescale(scale, dt.scale());
  if (!rescaled.ok()) return FromArrowStatus(rescaled.status(), "decimal '" + text + "'");
  return std::static_pointer_cast<arrow::Scalar>(std::make_shared<arrow::Decimal128Scalar>(*rescaled, type));
}

// Integers or ISO text for date/time/timestamp columns, in the column's unit.
Result<int64_t> TemporalValue(const json& v, const arrow::DataType& type) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (!v.is_string()) return Status::Invalid("expected an integer or ISO-8601 text, got " + v.dump());
  const std::string s = v.get<std::string>();
  switch (type.id()) {
    case arrow::Type::DATE32: {
      ICEGRAPH_ASSIGN_OR_RAISE(const int32_t days, ParseIsoDate(s));
      return int64_t{days};
    }
    case arrow::Type::TIME64: return ParseIsoTime(s);
    case arrow::Type::TIMESTAMP:
      return ParseIsoTimestamp(s, static_cast<const arrow::TimestampType&>(type).unit() == arrow::TimeUnit::NANO);
    default: return Status::Internal("not a temporal type: " + type.ToString());
  }
}

// Struct child `c` in a struct type from a file: by field id, or by name when the file carries no ids.
int FindChild(const arrow::StructType& type, const Field& c) {
  int by_name = -1;
  bool any_ids = false;
  for (int i = 0; i < type.num_fields(); ++i) {
    const std::optional<int32_t> id = FieldIdOf(*type.field(i));
    any_ids = any_ids || id.has_value();
    if (id == c.id) return i;
    if (type.field(i)->name() == c.name) by_name = i;
  }
  return any_ids ? -1 : by_name;
}

Status TypeMismatch(const Field& field, const arrow::DataType& found) {
  return Status::TypeError("column '" + field.name + "' (field id " + std::to_string(field.id) + ", Iceberg type " +
                           field.type + ") was written as Arrow type " + found.ToString() +
                           ", which does not promote to it");
}

}  // namespace

std::optional<int32_t> FieldIdOf(const arrow::Field& field) {
  const auto& md = field.metadata();
  if (md == nullptr) return std::nullopt;
  const int i = md->FindKey(kFieldIdMetadataKey);
  if (i < 0) return std::nullopt;
  try {
    return std::stoi(md->value(i));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Result<std::shared_ptr<arrow::DataType>> ArrowTypeOf(const Field& f) {
  const std::string& t = f.type;
  if (t == "boolean") return arrow::boolean();
  if (t == "int") return arrow::int32();
  if (t == "long") return arrow::int64();
  if (t == "float") return arrow::float32();
  if (t == "double") return arrow::float64();
  if (t == "string") return arrow::utf8();
  if (t == "binary") return arrow::binary();
  if (t == "uuid") return arrow::fixed_size_binary(16);
  if (t == "date") return arrow::date32();
  if (t == "time") return arrow::time64(arrow::TimeUnit::MICRO);
  if (t == "timestamp") return arrow::timestamp(arrow::TimeUnit::MICRO);
  if (t == "timestamptz") return arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  if (t == "timestamp_ns") return arrow::timestamp(arrow::TimeUnit::NANO);
  if (t == "timestamptz_ns") return arrow::timestamp(arrow::TimeUnit::NANO, "UTC");
  if (t == "unknown") return arrow::null();
  if (t.starts_with("fixed[") && t.ends_with("]")) return arrow::fixed_size_binary(std::stoi(t.substr(6)));
  if (t.starts_with("decimal(")) {
    const int p = std::stoi(t.substr(8));
    const int s = std::stoi(t.substr(t.find(',') + 1));
    return arrow::decimal128(p, s);
  }
  if (t == "struct") {
    arrow::FieldVector children;
    for (const Field& c : f.children) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto cf, ArrowFieldOf(c));
      children.push_back(std::move(cf));
    }
    return arrow::struct_(children);
  }
  if (t == "list") {
    ICEGRAPH_ASSIGN_OR_RAISE(auto element, ArrowFieldOf(f.children.at(0)));
    return arrow::list(element);
  }
  if (t == "map") {
    ICEGRAPH_ASSIGN_OR_RAISE(auto key, ArrowFieldOf(f.children.at(0)));
    ICEGRAPH_ASSIGN_OR_RAISE(auto value, ArrowFieldOf(f.children.at(1)));
    return std::static_pointer_cast<arrow::DataType>(std::make_shared<arrow::MapType>(key->WithNullable(false), value));
  }
  return Status::NotImplemented("reading Iceberg type '" + t + "' (column '" + f.name + "') is not supported");
}

Result<std::shared_ptr<arrow::Field>> ArrowFieldOf(const Field& f) {
  ICEGRAPH_ASSIGN_OR_RAISE(auto type, ArrowTypeOf(f));
  return arrow::field(f.name, std::move(type), !f.required,
                      arrow::key_value_metadata({kFieldIdMetadataKey}, {std::to_string(f.id)}));
}

Result<std::shared_ptr<arrow::Array>> ConformArray(const std::shared_ptr<arrow::Array>& in, const Field& field,
                                                   arrow::MemoryPool* pool) {
  ICEGRAPH_ASSIGN_OR_RAISE(const auto target, ArrowTypeOf(field));
  std::shared_ptr<arrow::Array> array = in;
  if (array->type_id() == arrow::Type::EXTENSION) array = static_cast<const arrow::ExtensionArray&>(*in).storage();
  const auto& data = array->data();
  if (field.type == "struct") {
    if (array->type_id() != arrow::Type::STRUCT) return TypeMismatch(field, *array->type());
    const auto& st = static_cast<const arrow::StructType&>(*array->type());
    std::vector<std::shared_ptr<arrow::ArrayData>> children;
    for (const Field& c : field.children) {
      const int src = FindChild(st, c);
      std::shared_ptr<arrow::Array> child;
      if (src >= 0) {
        // Child data is not offset-adjusted: conform it whole and keep the struct's offset.
        ICEGRAPH_ASSIGN_OR_RAISE(child,
                                 ConformArray(arrow::MakeArray(data->child_data[static_cast<size_t>(src)]), c, pool));
      } else {
        ICEGRAPH_ASSIGN_OR_RAISE(child, AbsentColumn(c, nullptr, data->offset + data->length, pool));
      }
      children.push_back(child->data());
    }
    return arrow::MakeArray(
        arrow::ArrayData::Make(target, data->length, {data->buffers[0]}, children, data->null_count, data->offset));
  }
  if (field.type == "list") {
    if (array->type_id() == arrow::Type::LARGE_LIST || array->type_id() == arrow::Type::LIST_VIEW ||
        array->type_id() == arrow::Type::LARGE_LIST_VIEW) {
      const auto value_field = static_cast<const arrow::BaseListType&>(*array->type()).value_field();
      auto cast = arrow::compute::Cast(*array, arrow::list(value_field), arrow::compute::CastOptions::Safe());
      if (!cast.ok()) return TypeMismatch(field, *array->type());
      array = *cast;
    }
    if (array->type_id() != arrow::Type::LIST) return TypeMismatch(field, *array->type());
    const auto& d = array->data();
    ICEGRAPH_ASSIGN_OR_RAISE(auto values, ConformArray(arrow::MakeArray(d->child_data[0]), field.children.at(0), pool));
    return arrow::MakeArray(arrow::ArrayData::Make(target, d->length, {d->buffers[0], d->buffers[1]}, {values->data()},
                                                   d->null_count, d->offset));
  }
  if (field.type == "map") {
    if (array->type_id() != arrow::Type::MAP) return TypeMismatch(field, *array->type());
    const auto& entries = data->child_data[0];
    ICEGRAPH_ASSIGN_OR_RAISE(auto keys,
                             ConformArray(arrow::MakeArray(entries->child_data[0]), field.children.at(0), pool));
    ICEGRAPH_ASSIGN_OR_RAISE(auto items,
                             ConformArray(arrow::MakeArray(entries->child_data[1]), field.children.at(1), pool));
    const auto entries_type = static_cast<const arrow::MapType&>(*target).value_type();
    auto new_entries = arrow::ArrayData::Make(entries_type, entries->length, {entries->buffers[0]},
                                              {keys->data(), items->data()}, entries->null_count, entries->offset);
    return arrow::MakeArray(arrow::ArrayData::Make(target, data->length, {data->buffers[0], data->buffers[1]},
                                                   {new_entries}, data->null_count, data->offset));
  }
  if (array->type()->Equals(*target)) return array;
  arrow::compute::ExecContext ctx(pool);
  auto cast = arrow::compute::Cast(*array, target, arrow::compute::CastOptions::Safe(), &ctx);
  if (!cast.ok()) return TypeMismatch(field, *array->type());
  return *cast;
}

Result<std::shared_ptr<arrow::Array>> AbsentColumn(const Field& field, const std::shared_ptr<arrow::Scalar>& value,
                                                   int64_t length, arrow::MemoryPool* pool) {
  ICEGRAPH_ASSIGN_OR_RAISE(const auto type, ArrowTypeOf(field));
  std::shared_ptr<arrow::Scalar> fill = value;
  if (fill == nullptr && field.initial_default_json) {
    const json v = json::parse(*field.initial_default_json, nullptr, /*allow_exceptions=*/false);
    if (v.is_discarded()) return Status::Invalid("initial-default of '" + field.name + "' is not JSON");
    auto s = ScalarFromJson(v, type, JsonValueForm::kSingleValue);
    if (!s.ok()) return s.status().WithContext("initial-default of column '" + field.name + "'");
    fill = *s;
  }
  auto out =
      fill != nullptr ? arrow::MakeArrayFromScalar(*fill, length, pool) : arrow::MakeArrayOfNull(type, length, pool);
  if (!out.ok()) return FromArrowStatus(out.status(), "column '" + field.name + "'");
  return *out;
}

Result<std::shared_ptr<arrow::Scalar>> ScalarFromJson(const json& v, const std::shared_ptr<arrow::DataType>& type,
                                                      JsonValueForm form) {
  using arrow::Scalar;
  const auto bad = [&] { return Status::Invalid(v.dump() + " is not a " + type->ToString() + " value"); };
  if (v.is_null()) return arrow::MakeNullScalar(type);
  switch (type->id()) {
    case arrow::Type::BOOL:
      if (!v.is_boolean()) return bad();
      return std::static_pointer_cast<Scalar>(std::make_shared<arrow::BooleanScalar>(v.get<bool>()));
    case arrow::Type::INT32:
    case arrow::Type::INT64: {
      if (!v.is_number_integer()) return bad();
      auto s = std::make_shared<arrow::Int64Scalar>(v.get<int64_t>())->CastTo(type);
      if (!s.ok()) return bad();
      return *s;
    }
    case arrow::Type::FLOAT:
    case arrow::Type::DOUBLE: {
      double d = 0;
      if (v.is_number()) {
        d = v.get<double>();
      } else if (v.is_string() && (v == "NaN" || v == "Infinity" || v == "-Infinity")) {
        d = v == "NaN" ? std::nan("") : (v == "Infinity" ? HUGE_VAL : -HUGE_VAL);
      } else {
        return bad();
      }
      if (type->id() == arrow::Type::FLOAT)
        return std::static_pointer_cast<Scalar>(std::make_shared<arrow::FloatScalar>(static_cast<float>(d)));
      return std::static_pointer_cast<Scalar>(std::make_shared<arrow::DoubleScalar>(d));
    }
    case arrow::Type::DATE32: {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t days, TemporalValue(v, *type));
      return std::static_pointer_cast<Scalar>(std::make_shared<arrow::Date32Scalar>(static_cast<int32_t>(days)));
    }
    case arrow::Type::TIME64: {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t t, TemporalValue(v, *type));
      return std::static_pointer_cast<Scalar>(std::make_shared<arrow::Time64Scalar>(t, type));
    }
    case arrow::Type::TIMESTAMP: {
      ICEGRAPH_ASSIGN_OR_RAISE(const int64_t t, TemporalValue(v, *type));
      return std::static_pointer_cast<Scalar>(std::make_shared<arrow::TimestampScalar>(t, type));
    }
    case arrow::Type::STRING:
      if (!v.is_string()) return bad();
      return std::static_pointer_cast<Scalar>(std::make_shared<arrow::StringScalar>(v.get<std::string>()));
    case arrow::Type::BINARY: {
      if (!v.is_string()) return bad();
      ICEGRAPH_ASSIGN_OR_RAISE(std::string bytes, HexToBytes(v.get<std::string>()));
      return std::static_pointer_cast<Scalar>(std::make_shared<arrow::BinaryScalar>(std::move(bytes)));
    }
    case arrow::Type::FIXED_SIZE_BINARY: {
      if (!v.is_string()) return bad();
      const std::string text = v.get<std::string>();
      const bool uuid_text = form == JsonValueForm::kSingleValue && text.find('-') != std::string::npos;
      ICEGRAPH_ASSIGN_OR_RAISE(const std::string bytes, uuid_text ? UuidToBytes(text) : HexToBytes(text));
      if (static_cast<int>(bytes.size()) != static_cast<const arrow::FixedSizeBinaryType&>(*type).byte_width())
        return bad();
      return std::static_pointer_cast<Scalar>(
          std::make_shared<arrow::FixedSizeBinaryScalar>(arrow::Buffer::FromString(bytes), type));
    }
    case arrow::Type::DECIMAL128: return DecimalScalar(v, type, form);
    default: return Status::NotImplemented("values of type " + type->ToString() + " from JSON");
  }
}

Result<std::shared_ptr<arrow::Scalar>> ScalarFromLiteral(const Literal& literal,
                                                         const std::shared_ptr<arrow::DataType>& type) {
  json v;
  if (const auto* b = std::get_if<bool>(&literal)) v = *b;
  if (const auto* i = std::get_if<int64_t>(&literal)) v = *i;
  if (const auto* d = std::get_if<double>(&literal)) v = *d;
  if (const auto* s = std::get_if<std::string>(&literal)) v = *s;
  // Bound literals of temporal columns are already integers in the column's unit; decimals are text.
  return ScalarFromJson(v, type, JsonValueForm::kSingleValue);
}

}  // namespace icegraph::iceberg
