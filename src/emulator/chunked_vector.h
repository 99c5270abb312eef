// A growable array whose elements never move: fixed-size chunks behind a small table of chunk pointers.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace icegraph::emulator {

/// Like std::deque's push-back half, with chunks of `kChunk` elements: libstdc++'s deque keeps 512 bytes per chunk
/// (five vertex records), so at millions of records its chunk table misses the cache on every random index and
/// each chunk is its own allocation. Here the table of ten million records is 80 KB.
template <typename T, size_t kChunk = 1024>
class ChunkedVector {
 public:
  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector&) = delete;
  ChunkedVector& operator=(const ChunkedVector&) = delete;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](size_t i) { return chunks_[i / kChunk][i % kChunk]; }
  const T& operator[](size_t i) const { return chunks_[i / kChunk][i % kChunk]; }

  /// Appends a value-initialised element; references to the others stay valid.
  T& emplace_back() {
    if (size_ == chunks_.size() * kChunk) chunks_.push_back(std::make_unique<T[]>(kChunk));
    return (*this)[size_++];
  }

  void clear() {
    chunks_.clear();
    size_ = 0;
  }

  /// Calls fn(element) for elements [0, size()), in order.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    for (size_t i = 0; i < size_; ++i) fn((*this)[i]);
  }
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = 0; i < size_; ++i) fn((*this)[i]);
  }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace icegraph::emulator
