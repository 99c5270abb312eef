#include "sink/retry.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "sink/tigergraph_client.h"

namespace icegraph::sink {
namespace {

using namespace std::chrono_literals;

TEST(RetryPolicyTest, BackoffDoublesWithEqualJitterUpToTheCap) {
  RetryOptions o;
  o.initial_backoff_ms = 100;
  o.max_backoff_ms = 1000;
  EXPECT_EQ(Backoff(o, 1, 0.0), 50ms);
  EXPECT_EQ(Backoff(o, 1, 1.0), 100ms);
  EXPECT_EQ(Backoff(o, 2, 0.0), 100ms);
  EXPECT_EQ(Backoff(o, 3, 0.5), 300ms);
  EXPECT_EQ(Backoff(o, 5, 1.0), 1000ms);  // 1600 capped
  EXPECT_EQ(Backoff(o, 60, 0.0), 500ms);  // no overflow far out
}

TEST(RetryPolicyTest, RetryAfterAsSecondsOrHttpDate) {
  EXPECT_EQ(ParseRetryAfter(" 3\r\n", 0), std::optional(3000ms));
  EXPECT_EQ(ParseRetryAfter("0", 0), std::optional(0ms));
  // Thu, 01 Jan 1970 00:00:10 GMT is 10 s after the epoch.
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4), std::optional(6000ms));
  EXPECT_EQ(ParseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 20), std::optional(0ms));  // in the past: now
  EXPECT_EQ(ParseRetryAfter("soon", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-5", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", 0), std::nullopt);
}

TEST(RetryPolicyTest, WhatIsRetried) {
  for (const FailureKind k : {FailureKind::kConnect, FailureKind::kOverloaded, FailureKind::kTokenExpired}) {
    EXPECT_TRUE(Retryable(k, false)) << FailureName(k);
    EXPECT_TRUE(Retryable(k, true)) << FailureName(k);
  }
  for (const FailureKind k : {FailureKind::kReset, FailureKind::kTimeout, FailureKind::kGateway}) {
    EXPECT_FALSE(Retryable(k, false)) << FailureName(k);  // may have been applied
    EXPECT_TRUE(Retryable(k, true)) << FailureName(k);
  }
  EXPECT_FALSE(Retryable(FailureKind::kFatal, true));
  EXPECT_FALSE(Retryable(FailureKind::kNone, true));
}

TEST(RetryPolicyTest, BreakerOpensOnlyAfterTheWindowWithoutSuccess) {
  CircuitBreaker b(1000);
  const auto t0 = CircuitBreaker::Clock::now();
  EXPECT_FALSE(b.OnFailure(Status::Unavailable("x"), t0 + 2000ms));  // one failure alone never opens it
  b.OnSuccess();
  EXPECT_FALSE(b.OnFailure(Status::Unavailable("a"), t0 + 100ms));
  EXPECT_FALSE(b.OnFailure(Status::Unavailable("b"), t0 + 500ms));  // inside the window
  EXPECT_TRUE(b.Check().ok());
  EXPECT_TRUE(b.OnFailure(Status::Unavailable("connection refused"), CircuitBreaker::Clock::now() + 1500ms));
  const Status st = b.Check();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("circuit breaker"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("connection refused"), std::string::npos) << st.message();
  b.OnSuccess();  // a late success does not close it: the run is over
  EXPECT_TRUE(b.open());
}

TEST(RetryPolicyTest, LimiterHalvesOnOverloadOncePerCooldownAndGrowsBackByOne) {
  ConcurrencyLimiter l(8, true, 1000ms);
  const auto t0 = ConcurrencyLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) l.Acquire();
  l.Release(FailureKind::kOverloaded, t0 + 5000ms);
  l.Release(FailureKind::kOverloaded, t0 + 5001ms);  // same episode: no second cut
  EXPECT_EQ(l.limit(), 4);
  l.Release(FailureKind::kTimeout, t0 + 7000ms);
  EXPECT_EQ(l.limit(), 2);
  EXPECT_EQ(l.min_limit(), 2);
  EXPECT_EQ(l.cuts(), 2);
  for (int i = 0; i < 2; ++i) {
    l.Acquire();
    l.Release(FailureKind::kNone);
  }
  EXPECT_EQ(l.limit(), 3);  // after `limit` successes
  ConcurrencyLimiter fixed(8, false);
  fixed.Acquire();
  fixed.Release(FailureKind::kOverloaded);
  EXPECT_EQ(fixed.limit(), 8);
}

