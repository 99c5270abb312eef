// Arrow array builders and an in-process emulator for the sink tests.
#pragma once

#include <arrow/api.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "emulator/server.h"
#include "mapping/graph_batch.h"

namespace icegraph::sink::testing {

template <typename Builder, typename T>
std::shared_ptr<arrow::Array> Build(Builder&& b, const std::vector<std::optional<T>>& values) {
  for (const auto& v : values) {
    if (v) {
      EXPECT_TRUE(b.Append(*v).ok());
    } else {
      EXPECT_TRUE(b.AppendNull().ok());
    }
  }
  std::shared_ptr<arrow::Array> out;
  EXPECT_TRUE(b.Finish(&out).ok());
  return out;
}

inline std::shared_ptr<arrow::Array> Strs(const std::vector<std::optional<std::string>>& v) {
  return Build(arrow::StringBuilder(), v);
}
inline std::shared_ptr<arrow::Array> Ints(const std::vector<std::optional<int64_t>>& v) {
  return Build(arrow::Int64Builder(), v);
}
inline std::shared_ptr<arrow::Array> Uints(const std::vector<std::optional<uint64_t>>& v) {
  return Build(arrow::UInt64Builder(), v);
}
inline std::shared_ptr<arrow::Array> Doubles(const std::vector<std::optional<double>>& v) {
  return Build(arrow::DoubleBuilder(), v);
}
inline std::shared_ptr<arrow::Array> Bools(const std::vector<std::optional<bool>>& v) {
  return Build(arrow::BooleanBuilder(), v);
}
inline std::shared_ptr<arrow::Array> Times(const std::vector<std::optional<int64_t>>& v) {
  return Build(arrow::TimestampBuilder(arrow::timestamp(arrow::TimeUnit::SECOND, "UTC"), arrow::default_memory_pool()),
               v);
}
/// LIST<INT> / SET<STRING> style columns: a null outer optional is a null cell.
inline std::shared_ptr<arrow::Array> IntLists(const std::vector<std::optional<std::vector<int64_t>>>& v) {
  auto values = std::make_shared<arrow::Int64Builder>();
  arrow::ListBuilder b(arrow::default_memory_pool(), values);
  for (const auto& cell : v) {
    if (!cell) {
      EXPECT_TRUE(b.AppendNull().ok());
      continue;
    }
    EXPECT_TRUE(b.Append().ok());
    for (int64_t x : *cell) EXPECT_TRUE(values->Append(x).ok());
  }
  std::shared_ptr<arrow::Array> out;
  EXPECT_TRUE(b.Finish(&out).ok());
  return out;
}
inline std::shared_ptr<arrow::Array> StrLists(const std::vector<std::optional<std::vector<std::string>>>& v) {
  auto values = std::make_shared<arrow::StringBuilder>();
  arrow::ListBuilder b(arrow::default_memory_pool(), values);
  for (const auto& cell : v) {
    if (!cell) {
      EXPECT_TRUE(b.AppendNull().ok());
      continue;
    }
    EXPECT_TRUE(b.Append().ok());
    for (const std::string& x : *cell) EXPECT_TRUE(values->Append(x).ok());
  }
  std::shared_ptr<arrow::Array> out;
  EXPECT_TRUE(b.Finish(&out).ok());
  return out;
}
inline std::shared_ptr<arrow::Array> StrIntMaps(
    const std::vector<std::optional<std::vector<std::pair<std::string, int64_t>>>>& v) {
  auto keys = std::make_shared<arrow::StringBuilder>();
  auto items = std::make_shared<arrow::Int64Builder>();
  arrow::MapBuilder b(arrow::default_memory_pool(), keys, items);
  for (const auto& cell : v) {
    if (!cell) {
      EXPECT_TRUE(b.AppendNull().ok());
      continue;
    }
    EXPECT_TRUE(b.Append().ok());
    for (const auto& [k, x] : *cell) {
      EXPECT_TRUE(keys->Append(k).ok());
      EXPECT_TRUE(items->Append(x).ok());
    }
  }
  std::shared_ptr<arrow::Array> out;
  EXPECT_TRUE(b.Finish(&out).ok());
  return out;
}

inline mapping::AttributeColumn Col(std::string name, mapping::TgKind kind, std::shared_ptr<arrow::Array> values,
                                    mapping::TgKind elem = mapping::TgKind::kString,
                                    mapping::TgKind value = mapping::TgKind::kString) {
  mapping::TgType t;
  t.kind = kind;
  t.elem = elem;
  t.key = mapping::TgKind::kString;
  t.value = value;
  return {std::move(name), t, std::move(values)};
}

/// The emulator serving on a free loopback port for the life of the object.
class RunningEmulator {
 public:
  explicit RunningEmulator(emulator::EmulatorOptions options = {}) {
    options.port = 0;
    options.threads = 16;
    auto s = emulator::EmulatorServer::Create(options);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).ValueOrDie();
    EXPECT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Serve(); });
  }
  ~RunningEmulator() {
    server_->Stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

 private:
  std::unique_ptr<emulator::EmulatorServer> server_;
  std::thread thread_;
};

}  // namespace icegraph::sink::testing
