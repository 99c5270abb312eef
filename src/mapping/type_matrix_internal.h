// Helpers shared by the two halves of the type matrix (type_matrix.cc, type_convert.cc); not part of its interface.
#pragma once

#include <charconv>
#include <string_view>

#include "mapping/graph_batch.h"

namespace icegraph::mapping::detail {

inline bool IsCollection(TgKind k) { return k == TgKind::kList || k == TgKind::kSet || k == TgKind::kMap; }

/// An Iceberg type's name without its parameters: "decimal(10,2)" → "decimal", "fixed[16]" → "fixed".
inline std::string_view BaseName(std::string_view t) {
  const size_t p = t.find_first_of("([");
  return p == std::string_view::npos ? t : t.substr(0, p);
}

/// The precision of "decimal(p,s)"; 38 (Iceberg's largest) when the type has none.
inline int DecimalPrecision(std::string_view t) {
  const size_t open = t.find('(');
  if (open == std::string_view::npos) return 38;
  int p = 38;
  std::from_chars(t.data() + open + 1, t.data() + t.size(), p);
  return p;
}

}  // namespace icegraph::mapping::detail
