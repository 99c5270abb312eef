// A TigerGraph 4.x REST client over the shared HTTP client (common/http_client.h): GSQL statements and schema,
// loading-job posts, REST++ upserts, counts and reads. Thread-safe; at most `concurrency` requests are in flight.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http_client.h"
#include "common/status.h"
#include "sink/retry.h"

namespace icegraph::sink {

struct TigerGraphOptions {
  std::vector<std::string> urls;  // e.g. "http://host:14240"; requests go round-robin
  std::string graph;
  std::string username, password, secret, token;  // token > secret > username/password
  bool verify_tls = true;
  std::string ca_bundle;  // PEM file; empty: the system's
  int64_t connect_timeout_ms = 10000;
  int64_t request_timeout_ms = 600000;
  int concurrency = 4;  // most requests in flight (the adaptive limit moves below it under overload)
  RetryOptions retry;
};

/// Statistics of one loading-job post (REST++ /ddl), per TigerGraph's response.
struct LoadingStats {
  struct TypeCounts {
    std::string type;
    bool is_edge = false;
    int64_t valid_object = 0;
    int64_t no_id_found = 0;
    int64_t invalid_attribute = 0;
    int64_t invalid_primary_id = 0;
    int64_t invalid_secondary_id = 0;
    int64_t incorrect_fixed_binary_length = 0;
    int64_t failed_condition = 0;
    int64_t rejected() const {
      return no_id_found + invalid_attribute + invalid_primary_id + invalid_secondary_id +
             incorrect_fixed_binary_length;
    }
  };
  int64_t valid_line = 0;
  int64_t reject_line = 0;
  int64_t failed_condition_line = 0;
  int64_t not_enough_token = 0;
  int64_t invalid_json = 0;
  int64_t oversize_token = 0;
  std::vector<TypeCounts> types;
  /// Lines or objects TigerGraph refused.
  int64_t rejected() const;
  /// "invalidAttribute=1, notEnoughToken=2": the non-zero rejection counters, TigerGraph's names.
  std::string RejectReasons() const;
};

struct UpsertOptions {
  bool vertex_must_exist = false;
  bool new_vertex_only = false;
  bool update_vertex_only = false;
};

struct UpsertResult {
  int64_t accepted_vertices = 0;
  int64_t accepted_edges = 0;
  int64_t skipped_vertices = 0;
  int64_t skipped_edges = 0;
  nlohmann::json miss_vertices = nlohmann::json::array();  // [{"v_type": .., "v_id": ..}] with vertex_must_exist
};

class TigerGraphClient {
 public:
  /// Checks the options; no request is made until the first call.
  static Result<std::unique_ptr<TigerGraphClient>> Make(TigerGraphOptions options);
  ~TigerGraphClient();
  TigerGraphClient(const TigerGraphClient&) = delete;
  TigerGraphClient& operator=(const TigerGraphClient&) = delete;

  const TigerGraphOptions& options() const { return options_; }

