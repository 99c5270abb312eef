// Parsers for GSQL type definitions (CREATE/ADD VERTEX and EDGE, attribute lists), shared by CREATE statements
// and schema change jobs. Internal to the GSQL parser.
#pragma once

#include <vector>

#include "common/status.h"
#include "emulator/gsql_lexer.h"
#include "emulator/schema.h"

namespace icegraph::emulator::gsql {

/// An attribute type: INT, UINT, FLOAT, DOUBLE, BOOL, STRING, STRING COMPRESS, DATETIME, LIST<e>, SET<e>, MAP<k,v>.
Result<AttrType> ParseAttrType(TokenStream& ts);
/// "(" name type [DEFAULT literal] {"," ...} ")", as in ALTER VERTEX V ADD ATTRIBUTE (...).
Result<std::vector<Attribute>> ParseAttributeList(TokenStream& ts);
/// What follows CREATE VERTEX / ADD VERTEX: Name "(" PRIMARY_ID ... | ... PRIMARY KEY ... ")" [WITH ...].
Result<VertexType> ParseVertexType(TokenStream& ts);
/// What follows CREATE / ADD: (DIRECTED|UNDIRECTED) EDGE Name "(" FROM a, TO b ... ")" [WITH REVERSE_EDGE="r"].
Result<EdgeType> ParseEdgeType(TokenStream& ts);

}  // namespace icegraph::emulator::gsql
