#include "resolver/daemon_control.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "resolver/cache/cache_dump.h"
#include "resolver/core/check.h"
#include "resolver/core/log.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {
namespace {

// How long `reload` waits for the main thread: reading a config, binding and starting workers.
constexpr absl::Duration kReloadWait = absl::Seconds(60);

uint64_t ResidentBytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long size = 0, resident = 0;
  const int read = std::fscanf(statm, "%lu %lu", &size, &resident);
  std::fclose(statm);
  return read == 2 ? resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

}  // namespace

DaemonControl::DaemonControl(Shared* shared, const Config* config)
    : shared_(shared), started_(absl::Now()), config_(config) {}

void DaemonControl::NoteReloaded(absl::Status result) {
  ++reloads_;
  last_reload_ = std::move(result);
}

void DaemonControl::NoteStopping() { stopping_ = true; }

StatsReport DaemonControl::ReadStats() {
  absl::ReaderMutexLock lock(&mu_);
  StatsReport report;
  for (int i = 0; i < config_->num_threads && i < static_cast<int>(shared_->worker_stats.size());
       ++i) {
    StatsTotals thread;
    AddTo(shared_->worker_stats[i], &thread);
    AddTo(shared_->worker_stats[i], &report.total);
    report.threads.push_back(thread);
  }
  report.caches = ReadCacheFigures();
  report.bootstrap = ReadBootstrapFigures();
  report.now = absl::Now();
  report.started = started_;
  report.last_reset = started_;
  report.memory_bytes = ResidentBytes();
  return report;
}

CacheFigures DaemonControl::ReadCacheFigures() const {
  CacheFigures caches;
  caches.rrset_bytes = shared_->rrsets.bytes();
  caches.rrset_entries = shared_->rrsets.entries();
  caches.message_bytes = shared_->negatives.bytes();
  caches.message_entries = shared_->negatives.entries();
  if (shared_->packets != nullptr) {
    caches.message_bytes += shared_->packets->bytes();
    caches.message_entries += shared_->packets->entries();
  }
  caches.infra_entries = shared_->infra.size();
  return caches;
}

BootstrapFigures DaemonControl::ReadBootstrapFigures() const {
  BootstrapFigures figures;
  if (!shared_->bootstrap) return figures;
  const HealthMonitor& health = *shared_->bootstrap->health;
  const HealthCounters counters = health.counters();
  const RelayMemory::Counters relays = shared_->bootstrap->memory->counters();
  figures.enabled = true;
  figures.active = health.RelaysFirst();
  figures.since = health.last_change().since;
  figures.entered = counters.entered;
  figures.left = counters.left;
  figures.unreachable = counters.unreachable;
  figures.probes = counters.probes;
  figures.relay_answers = relays.answers;
  figures.relay_failures = relays.failures;
  return figures;
}

DaemonStatus DaemonControl::Status() {
  absl::ReaderMutexLock lock(&mu_);
  DaemonStatus status;
  status.verbosity = LogVerbosity();
  status.threads = config_->num_threads;
  // The stages, in pipeline order (MakeStageFactory in main.cc).
  status.modules.push_back("any");
  if (shared_->dns64) status.modules.push_back("dns64");
  status.modules.push_back("cache");
  if (shared_->bootstrap) status.modules.push_back("bootstrap");
  status.modules.push_back("iterator");
  status.started = started_;
  status.bootstrap = ReadBootstrapFigures();
  if (shared_->bootstrap) {
    status.bootstrap_reason = shared_->bootstrap->health->last_change().reason;
    if (std::optional<Relay> relay = shared_->bootstrap->memory->LastGood()) {
      status.last_good_relay = relay->ToString();
    }
  }
  return status;
}

