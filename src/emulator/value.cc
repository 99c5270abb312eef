// Attribute value conversions, following TigerGraph 4.x's documentation (tigergraph/gsql-docs branch 4.1.o and
// tigergraph/server-docs; pages named below). "Inferred" marks choices the docs leave open.
//
// Loading-job tokens (gsql-ref ddl-and-loading/creating-a-loading-job, "Cumulative loading" and "Loading a ..."):
//  - INT: [-+]?[0-9]+; UINT: [0-9]+. "Any non-digit (or non-sign) character" rejects the attribute, so "3.5",
//    " 5" and "+5" for UINT are invalid. "Out-of-range values cause overflow instead of rejection": we wrap modulo
//    2^64 (the exact overflowed value is inferred).
//  - FLOAT/DOUBLE: [sign][digits][.][digits][(e|E)[sign]digits], "commas and extra spaces are not allowed"; no
//    nan/inf (not in the grammar). Values beyond the type's range are rejected (inferred). FLOAT is rounded to float.
//  - BOOL: true/false case-insensitively, 1, 0 (attribute-data-types; the loading page lists TRUE/True/true).
//  - DATETIME: "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.000z" (text after the dot ignored),
//    "%Y-%m-%d", "%Y/%m/%d", or any integer (epoch seconds). %Y has exactly 4 digits; month, day, hour, minute
//    and second take 1 or 2 digits ("leading zeroes are optional"). Range 1582-10-15 00:00:00 .. 9999-12-31 23:59:59
//    (attribute-data-types). "T...SS" without a fraction, or with a bare 'Z', is accepted (inferred).
//  - STRING: any bytes, never invalid and "never considered missing"; not checked for UTF-8 (inferred: the
//    loader lists no STRING rejection), so JSON output must be dumped with error_handler_t::replace.
//  - An empty token for any other type is a *missing* token: the attribute keeps its previous value, or the
//    default for a new object. ValueFromToken returns the default; the loader must not overwrite existing values.
//  - LIST/SET from one token: "a new list/set containing the single value" (later lines append). A MAP needs
//    `$k -> $v`, MAP() or SPLIT(), so a single token for a MAP is a type error.
// REST++ JSON (server-docs API/index "Formatting data in JSON", API/upsert-rest): primitives follow JSON syntax,
// LIST/SET are arrays, MAP is {"keylist": [...], "valuelist": [...]} (the upsert example spells keyList/valueList;
// both are accepted). JSON BOOL is only true/false (creating-a-loading-job, "Loading a BOOL attribute").
// Numbers-only for numeric types and strings-only for STRING, DATETIME also taking integer epoch seconds, are inferred.
// Output: DATETIME as "YYYY-MM-DD hh:mm:ss" UTC; FLOAT/DOUBLE with up to 7/16 significant digits (attribute-data-types
// "Display format", v3.9.2+), integral values without a fraction (example output "MS": 5000); MAP as a JSON object
// keyed by the key's text (query output example investment_net/datatypes_udt_results.json).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

#include "emulator/types.h"

