#include "sink/sink.h"

#include <fmt/format.h>

#include <optional>
#include <unordered_set>

#include "common/failpoint.h"
#include "common/log.h"
#include "sink/csv_writer.h"
#include "sink/json_writer.h"

namespace icegraph::sink {
namespace {

using Key = std::pair<std::string_view, std::string_view>;

struct KeyHash {
  size_t operator()(const Key& k) const {
    const size_t h = std::hash<std::string_view>()(k.first);
    return h ^ (std::hash<std::string_view>()(k.second) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
};

int64_t StringBytes(const arrow::Array* a) {
  return a == nullptr ? 0 : static_cast<const arrow::StringArray*>(a)->total_values_length();
}

// A cheap size estimate of a batch's serialised rows, to decide how many requests to cut it into.
int64_t EstimateBytes(const std::vector<mapping::AttributeColumn>& attrs, int64_t rows, int64_t key_bytes, bool json) {
  int64_t n = key_bytes + rows * (json ? 24 : 2);
  for (const mapping::AttributeColumn& a : attrs) {
    if (!a.values) continue;
    n += json ? rows * (static_cast<int64_t>(a.name.size()) + 14) : rows;
    if (a.type.kind == mapping::TgKind::kString) {
      n += StringBytes(a.values.get());
    } else if (IsCollection(a.type.kind)) {
      n += 24 * static_cast<const arrow::BaseListArray<arrow::ListType>*>(a.values.get())->values()->length();
    } else {
      n += rows * (a.type.kind == mapping::TgKind::kDatetime ? 21 : 12);
    }
  }
  return n;
}

// Rows that failed for reasons of their own answer 400; a request naming a missing type, graph or edge pair fails as
// a whole, and so does every error that is no refusal of the rows (transport, auth, 5xx).
bool RequestLevelError(const Status& st) {
  using Cause = ErrorDetail::Cause;
  const Cause cause = st.cause();
  return st.code() != StatusCode::kInvalid || cause == Cause::kUnknownType || cause == Cause::kUnknownGraph ||
         cause == Cause::kSchemaMismatch;
}

bool TooLarge(const Status& st) { return st.cause() == ErrorDetail::Cause::kTooLarge; }

}  // namespace

struct GraphSink::Batch {
  bool is_edge = false;
  bool bulk = false;
  std::string type;
  std::string mapping;
  std::string job;
  std::string filename_var;
  mapping::VertexBatch vertices;  // copies share the immutable Arrow arrays
  mapping::EdgeBatch edges;
  std::optional<CsvWriter> csv;
  std::optional<JsonWriter> json;
  int64_t length() const { return is_edge ? edges.length() : vertices.length(); }
  Key KeyOf(int64_t row) const {
    if (!is_edge) return {static_cast<const arrow::StringArray&>(*vertices.ids).GetView(row), {}};
    return {static_cast<const arrow::StringArray&>(*edges.from_ids).GetView(row),
            static_cast<const arrow::StringArray&>(*edges.to_ids).GetView(row)};
  }
};

struct GraphSink::Job {
  std::shared_ptr<const Batch> batch;
  bool bulk = false;
  std::vector<std::vector<int64_t>> rows;  // bulk: one group; upsert: groups of distinct keys, sent in order
  std::string body;                        // bulk: the CSV of rows[0]
};

GraphSink::GraphSink(TigerGraphClient& client, SinkOptions options)
    : client_(client), options_(options), capacity_(static_cast<size_t>(client.options().concurrency)) {
  for (int i = 0; i < client.options().concurrency; ++i) workers_.emplace_back([this] { Worker(); });
}

GraphSink::~GraphSink() {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  not_empty_.notify_all();
  not_full_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void GraphSink::RegisterLoadingJob(std::string mapping_name, bool is_edge, std::string job, std::string filename_var) {
  const std::lock_guard<std::mutex> lock(jobs_mu_);
  jobs_[{is_edge, std::move(mapping_name)}] = {std::move(job), std::move(filename_var)};
}

Status GraphSink::WriteVertices(const mapping::VertexBatch& batch, const std::string& mapping_name) {
  auto b = std::make_shared<Batch>();
  b->type = batch.type;
  b->mapping = mapping_name;
  b->vertices = batch;
  return Write(b);
}

Status GraphSink::WriteEdges(const mapping::EdgeBatch& batch, const std::string& mapping_name) {
  auto b = std::make_shared<Batch>();
  b->is_edge = true;
  b->type = batch.type;
  b->mapping = mapping_name;
  b->edges = batch;
  return Write(b);
}

Status GraphSink::Write(const std::shared_ptr<Batch>& b) {
  {
    const std::lock_guard<std::mutex> lock(mu_);
    if (!error_.ok()) return error_;
  }
  const int64_t n = b->length();
  if (n == 0) return Status::OK();
  const std::string what = fmt::format("{} {}", b->is_edge ? "edge" : "vertex", b->type);
  if (b->is_edge) {
    ICEGRAPH_ASSIGN_OR_RAISE(JsonWriter j, JsonWriter::ForEdges(b->edges));
    b->json.emplace(std::move(j));
  } else {
    ICEGRAPH_ASSIGN_OR_RAISE(JsonWriter j, JsonWriter::ForVertices(b->vertices));
    b->json.emplace(std::move(j));
  }
  const std::vector<mapping::AttributeColumn>& attrs = b->is_edge ? b->edges.attributes : b->vertices.attributes;
  bool has_collection = false;
  for (const mapping::AttributeColumn& a : attrs) has_collection = has_collection || IsCollection(a.type.kind);
  bool has_job = false;
  {
    const std::lock_guard<std::mutex> lock(jobs_mu_);
    const auto it = jobs_.find({b->is_edge, b->mapping});
    if (it != jobs_.end()) {
      has_job = true;
      b->job = it->second.first;
      b->filename_var = it->second.second;
    }
  }
  const bool csv_able = !has_collection && !(b->is_edge && options_.vertex_must_exist);
  switch (options_.mode) {
    case SinkOptions::Mode::kUpsert: b->bulk = false; break;
    case SinkOptions::Mode::kBulk:
      if (!has_job) return Status::Invalid("bulk mode: no loading job is registered for " + what);
      b->bulk = csv_able;
      break;
    case SinkOptions::Mode::kAuto: b->bulk = csv_able && has_job && n >= options_.bulk_threshold_rows; break;
  }
  if (b->bulk) {
    auto csv = b->is_edge ? CsvWriter::ForEdges(b->edges) : CsvWriter::ForVertices(b->vertices);
    if (!csv.ok()) return csv.status().WithContext(what);
    b->csv.emplace(std::move(csv).ValueOrDie());
  }

  // Cut the rows into requests by key hash, so repeats of a key share a request and keep their order.
  const int64_t key_bytes = b->is_edge ? StringBytes(b->edges.from_ids.get()) + StringBytes(b->edges.to_ids.get())
                                       : StringBytes(b->vertices.ids.get());
  const int64_t target = b->bulk ? options_.chunk_bytes : options_.upsert_batch_bytes;
  const int64_t chunks =
      std::clamp<int64_t>(EstimateBytes(attrs, n, key_bytes, !b->bulk) / std::max<int64_t>(1, target) + 1, 1, n);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::vector<int64_t> starts(static_cast<size_t>(chunks) + 1, 0);
  if (chunks == 1) {
    for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
    starts[1] = n;
  } else {
    std::vector<uint32_t> chunk_of(static_cast<size_t>(n));
    const KeyHash hash;
    for (int64_t i = 0; i < n; ++i) {
      const auto c = static_cast<uint32_t>(hash(b->KeyOf(i)) % static_cast<uint64_t>(chunks));
      chunk_of[static_cast<size_t>(i)] = c;
      ++starts[c + 1];
    }
    for (int64_t c = 0; c < chunks; ++c) starts[c + 1] += starts[c];
    std::vector<int64_t> fill(starts.begin(), starts.end() - 1);
    for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(fill[chunk_of[static_cast<size_t>(i)]]++)] = i;
  }
  {
    const std::lock_guard<std::mutex> lock(mu_);
    SinkTypeCounts& counts = (b->is_edge ? report_.edges : report_.vertices)[b->type];
    counts.sent += n;
  }
  const std::shared_ptr<const Batch> shared = b;
  for (int64_t c = 0; c < chunks; ++c) {
    const std::span<const int64_t> rows(order.data() + starts[c], static_cast<size_t>(starts[c + 1] - starts[c]));
    if (rows.empty()) continue;
    std::vector<int64_t> csv_rows;
    std::vector<int64_t> json_rows;
    if (b->bulk) {
      // A key with any row CSV cannot carry goes to JSON with all its rows, so its rows stay in order.
      std::unordered_set<Key, KeyHash> json_keys;
      if (b->csv->MayNeedJson()) {
        for (const int64_t r : rows) {
          if (b->csv->NeedsJson(r)) json_keys.insert(b->KeyOf(r));
        }
      }
      if (json_keys.empty()) {
        csv_rows.assign(rows.begin(), rows.end());
      } else {
        csv_rows.reserve(rows.size());
        for (const int64_t r : rows) (json_keys.count(b->KeyOf(r)) > 0 ? json_rows : csv_rows).push_back(r);
      }
    } else {
      json_rows.assign(rows.begin(), rows.end());
    }
    if (!csv_rows.empty()) {
      Job job{shared, true, {}, {}};
      {
        const std::lock_guard<std::mutex> lock(mu_);
        if (!spare_bodies_.empty()) {
          job.body = std::move(spare_bodies_.back());
          spare_bodies_.pop_back();
        }
      }
      b->csv->AppendRows(csv_rows, &job.body);
      {
        const std::lock_guard<std::mutex> lock(mu_);
        report_.bulk_rows += static_cast<int64_t>(csv_rows.size());
      }
      job.rows.push_back(std::move(csv_rows));
      ICEGRAPH_RETURN_NOT_OK(Enqueue(std::move(job)));
    }
    if (!json_rows.empty()) {
      Job job{shared, false, b->json->SplitDuplicates(json_rows), {}};
      {
        const std::lock_guard<std::mutex> lock(mu_);
        report_.upsert_rows += static_cast<int64_t>(json_rows.size());
      }
      ICEGRAPH_RETURN_NOT_OK(Enqueue(std::move(job)));
    }
  }
  return Status::OK();
}

Status GraphSink::Enqueue(Job job) {
  std::unique_lock<std::mutex> lock(mu_);
  not_full_.wait(lock, [this] { return queue_.size() < capacity_ || !error_.ok() || stop_; });
  if (!error_.ok()) return error_;
  queue_.push_back(std::move(job));
  not_empty_.notify_one();
  return Status::OK();
}

// A thread body: an exception leaving it would end the process, so RunJob's are caught and become the run's error.
void GraphSink::Worker() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      not_empty_.wait(lock, [this] { return !queue_.empty() || stop_; });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      ++active_;
      not_full_.notify_one();
    }
    bool failed_before = false;
    {
      const std::lock_guard<std::mutex> lock(mu_);
      failed_before = !error_.ok();
    }
    Status st;
    try {
      if (!failed_before) st = RunJob(job);
    } catch (const std::exception& e) {
      st = Status::Internal(std::string("sink worker: unexpected exception: ") + e.what());
    } catch (...) {
      st = Status::Internal("sink worker: unexpected exception");
    }
    {
      const std::lock_guard<std::mutex> lock(mu_);
      if (!st.ok() && error_.ok()) {
        error_ = st;
        try {
          log::Error("sink.failed", {{"type", job.batch->type}, {"error", st.message()}});
        } catch (...) {  // NOLINT(bugprone-empty-catch): the error is kept in error_; only its log line is lost
        }
      }
      --active_;
      if (job.bulk && spare_bodies_.size() < capacity_ + workers_.size()) {
        job.body.clear();  // keeps its capacity
        spare_bodies_.push_back(std::move(job.body));
      }
      if (!error_.ok()) {
        queue_.clear();  // nothing more is sent once a request failed for good
        not_full_.notify_all();
      }
      if (queue_.empty() && active_ == 0) idle_.notify_all();
    }
  }
}

