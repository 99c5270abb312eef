// Recompute, second half: reading the truth of affected keys (pruned lookups) and writing it.
#include <arrow/compute/api.h>

#include <span>

#include "common/failpoint.h"
#include "common/log.h"
#include "engine/recompute.h"
#include "iceberg/reader.h"

namespace icegraph::engine {
namespace {

// The values of `rows` for one attribute, gathered from its store with one Take: a row no mapping set takes
// `fallback` (null when the type has none), appended once after the store's values.
Result<std::shared_ptr<arrow::Array>> Gather(const std::shared_ptr<arrow::Array>& store, size_t index,
                                             std::span<const ElementTruth* const> rows,
                                             const std::shared_ptr<arrow::Scalar>& fallback,
                                             const std::shared_ptr<arrow::DataType>& type) {
  const auto n = static_cast<int64_t>(rows.size());
  const auto failed = [](const arrow::Status& st) { return Status::Internal("gathering values: " + st.ToString()); };
  if (store == nullptr) {
    auto filled = fallback ? arrow::MakeArrayFromScalar(*fallback, n) : arrow::MakeArrayOfNull(type, n);
    if (!filled.ok()) return failed(filled.status());
    return *filled;
  }
  std::shared_ptr<arrow::Array> source = store;
  const int32_t missing = static_cast<int32_t>(store->length());
  bool any_missing = false;
  arrow::Int32Builder indices;
  if (const auto st = indices.Reserve(n); !st.ok()) return failed(st);
  for (const ElementTruth* t : rows) {
    const int32_t at = t->attributes[index];
    if (at >= 0) {
      indices.UnsafeAppend(at);
    } else if (fallback) {
      indices.UnsafeAppend(missing);
      any_missing = true;
    } else {
      indices.UnsafeAppendNull();
    }
  }
  if (any_missing) {
    auto one = arrow::MakeArrayFromScalar(*fallback, 1);
    if (!one.ok()) return failed(one.status());
    auto joined = arrow::Concatenate({store, *one});
    if (!joined.ok()) return failed(joined.status());
    source = *joined;
  }
  std::shared_ptr<arrow::Array> idx;
  if (const auto st = indices.Finish(&idx); !st.ok()) return failed(st);
  auto taken = arrow::compute::Take(*source, *idx, arrow::compute::TakeOptions::NoBoundsCheck());
  if (!taken.ok()) return failed(taken.status());
  return *taken;
}

// The attribute columns of one mapping for `rows`, valued from the merged truth: each value taken from its type's
// store, the type default where no row gave one, and discriminators from the edge key.
Result<std::vector<mapping::AttributeColumn>> Columns(const std::vector<mapping::AttributePlan>& attrs,
                                                      const std::vector<mapping::GraphAttribute>& type_attrs,
                                                      const std::vector<AttributeStore>& stores,
                                                      std::span<const ElementTruth* const> rows,
                                                      const std::vector<std::string>& disc = {}) {
  std::vector<mapping::AttributeColumn> out;
  for (const auto& a : attrs) {
    int index = -1;
    for (size_t i = 0; i < type_attrs.size(); ++i) {
      if (type_attrs[i].name == a.name) index = static_cast<int>(i);
    }
    const auto type = mapping::CanonicalArrowType(a.type);
    const auto fallback = TypeDefault(a.type);
    const std::shared_ptr<arrow::Array> store =
        index >= 0 && static_cast<size_t>(index) < stores.size() ? stores[static_cast<size_t>(index)].values : nullptr;
    if (store != nullptr && !store->type()->Equals(*type)) {
      return Status::Internal("recompute: attribute " + a.name + " is written as " + type->ToString() +
                              ", its type holds " + store->type()->ToString());
    }
    const auto d = std::find(disc.begin(), disc.end(), a.name);
    if (d == disc.end()) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto values, Gather(store, static_cast<size_t>(index), rows, fallback, type));
      if (!values->type()->Equals(*type)) {
        return Status::Internal("recompute: values of " + a.name + " gathered as " + values->type()->ToString());
      }
      out.push_back({a.name, a.type, std::move(values)});
      continue;
    }
    // A discriminator: the edge key holds its value (the key the edge is written under), row by row.
    const auto di = static_cast<size_t>(d - disc.begin());
    auto builder = arrow::MakeBuilder(type);
    if (!builder.ok()) return Status::Internal(builder.status().ToString());
    arrow::ArrayBuilder& b = **builder;
    const arrow::ArraySpan span = store != nullptr ? arrow::ArraySpan(*store->data()) : arrow::ArraySpan();
    if (!b.Reserve(static_cast<int64_t>(rows.size())).ok()) return Status::Internal("building recomputed values");
    for (const ElementTruth* t : rows) {
      arrow::Status st;
      const int32_t at = index >= 0 ? t->attributes[static_cast<size_t>(index)] : -1;
      if (t->key != nullptr && di < t->key->disc.size()) {
        st = b.AppendScalar(*t->key->disc[di]);
      } else if (at >= 0 && store != nullptr) {
        st = b.AppendArraySlice(span, at, 1);
      } else {
        st = fallback ? b.AppendScalar(*fallback) : b.AppendNull();
      }
      if (!st.ok()) return Status::Internal("building recomputed values of " + a.name + ": " + st.ToString());
    }
    std::shared_ptr<arrow::Array> values;
    if (!b.Finish(&values).ok()) return Status::Internal("building recomputed values");
    out.push_back({a.name, a.type, std::move(values)});
  }
  return out;
}