namespace icegraph::emulator {
namespace {

using json = nlohmann::json;

constexpr int64_t kMinDatetime = -12219292800;  // 1582-10-15 00:00:00 UTC
constexpr int64_t kMaxDatetime = 253402300799;  // 9999-12-31 23:59:59 UTC
constexpr int64_t kSecondsPerDay = 86400;
constexpr size_t kMaxEchoedBytes = 100;  // longer bad values are cut in error messages

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsStringKind(Kind k) { return k == Kind::kString || k == Kind::kStringCompress; }

std::string Echo(std::string_view s) {
  return s.size() <= kMaxEchoedBytes ? std::string(s) : std::string(s.substr(0, kMaxEchoedBytes)) + "...";
}

Status BadToken(const AttrType& type, std::string_view token) {
  return Status::TypeError("invalid value \"" + Echo(token) + "\" for attribute of type " + type.ToGsql());
}

// dump() with replace cannot throw on invalid UTF-8.
Status BadJson(const AttrType& type, const json& j, std::string_view why = {}) {
  return Status::TypeError("invalid value " + Echo(j.dump(-1, ' ', false, json::error_handler_t::replace)) +
                           " for attribute of type " + type.ToGsql() + std::string(why));
}

Status NotScalar(const AttrType& type, Kind kind) {
  return Status::Internal("element kind " + std::string(KindName(kind)) + " is not a scalar in " + type.ToGsql());
}

// Digits only, accumulated modulo 2^64: TigerGraph overflows instead of rejecting.
bool ParseDigitsWrapping(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (const char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

bool ParseInt(std::string_view s, int64_t* out) {
  const bool negative = !s.empty() && s.front() == '-';
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  uint64_t magnitude = 0;
  if (!ParseDigitsWrapping(s, &magnitude)) return false;
  *out = static_cast<int64_t>(negative ? 0 - magnitude : magnitude);  // two's complement wrap, defined in C++20
  return true;
}

// The documented floating-point grammar; rejects what from_chars would also take (inf, nan, hex).
bool IsFloatSyntax(std::string_view s) {
  size_t p = 0;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
  size_t digits = 0;
  while (p < s.size() && IsDigit(s[p])) ++p, ++digits;
  if (p < s.size() && s[p] == '.') ++p;
  while (p < s.size() && IsDigit(s[p])) ++p, ++digits;
  if (digits == 0) return false;
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
    const size_t start = p;
    while (p < s.size() && IsDigit(s[p])) ++p;
    if (p == start) return false;
  }
  return p == s.size();
}

bool ParseFloating(std::string_view s, bool single, double* out) {
  if (!IsFloatSyntax(s)) return false;
  if (s.front() == '+') s.remove_prefix(1);  // from_chars takes no '+'
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range) {
    // Rare: strtod tells overflow (inf) from underflow (0); nothing here calls setlocale, so '.' is the point.
    v = std::strtod(std::string(s).c_str(), nullptr);
  } else if (ec != std::errc() || ptr != s.data() + s.size()) {
    return false;
  }
  if (single) v = static_cast<double>(static_cast<float>(v));
  if (!std::isfinite(v)) return false;
  *out = v;
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char c = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != lower[i]) return false;
  }
  return true;
}

// Reads 1 or 2 digits at *p.
bool Read12(std::string_view s, size_t* p, unsigned* out) {
  if (*p >= s.size() || !IsDigit(s[*p])) return false;
  unsigned v = static_cast<unsigned>(s[(*p)++] - '0');
  if (*p < s.size() && IsDigit(s[*p])) v = v * 10 + static_cast<unsigned>(s[(*p)++] - '0');
  *out = v;
  return true;
}

bool ReadTime(std::string_view s, size_t* p, unsigned* h, unsigned* mi, unsigned* sec) {
  if (!Read12(s, p, h) || *p >= s.size() || s[(*p)++] != ':') return false;
  if (!Read12(s, p, mi) || *p >= s.size() || s[(*p)++] != ':') return false;
  return Read12(s, p, sec);
}

