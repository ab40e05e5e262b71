#include "tls/loop_timer.h"

#include <utility>

#include "resolver/core/callback_guard.h"

namespace rebound {

LoopTimer::LoopTimer(uv_loop_t* loop, std::function<void()> on_fire)
    : handle_(new Handle{{}, std::move(on_fire)}) {
  uv_timer_init(loop, &handle_->timer);
  handle_->timer.data = handle_;
}

LoopTimer::~LoopTimer() {
  // Closing stops the timer; the Handle is freed once libuv is done with it.
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_->timer),
           [](uv_handle_t* h) { delete static_cast<Handle*>(h->data); });
}

void LoopTimer::Start(absl::Duration delay) {
  // Round up: a timer that fires a little early would find nothing due yet.
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(delay, absl::Milliseconds(1)));
  // libuv counts from the time cached at the start of the loop iteration; refresh it so that a
  // timer started late in a long iteration does not fire early.
  uv_update_time(handle_->timer.loop);
  uv_timer_start(
      &handle_->timer,
      [](uv_timer_t* t) {
        GuardCallback("timer", [t] { static_cast<Handle*>(t->data)->on_fire(); });
      },
      ms > 0 ? static_cast<uint64_t>(ms) : 0, 0);
}

void LoopTimer::Stop() { uv_timer_stop(&handle_->timer); }

}  // namespace rebound
