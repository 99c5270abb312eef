#include "common/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace icegraph::metrics {
namespace {

TEST(MetricsTest, RendersCountersGaugesAndHistogramsInTextFormat) {
  Registry r;
  auto& rows = r.AddCounter("t_rows_total", "Rows read.", {"table"});
  rows.With({"shop.users"}).Inc(3);
  rows.With({"shop.users"}).Inc(2);
  rows.With({"we\"ird\\\n"}).Inc();
  r.AddGauge("t_lag", "Lag\nin seconds.").With({}).Set(-1.5);
  auto& h = r.AddHistogram("t_seconds", "Latency.", {"kind"}, {0.5, 0.1, 1});
  h.With({"upsert"}).Observe(0.1);  // on a bound: counted in that bucket (le is inclusive)
  h.With({"upsert"}).Observe(0.7);
  h.With({"upsert"}).Observe(5);
  r.AddCounter("t_empty_total", "Nothing yet.", {"kind"});
  EXPECT_EQ(r.Render(),
            "# HELP t_empty_total Nothing yet.\n"
            "# TYPE t_empty_total counter\n"
            "# HELP t_lag Lag\\nin seconds.\n"
            "# TYPE t_lag gauge\n"
            "t_lag -1.5\n"
            "# HELP t_rows_total Rows read.\n"
            "# TYPE t_rows_total counter\n"
            "t_rows_total{table=\"shop.users\"} 5\n"
            "t_rows_total{table=\"we\\\"ird\\\\\\n\"} 1\n"
            "# HELP t_seconds Latency.\n"
            "# TYPE t_seconds histogram\n"
            "t_seconds_bucket{kind=\"upsert\",le=\"0.1\"} 1\n"
            "t_seconds_bucket{kind=\"upsert\",le=\"0.5\"} 1\n"
            "t_seconds_bucket{kind=\"upsert\",le=\"1\"} 2\n"
            "t_seconds_bucket{kind=\"upsert\",le=\"+Inf\"} 3\n"
            "t_seconds_sum{kind=\"upsert\"} 5.8\n"
            "t_seconds_count{kind=\"upsert\"} 3\n");
}

TEST(MetricsTest, RegisteringTwiceReturnsTheSameFamily) {
  Registry r;
  auto& a = r.AddCounter("t_total", "A.", {"k"});
  auto& b = r.AddCounter("t_total", "A.", {"k"});
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(&a.With({"x"}), &b.With({"x"}));
}

TEST(MetricsTest, NegativeIncrementsAreIgnored) {
  Registry r;
  auto& c = r.AddCounter("t_total", "A.").With({});
  c.Inc(-4);
  EXPECT_EQ(c.value(), 0);
}

TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  Registry r;
  auto& c = r.AddCounter("t_total", "A.", {"k"});
  auto& h = r.AddHistogram("t_seconds", "B.", {}, {1});
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.With({t % 2 == 0 ? "even" : "odd"}).Inc();
        h.With({}).Observe(i % 2 == 0 ? 0.5 : 2.0);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.With({"even"}).value(), 40000);
  EXPECT_EQ(c.With({"odd"}).value(), 40000);
  EXPECT_EQ(h.With({}).count(), 80000u);
  EXPECT_EQ(h.With({}).bucket_counts(), (std::vector<uint64_t>{40000, 40000}));
  EXPECT_EQ(h.With({}).sum(), 40000 * 0.5 + 40000 * 2.0);
}

TEST(MetricsTest, StandardFamiliesAreRegisteredInTheGlobalRegistry) {
  const Standard& s = Std();
  s.tg_requests.With({"upsert"}).Inc();
  const std::string text = Global().Render();
  for (const char* name : {"icegraph_tigergraph_requests_total", "icegraph_tigergraph_retries_total",
                           "icegraph_tigergraph_request_seconds", "icegraph_rows_read_total",
                           "icegraph_table_lag_seconds", "icegraph_sync_run_seconds"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }
  EXPECT_NE(text.find("icegraph_tigergraph_requests_total{kind=\"upsert\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace icegraph::metrics