  /// Gets a token now (by secret or username/password) unless one was given; later calls reuse it.
  Status Authenticate();
  /// POST /gsql/v1/statements; the output text, or an error when GSQL reports one in it.
  Result<std::string> RunGsql(const std::string& statement);
  /// GET /gsql/v1/schema/graphs/{graph}: the "results" object (GraphName, VertexTypes, EdgeTypes).
  Result<nlohmann::json> GetSchema();
  /// POST /restpp/ddl/{graph}?tag=job&filename=var&sep=..&eol=..; the statistics of the (single) file.
  Result<LoadingStats> PostLoadingJob(const std::string& job, const std::string& filename_var, std::string_view body,
                                      std::string_view sep, std::string_view eol);
  /// POST /restpp/graph/{graph} with a JSON body.
  Result<UpsertResult> Upsert(std::string_view json_body, const UpsertOptions& options = {});
  /// stat_vertex_number / stat_edge_number of /restpp/builtins/{graph}.
  Result<int64_t> CountVertices(const std::string& type);
  Result<int64_t> CountEdges(const std::string& type);
  /// GET /restpp/graph/{graph}/vertices/{type}: the "results" array ({v_id, v_type, attributes}).
  Result<nlohmann::json> GetVertices(const std::string& type);
  /// The same with REST++'s documented parameters (each sent only when set): `filter` (AND-ed `attr<op>value` terms),
  /// `sort` (comma list, `-attr` descending), `limit`, `select` (comma list of attributes).
  struct VertexQuery {
    std::string filter;
    std::string sort;
    int64_t limit = -1;
    std::string select;
  };
  Result<nlohmann::json> GetVertices(const std::string& type, const VertexQuery& query);
  /// GET /restpp/graph/{graph}/vertices/{type}/{id}: the vertex ({v_id, v_type, attributes}), or nullopt when
  /// TigerGraph holds no such vertex.
  Result<std::optional<nlohmann::json>> GetVertex(const std::string& type, const std::string& id);
  /// GET /restpp/graph/{graph}/edges/{from_type}/{from_id}/{edge_type}: the "results" array.
  Result<nlohmann::json> GetEdges(const std::string& from_type, const std::string& from_id,
                                  const std::string& edge_type);
  /// GET /restpp/graph/{graph}/edges/{from_type}/{from_id}/{edge_type}/{to_type}/{to_id}: the edges of the type
  /// between the two vertices (several with a discriminator); empty when either vertex is absent.
  Result<nlohmann::json> GetEdgesBetween(const std::string& from_type, const std::string& from_id,
                                         const std::string& edge_type, const std::string& to_type,
                                         const std::string& to_id);

  /// DELETE /restpp/graph/{graph}/vertices/{type}/{id} (for types no loading job maps: edge endpoints only).
  Status DeleteVertex(const std::string& type, const std::string& id);

  /// Requests sent so far (each HTTP attempt counts once).
  int64_t requests_sent() const;
  /// What the retry policy did so far: attempts, retries per reason, concurrency cuts, breaker.
  RetryStats retry_stats() const;

 private:
  using Response = http::Response;
  class TokenAuth;
  enum class AuthMode { kBearer, kNone };

  explicit TigerGraphClient(TigerGraphOptions options, std::unique_ptr<http::HttpClient> http);
  /// GET `path` and its `results` array; nullopt when REST++ answers that a vertex in the path does not exist.
  Result<std::optional<nlohmann::json>> GetResults(const std::string& path);
  /// Sends one request to the next URL (round-robin) under the HTTP client's retry policy (common/retry.h), with
  /// the token as Authorization (renewed when refused) or, with AuthMode::kNone, `fixed_authorization`.
  /// `idempotent`: the request may be repeated even when it may have been applied.
  Result<Response> Send(const char* method, const std::string& path, std::string_view body, const char* content_type,
                        AuthMode auth, bool idempotent = true, const std::string& fixed_authorization = {});
  /// Parses a REST++/GSQL JSON answer; errors carry the path, HTTP status and TigerGraph's code and message, and an
  /// ErrorDetail with the status, the code and the cause (ClassifyTigerGraphError).
  Result<nlohmann::json> JsonReply(const std::string& path, const Response& r);
  /// "Bearer <token>", getting one first when needed; `refresh` renews it unless another thread already replaced
  /// `failed`, the authorization that was refused.
  Result<std::string> CurrentAuthorization(bool refresh, const std::string& failed = {});
  Result<int64_t> Count(const char* function, const std::string& type);

  const TigerGraphOptions options_;
  std::unique_ptr<http::HttpClient> http_;
  std::unique_ptr<TokenAuth> token_auth_;
  std::mutex token_mu_;
  std::string token_;  // guarded by token_mu_
  std::atomic<bool> token_from_credentials_{false};
};

/// What a refused TigerGraph request was refused for, from its HTTP status, TigerGraph's code and message. The one
/// place that reads TigerGraph's error text (its general code REST-30000 names both whole-request and row errors);
/// everything else decides on the resulting ErrorDetail.
ErrorDetail::Cause ClassifyTigerGraphError(int http_status, std::string_view code, std::string_view message);

using http::UrlEncode;

}  // namespace icegraph::sink
