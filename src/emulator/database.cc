#include "emulator/database.h"

#include <tuple>
#include <utility>

namespace icegraph::emulator {

Attrs DefaultAttrs(const std::vector<Attribute>& attributes) {
  Attrs out;
  out.reserve(attributes.size());
  for (const Attribute& a : attributes) out.push_back(a.default_value ? *a.default_value : DefaultValue(a.type));
  return out;
}

std::string EncodeDiscriminator(const EdgeType& type, const Attrs& attrs) {
  std::string out;
  for (const std::string& name : type.discriminator) {
    const int idx = type.AttributeIndex(name);
    if (idx < 0) continue;
    if (!out.empty()) out.push_back('\x1f');
    out += ValueToText(type.attributes[idx].type, attrs[idx]);
  }
  return out;
}

EdgeKey MakeEdgeKey(const EdgeType& type, VertexRef from, VertexRef to, std::string discriminator) {
  if (!type.directed && std::tie(to.type, to.id) < std::tie(from.type, from.id)) std::swap(from, to);
  return EdgeKey{type.name, std::move(from), std::move(to), std::move(discriminator)};
}

}  // namespace icegraph::emulator
