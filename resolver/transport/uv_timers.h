// Timers (resolver/core/timers.h) on a libuv loop: one uv_timer_t per timer started.
#ifndef REBOUND_RESOLVER_TRANSPORT_UV_TIMERS_H_
#define REBOUND_RESOLVER_TRANSPORT_UV_TIMERS_H_

#include <uv.h>

#include <cstdint>
#include <functional>

#include "absl/container/flat_hash_map.h"
#include "resolver/core/timers.h"

namespace rebound {

// Not thread-safe: used from its loop's thread only. Destroying it stops every timer; their
// handles are freed when the loop next runs its close callbacks.
class UvTimers : public Timers {
 public:
  explicit UvTimers(uv_loop_t* loop) : loop_(loop) {}
  ~UvTimers() override;
  UvTimers(const UvTimers&) = delete;
  UvTimers& operator=(const UvTimers&) = delete;

  uint64_t Start(absl::Duration delay, std::function<void()> fire) override;
  void Stop(uint64_t ticket) override;

  struct Timer;  // one started timer; freed by its handle's close callback

 private:
  void Fire(uint64_t ticket);

  uv_loop_t* const loop_;
  absl::flat_hash_map<uint64_t, Timer*> timers_;
  uint64_t next_ticket_ = 1;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_TRANSPORT_UV_TIMERS_H_
