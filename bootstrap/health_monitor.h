// Decides when ordinary DNS counts as failed and queries go to the bootstrap relays first, and
// when to try the ordinary path again. One monitor is shared by every worker thread.
//
// Bootstrap state sends every client's queries to third-party relays, so it is entered only on
// evidence no client can manufacture: the resolver's own probe of the root servers (or of the
// forwarders for "."), a question that does not depend on any client's names, finding none of
// them reachable. A client query that found no server reachable is only a reason to run that
// probe (rate-limited): any client can produce such failures with names under a zone whose
// servers drop queries (issue 15 item 6). Any answer from an ordinary server, SERVFAIL and
// NXDOMAIN included, shows the path works.
#ifndef REBOUND_BOOTSTRAP_HEALTH_MONITOR_H_
#define REBOUND_BOOTSTRAP_HEALTH_MONITOR_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bootstrap/bootstrap_mode.h"
#include "resolver/core/clock.h"

namespace rebound {

struct HealthOptions {
  // In ordinary state, how long after one probe the next client failure may start another: a
  // client can make lookups fail as fast as it likes, the root servers must not hear of it.
  absl::Duration verify_interval = absl::Seconds(5);
  // In bootstrap state, how often one query may probe the ordinary path.
  absl::Duration probe_interval = absl::Seconds(5);
  // A probe that has not reported after this long is taken as lost (its worker stopped), so
  // that it cannot keep every later probe from starting.
  absl::Duration probe_lost_after = absl::Seconds(30);
};

// What the resolver's own probe of the root servers (or forwarders) found.
enum class ProbeOutcome {
  kReached,       // at least one of them sent something back
  kUnreachable,   // every one asked timed out or could not be reached
  kInconclusive,  // a local failure (no socket, no descriptor) kept some from being asked
};

// For statistics and the log.
struct HealthCounters {
  uint64_t entered = 0;        // times bootstrap state was entered
  uint64_t left = 0;           // times it was left because ordinary DNS answered
  uint64_t unreachable = 0;    // client queries that found ordinary DNS unreachable
  uint64_t probes = 0;         // probes of the ordinary path granted by ClaimProbe
  uint64_t verifications = 0;  // probes started because a client query found nothing reachable
  uint64_t dismissed = 0;      // of those, the ones that found the root servers reachable
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
  // was unreachable). Counted, and nothing more, unless it returns true: then (mode `yes`, in
  // ordinary state, no probe running and none in the last verify_interval) the caller must
  // probe the root servers and report with ProbeDone. Exactly one of concurrent callers wins.
  bool OrdinaryUnreachable();
  // The outcome of a probe started because OrdinaryUnreachable or ClaimProbe said so.
  // kUnreachable in ordinary state enters bootstrap state (mode `yes`); kReached is an
  // ordinary answer; kInconclusive changes nothing.
  void ProbeDone(ProbeOutcome outcome);
  // An ordinary server answered, whatever the rcode: bootstrap state is left.
  void OrdinaryAnswered();
  // In bootstrap state (mode `yes` only): true at most once per probe_interval, the first
  // probe_interval after entering, for the one caller that should send a query the ordinary
  // way to see whether it works again. Exactly one of several concurrent callers wins.
  bool ClaimProbe();

  bool in_bootstrap() const { return in_bootstrap_.load(std::memory_order_acquire); }
  HealthCounters counters() const;
  // For rebound-control's status: when the current state began (the monitor's creation, for
  // the first) and why.
  struct StateChange {
    absl::Time since;
    std::string reason;
  };
  StateChange last_change() const;

 private:
  void EnterLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const BootstrapMode mode_;
  const Clock* const clock_;
  const HealthOptions options_;

  mutable absl::Mutex mu_;
  absl::Time next_probe_ ABSL_GUARDED_BY(mu_);
  // When the last verification probe started; verifying_ while it has not reported.
  absl::Time verify_started_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool verifying_ ABSL_GUARDED_BY(mu_) = false;
  HealthCounters counters_ ABSL_GUARDED_BY(mu_);
  StateChange last_change_ ABSL_GUARDED_BY(mu_);
  // Written under mu_; read without it, so the per-query questions cost no lock.
  std::atomic<bool> in_bootstrap_{false};
};

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_HEALTH_MONITOR_H_
