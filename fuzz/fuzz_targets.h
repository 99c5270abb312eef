// Entry points of the fuzz targets: one function per target, called by libFuzzer (fuzz_entry.cc, clang build) and
// by fuzz_replay_test.cc, which replays every file of fuzz/corpus/<target>/ in the ordinary unit tests.
// Each returns 0 and aborts on a broken invariant, so libFuzzer reports the input and the replay test dies loudly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace icegraph::fuzz {

/// config::ParseConfig on arbitrary text: no crash, no exception, errors are Status naming the file.
int FuzzConfig(const uint8_t* data, size_t size);
/// The emulator's GSQL lexer and parser, and its loading-job CsvReader.
int FuzzGsql(const uint8_t* data, size_t size);
/// A vertex or edge batch decoded from the bytes, through the CSV and JSON writers, checked against the documented
/// output formats.
int FuzzWriters(const uint8_t* data, size_t size);
/// The emulator's request surface in process: GSQL, upserts, /ddl loads, reads, deletes, built-ins in sequence.
int FuzzEmulator(const uint8_t* data, size_t size);

/// Aborts with `what` on stderr when `ok` is false (libFuzzer's crash report then holds the input).
inline void Check(bool ok, const char* what) {
  if (ok) return;
  std::fputs("fuzz invariant broken: ", stderr);
  std::fputs(what, stderr);
  std::fputs("\n", stderr);
  std::abort();
}

}  // namespace icegraph::fuzz
