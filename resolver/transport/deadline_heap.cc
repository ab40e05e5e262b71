#include "resolver/transport/deadline_heap.h"

namespace rebound {

void DeadlineHeap::Place(Entry* entry, size_t index) {
  heap_[index] = entry;
  entry->index_ = index;
}

void DeadlineHeap::SiftUp(size_t index) {
  Entry* entry = heap_[index];
  while (index > 0) {
    const size_t parent = (index - 1) / 2;
    if (heap_[parent]->deadline_ <= entry->deadline_) break;
    Place(heap_[parent], index);
    index = parent;
  }
  Place(entry, index);
}

void DeadlineHeap::SiftDown(size_t index) {
  Entry* entry = heap_[index];
  const size_t size = heap_.size();
  for (;;) {
    size_t child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && heap_[child + 1]->deadline_ < heap_[child]->deadline_) ++child;
    if (entry->deadline_ <= heap_[child]->deadline_) break;
    Place(heap_[child], index);
    index = child;
  }
  Place(entry, index);
}

void DeadlineHeap::Set(Entry* entry, uint64_t deadline) {
  if (!entry->queued()) {
    entry->deadline_ = deadline;
    heap_.push_back(entry);
    SiftUp(heap_.size() - 1);
    return;
  }
  const bool earlier = deadline < entry->deadline_;
  entry->deadline_ = deadline;
  if (earlier) {
    SiftUp(entry->index_);
  } else {
    SiftDown(entry->index_);
  }
}

void DeadlineHeap::Remove(Entry* entry) {
  if (!entry->queued()) return;
  const size_t index = entry->index_;
  entry->index_ = Entry::kNotQueued;
  Entry* last = heap_.back();
  heap_.pop_back();
  if (last == entry) return;  // it was the last element
  Place(last, index);
  // The moved entry may belong above or below its new place.
  SiftUp(index);
  SiftDown(last->index_);
}

}  // namespace rebound
