// ISO-8601 dates, times and timestamps in the units Iceberg stores: days, or micro/nanoseconds since the epoch.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace icegraph::iceberg {

/// "2024-03-01" → days since 1970-01-01.
Result<int32_t> ParseIsoDate(std::string_view text);

/// "13:45:00[.ffffff]" → microseconds since midnight.
Result<int64_t> ParseIsoTime(std::string_view text);

/// "2024-03-01[(T| )13:45[:00[.fffffffff]]][Z|±hh[:mm]]" → µs (or ns with `nanos`) since the epoch, in UTC.
Result<int64_t> ParseIsoTimestamp(std::string_view text, bool nanos = false);

}  // namespace icegraph::iceberg
