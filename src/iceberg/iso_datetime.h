// ISO-8601 dates, times and timestamps in the units Iceberg stores: days, or micro/nanoseconds since the epoch.
// The parsing is common/datetime.h's; these names give its results in Iceberg's units.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/datetime.h"
#include "common/status.h"

namespace icegraph::iceberg {

/// "2024-03-01" → days since 1970-01-01.
inline Result<int32_t> ParseIsoDate(std::string_view text) { return datetime::ParseDate(text); }

/// "13:45:00[.ffffff]" → microseconds since midnight.
inline Result<int64_t> ParseIsoTime(std::string_view text) { return datetime::ParseTime(text, 6); }

/// "2024-03-01[(T| )13:45[:00[.fffffffff]]][Z|±hh[:mm]]" → µs (or ns with `nanos`) since the epoch, in UTC.
inline Result<int64_t> ParseIsoTimestamp(std::string_view text, bool nanos = false) {
  return datetime::ParseTimestampUnits(text, nanos ? 9 : 6);
}

}  // namespace icegraph::iceberg
