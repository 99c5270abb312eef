// Dates and times in one place: the proleptic Gregorian calendar (days since 1970-01-01 and back) and one ISO-8601
// parser for dates, times and timestamps, which the Iceberg reader, the type conversions and the service share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace icegraph::datetime {

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; any year).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

struct CivilDate {
  int64_t year = 1970;
  unsigned month = 1;
  unsigned day = 1;
};
/// The civil date `days` after 1970-01-01 (negative: before).
CivilDate CivilFromDays(int64_t days);

/// a / b rounded towards negative infinity (b > 0).
inline int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/// A parsed ISO-8601 timestamp in UTC: whole seconds since the epoch and the fraction of a second.
struct Timestamp {
  int64_t seconds = 0;      // since 1970-01-01T00:00:00Z, the offset applied
  int64_t nanos = 0;        // 0..999'999'999, the first nine fraction digits
  int fraction_digits = 0;  // digits written after the decimal mark
  bool sub_nanos = false;   // a non-zero digit after the ninth was dropped
};

/// "YYYY-MM-DD[(T|t| )hh:mm[:ss[(.|,)f+]]][Z|z|±hh[[:]mm]]" (a date alone is midnight UTC). Errors are kInvalid and
/// say "'<text>' is not an ISO-8601 timestamp".
Result<Timestamp> ParseTimestamp(std::string_view text);

/// A timestamp as units of 10^-digits seconds since the epoch (digits 6: µs, 9: ns); fraction digits that would be
/// lost (non-zero beyond `digits`, or more than nine) are an error.
Result<int64_t> ParseTimestampUnits(std::string_view text, int digits);

/// "YYYY-MM-DD" → days since 1970-01-01.
Result<int32_t> ParseDate(std::string_view text);

/// "hh:mm[:ss[.f]]" → units of 10^-digits seconds since midnight (digits 6: µs); more non-zero fraction digits
/// than `digits` are an error (they would be lost).
Result<int64_t> ParseTime(std::string_view text, int digits = 6);

/// "YYYY-MM-DD<sep>hh:mm:ss" of whole seconds since the epoch.
std::string FormatSeconds(int64_t seconds, char separator = 'T');

}  // namespace icegraph::datetime