Result<std::shared_ptr<arrow::Array>> Strings(std::span<const std::string_view> values) {
  arrow::StringBuilder b;
  for (const auto v : values) {
    if (!b.Append(v).ok()) return Status::Internal("building ids");
  }
  std::shared_ptr<arrow::Array> out;
  if (!b.Finish(&out).ok()) return Status::Internal("building ids");
  return out;
}

const std::vector<AttributeStore>& StoresOf(const std::map<std::string, std::vector<AttributeStore>>& values,
                                            const std::string& type) {
  static const std::vector<AttributeStore> kNone;
  const auto it = values.find(type);
  return it == values.end() ? kNone : it->second;
}

// Rows per write of the recompute: the first request leaves while the rest is still being written, so TigerGraph
// applies it meanwhile, and a write holds a quarter batch of rows however many keys the run affects.
size_t SliceRows(const RunContext& ctx) {
  return static_cast<size_t>(std::max<int64_t>(1024, ctx.options.batch_rows / 4));
}

// The rows of `task` the change phase already read for table `table`, when they are the rows it would read now.
const ReadFile* Held(const ReadFiles* read, size_t table, const iceberg::ScanTask& task) {
  if (read == nullptr || table >= read->size()) return nullptr;
  const auto& files = (*read)[table];
  const auto it = files.find(task.data_file.file_path);
  return it != files.end() && SameLiveRows(it->second.task, task) ? &it->second : nullptr;
}

struct Counts {
  int64_t rows_read = 0;
  int64_t rows_reused = 0;  // lookup rows the change phase had read
  int64_t vertex_upserts = 0;
  int64_t vertex_deletes = 0;
  int64_t edge_upserts = 0;
  int64_t edge_deletes = 0;
};

Status ReadTruth(RunContext& ctx, const AffectedKeys& keys, bool must_exist, const ReadFiles* read, Truth* truth,
                 Counts* counts) {
  const Pipeline& p = ctx.pipeline;
  const auto filters = LookupFilters(p.tables(), keys);
  iceberg::ReadOptions ro;
  ro.parquet.batch_size = ctx.options.batch_rows;
  for (size_t i = 0; i < p.tables().size(); ++i) {
    const SourceTable& t = p.tables()[i];
    if (!t.snapshot_id() || filters[i].empty()) continue;
    for (const KeyLookup& lookup : filters[i]) {
      const iceberg::Filter& f = lookup.filter;
      iceberg::Filter bound;
      if (!f.empty()) {
        const iceberg::Schema* schema = t.metadata.CurrentSchema();
        if (schema == nullptr) return Status::Internal("table " + t.name + " has no current schema");
        auto b = iceberg::BindFilter(f, *schema);
        if (!b.ok()) return b.status().WithContext("key lookup in " + t.name);
        bound = std::move(*b);
      }
      log::Debug("sync_lookup", {{"table", t.name}, {"filter", iceberg::FilterToString(bound)}});
      ICEGRAPH_ASSIGN_OR_RAISE(const auto tasks, PlanTable(t, *t.snapshot_id(), bound));
      const auto fold = [&](const arrow::RecordBatch& batch) -> Status {
        ICEGRAPH_ASSIGN_OR_RAISE(auto mapped, t.plan->Apply(batch));
        FoldBatch(p.plan(), *t.plan, mapped, must_exist, truth);
        return Status::OK();
      };
      for (const auto& task : tasks) {
        if (!lookup.MayHold(task.data_file)) continue;
        if (const ReadFile* held = Held(read, i, task)) {
          for (const auto& batch : held->batches) {
            counts->rows_reused += batch->num_rows();
            ICEGRAPH_RETURN_NOT_OK(fold(*batch));
          }
          continue;
        }
        ICEGRAPH_ASSIGN_OR_RAISE(auto reader, iceberg::TaskReader::Open(*t.io, task, ro));
        while (true) {
          ICEGRAPH_ASSIGN_OR_RAISE(auto batch, reader->Next());
          if (batch == nullptr) break;
          counts->rows_read += batch->num_rows();
          ICEGRAPH_RETURN_NOT_OK(fold(*batch));
        }
      }
    }
  }
  return Status::OK();
}

