#include "resolver/server/loop_tasks.h"

#include <utility>

#include "resolver/core/callback_guard.h"
#include "resolver/core/check.h"

namespace rebound {

struct LoopCall::State {
  enum class Phase { kQueued, kRunning, kDone, kWithdrawn };
  std::function<void()> task;
  absl::Mutex mu;
  Phase phase ABSL_GUARDED_BY(mu) = Phase::kQueued;
};

LoopCall::~LoopCall() {
  if (state_ != nullptr) Wait(absl::InfinitePast());
}

LoopCall& LoopCall::operator=(LoopCall&& other) noexcept {
  if (this != &other) {
    if (state_ != nullptr) Wait(absl::InfinitePast());
    state_ = std::move(other.state_);
  }
  return *this;
}

bool LoopCall::Wait(absl::Time deadline) {
  if (state_ == nullptr) return false;
  using Phase = State::Phase;
  State& s = *state_;
  absl::MutexLock lock(&s.mu);
  auto settled = [&s]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) {
    return s.phase == Phase::kDone || s.phase == Phase::kWithdrawn;
  };
  s.mu.AwaitWithDeadline(absl::Condition(&settled), deadline);
  if (s.phase == Phase::kQueued) s.phase = Phase::kWithdrawn;  // too late: it must never run
  // Started before the deadline: it may be using what the caller holds, so it is waited for.
  auto finished = [&s]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(s.mu) { return s.phase != Phase::kRunning; };
  s.mu.Await(absl::Condition(&finished));
  return s.phase == Phase::kDone;
}

LoopTasks::LoopTasks(uv_loop_t* loop) {
  uv_async_init(loop, &wake_, [](uv_async_t* handle) {
    GuardCallback("loop task", [handle] { static_cast<LoopTasks*>(handle->data)->RunQueued(); });
  });
  wake_.data = this;
}

LoopCall LoopTasks::Post(std::function<void()> task) {
  auto state = std::make_shared<LoopCall::State>();
  state->task = std::move(task);
  absl::MutexLock lock(&mu_);
  if (closed_) {
    absl::MutexLock state_lock(&state->mu);
    state->phase = LoopCall::State::Phase::kWithdrawn;
    return LoopCall(std::move(state));
  }
  queue_.push_back(state);
  // Under mu_: Close cannot close the handle between the check above and this send.
  uv_async_send(&wake_);
  return LoopCall(std::move(state));
}

void LoopTasks::RunQueued() {
  using Phase = LoopCall::State::Phase;
  std::deque<std::shared_ptr<LoopCall::State>> queued;
  {
    absl::MutexLock lock(&mu_);
    queued.swap(queue_);
  }
  for (const std::shared_ptr<LoopCall::State>& state : queued) {
    {
      absl::MutexLock lock(&state->mu);
      if (state->phase != Phase::kQueued) continue;  // its poster stopped waiting
      state->phase = Phase::kRunning;
    }
    // An exception ends this task, not the loop, and its poster still hears it is over.
    GuardCallback("loop task", [&state] { state->task(); });
    state->task = nullptr;  // what it captured goes now, on the loop's thread
    absl::MutexLock lock(&state->mu);
    state->phase = Phase::kDone;
  }
}

void LoopTasks::Close() {
  std::deque<std::shared_ptr<LoopCall::State>> queued;
  {
    absl::MutexLock lock(&mu_);
    DCHECK(!closed_);
    closed_ = true;
    queued.swap(queue_);
  }
  for (const std::shared_ptr<LoopCall::State>& state : queued) {
    absl::MutexLock lock(&state->mu);
    if (state->phase == LoopCall::State::Phase::kQueued) {
      state->phase = LoopCall::State::Phase::kWithdrawn;
    }
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&wake_), nullptr);
}

}  // namespace rebound
