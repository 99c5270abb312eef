#include "emulator/vertex_id.h"

namespace icegraph::emulator {

Result<std::string> NormalizeVertexId(const VertexType& type, std::string_view token) {
  if (token.empty()) return Status::Invalid("empty primary id");
  if (type.primary_id_type.kind == Kind::kString || type.primary_id_type.kind == Kind::kStringCompress) {
    return std::string(token);
  }
  auto v = ValueFromToken(type.primary_id_type, token);
  if (!v.ok()) return v.status();
  return ValueToText(type.primary_id_type, *v);
}

Result<std::string> CompositeIdFromAttrs(const VertexType& type, const Attrs& attrs) {
  std::string id;
  for (const std::string& key : type.composite_key) {
    const int idx = type.AttributeIndex(key);
    if (idx < 0) return Status::Internal("composite key attribute " + key + " missing");
    const std::string text = ValueToText(type.attributes[idx].type, attrs[idx]);
    if (text.empty()) return Status::Invalid("empty primary key attribute " + key);
    if (!id.empty()) id.push_back(',');
    id += text;
  }
  return id;
}

}  // namespace icegraph::emulator
