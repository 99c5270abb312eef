#include "emulator/gsql_schema_parser.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

namespace icegraph::emulator::gsql {
namespace {

using K = Token::Kind;

bool OneOf(Kind k, std::initializer_list<Kind> allowed) {
  return std::find(allowed.begin(), allowed.end(), k) != allowed.end();
}

std::string KindList(std::initializer_list<Kind> kinds) {
  std::string out;
  size_t i = 0;
  for (const Kind k : kinds) {
    if (i > 0) out += i + 1 == kinds.size() ? " or " : ", ";
    out += KindName(k);
    ++i;
  }
  return out;
}

// Element types TigerGraph documents for collections (gsql-ref attribute-data-types), plus FLOAT, which
// pyTigerGraph's schema module also emits.
constexpr std::initializer_list<Kind> kElementKinds = {Kind::kInt, Kind::kFloat, Kind::kDouble, Kind::kString,
                                                       Kind::kDatetime};
constexpr std::initializer_list<Kind> kMapKeyKinds = {Kind::kInt, Kind::kString, Kind::kDatetime};
constexpr std::initializer_list<Kind> kPrimaryIdKinds = {Kind::kString, Kind::kInt, Kind::kUint, Kind::kDatetime};
constexpr std::initializer_list<Kind> kPrimaryKeyKinds = {Kind::kString, Kind::kInt, Kind::kUint};
// Composite key parts: not documented; the PRIMARY_ID kinds are the ones that have a text form for ids.
constexpr std::initializer_list<Kind> kCompositeKeyKinds = kPrimaryIdKinds;
constexpr std::initializer_list<Kind> kDiscriminatorKinds = {Kind::kInt, Kind::kUint, Kind::kDatetime, Kind::kString};

Status UnknownType(const Token& at) {
  return InvalidAt(at, StrCat("unknown attribute type \"", at.text,
                              "\" (the emulator supports INT, UINT, FLOAT, DOUBLE, BOOL, STRING, STRING COMPRESS, "
                              "DATETIME, LIST, SET and MAP; a TYPEDEF TUPLE type cannot be an attribute type here)"));
}

// A scalar kind inside LIST<...>, SET<...> or MAP<...>; containers do not nest.
Result<Kind> ParseElementKind(TokenStream& ts, std::string_view container, std::string_view role,
                              std::initializer_list<Kind> allowed) {
  if (!ts.IsKind(K::kIdent)) return ts.SyntaxError(StrCat("the ", role, " type of ", container));
  const Token& at = ts.Next();
  const std::string upper = ToUpper(at.text);
  if (upper == "LIST" || upper == "SET" || upper == "MAP") {
    return InvalidAt(at, StrCat(container, " cannot contain ", upper, ": collections do not nest"));
  }
  std::optional<Kind> kind = upper == "STRING_COMPRESS" ? std::nullopt : ParseScalarKind(upper);
  if (kind == Kind::kString && ts.AcceptKeyword("COMPRESS")) kind = Kind::kStringCompress;
  if (!kind) return UnknownType(at);
  if (!OneOf(*kind, allowed)) {
    return InvalidAt(
        at, StrCat("a ", container, " ", role, " cannot be ", KindName(*kind), "; it must be ", KindList(allowed)));
  }
  return *kind;
}

Result<std::string> ParseLiteralText(TokenStream& ts) {
  if (ts.IsKind(K::kString) || ts.IsKind(K::kNumber) || ts.IsKeyword("TRUE") || ts.IsKeyword("FALSE")) {
    return ts.Next().text;
  }
  return ts.SyntaxError("a literal value (a quoted string, a number, true or false)");
}

Status CheckUnique(const std::vector<Attribute>& attrs, const Token& name, std::string_view owner) {
  const bool seen = std::any_of(attrs.begin(), attrs.end(), [&](const Attribute& a) { return a.name == name.text; });
  if (!seen) return Status::OK();
  return InvalidAt(name, StrCat("the attribute \"", name.text, "\" of ", owner, " is declared twice"));
}

// name type [DEFAULT literal]; `name` has been consumed.
Result<Attribute> ParseAttributeRest(TokenStream& ts, const Token& name) {
  Attribute a;
  a.name = name.text;
  ICEGRAPH_ASSIGN_OR_RAISE(a.type, ParseAttrType(ts));
  if (ts.AcceptKeyword("DEFAULT")) {
    ICEGRAPH_ASSIGN_OR_RAISE(std::string text, ParseLiteralText(ts));
    a.default_text = std::move(text);
  }
  return a;
}

struct WithOption {
  const Token* key;
  std::string upper_key;
  std::string value;
};

// [WITH key="value" {[,] key="value"}]; keys are case-insensitive and may not repeat.
Result<std::vector<WithOption>> ParseWithOptions(TokenStream& ts) {
  std::vector<WithOption> out;
  if (!ts.AcceptKeyword("WITH")) return out;
  do {
    if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("an option name");
    WithOption o{&ts.Next(), "", ""};
    o.upper_key = ToUpper(o.key->text);
    for (const WithOption& prev : out) {
      if (prev.upper_key == o.upper_key)
        return InvalidAt(*o.key, StrCat("the option ", o.key->text, " is given twice"));
    }
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("="));
    ICEGRAPH_ASSIGN_OR_RAISE(o.value, ts.ExpectString("a quoted option value"));
    out.push_back(std::move(o));
  } while (ts.AcceptSymbol(",") || (ts.IsKind(K::kIdent) && ts.IsSymbol("=", 1)));
  return out;
}

Result<bool> ParseBoolOption(const WithOption& o) {
  const std::string v = ToUpper(o.value);
  if (v != "TRUE" && v != "FALSE") {
    return InvalidAt(*o.key, StrCat(o.key->text, " must be \"true\" or \"false\", not \"", o.value, "\""));
  }
  return v == "TRUE";
}

Status CheckKeyKind(const Token& at, std::string_view what, const VertexType& v, const AttrType& type,
                    std::initializer_list<Kind> allowed) {
  if (!type.is_container() && OneOf(type.kind, allowed)) return Status::OK();
  return InvalidAt(at, StrCat("the ", what, " of ", v.name, " must be ", KindList(allowed), ", not ", type.ToGsql()));
}

// Index of attribute `name` in `v` or -1 (VertexType::AttributeIndex lives in schema.cc, which the parser does
// not otherwise need).
int FindAttribute(const VertexType& v, std::string_view name) {
  for (size_t i = 0; i < v.attributes.size(); ++i) {
    if (v.attributes[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// Fills the key fields once the list is read: composite keys name declared attributes of a key kind.
Status FinishVertexKeys(const Token& name_at, const Token* composite_at, VertexType& v) {
  if (v.primary_id_name.empty() && v.composite_key.empty()) {
    return InvalidAt(name_at, StrCat("the vertex type ", v.name, " needs a PRIMARY_ID or a PRIMARY KEY"));
  }
  if (composite_at == nullptr) return Status::OK();
  for (size_t i = 0; i < v.composite_key.size(); ++i) {
    const std::string& key = v.composite_key[i];
    if (std::find(v.composite_key.begin(), v.composite_key.begin() + static_cast<std::ptrdiff_t>(i), key) !=
        v.composite_key.begin() + static_cast<std::ptrdiff_t>(i)) {
      return InvalidAt(*composite_at, StrCat("the PRIMARY KEY of ", v.name, " lists \"", key, "\" twice"));
    }
    const int idx = FindAttribute(v, key);
    if (idx < 0) {
      return InvalidAt(*composite_at, StrCat("the PRIMARY KEY of ", v.name, " names \"", key,
                                             "\", which is not an attribute of ", v.name));
    }
    ICEGRAPH_RETURN_NOT_OK(CheckKeyKind(*composite_at, StrCat("PRIMARY KEY attribute ", key), v,
                                        v.attributes[static_cast<size_t>(idx)].type, kCompositeKeyKinds));
  }
  v.primary_id_name = v.composite_key.front();
  v.primary_id_type = v.attributes[static_cast<size_t>(FindAttribute(v, v.primary_id_name))].type;
  return Status::OK();
}

}  // namespace

Result<AttrType> ParseAttrType(TokenStream& ts) {
  if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("an attribute type");
  const Token& at = ts.Next();
  const std::string upper = ToUpper(at.text);
  AttrType t;
  if (upper == "LIST" || upper == "SET" || upper == "MAP") {
    t.kind = upper == "LIST" ? Kind::kList : (upper == "SET" ? Kind::kSet : Kind::kMap);
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("<"));
    if (t.kind == Kind::kMap) {
      ICEGRAPH_ASSIGN_OR_RAISE(t.key, ParseElementKind(ts, upper, "key", kMapKeyKinds));
      ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(","));
      ICEGRAPH_ASSIGN_OR_RAISE(t.elem, ParseElementKind(ts, upper, "value", kElementKinds));
    } else {
      ICEGRAPH_ASSIGN_OR_RAISE(t.elem, ParseElementKind(ts, upper, "element", kElementKinds));
    }
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(">"));
    return t;
  }
  if (upper == "STRING" && ts.AcceptKeyword("COMPRESS")) {
    t.kind = Kind::kStringCompress;
    return t;
  }
  // FIXED_BINARY(n) is a documented attribute type (gsql-ref attribute-data-types), but how REST++ renders and
  // accepts its bytes in JSON is not documented, so the emulator refuses it by name rather than guess.
  if (upper == "FIXED_BINARY") {
    return gsql::UnsupportedAt(at,
                               "the attribute type FIXED_BINARY(n) (REST++'s JSON form of its bytes is not "
                               "documented)");
  }
  const std::optional<Kind> kind = upper == "STRING_COMPRESS" ? std::nullopt : ParseScalarKind(upper);
  if (!kind) return UnknownType(at);
  t.kind = *kind;
  return t;
}

Result<std::vector<Attribute>> ParseAttributeList(TokenStream& ts) {
  std::vector<Attribute> out;
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
  do {
    if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("an attribute name");
    const Token& name = ts.Next();
    ICEGRAPH_RETURN_NOT_OK(CheckUnique(out, name, "the list"));
    ICEGRAPH_ASSIGN_OR_RAISE(Attribute a, ParseAttributeRest(ts, name));
    out.push_back(std::move(a));
  } while (ts.AcceptSymbol(","));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
  return out;
}

Result<VertexType> ParseVertexType(TokenStream& ts) {
  VertexType v;
  if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("a vertex type name");
  const Token& name_at = ts.Next();
  v.name = name_at.text;
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
  const Token* composite_at = nullptr;  // the PRIMARY KEY (...) clause, when there is one
  bool single_key = false;
  const auto second_key = [&](const Token& at) {
    return InvalidAt(at, StrCat("the vertex type ", v.name, " declares its primary key twice"));
  };
  for (size_t item = 0;; ++item) {
    const Token& at = ts.Peek();
    if (ts.AcceptKeyword("PRIMARY_ID")) {
      if (item != 0) return InvalidAt(at, StrCat("PRIMARY_ID must come first in the vertex type ", v.name));
      ICEGRAPH_ASSIGN_OR_RAISE(v.primary_id_name, ts.ExpectIdent("the primary id name"));
      ICEGRAPH_ASSIGN_OR_RAISE(v.primary_id_type, ParseAttrType(ts));
      ICEGRAPH_RETURN_NOT_OK(CheckKeyKind(at, "PRIMARY_ID", v, v.primary_id_type, kPrimaryIdKinds));
    } else if (ts.IsKeyword("PRIMARY") && ts.IsKeyword("KEY", 1)) {
      if (!v.primary_id_name.empty() || single_key) return second_key(at);
      ts.Next();
      ts.Next();
      composite_at = &at;
      ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
      do {
        ICEGRAPH_ASSIGN_OR_RAISE(std::string key, ts.ExpectIdent("a key attribute name"));
        v.composite_key.push_back(std::move(key));
      } while (ts.AcceptSymbol(","));
      ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
      if (!ts.IsSymbol(")")) return ts.SyntaxError("\")\" (PRIMARY KEY (...) comes after every attribute)");
    } else {
      if (!ts.IsKind(K::kIdent)) return ts.SyntaxError(item == 0 ? "PRIMARY_ID or an attribute name" : "an attribute");
      const Token& attr_at = ts.Next();
      ICEGRAPH_RETURN_NOT_OK(CheckUnique(v.attributes, attr_at, v.name));
      ICEGRAPH_ASSIGN_OR_RAISE(Attribute a, ParseAttributeRest(ts, attr_at));
      if (ts.IsKeyword("PRIMARY") && ts.IsKeyword("KEY", 1)) {
        const Token& key_at = ts.Next();
        ts.Next();
        if (!v.primary_id_name.empty()) return second_key(key_at);
        if (a.default_text) return InvalidAt(key_at, StrCat("the PRIMARY KEY ", a.name, " cannot have a DEFAULT"));
        ICEGRAPH_RETURN_NOT_OK(CheckKeyKind(key_at, "PRIMARY KEY", v, a.type, kPrimaryKeyKinds));
        single_key = true;
        v.primary_id_name = a.name;
        v.primary_id_type = a.type;
        v.composite_key = {a.name};
      }
      v.attributes.push_back(std::move(a));
    }
    if (!ts.AcceptSymbol(",")) break;
  }
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
  ICEGRAPH_RETURN_NOT_OK(FinishVertexKeys(name_at, composite_at, v));
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<WithOption> options, ParseWithOptions(ts));
  for (const WithOption& o : options) {
    if (o.upper_key == "PRIMARY_ID_AS_ATTRIBUTE") {
      ICEGRAPH_ASSIGN_OR_RAISE(v.primary_id_as_attribute, ParseBoolOption(o));
    } else if (o.upper_key == "STATS") {
      v.stats = ToUpper(o.value);
      if (v.stats != "NONE" && v.stats != "OUTDEGREE_BY_EDGETYPE") {
        return InvalidAt(*o.key, StrCat("STATS must be \"none\" or \"outdegree_by_edgetype\", not \"", o.value, "\""));
      }
    } else {
      return InvalidAt(*o.key, StrCat("unknown vertex option ", o.key->text,
                                      " (the options are STATS and PRIMARY_ID_AS_ATTRIBUTE)"));
    }
  }
  // A PRIMARY KEY is an attribute by definition.
  if (!v.composite_key.empty()) v.primary_id_as_attribute = true;
  return v;
}