absl::Status DaemonControl::Reload() {
  absl::MutexLock lock(&mu_);
  const absl::Status stopping = absl::UnavailableError("rebound is stopping; no reload was done");
  if (stopping_) return stopping;
  const uint64_t before = reloads_;
  // The same path as SIGHUP, on the main thread, which holds mu_ while it reloads.
  if (kill(getpid(), SIGHUP) != 0) return absl::InternalError("cannot signal the main thread");
  // A stop (which wins over a SIGHUP that comes with it, WaitForSignal) ends the wait at once:
  // the control thread must not hold the exit back for kReloadWait.
  auto done = [this, before]()
                  ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return reloads_ != before || stopping_; };
  if (!mu_.AwaitWithTimeout(absl::Condition(&done), kReloadWait)) {
    return absl::DeadlineExceededError("the reload did not finish in time");
  }
  return reloads_ != before ? last_reload_ : stopping;
}

void DaemonControl::SetVerbosity(int level) {
  SetLogVerbosity(level);
  Log(LogLevel::kOps, "verbosity set to %d", level);
}

FlushCounts DaemonControl::Flush(const CacheKeyFilter& filter) {
  absl::ReaderMutexLock lock(&mu_);
  FlushCounts counts{.rrsets = shared_->rrsets.Flush(filter),
                     .messages = shared_->negatives.Flush(filter)};
  if (shared_->packets != nullptr) shared_->packets->Clear();
  return counts;
}

FlushCounts DaemonControl::FlushNegative() {
  absl::ReaderMutexLock lock(&mu_);
  FlushCounts counts{.messages = shared_->negatives.Clear()};
  if (shared_->packets != nullptr) shared_->packets->Clear();
  return counts;
}

size_t DaemonControl::FlushInfra(const Endpoint* server) {
  absl::ReaderMutexLock lock(&mu_);
  return shared_->infra.Flush(server);
}

void DaemonControl::WithConfig(absl::FunctionRef<void(const Config&)> read) {
  absl::ReaderMutexLock lock(&mu_);
  read(*config_);
}

absl::Status DaemonControl::ChangeLocalZones(absl::FunctionRef<absl::Status(LocalZones&)> change) {
  // Exclusive: two changes must not each copy the same version and lose one another's edit.
  absl::MutexLock lock(&mu_);
  const LocalZones* current = shared_->local_zones.Get();
  if (current == nullptr) return absl::FailedPreconditionError("the local zones are not built");
  auto next = std::make_unique<LocalZones>(current->Clone());
  if (absl::Status s = change(*next); !s.ok()) return s;
  // Nothing to flush: a local zone answers before the packet cache and the pipeline (flow step
  // 2), so no cached response hides the change, and none was ever made from a local answer.
  shared_->local_zones.Publish(std::move(next));
  PublishRelayScope();
  Log(LogLevel::kOps, "control: local zones changed (%d versions kept until the next reload)",
      static_cast<int64_t>(shared_->local_zones.versions()));
  return absl::OkStatus();
}

void DaemonControl::WithLocalZones(absl::FunctionRef<void(const LocalZones&)> read) {
  absl::ReaderMutexLock lock(&mu_);
  if (const LocalZones* zones = shared_->local_zones.Get()) read(*zones);
}

std::vector<ConfiguredDelegation> DaemonControl::Delegations() {
  absl::ReaderMutexLock lock(&mu_);
  return shared_->delegations->Configured();
}

absl::Status DaemonControl::AddDelegation(const ConfiguredDelegation& given) {
  absl::MutexLock lock(&mu_);
  ConfiguredDelegation zone = given;
  // As for a forward-zone in the file (main.cc, SetUpDelegations): do-not-query-localhost keeps
  // loopback servers out. unbound applies it to stubs too, at query time.
  if (config_->do_not_query_localhost) {
    std::erase_if(zone.addrs, [](const Endpoint& a) { return a.IsLoopback(); });
    if (zone.addrs.empty() && zone.hosts.empty()) {
      return absl::InvalidArgumentError(
          "every address is on loopback; do-not-query-localhost: yes keeps them out");
    }
  }
  LdnsRdfPtr name(ldns_dname_new_frm_str(zone.name.c_str()));
  if (name == nullptr) return absl::InvalidArgumentError("not a domain name");
  if (absl::Status s = shared_->delegations->Add(zone); !s.ok()) return s;
  PublishRelayScope();
  FlushZone(name.get());
  Log(LogLevel::kOps, "control: %s %s added", zone.forward ? "forward zone" : "stub zone",
      zone.name);
  return absl::OkStatus();
}

