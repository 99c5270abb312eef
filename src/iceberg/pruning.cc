#include "iceberg/pruning.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "iceberg/iso_datetime.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

// Little-endian two's complement of `n` bytes, sign-extended.
int64_t LittleEndianSigned(std::string_view b) {
  uint64_t v = 0;
  for (size_t i = 0; i < b.size(); ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(b[i])) << (8 * i);
  if (b.size() < 8 && (static_cast<uint8_t>(b.back()) & 0x80) != 0) v |= ~uint64_t{0} << (8 * b.size());
  return static_cast<int64_t>(v);
}

bool IsIntegerLike(std::string_view t) {
  return t == "int" || t == "long" || t == "date" || t == "time" || t == "timestamp" || t == "timestamptz" ||
         t == "timestamp_ns" || t == "timestamptz_ns";
}

// A partition value (as the manifest reader wrote it to JSON) in the Literal representation of `type`.
std::optional<Literal> PartitionLiteral(const json& v, const std::string& type) {
  if (v.is_null()) return Literal{};
  if (type == "boolean" && v.is_boolean()) return Literal{v.get<bool>()};
  if (IsIntegerLike(type)) {
    if (v.is_number_integer()) return Literal{v.get<int64_t>()};
    if (!v.is_string()) return std::nullopt;
    const std::string s = v.get<std::string>();
    if (type == "date") {
      auto d = ParseIsoDate(s);
      return d.ok() ? std::optional<Literal>(int64_t{*d}) : std::nullopt;
    }
    if (type == "time") {
      auto t = ParseIsoTime(s);
      return t.ok() ? std::optional<Literal>(*t) : std::nullopt;
    }
    if (type.starts_with("timestamp")) {
      auto ts = ParseIsoTimestamp(s, type.ends_with("_ns"));
      return ts.ok() ? std::optional<Literal>(*ts) : std::nullopt;
    }
    return std::nullopt;
  }
  if ((type == "float" || type == "double") && v.is_number()) return Literal{v.get<double>()};
  if (type == "string" && v.is_string()) return Literal{v.get<std::string>()};
  return std::nullopt;
}

// Whether a single known value (possibly null) satisfies the predicate.
bool ValueMatches(const Predicate& p, const Literal& value) {
  const bool is_null = std::holds_alternative<std::monostate>(value);
  if (p.op == CompareOp::kIsNull) return is_null;
  if (p.op == CompareOp::kNotNull) return !is_null;
  if (is_null) return false;
  const std::optional<int> c = CompareLiterals(value, p.literal);
  if (!c) return true;  // not comparable here: keep the file
  switch (p.op) {
    case CompareOp::kEq: return *c == 0;
    case CompareOp::kNotEq: return *c != 0;
    case CompareOp::kLt: return *c < 0;
    case CompareOp::kLtEq: return *c <= 0;
    case CompareOp::kGt: return *c > 0;
    case CompareOp::kGtEq: return *c >= 0;
    default: return true;
  }
}

// False when an identity partition value of the file fails the predicate.
bool PartitionMayMatch(const Predicate& p, const Field& field, const PartitionSpec* spec, const json& partition) {
  if (spec == nullptr || !partition.is_object()) return true;
  for (const PartitionField& pf : spec->fields) {
    if (pf.source_id != p.field_id || pf.transform != "identity") continue;
    const auto it = partition.find(pf.name);
    if (it == partition.end()) continue;
    const std::optional<Literal> value = PartitionLiteral(*it, field.type);
    if (value && !ValueMatches(p, *value)) return false;
  }
  return true;
}

template <typename Map>
std::optional<int64_t> Count(const Map& m, int32_t id) {
  const auto it = m.find(id);
  return it == m.end() ? std::nullopt : std::optional<int64_t>(it->second);
}

