// The REST catalog against an in-process server speaking the Iceberg REST protocol as Polaris does.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "iceberg/catalog.h"

namespace icegraph::iceberg {
namespace {

using json = nlohmann::json;

constexpr const char* kSecret = "s3cr3t-client-secret";

json Metadata(const std::string& location) {
  return json::parse(R"({"format-version": 2, "table-uuid": "u", "location": ")" + location + R"(",
    "current-schema-id": 0, "schemas": [{"type": "struct", "schema-id": 0,
    "fields": [{"id": 1, "name": "id", "required": true, "type": "long"}]}]})");
}

class FakeRestServer {
 public:
  FakeRestServer() {
    server_.Post("/v1/oauth/tokens", [this](const httplib::Request& req, httplib::Response& res) {
      const std::lock_guard<std::mutex> lock(mu_);
      token_requests.push_back(req.body);
      if (req.get_param_value("client_secret") != kSecret ||
          req.get_param_value("grant_type") != "client_credentials") {
        res.status = 401;
        res.set_content(R"({"error": "invalid_client", "error_description": "unknown client"})", "application/json");
        return;
      }
      scopes.push_back(req.get_param_value("scope"));
      current_token_ = "tok-" + std::to_string(token_requests.size());
      res.set_content(
          json{{"access_token", current_token_}, {"token_type", "bearer"}, {"expires_in", token_lifetime_s}}.dump(),
          "application/json");
    });
    server_.Get(R"(/v1/.*)", [this](const httplib::Request& req, httplib::Response& res) { Route(req, res); });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeRestServer() {
    server_.stop();
    thread_.join();
  }

  std::string uri() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void RevokeTokens() {
    const std::lock_guard<std::mutex> lock(mu_);
    current_token_ = "revoked";
  }

  std::mutex mu_;
  std::vector<std::string> token_requests;
  std::vector<std::string> scopes;
  std::vector<std::string> paths;  // every GET path with its query
  std::map<std::string, std::string> last_headers;
  std::string static_token;  // accepted besides issued tokens
  int busy_answers = 0;      // the next GETs answered 503 (with Retry-After: retry_after when set)
  std::string retry_after;
  int token_lifetime_s = 3600;

 private:
  void Route(const httplib::Request& req, httplib::Response& res) {
    const std::lock_guard<std::mutex> lock(mu_);
    std::string query;
    for (const auto& [k, v] : req.params) {
      query += query.empty() ? "?" : "&";
      query.append(k).append("=").append(v);
    }
    paths.push_back(req.path + query);
    if (busy_answers > 0) {
      --busy_answers;
      res.status = 503;
      if (!retry_after.empty()) res.set_header("Retry-After", retry_after);
      res.set_content(R"({"error": {"message": "slow down", "type": "ServiceUnavailableException", "code": 503}})",
                      "application/json");
      return;
    }
    last_headers.clear();
    for (const auto& [k, v] : req.headers) last_headers[k] = v;
    const std::string auth = req.get_header_value("Authorization");
    if (auth != "Bearer " + current_token_ && auth != "Bearer " + static_token) {
      res.status = 401;
      res.set_content(R"({"error": {"message": "Not authorized", "type": "NotAuthorizedException", "code": 401}})",
                      "application/json");
      return;
    }
    const std::string base = "/v1/polaris/wh";
    if (req.path == "/v1/config") {
      res.set_content(json{{"defaults", {{"prefix", "wrong"}, {"client.region", "eu-west-1"}}},
                           {"overrides", {{"prefix", "polaris/wh"}}}}
                          .dump(),
                      "application/json");
    } else if (req.path == base + "/namespaces") {
      const std::string parent = req.get_param_value("parent");
      json page;
      if (parent.empty() && req.get_param_value("pageToken").empty()) {
        page = {{"namespaces", {{"shop"}}}, {"next-page-token", "p2"}};
      } else if (parent.empty()) {
        page = {{"namespaces", {{"crm"}}}, {"next-page-token", nullptr}};
      } else if (parent == "crm") {
        page = {{"namespaces", json::array({json::array({"crm", "eu"})})}};
      } else {
        page = {{"namespaces", json::array()}};
      }
      res.set_content(page.dump(), "application/json");
    } else if (req.path == base + "/namespaces/shop/tables") {
      json page =
          req.get_param_value("pageToken") == "t2"
              ? json{{"identifiers", {{{"namespace", {"shop"}}, {"name", "customers"}}}}}
              : json{{"identifiers", {{{"namespace", {"shop"}}, {"name", "orders"}}}}, {"next-page-token", "t2"}};
      res.set_content(page.dump(), "application/json");
    } else if (req.path == base + "/namespaces/shop/tables/orders") {
      res.set_content(json{{"metadata-location", "s3://bucket/shop/orders/metadata/00003.metadata.json"},
                           {"metadata", Metadata("s3://bucket/shop/orders")},
                           {"config", {{"s3.access-key-id", "vended-id"}, {"s3.secret-access-key", "vended-secret"}}}}
                          .dump(),
                      "application/json");
    } else if (req.path == base +
                               "/namespaces/crm\x1f"
                               "eu/tables/leads") {
      res.set_content(json{{"metadata", Metadata("s3://bucket/crm/eu/leads")}}.dump(), "application/json");
    } else {
      res.status = 404;
      res.set_content(json{{"error", {{"message", "Table does not exist: " + req.path}, {"code", 404}}}}.dump(),
                      "application/json");
    }
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::string current_token_ = "none-yet";
};

CatalogProperties Polaris(const FakeRestServer& server) {
  return {{"uri", server.uri()},
          {"warehouse", "wh"},
          {"credential", std::string("icegraph:") + kSecret},
          {"scope", "PRINCIPAL_ROLE:ALL"},
          {"header.X-Request-Source", "icegraph-test"}};
}

TEST(RestCatalogTest, ExchangesClientCredentialsAndUsesTheServerPrefix) {
  FakeRestServer server;
  auto catalog = MakeCatalog("", Polaris(server));  // http uri: the rest catalog
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  auto orders = (*catalog)->LoadTable({"shop", "orders"});
  ASSERT_TRUE(orders.ok()) << orders.status().ToString();
  EXPECT_EQ(orders->location, "s3://bucket/shop/orders");
  EXPECT_EQ(orders->metadata_location, "s3://bucket/shop/orders/metadata/00003.metadata.json");
  const std::lock_guard<std::mutex> lock(server.mu_);
  ASSERT_EQ(server.token_requests.size(), 1u);
  EXPECT_EQ(server.scopes[0], "PRINCIPAL_ROLE:ALL");
  EXPECT_EQ(server.paths[0], "/v1/config?warehouse=wh");
  EXPECT_EQ(server.paths[1], "/v1/polaris/wh/namespaces/shop/tables/orders");
  EXPECT_EQ(server.last_headers["X-Request-Source"], "icegraph-test");
  EXPECT_EQ(server.last_headers["X-Iceberg-Access-Delegation"], "vended-credentials");
}

TEST(RestCatalogTest, VendedCredentialsMakeATableIO) {
  FakeRestServer server;
  auto catalog = MakeCatalog("rest", Polaris(server)).ValueOrDie();
  EXPECT_EQ(catalog->TableIO({"shop", "orders"}).ValueOrDie(), catalog->io());  // nothing vended yet
  ASSERT_TRUE(catalog->LoadTable({"shop", "orders"}).ok());
  EXPECT_NE(catalog->TableIO({"shop", "orders"}).ValueOrDie(), catalog->io());
  ASSERT_TRUE(catalog->LoadTable({"crm.eu", "leads"}).ok());  // multi-level namespace joined by 0x1F
  EXPECT_EQ(catalog->TableIO({"crm.eu", "leads"}).ValueOrDie(), catalog->io());
}

TEST(RestCatalogTest, ListsAcrossPagesAndNestedNamespaces) {
  FakeRestServer server;
  auto catalog = MakeCatalog("rest", Polaris(server)).ValueOrDie();
  auto namespaces = catalog->ListNamespaces();
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  EXPECT_EQ(*namespaces, (std::vector<std::string>{"crm", "crm.eu", "shop"}));
  auto tables = catalog->ListTables("shop");
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].name, "customers");
  EXPECT_EQ((*tables)[1].name, "orders");
}

TEST(RestCatalogTest, RefreshesARevokedTokenOnce) {
  FakeRestServer server;
  auto catalog = MakeCatalog("rest", Polaris(server)).ValueOrDie();
  server.RevokeTokens();
  auto orders = catalog->LoadTable({"shop", "orders"});
  ASSERT_TRUE(orders.ok()) << orders.status().ToString();
  const std::lock_guard<std::mutex> lock(server.mu_);
  EXPECT_EQ(server.token_requests.size(), 2u);
}

TEST(RestCatalogTest, RetriesAnOverloadedServerHonouringRetryAfter) {
  FakeRestServer server;
  auto catalog = MakeCatalog("rest", Polaris(server)).ValueOrDie();
  {
    const std::lock_guard<std::mutex> lock(server.mu_);
    server.busy_answers = 2;
    server.retry_after = "1";
    server.paths.clear();
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto orders = catalog->LoadTable({"shop", "orders"});
  ASSERT_TRUE(orders.ok()) << orders.status().ToString();
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(2000));  // two waits of 1 s
  const std::lock_guard<std::mutex> lock(server.mu_);
  EXPECT_EQ(server.paths.size(), 3u);
}

TEST(RestCatalogTest, GivesUpAfterItsAttemptsWithTheStatusAsDetail) {
  FakeRestServer server;
  CatalogProperties props = Polaris(server);
  props["rest.retry.max-attempts"] = "2";
  props["rest.retry.initial-backoff-ms"] = "1";
  auto catalog = MakeCatalog("rest", props).ValueOrDie();
  {
    const std::lock_guard<std::mutex> lock(server.mu_);
    server.busy_answers = 5;
  }
  const Status st = catalog->LoadTable({"shop", "orders"}).status();
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("gave up after 2 attempts"), std::string::npos) << st.message();
  EXPECT_EQ(st.http_status(), 503);
  EXPECT_TRUE(st.retryable());
  // Three busy answers are left: the next load gives up too, the one after finds the table.
  EXPECT_EQ(catalog->LoadTable({"shop", "orders"}).status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(catalog->LoadTable({"shop", "orders"}).ok());
}

TEST(RestCatalogTest, RenewsAnExpiredTokenBeforeTheRequest) {
  FakeRestServer server;
  server.token_lifetime_s = 1;  // kept for 1 s (a minute early, but at least 1 s)
  auto catalog = MakeCatalog("rest", Polaris(server)).ValueOrDie();
  ASSERT_TRUE(catalog->LoadTable({"shop", "orders"}).ok());
  {
    const std::lock_guard<std::mutex> lock(server.mu_);
    EXPECT_EQ(server.token_requests.size(), 1u);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE(catalog->LoadTable({"shop", "orders"}).ok());
  const std::lock_guard<std::mutex> lock(server.mu_);
  EXPECT_EQ(server.token_requests.size(), 2u);
  EXPECT_EQ(server.paths.size(), 3u);  // config and two loads: none was refused and sent again
}

TEST(RestCatalogTest, BearerTokenWithoutCredential) {
  FakeRestServer server;
  server.static_token = "pat-123";
  auto catalog = MakeCatalog("rest", {{"uri", server.uri() + "/"}, {"warehouse", "wh"}, {"token", "pat-123"}});
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_TRUE((*catalog)->LoadTable({"shop", "orders"}).ok());
  const std::lock_guard<std::mutex> lock(server.mu_);
  EXPECT_TRUE(server.token_requests.empty());
}

TEST(RestCatalogTest, ErrorsSayWhatFailedWithoutSecrets) {
  FakeRestServer server;
  auto catalog = MakeCatalog("rest", Polaris(server)).ValueOrDie();
  auto missing = catalog->LoadTable({"shop", "missing"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("Table does not exist"), std::string::npos) << missing.status().message();
  EXPECT_NE(missing.status().message().find("shop.missing"), std::string::npos);

  CatalogProperties wrong = Polaris(server);
  wrong["credential"] = "icegraph:wrong-secret";
  auto refused = MakeCatalog("rest", wrong);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthorized);
  EXPECT_NE(refused.status().message().find("HTTP 401: invalid_client: unknown client"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(refused.status().message().find("wrong-secret"), std::string::npos);

  auto no_auth = MakeCatalog("rest", {{"uri", server.uri()}});
  ASSERT_FALSE(no_auth.ok());
  EXPECT_EQ(no_auth.status().code(), StatusCode::kUnauthorized);
  auto down = MakeCatalog("rest", {{"uri", "http://127.0.0.1:1"}});
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(MakeCatalog("rest", {{"uri", server.uri()}, {"rest.sigv4-enabled", "true"}}).ok());
}

}  // namespace
}  // namespace icegraph::iceberg
