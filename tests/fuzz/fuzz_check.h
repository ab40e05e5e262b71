// FUZZ_CHECK: an invariant a fuzz target asserts on what the code under test returned.
#ifndef REBOUND_TESTS_FUZZ_FUZZ_CHECK_H_
#define REBOUND_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

// abort() so that libFuzzer records the input as a crash.
#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)

#endif  // REBOUND_TESTS_FUZZ_FUZZ_CHECK_H_
