// A small Prometheus metrics registry: counters, gauges and histograms with label sets, rendered in the text
// exposition format 0.0.4. Updates are lock-free (atomics); only creating a new label set takes a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace icegraph::metrics {

class Counter {
 public:
  /// Adds `v` (must be >= 0: a counter never goes down).
  void Inc(double v = 1) {
    if (v > 0) value_.fetch_add(v, std::memory_order_relaxed);
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  /// `bounds`: upper bounds of the buckets, ascending; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  /// Per-bucket (not cumulative) counts, one more than bounds (the last is +Inf).
  std::vector<uint64_t> bucket_counts() const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

enum class Kind { kCounter, kGauge, kHistogram };

/// One metric name with its help text, label names and one child per label-value set.
template <typename T>
class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> bounds = {})
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        bounds_(std::move(bounds)) {
    // A family without labels always has its one child, so it renders as 0 before the first update.
    if (label_names_.empty()) With({});
  }
  /// The child for these label values (in label-name order), created on first use; the reference stays valid for
  /// the life of the registry, so hot paths can keep it.
  T& With(const std::vector<std::string>& values);
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  /// A copy of the children (label values → child), for rendering.
  std::vector<std::pair<std::vector<std::string>, const T*>> Children() const;

 private:
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<T>> children_;  // guarded by mu_
};

class Registry {
 public:
  /// Registers a family, or returns the one already registered under `name` (same kind); a second registration
  /// with another kind or other label names is a programming error and aborts.
  Family<Counter>& AddCounter(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  Family<Gauge>& AddGauge(const std::string& name, const std::string& help, std::vector<std::string> labels = {});
  Family<Histogram>& AddHistogram(const std::string& name, const std::string& help, std::vector<std::string> labels,
                                  std::vector<double> bounds);
  /// Every family in the Prometheus text format 0.0.4, sorted by name (Content-Type
  /// "text/plain; version=0.0.4; charset=utf-8").
  std::string Render() const;

 private:
  struct Entry {
    Kind kind;
    std::vector<std::string> labels;
    std::unique_ptr<Family<Counter>> counter;
    std::unique_ptr<Family<Gauge>> gauge;
    std::unique_ptr<Family<Histogram>> histogram;
  };
  Entry& Find(const std::string& name, Kind kind, const std::vector<std::string>& labels);
  mutable std::mutex mu_;
  std::map<std::string, Entry> families_;  // guarded by mu_
};

/// The process-wide registry.
Registry& Global();

/// Default latency buckets in seconds (5 ms .. 60 s) and run-duration buckets (0.1 s .. 1 h).
std::vector<double> LatencyBuckets();
std::vector<double> RunBuckets();

/// icegraph's metric families, registered in Global() on first use. Label names are in the comments.
struct Standard {
  Family<Counter>& rows_read;             // icegraph_rows_read_total{table}
  Family<Counter>& vertices_upserted;     // icegraph_vertices_upserted_total{type}
  Family<Counter>& edges_upserted;        // icegraph_edges_upserted_total{type}
  Family<Counter>& vertices_deleted;      // icegraph_vertices_deleted_total{type}
  Family<Counter>& edges_deleted;         // icegraph_edges_deleted_total{type}
  Family<Counter>& rejected;              // icegraph_rejected_total{type}: objects TigerGraph refused
  Family<Counter>& dead_letters;          // icegraph_dead_letters_total{table}
  Family<Counter>& runs;                  // icegraph_sync_runs_total{kind,outcome}
  Family<Histogram>& run_seconds;         // icegraph_sync_run_seconds{kind}
  Family<Gauge>& lag_seconds;             // icegraph_table_lag_seconds{table}
  Family<Gauge>& lag_snapshots;           // icegraph_table_lag_snapshots{table}
  Family<Counter>& tg_requests;           // icegraph_tigergraph_requests_total{kind}: every HTTP attempt
  Family<Counter>& tg_retries;            // icegraph_tigergraph_retries_total{kind}: attempts after the first
  Family<Histogram>& tg_request_seconds;  // icegraph_tigergraph_request_seconds{kind}: one observation per attempt
  Family<Counter>& http_requests;         // icegraph_http_requests_total{route,code}: the service's own requests
};
const Standard& Std();

}  // namespace icegraph::metrics
