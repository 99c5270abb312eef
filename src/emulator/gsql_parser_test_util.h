// Helpers shared by the GSQL parser tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "emulator/gsql_ast.h"

namespace icegraph::emulator::gsql_test {

/// Parses `text`, failing the test (and returning nothing) when it does not parse.
inline std::vector<Statement> ParseOk(std::string_view text) {
  auto r = ParseGsql(text);
  EXPECT_TRUE(r.ok()) << text << "\n" << r.status().ToString();
  if (!r.ok()) return {};
  return std::move(r).ValueOrDie();
}

/// The single statement of `text`, which must be a T.
template <typename T>
T ParseOne(std::string_view text) {
  const std::vector<Statement> stmts = ParseOk(text);
  if (stmts.size() != 1 || !std::holds_alternative<T>(stmts[0].body)) {
    ADD_FAILURE() << "expected one statement of the requested kind from: " << text;
    return T{};
  }
  return std::get<T>(stmts[0].body);
}

/// `text` fails with `code` and a message containing `part`.
inline void ExpectError(std::string_view text, StatusCode code, std::string_view part) {
  const auto r = ParseGsql(text);
  ASSERT_FALSE(r.ok()) << "parsed but should not: " << text;
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(part), std::string::npos)
      << "message: " << r.status().message() << "\nexpected to contain: " << part;
}

inline void ExpectInvalid(std::string_view text, std::string_view part) {
  ExpectError(text, StatusCode::kInvalid, part);
}
inline void ExpectUnsupported(std::string_view text, std::string_view part) {
  ExpectError(text, StatusCode::kNotImplemented, part);
}

}  // namespace icegraph::emulator::gsql_test
