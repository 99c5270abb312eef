// The validator's key sets (engine/validate.cc): every distinct vertex or edge key the mapping produces from the
// tables, a million of them or more, held as views into one arena in flat open-addressing tables.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace icegraph::engine {

// Owns the bytes of every key the validator holds, in large blocks: a million keys cost a few allocations instead of
// one each, and freeing them at the end is a few frees, not a walk of a million nodes.
class KeyArena {
 public:
  std::string_view Store(std::string_view key) {
    if (key.size() > kBlock / 4) {  // a rare long key gets its own block
      big_.push_back(std::make_unique<char[]>(key.size()));
      std::copy(key.begin(), key.end(), big_.back().get());
      return {big_.back().get(), key.size()};
    }
    if (blocks_.empty() || used_ + key.size() > kBlock) {
      blocks_.push_back(std::make_unique<char[]>(kBlock));
      used_ = 0;
    }
    char* at = blocks_.back().get() + used_;
    std::copy(key.begin(), key.end(), at);
    used_ += key.size();
    return {at, key.size()};
  }

 private:
  static constexpr size_t kBlock = size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> big_;
  size_t used_ = 0;
};

// A set of keys (views into a KeyArena) in one flat open-addressing table: a lookup touches one or two adjacent
// slots instead of walking a bucket's list of nodes, which is what a million-key std::unordered_set spends its time
// on. Erased keys leave a tombstone (erasing is rare: refused rows only).
class KeySet {
 public:
  bool contains(std::string_view key) const { return slots_.empty() ? false : slots_[Find(key, Hash(key))].live; }
  size_t count(std::string_view key) const { return contains(key) ? 1 : 0; }
  size_t size() const { return size_; }

  /// Inserts `key` unless present; `store` gives the view to keep (called only for a new key).
  template <typename Store>
  void insert(std::string_view key, Store&& store) {
    if ((used_ + 1) * 2 > slots_.size()) Grow();
    const uint64_t h = Hash(key);
    Slot& s = slots_[Find(key, h)];
    if (s.live) return;
    if (!s.dead) ++used_;
    s = Slot{h, store(key), true, false};
    ++size_;
  }
  void erase(std::string_view key) {
    if (slots_.empty()) return;
    Slot& s = slots_[Find(key, Hash(key))];
    if (!s.live) return;
    s.live = false;
    s.dead = true;
    --size_;
  }
  template <typename F>
  void ForEach(F&& f) const {
    for (const Slot& s : slots_) {
      if (s.live) f(s.key);
    }
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string_view key;
    bool live = false;
    bool dead = false;  // a tombstone: probing goes on past it
  };
  static uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  // The slot holding `key`, else the first free (never used, or tombstone) slot of its probe sequence.
  size_t Find(std::string_view key, uint64_t h) const {
    const size_t mask = slots_.size() - 1;
    size_t free = slots_.size();
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.live) {
        if (s.hash == h && s.key == key) return i;
      } else if (s.dead) {
        if (free == slots_.size()) free = i;
      } else {
        return free != slots_.size() ? free : i;
      }
    }
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(64, old.size() * 2), Slot{});
    used_ = size_ = 0;
    for (const Slot& s : old) {
      if (!s.live) continue;
      size_t i = s.hash & (slots_.size() - 1);
      while (slots_[i].live) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = s;
      ++used_;
      ++size_;
    }
  }

  std::vector<Slot> slots_;  // size a power of two, at most half used (tombstones count as used)
  size_t used_ = 0;
  size_t size_ = 0;
};

}  // namespace icegraph::engine
