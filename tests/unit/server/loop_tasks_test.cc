// LoopTasks: the control thread's synchronous, bounded call into a worker's loop.
#include "resolver/server/loop_tasks.h"

#include <gtest/gtest.h>
#include <uv.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>

#include "resolver/core/callback_guard.h"

namespace rebound {
namespace {

// A loop on its own thread, kept alive by LoopTasks' handle until Close.
class LoopThread {
 public:
  LoopThread() {
    uv_loop_init(&loop_);
    tasks_ = std::make_unique<LoopTasks>(&loop_);
  }
  ~LoopThread() {
    if (thread_.joinable()) {
      // Closed on the loop's own thread, as Worker::Shutdown does; the loop then ends.
      tasks_->Post([this] { tasks_->Close(); }).Wait(absl::InfiniteFuture());
      thread_.join();
    } else {
      tasks_->Close();
      uv_run(&loop_, UV_RUN_DEFAULT);
    }
    uv_loop_close(&loop_);
  }
  void Start() {
    thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  }
  LoopTasks& tasks() { return *tasks_; }
  std::thread::id id() const { return thread_.get_id(); }

 private:
  uv_loop_t loop_;
  std::unique_ptr<LoopTasks> tasks_;
  std::thread thread_;
};

TEST(LoopTasksTest, RunsTheTaskOnTheLoopsThreadAndWaitsForIt) {
  LoopThread loop;
  loop.Start();
  std::thread::id ran_on;
  int value = 0;
  LoopCall call = loop.tasks().Post([&] {
    ran_on = std::this_thread::get_id();
    value = 42;
  });
  EXPECT_TRUE(call.Wait(absl::Now() + absl::Seconds(10)));
  EXPECT_EQ(ran_on, loop.id());
  EXPECT_EQ(value, 42);
}

// A loop that does not take the task in time (here: not running at all) withdraws it: Wait says
// so at the deadline, and the task never runs afterwards, even when the loop gets to it.
TEST(LoopTasksTest, ATaskNotTakenInTimeIsWithdrawnAndNeverRuns) {
  LoopThread loop;
  std::atomic<bool> ran{false};
  LoopCall call = loop.tasks().Post([&ran] { ran = true; });
  const absl::Time before = absl::Now();
  EXPECT_FALSE(call.Wait(before + absl::Milliseconds(200)));
  EXPECT_GE(absl::Now() - before, absl::Milliseconds(200));
  loop.Start();
  // A later task runs, so the loop has been through the queue with the withdrawn one in it.
  EXPECT_TRUE(loop.tasks().Post([] {}).Wait(absl::Now() + absl::Seconds(10)));
  EXPECT_FALSE(ran);
}

// A stopping worker closes its tasks: what was queued is withdrawn at once (its poster does not
// wait out the deadline) and what comes later is refused.
TEST(LoopTasksTest, CloseWithdrawsWhatIsQueuedAndRefusesMore) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  LoopTasks tasks(&loop);
  bool ran = false;
  LoopCall queued = tasks.Post([&ran] { ran = true; });
  tasks.Close();
  const absl::Time before = absl::Now();
  EXPECT_FALSE(queued.Wait(before + absl::Seconds(10)));
  EXPECT_FALSE(tasks.Post([&ran] { ran = true; }).Wait(before + absl::Seconds(10)));
  EXPECT_LT(absl::Now() - before, absl::Seconds(5));
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_FALSE(ran);
  uv_loop_close(&loop);
}

// An exception from a task stays at the libuv edge: counted, the poster told the task is over,
// the loop still running.
TEST(LoopTasksTest, AnExceptionEndsTheTaskNotTheLoop) {
  LoopThread loop;
  loop.Start();
  const uint64_t escaped = EscapedExceptions();
  EXPECT_TRUE(loop.tasks()
                  .Post([] { throw std::runtime_error("task failed"); })
                  .Wait(absl::Now() + absl::Seconds(10)));
  EXPECT_EQ(EscapedExceptions(), escaped + 1);
  int value = 0;
  EXPECT_TRUE(loop.tasks().Post([&value] { value = 1; }).Wait(absl::Now() + absl::Seconds(10)));
  EXPECT_EQ(value, 1);
}

}  // namespace
}  // namespace rebound
