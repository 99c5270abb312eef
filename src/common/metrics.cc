#include "common/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <type_traits>

#include "common/log.h"

namespace icegraph::metrics {
namespace {

// Label values and HELP text escaping per the exposition format: \\, \n, and \" (label values only).
std::string Escape(const std::string& s, bool quote) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", names[i], Escape(values[i], true));
  }
  if (!extra_name.empty()) out += fmt::format("{}{}=\"{}\"", out.empty() ? "" : ",", extra_name, extra_value);
  return out.empty() ? "" : "{" + out + "}";
}

template <typename T>
void Header(std::string* out, const Family<T>& f, const char* type) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name(), Escape(f.help(), false), f.name(), type);
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  const size_t i = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::bucket_counts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

template <typename T>
T& Family<T>::With(const std::vector<std::string>& values) {
  std::lock_guard lock(mu_);
  if (values.size() != label_names_.size()) {
    log::Error("metrics.bad_labels", {{"metric", name_}, {"want", label_names_.size()}, {"got", values.size()}});
    std::abort();
  }
  auto it = children_.find(values);
  if (it == children_.end()) {
    if constexpr (std::is_same_v<T, Histogram>) {
      it = children_.emplace(values, std::make_unique<Histogram>(bounds_)).first;
    } else {
      it = children_.emplace(values, std::make_unique<T>()).first;
    }
  }
  return *it->second;
}

template <typename T>
std::vector<std::pair<std::vector<std::string>, const T*>> Family<T>::Children() const {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::vector<std::string>, const T*>> out;
  out.reserve(children_.size());
  for (const auto& [k, v] : children_) out.emplace_back(k, v.get());
  return out;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Registry::Entry& Registry::Find(const std::string& name, Kind kind, const std::vector<std::string>& labels) {
  auto it = families_.find(name);
  if (it != families_.end() && (it->second.kind != kind || it->second.labels != labels)) {
    log::Error("metrics.conflicting_registration", {{"metric", name}});
    std::abort();
  }
  if (it == families_.end()) {
    it = families_.emplace(name, Entry{kind, labels, nullptr, nullptr, nullptr}).first;
  }
  return it->second;
}

Family<Counter>& Registry::AddCounter(const std::string& name, const std::string& help,
                                      std::vector<std::string> labels) {
  std::lock_guard lock(mu_);
  Entry& e = Find(name, Kind::kCounter, labels);
  if (!e.counter) e.counter = std::make_unique<Family<Counter>>(name, help, std::move(labels));
  return *e.counter;
}

Family<Gauge>& Registry::AddGauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard lock(mu_);
  Entry& e = Find(name, Kind::kGauge, labels);
  if (!e.gauge) e.gauge = std::make_unique<Family<Gauge>>(name, help, std::move(labels));
  return *e.gauge;
}

Family<Histogram>& Registry::AddHistogram(const std::string& name, const std::string& help,
                                          std::vector<std::string> labels, std::vector<double> bounds) {
  std::sort(bounds.begin(), bounds.end());
  std::lock_guard lock(mu_);
  Entry& e = Find(name, Kind::kHistogram, labels);
  if (!e.histogram) e.histogram = std::make_unique<Family<Histogram>>(name, help, std::move(labels), std::move(bounds));
  return *e.histogram;
}

std::string Registry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, e] : families_) {
    if (e.counter) {
      Header(&out, *e.counter, "counter");
      for (const auto& [values, c] : e.counter->Children()) {
        out += fmt::format("{}{} {}\n", name, LabelSet(e.labels, values), Number(c->value()));
      }
    } else if (e.gauge) {
      Header(&out, *e.gauge, "gauge");
      for (const auto& [values, g] : e.gauge->Children()) {
        out += fmt::format("{}{} {}\n", name, LabelSet(e.labels, values), Number(g->value()));
      }
    } else if (e.histogram) {
      Header(&out, *e.histogram, "histogram");
      for (const auto& [values, h] : e.histogram->Children()) {
        // Read the buckets first: count is then at least their sum, as scrapers expect of a moving histogram.
        const std::vector<uint64_t> counts = h->bucket_counts();
        uint64_t cumulative = 0;
        for (size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          const std::string le = i < h->bounds().size() ? Number(h->bounds()[i]) : "+Inf";
          out += fmt::format("{}_bucket{} {}\n", name, LabelSet(e.labels, values, "le", le), cumulative);
        }
        out += fmt::format("{}_sum{} {}\n", name, LabelSet(e.labels, values), Number(h->sum()));
        out += fmt::format("{}_count{} {}\n", name, LabelSet(e.labels, values), cumulative);
      }
    }
  }
  return out;
}

Registry& Global() {
  static Registry* registry = new Registry();  // never destroyed: threads may update metrics during exit
  return *registry;
}

std::vector<double> LatencyBuckets() { return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}; }
std::vector<double> RunBuckets() { return {0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600}; }

const Standard& Std() {
  static const Standard* s = [] {
    Registry& r = Global();
    return new Standard{
        r.AddCounter("icegraph_rows_read_total", "Rows read from Iceberg by sync runs.", {"table"}),
        r.AddCounter("icegraph_vertices_upserted_total", "Vertices TigerGraph accepted.", {"type"}),
        r.AddCounter("icegraph_edges_upserted_total", "Edges TigerGraph accepted.", {"type"}),
        r.AddCounter("icegraph_vertices_deleted_total", "Vertices deleted from TigerGraph.", {"type"}),
        r.AddCounter("icegraph_edges_deleted_total", "Edges deleted from TigerGraph.", {"type"}),
        r.AddCounter("icegraph_rejected_total", "Vertices and edges TigerGraph refused.", {"type"}),
        r.AddCounter("icegraph_dead_letters_total", "Rows kept as dead letters.", {"table"}),
        r.AddCounter("icegraph_sync_runs_total", "Sync runs finished, by kind and outcome.", {"kind", "outcome"}),
        r.AddHistogram("icegraph_sync_run_seconds", "Wall time of sync runs.", {"kind"}, RunBuckets()),
        r.AddGauge("icegraph_table_lag_seconds",
                   "Seconds since the oldest snapshot not yet applied to the graph (0 when up to date).", {"table"}),
        r.AddGauge("icegraph_table_lag_snapshots", "Snapshots not yet applied to the graph.", {"table"}),
        r.AddCounter("icegraph_tigergraph_requests_total", "HTTP requests sent to TigerGraph (each attempt).",
                     {"kind"}),
        r.AddCounter("icegraph_tigergraph_retries_total", "TigerGraph requests retried.", {"kind"}),
        r.AddHistogram("icegraph_tigergraph_request_seconds", "Latency of TigerGraph requests.", {"kind"},
                       LatencyBuckets()),
        r.AddCounter("icegraph_http_requests_total", "Requests answered by icegraph serve.", {"route", "code"}),
    };
  }();
  return *s;
}

}  // namespace icegraph::metrics
