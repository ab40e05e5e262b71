// The running daemon as rebound-control sees it (control_target.h): its counters, caches and
// configuration, read and changed from the control thread while the workers run. A reload and
// a command never overlap: the main thread holds mu() while it reconfigures.
#ifndef REBOUND_RESOLVER_DAEMON_CONTROL_H_
#define REBOUND_RESOLVER_DAEMON_CONTROL_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "resolver/control/control_target.h"
#include "resolver/shared_state.h"

namespace rebound {

class Worker;

class DaemonControl : public ControlTarget {
 public:
  // `shared` and `config` (the configuration in force, changed in place by a reload under mu())
  // must outlive this object.
  DaemonControl(Shared* shared, const Config* config);

  // Held by the main thread around a reload; NoteReloaded, under it, tells a waiting `reload`
  // command how it went.
  absl::Mutex* mu() ABSL_LOCK_RETURNED(mu_) { return &mu_; }
  void NoteReloaded(absl::Status result) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The main thread is stopping (SIGTERM, SIGINT): no reload will come, so a `reload` waiting for
  // one, or asked for from now on, is answered with an error at once instead of after its wait.
  void NoteStopping() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The running workers, which dump_requestlist and flush_requestlist reach
  // (daemon_requestlist.cc): set by the main thread under mu() whenever it starts a new set, and
  // emptied when none runs.
  void SetWorkers(std::vector<Worker*> workers) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    workers_ = std::move(workers);
  }

  StatsReport ReadStats() override;
  DaemonStatus Status() override;
  absl::Status Reload() override;
  void SetVerbosity(int level) override;
  FlushCounts Flush(const CacheKeyFilter& filter) override;
  FlushCounts FlushNegative() override;
  size_t FlushInfra(const Endpoint* server) override;
  void WithConfig(absl::FunctionRef<void(const Config&)> read) override;
  absl::Status ChangeLocalZones(absl::FunctionRef<absl::Status(LocalZones&)> change) override;
  void WithLocalZones(absl::FunctionRef<void(const LocalZones&)> read) override;
  std::vector<ConfiguredDelegation> Delegations() override;
  absl::Status AddDelegation(const ConfiguredDelegation& zone) override;
  void RemoveDelegation(const ldns_rdf* name, bool forward) override;
  std::string Lookup(const ldns_rdf* name) override;
  std::string BootstrapStatus() override;
  void DumpCache(ControlOutput write) override;
  absl::StatusOr<std::string> LoadCache(absl::string_view text) override;
  absl::StatusOr<std::vector<std::vector<PendingRequest>>> RequestLists() override;
  absl::Status FlushRequestLists() override;

 private:
  CacheFigures ReadCacheFigures() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  BootstrapFigures ReadBootstrapFigures() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // What the caches hold at and below `zone`, and the packet cache: after a delegation change.
  void FlushZone(const ldns_rdf* zone) ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // After a change to the delegations or the local zones: the bootstrap relays' scope made
  // again from them and published, so that the next question sees both changes at once.
  void PublishRelayScope() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Shared* const shared_;
  const absl::Time started_;
  absl::Mutex mu_;
  const Config* const config_ ABSL_PT_GUARDED_BY(mu_);
  uint64_t reloads_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status last_reload_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Worker*> workers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_DAEMON_CONTROL_H_
