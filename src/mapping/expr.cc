// Binding, evaluation and filter push-down of mapping expressions and conditions (expr.h); parsing is expr_parse.cc.
#include "mapping/expr.h"

#include <arrow/compute/api.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/arrow_status.h"
#include "iceberg/arrow_conform.h"

namespace icegraph::mapping {
namespace {

namespace cp = arrow::compute;

iceberg::Field Synthetic(std::string type) {
  iceberg::Field f;
  f.type = std::move(type);
  return f;
}

// The Iceberg-like type of a cast result, so the type matrix reads it as what it is.
std::string CastResultType(TgKind k) {
  switch (k) {
    case TgKind::kInt: return "long";
    case TgKind::kUint: return "ulong";
    case TgKind::kFloat: return "float";
    case TgKind::kDouble: return "double";
    case TgKind::kBool: return "boolean";
    case TgKind::kDatetime: return "timestamptz";
    default: return "string";
  }
}

Status BindColumn(Expr* e, const iceberg::Schema& schema) {
  const std::vector<iceberg::Field>* level = &schema.fields;
  const iceberg::Field* found = nullptr;
  std::string_view rest = e->text;
  std::string walked;
  while (!rest.empty()) {
    const size_t dot = rest.find('.');
    const std::string_view part = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    walked += (walked.empty() ? "" : ".") + std::string(part);
    if (level == nullptr) {
      return Status::Invalid(fmt::format("column '{}' not found ('{}' is not a struct)", e->text, found->name));
    }
    const auto it = std::find_if(level->begin(), level->end(), [&](const iceberg::Field& f) { return f.name == part; });
    if (it == level->end()) return Status::Invalid(fmt::format("column '{}' not found", walked));
    found = &*it;
    e->field_ids.push_back(found->id);
    level = found->type == "struct" ? &found->children : nullptr;
  }
  e->field = *found;
  if (found->type == "struct") {
    return Status::Invalid(fmt::format("column '{}' is a struct: map its fields by path, e.g. {}.{}", e->text, e->text,
                                       found->children.empty() ? "field" : found->children[0].name));
  }
  ICEGRAPH_ASSIGN_OR_RAISE(e->type, DefaultTgType(*found));
  return Status::OK();
}

// A literal as an Arrow scalar of `type` (numbers and ISO date/time text cast as Arrow casts them).
Result<std::shared_ptr<arrow::Scalar>> LiteralScalar(const Expr& e, const std::shared_ptr<arrow::DataType>& type) {
  std::shared_ptr<arrow::Scalar> s;
  if (e.kind == Expr::Kind::kString) {
    s = arrow::MakeScalar(e.text);
  } else if (e.text.find_first_of(".eE") == std::string::npos) {
    s = arrow::MakeScalar(static_cast<int64_t>(std::stoll(e.text)));
  } else {
    s = arrow::MakeScalar(std::stod(e.text));
  }
  if (s->type->Equals(*type)) return s;
  if (type->id() == arrow::Type::DECIMAL128 && e.kind == Expr::Kind::kNumber) {
    // Exact decimal text: Arrow's int → decimal cast wants precision for every int64.
    const auto& dt = static_cast<const arrow::Decimal128Type&>(*type);
    arrow::Decimal128 v;
    int32_t precision = 0;
    int32_t scale = 0;
    if (arrow::Decimal128::FromString(e.text, &v, &precision, &scale).ok()) {
      auto rescaled = v.Rescale(scale, dt.scale());
      if (rescaled.ok() && rescaled->FitsInPrecision(dt.precision())) {
        return std::static_pointer_cast<arrow::Scalar>(std::make_shared<arrow::Decimal128Scalar>(*rescaled, type));
      }
    }
  }
  // Array casts: Scalar::CastTo lacks some kernels (int64 → decimal128).
  const auto cast_one =
      [&type](const std::shared_ptr<arrow::Scalar>& from) -> arrow::Result<std::shared_ptr<arrow::Scalar>> {
    ARROW_ASSIGN_OR_RAISE(auto one, arrow::MakeArrayFromScalar(*from, 1));
    ARROW_ASSIGN_OR_RAISE(arrow::Datum d, cp::Cast(arrow::Datum(one), cp::CastOptions::Safe(type)));
    return d.make_array()->GetScalar(0);
  };
  auto cast = cast_one(s);
  if (!cast.ok() && type->id() == arrow::Type::TIMESTAMP && e.kind == Expr::Kind::kString) {
    cast = cast_one(arrow::MakeScalar(e.text + (e.text.size() == 10 ? "T00:00:00Z" : "Z")));
  }
  if (!cast.ok()) {
    return Status::Invalid(fmt::format("the literal {} cannot be read as {}", ExprToString(e), type->ToString()));
  }
  return *cast;
}

Result<std::shared_ptr<arrow::DataType>> ArrowTypeOfExpr(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kColumn: return iceberg::ArrowTypeOf(e.field);
    case Expr::Kind::kCast:
      if (e.cast_to == TgKind::kDatetime) return arrow::timestamp(arrow::TimeUnit::SECOND, "UTC");
      return CanonicalArrowType(TgType{e.cast_to});
    case Expr::Kind::kCoalesce: return ArrowTypeOfExpr(e.args[0]);
    case Expr::Kind::kNumber:
      return e.text.find_first_of(".eE") == std::string::npos ? arrow::int64() : arrow::float64();
    default: return arrow::utf8();
  }
}

bool IsLiteral(const Expr& e) { return e.kind == Expr::Kind::kString || e.kind == Expr::Kind::kNumber; }

Result<std::shared_ptr<arrow::Array>> FindColumn(const arrow::RecordBatch& batch, const Expr& e) {
  const auto& schema = *batch.schema();
  int index = -1;
  for (int i = 0; i < schema.num_fields(); ++i) {
    const std::optional<int32_t> id = iceberg::FieldIdOf(*schema.field(i));
    if (id && *id == e.field_ids[0]) {
      index = i;
      break;
    }
  }
  const std::string top = e.text.substr(0, e.text.find('.'));
  if (index < 0) index = schema.GetFieldIndex(top);
  if (index < 0) return Status::Invalid(fmt::format("the batch has no column '{}'", top));
  std::shared_ptr<arrow::Array> a = batch.column(index);
  std::string_view rest = e.text;
  for (size_t step = 1; step < e.field_ids.size(); ++step) {
    rest = rest.substr(rest.find('.') + 1);
    const std::string part(rest.substr(0, rest.find('.')));
    if (a->type_id() != arrow::Type::STRUCT) return Status::Invalid(fmt::format("'{}' is not a struct", e.text));
    const auto& st = static_cast<const arrow::StructArray&>(*a);
    int child = -1;
    for (int c = 0; c < st.num_fields(); ++c) {
      const std::optional<int32_t> id = iceberg::FieldIdOf(*st.struct_type()->field(c));
      if (id && *id == e.field_ids[step]) child = c;
    }
    if (child < 0) child = st.struct_type()->GetFieldIndex(part);
    if (child < 0) return Status::Invalid(fmt::format("the batch has no column '{}'", e.text));
    auto flat = st.GetFlattenedField(child);  // parent nulls become child nulls
    if (!flat.ok()) return FromArrowStatus(flat.status(), "struct field");
    a = *flat;
  }
  return a;
}

// Calls a compute function; a scalar result (every argument a literal) is broadcast to `length` rows.
Result<std::shared_ptr<arrow::Array>> Call(const std::string& fn, const std::vector<arrow::Datum>& args,
                                           int64_t length = -1) {
  auto r = cp::CallFunction(fn, args);
  if (!r.ok()) return FromArrowStatus(r.status(), fn);
  if (r->is_array()) return r->make_array();
  if (!r->is_scalar() || length < 0) return Status::Internal(fn + " did not return an array");
  auto a = arrow::MakeArrayFromScalar(*r->scalar(), length);
  if (!a.ok()) return FromArrowStatus(a.status(), fn);
  return *a;
}

void MergeErrors(std::vector<RowError>* into, std::vector<RowError> more) {
  if (more.empty()) return;
  into->insert(into->end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  std::stable_sort(into->begin(), into->end(), [](const RowError& a, const RowError& b) { return a.row < b.row; });
}

// Evaluates `e` and converts it to canonical STRING (UTF-8 checked), for string functions.
Result<Evaluated> EvaluateAsString(const Expr& e, const arrow::RecordBatch& batch) {
  ICEGRAPH_ASSIGN_OR_RAISE(Evaluated v, EvaluateExpr(e, batch));
  ICEGRAPH_ASSIGN_OR_RAISE(Converted c, ConvertToCanonical(v.values, e.field, TgType{TgKind::kString}));
  MergeErrors(&v.errors, std::move(c.errors));
  v.values = c.values;
  return v;
}

}  // namespace

Status BindExpr(Expr* e, const iceberg::Schema& schema) {
  ICEGRAPH_RETURN_NOT_OK(InitializeCompute());  // literal casts below use compute kernels
  for (Expr& a : e->args) ICEGRAPH_RETURN_NOT_OK(BindExpr(&a, schema));
  switch (e->kind) {
    case Expr::Kind::kColumn: ICEGRAPH_RETURN_NOT_OK(BindColumn(e, schema)); break;
    case Expr::Kind::kString:
      e->field = Synthetic("string");
      e->type = TgType{TgKind::kString};
      break;
    case Expr::Kind::kNumber: {
      const bool integral = e->text.find_first_of(".eE") == std::string::npos;
      e->field = Synthetic(integral ? "long" : "double");
      e->type = TgType{integral ? TgKind::kInt : TgKind::kDouble};
      break;
    }
    case Expr::Kind::kCast: {
      const Expr& arg = e->args[0];
      Status st = CheckConvertible(arg.field, TgType{e->cast_to});
      if (!st.ok()) {
        return Status::TypeError(fmt::format("cannot cast {} ({}) to {}", ExprToString(arg),
                                             arg.field.type.empty() ? "value" : arg.field.type,
                                             TgType{e->cast_to}.ToGsql()));
      }
      e->field = Synthetic(CastResultType(e->cast_to));
      e->type = TgType{e->cast_to};
      break;
    }
    case Expr::Kind::kConcat:
    case Expr::Kind::kLower:
    case Expr::Kind::kUpper:
      for (const Expr& a : e->args) {
        if (a.type.kind == TgKind::kList || a.type.kind == TgKind::kSet || a.type.kind == TgKind::kMap) {
          return Status::TypeError(fmt::format("{}() cannot take the collection {}", e->text, ExprToString(a)));
        }
      }
      e->field = Synthetic("string");
      e->type = TgType{TgKind::kString};
      break;
    case Expr::Kind::kCoalesce: {
      e->field = e->args[0].field;
      e->type = e->args[0].type;
      ICEGRAPH_ASSIGN_OR_RAISE(const auto first_type, ArrowTypeOfExpr(e->args[0]));
      for (size_t i = 1; i < e->args.size(); ++i) {
        const Expr& a = e->args[i];
        if (IsLiteral(a)) {
          ICEGRAPH_RETURN_NOT_OK(LiteralScalar(a, first_type).status());
          continue;
        }
        ICEGRAPH_ASSIGN_OR_RAISE(const auto t, ArrowTypeOfExpr(a));
        if (!t->Equals(*first_type)) {
          return Status::TypeError(fmt::format("coalesce() arguments differ in type: {} is {}, {} is {}",
                                               ExprToString(e->args[0]), first_type->ToString(), ExprToString(a),
                                               t->ToString()));
        }
      }
      break;
    }
  }
  e->bound = true;
  return Status::OK();
}

void CollectFieldIds(const Expr& e, std::vector<int32_t>* out) {
  if (e.kind == Expr::Kind::kColumn && !e.field_ids.empty()) {
    if (std::find(out->begin(), out->end(), e.field_ids[0]) == out->end()) out->push_back(e.field_ids[0]);
  }
  for (const Expr& a : e.args) CollectFieldIds(a, out);
}

Result<Evaluated> EvaluateExpr(const Expr& e, const arrow::RecordBatch& batch) {
  ICEGRAPH_RETURN_NOT_OK(InitializeCompute());
  if (!e.bound) return Status::Internal("EvaluateExpr of an unbound expression " + ExprToString(e));
  const int64_t n = batch.num_rows();
  switch (e.kind) {
    case Expr::Kind::kColumn: {
      ICEGRAPH_ASSIGN_OR_RAISE(auto a, FindColumn(batch, e));
      return Evaluated{a, {}};
    }
    case Expr::Kind::kString:
    case Expr::Kind::kNumber: {
      ICEGRAPH_ASSIGN_OR_RAISE(const auto type, ArrowTypeOfExpr(e));
      ICEGRAPH_ASSIGN_OR_RAISE(const auto scalar, LiteralScalar(e, type));
      auto a = arrow::MakeArrayFromScalar(*scalar, n);
      if (!a.ok()) return FromArrowStatus(a.status(), "literal");
      return Evaluated{*a, {}};
    }
    case Expr::Kind::kCast: {
      ICEGRAPH_ASSIGN_OR_RAISE(Evaluated v, EvaluateExpr(e.args[0], batch));
      ICEGRAPH_ASSIGN_OR_RAISE(Converted c, ConvertToCanonical(v.values, e.args[0].field, TgType{e.cast_to}));
      MergeErrors(&v.errors, std::move(c.errors));
      v.values = c.values;
      return v;
    }
    case Expr::Kind::kLower:
    case Expr::Kind::kUpper: {
      ICEGRAPH_ASSIGN_OR_RAISE(Evaluated v, EvaluateAsString(e.args[0], batch));
      ICEGRAPH_ASSIGN_OR_RAISE(
          v.values, Call(e.kind == Expr::Kind::kLower ? "utf8_lower" : "utf8_upper", {arrow::Datum(v.values)}));
      return v;
    }
    case Expr::Kind::kConcat: {
      Evaluated out;
      std::vector<arrow::Datum> args;
      for (const Expr& a : e.args) {
        if (a.kind == Expr::Kind::kString) {
          args.emplace_back(arrow::MakeScalar(a.text));  // literals stay scalars: no per-row copies
          continue;
        }
        ICEGRAPH_ASSIGN_OR_RAISE(Evaluated v, EvaluateAsString(a, batch));
        MergeErrors(&out.errors, std::move(v.errors));
        args.emplace_back(v.values);
      }
      args.emplace_back(arrow::MakeScalar(std::string()));  // the separator, last
      ICEGRAPH_ASSIGN_OR_RAISE(out.values, Call("binary_join_element_wise", args, n));
      return out;
    }
    case Expr::Kind::kCoalesce: {
      Evaluated out;
      std::vector<arrow::Datum> args;
      ICEGRAPH_ASSIGN_OR_RAISE(Evaluated first, EvaluateExpr(e.args[0], batch));
      const std::shared_ptr<arrow::DataType> type = first.values->type();
      out.errors = std::move(first.errors);
      args.emplace_back(first.values);
      for (size_t i = 1; i < e.args.size(); ++i) {
        if (IsLiteral(e.args[i])) {
          ICEGRAPH_ASSIGN_OR_RAISE(auto s, LiteralScalar(e.args[i], type));
          args.emplace_back(s);
          continue;
        }
        ICEGRAPH_ASSIGN_OR_RAISE(Evaluated v, EvaluateExpr(e.args[i], batch));
        MergeErrors(&out.errors, std::move(v.errors));
        args.emplace_back(v.values);
      }
      ICEGRAPH_ASSIGN_OR_RAISE(out.values, Call("coalesce", args, n));
      return out;
    }
  }
  return Status::Internal("unknown expression kind");
}

Status BindCondition(Condition* c, const iceberg::Schema& schema) {
  for (Expr& e : c->operands) ICEGRAPH_RETURN_NOT_OK(BindExpr(&e, schema));
  for (Condition& child : c->children) ICEGRAPH_RETURN_NOT_OK(BindCondition(&child, schema));
  if (c->kind == Condition::Kind::kCompare) {
    Expr& l = c->operands[0];
    Expr& r = c->operands[1];
    if (IsLiteral(l) && !IsLiteral(r)) {  // `5 < x` becomes `x > 5`: the column side first
      std::swap(l, r);
      const std::string& op = c->op;
      c->op = op == "<" ? ">" : op == ">" ? "<" : op == "<=" ? ">=" : op == ">=" ? "<=" : op;
    }
    ICEGRAPH_ASSIGN_OR_RAISE(const auto lt, ArrowTypeOfExpr(l));
    if (IsLiteral(r)) {
      ICEGRAPH_RETURN_NOT_OK(LiteralScalar(r, lt).status());
    } else {
      ICEGRAPH_ASSIGN_OR_RAISE(const auto rt, ArrowTypeOfExpr(r));
      const bool comparable = lt->Equals(*rt) || (arrow::is_numeric(lt->id()) && arrow::is_numeric(rt->id())) ||
                              (arrow::is_string(lt->id()) && arrow::is_string(rt->id()));
      if (!comparable) {
        return Status::TypeError(fmt::format("cannot compare {} ({}) with {} ({})", ExprToString(l), lt->ToString(),
                                             ExprToString(r), rt->ToString()));
      }
    }
  }
  return Status::OK();
}

void CollectFieldIds(const Condition& c, std::vector<int32_t>* out) {
  for (const Expr& e : c.operands) CollectFieldIds(e, out);
  for (const Condition& child : c.children) CollectFieldIds(child, out);
}

Result<std::shared_ptr<arrow::BooleanArray>> EvaluateCondition(const Condition& c, const arrow::RecordBatch& batch) {
  ICEGRAPH_RETURN_NOT_OK(InitializeCompute());
  // Kleene logic inside, nulls turned into false once at the end.
  struct Eval {
    const arrow::RecordBatch& batch;
    Result<std::shared_ptr<arrow::Array>> operator()(const Condition& c) const {
      switch (c.kind) {
        case Condition::Kind::kAnd:
        case Condition::Kind::kOr: {
          ICEGRAPH_ASSIGN_OR_RAISE(auto acc, (*this)(c.children[0]));
          for (size_t i = 1; i < c.children.size(); ++i) {
            ICEGRAPH_ASSIGN_OR_RAISE(auto next, (*this)(c.children[i]));
            ICEGRAPH_ASSIGN_OR_RAISE(acc, Call(c.kind == Condition::Kind::kAnd ? "and_kleene" : "or_kleene",
                                               {arrow::Datum(acc), arrow::Datum(next)}));
          }
          return acc;
        }
        case Condition::Kind::kNot: {
          ICEGRAPH_ASSIGN_OR_RAISE(auto inner, (*this)(c.children[0]));
          return Call("invert", {arrow::Datum(inner)});
        }
        case Condition::Kind::kIsNull:
        case Condition::Kind::kIsNotNull: {
          ICEGRAPH_ASSIGN_OR_RAISE(Evaluated v, EvaluateExpr(c.operands[0], batch));
          return Call(c.kind == Condition::Kind::kIsNull ? "is_null" : "is_valid", {arrow::Datum(v.values)});
        }
        case Condition::Kind::kCompare: {
          ICEGRAPH_ASSIGN_OR_RAISE(Evaluated l, EvaluateExpr(c.operands[0], batch));
          arrow::Datum rhs;
          if (IsLiteral(c.operands[1])) {
            ICEGRAPH_ASSIGN_OR_RAISE(auto s, LiteralScalar(c.operands[1], l.values->type()));
            rhs = arrow::Datum(s);
          } else {
            ICEGRAPH_ASSIGN_OR_RAISE(Evaluated r, EvaluateExpr(c.operands[1], batch));
            rhs = arrow::Datum(r.values);
          }
          const std::string fn = c.op == "="    ? "equal"
                                 : c.op == "!=" ? "not_equal"
                                 : c.op == "<"  ? "less"
                                 : c.op == "<=" ? "less_equal"
                                 : c.op == ">"  ? "greater"
                                                : "greater_equal";
          return Call(fn, {arrow::Datum(l.values), rhs});
        }
      }
      return Status::Internal("unknown condition kind");
    }
  };
  ICEGRAPH_ASSIGN_OR_RAISE(auto mask, (Eval{batch})(c));
  ICEGRAPH_ASSIGN_OR_RAISE(mask, Call("coalesce", {arrow::Datum(mask), arrow::Datum(arrow::MakeScalar(false))}));
  return std::static_pointer_cast<arrow::BooleanArray>(mask);
}

iceberg::Filter PushableFilter(const Condition& cond, const iceberg::Schema& schema, bool* complete) {
  iceberg::Filter out;
  *complete = true;
  std::vector<const Condition*> conjuncts;
  if (cond.kind == Condition::Kind::kAnd) {
    for (const Condition& c : cond.children) conjuncts.push_back(&c);
  } else {
    conjuncts.push_back(&cond);
  }
  for (const Condition* c : conjuncts) {
    const bool simple = (c->kind == Condition::Kind::kCompare || c->kind == Condition::Kind::kIsNull ||
                         c->kind == Condition::Kind::kIsNotNull) &&
                        c->operands[0].kind == Expr::Kind::kColumn && c->operands[0].field_ids.size() == 1 &&
                        (c->kind != Condition::Kind::kCompare || IsLiteral(c->operands[1]));
    if (!simple) {
      *complete = false;
      continue;
    }
    iceberg::Predicate p;
    p.column = c->operands[0].text;
    if (c->kind == Condition::Kind::kIsNull) {
      p.op = iceberg::CompareOp::kIsNull;
    } else if (c->kind == Condition::Kind::kIsNotNull) {
      p.op = iceberg::CompareOp::kNotNull;
    } else {
      const std::string& op = c->op;
      p.op = op == "="    ? iceberg::CompareOp::kEq
             : op == "!=" ? iceberg::CompareOp::kNotEq
             : op == "<"  ? iceberg::CompareOp::kLt
             : op == "<=" ? iceberg::CompareOp::kLtEq
             : op == ">"  ? iceberg::CompareOp::kGt
                          : iceberg::CompareOp::kGtEq;
      const Expr& lit = c->operands[1];
      if (lit.kind == Expr::Kind::kString) {
        p.literal = lit.text;
      } else if (lit.text.find_first_of(".eE") == std::string::npos) {
        p.literal = static_cast<int64_t>(std::stoll(lit.text));
      } else {
        p.literal = std::stod(lit.text);
      }
    }
    iceberg::Filter one;
    one.predicates.push_back(p);
    auto bound = iceberg::BindFilter(one, schema);
    if (!bound.ok()) {  // e.g. a literal the scan filter cannot convert: evaluate it on the batch instead
      *complete = false;
      continue;
    }
    out.predicates.push_back(bound->predicates[0]);
  }
  return out;
}

}  // namespace icegraph::mapping