// False when the column metrics prove no row of the file satisfies the predicate.
bool MetricsMayMatch(const Predicate& p, const Field& field, const DataFile& file) {
  const std::optional<int64_t> values = Count(file.value_counts, p.field_id);
  const std::optional<int64_t> nulls = Count(file.null_value_counts, p.field_id);
  const bool all_null = values && nulls && *values == *nulls;
  if (p.op == CompareOp::kIsNull) return !(nulls && *nulls == 0);
  if (all_null) return false;  // every other predicate is false on null
  if (p.op == CompareOp::kNotNull || p.op == CompareOp::kNotEq) return true;
  const auto lower_it = file.lower_bounds.find(p.field_id);
  const auto upper_it = file.upper_bounds.find(p.field_id);
  std::optional<Literal> lower;
  std::optional<Literal> upper;
  if (lower_it != file.lower_bounds.end()) {
    auto v = DecodeBound(field.type, lower_it->second);
    if (v.ok()) lower = *v;
  }
  if (upper_it != file.upper_bounds.end()) {
    auto v = DecodeBound(field.type, upper_it->second);
    if (v.ok()) upper = *v;
  }
  const auto cmp = [&p](const std::optional<Literal>& bound) -> std::optional<int> {
    return bound ? CompareLiterals(*bound, p.literal) : std::nullopt;
  };
  const std::optional<int> lo = cmp(lower);  // sign of (lower - literal)
  const std::optional<int> hi = cmp(upper);  // sign of (upper - literal)
  switch (p.op) {
    case CompareOp::kEq: return !((lo && *lo > 0) || (hi && *hi < 0));
    case CompareOp::kLt: return !(lo && *lo >= 0);
    case CompareOp::kLtEq: return !(lo && *lo > 0);
    case CompareOp::kGt: return !(hi && *hi <= 0);
    case CompareOp::kGtEq: return !(hi && *hi < 0);
    default: return true;
  }
}

}  // namespace

Result<Literal> DecodeBound(std::string_view type, std::string_view b) {
  const auto wrong_size = [&] {
    return Status::Invalid("a " + std::string(type) + " bound of " + std::to_string(b.size()) + " bytes");
  };
  if (type == "boolean") {
    if (b.size() != 1) return wrong_size();
    return Literal{b[0] != 0};
  }
  if (type == "int" || type == "date") {
    if (b.size() != 4) return wrong_size();
    return Literal{LittleEndianSigned(b)};
  }
  if (type == "long" || type == "time" || type.starts_with("timestamp")) {
    if (b.size() != 8 && !(type == "long" && b.size() == 4)) return wrong_size();  // 4: written as int
    return Literal{LittleEndianSigned(b)};
  }
  if (type == "float" || type == "double") {
    if (b.size() == 4) {
      const auto bits = static_cast<uint32_t>(LittleEndianSigned(b));
      float f = 0;
      std::memcpy(&f, &bits, sizeof f);
      return Literal{static_cast<double>(f)};
    }
    if (b.size() == 8 && type == "double") {
      const auto bits = static_cast<uint64_t>(LittleEndianSigned(b));
      double d = 0;
      std::memcpy(&d, &bits, sizeof d);
      return Literal{d};
    }
    return wrong_size();
  }
  if (type == "string") return Literal{std::string(b)};
  return Status::NotImplemented("bounds of " + std::string(type) + " columns are not used for pruning");
}

bool FileMayMatch(const Filter& filter, const Schema& schema, const PartitionSpec* spec, const DataFile& file) {
  if (filter.empty()) return true;
  static const json kNone;
  const json& partition = file.partition ? *file.partition : kNone;
  for (const Predicate& p : filter.predicates) {
    const Field* field = schema.FindField(p.field_id);
    if (field == nullptr || p.field_id == 0) continue;  // unbound: cannot judge
    if (field->type.starts_with("decimal")) continue;   // literal kept as text; no ordering to compare
    if (!PartitionMayMatch(p, *field, spec, partition)) return false;
    if (!MetricsMayMatch(p, *field, file)) return false;
  }
  return true;
}

}  // namespace icegraph::iceberg
