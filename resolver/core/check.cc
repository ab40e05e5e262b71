#include "resolver/core/check.h"

#include <cstdio>
#include <cstdlib>

namespace rebound {

void CheckFailed(const char* file, int line, const char* condition) noexcept {
  // Straight to stderr: the log may be what is broken, and nothing else may run first.
  std::fprintf(stderr, "rebound: %s:%d: check failed: %s\n", file, line, condition);
  std::fflush(stderr);
  std::abort();
}

}  // namespace rebound
