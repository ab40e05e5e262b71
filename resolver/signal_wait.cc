#include "resolver/signal_wait.h"

#include <malloc.h>
#include <pthread.h>
#include <uv.h>

#include <csignal>

#include "resolver/core/callback_guard.h"
#include "resolver/core/log.h"
#include "resolver/server/service_notify.h"

namespace rebound {
namespace {

// How often the main thread returns freed heap memory to the system.
constexpr uint64_t kMallocTrimIntervalMs = 30'000;

}  // namespace

void TellServiceManager(absl::string_view state) {
  if (absl::Status s = NotifyServiceManager(state); !s.ok()) {
    Log(LogLevel::kError, "warning: %s", s.message());
  }
}

void BlockReloadSignals(bool block) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &signals, nullptr);
}

Wakeup WaitForSignal(absl::string_view ready) {
  uv_loop_t* loop = uv_default_loop();
  static Wakeup wakeup;
  wakeup = Wakeup::kStop;
  uv_signal_t sigint, sigterm, sighup, sigusr1;
  auto on_signal = [](uv_signal_t* handle, int signum) {
    GuardCallback("signal", [&] {
      wakeup = signum == SIGHUP ? Wakeup::kReload : Wakeup::kStop;
      Log(LogLevel::kOps, "signal %d: %s", signum,
          wakeup == Wakeup::kReload ? "reloading the configuration" : "stopping");
      // First, so that systemd knows the exit or restart that follows is the one it asked for.
      TellServiceManager(wakeup == Wakeup::kReload ? "RELOADING=1\nSTATUS=reloading"
                                                   : "STOPPING=1\nSTATUS=stopping");
    });
    uv_stop(handle->loop);
  };
  uv_signal_init(loop, &sigint);
  uv_signal_init(loop, &sigterm);
  uv_signal_init(loop, &sighup);
  uv_signal_start(&sigint, on_signal, SIGINT);
  uv_signal_start(&sigterm, on_signal, SIGTERM);
  uv_signal_start(&sighup, on_signal, SIGHUP);
  // SIGUSR1 reopens the log file, as in unbound: logrotate renames the file, sends the signal,
  // and the lines after it go to a new file at the configured path.
  uv_signal_init(loop, &sigusr1);
  uv_signal_start(
      &sigusr1,
      [](uv_signal_t*, int) {
        GuardCallback("signal", [] {
          if (absl::Status s = ReopenLog(); !s.ok()) {
            Log(LogLevel::kError, "SIGUSR1: %s; logging on to the file as it was", s.message());
            return;
          }
          Log(LogLevel::kOps, "SIGUSR1: log reopened");
        });
      },
      SIGUSR1);
  // glibc keeps memory the caches freed (evictions, expired entries) in its arenas; hand it back
  // to the system now and then, so that RSS follows what the caches hold (bench/soak.sh).
  uv_timer_t trim;
  uv_timer_init(loop, &trim);
  uv_timer_start(
      &trim, [](uv_timer_t*) { malloc_trim(0); }, kMallocTrimIntervalMs, kMallocTrimIntervalMs);
  TellServiceManager(ready);
  BlockReloadSignals(false);  // one that came meanwhile is taken now
  uv_run(loop, UV_RUN_DEFAULT);
  BlockReloadSignals(true);
  // The handles are the loop's until closed; the next wait makes new ones.
  for (uv_handle_t* handle :
       {reinterpret_cast<uv_handle_t*>(&sigint), reinterpret_cast<uv_handle_t*>(&sigterm),
        reinterpret_cast<uv_handle_t*>(&sighup), reinterpret_cast<uv_handle_t*>(&sigusr1),
        reinterpret_cast<uv_handle_t*>(&trim)}) {
    uv_close(handle, nullptr);
  }
  uv_run(loop, UV_RUN_NOWAIT);
  return wakeup;
}

}  // namespace rebound
