#include "resolver/core/callback_guard.h"

#include <atomic>

#include "resolver/core/log.h"

namespace rebound {
namespace {

std::atomic<uint64_t> escaped{0};

}  // namespace

void NoteEscapedException(const char* where, const char* what) noexcept {
  escaped.fetch_add(1, std::memory_order_relaxed);
  static RateLimiter limiter;
  if (!limiter.Allow()) return;
  // Logging may allocate, and so throw itself: that one is dropped, the count stands.
  try {
    Log(LogLevel::kError,
        "error: exception caught in %s (a bug; the work it was doing is lost): %s", where, what);
  } catch (...) {
  }
}

uint64_t EscapedExceptions() noexcept { return escaped.load(std::memory_order_relaxed); }

}  // namespace rebound
