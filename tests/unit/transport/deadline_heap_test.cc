#include "resolver/transport/deadline_heap.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace rebound {
namespace {

// Pops every entry, earliest first, and returns the deadlines in that order.
std::vector<uint64_t> Drain(DeadlineHeap& heap) {
  std::vector<uint64_t> order;
  while (DeadlineHeap::Entry* e = heap.Earliest()) {
    order.push_back(e->deadline());
    heap.Remove(e);
    EXPECT_FALSE(e->queued());
  }
  return order;
}

TEST(DeadlineHeapTest, EarliestFirst) {
  DeadlineHeap heap;
  EXPECT_EQ(heap.Earliest(), nullptr);
  std::vector<DeadlineHeap::Entry> entries(5);
  const uint64_t deadlines[] = {50, 10, 40, 10, 30};
  for (size_t i = 0; i < entries.size(); ++i) heap.Set(&entries[i], deadlines[i]);
  EXPECT_EQ(heap.size(), 5u);
  EXPECT_EQ(heap.Earliest()->deadline(), 10u);
  EXPECT_EQ(Drain(heap), (std::vector<uint64_t>{10, 10, 30, 40, 50}));
  EXPECT_TRUE(heap.empty());
}

TEST(DeadlineHeapTest, SetMovesAQueuedEntryEitherWay) {
  DeadlineHeap heap;
  std::vector<DeadlineHeap::Entry> entries(3);
  heap.Set(&entries[0], 10);
  heap.Set(&entries[1], 20);
  heap.Set(&entries[2], 30);
  heap.Set(&entries[0], 40);  // later: no longer the earliest
  EXPECT_EQ(heap.Earliest(), &entries[1]);
  heap.Set(&entries[2], 5);  // earlier: now the earliest
  EXPECT_EQ(heap.Earliest(), &entries[2]);
  EXPECT_EQ(heap.size(), 3u);
  EXPECT_EQ(Drain(heap), (std::vector<uint64_t>{5, 20, 40}));
}

TEST(DeadlineHeapTest, RemoveFromAnywhereKeepsTheOrderAndIgnoresWhatIsNotQueued) {
  std::mt19937 rng(7);
  DeadlineHeap heap;
  std::vector<DeadlineHeap::Entry> entries(200);
  for (auto& e : entries) heap.Set(&e, rng() % 1000);
  std::vector<uint64_t> kept;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i % 3 == 0) {
      heap.Remove(&entries[i]);
      heap.Remove(&entries[i]);  // twice: a no-op
    } else {
      kept.push_back(entries[i].deadline());
    }
  }
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(Drain(heap), kept);
}

}  // namespace
}  // namespace rebound
