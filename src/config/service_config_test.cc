// The `service:` section of icegraph.yaml (icegraph serve): defaults, ${ENV} tokens and exact errors.
#include <gtest/gtest.h>

#include "config/config.h"

namespace icegraph::config {
namespace {

std::optional<std::string> Env(const std::string& name) {
  if (name == "SERVICE_TOKEN") return std::string("t0ken");
  return std::nullopt;
}

constexpr const char* kBase = R"(catalog: {type: sql, uri: "sqlite:///tmp/cat.db", warehouse: /tmp/wh}
tigergraph: {urls: [http://127.0.0.1:14240], graph: shop}
mappings:
  - table: shop.users
    vertices:
      - {type: User, id: user_id}
)";

Result<Config> Parse(const std::string& service) {
  return ParseConfig(std::string(kBase) + service, "icegraph.yaml", "/etc/icegraph", &Env);
}

TEST(ServiceConfigTest, DefaultsWhenAbsent) {
  auto c = Parse("");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->service.token, "");
  EXPECT_TRUE(c->service.auth_reads);
  EXPECT_TRUE(c->service.cors_origins.empty());
  EXPECT_EQ(c->service.sync_wait_s, 30);
  EXPECT_EQ(c->service.page_limit_max, 1000);
  EXPECT_EQ(c->service.threads, 16);
}

TEST(ServiceConfigTest, ReadsEveryField) {
  auto c = Parse(R"(service:
  token: "${SERVICE_TOKEN}"
  auth_reads: false
  cors_origins: ["https://dash.example", "http://127.0.0.1:3000"]
  sync_wait_s: 0
  page_limit_max: 50
  threads: 32
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->service.token, "t0ken");
  EXPECT_FALSE(c->service.auth_reads);
  EXPECT_EQ(c->service.cors_origins, (std::vector<std::string>{"https://dash.example", "http://127.0.0.1:3000"}));
  EXPECT_EQ(c->service.sync_wait_s, 0);
  EXPECT_EQ(c->service.page_limit_max, 50);
  EXPECT_EQ(c->service.threads, 32);
}

TEST(ServiceConfigTest, ExactErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"service: {port: 1}\n",
       "icegraph.yaml:7: service.port: unknown key (allowed: token, auth_reads, cors_origins, sync_wait_s, "
       "page_limit_max, threads)"},
      {"service: {cors_origins: [dash.example]}\n",
       "icegraph.yaml:7: service.cors_origins[0]: 'dash.example' is not an origin like https://host[:port]"},
      {"service: {cors_origins: https://a}\n", "icegraph.yaml:7: service.cors_origins: expected a list of origins"},
      {"service: {page_limit_max: 0}\n", "icegraph.yaml:7: service.page_limit_max: must be at least 1, got 0"},
      {"service: {sync_wait_s: -1}\n", "icegraph.yaml:7: service.sync_wait_s: must be at least 0, got -1"},
      {"service: {token: \"${NOPE}\"}\n",
       "icegraph.yaml:7: service.token: environment variable NOPE is not set (write ${NOPE:-default} for a default)"},
  };
  for (const auto& [text, message] : cases) {
    auto c = Parse(text);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().message(), message) << text;
  }
}

}  // namespace
}  // namespace icegraph::config