Status GraphSink::Discarded(size_t bytes, bool bulk) {
  const std::lock_guard<std::mutex> lock(mu_);
  ++report_.requests;
  ++(bulk ? report_.bulk_requests : report_.upsert_requests);
  report_.bytes += static_cast<int64_t>(bytes);
  return Status::OK();
}

Status GraphSink::RunJob(const Job& job) {
  const Batch& b = *job.batch;
  if (job.bulk) return RunBulk(b, job.rows[0], job.body, false);
  for (const std::vector<int64_t>& group : job.rows) ICEGRAPH_RETURN_NOT_OK(RunUpsert(b, group, false));
  return Status::OK();
}

Status GraphSink::RunBulk(const Batch& b, std::vector<int64_t> rows, const std::string& body, bool resend) {
  if (options_.discard) return Discarded(body.size(), true);
  auto stats = client_.PostLoadingJob(b.job, b.filename_var, body, std::string_view(&kCsvSeparator, 1),
                                      std::string_view(&kCsvEol, 1));
  {
    const std::lock_guard<std::mutex> lock(mu_);
    ++report_.requests;
    ++report_.bulk_requests;
    report_.bytes += static_cast<int64_t>(body.size());
    if (resend) ++report_.resent_requests;
  }
  failpoint::Pass("sink.request_done");
  const bool too_large = !stats.ok() && TooLarge(stats.status());
  if (!stats.ok() && !too_large) return stats.status().WithContext(fmt::format("loading job {}", b.job));
  const auto lines = static_cast<int64_t>(rows.size());
  if (!too_large && stats->rejected() == 0 && stats->valid_line + stats->failed_condition_line == lines) {
    return Status::OK();
  }
  if (rows.size() == 1) {
    const std::string why = too_large ? stats.status().message() : stats->RejectReasons();
    AddDeadLetter(b, rows[0], "tg_rejected",
                  fmt::format("TigerGraph loading job {} refused the row ({})", b.job,
                              why.empty() ? "the line was not loaded" : why));
    return Status::OK();
  }
  // Name the refused rows by loading each half again: loading a row twice stores the same values.
  const auto mid = static_cast<std::ptrdiff_t>(rows.size() / 2);
  for (int half = 0; half < 2; ++half) {
    std::vector<int64_t> part(half == 0 ? rows.begin() : rows.begin() + mid,
                              half == 0 ? rows.begin() + mid : rows.end());
    std::string part_body;
    b.csv->AppendRows(part, &part_body);
    ICEGRAPH_RETURN_NOT_OK(RunBulk(b, std::move(part), part_body, true));
  }
  return Status::OK();
}

