// The replacement global operator new and delete behind AllocationCount(). In a file of their
// own: where GCC can see a new-expression paired with this delete it warns that free() gets a
// pointer from new, which is true and, here, intended.
#include "tests/unit/server/allocation_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<size_t> g_allocations{0};
}  // namespace

namespace rebound::testing {
size_t AllocationCount() { return g_allocations.load(std::memory_order_relaxed); }
}  // namespace rebound::testing

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