void DaemonControl::RemoveDelegation(const ldns_rdf* name, bool forward) {
  absl::MutexLock lock(&mu_);
  if (!shared_->delegations->Remove(name, forward)) return;
  PublishRelayScope();
  FlushZone(name);
}

void DaemonControl::PublishRelayScope() {
  if (!shared_->bootstrap) return;  // nobody reads it
  absl::StatusOr<std::unique_ptr<const RelayScope>> scope = RelayScopeInForce(*config_, *shared_);
  // The names were parsed when the zones were added; a failure here is a bug.
  CHECK(scope.ok());
  shared_->relay_scope.Publish(*std::move(scope));
}

void DaemonControl::FlushZone(const ldns_rdf* zone) {
  // Answers learned from the servers before the change would otherwise keep being given until
  // their TTLs end (unbound leaves that to a flush_zone; rebound does it for the operator).
  const CacheKeyFilter filter = CacheKeyFilter::For(zone, /*subtree=*/true, std::nullopt);
  shared_->rrsets.Flush(filter);
  shared_->negatives.Flush(filter);
  if (shared_->packets != nullptr) shared_->packets->Clear();
}

std::string DaemonControl::BootstrapStatus() {
  absl::ReaderMutexLock lock(&mu_);
  if (!shared_->bootstrap) return "bootstrap: disabled\n";
  std::string out;
  std::optional<Relay> last_good = shared_->bootstrap->memory->LastGood();
  auto when = [](absl::Time t) {
    return t == absl::InfinitePast()
               ? std::string("never")
               : absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
  };
  // One line per relay, in the configured order: what every worker's relay client recorded.
  for (const Relay& relay : shared_->bootstrap->config->relays) {
    const RelayMemory::RelayRecord r = shared_->bootstrap->memory->Record(relay);
    absl::StrAppend(&out, relay.ToString(),
                    last_good.has_value() && *last_good == relay ? " last-good" : "", " last-try ",
                    when(r.last_try), " last-success ", when(r.last_success));
    if (r.last_success != absl::InfinitePast()) {
      absl::StrAppend(&out, " rtt ", absl::ToInt64Milliseconds(r.rtt), " ms");
    }
    absl::StrAppend(&out, " certificate ", r.certificate.empty() ? "unknown" : r.certificate);
    if (!r.last_error.empty()) absl::StrAppend(&out, " last-error \"", r.last_error, "\"");
    absl::StrAppend(&out, "\n");
  }
  return out;
}

void DaemonControl::DumpCache(ControlOutput write) {
  // Not under mu_: the caches outlive reloads, and a slow client must not hold a reload back.
  // The dump copies a shard's entries under its lock and writes them after releasing it, so a
  // client that reads slowly never stalls the workers (cache_dump.h, ShardedLruMap).
  const DumpedCache dumped = rebound::DumpCache(shared_->rrsets, shared_->negatives, write);
  if (!dumped.complete) {
    Log(LogLevel::kOps, "dump_cache: the client went away after %d RRsets",
        static_cast<int64_t>(dumped.rrsets));
  }
}

absl::StatusOr<std::string> DaemonControl::LoadCache(absl::string_view text) {
  // Stored through the cache writer, as everything is (docs/architecture.md, "The caches"); what
  // came before a bad line stays loaded, as in unbound.
  absl::StatusOr<LoadedCache> loaded =
      LoadCacheFromString(text, absl::ZeroDuration(), &shared_->cache_writer);
  if (!loaded.ok()) return loaded.status();
  Log(LogLevel::kOps, "load_cache: %d RRsets and %d negative answers loaded",
      static_cast<int64_t>(loaded->rrsets), static_cast<int64_t>(loaded->negatives));
  return std::string("ok\n");
}

}  // namespace rebound
