#include "iceberg/file_io.h"

#include <arrow/buffer.h>
#include <arrow/filesystem/api.h>
#include <arrow/io/interfaces.h>

namespace icegraph::iceberg {
namespace {

Status FromArrow(const arrow::Status& st, const std::string& context) {
  if (st.ok()) return Status::OK();
  const StatusCode code = st.IsIOError()    ? StatusCode::kIOError
                          : st.IsKeyError() ? StatusCode::kNotFound
                                            : StatusCode::kInvalid;
  return {code, context + ": " + st.ToString()};
}

// Opens any URI Arrow knows (local paths, file://, s3:// when the Arrow build has S3) through its filesystems.
class ArrowFileIO final : public FileIO {
 public:
  explicit ArrowFileIO(std::map<std::string, std::string> properties) : properties_(std::move(properties)) {}

  Result<std::pair<std::shared_ptr<arrow::fs::FileSystem>, std::string>> Resolve(const std::string& uri) override {
    std::string path;
    auto fs = arrow::fs::FileSystemFromUriOrPath(uri, &path);
    if (!fs.ok()) return FromArrow(fs.status(), "cannot resolve '" + uri + "'");
    return std::make_pair(*fs, path);
  }

  Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenInput(const std::string& uri) override {
    ICEGRAPH_ASSIGN_OR_RAISE(auto resolved, Resolve(uri));
    auto file = resolved.first->OpenInputFile(resolved.second);
    if (!file.ok()) return FromArrow(file.status(), "cannot open '" + uri + "'");
    return *file;
  }

  Result<std::string> ReadAll(const std::string& uri) override {
    ICEGRAPH_ASSIGN_OR_RAISE(auto file, OpenInput(uri));
    auto size = file->GetSize();
    if (!size.ok()) return FromArrow(size.status(), "cannot stat '" + uri + "'");
    auto buf = file->ReadAt(0, *size);
    if (!buf.ok()) return FromArrow(buf.status(), "cannot read '" + uri + "'");
    return (*buf)->ToString();
  }

 private:
  std::map<std::string, std::string> properties_;
};

}  // namespace

Result<std::shared_ptr<FileIO>> FileIO::Make(const std::map<std::string, std::string>& properties) {
  return std::shared_ptr<FileIO>(std::make_shared<ArrowFileIO>(properties));
}

}  // namespace icegraph::iceberg
