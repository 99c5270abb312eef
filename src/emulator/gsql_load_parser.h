// Parsers for GSQL loading jobs (CREATE LOADING JOB bodies, RUN LOADING JOB). Internal to the GSQL parser.
#pragma once

#include "common/status.h"
#include "emulator/gsql_ast.h"
#include "emulator/gsql_lexer.h"

namespace icegraph::emulator::gsql {

/// What follows CREATE LOADING JOB: name [FOR GRAPH g] "{" DEFINE FILENAME ...; LOAD ...; | DELETE ...; "}".
/// `source_text` is left for the caller, which knows where the statement ends.
Result<LoadingJob> ParseLoadingJob(TokenStream& ts);
/// What follows RUN LOADING JOB: [-noprint] name [USING f="path" {, f="path"}].
Result<RunLoadingJobStmt> ParseRunLoadingJob(TokenStream& ts);

}  // namespace icegraph::emulator::gsql
