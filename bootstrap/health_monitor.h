// Decides when ordinary DNS counts as failed and queries go to the bootstrap relays first, and
// when to try the ordinary path again. Only reachability counts: a query that found no ordinary
// server reachable is a failure; any answer from an ordinary server, SERVFAIL and NXDOMAIN
// included, shows the path works. One monitor is shared by every worker thread.
#ifndef REBOUND_BOOTSTRAP_HEALTH_MONITOR_H_
#define REBOUND_BOOTSTRAP_HEALTH_MONITOR_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bootstrap/bootstrap_mode.h"
#include "resolver/core/clock.h"

namespace rebound {

struct HealthOptions {
  // Consecutive client queries that found ordinary DNS unreachable before bootstrap state is
  // entered; values below 1 count as 1.
  int failures_to_enter = 3;
  // In bootstrap state, how often one query may probe the ordinary path.
  absl::Duration probe_interval = absl::Seconds(5);
};

// For statistics and the log.
struct HealthCounters {
  uint64_t entered = 0;      // times bootstrap state was entered
  uint64_t left = 0;         // times it was left because ordinary DNS answered
  uint64_t unreachable = 0;  // client queries that found ordinary DNS unreachable
  uint64_t probes = 0;       // probes of the ordinary path granted by ClaimProbe
  bool operator==(const HealthCounters&) const = default;
};

class HealthMonitor {
 public:
  // `clock` must outlive the monitor.
  HealthMonitor(BootstrapMode mode, const Clock* clock, HealthOptions options = {});
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  BootstrapMode mode() const { return mode_; }
  // Relays may be asked at all: bootstrap is not `no`.
  bool MayUseRelays() const { return mode_ != BootstrapMode::kNo; }
  // Relays are asked before ordinary DNS: bootstrap `only`, or bootstrap state.
  bool RelaysFirst() const { return mode_ == BootstrapMode::kOnly || in_bootstrap(); }
  // Ordinary DNS may be asked at all: bootstrap is not `only`.
  bool OrdinaryAllowed() const { return mode_ != BootstrapMode::kOnly; }

  // A client query found no ordinary server reachable (every server timed out or the network
  // was unreachable). failures_to_enter of these in a row, with no ordinary answer between,
  // enter bootstrap state (in mode `yes`; the other modes only count them).
  void OrdinaryUnreachable();
  // An ordinary server answered, whatever the rcode: the count starts over and bootstrap state
  // is left.
  void OrdinaryAnswered();
  // In bootstrap state (mode `yes` only): true at most once per probe_interval, the first
  // probe_interval after entering, for the one caller that should send a query the ordinary
  // way to see whether it works again. Exactly one of several concurrent callers wins.
  bool ClaimProbe();

  bool in_bootstrap() const { return in_bootstrap_.load(std::memory_order_acquire); }
  HealthCounters counters() const;

 private:
  const BootstrapMode mode_;
  const Clock* const clock_;
  const HealthOptions options_;

  mutable absl::Mutex mu_;
  int consecutive_unreachable_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time next_probe_ ABSL_GUARDED_BY(mu_);
  HealthCounters counters_ ABSL_GUARDED_BY(mu_);
  // Written under mu_; read without it, so the per-query questions cost no lock. failing_ is
  // consecutive_unreachable_ > 0, which lets OrdinaryAnswered skip the lock when all is well.
  std::atomic<bool> in_bootstrap_{false};
  std::atomic<bool> failing_{false};
};

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_HEALTH_MONITOR_H_
