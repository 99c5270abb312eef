// Replays every file of fuzz/corpus/<target>/ (seeds and the inputs of fixed fuzzer findings) through the fuzz
// targets, so the ordinary unit tests (gcc, and the asan preset) keep them passing without clang.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_targets.h"

namespace icegraph::fuzz {
namespace {

using Target = int (*)(const uint8_t*, size_t);

// Returns how many files were replayed; a broken invariant aborts the test binary, naming the invariant.
size_t ReplayCorpus(const std::string& name, Target target) {
  const std::filesystem::path dir = std::filesystem::path(ICEGRAPH_FUZZ_CORPUS) / name;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    std::ifstream in(f, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(target(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0);
  }
  return files.size();
}

TEST(FuzzCorpusReplayTest, Config) { EXPECT_GE(ReplayCorpus("config", &FuzzConfig), 3u); }
TEST(FuzzCorpusReplayTest, Gsql) { EXPECT_GE(ReplayCorpus("gsql", &FuzzGsql), 3u); }
TEST(FuzzCorpusReplayTest, Emulator) { EXPECT_GE(ReplayCorpus("emulator", &FuzzEmulator), 3u); }
TEST(FuzzCorpusReplayTest, Writers) { EXPECT_GE(ReplayCorpus("writers", &FuzzWriters), 3u); }

}  // namespace
}  // namespace icegraph::fuzz