Status GraphSink::RunUpsert(const Batch& b, const std::vector<int64_t>& rows, bool resend) {
  std::string body;
  b.json->AppendBody(rows, &body);
  if (options_.discard) return Discarded(body.size(), false);
  UpsertOptions opts;
  opts.vertex_must_exist = b.is_edge && options_.vertex_must_exist;
  auto result = client_.Upsert(body, opts);
  {
    const std::lock_guard<std::mutex> lock(mu_);
    ++report_.requests;
    ++report_.upsert_requests;
    report_.bytes += static_cast<int64_t>(body.size());
    if (resend) ++report_.resent_requests;
  }
  failpoint::Pass("sink.request_done");
  if (!result.ok() && !TooLarge(result.status()) && RequestLevelError(result.status())) {
    return result.status().WithContext(fmt::format("upsert of {} {}", b.is_edge ? "edge" : "vertex", b.type));
  }
  if (result.ok() && result->skipped_edges == 0) return Status::OK();
  if (rows.size() == 1) {
    if (!result.ok()) {
      AddDeadLetter(b, rows[0], "tg_rejected", "TigerGraph refused the upsert: " + result.status().message());
    } else {
      AddDeadLetter(b, rows[0], "tg_missing_vertex",
                    "TigerGraph skipped the edge (vertex_must_exist): missing " + result->miss_vertices.dump());
    }
    return Status::OK();
  }
  // Name the refused rows by upserting each half again: upserting a row twice stores the same values.
  const auto mid = static_cast<std::ptrdiff_t>(rows.size() / 2);
  ICEGRAPH_RETURN_NOT_OK(RunUpsert(b, std::vector<int64_t>(rows.begin(), rows.begin() + mid), true));
  return RunUpsert(b, std::vector<int64_t>(rows.begin() + mid, rows.end()), true);
}

