// Work another thread hands to an event loop's thread and waits for, with a bound: how the
// control thread reads and changes what a worker owns (its Pipeline: dump_requestlist,
// flush_requestlist) with no lock on the worker's path. A libuv async handle wakes the loop;
// the tasks wait in a queue under a mutex that only posters and that wake-up take.
#ifndef REBOUND_RESOLVER_SERVER_LOOP_TASKS_H_
#define REBOUND_RESOLVER_SERVER_LOOP_TASKS_H_

#include <uv.h>

#include <deque>
#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace rebound {

// A task posted to a loop, as its poster holds it.
class LoopCall {
 public:
  LoopCall() = default;  // withdrawn: nothing to wait for
  LoopCall(LoopCall&&) = default;
  // The task this call held is withdrawn first, as by the destructor.
  LoopCall& operator=(LoopCall&& other) noexcept;
  // Withdraws the task (Wait with a deadline already past).
  ~LoopCall();

  // Waits until the task has run or `deadline` has passed; true when it ran. When false, the task
  // has been withdrawn and never runs, so it may refer to what the caller keeps only until then.
  // A task already running at the deadline is waited for (tasks are short).
  bool Wait(absl::Time deadline);

 private:
  friend class LoopTasks;
  struct State;
  explicit LoopCall(std::shared_ptr<State> state) : state_(std::move(state)) {}

  std::shared_ptr<State> state_;
};

class LoopTasks {
 public:
  // On `loop`'s thread, or before the loop runs.
  explicit LoopTasks(uv_loop_t* loop);
  LoopTasks(const LoopTasks&) = delete;
  LoopTasks& operator=(const LoopTasks&) = delete;
  // After Close, and after the loop has run its closes.
  ~LoopTasks() = default;

  // Any thread: queues `task` for the loop's thread. Once Close has been called, the call comes
  // back withdrawn (Wait returns false at once).
  LoopCall Post(std::function<void()> task);
  // On the loop's thread (a worker stopping): withdraws every task still queued, so that their
  // posters stop waiting, refuses new ones, and closes the handle.
  void Close();

 private:
  void RunQueued();  // the async handle's callback

  uv_async_t wake_;
  absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<std::shared_ptr<LoopCall::State>> queue_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_LOOP_TASKS_H_
