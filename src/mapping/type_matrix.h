// The Iceberg → TigerGraph type matrix, and the columnar conversion of Arrow arrays (as the Iceberg reader produces
// them, see iceberg/arrow_conform.h) into the canonical Arrow types of graph_batch.h.
//
// Default mapping (DefaultTgType):
//   boolean → BOOL; int, long → INT; float → FLOAT; double → DOUBLE;
//   decimal(p,s) → DOUBLE when p <= 15 (every value round-trips), else STRING (exact decimal text). An attribute
//     `type: DOUBLE` forces DOUBLE: then values with more than 15 significant digits are `out_of_range`, never
//     rounded silently;
//   date → DATETIME (midnight UTC); time → STRING "HH:MM:SS" or "HH:MM:SS.ffffff" (fraction only when non-zero);
//   timestamp, timestamptz → DATETIME in UTC, seconds: the sub-second part is dropped (floored, so
//     1969-12-31 23:59:59.5 → 23:59:59); timestamp without zone is taken as UTC wall time;
//   string → STRING (invalid UTF-8 → `invalid_utf8`); uuid → STRING canonical 8-4-4-4-12 lower-case hex;
//   binary, fixed[n] → STRING, lower-case hex (two characters per byte, no prefix);
//   list<p> → LIST<p'>, map<k,v> → MAP<k',v'> (primitives only; a null element or map value is dropped, as
//     TigerGraph collections hold no null); struct fields are mapped by path (a.b), never as a whole.
// DATETIME values outside TigerGraph's range 1582-10-15 00:00:00 .. 9999-12-31 23:59:59 are `out_of_range`.
// Float/double NaN and ±Infinity are `out_of_range` (TigerGraph's JSON cannot carry them).
#pragma once

#include <arrow/api.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "iceberg/model.h"
#include "mapping/graph_batch.h"

namespace icegraph::mapping {

/// TigerGraph's DATETIME range in seconds since the epoch (as the emulator, src/emulator/value.cc).
inline constexpr int64_t kTgMinDatetime = -12219292800;  // 1582-10-15 00:00:00 UTC
inline constexpr int64_t kTgMaxDatetime = 253402300799;  // 9999-12-31 23:59:59 UTC
/// Significant decimal digits a DOUBLE holds exactly (round trip text → double → text).
inline constexpr int kDoubleExactDigits = 15;

/// Why one value could not be converted.
enum class ConversionError : uint8_t { kOutOfRange, kUnparseable, kInvalidUtf8 };

/// The dead-letter reason code: "out_of_range", "unparseable", "invalid_utf8".
std::string_view ReasonCode(ConversionError error);

/// One value that did not convert; its slot in the output is null.
struct RowError {
  int64_t row = 0;
  ConversionError error = ConversionError::kOutOfRange;
  std::string value;   // the source value as text (hex-escaped bytes when not UTF-8), cut to 100 bytes
  std::string detail;  // e.g. "negative value for UINT"
};

/// A canonical array plus the rows that failed (sparse: errors are rare), in row order.
struct Converted {
  std::shared_ptr<arrow::Array> values;
  std::vector<RowError> errors;
};

/// Parses a GSQL type: INT, UINT, FLOAT, DOUBLE, BOOL, STRING, DATETIME, LIST<e>, SET<e>, MAP<k, v>.
Result<TgType> ParseTgType(std::string_view gsql);

/// The TigerGraph type an Iceberg field maps to by default; TypeError for struct, nested collections, or
/// collections of types TigerGraph collections cannot hold.
Result<TgType> DefaultTgType(const iceberg::Field& field);

/// Whether values of `field` can be converted to `target` (explicit casts and `type:` overrides); TypeError naming
/// both types when not.
Status CheckConvertible(const iceberg::Field& field, const TgType& target);

/// Converts `array` (holding values of Iceberg `source` in the reader's Arrow type; plain Arrow types from
/// expressions also work) into CanonicalArrowType(target). Nulls stay null; values that do not fit are null with a
/// RowError. Strings parse strictly for cast() targets: integers in decimal, floats via from_chars, BOOL as
/// true/false/1/0 (any case), DATETIME as "YYYY-MM-DD[ |T]hh:mm:ss[.f][Z|±hh:mm]" or "YYYY-MM-DD".
Result<Converted> ConvertToCanonical(const std::shared_ptr<arrow::Array>& array, const iceberg::Field& source,
                                     const TgType& target);

/// Same, for a primitive Iceberg type name ("long", "uuid", ...) or "" when only the Arrow type matters.
Result<Converted> ConvertToCanonical(const std::shared_ptr<arrow::Array>& array, std::string_view iceberg_type,
                                     const TgType& target);

/// Registers Arrow's compute kernels (utf8_lower, coalesce, filter, ...) once; libarrow_compute needs it since
/// Arrow 21. The mapping functions call it themselves.
Status InitializeCompute();

/// Seconds since the epoch as TigerGraph's DATETIME text "YYYY-MM-DD hh:mm:ss".
std::string FormatDatetime(int64_t seconds);

}  // namespace icegraph::mapping
