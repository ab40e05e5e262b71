#include "resolver/transport/uv_timers.h"

#include <algorithm>
#include <utility>

#include "resolver/core/callback_guard.h"

namespace rebound {

struct UvTimers::Timer {
  uv_timer_t handle;
  UvTimers* owner = nullptr;
  uint64_t ticket = 0;
  std::function<void()> fire;
};

namespace {

void CloseTimer(uv_timer_t* handle) {
  uv_timer_stop(handle);
  uv_close(reinterpret_cast<uv_handle_t*>(handle), [](uv_handle_t* h) {
    // The handle is the Timer's first member.
    delete reinterpret_cast<UvTimers::Timer*>(h);  // NOLINT: allocated as a Timer in Start
  });
}

}  // namespace

UvTimers::~UvTimers() {
  for (auto& [ticket, timer] : timers_) CloseTimer(&timer->handle);
}

uint64_t UvTimers::Start(absl::Duration delay, std::function<void()> fire) {
  auto* timer =
      new Timer{.handle = {}, .owner = this, .ticket = next_ticket_++, .fire = std::move(fire)};
  uv_timer_init(loop_, &timer->handle);
  timer->handle.data = timer;
  const int64_t ms = std::max<int64_t>(absl::ToInt64Milliseconds(delay), 0);
  uv_timer_start(
      &timer->handle,
      [](uv_timer_t* t) {
        GuardCallback("UvTimers::Fire", [t] {
          auto* timer = static_cast<Timer*>(t->data);
          timer->owner->Fire(timer->ticket);
        });
      },
      static_cast<uint64_t>(ms), 0);
  timers_[timer->ticket] = timer;
  return timer->ticket;
}

void UvTimers::Stop(uint64_t ticket) {
  auto it = timers_.find(ticket);
  if (it == timers_.end()) return;
  CloseTimer(&it->second->handle);
  timers_.erase(it);
}

void UvTimers::Fire(uint64_t ticket) {
  auto it = timers_.find(ticket);
  if (it == timers_.end()) return;
  std::function<void()> fire = std::move(it->second->fire);
  Stop(ticket);  // before `fire`, which may start another
  fire();
}

}  // namespace rebound
