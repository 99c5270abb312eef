#include "emulator/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "emulator/csv.h"
#include "emulator/vertex_id.h"

namespace icegraph::emulator {
namespace {

constexpr size_t kMaxMessages = 10;

// The fields of one line plus the header's column positions; functions write into per-expression buffers.
struct LineCtx {
  const std::vector<std::string_view>* fields = nullptr;
  const std::vector<std::string>* header = nullptr;
  std::vector<std::string> buffers;  // reused across lines: no allocation once warm
  size_t next_buffer = 0;
  bool missing = false;  // a $N beyond the line's tokens was referenced
};

int HeaderIndex(const std::vector<std::string>& header, std::string_view name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string_view Eval(const TokenExpr& e, LineCtx& ctx) {
  switch (e.kind) {
    case TokenExpr::Kind::kColumnIndex:
    case TokenExpr::Kind::kColumnName: {
      const int idx = e.kind == TokenExpr::Kind::kColumnIndex ? e.index : HeaderIndex(*ctx.header, e.text);
      if (idx < 0 || static_cast<size_t>(idx) >= ctx.fields->size()) {
        ctx.missing = true;
        return {};
      }
      return (*ctx.fields)[static_cast<size_t>(idx)];
    }
    case TokenExpr::Kind::kLiteral: return e.text;
    case TokenExpr::Kind::kDefault: return {};
    case TokenExpr::Kind::kFunction: {
      if (ctx.next_buffer >= ctx.buffers.size()) ctx.buffers.emplace_back();
      const size_t slot = ctx.next_buffer++;
      std::string out;
      out.swap(ctx.buffers[slot]);
      out.clear();
      if (e.text == "gsql_concat") {
        for (const TokenExpr& a : e.args) out.append(Eval(a, ctx));
      } else {
        const std::string_view arg = e.args.empty() ? std::string_view() : Eval(e.args[0], ctx);
        out.assign(arg);
        if (e.text == "gsql_upper") {
          for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        } else if (e.text == "gsql_lower") {
          for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (e.text == "gsql_trim") {
          const size_t b = out.find_first_not_of(" \t");
          const size_t en = out.find_last_not_of(" \t");
          out = b == std::string::npos ? std::string() : out.substr(b, en - b + 1);
        }
      }
      ctx.buffers[slot].swap(out);
      return ctx.buffers[slot];
    }
  }
  return {};
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool IsNumericToken(std::string_view s) {
  double d = 0;
  return ParseDouble(s, &d);
}

bool Compare(std::string_view a, std::string_view b, const std::string& op) {
  double x = 0;
  double y = 0;
  int c = 0;
  // Numbers compare as numbers when both sides are numeric, else as text.
  if (ParseDouble(a, &x) && ParseDouble(b, &y)) {
    c = x < y ? -1 : (x > y ? 1 : 0);
  } else {
    c = a.compare(b);
    c = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (op == "==" || op == "=") return c == 0;
  if (op == "!=" || op == "<>") return c != 0;
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

bool EvalCondition(const Condition& cond, LineCtx& ctx) {
  ctx.next_buffer = 0;
  switch (cond.kind) {
    case Condition::Kind::kTrue: return true;
    case Condition::Kind::kAnd:
      return std::all_of(cond.children.begin(), cond.children.end(),
                         [&](const Condition& c) { return EvalCondition(c, ctx); });
    case Condition::Kind::kOr:
      return std::any_of(cond.children.begin(), cond.children.end(),
                         [&](const Condition& c) { return EvalCondition(c, ctx); });
    case Condition::Kind::kNot: return cond.children.empty() || !EvalCondition(cond.children[0], ctx);
    case Condition::Kind::kCompare: {
      const std::string_view l = Eval(cond.lhs, ctx);
      return Compare(l, cond.rhs.empty() ? std::string_view() : Eval(cond.rhs[0], ctx), cond.op);
    }
    case Condition::Kind::kIsNumeric: return IsNumericToken(Eval(cond.lhs, ctx)) != cond.negated;
    case Condition::Kind::kIsEmpty: return Eval(cond.lhs, ctx).empty() != cond.negated;
    case Condition::Kind::kIn: {
      const std::string_view l = Eval(cond.lhs, ctx);
      const bool in = std::any_of(cond.rhs.begin(), cond.rhs.end(),
                                  [&](const TokenExpr& r) { return Compare(l, Eval(r, ctx), "=="); });
      return in != cond.negated;
    }
    case Condition::Kind::kBetween: {
      if (cond.rhs.size() != 2) return false;
      const std::string_view l = Eval(cond.lhs, ctx);
      return Compare(l, Eval(cond.rhs[0], ctx), ">=") && Compare(l, Eval(cond.rhs[1], ctx), "<=");
    }
  }
  return false;
}

class JobRun {
 public:
  JobRun(Database& db, const LoadingJob& job, const std::string& var, LoadStats* stats) : db_(db), stats_(stats) {
    for (const LoadStatement& s : job.statements) {
      if (s.filename_var == var) statements_.push_back(&s);
    }
    for (const LoadStatement* s : statements_) PlanLookahead(*s);
  }

  const std::vector<const LoadStatement*>& statements() const { return statements_; }

  /// Look-ahead, first stage (some lines before a line is applied): fetch the index entries of its vertex ids.
  void PrefetchIds(const std::vector<std::string_view>& fields) const {
    for (const Lookahead& l : lookahead_) {
      if (const std::string_view* id = Field(fields, l.from_col)) db_.store.PrefetchVertexId(l.from_vtype, *id);
      if (const std::string_view* id = Field(fields, l.to_col)) db_.store.PrefetchVertexId(l.to_vtype, *id);
    }
  }

  /// Second stage (fewer lines before): with the index entries cached, fetch the records and the edge's entry;
  /// `ends` keeps the endpoints (type handle, slot) for the last stage.
  void PrefetchEdges(const std::vector<std::string_view>& fields,
                     std::vector<std::pair<uint32_t, int64_t>>* ends) const {
    ends->clear();
    for (const Lookahead& l : lookahead_) {
      if (l.to_col < 0) continue;
      const std::string_view* from = Field(fields, l.from_col);
      const std::string_view* to = Field(fields, l.to_col);
      if (from == nullptr || to == nullptr) continue;
      std::pair<uint32_t, std::string_view> a{l.from_vtype, *from};
      std::pair<uint32_t, std::string_view> b{l.to_vtype, *to};
      // The order MakeEdgeKey stores an undirected edge in: by type name, then by id.
      if (l.undirected && (l.swap_types || (l.from_vtype == l.to_vtype && b.second < a.second))) std::swap(a, b);
      int64_t from_slot = -1;
      int64_t to_slot = -1;
      db_.store.PrefetchEdge(l.etype, l.probe_edge, a.first, a.second, b.first, b.second, &from_slot, &to_slot);
      ends->emplace_back(a.first, from_slot);
      ends->emplace_back(b.first, to_slot);
    }
  }

  /// Last stage (a few lines before): with the records cached, the ends of their adjacency lists.
  void PrefetchAdjacency(const std::vector<std::pair<uint32_t, int64_t>>& ends) const {
    for (const auto& [vtype, slot] : ends) db_.store.PrefetchAdjacency(vtype, slot);
  }

  void Line(const std::vector<std::string_view>& fields, const std::vector<std::string>& header, int64_t line_no) {
    ctx_.fields = &fields;
    ctx_.header = &header;
    ctx_.missing = false;
    bool all_failed_condition = !statements_.empty();
    for (const LoadStatement* s : statements_) {
      if (s->where && !EvalCondition(*s->where, ctx_)) {
        TypeStats& ts = StatsFor(*s);
        ++ts.failed_condition;
        continue;
      }
      all_failed_condition = false;
      if (ctx_.missing) break;
      ctx_.next_buffer = 0;
      ApplyStatement(*s, line_no);
      if (ctx_.missing) break;
    }
    if (ctx_.missing) {
      ++stats_->not_enough_token;
      ++stats_->reject_line;
      Note(line_no, "not enough tokens");
    } else if (all_failed_condition) {
      ++stats_->failed_condition_line;
    } else {
      ++stats_->valid_line;
    }
  }

 private:
  TypeStats& StatsFor(const LoadStatement& s) {
    const bool edge = s.target == LoadStatement::Target::kEdge || s.target == LoadStatement::Target::kDeleteEdge;
    return (edge ? stats_->edge : stats_->vertex)[s.type_name];
  }

  void Note(int64_t line, const std::string& why) {
    if (stats_->messages.size() < kMaxMessages) stats_->messages.push_back(fmt::format("line {}: {}", line, why));
  }

  // Converts the VALUES tokens for `attrs` starting at `first`; false (and counts) on an invalid attribute.
  bool ConvertAttrs(const LoadStatement& s, const std::vector<Attribute>& attrs, size_t first, Attrs* out,
                    std::vector<bool>* set, TypeStats& ts, int64_t line) {
    out->resize(attrs.size());
    set->assign(attrs.size(), false);
    for (size_t i = 0; i < attrs.size() && first + i < s.values.size(); ++i) {
      const TokenExpr& e = s.values[first + i];
      if (e.kind == TokenExpr::Kind::kDefault) continue;
      const std::string_view tok = Eval(e, ctx_);
      if (ctx_.missing) return false;
      // An empty token is a missing value for non-string types: the attribute keeps its value (gsql-ref loading).
      const Kind k = attrs[i].type.kind;
      if (tok.empty() && k != Kind::kString && k != Kind::kStringCompress) continue;
      Status converted;
      if (attrs[i].type.is_container()) {
        auto v = ValueFromToken(attrs[i].type, tok);
        converted = v.status();
        if (v.ok()) (*out)[i] = std::move(v).ValueOrDie();
      } else {
        converted = ScalarTokenInto(attrs[i].type, tok, &(*out)[i]);
      }
      if (!converted.ok()) {
        ++ts.invalid_attribute;
        if (ts.invalid_attribute_lines.size() < kMaxMessages) ts.invalid_attribute_lines.push_back(line);
        Note(line, fmt::format("{}.{}: {}", s.type_name, attrs[i].name, converted.message()));
        return false;
      }
      (*set)[i] = true;
    }
    return true;
  }

  void Upsert(const std::string& type, const std::string& id, const std::vector<Attribute>& attrs, Attrs& values,
              const std::vector<bool>& set) {
    bool created = false;
    const bool all_set = std::all_of(set.begin(), set.end(), [](bool b) { return b; });
    Attrs& stored = db_.store.Vertices(type).FindOrInsert(
        id, [&] { return all_set ? Attrs() : DefaultAttrs(attrs); }, &created);
    if (created && all_set) {  // a new vertex with every value given takes the converted list whole
      stored = std::move(values);
      return;
    }
    for (size_t i = 0; i < set.size(); ++i) {
      if (set[i]) stored[i] = std::move(values[i]);
    }
  }

  void ApplyStatement(const LoadStatement& s, int64_t line) {
    using T = LoadStatement::Target;
    TypeStats& ts = StatsFor(s);
    if (s.target == T::kVertex || s.target == T::kDeleteVertex) {
      const VertexType* vt = db_.catalog.FindVertex(s.type_name);
      if (vt == nullptr || s.values.empty()) return;
      std::string id;
      if (!vt->composite_key.empty() && s.target == T::kVertex) {
        if (!ConvertAttrs(s, vt->attributes, 0, &attrs_, &set_, ts, line)) return;
        auto key = CompositeIdFromAttrs(*vt, attrs_);
        if (!key.ok()) {
          ++ts.invalid_primary_id;
          Note(line, key.status().message());
          return;
        }
        id = std::move(key).ValueOrDie();
      } else {
        const std::string_view tok = Eval(s.values[0], ctx_);
        if (ctx_.missing) return;
        auto norm = NormalizeVertexId(*vt, tok);
        if (!norm.ok()) {
          ++(tok.empty() ? ts.no_id_found : ts.invalid_primary_id);
          Note(line, fmt::format("{} id: {}", s.type_name, norm.status().message()));
          return;
        }
        id = std::move(norm).ValueOrDie();
      }
      if (s.target == T::kDeleteVertex) {
        if (db_.store.DeleteVertex(s.type_name, id) >= 0) ++stats_->delete_vertex[s.type_name];
        ++ts.valid_object;
        return;
      }
      if (vt->composite_key.empty() && !ConvertAttrs(s, vt->attributes, 1, &attrs_, &set_, ts, line)) return;
      Upsert(s.type_name, id, vt->attributes, attrs_, set_);
      ++ts.valid_object;
      return;
    }
    const EdgeType* et = db_.catalog.FindEdge(s.type_name);
    if (et == nullptr || s.values.size() < 2) return;
    std::string from_type = et->pairs.size() == 1 ? et->pairs[0].from : "";
    std::string to_type = et->pairs.size() == 1 ? et->pairs[0].to : "";
    if (s.from_type) from_type = std::string(Eval(*s.from_type, ctx_));
    if (s.to_type) to_type = std::string(Eval(*s.to_type, ctx_));
    const std::string_view from_tok = Eval(s.values[0], ctx_);
    const std::string_view to_tok = Eval(s.values[1], ctx_);
    if (ctx_.missing) return;
    const VertexType* fv = db_.catalog.FindVertex(from_type);
    const VertexType* tv = db_.catalog.FindVertex(to_type);
    if (fv == nullptr || !et->AllowsPair(from_type, to_type)) {
      ++ts.invalid_primary_id;
      Note(line, fmt::format("{}: invalid source vertex type '{}'", s.type_name, from_type));
      return;
    }
    if (tv == nullptr) {
      ++ts.invalid_secondary_id;
      Note(line, fmt::format("{}: invalid target vertex type '{}'", s.type_name, to_type));
      return;
    }
    auto from_id = NormalizeVertexId(*fv, from_tok);
    if (!from_id.ok()) {
      ++(from_tok.empty() ? ts.no_id_found : ts.invalid_primary_id);
      Note(line, fmt::format("{} source id: {}", s.type_name, from_id.status().message()));
      return;
    }
    auto to_id = NormalizeVertexId(*tv, to_tok);
    if (!to_id.ok()) {
      ++ts.invalid_secondary_id;
      Note(line, fmt::format("{} target id: {}", s.type_name, to_id.status().message()));
      return;
    }
    if (!ConvertAttrs(s, et->attributes, 2, &attrs_, &set_, ts, line)) return;
    if (s.target == T::kDeleteEdge) {
      Attrs full = DefaultAttrs(et->attributes);
      for (size_t i = 0; i < set_.size(); ++i) {
        if (set_[i]) full[i] = attrs_[i];
      }
      const EdgeKey key = MakeEdgeKey(*et, {from_type, *from_id}, {to_type, *to_id}, EncodeDiscriminator(*et, full));
      if (db_.store.DeleteEdge(key)) {
        ++stats_->delete_edge[s.type_name];
        if (const EdgeType* rev = db_.catalog.FindEdge(et->reverse_edge)) {
          db_.store.DeleteEdge(MakeEdgeKey(*rev, {to_type, *to_id}, {from_type, *from_id}, key.discriminator));
        }
      }
      ++ts.valid_object;
      return;
    }
    // The converted values move into the new edge (or onto the existing one); nothing reads attrs_ after this line
    // until ConvertAttrs fills it again.
    Attrs full;
    if (std::all_of(set_.begin(), set_.end(), [](bool b) { return b; })) {
      full = std::move(attrs_);  // ConvertAttrs sizes attrs_ again for the next line
    } else {
      full = DefaultAttrs(et->attributes);
      for (size_t i = 0; i < set_.size(); ++i) {
        if (set_[i]) full[i] = std::move(attrs_[i]);
      }
    }
    const std::string disc = EncodeDiscriminator(*et, full);
    bool created = false;
    // Loading an edge creates missing endpoints with default attributes, as TigerGraph does.
    Attrs& stored = db_.store.UpsertEdge(MakeEdgeKey(*et, {from_type, *from_id}, {to_type, *to_id}, disc),
                                         std::move(full), &created, fv, tv);
    if (!created) {  // `full` was left as it was: the new values replace the loaded ones
      for (size_t i = 0; i < set_.size(); ++i) {
        // NOLINTNEXTLINE(bugprone-use-after-move): UpsertEdge moves `full` only into a new edge
        if (set_[i]) stored[i] = std::move(full[i]);
      }
    }
    if (const EdgeType* rev = db_.catalog.FindEdge(et->reverse_edge)) {
      bool rev_created = false;
      Attrs& rstored =
          db_.store.UpsertEdge(MakeEdgeKey(*rev, {to_type, *to_id}, {from_type, *from_id}, disc), stored, &rev_created);
      if (!rev_created) rstored = stored;
    }
    ++ts.valid_object;
  }

  // What the look-ahead fetches for one statement whose ids are plain columns ($N): the columns and type handles.
  struct Lookahead {
    int from_col = -1;  // the vertex id of a vertex statement, the source of an edge statement
    int to_col = -1;
    uint32_t from_vtype = 0;
    uint32_t to_vtype = 0;
    uint32_t etype = 0;
    bool probe_edge = false;  // the edge's index entry can be fetched too (no discriminator)
    bool undirected = false;
    bool swap_types = false;  // undirected between two types, stored from the type whose name sorts first
  };

  static const std::string_view* Field(const std::vector<std::string_view>& fields, int col) {
    return col >= 0 && static_cast<size_t>(col) < fields.size() ? &fields[static_cast<size_t>(col)] : nullptr;
  }

  void PlanLookahead(const LoadStatement& s) {
    using T = LoadStatement::Target;
    const auto column = [&](size_t i) {
      return i < s.values.size() && s.values[i].kind == TokenExpr::Kind::kColumnIndex ? s.values[i].index : -1;
    };
    Lookahead l;
    if (s.target == T::kVertex) {
      const VertexType* vt = db_.catalog.FindVertex(s.type_name);
      if (vt == nullptr || !vt->composite_key.empty() || column(0) < 0) return;
      l.from_col = column(0);
      l.from_vtype = db_.store.VertexTypeHandle(s.type_name);
    } else if (s.target == T::kEdge) {
      const EdgeType* et = db_.catalog.FindEdge(s.type_name);
      if (et == nullptr || et->pairs.size() != 1 || s.from_type || s.to_type || column(0) < 0 || column(1) < 0) return;
      const EdgePair& pair = et->pairs[0];
      if (pair.from == "*" || pair.to == "*") return;
      l.from_col = column(0);
      l.to_col = column(1);
      l.from_vtype = db_.store.VertexTypeHandle(pair.from);
      l.to_vtype = db_.store.VertexTypeHandle(pair.to);
      l.etype = db_.store.EdgeTypeHandle(s.type_name);
      l.probe_edge = et->discriminator.empty();
      l.undirected = !et->directed;
      l.swap_types = pair.to < pair.from;
    } else {
      return;
    }
    lookahead_.push_back(l);
  }

  Database& db_;
  LoadStats* stats_;
  std::vector<const LoadStatement*> statements_;
  std::vector<Lookahead> lookahead_;
  LineCtx ctx_;
  Attrs attrs_;
  std::vector<bool> set_;
};

Result<char> SeparatorFrom(const std::string& text) {
  if (text.size() == 1) return text[0];
  if (text == "\\t") return '\t';
  if (text == "\\n") return '\n';
  return Status::Invalid("the separator must be one character, got '" + text + "'");
}

}  // namespace

Result<LoadStats> RunLoad(Database& db, const LoadingJob& job, const std::string& var, std::string_view data,
                          const LoadOverrides& overrides) {
  LoadStats stats;
  stats.filename_var = var;
  JobRun run(db, job, var, &stats);
  if (run.statements().empty()) {
    return Status::NotFound(fmt::format("the loading job {} has no filename variable {}", job.name, var));
  }
  LoadingOptions options = run.statements().front()->options;
  if (!overrides.separator.empty()) {
    ICEGRAPH_ASSIGN_OR_RAISE(options.separator, SeparatorFrom(overrides.separator));
  }
  if (!overrides.eol.empty()) options.eol = overrides.eol == "\\n" ? "\n" : overrides.eol;
  // Size vertex tables for the lines to come once, instead of rehashing as they grow.
  size_t lines = 0;  // memchr's vector scan: std::count's byte loop was 6 % of a vertex load
  for (const char *p = data.data(), *end = data.data() + data.size(); p < end; ++lines) {
    const void* hit = std::memchr(p, options.eol.back(), static_cast<size_t>(end - p));
    if (hit == nullptr) break;
    p = static_cast<const char*>(hit) + 1;
  }
  for (const LoadStatement* s : run.statements()) {
    if (s->target == LoadStatement::Target::kVertex) {
      db.store.Vertices(s->type_name).Reserve(lines);
    } else if (s->target == LoadStatement::Target::kEdge) {
      db.store.ReserveEdges(s->type_name, lines);
    }
  }
  CsvReader reader(data, options);
  std::vector<std::string> header;
  if (options.header) {
    std::vector<std::string_view> fields;
    if (reader.Next(&fields)) header.assign(fields.begin(), fields.end());
  }
  // Lines are read kWindow ahead of the one applied: each line's ids are prefetched when read, its records and edge
  // entry kNear lines before it is applied, its adjacency ends kLast lines before. Fields are views into `data`, so
  // the ring holds no copies.
  constexpr size_t kWindow = 16;
  constexpr size_t kNear = 8;
  constexpr size_t kLast = 4;
  struct Ahead {
    std::vector<std::string_view> fields;
    std::vector<std::pair<uint32_t, int64_t>> ends;  // endpoints of its edges: (type handle, slot)
    int64_t line_no = 0;
  };
  std::vector<Ahead> ring(kWindow);
  size_t read = 0;
  size_t done = 0;
  bool more = true;
  while (true) {
    while (more && read - done < kWindow) {
      Ahead& a = ring[read % kWindow];
      more = reader.Next(&a.fields);
      if (!more) break;
      a.line_no = reader.line_number();
      run.PrefetchIds(a.fields);
      ++read;
    }
    if (done == read) break;
    if (done + kNear < read) {
      Ahead& near = ring[(done + kNear) % kWindow];
      run.PrefetchEdges(near.fields, &near.ends);
    }
    if (done + kLast < read) run.PrefetchAdjacency(ring[(done + kLast) % kWindow].ends);
    const Ahead& a = ring[done % kWindow];
    ++stats.lines;
    run.Line(a.fields, header, a.line_no);
    ++done;
  }
  return stats;
}

Status ValidateLoadingJob(const Catalog& catalog, const Graph& graph, const LoadingJob& job) {
  for (const LoadStatement& s : job.statements) {
    if (std::find(job.filename_vars.begin(), job.filename_vars.end(), s.filename_var) == job.filename_vars.end()) {
      return Status::Invalid(
          fmt::format("the filename variable {} is not defined (DEFINE FILENAME {};)", s.filename_var, s.filename_var));
    }
    const bool edge = s.target == LoadStatement::Target::kEdge || s.target == LoadStatement::Target::kDeleteEdge;
    size_t expected = 0;
    if (edge) {
      const EdgeType* e = catalog.FindEdge(s.type_name);
      if (e == nullptr || !catalog.GraphHasEdge(graph, s.type_name)) {
        return Status::NotFound(fmt::format("the edge type {} does not exist in graph {}", s.type_name, graph.name));
      }
      bool wildcard = e->pairs.size() > 1;
      for (const EdgePair& p : e->pairs) wildcard = wildcard || p.from == "*" || p.to == "*";
      if (wildcard && (!s.from_type || !s.to_type)) {
        return Status::Invalid(
            fmt::format("the edge type {} has several FROM/TO pairs: give the vertex types as "
                        "VALUES ($0 $1, $2 $3, ...)",
                        s.type_name));
      }
      expected = 2 + e->attributes.size();
      if (s.target == LoadStatement::Target::kDeleteEdge) expected = s.values.size();
    } else {
      const VertexType* v = catalog.FindVertex(s.type_name);
      if (v == nullptr || !catalog.GraphHasVertex(graph, s.type_name)) {
        return Status::NotFound(fmt::format("the vertex type {} does not exist in graph {}", s.type_name, graph.name));
      }
      expected = v->composite_key.empty() ? 1 + v->attributes.size() : v->attributes.size();
      if (s.target == LoadStatement::Target::kDeleteVertex) expected = 1;
    }
    if (s.values.size() != expected) {
      return Status::Invalid(
          fmt::format("the number of VALUES for {} is {}, but it needs {}", s.type_name, s.values.size(), expected));
    }
    const auto check_expr = [&](const TokenExpr& e) -> Status {
      if (e.kind == TokenExpr::Kind::kColumnName && !s.options.header) {
        return Status::Invalid(fmt::format("$\"{}\" names a column, which needs USING HEADER=\"true\"", e.text));
      }
      if (e.kind == TokenExpr::Kind::kFunction && e.text != "gsql_concat" && e.text != "gsql_upper" &&
          e.text != "gsql_lower" && e.text != "gsql_trim") {
        return Status::NotImplemented(fmt::format("the emulator does not support the token function {}", e.text));
      }
      return Status::OK();
    };
    for (const TokenExpr& e : s.values) ICEGRAPH_RETURN_NOT_OK(check_expr(e));
  }
  return Status::OK();
}

}  // namespace icegraph::emulator
