#include "common/http_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

namespace icegraph::http {
namespace {

// Accepts "Bearer good-N" for the current N only; every /busy request before the `busy`-th is answered 503.
class AuthServer {
 public:
  AuthServer() {
    server_.Get("/data", [this](const httplib::Request& req, httplib::Response& res) {
      ++calls;
      if (req.get_header_value("Authorization") != "Bearer good-" + std::to_string(generation.load())) {
        res.status = 401;
        return;
      }
      res.set_content("ok", "text/plain");
    });
    server_.Post("/busy", [this](const httplib::Request& req, httplib::Response& res) {
      if (++calls <= busy) {
        res.status = 503;
        return;
      }
      res.set_content(req.body, "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~AuthServer() {
    server_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::atomic<int> calls{0};
  std::atomic<int> generation{1};
  int busy = 0;

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// Hands out "Bearer good-N", renewing to the server's current generation.
class CountingAuth final : public AuthProvider {
 public:
  explicit CountingAuth(AuthServer& s) : server_(s) {}
  Result<std::string> Authorization() override { return value_; }
  bool Renewable() const override { return true; }
  Result<std::string> Renew(const std::string& refused) override {
    refused_.push_back(refused);
    value_ = "Bearer good-" + std::to_string(server_.generation.load());
    return value_;
  }
  std::vector<std::string> refused_;

 private:
  AuthServer& server_;
  std::string value_ = "Bearer good-1";
};

ClientOptions Fast() {
  ClientOptions o;
  o.peer = "test server";
  o.retry.initial_backoff_ms = 1;
  o.retry.max_backoff_ms = 2;
  return o;
}

TEST(HttpClientTest, RenewsARefusedTokenThroughItsProvider) {
  AuthServer s;
  auto client = HttpClient::Make(Fast()).ValueOrDie();
  CountingAuth auth(s);
  Request get;
  get.url = s.base() + "/data";
  ASSERT_EQ(client->Send(get, auth)->body, "ok");
  s.generation = 2;  // the server revokes good-1
  auto r = client->Send(get, auth);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(auth.refused_, std::vector<std::string>{"Bearer good-1"});
  EXPECT_EQ(s.calls.load(), 3);
  EXPECT_EQ(client->retry_stats().reasons.at("token_expired"), 1);
  // A fixed value cannot be renewed: the 401 is the caller's answer.
  FixedAuth stale("Bearer good-1");
  EXPECT_EQ(client->Send(get, stale)->status, 401);
}

TEST(HttpClientTest, RetriesOverloadAndGoesRoundTheServers) {
  AuthServer s;
  s.busy = 2;
  auto client = HttpClient::Make(Fast()).ValueOrDie();
  FixedAuth none;
  // The first server refuses connections (port 1): each attempt goes to the next server.
  const std::vector<std::string> bases{"http://127.0.0.1:1", s.base()};
  Request post;
  post.method = "POST";
  post.url = "/busy";
  post.bases = &bases;
  post.body = "payload";
  auto r = client->Send(post, none);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "payload");
  const RetryStats st = client->retry_stats();
  EXPECT_GE(st.reasons.at("connect"), 1);
  EXPECT_EQ(st.reasons.at("overloaded"), 2);
  EXPECT_EQ(s.calls.load(), 3);
}

TEST(HttpClientTest, TransportFailuresCarryARetryableDetail) {
  ClientOptions o = Fast();
  o.retry.max_attempts = 2;
  auto client = HttpClient::Make(o).ValueOrDie();
  FixedAuth none;
  Request get;
  get.url = "http://user:secret@127.0.0.1:1/x";
  const Status st = client->Send(get, none).status();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("gave up after 2 attempts"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find("secret"), std::string::npos) << st.message();
  EXPECT_TRUE(st.retryable());
  EXPECT_EQ(st.http_status(), 0);
  Request bad;
  bad.url = "nota://url";
  const Status fatal = client->Send(bad, none).status();
  EXPECT_FALSE(fatal.ok());
  EXPECT_FALSE(fatal.retryable());
  EXPECT_EQ(client->requests_sent(), 3);
}

TEST(HttpClientTest, UrlHelpers) {
  EXPECT_EQ(UrlEncode("a b/ü~"), "a%20b%2F%C3%BC~");
  EXPECT_EQ(WithoutUserinfo("https://u:p@host:1/a@b"), "https://host:1/a@b");
  EXPECT_EQ(WithoutUserinfo("https://host/a@b"), "https://host/a@b");
}

}  // namespace
}  // namespace icegraph::http
