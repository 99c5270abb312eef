// Attribute value conversions, following TigerGraph's documented loader and REST++ behaviour:
// DATETIME formats and range from gsql-ref "Attribute data types" (loading: "%Y-%m-%d %H:%M:%S",
// "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.000z" (fraction ignored), "%Y-%m-%d", "%Y/%m/%d", and epoch seconds);
// range 1582-10-15 00:00:00 .. 9999-12-31 23:59:59. Output is "YYYY-MM-DD HH:MM:SS" (UTC).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "emulator/types.h"

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;

constexpr int64_t kMinDatetime = -12219292800;  // 1582-10-15 00:00:00 UTC
constexpr int64_t kMaxDatetime = 253402300799;  // 9999-12-31 23:59:59 UTC

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysIn(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `p`.
bool Digits(std::string_view s, size_t p, size_t n, unsigned* out) {
  if (p + n > s.size()) return false;
  unsigned v = 0;
  for (size_t i = p; i < p + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  *out = v;
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

template <typename T>
bool ParseInteger(std::string_view s, T* out) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseFloating(std::string_view s, double* out) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(*out);
}

Status Bad(const AttrType& type, std::string_view token) {
  return Status::TypeError(fmt::format("invalid value \"{}\" for attribute of type {}", token, type.ToGsql()));
}

Result<Value> ScalarFromToken(Kind kind, std::string_view token) {
  const AttrType type{kind};
  switch (kind) {
    case Kind::kInt: {
      int64_t v = 0;
      if (!ParseInteger(token, &v)) return Bad(type, token);
      return Value{v};
    }
    case Kind::kUint: {
      uint64_t v = 0;
      if (Trim(token).starts_with('-') || !ParseInteger(token, &v)) return Bad(type, token);
      return Value{v};
    }
    case Kind::kFloat:
    case Kind::kDouble: {
      double v = 0;
      if (!ParseFloating(token, &v)) return Bad(type, token);
      if (kind == Kind::kFloat) v = static_cast<double>(static_cast<float>(v));
      return Value{v};
    }
    case Kind::kBool: {
      const std::string_view t = Trim(token);
      if (t == "1" || t == "true" || t == "TRUE" || t == "True" || t == "t" || t == "T") return Value{true};
      if (t == "0" || t == "false" || t == "FALSE" || t == "False" || t == "f" || t == "F") return Value{false};
      return Bad(type, token);
    }
    case Kind::kString:
    case Kind::kStringCompress: return Value{std::string(token)};
    case Kind::kDatetime: {
      const auto v = ParseDatetime(token);
      if (!v) return Bad(type, token);
      return Value{*v};
    }
    default: return Status::Internal("not a scalar kind");
  }
}

Result<Value> ScalarFromJson(Kind kind, const json& j) {
  const AttrType type{kind};
  switch (kind) {
    case Kind::kInt:
      if (j.is_number_integer()) {
        if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return Bad(type, j.dump());
        return Value{j.get<int64_t>()};
      }
      return Bad(type, j.dump());
    case Kind::kUint:
      if (j.is_number_unsigned()) return Value{j.get<uint64_t>()};
      return Bad(type, j.dump());
    case Kind::kFloat:
    case Kind::kDouble:
      if (j.is_number()) {
        double v = j.get<double>();
        if (kind == Kind::kFloat) v = static_cast<double>(static_cast<float>(v));
        return Value{v};
      }
      return Bad(type, j.dump());
    case Kind::kBool:
      if (j.is_boolean()) return Value{j.get<bool>()};
      if (j.is_number_integer() && (j.get<int64_t>() == 0 || j.get<int64_t>() == 1))
        return Value{j.get<int64_t>() == 1};
      return Bad(type, j.dump());
    case Kind::kString:
    case Kind::kStringCompress:
      if (j.is_string()) return Value{j.get<std::string>()};
      return Bad(type, j.dump());
    case Kind::kDatetime:
      if (j.is_string()) return ScalarFromToken(kind, j.get_ref<const std::string&>());
      if (j.is_number_integer()) {
        const int64_t v = j.get<int64_t>();
        if (v < kMinDatetime || v > kMaxDatetime) return Bad(type, j.dump());
        return Value{v};
      }
      return Bad(type, j.dump());
    default: return Status::Internal("not a scalar kind");
  }
}

json ScalarToJson(Kind kind, const Value& v) {
  switch (kind) {
    case Kind::kInt: return std::get<int64_t>(v.data);
    case Kind::kUint: return std::get<uint64_t>(v.data);
    case Kind::kFloat:
    case Kind::kDouble: {
      const double d = std::get<double>(v.data);
      // Integral doubles print without a fraction, as REST++ does (25, not 25.0).
      if (std::trunc(d) == d && std::fabs(d) < 1e15) return static_cast<int64_t>(d);
      if (kind == Kind::kFloat) return std::stod(fmt::format("{}", static_cast<float>(d)));
      return d;
    }
    case Kind::kBool: return std::get<bool>(v.data);
    case Kind::kDatetime: return FormatDatetime(std::get<int64_t>(v.data));
    default: return std::get<std::string>(v.data);
  }
}

std::string ScalarToText(Kind kind, const Value& v) {
  switch (kind) {
    case Kind::kInt: return std::to_string(std::get<int64_t>(v.data));
    case Kind::kUint: return std::to_string(std::get<uint64_t>(v.data));
    case Kind::kFloat: return fmt::format("{}", static_cast<float>(std::get<double>(v.data)));
    case Kind::kDouble: return fmt::format("{}", std::get<double>(v.data));
    case Kind::kBool: return std::get<bool>(v.data) ? "true" : "false";
    case Kind::kDatetime: return FormatDatetime(std::get<int64_t>(v.data));
    default: return std::get<std::string>(v.data);
  }
}

void AddToSet(ValueList* list, Value v) {
  if (std::find(list->begin(), list->end(), v) == list->end()) list->push_back(std::move(v));
}

}  // namespace

bool Value::operator==(const Value& other) const { return data == other.data; }

bool operator==(const ValueMap& a, const ValueMap& b) { return a.keys == b.keys && a.values == b.values; }

Value DefaultValue(const AttrType& type) {
  switch (type.kind) {
    case Kind::kInt:
    case Kind::kDatetime: return Value{int64_t{0}};
    case Kind::kUint: return Value{uint64_t{0}};
    case Kind::kFloat:
    case Kind::kDouble: return Value{0.0};
    case Kind::kBool: return Value{false};
    case Kind::kString:
    case Kind::kStringCompress: return Value{std::string()};
    case Kind::kList:
    case Kind::kSet: return Value{ValueList{}};
    case Kind::kMap: return Value{ValueMap{}};
  }
  return Value{std::string()};
}

std::optional<int64_t> ParseDatetime(std::string_view text) {
  const std::string_view s = Trim(text);
  if (s.empty()) return std::nullopt;
  // Epoch seconds: all digits (optionally signed).
  if (std::all_of(s.begin() + (s[0] == '-' ? 1 : 0), s.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
      s.size() > (s[0] == '-' ? 1u : 0u) && s.size() <= 12 && s.find('-', 1) == std::string_view::npos) {
    int64_t v = 0;
    if (!ParseInteger(s, &v) || v < kMinDatetime || v > kMaxDatetime) return std::nullopt;
    return v;
  }
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || (s[4] != '-' && s[4] != '/') || s[7] != s[4]) return std::nullopt;
  if (!Digits(s, 5, 2, &mo) || !Digits(s, 8, 2, &d)) return std::nullopt;
  size_t p = 10;
  if (p < s.size()) {
    if (s[p] != ' ' && s[p] != 'T') return std::nullopt;
    if (!Digits(s, p + 1, 2, &h) || p + 3 >= s.size() || s[p + 3] != ':' || !Digits(s, p + 4, 2, &mi) ||
        p + 6 >= s.size() || s[p + 6] != ':' || !Digits(s, p + 7, 2, &sec)) {
      return std::nullopt;
    }
    p += 9;
    if (p < s.size() && s[p] == '.') {  // fractional seconds are dropped (DATETIME has second precision)
      ++p;
      const size_t start = p;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
      if (p == start) return std::nullopt;
    }
    if (p < s.size() && (s[p] == 'z' || s[p] == 'Z')) ++p;
    if (p != s.size()) return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysIn(y, mo) || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  const int64_t v = DaysFromCivil(y, mo, d) * 86400 + int64_t{h} * 3600 + int64_t{mi} * 60 + sec;
  if (v < kMinDatetime || v > kMaxDatetime) return std::nullopt;
  return v;
}

std::string FormatDatetime(int64_t epoch_seconds) {
  int64_t days = epoch_seconds / 86400;
  int64_t rem = epoch_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y, m, d, rem / 3600, rem % 3600 / 60, rem % 60);
}

Result<Value> ValueFromToken(const AttrType& type, std::string_view token) {
  if (!type.is_container()) {
    // An empty token loads the type's default for non-string attributes, as TigerGraph's loader does.
    if (Trim(token).empty() && type.kind != Kind::kString && type.kind != Kind::kStringCompress) {
      return DefaultValue(type);
    }
    return ScalarFromToken(type.kind, token);
  }
  // Containers in a token are a JSON array (LIST/SET) or object (MAP), the REST++ form.
  const json j = json::parse(token, nullptr, false);
  if (j.is_discarded()) return Bad(type, token);
  return ValueFromJson(type, j);
}

Result<Value> ValueFromJson(const AttrType& type, const json& j) {
  if (!type.is_container()) return ScalarFromJson(type.kind, j);
  if (type.kind == Kind::kMap) {
    ValueMap m;
    const auto put = [&](const json& k, const json& v) -> Status {
      auto key = k.is_string() && type.key != Kind::kString && type.key != Kind::kStringCompress
                     ? ScalarFromToken(type.key, k.get_ref<const std::string&>())
                     : ScalarFromJson(type.key, k);
      if (!key.ok()) return key.status();
      auto val = ScalarFromJson(type.elem, v);
      if (!val.ok()) return val.status();
      const auto it = std::find(m.keys.begin(), m.keys.end(), *key);
      if (it != m.keys.end()) {
        m.values[static_cast<size_t>(it - m.keys.begin())] = std::move(val).ValueOrDie();
      } else {
        m.keys.push_back(std::move(key).ValueOrDie());
        m.values.push_back(std::move(val).ValueOrDie());
      }
      return Status::OK();
    };
    if (j.is_object() && j.contains("keylist") && j.contains("valuelist")) {
      const json& ks = j["keylist"];
      const json& vs = j["valuelist"];
      if (!ks.is_array() || !vs.is_array() || ks.size() != vs.size()) return Bad(type, j.dump());
      for (size_t i = 0; i < ks.size(); ++i) ICEGRAPH_RETURN_NOT_OK(put(ks[i], vs[i]));
    } else if (j.is_object()) {
      for (const auto& [k, v] : j.items()) ICEGRAPH_RETURN_NOT_OK(put(json(k), v));
    } else {
      return Bad(type, j.dump());
    }
    return Value{std::move(m)};
  }
  if (!j.is_array()) return Bad(type, j.dump());
  ValueList list;
  for (const json& e : j) {
    auto v = ScalarFromJson(type.elem, e);
    if (!v.ok()) return v.status();
    if (type.kind == Kind::kSet) {
      AddToSet(&list, std::move(v).ValueOrDie());
    } else {
      list.push_back(std::move(v).ValueOrDie());
    }
  }
  return Value{std::move(list)};
}

json ValueToJson(const AttrType& type, const Value& value) {
  if (!type.is_container()) return ScalarToJson(type.kind, value);
  if (type.kind == Kind::kMap) {
    json out = json::object();
    const ValueMap& m = std::get<ValueMap>(value.data);
    for (size_t i = 0; i < m.keys.size(); ++i)
      out[ScalarToText(type.key, m.keys[i])] = ScalarToJson(type.elem, m.values[i]);
    return out;
  }
  json out = json::array();
  for (const Value& v : std::get<ValueList>(value.data)) out.push_back(ScalarToJson(type.elem, v));
  return out;
}

std::string ValueToText(const AttrType& type, const Value& value) {
  if (!type.is_container()) return ScalarToText(type.kind, value);
  return ValueToJson(type, value).dump();
}

int CompareValues(const AttrType& type, const Value& a, const Value& b) {
  if (type.is_container()) {
    const std::string x = ValueToText(type, a);
    const std::string y = ValueToText(type, b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  return std::visit(
      [&](const auto& x) -> int {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, ValueList> || std::is_same_v<T, ValueMap>) {
          return 0;
        } else {
          const T* y = std::get_if<T>(&b.data);
          if (y == nullptr) return 0;
          return x < *y ? -1 : (*y < x ? 1 : 0);
        }
      },
      a.data);
}

}  // namespace icegraph::emulator
