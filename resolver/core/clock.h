// Time source for TTL countdown and deadlines; tests substitute FakeClock.
#ifndef REBOUND_RESOLVER_CORE_CLOCK_H_
#define REBOUND_RESOLVER_CORE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace rebound {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  static const SystemClock* Get() {
    static const SystemClock clock;
    return &clock;
  }
};

// A clock that moves only when told to; safe to read from several threads.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'700'000'000)) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_CLOCK_H_