Result<EdgeType> ParseEdgeType(TokenStream& ts) {
  EdgeType e;
  if (ts.AcceptKeyword("DIRECTED")) {
    e.directed = true;
  } else if (ts.AcceptKeyword("UNDIRECTED")) {
    e.directed = false;
  } else {
    return ts.SyntaxError("\"DIRECTED\" or \"UNDIRECTED\"");
  }
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("EDGE"));
  ICEGRAPH_ASSIGN_OR_RAISE(e.name, ts.ExpectIdent("an edge type name"));
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol("("));
  const auto endpoint = [&ts]() -> Result<std::string> {
    if (ts.AcceptSymbol("*")) return std::string("*");
    return ts.ExpectIdent("a vertex type name or *");
  };
  do {
    EdgePair pair;
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("FROM"));
    ICEGRAPH_ASSIGN_OR_RAISE(pair.from, endpoint());
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(","));
    ICEGRAPH_RETURN_NOT_OK(ts.ExpectKeyword("TO"));
    ICEGRAPH_ASSIGN_OR_RAISE(pair.to, endpoint());
    e.pairs.push_back(std::move(pair));
  } while (ts.AcceptSymbol("|"));
  bool has_plain_attribute = false;
  while (ts.AcceptSymbol(",")) {
    const Token& at = ts.Peek();
    if (ts.IsKeyword("DISCRIMINATOR") && ts.IsSymbol("(", 1)) {
      if (!e.discriminator.empty()) return InvalidAt(at, StrCat("the edge type ", e.name, " has two DISCRIMINATORs"));
      if (has_plain_attribute) {
        return InvalidAt(at, StrCat("the DISCRIMINATOR of ", e.name, " must come before its other attributes"));
      }
      ts.Next();
      ts.Next();
      do {
        if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("a discriminator attribute name");
        const Token& name = ts.Next();
        ICEGRAPH_RETURN_NOT_OK(CheckUnique(e.attributes, name, e.name));
        Attribute a;
        a.name = name.text;
        ICEGRAPH_ASSIGN_OR_RAISE(a.type, ParseAttrType(ts));
        if (a.type.is_container() || !OneOf(a.type.kind, kDiscriminatorKinds)) {
          return InvalidAt(name, StrCat("the DISCRIMINATOR attribute ", a.name, " of ", e.name, " must be ",
                                        KindList(kDiscriminatorKinds), ", not ", a.type.ToGsql()));
        }
        e.discriminator.push_back(a.name);
        e.attributes.push_back(std::move(a));
      } while (ts.AcceptSymbol(","));
      ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
      continue;
    }
    if (!ts.IsKind(K::kIdent)) return ts.SyntaxError("an attribute or DISCRIMINATOR(...)");
    const Token& name = ts.Next();
    ICEGRAPH_RETURN_NOT_OK(CheckUnique(e.attributes, name, e.name));
    ICEGRAPH_ASSIGN_OR_RAISE(Attribute a, ParseAttributeRest(ts, name));
    e.attributes.push_back(std::move(a));
    has_plain_attribute = true;
  }
  ICEGRAPH_RETURN_NOT_OK(ts.ExpectSymbol(")"));
  ICEGRAPH_ASSIGN_OR_RAISE(const std::vector<WithOption> options, ParseWithOptions(ts));
  for (const WithOption& o : options) {
    if (o.upper_key != "REVERSE_EDGE") {
      return InvalidAt(*o.key, StrCat("unknown edge option ", o.key->text, " (the only option is REVERSE_EDGE)"));
    }
    if (!e.directed) {
      return InvalidAt(*o.key,
                       StrCat("REVERSE_EDGE is only allowed on a DIRECTED edge, and ", e.name, " is UNDIRECTED"));
    }
    const bool valid_name =
        !o.value.empty() && (std::isalpha(static_cast<unsigned char>(o.value[0])) != 0 || o.value[0] == '_') &&
        std::all_of(o.value.begin(), o.value.end(), [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
    if (!valid_name) return InvalidAt(*o.key, StrCat("REVERSE_EDGE \"", o.value, "\" is not a valid type name"));
    e.reverse_edge = o.value;
  }
  return e;
}

}  // namespace icegraph::emulator::gsql
