// Everything rebound-control's `stats` and the Prometheus /metrics page say, read at one moment:
// the workers' counters (worker_stats.h) and the figures of the parts they share.
#ifndef REBOUND_RESOLVER_CORE_STATS_REPORT_H_
#define REBOUND_RESOLVER_CORE_STATS_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "resolver/core/worker_stats.h"

namespace rebound {

struct CacheFigures {
  uint64_t rrset_bytes = 0;  // mem.cache.rrset
  uint64_t rrset_entries = 0;
  // mem.cache.message: unbound's message cache is the negative cache and the packet cache here.
  uint64_t message_bytes = 0;
  uint64_t message_entries = 0;
  uint64_t infra_entries = 0;  // infra.cache.count
};

struct BootstrapFigures {
  bool enabled = false;                     // bootstrap: is not "no"
  bool active = false;                      // in bootstrap mode now
  absl::Time since = absl::InfinitePast();  // when the current mode began
  uint64_t entered = 0;                     // num.bootstrap.entered
  uint64_t left = 0;                        // num.bootstrap.left
  uint64_t unreachable = 0;                 // client queries that found ordinary DNS unreachable
  uint64_t probes = 0;
  uint64_t relay_answers = 0;   // num.relay.answers
  uint64_t relay_failures = 0;  // num.relay.failures
};

struct StatsReport {
  StatsTotals total;                 // every worker summed
  std::vector<StatsTotals> threads;  // each worker, thread0 first
  CacheFigures caches;
  BootstrapFigures bootstrap;
  absl::Time now;
  absl::Time started;         // the process's start
  absl::Time last_reset;      // the last `stats` (with reset), or the start
  uint64_t memory_bytes = 0;  // the process's resident set
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_STATS_REPORT_H_
