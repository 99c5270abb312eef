// Simple row filters for scans: `column op literal` predicates ANDed together, parsed from text, bound to a schema
// by field id, and serialised with scan tasks.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "iceberg/model.h"

namespace icegraph::iceberg {

/// How a predicate compares its column with its literal.
enum class CompareOp { kEq, kNotEq, kLt, kLtEq, kGt, kGtEq, kIsNull, kNotNull };

/// "=", "!=", "<", ..., "is_null", "not_null".
std::string_view CompareOpName(CompareOp op);

/// A literal. Once bound it is in the column's storage representation: int/long/date/time/timestamp values as
/// int64 (days, µs or ns), float/double as double, string as string, decimal as its decimal text.
using Literal = std::variant<std::monostate, bool, int64_t, double, std::string>;

/// `column op literal`, or `column IS [NOT] NULL` (no literal).
struct Predicate {
  std::string column;    // top-level column name as written by the user
  int32_t field_id = 0;  // 0 until bound
  CompareOp op = CompareOp::kEq;
  Literal literal;
};

/// Predicates ANDed together; no predicates selects every row.
struct Filter {
  std::vector<Predicate> predicates;

  bool empty() const { return predicates.empty(); }
  /// True when every predicate carries a field id.
  bool bound() const;
};

/// Parses `id > 5 AND name = 'x' AND ts >= '2024-01-01T00:00:00' AND note IS NULL` (keywords in any case;
/// strings in single quotes with '' for a quote; identifiers bare, "double-quoted" or `back-quoted`).
Result<Filter> ParseFilter(std::string_view text);

/// Resolves column names (top-level, current names) to field ids of `schema` and converts each literal to the
/// column's representation (ISO dates and timestamps become days / µs / ns). Already bound predicates are
/// re-checked against the schema.
Result<Filter> BindFilter(const Filter& filter, const Schema& schema);

/// Readable form, e.g. `id > 5 AND name IS NULL`.
std::string FilterToString(const Filter& filter);

nlohmann::json FilterToJson(const Filter& filter);
Result<Filter> FilterFromJson(const nlohmann::json& j);

/// Three-way comparison of two literals of the same kind (int64 and double compare numerically); nullopt when the
/// kinds cannot be compared. Strings compare as unsigned bytes, i.e. by UTF-8 code point.
std::optional<int> CompareLiterals(const Literal& a, const Literal& b);

}  // namespace icegraph::iceberg
