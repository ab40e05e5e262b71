#include "bootstrap/health_monitor.h"

#include <algorithm>

#include "resolver/core/log.h"

namespace rebound {

HealthMonitor::HealthMonitor(BootstrapMode mode, const Clock* clock, HealthOptions options)
    : mode_(mode), clock_(clock), options_(options) {}

void HealthMonitor::OrdinaryUnreachable() {
  absl::MutexLock lock(&mu_);
  ++counters_.unreachable;
  ++consecutive_unreachable_;
  failing_.store(true, std::memory_order_relaxed);
  if (mode_ != BootstrapMode::kYes || in_bootstrap_.load(std::memory_order_relaxed)) return;
  if (consecutive_unreachable_ < std::max(options_.failures_to_enter, 1)) return;
  in_bootstrap_.store(true, std::memory_order_release);
  ++counters_.entered;
  // The ordinary path just failed several times; give it one interval before the first probe.
  next_probe_ = clock_->Now() + options_.probe_interval;
  Log(LogLevel::kOps,
      "bootstrap: ordinary DNS unreachable (failures in a row: %d); asking relays first",
      consecutive_unreachable_);
}

void HealthMonitor::OrdinaryAnswered() {
  // The common case, every ordinary answer while all is well, takes no lock.
  if (!failing_.load(std::memory_order_relaxed) && !in_bootstrap()) return;
  absl::MutexLock lock(&mu_);
  consecutive_unreachable_ = 0;
  failing_.store(false, std::memory_order_relaxed);
  if (!in_bootstrap_.load(std::memory_order_relaxed)) return;
  in_bootstrap_.store(false, std::memory_order_release);
  ++counters_.left;
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
