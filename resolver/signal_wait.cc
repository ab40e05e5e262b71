#include "resolver/signal_wait.h"

#include <malloc.h>
#include <pthread.h>
#include <uv.h>

#include <csignal>
#include <optional>

#include "resolver/core/callback_guard.h"
#include "resolver/core/log.h"
#include "resolver/server/service_notify.h"

namespace rebound {
namespace {

// How often the main thread returns freed heap memory to the system.
constexpr uint64_t kMallocTrimIntervalMs = 30'000;

// What the signals of one wait asked for. A stop wins over a reload that comes with it (a
// SIGHUP held during a reload and a SIGTERM are taken in one turn of the loop, in either order).
std::optional<Wakeup> woken;

void OnSignal(uv_signal_t* handle, int signum) {
  GuardCallback("signal", [&] {
    const bool stop = signum != SIGHUP;
    if (stop || !woken.has_value()) woken = stop ? Wakeup::kStop : Wakeup::kReload;
    Log(LogLevel::kOps, "signal %d: %s", signum, stop ? "stopping" : "reloading the configuration");
    // First, so that systemd knows the exit or restart that follows is the one it asked for.
    TellServiceManager(stop ? "STOPPING=1\nSTATUS=stopping" : "RELOADING=1\nSTATUS=reloading");
  });
  uv_stop(handle->loop);
}

// SIGINT and SIGTERM are caught from the first wait until the one that stops, reloads included:
// libuv's handler (any thread may run it) keeps a stop that comes during a reload for the next
// wait. A handle closed between waits would give the signal back its default action, which
// kills the process mid-reload, with no cache-file written and the pidfile left. (A reload that
// hangs is then ended by SIGKILL, as systemd sends after TimeoutStopSec.)
struct StopSignals {
  uv_signal_t sigint, sigterm;
  bool started = false;
};
StopSignals stop_signals;

void CatchStopSignals(uv_loop_t* loop) {
  if (stop_signals.started) return;
  uv_signal_init(loop, &stop_signals.sigint);
  uv_signal_init(loop, &stop_signals.sigterm);
  uv_signal_start(&stop_signals.sigint, OnSignal, SIGINT);
  uv_signal_start(&stop_signals.sigterm, OnSignal, SIGTERM);
  stop_signals.started = true;
}

// After the stop: a second SIGTERM or SIGINT during the shutdown kills, as it always did.
void ReleaseStopSignals() {
  uv_close(reinterpret_cast<uv_handle_t*>(&stop_signals.sigint), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&stop_signals.sigterm), nullptr);
  stop_signals.started = false;
}

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
  woken.reset();
  CatchStopSignals(loop);
  uv_signal_t sighup, sigusr1;
  uv_signal_init(loop, &sighup);
  uv_signal_start(&sighup, OnSignal, SIGHUP);
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
  const Wakeup wakeup = woken.value_or(Wakeup::kStop);
  // The handles are the loop's until closed; the next wait makes new ones.
  for (uv_handle_t* handle :
       {reinterpret_cast<uv_handle_t*>(&sighup), reinterpret_cast<uv_handle_t*>(&sigusr1),
        reinterpret_cast<uv_handle_t*>(&trim)}) {
    uv_close(handle, nullptr);
  }
  if (wakeup == Wakeup::kStop) ReleaseStopSignals();
  uv_run(loop, UV_RUN_NOWAIT);
  return wakeup;
}

}  // namespace rebound
