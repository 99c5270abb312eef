// The JSON forms of the GSQL server's schema endpoints (gsql-endpoints, 4.1+): types rendered as getSchema() reads
// them, and the request bodies of schema change jobs and type creation translated into the GSQL statements they
// stand for, so one executor (and one journal) runs both forms.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "emulator/gsql_ast.h"
#include "emulator/schema.h"

namespace icegraph::emulator {

nlohmann::json AttrTypeJson(const AttrType& t);
nlohmann::json AttributeJson(const Attribute& a, bool discriminator);
nlohmann::json VertexJson(const VertexType& v);
nlohmann::json EdgeJson(const EdgeType& e);

/// A schema change job as GET /gsql/v1/schema/jobs/{job}?json=true shows it: addVertexTypes, dropVertexTypes,
/// alterVertexTypes, the edge counterparts, "graphs" for a global job's ADD/DROP ... TO/FROM GRAPH, name and graph.
nlohmann::json SchemaChangeJobJson(const CreateSchemaChangeJobStmt& job);

/// `{"Name": "V", "PrimaryId": {...}, "Attributes": [...], "Config": {...}}` → `VERTEX V (...) WITH ...`; errors
/// name the field by `at` (e.g. "addVertexTypes[1].PrimaryId.AttributeType").
Result<std::string> VertexDefToGsql(const nlohmann::json& def, const std::string& at);
/// `{"Name": "e", "IsDirected": true, "FromVertexTypeName": ..., "Attributes": [...], "Config": {...}}` →
/// `DIRECTED EDGE e (FROM a, TO b, ...) WITH REVERSE_EDGE="..."`.
Result<std::string> EdgeDefToGsql(const nlohmann::json& def, const std::string& at);

/// The body of a JSON schema change (POST /gsql/v1/schema/change, /gsql/v1/schema/jobs/{job}) → the statements of
/// the job, each ending in ";". A global body may also hold "graphs": [{"graphName", "addVertexTypes": [names],
/// ...}], which add or drop existing global types of a graph.
Result<std::vector<std::string>> SchemaChangeToGsql(const nlohmann::json& body, bool global);

/// "CREATE [GLOBAL] SCHEMA_CHANGE JOB name [FOR GRAPH g] {\n  s1;\n  ...\n}": a global job when `graph` is empty.
std::string SchemaChangeJobText(const std::string& name, const std::string& graph,
                                const std::vector<std::string>& statements);

/// An attribute change of one type (PUT /gsql/v1/schema/vertices|edges/{name}): {"addAttributes", "dropAttributes"}.
Result<std::vector<std::string>> AlterTypeToGsql(const nlohmann::json& body, const std::string& type, bool edge,
                                                 const std::string& at);

/// True for a GSQL name the emulator may splice into generated statements: [A-Za-z_][A-Za-z0-9_]*.
bool IsGsqlName(const std::string& name);

/// The strings at doc[key] (a request body field): one string, or the strings of an array; none when absent.
std::vector<std::string> StringsAt(const nlohmann::json& doc, const char* key);
/// "a,b,c" (a query parameter listing names) → its non-empty names.
std::vector<std::string> SplitNames(const std::string& list);

}  // namespace icegraph::emulator
