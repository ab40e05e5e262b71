#include "resolver/core/callback_guard.h"

#include <gtest/gtest.h>
#include <uv.h>

#include <stdexcept>

namespace rebound {
namespace {

TEST(CallbackGuardTest, CatchesAndCountsWhateverTheBodyThrows) {
  const uint64_t before = EscapedExceptions();
  GuardCallback("test", [] { throw std::runtime_error("a bug"); });
  GuardCallback("test", [] { throw 42; });
  int ran = 0;
  GuardCallback("test", [&] { ++ran; });
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(EscapedExceptions(), before + 2);
}

// Issue 15 item 1: an exception thrown in a libuv callback took the process down. Guarded, the
// loop goes on to the next callback.
TEST(CallbackGuardTest, ALoopWhoseCallbackThrowsGoesOn) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  uv_timer_t throwing, next;
  uv_timer_init(&loop, &throwing);
  uv_timer_init(&loop, &next);
  int fired = 0;
  next.data = &fired;
  uv_timer_start(
      &throwing,
      [](uv_timer_t*) { GuardCallback("test timer", [] { throw std::logic_error("a bug"); }); }, 0,
      0);
  uv_timer_start(
      &next, [](uv_timer_t* t) { ++*static_cast<int*>(t->data); }, 1, 0);
  const uint64_t before = EscapedExceptions();
  uv_run(&loop, UV_RUN_DEFAULT);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(EscapedExceptions(), before + 1);
  uv_close(reinterpret_cast<uv_handle_t*>(&throwing), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&next), nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
}

}  // namespace
}  // namespace rebound
