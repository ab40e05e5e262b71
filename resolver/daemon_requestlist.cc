// dump_requestlist and flush_requestlist on the running daemon (daemon_control.h): each worker's
// Pipeline belongs to its loop's thread, so the control thread posts the work there and waits.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "resolver/core/clock.h"
#include "resolver/core/log.h"
#include "resolver/daemon_control.h"
#include "resolver/server/worker.h"

namespace rebound {
namespace {

// How long a command waits for all the workers together. A running loop takes the task between
// two callbacks, within milliseconds; a stopping worker withdraws it at once. The bound is for a
// loop stuck in one long callback: the control thread (and a reload waiting for mu()) must not
// hang behind it. Under the control connection's 5 s command timeout.
constexpr absl::Duration kWorkerWait = absl::Seconds(3);

// Runs `task(index, pipeline)` on every worker's loop and waits for them all; an error naming
// the first worker that did not run it in time (its task is withdrawn: it never runs).
absl::Status OnEveryPipeline(const std::vector<Worker*>& workers,
                             const std::function<void(size_t, Pipeline&)>& task) {
  const absl::Time deadline = absl::Now() + kWorkerWait;
  std::vector<LoopCall> calls;
  calls.reserve(workers.size());
  for (size_t i = 0; i < workers.size(); ++i) {
    calls.push_back(workers[i]->RunWithPipeline([&task, i](Pipeline& p) { task(i, p); }));
  }
  absl::Status status = absl::OkStatus();
  // Every call is waited for (or withdrawn) before `task` and what it writes to go out of scope.
  for (size_t i = 0; i < calls.size(); ++i) {
    if (!calls[i].Wait(deadline) && status.ok()) {
      status = absl::UnavailableError(
          absl::StrCat("thread ", i, " did not answer in time (stopping, or busy)"));
    }
  }
  return status;
}

}  // namespace

absl::StatusOr<std::vector<std::vector<PendingRequest>>> DaemonControl::RequestLists() {
  // Shared with the other commands; a reload, which replaces the workers, waits until this ends.
  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::vector<PendingRequest>> lists(workers_.size());
  // Request::received() is the worker's clock, the system clock in the daemon.
  const absl::Status status = OnEveryPipeline(workers_, [&lists](size_t i, Pipeline& pipeline) {
    lists[i] = pipeline.ListPending(SystemClock::Get()->Now());
  });
  if (!status.ok()) return status;
  return lists;
}

absl::Status DaemonControl::FlushRequestLists() {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<size_t> dropped(workers_.size());
  const absl::Status status = OnEveryPipeline(
      workers_, [&dropped](size_t i, Pipeline& pipeline) { dropped[i] = pipeline.DropAll(); });
  size_t total = 0;
  for (size_t n : dropped) total += n;
  Log(LogLevel::kOps, "flush_requestlist: %d requests dropped", static_cast<int64_t>(total));
  return status;
}

}  // namespace rebound