Status WriteVertices(RunContext& ctx, const Truth& truth, bool must_exist, Counts* counts) {
  const Pipeline& p = ctx.pipeline;
  for (const auto& [type, elements] : truth.vertices) {
    const mapping::VertexTypeDef* def = p.plan().FindVertexType(type);
    if (def == nullptr) continue;
    std::vector<std::string_view> ids;
    std::vector<const ElementTruth*> rows;
    for (const auto& [id, t] : elements) {
      if (t.produced || (t.referenced && !must_exist)) {
        ids.push_back(id);
        rows.push_back(&t);
      }
    }
    counts->vertex_upserts += static_cast<int64_t>(ids.size());
    const size_t slice = SliceRows(ctx);
    for (size_t lo = 0; lo < ids.size(); lo += slice) {
      const size_t n = std::min(slice, ids.size() - lo);
      const std::span<const ElementTruth* const> part(rows.data() + lo, n);
      ICEGRAPH_ASSIGN_OR_RAISE(const auto id_array, Strings(std::span(ids.data() + lo, n)));
      // Every mapping of the type writes its attributes: together they set every attribute of the type.
      for (const SourceTable& st : p.tables()) {
        for (const auto& vp : st.plan->vertices()) {
          if (vp.type != type) continue;
          mapping::VertexBatch batch;
          batch.type = type;
          batch.ids = id_array;
          ICEGRAPH_ASSIGN_OR_RAISE(batch.attributes,
                                   Columns(vp.attributes, def->attributes, StoresOf(truth.vertex_values, type), part));
          ICEGRAPH_RETURN_NOT_OK(ctx.sink.WriteVertices(batch, vp.mapping));
        }
      }
    }
  }
  return FlushInto(ctx);
}

Status DeleteVertices(RunContext& ctx, const Truth& truth, bool must_exist, Counts* counts) {
  const Pipeline& p = ctx.pipeline;
  for (const auto& [type, elements] : truth.vertices) {
    std::vector<std::string_view> ids;
    for (const auto& [id, t] : elements) {
      if (!t.produced && !(t.referenced && !must_exist)) ids.push_back(id);
    }
    const mapping::VertexPlan* any = nullptr;
    for (const SourceTable& st : p.tables()) {
      for (const auto& vp : st.plan->vertices()) {
        if (vp.type == type && any == nullptr) any = &vp;
      }
    }
    if (ids.empty()) continue;
    if (any == nullptr) {
      // A type only edges create has no loading job: delete through REST++, one vertex a request.
      counts->vertex_deletes += static_cast<int64_t>(ids.size());
      if (ctx.client == nullptr || ctx.options.discard) continue;
      for (const auto id : ids) {
        ICEGRAPH_RETURN_NOT_OK(ctx.client->DeleteVertex(type, std::string(id)).WithContext("deleting " + type));
      }
      continue;
    }
    const std::string mapping_name = any->mapping;
    counts->vertex_deletes += static_cast<int64_t>(ids.size());
    mapping::VertexBatch batch;
    batch.type = type;
    ICEGRAPH_ASSIGN_OR_RAISE(batch.ids, Strings(ids));
    ICEGRAPH_RETURN_NOT_OK(ctx.sink.DeleteVertices(batch, mapping_name));
  }
  return FlushInto(ctx);
}

