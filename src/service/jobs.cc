#include "service/jobs.h"

#include <fmt/format.h>

#include <random>

#include "common/log.h"
#include "state/state_store.h"

namespace icegraph::service {

nlohmann::json Job::ToJson() const {
  nlohmann::json j = {{"id", id},
                      {"mode", mode},
                      {"status", status},
                      {"created_ms", created_ms},
                      {"started_ms", started_ms == 0 ? nlohmann::json(nullptr) : nlohmann::json(started_ms)},
                      {"finished_ms", finished_ms == 0 ? nlohmann::json(nullptr) : nlohmann::json(finished_ms)},
                      {"run_id", run_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(run_id)},
                      {"error", error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error)},
                      {"report", report ? *report : nlohmann::json(nullptr)}};
  if (mode == "since") j["since"] = since;
  return j;
}

JobManager::JobManager(Runner runner, Done done, size_t keep)
    : runner_(std::move(runner)), done_(std::move(done)), keep_(std::max<size_t>(keep, 1)) {}

JobManager::~JobManager() { Shutdown(); }

Job* JobManager::FindLocked(const std::string& id) {
  for (Job& j : jobs_) {
    if (j.id == id) return &j;
  }
  return nullptr;
}

Result<Job> JobManager::Submit(const std::string& mode, const std::string& since) {
  std::unique_lock lock(mu_);
  if (shutting_down_) return Status::Unavailable("the service is stopping");
  if (!active_.empty()) return Status::AlreadyExists(active_);
  // The previous job's thread has finished its work (active_ is empty); join it before reusing the slot.
  if (worker_.joinable()) {
    lock.unlock();
    worker_.join();
    lock.lock();
    if (!active_.empty()) return Status::AlreadyExists(active_);
  }
  static std::mt19937_64 rng{std::random_device{}()};
  Job job;
  job.id = fmt::format("{:012x}", rng() & 0xffffffffffffULL);
  job.mode = mode;
  job.since = since;
  job.created_ms = state::NowMs();
  jobs_.push_back(job);
  while (jobs_.size() > keep_ && jobs_.front().finished()) jobs_.pop_front();
  active_ = job.id;
  worker_ = std::thread([this, id = job.id] { Run(id); });
  log::Info("service.job_submitted", {{"job", job.id}, {"mode", mode}});
  return job;
}

void JobManager::Run(std::string id) {
  Job snapshot;
  {
    std::lock_guard lock(mu_);
    Job* j = FindLocked(id);
    j->status = "running";
    j->started_ms = state::NowMs();
    snapshot = *j;
  }
  cv_.notify_all();
  Result<engine::SyncReport> report = Status::Internal("sync did not run");
  try {
    report = runner_(snapshot);
  } catch (const std::exception& e) {
    report = Status::Internal(std::string("sync threw: ") + e.what());
  }
  Job finished = snapshot;
  finished.finished_ms = state::NowMs();
  if (report.ok()) {
    finished.run_id = report->run_id;
    finished.report = report->ToJson();
    finished.status = report->outcome == "succeeded" ? "succeeded" : "failed";
    finished.error = report->error;
  } else {
    finished.status = "failed";
    finished.error = report.status().ToString();
  }
  log::Info("service.job_finished",
            {{"job", id}, {"status", finished.status}, {"run_id", finished.run_id}, {"error", finished.error}});
  // Metrics first, then the job shows as finished: whoever sees it finished also sees its counts in /metrics.
  if (done_) done_(finished, report.ok() ? &*report : nullptr);
  {
    std::lock_guard lock(mu_);
    if (Job* j = FindLocked(id)) *j = finished;
    active_.clear();
  }
  cv_.notify_all();
}

std::optional<Job> JobManager::Get(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const Job& j : jobs_) {
    if (j.id == id) return j;
  }
  return std::nullopt;
}

std::optional<Job> JobManager::Wait(const std::string& id, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  auto find = [&]() -> const Job* {
    for (const Job& j : jobs_) {
      if (j.id == id) return &j;
    }
    return nullptr;
  };
  cv_.wait_for(lock, timeout, [&] {
    const Job* j = find();
    return j == nullptr || j->finished();
  });
  const Job* j = find();
  if (j == nullptr) return std::nullopt;
  return *j;
}

std::optional<Job> JobManager::Active() const {
  std::lock_guard lock(mu_);
  for (const Job& j : jobs_) {
    if (j.id == active_) return j;
  }
  return std::nullopt;
}

void JobManager::Shutdown() {
  {
    std::lock_guard lock(mu_);
    shutting_down_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

}  // namespace icegraph::service
