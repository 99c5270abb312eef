// TigerGraph attribute types and values: parsing from GSQL type names, conversion from CSV tokens and JSON,
// and formatting in REST++ output, following TigerGraph's documented conversions.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace icegraph::emulator {

/// The scalar and container kinds of TigerGraph attributes.
enum class Kind : uint8_t {
  kInt,
  kUint,
  kFloat,
  kDouble,
  kBool,
  kString,
  kStringCompress,
  kDatetime,
  kList,
  kSet,
  kMap,
};

/// An attribute type: a scalar, or a container with element (and, for MAP, key) scalar kinds.
struct AttrType {
  Kind kind = Kind::kString;
  Kind elem = Kind::kString;  // LIST/SET element, MAP value
  Kind key = Kind::kString;   // MAP key

  bool is_container() const { return kind == Kind::kList || kind == Kind::kSet || kind == Kind::kMap; }
  /// GSQL spelling, e.g. "INT", "LIST<STRING>", "MAP<INT,DOUBLE>".
  std::string ToGsql() const;
  bool operator==(const AttrType&) const = default;
};

/// Parses a scalar GSQL type name (case-insensitive), e.g. "uint", "STRING COMPRESS" is given as "STRING_COMPRESS".
std::optional<Kind> ParseScalarKind(std::string_view name);
/// GSQL spelling of a scalar kind.
std::string_view KindName(Kind k);
bool IsNumeric(Kind k);

struct Value;
using ValueList = std::vector<Value>;

/// MAP contents in insertion order; keys unique.
struct ValueMap {
  std::vector<Value> keys;
  std::vector<Value> values;
};

bool operator==(const ValueMap& a, const ValueMap& b);

/// A stored attribute value. DATETIME is seconds since the epoch (UTC) in `int64_t`; STRING COMPRESS is a string.
struct Value {
  std::variant<int64_t, uint64_t, double, bool, std::string, ValueList, ValueMap> data;

  bool operator==(const Value& other) const;
};

/// The default value of a type (0, 0.0, false, "", 1970-01-01 00:00:00, empty container).
Value DefaultValue(const AttrType& type);

/// Converts a loading-job token to a value of `type`, as TigerGraph's loader does; error names the reason.
Result<Value> ValueFromToken(const AttrType& type, std::string_view token);
/// ValueFromToken for a scalar type and a token that is not empty (or a string's), parsed into `out` in place.
Status ScalarTokenInto(const AttrType& type, std::string_view token, Value* out);
/// Converts a REST++ JSON value (upsert body) to a value of `type`; strict about JSON types like REST++.
Result<Value> ValueFromJson(const AttrType& type, const nlohmann::json& json);
/// Renders a value as REST++ does in JSON output (DATETIME as "YYYY-MM-DD HH:MM:SS").
nlohmann::json ValueToJson(const AttrType& type, const Value& value);
/// Renders a value as a GSQL literal / plain text (used for ids, filters and defaults).
std::string ValueToText(const AttrType& type, const Value& value);

/// Parses DATETIME text in any format TigerGraph accepts; nullopt when none matches or out of range.
std::optional<int64_t> ParseDatetime(std::string_view text);
/// "YYYY-MM-DD HH:MM:SS" in UTC.
std::string FormatDatetime(int64_t epoch_seconds);

/// Compares two values of one scalar type: <0, 0, >0 (for filters and sorting).
int CompareValues(const AttrType& type, const Value& a, const Value& b);

}  // namespace icegraph::emulator
