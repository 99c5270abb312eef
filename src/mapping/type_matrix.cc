// The type-level half of the type matrix (type_matrix.h): default TigerGraph types, which conversions are allowed,
// GSQL type text. Converting the values themselves is type_convert.cc.
#include "mapping/type_matrix.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <string>

#include "common/datetime.h"
#include "mapping/type_matrix_internal.h"

namespace icegraph::mapping {
namespace {

using detail::BaseName;
using detail::DecimalPrecision;
using detail::IsCollection;

bool ElementOk(TgKind k) {
  return k == TgKind::kInt || k == TgKind::kFloat || k == TgKind::kDouble || k == TgKind::kString ||
         k == TgKind::kDatetime;
}

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

std::string_view ReasonCode(ConversionError error) {
  switch (error) {
    case ConversionError::kOutOfRange: return "out_of_range";
    case ConversionError::kUnparseable: return "unparseable";
    case ConversionError::kInvalidUtf8: return "invalid_utf8";
  }
  return "unparseable";
}

std::string FormatDatetime(int64_t seconds) { return datetime::FormatSeconds(seconds, ' '); }

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

}  // namespace icegraph::mapping