std::optional<int64_t> ParseEpoch(std::string_view s) {
  const bool negative = s.front() == '-';
  if (s.front() == '-' || s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  for (const char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
    if (v > kMaxDatetime + 1) return std::nullopt;  // out of range both ways; also stops overflow
  }
  v = negative ? -v : v;
  if (v < kMinDatetime || v > kMaxDatetime) return std::nullopt;
  return v;
}

// Parses into `out` in place: a returned Result<Value> cost three moves of the variant per loaded token.
Status ScalarInto(const AttrType& type, Kind kind, std::string_view token, Value* out) {
  switch (kind) {
    case Kind::kInt: {
      int64_t v = 0;
      if (!ParseInt(token, &v)) return BadToken(type, token);
      out->data = v;
      return Status::OK();
    }
    case Kind::kUint: {
      uint64_t v = 0;
      if (!ParseDigitsWrapping(token, &v)) return BadToken(type, token);
      out->data = v;
      return Status::OK();
    }
    case Kind::kFloat:
    case Kind::kDouble: {
      double v = 0;
      if (!ParseFloating(token, kind == Kind::kFloat, &v)) return BadToken(type, token);
      out->data = v;
      return Status::OK();
    }
    case Kind::kBool:
      if (token == "1" || EqualsIgnoreCase(token, "true")) {
        out->data = true;
        return Status::OK();
      }
      if (token == "0" || EqualsIgnoreCase(token, "false")) {
        out->data = false;
        return Status::OK();
      }
      return BadToken(type, token);
    case Kind::kString:
    case Kind::kStringCompress:
      if (auto* text = std::get_if<std::string>(&out->data)) {
        text->assign(token);  // reuses the string's buffer
      } else {
        out->data = std::string(token);
      }
      return Status::OK();
    case Kind::kDatetime: {
      const std::optional<int64_t> v = ParseDatetime(token);
      if (!v) return BadToken(type, token);
      out->data = *v;
      return Status::OK();
    }
    case Kind::kList:
    case Kind::kSet:
    case Kind::kMap: break;
  }
  return NotScalar(type, kind);
}

Result<Value> ScalarFromToken(const AttrType& type, Kind kind, std::string_view token) {
  Value v;
  ICEGRAPH_RETURN_NOT_OK(ScalarInto(type, kind, token, &v));
  return v;
}

Result<Value> ScalarFromJson(const AttrType& type, Kind kind, const json& j) {
  switch (kind) {
    case Kind::kInt:
      if (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t{INT64_MAX}) break;
      if (j.is_number_integer()) return Value{j.get<int64_t>()};
      break;
    case Kind::kUint:
      if (j.is_number_unsigned()) return Value{j.get<uint64_t>()};
      break;
    case Kind::kFloat:
    case Kind::kDouble:
      if (j.is_number()) {
        const double d = j.get<double>();
        const double v = kind == Kind::kFloat ? static_cast<double>(static_cast<float>(d)) : d;
        if (std::isfinite(v)) return Value{v};
      }
      break;
    case Kind::kBool:
      if (j.is_boolean()) return Value{j.get<bool>()};
      break;
    case Kind::kString:
    case Kind::kStringCompress:
      if (j.is_string()) return Value{j.get<std::string>()};
      break;
    case Kind::kDatetime:
      if (j.is_string()) {
        const std::optional<int64_t> v = ParseDatetime(j.get_ref<const std::string&>());
        if (v) return Value{*v};
      } else if (j.is_number_integer() && !(j.is_number_unsigned() && j.get<uint64_t>() > uint64_t{INT64_MAX})) {
        const int64_t v = j.get<int64_t>();
        if (v >= kMinDatetime && v <= kMaxDatetime) return Value{v};
      }
      break;
    case Kind::kList:
    case Kind::kSet:
    case Kind::kMap: return NotScalar(type, kind);
  }
  return BadJson(type, j);
}

// Finds `lower` or its camel-case spelling: the docs show both "keylist" and "keyList".
const json* FindList(const json& obj, const char* lower, const char* camel) {
  auto it = obj.find(lower);
  if (it == obj.end()) it = obj.find(camel);
  return it == obj.end() ? nullptr : &*it;
}

Result<Value> FromJsonImpl(const AttrType& type, const json& j) {
  if (!type.is_container()) return ScalarFromJson(type, type.kind, j);
  if (type.kind == Kind::kMap) {
    const json* keys = j.is_object() ? FindList(j, "keylist", "keyList") : nullptr;
    const json* vals = j.is_object() ? FindList(j, "valuelist", "valueList") : nullptr;
    if (keys == nullptr || vals == nullptr || !keys->is_array() || !vals->is_array() || keys->size() != vals->size()) {
      return BadJson(type, j, ": expected {\"keylist\": [...], \"valuelist\": [...]} of equal length");
    }
    ValueMap m;
    for (size_t i = 0; i < keys->size(); ++i) {
      ICEGRAPH_ASSIGN_OR_RAISE(Value key, ScalarFromJson(type, type.key, (*keys)[i]));
      ICEGRAPH_ASSIGN_OR_RAISE(Value val, ScalarFromJson(type, type.elem, (*vals)[i]));
      const auto it = std::find(m.keys.begin(), m.keys.end(), key);
      if (it != m.keys.end()) {  // a repeated key takes the later value, as map loading does
        m.values[static_cast<size_t>(it - m.keys.begin())] = std::move(val);
      } else {
        m.keys.push_back(std::move(key));
        m.values.push_back(std::move(val));
      }
    }
    return Value{std::move(m)};
  }
  if (!j.is_array()) return BadJson(type, j);
  ValueList list;
  list.reserve(j.size());
  for (const json& e : j) {
    ICEGRAPH_ASSIGN_OR_RAISE(Value v, ScalarFromJson(type, type.elem, e));
    // A SET keeps the first occurrence, in input order.
    if (type.kind == Kind::kList || std::find(list.begin(), list.end(), v) == list.end()) list.push_back(std::move(v));
  }
  return Value{std::move(list)};
}

// %.7g for FLOAT, %.16g for DOUBLE, without locale.
std::string_view FormatFloating(Kind kind, double d, char* buf, size_t size) {
  const int precision = kind == Kind::kFloat ? 7 : 16;
  const double v = kind == Kind::kFloat ? static_cast<double>(static_cast<float>(d)) : d;
  const auto [end, ec] = std::to_chars(buf, buf + size, v, std::chars_format::general, precision);
  return ec == std::errc() ? std::string_view(buf, static_cast<size_t>(end - buf)) : std::string_view("0");
}

json FloatingToJson(Kind kind, double d) {
  char buf[64];
  const std::string_view text = FormatFloating(kind, d, buf, sizeof(buf));
  double shown = 0;
  // Near DBL_MAX the rounded text overflows (1.797693134862316e+308): show the stored value itself, not 0.
  if (std::from_chars(text.data(), text.data() + text.size(), shown).ec != std::errc()) shown = d;
  if (!std::isfinite(shown)) return nullptr;  // JSON has no inf/nan; conversions never store them
  // Integral values print without a fraction (25, not 25.0), as REST++ does.
  if (std::trunc(shown) == shown && std::fabs(shown) < 1e16) return static_cast<int64_t>(shown);
  return shown;
}

// Renders whatever the value holds, so a value of the wrong alternative cannot throw.
json ScalarToJson(Kind kind, const Value& v) {
  return std::visit(
      [kind](const auto& x) -> json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, int64_t>) {
          return kind == Kind::kDatetime ? json(FormatDatetime(x)) : json(x);
        } else if constexpr (std::is_same_v<T, double>) {
          return FloatingToJson(kind, x);
        } else if constexpr (std::is_same_v<T, ValueList> || std::is_same_v<T, ValueMap>) {
          return nullptr;
        } else {
          return x;
        }
      },
      v.data);
}

