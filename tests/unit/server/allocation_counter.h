// Counts every operator new in the test binary that links allocation_counter.cc, so that a test
// can show a code path allocates nothing.
#ifndef REBOUND_TESTS_UNIT_SERVER_ALLOCATION_COUNTER_H_
#define REBOUND_TESTS_UNIT_SERVER_ALLOCATION_COUNTER_H_

#include <cstddef>

namespace rebound::testing {

// Calls of the global operator new (any thread) since the program started.
size_t AllocationCount();

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_UNIT_SERVER_ALLOCATION_COUNTER_H_
