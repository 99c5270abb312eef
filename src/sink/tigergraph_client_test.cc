// The client's answers as typed facts: errors carry the HTTP status, TigerGraph's code and a cause; malformed 2xx
// answers become errors instead of exceptions.
#include "sink/tigergraph_client.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "sink/graph_pages.h"

namespace icegraph::sink {
namespace {

// Answers every REST++ path with the (status, body) set for it.
class CannedServer {
 public:
  CannedServer() {
    const auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      const std::lock_guard<std::mutex> lock(mu_);
      const auto it = answers_.find(req.path);
      if (it == answers_.end()) {
        res.status = 404;
        return;
      }
      res.status = it->second.first;
      res.set_content(it->second.second, "application/json");
    };
    server_.Get(R"(/.*)", handler);
    server_.Post(R"(/.*)", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~CannedServer() {
    server_.stop();
    thread_.join();
  }
  void Answer(const std::string& path, int status, std::string body) {
    const std::lock_guard<std::mutex> lock(mu_);
    answers_[path] = {status, std::move(body)};
  }
  std::unique_ptr<TigerGraphClient> Client() const {
    TigerGraphOptions o;
    o.urls = {"http://127.0.0.1:" + std::to_string(port_)};
    o.graph = "g";
    o.token = "t";
    o.retry.initial_backoff_ms = 1;
    o.retry.max_backoff_ms = 2;
    return std::move(TigerGraphClient::Make(o)).ValueOrDie();
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, std::pair<int, std::string>> answers_;
};

TEST(TigerGraphClientTest, RefusalsCarryStatusCodeAndCause) {
  CannedServer s;
  auto c = s.Client();
  s.Answer("/restpp/graph/g", 413, "<html>413 Request Entity Too Large</html>");
  Status st = c->Upsert("{}").status();
  ASSERT_NE(st.detail(), nullptr) << st.ToString();
  EXPECT_EQ(st.http_status(), 413);
  EXPECT_EQ(st.cause(), ErrorDetail::Cause::kTooLarge);
  EXPECT_FALSE(st.retryable());

  s.Answer(
      "/restpp/graph/g", 400,
      R"({"error":true,"code":"REST-30000","message":"Vertex type 'Ghost' is not a valid vertex type in graph g."})");
  st = c->Upsert("{}").status();
  EXPECT_EQ(st.code(), StatusCode::kInvalid);
  EXPECT_EQ(st.http_status(), 400);
  EXPECT_EQ(st.detail()->remote_code, "REST-30000");
  EXPECT_EQ(st.cause(), ErrorDetail::Cause::kUnknownType);

  s.Answer("/restpp/graph/g", 400,
           R"({"error":true,"code":"REST-30000","message":"Invalid vertex id 'x' for vertex type P."})");
  EXPECT_EQ(c->Upsert("{}").status().cause(), ErrorDetail::Cause::kInvalidRow);

  s.Answer(
      "/restpp/graph/g/edges/P/1/knows", 400,
      R"({"error":true,"code":"REST-30000","message":"Input vertex id '1' is not a valid vertex id for vertex type = P."})");
  EXPECT_EQ(c->GetEdges("P", "1", "knows").status().cause(), ErrorDetail::Cause::kNoSuchVertex);
}

TEST(TigerGraphClientTest, ClassifiesByCodeBeforeText) {
  EXPECT_EQ(ClassifyTigerGraphError(400, "REST-2004", ""), ErrorDetail::Cause::kUnknownType);
  EXPECT_EQ(ClassifyTigerGraphError(400, "REST-1004", ""), ErrorDetail::Cause::kUnknownGraph);
  EXPECT_EQ(ClassifyTigerGraphError(400, "GSQL-7004", ""), ErrorDetail::Cause::kUnknownType);
  EXPECT_EQ(ClassifyTigerGraphError(413, "", "anything"), ErrorDetail::Cause::kTooLarge);
  EXPECT_EQ(ClassifyTigerGraphError(400, "REST-30000", "Edge type e does not connect A to B."),
            ErrorDetail::Cause::kSchemaMismatch);
  EXPECT_EQ(ClassifyTigerGraphError(500, "", "boom"), ErrorDetail::Cause::kUnspecified);
}

TEST(TigerGraphClientTest, MalformedSuccessfulAnswersAreErrorsNotExceptions) {
  CannedServer s;
  auto c = s.Client();
  s.Answer("/restpp/graph/g", 200, R"({"error":"no","results":[]})");
  Status st = c->Upsert("{}").status();
  EXPECT_EQ(st.code(), StatusCode::kInvalid) << st.ToString();
  EXPECT_NE(st.message().find("member 'error' is string, expected a boolean"), std::string::npos) << st.message();

  s.Answer("/restpp/graph/g", 200, R"({"error":false,"results":"oops"})");
  st = c->Upsert("{}").status();
  EXPECT_EQ(st.message(), "/restpp/graph/g: upsert answer: member 'results' is string, expected an array");

  s.Answer("/restpp/builtins/g", 200, R"([1,2,3])");
  EXPECT_EQ(c->CountVertices("P").status().code(), StatusCode::kOk);  // an array has no results: zero

  s.Answer("/restpp/ddl/g", 200, R"({"error":false,"results":[{"statistics":{"vertex":[{"typeName":7}]}}]})");
  st = c->PostLoadingJob("j", "f", "1\n", ",", "\n").status();
  EXPECT_EQ(st.message(), "/restpp/ddl/g: loading job statistics: member 'typeName' is number, expected a string");

  s.Answer("/restpp/graph/g/vertices/P", 200, R"({"error":false,"results":[{"v_type":"P"}]})");
  st = ReadVertexPage(*c, "P", std::nullopt, 10).status();
  EXPECT_NE(st.message().find("an item without v_id"), std::string::npos) << st.message();

  s.Answer("/restpp/graph/g/vertices/P", 200, R"({"error":false,"results":[{"v_id":"1","attributes":{}}]})");
  s.Answer("/restpp/graph/g/edges/P/1/knows", 200, R"({"error":false,"results":[{"directed":"yes"}]})");
  st = ReadEdgePage(*c, "P", "knows", {}, 10).status();
  EXPECT_NE(st.message().find("member 'directed' is string, expected a boolean"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace icegraph::sink
