// An allocator for the emulator's few large tables: blocks of 2 MiB and more are mapped on their own and marked for
// transparent huge pages, so a random probe among millions of entries does not also miss the TLB.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <memory>
#include <new>

namespace icegraph::emulator {

/// std::allocator for small blocks; large ones are anonymous mappings with MADV_HUGEPAGE (best effort: where the
/// kernel has huge pages off, they are ordinary pages). Stateless, so containers compare and move freely.
template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>& /*other*/) noexcept {}  // NOLINT(google-explicit-constructor)

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHuge) return std::allocator<T>().allocate(n);
    void* p = mmap(nullptr, Rounded(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, Rounded(bytes), MADV_HUGEPAGE);  // refused only where THP is compiled out: plain pages then
    return static_cast<T*>(p);
  }

  void deallocate(T* p, size_t n) noexcept {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHuge) {
      std::allocator<T>().deallocate(p, n);
    } else {
      munmap(p, Rounded(bytes));
    }
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>& /*other*/) const noexcept {
    return true;
  }

 private:
  static constexpr size_t kHuge = size_t{2} << 20;
  static size_t Rounded(size_t bytes) { return (bytes + kHuge - 1) / kHuge * kHuge; }
};

}  // namespace icegraph::emulator
