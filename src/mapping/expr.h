// Attribute expressions and `where` conditions of a mapping: parsed into a small AST, bound to an Iceberg schema
// (errors name the column), evaluated on an arrow::RecordBatch with Arrow compute kernels.
//
// Expressions:  column | a.b.c (struct path) | 'text' ('' for a quote) | 12 | -1.5
//               | cast(e as int|uint|double|float|string|bool|datetime) | concat(e, e, ...) | lower(e) | upper(e)
//               | coalesce(e, e, ...)
// concat yields null when any argument is null (wrap arguments in coalesce() to avoid that); non-string arguments
// are formatted as the STRING conversion of type_matrix.h does. coalesce() converts later arguments to the first
// argument's type. Function names and `as` types are case-insensitive.
// Conditions:   e (=|==|!=|<>|<|<=|>|>=) e | e IS [NOT] NULL | c AND c | c OR c | NOT c | (c)
// A condition that is null (a null operand) selects nothing, as in SQL.
#pragma once

#include <arrow/api.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "iceberg/model.h"
#include "iceberg/scan_filter.h"
#include "mapping/graph_batch.h"
#include "mapping/type_matrix.h"

namespace icegraph::mapping {

struct Expr {
  enum class Kind { kColumn, kString, kNumber, kCast, kConcat, kLower, kUpper, kCoalesce };
  Kind kind = Kind::kColumn;
  std::string text;        // column path as written, literal text, or function name
  std::vector<Expr> args;  // function arguments
  TgKind cast_to = TgKind::kString;

  // Filled by BindExpr:
  std::vector<int32_t> field_ids;  // kColumn: field id per path step
  iceberg::Field field;            // the value's Iceberg field (synthetic for computed values)
  TgType type;                     // the TigerGraph type the value maps to by default
  bool bound = false;
};

/// Parses an attribute expression.
Result<Expr> ParseExpr(std::string_view text);

/// Resolves columns against `schema` and types every node; errors name the column, e.g. "column 'uid' not found".
Status BindExpr(Expr* expr, const iceberg::Schema& schema);

/// Top-level field ids an expression reads (for the scan projection), appended to `out`.
void CollectFieldIds(const Expr& expr, std::vector<int32_t>* out);

/// An evaluated expression: values in an Arrow type the type matrix converts from, plus rows that failed on the
/// way (invalid UTF-8 under lower(), a cast that did not parse...), those rows null in `values`.
struct Evaluated {
  std::shared_ptr<arrow::Array> values;
  std::vector<RowError> errors;
};

/// Evaluates a bound expression on `batch`, whose columns carry Iceberg field ids in their metadata
/// (iceberg::kFieldIdMetadataKey) or, failing that, the field's current name.
Result<Evaluated> EvaluateExpr(const Expr& expr, const arrow::RecordBatch& batch);

/// Readable form, e.g. "lower(email)".
std::string ExprToString(const Expr& expr);

struct Condition {
  enum class Kind { kAnd, kOr, kNot, kCompare, kIsNull, kIsNotNull };
  Kind kind = Kind::kCompare;
  std::string op;  // kCompare: "=", "!=", "<", "<=", ">", ">="
  std::vector<Expr> operands;
  std::vector<Condition> children;
};

/// Parses a `where` condition.
Result<Condition> ParseCondition(std::string_view text);

/// Binds every operand of `cond` to `schema`.
Status BindCondition(Condition* cond, const iceberg::Schema& schema);

/// Top-level field ids a condition reads, appended to `out`.
void CollectFieldIds(const Condition& cond, std::vector<int32_t>* out);

/// The rows `cond` selects (never null: unknown is false).
Result<std::shared_ptr<arrow::BooleanArray>> EvaluateCondition(const Condition& cond, const arrow::RecordBatch& batch);

/// The part of `cond` a scan can push down: the ANDed `column op literal` / IS [NOT] NULL predicates on top-level
/// columns, bound to `schema`. `complete` is set when that part is the whole condition.
iceberg::Filter PushableFilter(const Condition& cond, const iceberg::Schema& schema, bool* complete);

}  // namespace icegraph::mapping
