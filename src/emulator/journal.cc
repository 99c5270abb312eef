#include "emulator/journal.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace icegraph::emulator {
namespace {

constexpr uint32_t kMagic = 0x4a474349;  // "ICGJ": marks the start of every record

uint32_t Fnv1a(std::string_view data) {
  uint32_t h = 2166136261u;
  for (const char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

void PutField(std::string* out, std::string_view field) {
  const uint32_t n = static_cast<uint32_t>(field.size());
  out->append(reinterpret_cast<const char*>(&n), sizeof(n));
  out->append(field);
}

bool GetField(std::string_view* in, std::string* field) {
  uint32_t n = 0;
  if (in->size() < sizeof(n)) return false;
  std::memcpy(&n, in->data(), sizeof(n));
  in->remove_prefix(sizeof(n));
  if (in->size() < n) return false;
  field->assign(in->substr(0, n));
  in->remove_prefix(n);
  return true;
}

std::string Encode(const JournalRecord& r) {
  std::string payload;
  for (const std::string* f : {&r.kind, &r.graph, &r.method, &r.path, &r.query, &r.body}) PutField(&payload, *f);
  std::string framed;
  const uint32_t header[3] = {kMagic, static_cast<uint32_t>(payload.size()), Fnv1a(payload)};
  framed.append(reinterpret_cast<const char*>(header), sizeof(header));
  framed.append(payload);
  return framed;
}

}  // namespace

Result<std::unique_ptr<Journal>> Journal::Open(const std::string& dir,
                                               const std::function<Status(const JournalRecord&)>& replay) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create data dir '" + dir + "': " + ec.message());
  const std::string path = dir + "/journal.log";
  int64_t count = 0;
  int64_t good_bytes = 0;
  if (std::FILE* in = std::fopen(path.c_str(), "rb")) {
    std::string content;
    char buf[1 << 16];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof(buf), in)) > 0) content.append(buf, n);
    std::fclose(in);
    std::string_view rest(content);
    while (rest.size() >= 12) {
      uint32_t header[3];
      std::memcpy(header, rest.data(), sizeof(header));
      if (header[0] != kMagic || rest.size() - 12 < header[1]) break;
      std::string_view payload = rest.substr(12, header[1]);
      if (Fnv1a(payload) != header[2]) break;
      JournalRecord r;
      for (std::string* f : {&r.kind, &r.graph, &r.method, &r.path, &r.query, &r.body}) {
        if (!GetField(&payload, f)) return Status::IOError(path + ": corrupt record " + std::to_string(count + 1));
      }
      ICEGRAPH_RETURN_NOT_OK(replay(r).WithContext(path + ": replaying record " + std::to_string(count + 1)));
      ++count;
      rest.remove_prefix(12 + header[1]);
      good_bytes += 12 + header[1];
    }
    // A torn tail was never acknowledged: cut it so new records follow the last complete one.
    if (!rest.empty()) std::filesystem::resize_file(path, static_cast<uintmax_t>(good_bytes), ec);
  }
  std::FILE* out = std::fopen(path.c_str(), "ab");
  if (out == nullptr) return Status::IOError("cannot open '" + path + "': " + std::strerror(errno));
  return std::unique_ptr<Journal>(new Journal(path, out, count));
}

Journal::~Journal() { std::fclose(file_); }

Status Journal::Append(const JournalRecord& record) {
  const std::string framed = Encode(record);
  const std::lock_guard<std::mutex> lock(mu_);
  if (std::fwrite(framed.data(), 1, framed.size(), file_) != framed.size() || std::fflush(file_) != 0) {
    return Status::IOError("cannot append to journal '" + path_ + "': " + std::strerror(errno));
  }
  ++records_;
  return Status::OK();
}

}  // namespace icegraph::emulator
