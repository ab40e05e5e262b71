// What rebound-control's commands act on: the running daemon (resolver/daemon_control.h), or a
// test's stand-in. Called on the control thread, one command at a time; an implementation makes
// each call safe against the workers and against a reload.
#ifndef REBOUND_RESOLVER_CONTROL_CONTROL_TARGET_H_
#define REBOUND_RESOLVER_CONTROL_CONTROL_TARGET_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "resolver/cache/cache_wire.h"
#include "resolver/config/config.h"
#include "resolver/core/configured_delegation.h"
#include "resolver/core/endpoint.h"
#include "resolver/core/pending_request.h"
#include "resolver/core/stats_report.h"

namespace rebound {

// The figures of `status` beyond the counters.
struct DaemonStatus {
  int verbosity = 0;
  int threads = 0;
  std::vector<std::string> modules;  // in pipeline order: "dns64", "cache", "bootstrap", ...
  absl::Time started;
  // Bootstrap: its mode, since when and why, and the relay that last answered.
  BootstrapFigures bootstrap;
  std::string bootstrap_reason;
  std::string last_good_relay;
};

// Takes a command's output a piece at a time (written to the client as it comes); false when
// the client went away, after which the command writes no more.
using ControlOutput = absl::FunctionRef<bool(absl::string_view text)>;

// What a flush removed.
struct FlushCounts {
  size_t rrsets = 0;
  size_t messages = 0;  // negative entries (unbound's message cache)
};

class ControlTarget {
 public:
  virtual ~ControlTarget() = default;

  // The counters since the start (the caller keeps what `stats` has reset).
  virtual StatsReport ReadStats() = 0;
  virtual DaemonStatus Status() = 0;
  // Reads the config file again and restarts the workers, as SIGHUP does; returns when done.
  virtual absl::Status Reload() = 0;
  virtual void SetVerbosity(int level) = 0;
  // Removes from the RRset and negative caches what `filter` matches, and empties the packet
  // cache.
  virtual FlushCounts Flush(const CacheKeyFilter& filter) = 0;
  // Every negative entry (flush_negative).
  virtual FlushCounts FlushNegative() = 0;
  // One server's infra entry, or all when `server` is null.
  virtual size_t FlushInfra(const Endpoint* server) = 0;
  // Runs `read` on the configuration in force, which no reload replaces meanwhile.
  virtual void WithConfig(absl::FunctionRef<void(const Config&)> read) = 0;
  // The local zones in force. `change` edits a copy, which is published to the workers at once
  // when it returns OK: the queries that start after see it, those in flight keep the version
  // they read. A reload builds them from the file again (what was changed is lost, as in
  // unbound).
  virtual absl::Status ChangeLocalZones(absl::FunctionRef<absl::Status(LocalZones&)> change) = 0;
  virtual void WithLocalZones(absl::FunctionRef<void(const LocalZones&)> read) = 0;
  // The forward and stub zones in force, the configuration's and rebound-control's.
  virtual std::vector<ConfiguredDelegation> Delegations() = 0;
  // forward_add, stub_add: `zone` replaces a configured zone of its name, for the lookups that
  // start after; what the caches hold under it is flushed. forward_remove, stub_remove: the
  // zone of that name and kind, if any, likewise. Lost at a reload, as in unbound.
  virtual absl::Status AddDelegation(const ConfiguredDelegation& zone) = 0;
  virtual void RemoveDelegation(const ldns_rdf* name, bool forward) = 0;
  // lookup: the delegation the next query for `name` would start from (a forward or stub zone,
  // or the closest cached one) and its servers with what the infra cache knows of each, in
  // unbound-control's words.
  virtual std::string Lookup(const ldns_rdf* name) = 0;
  // One line per relay: last try, last success, RTT, certificate result.
  virtual std::string BootstrapStatus() = 0;
  // The caches in unbound's dump_cache text, handed to `write` in bounded pieces as they are read
  // (a cache of gigabytes is never held as text), no cache lock held while `write` runs; stops
  // when `write` returns false. And loaded from that text, with what was loaded.
  virtual void DumpCache(ControlOutput write) = 0;
  virtual absl::StatusOr<std::string> LoadCache(absl::string_view text) = 0;
  // dump_requestlist: each worker's requests under way, by worker index; an error when a worker
  // does not answer in time (it is stopping).
  virtual absl::StatusOr<std::vector<std::vector<PendingRequest>>> RequestLists() = 0;
  // flush_requestlist: every worker drops every request it has under way (their clients get no
  // answer, as in unbound); an error when a worker does not answer in time.
  virtual absl::Status FlushRequestLists() = 0;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONTROL_CONTROL_TARGET_H_
