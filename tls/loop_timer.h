// A one-shot libuv timer that its owner can destroy at any moment, even from inside the timer's
// own callback: the uv handle lives on the heap until libuv has closed it, so the owner's
// destructor need not wait for the loop.
#ifndef REBOUND_TLS_LOOP_TIMER_H_
#define REBOUND_TLS_LOOP_TIMER_H_

#include <uv.h>

#include <functional>

#include "absl/time/time.h"

namespace rebound {

class LoopTimer {
 public:
  LoopTimer(uv_loop_t* loop, std::function<void()> on_fire);
  LoopTimer(const LoopTimer&) = delete;
  LoopTimer& operator=(const LoopTimer&) = delete;
  ~LoopTimer();  // the callback never runs after this

  // Fires once after `delay` (negative counts as zero), replacing any earlier Start.
  void Start(absl::Duration delay);
  void Stop();

 private:
  struct Handle {
    uv_timer_t timer;
    std::function<void()> on_fire;  // kept here so it survives its owner's destruction mid-call
  };
  Handle* handle_;
};

}  // namespace rebound

#endif  // REBOUND_TLS_LOOP_TIMER_H_