void GraphSink::AddDeadLetter(const Batch& b, int64_t row, std::string reason_code, std::string message) {
  mapping::DeadLetter d;
  d.mapping = b.mapping;
  d.row_key = b.json->RowKey(row);
  d.reason_code = std::move(reason_code);
  d.message = std::move(message);
  d.row_json = b.json->RowJson(row);
  log::Warn("sink.dead_letter", {{"mapping", d.mapping}, {"key", d.row_key}, {"reason", d.reason_code}});
  const std::lock_guard<std::mutex> lock(mu_);
  ++(b.is_edge ? report_.edges : report_.vertices)[b.type].rejected;
  report_.dead_letters.push_back(std::move(d));
}

void GraphSink::RegisterDeleteJob(std::string mapping_name, bool is_edge, std::string job, std::string filename_var) {
  const std::lock_guard<std::mutex> lock(jobs_mu_);
  delete_jobs_[{is_edge, std::move(mapping_name)}] = {std::move(job), std::move(filename_var)};
}

Status GraphSink::DeleteVertices(const mapping::VertexBatch& ids, const std::string& mapping_name) {
  mapping::VertexBatch keys{ids.type, ids.ids, {}};
  ICEGRAPH_ASSIGN_OR_RAISE(const CsvWriter csv, CsvWriter::ForVertices(keys));
  const auto& id = static_cast<const arrow::StringArray&>(*keys.ids);
  return DeleteRows(false, keys.type, mapping_name, csv, keys.length(),
                    [&](int64_t r) { return std::string(id.GetView(r)); });
}

