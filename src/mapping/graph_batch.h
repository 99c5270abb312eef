// The columnar hand-off from mapping to sink: vertex and edge batches whose columns already hold TigerGraph-ready
// values in a small set of canonical Arrow types, so the sink serialises with one type switch per column.
#pragma once

#include <arrow/api.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace icegraph::mapping {

/// TigerGraph attribute kinds icegraph writes (GSQL names: INT, UINT, FLOAT, DOUBLE, BOOL, STRING, DATETIME,
/// LIST<e>, SET<e>, MAP<k,v>).
enum class TgKind : uint8_t { kInt, kUint, kFloat, kDouble, kBool, kString, kDatetime, kList, kSet, kMap };

/// A TigerGraph attribute type; `elem` for LIST/SET, `key`/`value` for MAP (primitive kinds only).
struct TgType {
  TgKind kind = TgKind::kString;
  TgKind elem = TgKind::kString;
  TgKind key = TgKind::kString;
  TgKind value = TgKind::kString;

  /// The GSQL spelling, e.g. "LIST<INT>", "MAP<STRING, DOUBLE>".
  std::string ToGsql() const;
  bool operator==(const TgType&) const = default;
};

/// The canonical Arrow type a column of `kind` has inside a batch:
///   INT → int64, UINT → uint64, FLOAT → float32, DOUBLE → float64, BOOL → boolean, STRING → utf8 (valid UTF-8),
///   DATETIME → timestamp(second, "UTC") (seconds since the epoch, already in TigerGraph's range),
///   LIST/SET → list<canonical elem>, MAP → map<canonical key, canonical value>.
std::shared_ptr<arrow::DataType> CanonicalArrowType(const TgType& type);

/// One attribute column of a batch. A null slot means "leave the attribute out of this upsert" (TigerGraph stores
/// no NULL; the existing value, or the type default for a new vertex, stays).
struct AttributeColumn {
  std::string name;  // TigerGraph attribute name
  TgType type;
  std::shared_ptr<arrow::Array> values;  // CanonicalArrowType(type)
};

/// Upserts of one vertex type: row i is vertex ids[i] with attribute values attributes[*].values[i].
struct VertexBatch {
  std::string type;                   // vertex type name
  std::shared_ptr<arrow::Array> ids;  // utf8, never null or empty
  std::vector<AttributeColumn> attributes;
  int64_t length() const { return ids ? ids->length() : 0; }
};

/// Upserts of one edge type between from_ids[i] (of from_type) and to_ids[i] (of to_type). Discriminator
/// attributes are ordinary attribute columns named in `discriminator`, never null.
struct EdgeBatch {
  std::string type;
  std::string from_type;
  std::string to_type;
  std::shared_ptr<arrow::Array> from_ids;  // utf8, never null or empty
  std::shared_ptr<arrow::Array> to_ids;    // utf8, never null or empty
  std::vector<AttributeColumn> attributes;
  std::vector<std::string> discriminator;  // attribute names, in the edge type's DISCRIMINATOR order
  int64_t length() const { return from_ids ? from_ids->length() : 0; }
};

/// A row that could not be mapped or that TigerGraph refused; kept, never dropped.
struct DeadLetter {
  std::string mapping;      // "<table>/<vertex|edge>:<type>", e.g. "shop.purchases/edge:PLACED"
  std::string row_key;      // the id (or "from->to") as far as it could be computed; may be empty
  std::string reason_code;  // stable code: null_id, empty_id, out_of_range, unparseable, invalid_utf8, tg_rejected…
  std::string message;      // human sentence naming the column and value
  std::string row_json;     // the source row (or the payload TigerGraph refused) as a JSON object
};

}  // namespace icegraph::mapping
