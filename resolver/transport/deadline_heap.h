// The timeouts of the exchanges in flight, earliest first. One libuv timer for the transport is
// armed for the earliest; an exchange leaves the heap in O(log n) when its answer comes, so
// finishing an exchange needs no timer handle of its own (and no uv_close round trip).
#ifndef REBOUND_RESOLVER_TRANSPORT_DEADLINE_HEAP_H_
#define REBOUND_RESOLVER_TRANSPORT_DEADLINE_HEAP_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace rebound {

class DeadlineHeap {
 public:
  // Embedded in what waits (intrusive): the heap stores pointers to entries and keeps each
  // entry's place in it, so removing one needs no search.
  class Entry {
   public:
    uint64_t deadline() const { return deadline_; }
    bool queued() const { return index_ != kNotQueued; }

   private:
    friend class DeadlineHeap;
    static constexpr size_t kNotQueued = SIZE_MAX;
    uint64_t deadline_ = 0;
    size_t index_ = kNotQueued;
  };

  // Queues `entry` with `deadline`, or moves it there if it is queued already.
  void Set(Entry* entry, uint64_t deadline);
  // Takes `entry` out; nothing happens if it is not queued.
  void Remove(Entry* entry);
  // The entry with the earliest deadline, or nullptr when empty.
  Entry* Earliest() const { return heap_.empty() ? nullptr : heap_.front(); }
  size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }

 private:
  void Place(Entry* entry, size_t index);
  // Moves heap_[index] towards the root or the leaves until the heap order holds again.
  void SiftUp(size_t index);
  void SiftDown(size_t index);

  std::vector<Entry*> heap_;  // a binary min-heap on deadline_
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_TRANSPORT_DEADLINE_HEAP_H_
