// The main thread's wait between start-up and stop: signals (SIGINT and SIGTERM stop, SIGHUP
// reloads, SIGUSR1 reopens the log), the service manager told of each state, the heap trimmed.
#ifndef REBOUND_RESOLVER_SIGNAL_WAIT_H_
#define REBOUND_RESOLVER_SIGNAL_WAIT_H_

#include "absl/strings/string_view.h"

namespace rebound {

// Reports to systemd under Type=notify (sd_notify(3)); a failure to report is logged, and
// rebound serves on: the service manager's timeout is the judge of a start nobody heard of.
void TellServiceManager(absl::string_view state);

// SIGHUP and SIGUSR1 kill by default: until the main thread waits for them they stay blocked,
// pending, in every thread (call with true before any thread starts, which inherits it).
void BlockReloadSignals(bool block);

// What the main thread woke up for.
enum class Wakeup { kStop, kReload };

// Waits for SIGINT or SIGTERM (stop) or SIGHUP (reload), reopening the log on SIGUSR1 and
// trimming the heap now and then. A stop that came since the last wait (during a reload) is
// taken at once, and a stop wins over a reload taken with it. `ready` goes to the service manager
// once the signals are caught: systemd may send SIGTERM as soon as it has READY=1, which must then
// be a clean stop, not a kill.
Wakeup WaitForSignal(absl::string_view ready);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SIGNAL_WAIT_H_