// A server whose first `fail` answers to /restpp/graph/g are `status` (with Retry-After when given), then 200.
class FlakyServer {
 public:
  FlakyServer(int fail, int status, const std::string& retry_after = {}) {
    server_.Post("/restpp/graph/g", [this, fail, status, retry_after](const httplib::Request&, httplib::Response& res) {
      if (calls_.fetch_add(1) < fail) {
        res.status = status;
        if (!retry_after.empty()) res.set_header("Retry-After", retry_after);
        res.set_content("<html>busy</html>", "text/html");
        return;
      }
      res.set_content(R"({"error":false,"message":"","results":[{"accepted_vertices":1,"accepted_edges":0}]})",
                      "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FlakyServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int calls() const { return calls_.load(); }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> calls_{0};
};

std::unique_ptr<TigerGraphClient> Client(const std::string& url, RetryOptions retry) {
  TigerGraphOptions o;
  o.urls = {url};
  o.graph = "g";
  o.token = "t";
  o.retry = retry;
  auto c = TigerGraphClient::Make(o);
  EXPECT_TRUE(c.ok());
  return std::move(*c);
}

RetryOptions Fast() {
  RetryOptions r;
  r.initial_backoff_ms = 1;
  r.max_backoff_ms = 4;
  return r;
}

TEST(RetryClientTest, RetriesOverloadThenSucceedsAndCountsIt) {
  FlakyServer s(3, 503);
  auto c = Client(s.url(), Fast());
  auto r = c->Upsert(R"({"vertices":{}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(s.calls(), 4);
  const RetryStats st = c->retry_stats();
  EXPECT_EQ(st.attempts, 4);
  EXPECT_EQ(st.retries, 3);
  EXPECT_EQ(st.reasons.at("overloaded"), 3);
  EXPECT_GE(st.concurrency_cuts, 1);
}

TEST(RetryClientTest, HonoursRetryAfter) {
  FlakyServer s(1, 429, "1");
  auto c = Client(s.url(), Fast());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(c->Upsert("{}").ok());
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 1000ms);
  EXPECT_EQ(s.calls(), 2);
}

TEST(RetryClientTest, GivesUpAfterMaxAttemptsNamingThem) {
  FlakyServer s(100, 502);
  RetryOptions r = Fast();
  r.max_attempts = 3;
  auto c = Client(s.url(), r);
  const Status st = c->Upsert("{}").status();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("gave up after 3 attempts"), std::string::npos) << st.message();
  EXPECT_EQ(s.calls(), 3);
}

TEST(RetryClientTest, StopsWhenTheBudgetWouldRunOut) {
  FlakyServer s(100, 503, "30");
  RetryOptions r = Fast();
  r.request_budget_ms = 500;
  auto c = Client(s.url(), r);
  const Status st = c->Upsert("{}").status();
  EXPECT_NE(st.message().find("time budget of 500 ms"), std::string::npos) << st.message();
  EXPECT_EQ(s.calls(), 1);  // Retry-After 30 s does not fit in 0.5 s
}

TEST(RetryClientTest, NeverRetriesAnAnswerThatCannotChange) {
  FlakyServer s(100, 400);
  auto c = Client(s.url(), Fast());
  EXPECT_FALSE(c->Upsert("{}").ok());
  EXPECT_EQ(s.calls(), 1);
  EXPECT_EQ(c->retry_stats().retries, 0);
}

TEST(RetryClientTest, BreakerStopsEveryRequestWhenTheServerStaysDown) {
  // A port nobody listens on: bound, read, then closed.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);
  ::close(fd);
  RetryOptions r = Fast();
  r.max_attempts = 1000;
  r.max_backoff_ms = 20;
  r.breaker_after_ms = 300;
  auto c = Client("http://127.0.0.1:" + std::to_string(port), r);
  const auto t0 = std::chrono::steady_clock::now();
  const Status st = c->Upsert("{}").status();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  EXPECT_NE(st.message().find("circuit breaker"), std::string::npos) << st.message();
  EXPECT_TRUE(c->retry_stats().breaker_opened);
  const Status again = c->CountVertices("V").status();  // fails at once, no attempt made
  const int64_t attempts = c->retry_stats().attempts;
  EXPECT_NE(again.message().find("circuit breaker"), std::string::npos);
  EXPECT_EQ(c->retry_stats().attempts, attempts);
}

}  // namespace
}  // namespace icegraph::sink
