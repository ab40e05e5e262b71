// One-shot timers for a stage, on its worker's loop: the only way a stage waits for time rather
// than for a reply (serve-expired-client-timeout). The daemon's run on libuv (UvTimers), the
// replay tests' on the fake clock.
#ifndef REBOUND_RESOLVER_CORE_TIMERS_H_
#define REBOUND_RESOLVER_CORE_TIMERS_H_

#include <cstdint>
#include <functional>

#include "absl/time/time.h"

namespace rebound {

class Timers {
 public:
  virtual ~Timers() = default;
  // Runs `fire` once, `delay` from now, on the caller's loop and never from inside Start.
  // Returns a ticket for Stop, never 0.
  virtual uint64_t Start(absl::Duration delay, std::function<void()> fire) = 0;
  // `fire` never runs; a no-op for a timer that has fired or been stopped.
  virtual void Stop(uint64_t ticket) = 0;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_TIMERS_H_
