#include "emulator/gsql_ddl.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "emulator/gsql_executor.h"

namespace icegraph::emulator {

Status ResolveDefaultValues(std::vector<Attribute>* attrs) {
  for (Attribute& a : *attrs) {
    if (!a.default_text) continue;
    auto v = ValueFromToken(a.type, *a.default_text);
    if (!v.ok()) {
      return Status::Invalid(fmt::format("The default value \"{}\" of attribute '{}' is not a valid {}: {}",
                                         *a.default_text, a.name, a.type.ToGsql(), v.status().message()));
    }
    a.default_value = std::move(v).ValueOrDie();
  }
  return Status::OK();
}

EdgeType MakeReverseEdge(const EdgeType& e) {
  EdgeType r = e;
  r.name = e.reverse_edge;
  r.reverse_edge = e.name;
  r.is_reverse = true;
  for (EdgePair& p : r.pairs) std::swap(p.from, p.to);
  return r;
}

namespace {

std::string AttrDdl(const Attribute& a) {
  std::string s = a.name + " " + a.type.ToGsql();
  if (a.default_value) s += " DEFAULT \"" + ValueToText(a.type, *a.default_value) + "\"";
  return s;
}

Status CheckAttributes(const std::vector<Attribute>& existing, const SchemaChangeAction& act, const std::string& type) {
  for (const Attribute& a : act.add) {
    if (std::any_of(existing.begin(), existing.end(), [&](const Attribute& e) { return e.name == a.name; })) {
      return Status::AlreadyExists(fmt::format("The attribute {} already exists in {}.", a.name, type));
    }
  }
  for (const std::string& d : act.drop) {
    if (std::none_of(existing.begin(), existing.end(), [&](const Attribute& e) { return e.name == d; })) {
      return Status::NotFound(fmt::format("The attribute {} does not exist in {}.", d, type));
    }
  }
  return Status::OK();
}

// Adds defaults for new attributes to every stored record, or removes the dropped columns.
void AlterData(GraphStore& store, bool edge, const std::string& type, const std::vector<Attribute>& before,
               const SchemaChangeAction& act) {
  std::vector<size_t> drop_idx;
  for (const std::string& d : act.drop) {
    for (size_t i = 0; i < before.size(); ++i) {
      if (before[i].name == d) drop_idx.push_back(i);
    }
  }
  std::sort(drop_idx.rbegin(), drop_idx.rend());
  const Attrs extra = DefaultAttrs(act.add);
  const auto fn = [&](Attrs& attrs) {
    for (const size_t i : drop_idx) attrs.erase(attrs.begin() + static_cast<std::ptrdiff_t>(i));
    attrs.insert(attrs.end(), extra.begin(), extra.end());
  };
  if (edge) {
    store.ForEachEdgeAttrs(type, fn);
  } else {
    store.ForEachVertexAttrs(type, fn);
  }
}

// ADD VERTEX|EDGE t TO GRAPH g / DROP VERTEX|EDGE t FROM GRAPH g (global jobs, gsql-ref modifying-a-graph-schema
// "global schema change job"): a global type joins or leaves a graph; its data stays, as other graphs share it.
Status ApplyMembership(Catalog& c, const Graph* job_graph, const SchemaChangeAction& act, std::string* out) {
  const bool add = act.kind == SchemaChangeAction::Kind::kAddToGraph;
  const char* const what = act.on_edge ? "edge" : "vertex";
  if (job_graph != nullptr) {
    return Status::Invalid(fmt::format("{} {} ... {} GRAPH belongs in a global schema change job.",
                                       add ? "ADD" : "DROP", act.on_edge ? "EDGE" : "VERTEX", add ? "TO" : "FROM"));
  }
  Graph* g = c.FindGraph(act.target_graph);
  if (g == nullptr) return Status::NotFound("The graph " + act.target_graph + " does not exist.");
  const EdgeType* et = act.on_edge ? c.FindEdge(act.type_name) : nullptr;
  const VertexType* vt = act.on_edge ? nullptr : c.FindVertex(act.type_name);
  if (et == nullptr && vt == nullptr) {
    return Status::NotFound(fmt::format("The {} type {} does not exist.", what, act.type_name));
  }
  if (et != nullptr && et->is_reverse) {
    return Status::Invalid(fmt::format("The edge type {} is the reverse of {}: name {} instead.", act.type_name,
                                       et->reverse_edge, et->reverse_edge));
  }
  const bool in_graph = act.on_edge ? c.GraphHasEdge(*g, act.type_name) : c.GraphHasVertex(*g, act.type_name);
  std::vector<std::string>& list = act.on_edge ? g->edge_types : g->vertex_types;
  if (add) {
    if ((et != nullptr && et->is_local) || (vt != nullptr && vt->is_local)) {
      return Status::Invalid(fmt::format(
          "The {} type {} is local to a graph: only global types can be added to a graph.", what, act.type_name));
    }
    if (in_graph) {
      return Status::AlreadyExists(
          fmt::format("The {} type {} is already in the graph {}.", what, act.type_name, g->name));
    }
    if (et != nullptr) {
      for (const EdgePair& p : et->pairs) {
        for (const std::string& end : {p.from, p.to}) {
          if (end != "*" && !c.GraphHasVertex(*g, end)) {
            return Status::Invalid(fmt::format("The edge type {} needs vertex type {}, which is not in the graph {}.",
                                               act.type_name, end, g->name));
          }
        }
      }
    }
    *out += fmt::format("Trying to add {} {} to graph {}.\n", what, act.type_name, g->name);
    list.push_back(act.type_name);
    if (et != nullptr && !et->reverse_edge.empty() && !c.GraphHasEdge(*g, et->reverse_edge)) {
      g->edge_types.push_back(et->reverse_edge);
    }
    return Status::OK();
  }
  if (!in_graph) {
    return Status::NotFound(fmt::format("The {} type {} is not in the graph {}.", what, act.type_name, g->name));
  }
  if (vt != nullptr) {
    for (const std::string& ename : g->edge_types) {
      const EdgeType* e = c.FindEdge(ename);
      if (e == nullptr || e->is_reverse) continue;
      for (const EdgePair& p : e->pairs) {
        if (p.from == act.type_name || p.to == act.type_name) {
          return Status::Invalid(
              fmt::format("The vertex type {} is used by the edge type {} in the graph {}: drop {} "
                          "from the graph first.",
                          act.type_name, ename, g->name, ename));
        }
      }
    }
  }
  *out += fmt::format("Trying to drop {} {} from graph {}.\n", what, act.type_name, g->name);
  std::vector<std::string> names{act.type_name};
  if (et != nullptr && !et->reverse_edge.empty()) names.push_back(et->reverse_edge);
  for (const std::string& n : names) list.erase(std::remove(list.begin(), list.end(), n), list.end());
  return Status::OK();
}

Status ApplyAction(Database& db, Catalog& c, Graph* graph, const SchemaChangeAction& act, std::string* out) {
  using K = SchemaChangeAction::Kind;
  switch (act.kind) {
    case K::kAddVertex: {
      VertexType v = act.vertex;
      if (c.vertex_types.count(v.name) || c.edge_types.count(v.name)) {
        return Status::AlreadyExists("The vertex name " + v.name + " is used by another object!");
      }
      for (Attribute& a : v.attributes) {
        if (a.default_text) {
          ICEGRAPH_ASSIGN_OR_RAISE(a.default_value, ValueFromToken(a.type, *a.default_text));
        }
      }
      v.is_local = graph != nullptr;
      *out += "Trying to add vertex " + v.name + ".\n";
      if (graph != nullptr) graph->vertex_types.push_back(v.name);
      c.vertex_types.emplace(v.name, std::move(v));
      return Status::OK();
    }
    case K::kAddEdge: {
      EdgeType e = act.edge;
      if (c.vertex_types.count(e.name) || c.edge_types.count(e.name)) {
        return Status::AlreadyExists("The edge name " + e.name + " is used by another object!");
      }
      for (const EdgePair& p : e.pairs) {
        for (const std::string& end : {p.from, p.to}) {
          if (end == "*") continue;
          const VertexType* vt = c.FindVertex(end);
          if (vt == nullptr) {
            return Status::NotFound("The vertex type " + end + " in edge " + e.name + " does not exist.");
          }
          // A global type is shared by every graph, so it cannot end at a type only one graph sees (and a
          // graph's edge can use only the vertex types of that graph, as CREATE GRAPH checks).
          if (graph == nullptr && vt->is_local) {
            return Status::Invalid("The global edge " + e.name + " cannot use the local vertex type " + end + ".");
          }
          if (graph != nullptr &&
              std::find(graph->vertex_types.begin(), graph->vertex_types.end(), end) == graph->vertex_types.end()) {
            return Status::Invalid("The edge type " + e.name + " needs vertex type " + end +
                                   ", which is not in the graph " + graph->name + ".");
          }
        }
      }
      // WITH REVERSE_EDGE creates the twin type here as CREATE DIRECTED EDGE does: writes look it up by name.
      if (!e.reverse_edge.empty()) {
        if (!e.directed) return Status::Invalid("The undirected edge " + e.name + " cannot have a reverse edge.");
        if (e.reverse_edge == e.name || c.vertex_types.count(e.reverse_edge) || c.edge_types.count(e.reverse_edge) ||
            c.graphs.count(e.reverse_edge)) {
          return Status::AlreadyExists("The reverse edge name " + e.reverse_edge + " is used by another object!");
        }
      }
      ICEGRAPH_RETURN_NOT_OK(ResolveDefaultValues(&e.attributes));
      e.is_local = graph != nullptr;
      *out += "Trying to add edge " + e.name + ".\n";
      if (graph != nullptr) graph->edge_types.push_back(e.name);
      if (!e.reverse_edge.empty()) {
        EdgeType rev = MakeReverseEdge(e);
        if (graph != nullptr) graph->edge_types.push_back(rev.name);
        c.edge_types.emplace(rev.name, std::move(rev));
      }
      c.edge_types.emplace(e.name, std::move(e));
      return Status::OK();
    }
    case K::kDropVertex:
    case K::kDropEdge: {
      const bool vertex = act.kind == K::kDropVertex;
      const EdgeType* et = vertex ? nullptr : c.FindEdge(act.type_name);
      if (vertex ? c.FindVertex(act.type_name) == nullptr : et == nullptr) {
        return Status::NotFound(
            fmt::format("The {} type {} does not exist.", vertex ? "vertex" : "edge", act.type_name));
      }
      if (et != nullptr && et->is_reverse) {
        return Status::Invalid("The edge type " + act.type_name + " is the reverse of " + et->reverse_edge + ": drop " +
                               et->reverse_edge + " instead.");
      }
      if (vertex) {
        for (const auto& [ename, e] : c.edge_types) {
          for (const EdgePair& p : e.pairs) {
            if (p.from == act.type_name || p.to == act.type_name) {
              return Status::Invalid(fmt::format("The vertex type {} is used by the edge type {}: drop {} first.",
                                                 act.type_name, ename, ename));
            }
          }
        }
      }
      *out += fmt::format("Trying to drop {} {}.\n", vertex ? "vertex" : "edge", act.type_name);
      std::vector<std::string> names{act.type_name};
      if (et != nullptr && !et->reverse_edge.empty()) names.push_back(et->reverse_edge);
      for (const std::string& name : names) {
        for (auto& [gname, g] : c.graphs) {
          auto& list = vertex ? g.vertex_types : g.edge_types;
          list.erase(std::remove(list.begin(), list.end(), name), list.end());
        }
        if (vertex) {
          db.store.DropVertexType(name);
          c.vertex_types.erase(name);
        } else {
          db.store.DropEdgeType(name);
          c.edge_types.erase(name);
        }
      }
      return Status::OK();
    }
    case K::kAlterAddAttributes:
    case K::kAlterDropAttributes: {
      std::vector<Attribute>* attrs = nullptr;
      EdgeType* twin = nullptr;  // the reverse (or forward) twin shares the attribute list
      if (act.on_edge) {
        auto it = c.edge_types.find(act.type_name);
        if (it == c.edge_types.end()) return Status::NotFound("The edge type " + act.type_name + " does not exist.");
        attrs = &it->second.attributes;
        if (!it->second.reverse_edge.empty()) {
          auto tw = c.edge_types.find(it->second.reverse_edge);
          if (tw != c.edge_types.end()) twin = &tw->second;
        }
      } else {
        auto it = c.vertex_types.find(act.type_name);
        if (it == c.vertex_types.end())
          return Status::NotFound("The vertex type " + act.type_name + " does not exist.");
        attrs = &it->second.attributes;
      }
      ICEGRAPH_RETURN_NOT_OK(CheckAttributes(*attrs, act, act.type_name));
      std::vector<Attribute> added = act.add;
      for (Attribute& a : added) {
        if (a.default_text) {
          ICEGRAPH_ASSIGN_OR_RAISE(a.default_value, ValueFromToken(a.type, *a.default_text));
        }
      }
      SchemaChangeAction resolved = act;
      resolved.add = added;
      for (const std::string& d : act.drop) {
        if (act.on_edge && std::find(c.edge_types.at(act.type_name).discriminator.begin(),
                                     c.edge_types.at(act.type_name).discriminator.end(),
                                     d) != c.edge_types.at(act.type_name).discriminator.end()) {
          return Status::Invalid("The attribute " + d + " is part of the DISCRIMINATOR of " + act.type_name +
                                 " and cannot be dropped.");
        }
      }
      AlterData(db.store, act.on_edge, act.type_name, *attrs, resolved);
      if (twin != nullptr) AlterData(db.store, true, twin->name, twin->attributes, resolved);
      for (std::vector<Attribute>* list : {attrs, twin != nullptr ? &twin->attributes : nullptr}) {
        if (list == nullptr) continue;
        for (const std::string& d : act.drop) {
          list->erase(std::remove_if(list->begin(), list->end(), [&](const Attribute& a) { return a.name == d; }),
                      list->end());
        }
        list->insert(list->end(), added.begin(), added.end());
      }
      *out += fmt::format("Trying to alter {} {}.\n", act.on_edge ? "edge" : "vertex", act.type_name);
      return Status::OK();
    }
    case K::kAddToGraph:
    case K::kDropFromGraph: return ApplyMembership(c, graph, act, out);
  }
  return Status::Internal("unhandled schema change action");
}

}  // namespace

Status RunSchemaChangeJob(Database& db, const std::string& name, std::string* output) {
  const auto it = db.schema_change_jobs.find(name);
  if (it == db.schema_change_jobs.end()) return Status::NotFound("The schema change job " + name + " does not exist.");
  const CreateSchemaChangeJobStmt job = it->second;
  // Validate every action on a copy of the catalog and data first, so a failing job changes nothing.
  Database scratch;
  scratch.catalog = db.catalog;
  std::string dry;
  for (const SchemaChangeAction& act : job.actions) {
    Graph* g = job.global ? nullptr : scratch.catalog.FindGraph(job.graph);
    if (Status st = ApplyAction(scratch, scratch.catalog, g, act, &dry); !st.ok()) {
      return Status::Invalid(st.message() + "\nSchema change job " + name + " failed and nothing was changed.");
    }
  }
  // The graphs whose schema the job touches (a local job's graph; for a global one, the graphs that hold a type it
  // names, before or after, and the graphs it adds types to or drops them from) get a new schema version.
  std::set<std::string> touched;
  const auto note_graphs = [&]() {
    for (const auto& [gname, g] : db.catalog.graphs) {
      for (const SchemaChangeAction& act : job.actions) {
        const std::string& n = act.kind == SchemaChangeAction::Kind::kAddVertex
                                   ? act.vertex.name
                                   : (act.kind == SchemaChangeAction::Kind::kAddEdge ? act.edge.name : act.type_name);
        if (act.target_graph == gname || db.catalog.GraphHasVertex(g, n) || db.catalog.GraphHasEdge(g, n)) {
          touched.insert(gname);
        }
      }
    }
  };
  if (job.global) note_graphs();
  for (const SchemaChangeAction& act : job.actions) {
    Graph* g = job.global ? nullptr : db.catalog.FindGraph(job.graph);
    ICEGRAPH_RETURN_NOT_OK(ApplyAction(db, db.catalog, g, act, output));
  }
  if (job.global) {
    note_graphs();
  } else {
    touched.insert(job.graph);
  }
  for (const std::string& gname : touched) {
    if (Graph* g = db.catalog.FindGraph(gname)) ++g->schema_version;
  }
  *output += job.global ? "Global schema change succeeded." : "Local schema change succeeded.";
  return Status::OK();
}

std::string VertexDdl(const VertexType& v) {
  std::vector<std::string> parts;
  if (v.composite_key.empty()) parts.push_back("PRIMARY_ID " + v.primary_id_name + " " + v.primary_id_type.ToGsql());
  for (const Attribute& a : v.attributes) parts.push_back(AttrDdl(a));
  if (!v.composite_key.empty()) parts.push_back(fmt::format("PRIMARY KEY ({})", fmt::join(v.composite_key, ", ")));
  // As ls prints it (gsql-ref GSQL shell, gsql-101): WITH STATS always, the primary id option only when set.
  return fmt::format("CREATE VERTEX {}({}) WITH STATS=\"{}\"{}", v.name, fmt::join(parts, ", "), v.stats,
                     v.primary_id_as_attribute ? ", PRIMARY_ID_AS_ATTRIBUTE=\"true\"" : "");
}

std::string EdgeDdl(const EdgeType& e) {
  std::vector<std::string> pairs;
  for (const EdgePair& p : e.pairs) pairs.push_back("FROM " + p.from + ", TO " + p.to);
  std::vector<std::string> parts{fmt::format("{}", fmt::join(pairs, "| "))};
  std::vector<std::string> disc;
  for (const Attribute& a : e.attributes) {
    if (std::find(e.discriminator.begin(), e.discriminator.end(), a.name) != e.discriminator.end()) {
      disc.push_back(a.name + " " + a.type.ToGsql());
    }
  }
  if (!disc.empty()) parts.push_back(fmt::format("DISCRIMINATOR({})", fmt::join(disc, ", ")));
  for (const Attribute& a : e.attributes) {
    if (std::find(e.discriminator.begin(), e.discriminator.end(), a.name) == e.discriminator.end()) {
      parts.push_back(AttrDdl(a));
    }
  }
  std::string s =
      fmt::format("CREATE {} EDGE {}({})", e.directed ? "DIRECTED" : "UNDIRECTED", e.name, fmt::join(parts, ", "));
  if (!e.reverse_edge.empty()) s += " WITH REVERSE_EDGE=\"" + e.reverse_edge + "\"";
  return s;
}

namespace {

// `ls` in TigerGraph 4.x's layout. Global scope (gsql-endpoints "run gsql statements" sample response, GSQL shell
// page): "---- Global vertices, edges, and all graphs", the global types, every graph, the global jobs, then two
// empty lines and the JSON API and syntax versions. Graph scope (gsql-101 "define a schema", query-operations):
// "---- Graph g", the graph's types in its own order, the graph, its jobs and "Queries:" (the emulator has none).
std::string ListCatalog(const Database& db, const Graph* g) {
  const Catalog& c = db.catalog;
  const auto strip = [](const std::string& ddl) { return ddl.substr(std::string("CREATE ").size()); };
  std::string out = g == nullptr ? "---- Global vertices, edges, and all graphs\n" : "---- Graph " + g->name + "\n";
  out += "Vertex Types:\n";
  if (g == nullptr) {
    for (const auto& [n, v] : c.vertex_types) {
      if (!v.is_local) out += "  - " + strip(VertexDdl(v)) + "\n";
    }
  } else {
    for (const std::string& n : g->vertex_types) {
      if (const VertexType* v = c.FindVertex(n)) out += "  - " + strip(VertexDdl(*v)) + "\n";
    }
  }
  out += "Edge Types:\n";
  if (g == nullptr) {
    for (const auto& [n, e] : c.edge_types) {
      if (!e.is_local) out += "  - " + strip(EdgeDdl(e)) + "\n";
    }
  } else {
    for (const std::string& n : g->edge_types) {
      if (const EdgeType* e = c.FindEdge(n)) out += "  - " + strip(EdgeDdl(*e)) + "\n";
    }
  }
  out += "\nGraphs:\n";
  for (const auto& [n, gr] : c.graphs) {
    if (g != nullptr && n != g->name) continue;
    std::vector<std::string> types;
    for (const auto& v : gr.vertex_types) types.push_back(v + ":v");
    for (const auto& e : gr.edge_types) types.push_back(e + ":e");
    out += fmt::format("  - Graph {}({})\n", n, fmt::join(types, ", "));
  }
  out += "Jobs:\n";
  if (g != nullptr) {
    for (const auto& [jn, job] : g->loading_jobs) {
      out += "  - " + (job.source_text.empty() ? "CREATE LOADING JOB " + jn : job.source_text) + "\n";
    }
  }
  for (const auto& [jn, job] : db.schema_change_jobs) {
    if (g == nullptr ? job.global : (!job.global && job.graph == g->name)) {
      out += fmt::format("  - CREATE {}SCHEMA_CHANGE JOB {}\n", job.global ? "GLOBAL " : "", jn);
    }
  }
  out += g == nullptr ? "\n\nJSON API version: v2\nSyntax version: v2" : "Queries:";
  return out;
}

}  // namespace

std::string ShowCatalog(const Database& db, const std::string& graph_name, const ShowStmt& show) {
  const Catalog& c = db.catalog;
  const Graph* g = c.FindGraph(graph_name);
  if (show.what == "LS") return ListCatalog(db, g);
  const auto wanted = [&](const std::string& n) {
    return show.pattern.empty() || show.pattern == "*" || show.pattern == n;
  };
  const auto in_scope_v = [&](const std::string& n) { return g == nullptr || c.GraphHasVertex(*g, n); };
  const auto in_scope_e = [&](const std::string& n) { return g == nullptr || c.GraphHasEdge(*g, n); };
  std::string out;
  if (show.what == "VERTEX") {
    for (const auto& [n, v] : c.vertex_types) {
      if (wanted(n) && in_scope_v(n)) out += "  - " + VertexDdl(v).substr(std::string("CREATE ").size()) + "\n";
    }
  }
  if (show.what == "EDGE") {
    for (const auto& [n, e] : c.edge_types) {
      if (wanted(n) && in_scope_e(n)) out += "  - " + EdgeDdl(e).substr(std::string("CREATE ").size()) + "\n";
    }
  }
  if (show.what == "GRAPH") {
    for (const auto& [n, gr] : c.graphs) {
      if (!wanted(n)) continue;
      std::vector<std::string> types;
      for (const auto& v : gr.vertex_types) types.push_back(v + ":v");
      for (const auto& e : gr.edge_types) types.push_back(e + ":e");
      out += fmt::format("  - Graph {}({})\n", n, fmt::join(types, ", "));
    }
  }
  if (show.what == "JOB") {
    for (const auto& [gn, gr] : c.graphs) {
      if (g != nullptr && gn != g->name) continue;
      for (const auto& [jn, job] : gr.loading_jobs) {
        if (wanted(jn)) out += "  - " + (job.source_text.empty() ? "CREATE LOADING JOB " + jn : job.source_text) + "\n";
      }
    }
    for (const auto& [jn, job] : db.schema_change_jobs) {
      if (wanted(jn)) out += fmt::format("  - CREATE {}SCHEMA_CHANGE JOB {}\n", job.global ? "GLOBAL " : "", jn);
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace icegraph::emulator
