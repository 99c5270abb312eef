// Several processes opening one new state database at the same moment: each must find it migrated once, none may
// fail with "table runs already exists" (the version is read inside the migrating transaction).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/log.h"
#include "state/state_store.h"

namespace icegraph::state {
namespace {

// Forks `n` children that block on a pipe, releases them together, and returns their exit codes (0: Open succeeded
// at the latest schema version).
std::vector<int> OpenTogether(const std::string& url, int n, int latest) {
  int go[2];
  if (pipe(go) != 0) return {};
  std::vector<pid_t> children;
  for (int i = 0; i < n; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      close(go[1]);
      char byte = 0;
      if (read(go[0], &byte, 1) != 1) _exit(3);
      auto store = StateStore::Open(url);
      if (!store.ok()) {
        log::Error("migration_child_failed", {{"child", i}, {"error", store.status().ToString()}});
        _exit(1);
      }
      _exit((*store)->schema_version() == latest ? 0 : 2);
    }
    children.push_back(pid);
  }
  close(go[0]);
  const std::string bytes(static_cast<size_t>(n), 'x');
  const bool released = write(go[1], bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  close(go[1]);
  std::vector<int> codes;
  for (const pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    codes.push_back(released && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  return codes;
}

TEST(SqliteMigrationTest, ProcessesOpeningOneNewDatabaseTogetherAllSucceed) {
  const auto dir = std::filesystem::temp_directory_path() / ("icegraph-migrate-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  int latest = 0;
  {
    auto probe = StateStore::Open("sqlite://" + (dir / "probe.db").string());
    ASSERT_TRUE(probe.ok()) << probe.status().ToString();
    latest = (*probe)->schema_version();
  }
  constexpr int kProcesses = 8;
  for (int round = 0; round < 10; ++round) {
    const std::string url = "sqlite://" + (dir / ("state-" + std::to_string(round) + ".db")).string();
    EXPECT_EQ(OpenTogether(url, kProcesses, latest), std::vector<int>(kProcesses, 0)) << "round " << round;
    auto store = StateStore::Open(url);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->schema_version(), latest);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace icegraph::state
