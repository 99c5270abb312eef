// GraphSink: writes mapped vertex and edge batches to TigerGraph, through loading jobs (bulk CSV) or REST++ upserts
// (JSON), with bounded memory and concurrency, and reports the exact rows TigerGraph refused as dead letters.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "mapping/graph_batch.h"
#include "sink/csv_writer.h"
#include "sink/tigergraph_client.h"

namespace icegraph::sink {

struct SinkOptions {
  /// kAuto: a loading job (bulk) for batches of at least bulk_threshold_rows rows whose type has a registered job,
  /// REST++ upsert otherwise. kBulk / kUpsert force one path (kBulk fails for a type without a loading job).
  /// Either way, rows CSV cannot carry, batches with collection attributes, and edges with vertex_must_exist go
  /// through upsert.
  enum class Mode { kAuto, kBulk, kUpsert } mode = Mode::kAuto;
  int64_t bulk_threshold_rows = 2000;
  int64_t chunk_bytes = 4 << 20;         // target size of one loading-job request
  int64_t upsert_batch_bytes = 2 << 20;  // target size of one upsert request
  bool vertex_must_exist = false;        // upserted edges whose endpoints do not exist are refused (dead letters)
  bool discard = false;                  // serialise every request, send none: icegraph measured without TigerGraph
};

/// Rows written for one vertex or edge type.
struct SinkTypeCounts {
  int64_t sent = 0;      // rows handed to Write*
  int64_t accepted = 0;  // sent - rejected
  int64_t rejected = 0;  // rows TigerGraph refused (each has a dead letter)
};

struct SinkReport {
  std::map<std::string, SinkTypeCounts> vertices;
  std::map<std::string, SinkTypeCounts> edges;
  int64_t requests = 0;     // HTTP requests that carried data, including re-sends
  int64_t bytes = 0;        // body bytes of those requests
  int64_t bulk_rows = 0;    // rows sent through loading jobs
  int64_t upsert_rows = 0;  // rows sent through REST++ upsert
  int64_t bulk_requests = 0;
  int64_t upsert_requests = 0;
  int64_t resent_requests = 0;             // re-sends of halves of a request with refused rows, to name those rows
  std::map<std::string, int64_t> deleted;  // keys deleted per vertex or edge type
  std::vector<mapping::DeadLetter> dead_letters;
};

/// One per run. Write* may be called from several threads; they serialise on the calling thread and block while
/// `concurrency` requests are queued, so memory stays near (2 × concurrency) × chunk size. Requests of one batch are
/// cut so that rows sharing a key (vertex id, edge endpoints) stay in one request, applied in row order; requests of
/// different Write* calls run concurrently, in no particular order.
class GraphSink {
 public:
  GraphSink(TigerGraphClient& client, SinkOptions options);
  ~GraphSink();
  GraphSink(const GraphSink&) = delete;
  GraphSink& operator=(const GraphSink&) = delete;

  /// Declares the loading job (LoadStatementFor's column layout) that bulk-loads the batches of one mapping (the
  /// `mapping_name` given to Write*): two tables feeding one type load through different jobs.
  void RegisterLoadingJob(std::string mapping_name, bool is_edge, std::string job, std::string filename_var);
  Status WriteVertices(const mapping::VertexBatch& batch, const std::string& mapping_name);
  Status WriteEdges(const mapping::EdgeBatch& batch, const std::string& mapping_name);
  /// Declares the loading job with DELETE statements (layout: vertex line = id; edge line = from id, to id, then
  /// the discriminator values in DISCRIMINATOR order) that deletes the keys of one mapping.
  void RegisterDeleteJob(std::string mapping_name, bool is_edge, std::string job, std::string filename_var);
  /// Deletes vertices by id (the batch's attributes are ignored), synchronously, after waiting for queued writes.
  /// TigerGraph removes a deleted vertex's edges.
  Status DeleteVertices(const mapping::VertexBatch& ids, const std::string& mapping_name);
  /// Deletes edges by (from, to, discriminator values); the batch's attributes must be the discriminator columns.
  Status DeleteEdges(const mapping::EdgeBatch& keys, const std::string& mapping_name);

  /// Waits for every queued and in-flight request; the counts and dead letters since the last Flush, or the first
  /// error that stopped writing (TigerGraph down after retries, authentication, a refused loading job...).
  Result<SinkReport> Flush();

 private:
  struct Batch;
  struct Job;

  Status Write(const std::shared_ptr<Batch>& batch);
  Status Enqueue(Job job);
  void Worker();
  Status RunJob(const Job& job);
  Status Discarded(size_t bytes, bool bulk);
  Status DeleteRows(bool is_edge, const std::string& type, const std::string& mapping_name, const CsvWriter& csv,
                    int64_t rows, const std::function<std::string(int64_t)>& key_of);
  Status RunBulk(const Batch& b, std::vector<int64_t> rows, const std::string& body, bool resend);
  Status RunUpsert(const Batch& b, const std::vector<int64_t>& rows, bool resend);
  void AddDeadLetter(const Batch& b, int64_t row, std::string reason_code, std::string message);

  TigerGraphClient& client_;
  const SinkOptions options_;
  const size_t capacity_;

  std::mutex jobs_mu_;
  std::map<std::pair<bool, std::string>, std::pair<std::string, std::string>> jobs_;
  std::map<std::pair<bool, std::string>, std::pair<std::string, std::string>>
      delete_jobs_;  // (is_edge, type) → job, var

  std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::condition_variable idle_;
  std::deque<Job> queue_;
  // Bodies of bulk requests already sent, kept for the next ones: a fresh multi-megabyte string each time costs page
  // faults and zeroing as it is first written. At most as many as can be in flight, so memory stays as bounded.
  std::vector<std::string> spare_bodies_;
  int active_ = 0;
  bool stop_ = false;
  Status error_;
  SinkReport report_;
  std::vector<std::thread> workers_;
};

}  // namespace icegraph::sink
