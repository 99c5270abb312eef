#include "sink/graph_reader.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>

namespace icegraph::sink {

Status ForEachConcurrently(size_t n, int workers, const std::function<Status(size_t)>& fn) {
  std::vector<Status> results(n);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  const auto work = [&] {
    for (size_t i = next++; i < n && !failed; i = next++) {
      try {
        results[i] = fn(i);
      } catch (const std::exception& e) {
        results[i] = Status::Internal(std::string("reading the graph: ") + e.what());
      }
      if (!results[i].ok()) failed = true;  // stop handing out work; what is in flight finishes
    }
  };
  const size_t threads = std::min(n, static_cast<size_t>(std::max(1, workers)));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (Status& st : results) {
    if (!st.ok()) return st;
  }
  return Status::OK();
}

Result<std::map<std::string, nlohmann::json>> GraphReader::Vertices(const std::string& type,
                                                                    const std::vector<std::string>& ids) {
  std::vector<std::optional<nlohmann::json>> held(ids.size());
  ICEGRAPH_RETURN_NOT_OK(ForEachConcurrently(ids.size(), client_.options().concurrency, [&](size_t i) -> Status {
    auto v = client_.GetVertex(type, ids[i]);
    if (!v.ok()) return v.status().WithContext("reading vertex " + type + " " + ids[i]);
    held[i] = std::move(*v);
    return Status::OK();
  }));
  std::map<std::string, nlohmann::json> out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!held[i] || !held[i]->is_object()) continue;
    const auto attrs = held[i]->find("attributes");
    out[ids[i]] = attrs != held[i]->end() && attrs->is_object() ? std::move(*attrs) : nlohmann::json::object();
  }
  return out;
}

Result<std::vector<nlohmann::json>> GraphReader::EdgesBetween(const std::string& from_type,
                                                              const std::string& edge_type, const std::string& to_type,
                                                              const std::vector<EdgePair>& pairs) {
  std::vector<nlohmann::json> out(pairs.size());
  ICEGRAPH_RETURN_NOT_OK(ForEachConcurrently(pairs.size(), client_.options().concurrency, [&](size_t i) -> Status {
    const EdgePair& p = pairs[i];
    auto edges = client_.GetEdgesBetween(from_type, p.from_id, edge_type, to_type, p.to_id);
    if (!edges.ok()) {
      return edges.status().WithContext("reading " + edge_type + " edges " + p.from_id + " -> " + p.to_id);
    }
    out[i] = std::move(*edges);
    return Status::OK();
  }));
  return out;
}

Result<nlohmann::json> GraphReader::EdgesFrom(const std::string& from_type, const std::string& from_id,
                                              const std::string& edge_type) {
  auto edges = client_.GetEdges(from_type, from_id, edge_type);
  // REST++ refuses a source vertex it does not hold ("... is not a valid vertex id ..."): it has no edges.
  if (!edges.ok() && edges.status().cause() == ErrorDetail::Cause::kNoSuchVertex) {
    return nlohmann::json::array();
  }
  if (!edges.ok()) return edges.status().WithContext("reading " + edge_type + " edges of " + from_type + " " + from_id);
  return std::move(*edges);
}

}  // namespace icegraph::sink
