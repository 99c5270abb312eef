#include "iceberg/file_io.h"

#include <arrow/filesystem/localfs.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "iceberg/avro_test_writer.h"

namespace icegraph::iceberg {
namespace {

TEST(FileIOTest, ReadsLocalFilesByPathAndFileUri) {
  testing::ScratchDir dir;
  const std::string path = dir.Write("a/b.json", "{\"x\": 1}");
  auto io = FileIO::Make({});
  ASSERT_TRUE(io.ok());
  for (const std::string& uri : {path, "file://" + path, "file:" + path}) {
    auto text = (*io)->ReadAll(uri);
    ASSERT_TRUE(text.ok()) << uri << ": " << text.status().ToString();
    EXPECT_EQ(*text, "{\"x\": 1}");
  }
  auto resolved = (*io)->Resolve("file://" + path);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->first->type_name(), "local");
  EXPECT_EQ(resolved->second, path);
  auto file = (*io)->OpenInput(path);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(*(*file)->GetSize(), 8);
}

TEST(FileIOTest, RelativePathsAreTakenFromTheWorkingDirectory) {
  testing::ScratchDir dir;
  dir.Write("rel.txt", "hello");
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto io = *FileIO::Make({});
  auto text = io->ReadAll("rel.txt");
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "hello");
}

TEST(FileIOTest, MissingFilesAreNotFound) {
  testing::ScratchDir dir;
  auto io = *FileIO::Make({});
  auto text = io->ReadAll(dir.path() + "/missing.json");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kNotFound);
  EXPECT_NE(text.status().message().find("missing.json"), std::string::npos);
  EXPECT_FALSE(io->ReadAll("").ok());
  EXPECT_FALSE(io->Resolve("nosuchscheme://x/y").ok());
}

TEST(FileIOTest, RejectsHalfGivenS3Credentials) {
  auto io = *FileIO::Make({{"s3.access-key-id", "AKID"}, {"s3.region", "us-east-1"}});
  auto text = io->ReadAll("s3://bucket/key");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("s3.secret-access-key"), std::string::npos);
}

// A minimal S3 endpoint: GET/HEAD of path-style /bucket/key (ranges are handled by cpp-httplib).
class FakeS3 {
 public:
  explicit FakeS3(std::map<std::string, std::string> objects) : objects_(std::move(objects)) {
    server_.Get(R"(/([^/]+)/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      {
        const std::lock_guard<std::mutex> lock(mu_);
        authorizations_.push_back(req.get_header_value("Authorization"));
      }
      const auto it = objects_.find(req.matches[1].str() + "/" + req.matches[2].str());
      if (it == objects_.end()) {
        res.status = 404;
        res.set_content("<Error><Code>NoSuchKey</Code><Message>missing</Message></Error>", "application/xml");
        return;
      }
      res.set_header("ETag", "\"0\"");
      res.set_header("Last-Modified", "Tue, 24 Nov 2026 08:00:00 GMT");
      res.set_content(it->second, "application/octet-stream");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeS3() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> authorizations() {
    const std::lock_guard<std::mutex> lock(mu_);
    return authorizations_;
  }

 private:
  std::map<std::string, std::string> objects_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> authorizations_;
};

TEST(FileIOTest, ReadsS3WithCatalogProperties) {
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);  // never wait for an instance metadata service
  FakeS3 s3(
      std::map<std::string, std::string>{{"warehouse/db/t/metadata/v1.metadata.json", "{\"format-version\": 2}"}});
  auto io = *FileIO::Make({{"s3.endpoint", "http://127.0.0.1:" + std::to_string(s3.port())},
                           {"s3.region", "eu-west-3"},
                           {"s3.access-key-id", "AKIDICEGRAPHTEST"},
                           {"s3.secret-access-key", "not-a-real-secret"},
                           {"s3.path-style-access", "true"}});
  for (const std::string scheme : {"s3", "s3a"}) {
    auto text = io->ReadAll(scheme + "://warehouse/db/t/metadata/v1.metadata.json");
    ASSERT_TRUE(text.ok()) << scheme << ": " << text.status().ToString();
    EXPECT_EQ(*text, "{\"format-version\": 2}");
  }
  const auto auth = s3.authorizations();
  ASSERT_FALSE(auth.empty());
  // Signed with the configured key id and region; the secret never travels.
  EXPECT_NE(auth[0].find("Credential=AKIDICEGRAPHTEST/"), std::string::npos) << auth[0];
  EXPECT_NE(auth[0].find("/eu-west-3/s3/"), std::string::npos) << auth[0];
  auto missing = io->ReadAll("s3://warehouse/db/t/metadata/v9.metadata.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
  EXPECT_EQ(missing.status().message().find("not-a-real-secret"), std::string::npos);
  auto resolved = io->Resolve("s3://warehouse/db/t");
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->first->type_name(), "s3");
  EXPECT_EQ(resolved->second, "warehouse/db/t");
}

}  // namespace
}  // namespace icegraph::iceberg
