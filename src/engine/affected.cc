#include "engine/affected.h"

#include <fmt/format.h>

namespace icegraph::engine {
namespace {

// Inserts `id` at `hint` when it belongs there, else where it belongs, and returns the position after it: rows of a
// table clustered on its key come in order, and each then costs two comparisons instead of a descent of the tree.
KeySet::iterator InsertAfter(KeySet& set, KeySet::iterator hint, std::string_view id) {
  if (hint != set.end() && *hint == id) return std::next(hint);  // there already (a key's old row, then its new)
  return std::next(set.emplace_hint(hint, id));
}

void AppendPart(std::string* out, std::string_view part) {
  *out += std::to_string(part.size());
  *out += ':';
  *out += part;
}

}  // namespace

std::string EdgeKeyText(std::string_view from, std::string_view to, const std::vector<const arrow::Array*>& disc,
                        int64_t row, bool directed) {
  if (!directed && to < from) std::swap(from, to);
  std::string out;
  AppendPart(&out, from);
  AppendPart(&out, to);
  for (const arrow::Array* c : disc) {
    // Discriminators are never null (the mapping dead-letters such rows); their printed value is exact for the
    // canonical types (integers, strings, datetimes, booleans; floats print round-trip).
    auto s = c->GetScalar(row);
    AppendPart(&out, s.ok() ? (*s)->ToString() : std::string());
  }
  return out;
}

std::vector<const arrow::Array*> DiscriminatorColumns(const mapping::EdgeBatch& eb) {
  std::vector<const arrow::Array*> cols;
  for (const auto& name : eb.discriminator) {
    for (const auto& a : eb.attributes) {
      if (a.name == name) cols.push_back(a.values.get());
    }
  }
  return cols;
}

void AffectedKeys::AddEdge(const std::string& type, bool directed, EdgeKey key) {
  std::vector<std::shared_ptr<arrow::Array>> arrays;
  std::vector<const arrow::Array*> cols;
  for (const auto& s : key.disc) {
    auto a = arrow::MakeArrayFromScalar(*s, 1);
    if (!a.ok()) continue;
    arrays.push_back(*a);
    cols.push_back(arrays.back().get());
  }
  std::string text = EdgeKeyText(key.from, key.to, cols, 0, directed);
  edges[type].emplace(std::move(text), std::move(key));
}

void AffectedKeys::Add(const mapping::TablePlan& plan, const mapping::MappedBatch& batch) {
  for (const auto& vb : batch.vertices) {
    if (vb.length() == 0) continue;
    auto& set = vertices[vb.type];
    const auto& ids = static_cast<const arrow::StringArray&>(*vb.ids);
    auto hint = set.end();
    for (int64_t r = 0; r < ids.length(); ++r) hint = InsertAfter(set, hint, ids.GetView(r));
  }
  for (size_t e = 0; e < batch.edges.size(); ++e) {
    const mapping::EdgeBatch& eb = batch.edges[e];
    if (eb.length() == 0) continue;
    const bool directed = plan.edges()[e].directed;
    const auto cols = DiscriminatorColumns(eb);
    const auto& from = static_cast<const arrow::StringArray&>(*eb.from_ids);
    const auto& to = static_cast<const arrow::StringArray&>(*eb.to_ids);
    auto& from_set = vertices[eb.from_type];
    auto& to_set = vertices[eb.to_type];
    auto& keys = edges[eb.type];
    auto from_hint = from_set.end();
    auto to_hint = to_set.end();
    const bool one_set = &from_set == &to_set;  // an insert invalidates every iterator of its set: share the hint
    for (int64_t r = 0; r < eb.length(); ++r) {
      from_hint = InsertAfter(from_set, one_set ? to_hint : from_hint, from.GetView(r));
      to_hint = InsertAfter(to_set, one_set ? from_hint : to_hint, to.GetView(r));
      std::string text = EdgeKeyText(from.GetView(r), to.GetView(r), cols, r, directed);
      if (keys.count(text) != 0) continue;
      EdgeKey key{std::string(from.GetView(r)), std::string(to.GetView(r)), {}};
      for (const arrow::Array* c : cols) {
        auto s = c->GetScalar(r);
        if (s.ok()) key.disc.push_back(*s);
      }
      keys.emplace(std::move(text), std::move(key));
    }
  }
}

size_t AffectedKeys::size() const {
  size_t n = 0;
  for (const auto& [t, s] : vertices) n += s.size();
  for (const auto& [t, s] : edges) n += s.size();
  return n;
}

}  // namespace icegraph::engine
