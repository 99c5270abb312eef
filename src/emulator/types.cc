#include "emulator/types.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace icegraph::emulator {
namespace {

constexpr std::array<std::pair<std::string_view, Kind>, 11> kKindNames{{
    {"INT", Kind::kInt},
    {"UINT", Kind::kUint},
    {"FLOAT", Kind::kFloat},
    {"DOUBLE", Kind::kDouble},
    {"BOOL", Kind::kBool},
    {"STRING", Kind::kString},
    {"STRING COMPRESS", Kind::kStringCompress},
    {"DATETIME", Kind::kDatetime},
    {"LIST", Kind::kList},
    {"SET", Kind::kSet},
    {"MAP", Kind::kMap},
}};

}  // namespace

std::optional<Kind> ParseScalarKind(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (upper == "STRING_COMPRESS") upper = "STRING COMPRESS";
  for (const auto& [n, k] : kKindNames) {
    if (n == upper && k != Kind::kList && k != Kind::kSet && k != Kind::kMap) return k;
  }
  return std::nullopt;
}

std::string_view KindName(Kind k) {
  for (const auto& [n, kind] : kKindNames) {
    if (kind == k) return n;
  }
  return "?";
}

bool IsNumeric(Kind k) { return k == Kind::kInt || k == Kind::kUint || k == Kind::kFloat || k == Kind::kDouble; }

std::string AttrType::ToGsql() const {
  switch (kind) {
    case Kind::kList:
    case Kind::kSet: return std::string(KindName(kind)) + "<" + std::string(KindName(elem)) + ">";
    case Kind::kMap: return "MAP<" + std::string(KindName(key)) + "," + std::string(KindName(elem)) + ">";
    default: return std::string(KindName(kind));
  }
}

}  // namespace icegraph::emulator
