// Checked reads of JSON members from answers we do not control (network peers): a missing member gives the
// fallback, a member of the wrong type gives an error Status. nlohmann's at()/value() throw instead, which on a worker
// thread would end the process.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace icegraph::json_fields {

/// The member `key` of `j`, or nullptr when `j` is no object or lacks it.
inline const nlohmann::json* Member(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

inline Status WrongType(std::string_view key, std::string_view want, const nlohmann::json& got) {
  return Status::Invalid(std::string("member '") + std::string(key) + "' is " + got.type_name() + ", expected " +
                         std::string(want));
}

/// A string member; `fallback` when absent or null.
inline Result<std::string> StringOr(const nlohmann::json& j, std::string_view key, std::string fallback) {
  const nlohmann::json* m = Member(j, key);
  if (m == nullptr || m->is_null()) return fallback;
  if (!m->is_string()) return WrongType(key, "a string", *m);
  return m->get<std::string>();
}

/// A boolean member; `fallback` when absent or null.
inline Result<bool> BoolOr(const nlohmann::json& j, std::string_view key, bool fallback) {
  const nlohmann::json* m = Member(j, key);
  if (m == nullptr || m->is_null()) return fallback;
  if (!m->is_boolean()) return WrongType(key, "a boolean", *m);
  return m->get<bool>();
}

/// An integer member (a JSON number without fraction); `fallback` when absent or null.
inline Result<int64_t> IntOr(const nlohmann::json& j, std::string_view key, int64_t fallback) {
  const nlohmann::json* m = Member(j, key);
  if (m == nullptr || m->is_null()) return fallback;
  if (m->is_number_integer()) return m->get<int64_t>();
  if (m->is_number_float()) {
    const double d = m->get<double>();
    if (d >= -9.2e18 && d <= 9.2e18 && static_cast<double>(static_cast<int64_t>(d)) == d)
      return static_cast<int64_t>(d);
  }
  return WrongType(key, "an integer", *m);
}

/// An array member; an empty array when absent or null.
inline Result<nlohmann::json> ArrayOr(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json* m = Member(j, key);
  if (m == nullptr || m->is_null()) return nlohmann::json::array();
  if (!m->is_array()) return WrongType(key, "an array", *m);
  return *m;
}

/// An object member; an empty object when absent or null.
inline Result<nlohmann::json> ObjectOr(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json* m = Member(j, key);
  if (m == nullptr || m->is_null()) return nlohmann::json::object();
  if (!m->is_object()) return WrongType(key, "an object", *m);
  return *m;
}

}  // namespace icegraph::json_fields