std::string ScalarToText(Kind kind, const Value& v) {
  if (const auto* d = std::get_if<double>(&v.data)) {
    char buf[64];
    return std::string(FormatFloating(kind, *d, buf, sizeof(buf)));
  }
  if (const auto* str = std::get_if<std::string>(&v.data)) return *str;
  if (const auto* i = std::get_if<int64_t>(&v.data))
    return kind == Kind::kDatetime ? FormatDatetime(*i) : std::to_string(*i);
  if (const auto* u = std::get_if<uint64_t>(&v.data)) return std::to_string(*u);
  if (const auto* b = std::get_if<bool>(&v.data)) return *b ? "true" : "false";
  return std::string();  // a container is no scalar
}

int CompareScalars(const Value& a, const Value& b) {
  if (a.data.index() != b.data.index()) return a.data.index() < b.data.index() ? -1 : 1;
  return std::visit(
      [&b](const auto& x) -> int {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, ValueList> || std::is_same_v<T, ValueMap>) {
          return 0;
        } else {
          const T& y = *std::get_if<T>(&b.data);
          return x < y ? -1 : (y < x ? 1 : 0);
        }
      },
      a.data);
}

int CompareLists(const ValueList& a, const ValueList& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (const int c = CompareScalars(a[i], b[i]); c != 0) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

}  // namespace

bool Value::operator==(const Value& other) const { return data == other.data; }

bool operator==(const ValueMap& a, const ValueMap& b) { return a.keys == b.keys && a.values == b.values; }