Status WriteEdges(RunContext& ctx, const Truth& truth, Counts* counts) {
  const Pipeline& p = ctx.pipeline;
  for (const auto& [type, elements] : truth.edges) {
    const mapping::EdgeTypeDef* def = p.plan().FindEdgeType(type);
    if (def == nullptr) continue;
    const std::vector<AttributeStore>& stores = StoresOf(truth.edge_values, type);
    std::vector<std::string_view> from;
    std::vector<std::string_view> to;
    std::vector<const ElementTruth*> rows;
    std::vector<std::string_view> del_from;
    std::vector<std::string_view> del_to;
    std::vector<const ElementTruth*> del_rows;
    for (const auto& [text, t] : elements) {
      auto& f = t.produced ? from : del_from;
      auto& o = t.produced ? to : del_to;
      f.push_back(t.key->from);
      o.push_back(t.key->to);
      (t.produced ? rows : del_rows).push_back(&t);
    }
    counts->edge_upserts += static_cast<int64_t>(rows.size());
    counts->edge_deletes += static_cast<int64_t>(del_rows.size());
    bool deleted = del_rows.empty();
    for (const SourceTable& st : p.tables()) {
      for (const auto& ep : st.plan->edges()) {
        if (ep.type != type) continue;
        mapping::EdgeBatch batch;
        batch.type = type;
        batch.from_type = ep.from_type;
        batch.to_type = ep.to_type;
        batch.discriminator = ep.discriminator;
        if (!deleted) {  // by (from, to, discriminator), once per type
          ICEGRAPH_ASSIGN_OR_RAISE(batch.from_ids, Strings(del_from));
          ICEGRAPH_ASSIGN_OR_RAISE(batch.to_ids, Strings(del_to));
          std::vector<mapping::AttributePlan> disc;
          for (const auto& name : ep.discriminator) {
            for (const auto& a : ep.attributes) {
              if (a.name == name) disc.push_back(a);
            }
          }
          ICEGRAPH_ASSIGN_OR_RAISE(batch.attributes,
                                   Columns(disc, def->attributes, stores, del_rows, ep.discriminator));
          ICEGRAPH_RETURN_NOT_OK(ctx.sink.DeleteEdges(batch, ep.mapping));
          deleted = true;
        }
        const size_t slice = SliceRows(ctx);
        for (size_t lo = 0; lo < rows.size(); lo += slice) {
          const size_t n = std::min(slice, rows.size() - lo);
          ICEGRAPH_ASSIGN_OR_RAISE(batch.from_ids, Strings(std::span(from.data() + lo, n)));
          ICEGRAPH_ASSIGN_OR_RAISE(batch.to_ids, Strings(std::span(to.data() + lo, n)));
          ICEGRAPH_ASSIGN_OR_RAISE(batch.attributes, Columns(ep.attributes, def->attributes, stores,
                                                             std::span(rows.data() + lo, n), ep.discriminator));
          ICEGRAPH_RETURN_NOT_OK(ctx.sink.WriteEdges(batch, ep.mapping));
        }
      }
    }
  }
  return FlushInto(ctx);
}

}  // namespace

Status Recompute(RunContext& ctx, const AffectedKeys& keys, const ReadFiles* read) {
  if (keys.empty()) return Status::OK();
  const bool must_exist = ctx.pipeline.config().sink.vertex_must_exist;
  ICEGRAPH_ASSIGN_OR_RAISE(Truth truth, SeedTruth(ctx.pipeline.plan(), keys));
  Counts counts;
  ICEGRAPH_RETURN_NOT_OK(ReadTruth(ctx, keys, must_exist, read, &truth, &counts));
  ICEGRAPH_RETURN_NOT_OK(truth.Finish());
  failpoint::Pass("sync.recompute_read");
  // Vertices before the edges that need them; a deleted vertex is named by no produced edge, so TigerGraph's
  // cascade takes none of them; with vertex_must_exist its edges are sent after it is gone, to be refused.
  ICEGRAPH_RETURN_NOT_OK(WriteVertices(ctx, truth, must_exist, &counts));
  ICEGRAPH_RETURN_NOT_OK(DeleteVertices(ctx, truth, must_exist, &counts));
  ICEGRAPH_RETURN_NOT_OK(WriteEdges(ctx, truth, &counts));
  log::Info("sync_recompute", {{"keys", keys.size()},
                               {"lookup_rows", counts.rows_read},
                               {"lookup_rows_reused", counts.rows_reused},
                               {"vertex_upserts", counts.vertex_upserts},
                               {"vertex_deletes", counts.vertex_deletes},
                               {"edge_upserts", counts.edge_upserts},
                               {"edge_deletes", counts.edge_deletes}});
  return Status::OK();
}

}  // namespace icegraph::engine
