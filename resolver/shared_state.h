// The parts every worker shares, built once at start and reconfigured by a reload: the caches,
// the delegations, DNS64, the bootstrap parts, the counters (docs/architecture.md, "Start-up").
#ifndef REBOUND_RESOLVER_SHARED_STATE_H_
#define REBOUND_RESOLVER_SHARED_STATE_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bootstrap/health_monitor.h"
#include "bootstrap/relay_memory.h"
#include "bootstrap/relay_scope.h"
#include "dns64/dns64_stage.h"
#include "resolver/cache/cache_stage.h"
#include "resolver/cache/cache_writer.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/packet_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/config/config.h"
#include "resolver/core/clock.h"
#include "resolver/core/published.h"
#include "resolver/core/worker_stats.h"
#include "resolver/dnstap/dnstap_writer.h"
#include "resolver/iterator/delegation_finder.h"
#include "resolver/iterator/infra_cache.h"
#include "resolver/iterator/iterator_options.h"
#include "resolver/local/local_zones.h"
#include "tls/tls_context.h"

namespace rebound {

// The pieces every worker shares: built once, then read (the caches lock inside).
struct Shared {
  RrsetCache rrsets;
  NegativeCache negatives;
  InfraCache infra;
  std::unique_ptr<DelegationFinder> delegations;
  IteratorOptions iterator_options;
  // serve-expired and prefetch; MakeStageFactory adds each worker's timers and counters.
  CacheStageOptions cache_stage_options;
  std::optional<Dns64Options> dns64;  // set when module-config has dns64
  // The bootstrap fallback, unless `bootstrap: no`.
  struct Bootstrap {
    const BootstrapConfig* config;
    std::unique_ptr<HealthMonitor> health;
    std::unique_ptr<TlsClientContext> tls;
    std::unique_ptr<RelayMemory> memory;
  };
  std::optional<Bootstrap> bootstrap = {};
  // What forward-zone, stub-zone, local-zone and private-domain keep from the bootstrap relays
  // (with bootstrap on): built by each (re)configuration from the file, and again by each
  // rebound-control change to the zones (RelayScopeInForce), so that a zone added at run time
  // keeps its names from the relays as one in the file does.
  Published<RelayScope> relay_scope = {};
  // The packet cache of rendered responses (docs/architecture.md, flow step 2), which every
  // worker answers repeated questions from before parsing them. Made by the first Packets()
  // call, from the same options as unbound's message cache: msg-cache-size, cache-max-ttl,
  // cache-max-negative-ttl.
  std::unique_ptr<PacketCache> packets = nullptr;
  // Each worker's counters, by worker index: kept here, not in the workers, so that a reload
  // (which makes new workers) does not reset them. A deque, so that they never move.
  std::deque<WorkerStats> worker_stats = {};
  // The only writer of the two caches above (docs/architecture.md): the iterators, the cache
  // stages and the warm start store through it.
  CacheWriter cache_writer{&rrsets, &negatives};
  // local-zone, local-data and the default zones, built by each (re)configuration and replaced
  // at run time by rebound-control's local_zone and local_data (docs/architecture.md, "Control
  // channel"); every worker's QueryHandler reads the version in force once per query.
  Published<LocalZones> local_zones = {};
  // dnstap's writer (dnstap-enable), made once at start and kept across reloads; null: off.
  DnstapWriter* dnstap = nullptr;
  PacketCache* Packets(const Config& config) {
    if (packets == nullptr) {
      packets = std::make_unique<PacketCache>(
          PacketCacheOptions{.max_bytes = config.msg_cache_size,
                             .max_ttl = config.cache_max_ttl,
                             .max_negative_ttl = config.cache_max_negative_ttl},
          SystemClock::Get());
    }
    return packets.get();
  }
};

// The relays' scope for what is in force: `config`'s private-domain, and the delegations and
// local zones published in `shared`, which rebound-control may have changed since the start.
absl::StatusOr<std::unique_ptr<const RelayScope>> RelayScopeInForce(const Config& config,
                                                                    const Shared& shared);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SHARED_STATE_H_
