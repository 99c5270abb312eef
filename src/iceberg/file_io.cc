#include "iceberg/file_io.h"

#include <arrow/buffer.h>
#include <arrow/filesystem/api.h>
#include <arrow/filesystem/s3fs.h>
#include <arrow/io/interfaces.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "common/arrow_status.h"

namespace icegraph::iceberg {
namespace {

using Properties = std::map<std::string, std::string>;

std::string Get(const Properties& p, const std::string& key) {
  const auto it = p.find(key);
  return it == p.end() ? "" : it->second;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// The filesystem's answer, with what we tried in front; a missing file is NotFound so callers can tell.
Status FromArrow(const arrow::Status& st, const std::string& what, bool missing = false) {
  const Status out = FromArrowStatus(st, what);
  return missing && !out.ok() ? Status(StatusCode::kNotFound, out.message()) : out;
}

// Hadoop writes s3a:// and s3n:// for the same objects, and file:/path for local ones.
std::string Normalize(const std::string& uri) {
  for (const std::string_view alias : {"s3a://", "s3n://"}) {
    if (StartsWith(uri, alias)) return "s3://" + uri.substr(alias.size());
  }
  if (StartsWith(uri, "file:///")) return uri.substr(7);
  if (StartsWith(uri, "file:/") && !StartsWith(uri, "file://")) return uri.substr(5);
  return uri;
}

// S3 is initialised on first use only: the AWS SDK start-up costs time and threads that local tables never need.
// Arrow requires finalising S3 before exit, or the SDK crashes in static destructors. Exit handlers run in reverse
// order of registration, so a throwaway filesystem first makes the statics Arrow keeps for S3 clients: the
// finaliser registered after them runs before they are destroyed.
Status EnsureS3() {
  static std::once_flag once;
  static arrow::Status init_status;
  std::call_once(once, [] {
    init_status = arrow::fs::EnsureS3Initialized();
    if (!init_status.ok()) return;
    arrow::fs::S3Options offline = arrow::fs::S3Options::Anonymous();
    offline.region = "us-east-1";  // no region lookup, no request: Make only builds a client
    offline.scheme = "http";
    offline.endpoint_override = "127.0.0.1:9";
    (void)arrow::fs::S3FileSystem::Make(offline);
    std::atexit([] { (void)arrow::fs::EnsureS3Finalized(); });
  });
  return FromArrow(init_status, "cannot initialise Arrow's S3 support");
}

Result<arrow::fs::S3Options> S3OptionsFrom(const Properties& p) {
  arrow::fs::S3Options options = arrow::fs::S3Options::Defaults();
  const std::string key_id = Get(p, "s3.access-key-id");
  const std::string secret = Get(p, "s3.secret-access-key");
  if (!key_id.empty() || !secret.empty()) {
    if (key_id.empty() || secret.empty()) {
      return Status::Invalid("s3.access-key-id and s3.secret-access-key must be given together");
    }
    options.ConfigureAccessKey(key_id, secret, Get(p, "s3.session-token"));
  } else if (Get(p, "s3.anonymous") == "true") {
    options.ConfigureAnonymousCredentials();
  } else if (!Get(p, "s3.role-arn").empty()) {
    options.ConfigureAssumeRoleCredentials(Get(p, "s3.role-arn"), Get(p, "s3.role-session-name"));
  }  // else the AWS default chain: AWS_ACCESS_KEY_ID/..., profiles, web identity, instance metadata
  options.region = Get(p, "s3.region");
  if (options.region.empty()) options.region = Env("AWS_REGION");
  if (options.region.empty()) options.region = Env("AWS_DEFAULT_REGION");
  std::string endpoint = Get(p, "s3.endpoint");
  if (endpoint.empty()) endpoint = Env("AWS_ENDPOINT_URL_S3");
  if (endpoint.empty()) endpoint = Env("AWS_ENDPOINT_URL");
  if (!endpoint.empty()) {
    // Arrow wants the scheme apart from host:port ("http://minio:9000" -> "http", "minio:9000").
    const size_t sep = endpoint.find("://");
    if (sep != std::string::npos) {
      options.scheme = endpoint.substr(0, sep);
      endpoint = endpoint.substr(sep + 3);
    }
    while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
    options.endpoint_override = endpoint;
  }
  // Arrow addresses buckets by path when an endpoint is set, by virtual host otherwise; these force one.
  if (Get(p, "s3.path-style-access") == "false" || Get(p, "s3.force-virtual-addressing") == "true") {
    options.force_virtual_addressing = true;
  }
  if (Get(p, "s3.path-style-access") == "true" && endpoint.empty()) {
    return Status::Invalid("s3.path-style-access=true needs s3.endpoint (Arrow addresses AWS buckets by host)");
  }
  for (const auto& [key, field] : {std::pair<const char*, double*>{"s3.connect-timeout", &options.connect_timeout},
                                   {"s3.request-timeout", &options.request_timeout}}) {
    const std::string v = Get(p, key);
    if (v.empty()) continue;
    char* end = nullptr;
    *field = std::strtod(v.c_str(), &end);
    if (*end != '\0') return Status::Invalid(std::string(key) + " '" + v + "' is not a number of seconds");
  }
  return options;
}

// Opens any URI Arrow knows (local paths, file:, s3:// with the catalog's S3 settings, gs://, abfs://, ...).
class ArrowFileIO final : public FileIO {
 public:
  explicit ArrowFileIO(Properties properties)
      : properties_(std::move(properties)), local_(std::make_shared<arrow::fs::LocalFileSystem>()) {}

  Result<std::pair<std::shared_ptr<arrow::fs::FileSystem>, std::string>> Resolve(const std::string& uri) override {
    const std::string normalized = Normalize(uri);
    if (StartsWith(normalized, "s3://")) {
      ICEGRAPH_ASSIGN_OR_RAISE(auto s3, S3());
      return std::make_pair(std::move(s3), normalized.substr(5));  // bucket/key
    }
    if (normalized.find("://") == std::string::npos) {
      if (normalized.empty()) return Status::Invalid("empty file location");
      // Relative paths (a --warehouse typed on the command line) are taken from the working directory.
      std::error_code ec;
      const std::string path = std::filesystem::absolute(normalized, ec).lexically_normal().string();
      if (ec) return Status::Invalid("'" + uri + "': " + ec.message());
      return std::make_pair(std::shared_ptr<arrow::fs::FileSystem>(local_), path);
    }
    std::string path;
    auto fs = arrow::fs::FileSystemFromUriOrPath(normalized, &path);
    if (!fs.ok()) return FromArrow(fs.status(), "no filesystem for '" + uri + "'");
    return std::make_pair(*fs, path);
  }

  Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(const std::string& uri) override {
    ICEGRAPH_ASSIGN_OR_RAISE(auto resolved, Resolve(uri));
    auto file = resolved.first->OpenInputFile(resolved.second);
    if (!file.ok()) {
      // Only on failure: ask whether the file is there at all, to tell "missing" from "unreadable".
      const auto info = resolved.first->GetFileInfo(resolved.second);
      const bool missing = info.ok() && info->type() == arrow::fs::FileType::NotFound;
      return FromArrow(file.status(), "cannot open '" + uri + "'", missing);
    }
    return *file;
  }

  Result<std::string> ReadAll(const std::string& uri) override {
    ICEGRAPH_ASSIGN_OR_RAISE(auto file, OpenInput(uri));
    auto size = file->GetSize();
    if (!size.ok()) return FromArrow(size.status(), "cannot get the size of '" + uri + "'");
    auto buffer = file->ReadAt(0, *size);
    if (!buffer.ok()) return FromArrow(buffer.status(), "cannot read '" + uri + "'");
    if ((*buffer)->size() != *size) return Status::IOError("short read of '" + uri + "'");
    return (*buffer)->ToString();
  }

 private:
  // One S3 filesystem (and connection pool) per IO, made on first use.
  Result<std::shared_ptr<arrow::fs::FileSystem>> S3() {
    const std::lock_guard<std::mutex> lock(mu_);
    if (s3_ != nullptr) return s3_;
    ICEGRAPH_RETURN_NOT_OK(EnsureS3());
    ICEGRAPH_ASSIGN_OR_RAISE(const arrow::fs::S3Options options, S3OptionsFrom(properties_));
    auto fs = arrow::fs::S3FileSystem::Make(options);
    if (!fs.ok()) return FromArrow(fs.status(), "cannot create the S3 filesystem");
    s3_ = *fs;
    return s3_;
  }

  const Properties properties_;
  const std::shared_ptr<arrow::fs::LocalFileSystem> local_;
  std::mutex mu_;
  std::shared_ptr<arrow::fs::FileSystem> s3_;
};

}  // namespace

Result<std::shared_ptr<FileIO>> FileIO::Make(const std::map<std::string, std::string>& properties) {
  return std::shared_ptr<FileIO>(std::make_shared<ArrowFileIO>(properties));
}

}  // namespace icegraph::iceberg
