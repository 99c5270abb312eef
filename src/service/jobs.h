// Sync jobs of `icegraph serve`: one at a time per pipeline, each on a background thread that outlives the HTTP
// request which started it; the last `keep` jobs are kept in memory (the runs themselves are in the state store).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "common/status.h"
#include "engine/full_sync.h"

namespace icegraph::service {

struct Job {
  std::string id;
  std::string mode;               // full | incremental | since
  std::string since;              // mode since: UTC YYYY-MM-DDTHH:MM:SS
  std::string status = "queued";  // queued | running | succeeded | failed
  int64_t created_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  int64_t run_id = 0;  // the state store's run, once RunSync recorded it
  std::string error;
  std::optional<nlohmann::json> report;  // SyncReport::ToJson() when the run got that far
  bool finished() const { return status == "succeeded" || status == "failed"; }
  nlohmann::json ToJson() const;
};

class JobManager {
 public:
  /// Runs one sync of a job (on the job's thread).
  using Runner = std::function<Result<engine::SyncReport>(const Job&)>;
  /// Called on the job's thread once it finished, with the report when there is one.
  using Done = std::function<void(const Job&, const engine::SyncReport*)>;

  JobManager(Runner runner, Done done, size_t keep = 200);
  ~JobManager();
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  /// Starts a job; AlreadyExists naming the running job when one is queued or running, Unavailable after Shutdown.
  Result<Job> Submit(const std::string& mode, const std::string& since);
  std::optional<Job> Get(const std::string& id) const;
  /// The job once finished, or as it is after `timeout`.
  std::optional<Job> Wait(const std::string& id, std::chrono::milliseconds timeout) const;
  /// The job queued or running now, if any.
  std::optional<Job> Active() const;
  /// Refuses new jobs and waits for the running one to finish (a sync has no safe point to stop at).
  void Shutdown();

 private:
  Job* FindLocked(const std::string& id);
  void Run(std::string id);

  const Runner runner_;
  const Done done_;
  const size_t keep_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::deque<Job> jobs_;  // oldest first; guarded by mu_
  std::string active_;    // id of the queued or running job; guarded by mu_
  bool shutting_down_ = false;
  std::thread worker_;
};

}  // namespace icegraph::service