Status GraphSink::DeleteEdges(const mapping::EdgeBatch& keys, const std::string& mapping_name) {
  ICEGRAPH_ASSIGN_OR_RAISE(const CsvWriter csv, CsvWriter::ForEdges(keys));
  const auto& from = static_cast<const arrow::StringArray&>(*keys.from_ids);
  const auto& to = static_cast<const arrow::StringArray&>(*keys.to_ids);
  return DeleteRows(true, keys.type, mapping_name, csv, keys.length(),
                    [&](int64_t r) { return fmt::format("{}->{}", from.GetView(r), to.GetView(r)); });
}

Status GraphSink::DeleteRows(bool is_edge, const std::string& type, const std::string& mapping_name,
                             const CsvWriter& csv, int64_t rows, const std::function<std::string(int64_t)>& key_of) {
  if (rows == 0) return Status::OK();
  std::pair<std::string, std::string> job;
  {
    const std::lock_guard<std::mutex> lock(jobs_mu_);
    const auto it = delete_jobs_.find({is_edge, mapping_name});
    if (it == delete_jobs_.end()) return Status::Invalid("no delete job is registered for mapping " + mapping_name);
    job = it->second;
  }
  {
    // Deletes must not overtake upserts already queued for the same keys.
    std::unique_lock<std::mutex> lock(mu_);
    idle_.wait(lock, [this] { return queue_.empty() && active_ == 0; });
    if (!error_.ok()) return error_;
  }
  std::vector<mapping::DeadLetter> refused;
  std::vector<int64_t> keep;
  keep.reserve(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    if (csv.NeedsJson(r)) {
      // A key holding the field or line separator cannot be named in the job's input.
      refused.push_back({mapping_name, key_of(r), "cannot_delete",
                         "the key holds a 0x1E/0x1F byte or an empty value, which a delete job cannot carry", "{}"});
      continue;
    }
    keep.push_back(r);
  }
  const auto lines = static_cast<int64_t>(keep.size());
  if (options_.discard || lines == 0) {
    const std::lock_guard<std::mutex> lock(mu_);
    report_.deleted[type] += lines;
    for (auto& d : refused) report_.dead_letters.push_back(std::move(d));
    return Status::OK();
  }
  // Requests of at most chunk_bytes; a request refused as too large (413) is split in halves.
  std::function<Status(std::vector<int64_t>)> post = [&](std::vector<int64_t> part) -> Status {
    std::string body;
    csv.AppendRows(part, &body);
    if (part.size() > 1 && static_cast<int64_t>(body.size()) > options_.chunk_bytes) {
      const auto mid = part.begin() + static_cast<std::ptrdiff_t>(part.size() / 2);
      ICEGRAPH_RETURN_NOT_OK(post(std::vector<int64_t>(part.begin(), mid)));
      return post(std::vector<int64_t>(mid, part.end()));
    }
    auto stats = client_.PostLoadingJob(job.first, job.second, body, std::string_view(&kCsvSeparator, 1),
                                        std::string_view(&kCsvEol, 1));
    {
      const std::lock_guard<std::mutex> lock(mu_);
      ++report_.requests;
      ++report_.bulk_requests;
      report_.bytes += static_cast<int64_t>(body.size());
    }
    failpoint::Pass("sink.delete_done");
    if (!stats.ok() && TooLarge(stats.status()) && part.size() > 1) {
      const auto mid = part.begin() + static_cast<std::ptrdiff_t>(part.size() / 2);
      ICEGRAPH_RETURN_NOT_OK(post(std::vector<int64_t>(part.begin(), mid)));
      return post(std::vector<int64_t>(mid, part.end()));
    }
    if (!stats.ok()) return stats.status().WithContext("delete job " + job.first);
    if (stats->valid_line != static_cast<int64_t>(part.size())) {
      return Status::IOError(fmt::format("delete job {} accepted {} of {} lines ({})", job.first, stats->valid_line,
                                         part.size(), stats->RejectReasons()));
    }
    return Status::OK();
  };
  ICEGRAPH_RETURN_NOT_OK(post(std::move(keep)));
  const std::lock_guard<std::mutex> lock(mu_);
  report_.deleted[type] += lines;
  for (auto& d : refused) report_.dead_letters.push_back(std::move(d));
  return Status::OK();
}

Result<SinkReport> GraphSink::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && active_ == 0; });
  if (!error_.ok()) return error_;
  SinkReport out = std::move(report_);
  report_ = SinkReport();
  for (auto* m : {&out.vertices, &out.edges}) {
    for (auto& [type, c] : *m) c.accepted = c.sent - c.rejected;
  }
  return out;
}

}  // namespace icegraph::sink
