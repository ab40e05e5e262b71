#include "bootstrap/health_monitor.h"

#include "resolver/core/log.h"

namespace rebound {

HealthMonitor::HealthMonitor(BootstrapMode mode, const Clock* clock, HealthOptions options)
    : mode_(mode), clock_(clock), options_(options) {
  last_change_ = {clock_->Now(), mode_ == BootstrapMode::kOnly ? "bootstrap: only" : "started"};
}

HealthMonitor::StateChange HealthMonitor::last_change() const {
  absl::MutexLock lock(&mu_);
  return last_change_;
}

bool HealthMonitor::OrdinaryUnreachable() {
  absl::MutexLock lock(&mu_);
  ++counters_.unreachable;
  if (mode_ != BootstrapMode::kYes || in_bootstrap_.load(std::memory_order_relaxed)) return false;
  const absl::Time now = clock_->Now();
  if (verifying_ && now < verify_started_ + options_.probe_lost_after) return false;
  if (now < verify_started_ + options_.verify_interval) return false;
  verifying_ = true;
  verify_started_ = now;
  ++counters_.verifications;
  return true;
}

void HealthMonitor::ProbeDone(ProbeOutcome outcome) {
  if (outcome == ProbeOutcome::kReached) OrdinaryAnswered();
  absl::MutexLock lock(&mu_);
  const bool verification = verifying_;
  verifying_ = false;
  if (!verification || in_bootstrap_.load(std::memory_order_relaxed)) return;
  switch (outcome) {
    case ProbeOutcome::kReached:
      ++counters_.dismissed;
      Log(LogLevel::kDetail,
          "bootstrap: a query found no server reachable, but the root servers answer: staying "
          "with ordinary DNS");
      return;
    case ProbeOutcome::kInconclusive:
      Log(LogLevel::kOps,
          "bootstrap: the probe of the root servers failed locally; not counted as an outage");
      return;
    case ProbeOutcome::kUnreachable:
      if (mode_ == BootstrapMode::kYes) EnterLocked();
      return;
  }
}

void HealthMonitor::EnterLocked() {
  in_bootstrap_.store(true, std::memory_order_release);
  ++counters_.entered;
  last_change_ = {clock_->Now(), "no root server or forwarder answered the resolver's probe"};
  // The ordinary path just failed; give it one interval before the first probe.
  next_probe_ = clock_->Now() + options_.probe_interval;
  Log(LogLevel::kOps,
      "bootstrap: ordinary DNS unreachable (no root server or forwarder answered the resolver's "
      "probe); asking relays first");
}

void HealthMonitor::OrdinaryAnswered() {
  // The common case, every ordinary answer while all is well, takes no lock.
  if (!in_bootstrap()) return;
  absl::MutexLock lock(&mu_);
  if (!in_bootstrap_.load(std::memory_order_relaxed)) return;
  in_bootstrap_.store(false, std::memory_order_release);
  ++counters_.left;
  last_change_ = {clock_->Now(), "an ordinary server answered"};
  Log(LogLevel::kOps, "bootstrap: ordinary DNS answers again; relays are the fallback again");
}

bool HealthMonitor::ClaimProbe() {
  if (mode_ != BootstrapMode::kYes || !in_bootstrap()) return false;
  absl::MutexLock lock(&mu_);
  if (!in_bootstrap_.load(std::memory_order_relaxed)) return false;
  const absl::Time now = clock_->Now();
  if (now < next_probe_) return false;
  next_probe_ = now + options_.probe_interval;
  ++counters_.probes;
  return true;
}

HealthCounters HealthMonitor::counters() const {
  absl::MutexLock lock(&mu_);
  return counters_;
}

}  // namespace rebound
