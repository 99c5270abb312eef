// Structured logging: one event per line as `ts level event key=value ...`, values quoted when needed.
#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace icegraph::log {

enum class Level { kDebug, kInfo, kWarn, kError };

/// One key=value field of an event; the value is formatted eagerly.
struct Field {
  template <typename T>
  Field(std::string_view k, const T& v) : key(k), value(fmt::format("{}", v)) {}
  std::string_view key;
  std::string value;
};

/// Sets the lowest level written (default info) and whether lines are JSON instead of key=value.
void Configure(Level min_level, bool json);
/// Parses "debug|info|warn|error".
bool ParseLevel(std::string_view text, Level* out);

/// Writes one event line to stderr; keys named like secrets (password, token, secret, authorization) are masked.
void Event(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void Debug(std::string_view e, std::initializer_list<Field> f = {}) { Event(Level::kDebug, e, f); }
inline void Info(std::string_view e, std::initializer_list<Field> f = {}) { Event(Level::kInfo, e, f); }
inline void Warn(std::string_view e, std::initializer_list<Field> f = {}) { Event(Level::kWarn, e, f); }
inline void Error(std::string_view e, std::initializer_list<Field> f = {}) { Event(Level::kError, e, f); }

}  // namespace icegraph::log