Value DefaultValue(const AttrType& type) {
  switch (type.kind) {
    case Kind::kInt:
    case Kind::kDatetime: return Value{int64_t{0}};  // DATETIME default is "UTC time 0"
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

std::optional<int64_t> ParseDatetime(std::string_view s) {
  if (s.empty()) return std::nullopt;
  // Digits alone (optionally signed) are epoch seconds; a date has a separator after its 4-digit year.
  if (s.size() < 5 || (s[4] != '-' && s[4] != '/')) return ParseEpoch(s);
  if (!IsDigit(s[0]) || !IsDigit(s[1]) || !IsDigit(s[2]) || !IsDigit(s[3])) return std::nullopt;
  const char sep = s[4];
  const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  size_t p = 5;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Read12(s, &p, &month) || p >= s.size() || s[p++] != sep || !Read12(s, &p, &day)) return std::nullopt;
  if (p < s.size()) {
    const char t = s[p++];
    if (t != ' ' && !(t == 'T' && sep == '-')) return std::nullopt;
    if (!ReadTime(s, &p, &hour, &minute, &second)) return std::nullopt;
    if (t == 'T' && p < s.size()) {
      // "%Y-%m-%dT%H:%M:%S.000z": text after the dot is ignored.
      if (s[p] != '.' && !((s[p] == 'z' || s[p] == 'Z') && p + 1 == s.size())) return std::nullopt;
      p = s.size();
    }
    if (p != s.size()) return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  const int64_t v = days * kSecondsPerDay + int64_t{hour} * 3600 + int64_t{minute} * 60 + second;
  if (v < kMinDatetime || v > kMaxDatetime) return std::nullopt;
  return v;
}

std::string FormatDatetime(int64_t epoch_seconds) {
  int64_t days = epoch_seconds / kSecondsPerDay;
  int64_t rem = epoch_seconds % kSecondsPerDay;
  if (rem < 0) {  // floor division for times before 1970
    rem += kSecondsPerDay;
    --days;
  }
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  const int year = static_cast<int>(ymd.year());
  char buf[32];
  char* p = buf;
  if (year < 0) *p++ = '-';
  const int abs_year = year < 0 ? -year : year;
  if (abs_year < 1000) {  // zero-pad to 4 digits
    for (int scale = 1000; scale > 1 && abs_year < scale; scale /= 10) *p++ = '0';
  }
  p = std::to_chars(p, buf + sizeof(buf), abs_year).ptr;
  const auto two = [&p](char sep, unsigned v) {
    *p++ = sep;
    *p++ = static_cast<char>('0' + v / 10);
    *p++ = static_cast<char>('0' + v % 10);
  };
  two('-', static_cast<unsigned>(ymd.month()));
  two('-', static_cast<unsigned>(ymd.day()));
  two(' ', static_cast<unsigned>(rem / 3600));
  two(':', static_cast<unsigned>(rem % 3600 / 60));
  two(':', static_cast<unsigned>(rem % 60));
  return std::string(buf, p);
}

Result<Value> ValueFromToken(const AttrType& type, std::string_view token) {
  if (type.kind == Kind::kMap) {
    return Status::TypeError("a single token \"" + Echo(token) + "\" cannot be loaded to an attribute of type " +
                             type.ToGsql() + "; use ($k -> $v), MAP() or SPLIT()");
  }
  const Kind kind = type.is_container() ? type.elem : type.kind;
  // An empty non-string token is missing: the default (empty container) here; existing values are the caller's.
  if (token.empty() && !IsStringKind(kind)) return DefaultValue(type);
  ICEGRAPH_ASSIGN_OR_RAISE(Value v, ScalarFromToken(type, kind, token));
  if (!type.is_container()) return v;
  ValueList list;
  list.push_back(std::move(v));
  return Value{std::move(list)};
}

Status ScalarTokenInto(const AttrType& type, std::string_view token, Value* out) {
  return ScalarInto(type, type.kind, token, out);
}

Result<Value> ValueFromJson(const AttrType& type, const nlohmann::json& j) {
  try {
    return FromJsonImpl(type, j);
  } catch (const json::exception& e) {  // type checks precede every get(); this is the boundary for surprises
    return Status::TypeError("cannot convert JSON to an attribute of type " + type.ToGsql() + ": " + e.what());
  }
}

nlohmann::json ValueToJson(const AttrType& type, const Value& value) {
  if (!type.is_container()) return ScalarToJson(type.kind, value);
  if (const auto* m = std::get_if<ValueMap>(&value.data)) {
    json out = json::object();
    for (size_t i = 0; i < m->keys.size() && i < m->values.size(); ++i) {
      out[ScalarToText(type.key, m->keys[i])] = ScalarToJson(type.elem, m->values[i]);
    }
    return out;
  }
  json out = json::array();
  if (const auto* list = std::get_if<ValueList>(&value.data)) {
    for (const Value& v : *list) out.push_back(ScalarToJson(type.elem, v));
  }
  return out;
}

std::string ValueToText(const AttrType& type, const Value& value) {
  if (!type.is_container()) return ScalarToText(type.kind, value);
  return ValueToJson(type, value).dump(-1, ' ', false, json::error_handler_t::replace);
}

// Scalars of one type share one variant alternative, so the type adds nothing to the order.
int CompareValues(const AttrType& /*type*/, const Value& a, const Value& b) {
  const auto* ma = std::get_if<ValueMap>(&a.data);
  const auto* mb = std::get_if<ValueMap>(&b.data);
  if (ma != nullptr && mb != nullptr) {
    if (const int c = CompareLists(ma->keys, mb->keys); c != 0) return c;
    return CompareLists(ma->values, mb->values);
  }
  const auto* la = std::get_if<ValueList>(&a.data);
  const auto* lb = std::get_if<ValueList>(&b.data);
  if (la != nullptr && lb != nullptr) return CompareLists(*la, *lb);
  return CompareScalars(a, b);
}

}  // namespace icegraph::emulator
