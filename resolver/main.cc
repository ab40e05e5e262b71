// rebound: a caching recursive DNS resolver. Reads its config, starts one worker per thread and
// runs until SIGINT or SIGTERM.
#include <getopt.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bootstrap/bootstrap_stage.h"
#include "bootstrap/health_monitor.h"
#include "bootstrap/relay_client.h"
#include "bootstrap/relay_memory.h"
#include "bootstrap/relay_scope.h"
#include "bootstrap/remembered_answer.h"
#include "dns64/dns64_stage.h"
#include "resolver/cache/any_query_stage.h"
#include "resolver/cache/cache_file.h"
#include "resolver/cache/cache_stage.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/config/config.h"
#include "resolver/control/control_server.h"
#include "resolver/core/callback_guard.h"
#include "resolver/core/check.h"
#include "resolver/core/clock.h"
#include "resolver/core/log.h"
#include "resolver/core/owned_file.h"
#include "resolver/core/syslog_sink.h"
#include "resolver/daemon_control.h"
#include "resolver/dnstap/dnstap_writer.h"
#include "resolver/iterator/delegation_finder.h"
#include "resolver/iterator/infra_cache.h"
#include "resolver/iterator/iterator_stage.h"
#include "resolver/iterator/root_hints.h"
#include "resolver/metrics/metrics_server.h"
#include "resolver/server/descriptor_limit.h"
#include "resolver/server/privileges.h"
#include "resolver/server/worker.h"
#include "resolver/shared_state.h"
#include "resolver/signal_wait.h"
#include "resolver/transport/uv_timers.h"
#include "tls/tls_context.h"

namespace rebound {
namespace {

// Where `cmake --install` puts the example config (CMakeLists.txt, CMAKE_INSTALL_SYSCONFDIR).
constexpr char kDefaultConfigPath[] = REBOUND_CONFIG_FILE;

void PrintUsage(std::FILE* to) {
  std::fprintf(to,
               "usage: rebound [-c file] [-n] [-v] [-h] [-V]\n"
               "  -c file        config file (default %s)\n"
               "  -n             check the config file and exit\n"
               "  -v             more verbose (repeat for more)\n"
               "  -h, --help     this help\n"
               "  -V, --version  print the version and exit\n",
               kDefaultConfigPath);
}

// How long a client query waits for the first reply from any server before the bootstrap relays
// are asked instead: a host whose packets vanish should answer dig's first try (5 s).
constexpr absl::Duration kBudgetWithoutReply = absl::Seconds(3);

std::optional<Dns64Options> Dns64OptionsFrom(const Config& config) {
  if (!config.dns64.enabled) return std::nullopt;
  Dns64Options options;
  options.policy.prefixes = config.dns64.prefixes;
  options.policy.exclude = config.dns64.exclude;
  options.policy.mapped = config.dns64.mapped;
  options.policy.synthall = config.dns64.synthall;
  options.ignore_aaaa = config.dns64.ignore_aaaa;
  return options;
}

IteratorOptions IteratorOptionsFrom(const Config& config) {
  IteratorOptions options;
  options.do_ip4 = config.do_ip4;
  options.do_ip6 = config.do_ip6;
  options.prefer_ip6 = config.prefer_ip6;
  options.do_not_query_localhost = config.do_not_query_localhost;
  options.qname_minimisation = config.qname_minimisation;
  options.harden_glue = config.harden_glue;
  options.use_0x20 = config.use_caps_for_id;
  absl::StatusOr<PrivateAddresses> private_addresses =
      PrivateAddresses::Create(config.private_addresses, config.private_domains);
  CHECK(private_addresses.ok());  // the config parser has checked every private-domain
  options.private_addresses = *std::move(private_addresses);
  if (config.dns64.do_nat64) {
    options.nat64 = [prefix = config.dns64.Nat64PrefixToUse()](const Endpoint& v4) {
      sockaddr_in6 mapped{};
      mapped.sin6_family = AF_INET6;
      mapped.sin6_port = htons(v4.port());
      mapped.sin6_addr =
          prefix.Embed(reinterpret_cast<const sockaddr_in*>(v4.sockaddr_ptr())->sin_addr);
      return Endpoint::FromSockaddr(reinterpret_cast<const sockaddr*>(&mapped));
    };
  }
  return options;
}

// The stage order, decided here and nowhere else. OnQuery runs down the table until a stage
// answers (or is pending); OnAnswer then runs back up over the stages above that one.
//
//   stage           present         OnQuery                     OnAnswer
//   AnyQueryStage   always          -                           ANY cut to one RRset (8482)
//   Dns64Stage      dns64 module    ipv4only.arpa, PTR          AAAA synthesized from A,
//                                   of synthesized addresses    after the cache stored A
//   CacheStage      always          answers from the caches;    stores what came from below;
//                                   stale data, prefetch        stale data for a SERVFAIL
//   BootstrapStage  bootstrap: on   relays first in bootstrap   relays when unreachable()
//   IteratorStage   always          resolves (root, stub-zone   -
//                                   or forward-zone)
//
// Nothing is sent upstream before a client asks: the root is primed by the first lookup that
// needs it (RFC 8109 3, as unbound does), so a start in a network with no route is silent.
StageFactory MakeStageFactory(Shared* shared) {
  return [shared](uv_loop_t* loop, Transport* transport, WorkerStats* stats) {
    auto iterator = std::make_unique<IteratorStage>(IteratorContext{
        transport, &shared->rrsets, &shared->negatives, &shared->cache_writer, &shared->infra,
        shared->delegations.get(), SystemClock::Get(), shared->iterator_options});
    std::vector<std::unique_ptr<Stage>> stages;
    stages.push_back(std::make_unique<AnyQueryStage>(&shared->rrsets, &shared->negatives));
    std::unique_ptr<BootstrapStage> bootstrap;
    if (shared->bootstrap) {
      const Shared::Bootstrap& b = *shared->bootstrap;
      IterativeResolver* resolver = &iterator->resolver();
      bootstrap = std::make_unique<BootstrapStage>(
          b.health.get(),
          std::make_unique<RelayClient>(loop, b.tls.get(), &b.config->relays, b.memory.get(),
                                        SystemClock::Get(),
                                        RelayClientOptions{.max_ttl = b.config->max_ttl}),
          [resolver](std::function<void(ProbeOutcome)> done) {
            resolver->Probe([done = std::move(done)](IterativeResolver::ProbeReport report) {
              done(report.reached          ? ProbeOutcome::kReached
                   : report.failed_locally ? ProbeOutcome::kInconclusive
                                           : ProbeOutcome::kUnreachable);
            });
          },
          &shared->relay_scope, &shared->iterator_options.private_addresses);
    }
    if (shared->dns64) {
      stages.push_back(std::make_unique<Dns64Stage>(*shared->dns64, stats));
    }
    CacheStageOptions cache_options = shared->cache_stage_options;
    cache_options.timers = std::make_shared<UvTimers>(loop);
    cache_options.stats = stats;
    stages.push_back(std::make_unique<CacheStage>(&shared->rrsets, &shared->negatives,
                                                  &shared->cache_writer, cache_options));
    if (bootstrap) stages.push_back(std::move(bootstrap));
    stages.push_back(std::move(iterator));
    return stages;
  };
}

// Relay answers remembered in bootstrap-state-file go into the cache with the TTL they have left,
// so that a host restarting while its DNS is still broken answers the names it used at once;
// never longer than bootstrap-max-ttl as configured now.
void WarmCacheWithRelayAnswers(const RelayMemory& memory, uint32_t max_ttl,
                               const PrivateAddresses& private_addresses, CacheWriter* cache) {
  const absl::Time now = absl::Now();
  int loaded = 0;
  for (const PersistedAnswer& persisted : memory.Answers()) {
    LdnsRrListPtr records = RememberedAnswerRecords(persisted, now, max_ttl, &private_addresses);
    if (ldns_rr_list_rr_count(records.get()) == 0) continue;
    // A relay is a recursor, not the zone: below the zone's own word (RFC 2181 5.4.1), as
    // CacheStage ranks a relay's answer when it first comes.
    cache->StoreRecords(records.get(), Trust::kAuthority);
    ++loaded;
  }
  if (loaded > 0) Log(LogLevel::kOps, "bootstrap: %d remembered relay answers cached", loaded);
}

// The root hints file, or the compiled-in IANA list.
absl::StatusOr<LdnsRrListPtr> RootHints(const Config& config) {
  if (config.root_hints.empty()) return BuiltInRootHints();
  return LoadRootHintsFile(config.root_hints);
}

// The root hints, forward-zone and stub-zone clauses, as the iterator's DelegationFinder.
absl::Status SetUpDelegations(const Config& config, Shared* shared) {
  absl::StatusOr<LdnsRrListPtr> hints = RootHints(config);
  if (!hints.ok())
    return absl::Status(hints.status().code(),
                        absl::StrCat("root-hints: ", hints.status().message()));
  shared->delegations = std::make_unique<DelegationFinder>(&shared->rrsets, **hints);
  for (const ForwardZone& zone : config.forward_zones) {
    std::vector<Endpoint> servers;
    for (const Endpoint& server : zone.addrs) {
      // As in unbound, do-not-query-localhost keeps loopback upstreams out unless turned off.
      if (config.do_not_query_localhost && server.IsLoopback()) {
        Log(LogLevel::kError,
            "warning: forward-zone %s: not querying %s (do-not-query-localhost: yes)", zone.name,
            server.ToString());
        continue;
      }
      servers.push_back(server);
    }
    if (servers.empty() && zone.hosts.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "forward-zone ", zone.name,
          ": every forward-addr is on loopback; set do-not-query-localhost: no to use them"));
    }
    if (absl::Status s = shared->delegations->Add({.name = zone.name,
                                                   .forward = true,
                                                   .first = zone.forward_first,
                                                   .addrs = servers,
                                                   .hosts = zone.hosts,
                                                   .relays_allowed = zone.forward_bootstrap});
        !s.ok()) {
      return s;
    }
  }
  for (const StubZone& zone : config.stub_zones) {
    if (zone.stub_prime) {
      Log(LogLevel::kError, "warning: stub-zone %s: stub-prime is not supported, ignored",
          zone.name);
    }
    if (absl::Status s = shared->delegations->Add({.name = zone.name,
                                                   .first = zone.stub_first,
                                                   .addrs = zone.addrs,
                                                   .hosts = zone.hosts,
                                                   .relays_allowed = zone.stub_bootstrap});
        !s.ok()) {
      return s;
    }
  }

  return absl::OkStatus();
}

// The bootstrap fallback's shared parts, and the cache warmed with remembered relay answers.
absl::Status SetUpBootstrap(const Config& config, Shared* shared) {
  if (config.bootstrap.mode == BootstrapMode::kNo) return absl::OkStatus();
  absl::StatusOr<std::unique_ptr<TlsClientContext>> tls =
      TlsClientContext::Create(config.bootstrap.ca_file);
  if (!tls.ok()) {
    return absl::Status(tls.status().code(), absl::StrCat("bootstrap: ", tls.status().message()));
  }
  shared->bootstrap = Shared::Bootstrap{
      &config.bootstrap, std::make_unique<HealthMonitor>(config.bootstrap.mode, SystemClock::Get()),
      *std::move(tls),
      std::make_unique<RelayMemory>(config.bootstrap.state_file, SystemClock::Get())};
  // No worker runs: the versions published since the last reload go.
  absl::StatusOr<std::unique_ptr<const RelayScope>> scope = RelayScopeInForce(config, *shared);
  if (!scope.ok()) return scope.status();
  shared->relay_scope.Reset(*std::move(scope));
  WarmCacheWithRelayAnswers(*shared->bootstrap->memory, config.bootstrap.max_ttl,
                            shared->iterator_options.private_addresses, &shared->cache_writer);
  if (config.bootstrap.mode == BootstrapMode::kYes) {
    shared->iterator_options.budget_without_reply = kBudgetWithoutReply;
  }
  return absl::OkStatus();
}

void LogExitSummary(const Shared& shared) {
  if (shared.bootstrap) {
    shared.bootstrap->memory->Flush();
    const HealthCounters health = shared.bootstrap->health->counters();
    const RelayMemory::Counters relays = shared.bootstrap->memory->counters();
    Log(LogLevel::kOps,
        "bootstrap: %d relay answers, %d failed relay attempts; ordinary DNS unreachable for %d "
        "queries, root servers probed for them %d times and found answering %d times, "
        "bootstrap mode entered %d times",
        relays.answers, relays.failures, health.unreachable, health.verifications, health.dismissed,
        health.entered);
  }
}

// directory: and username:, settled before anything is opened or bound: relative file names
// are then relative to the directory, and a username: that names nobody stops the start rather
// than leaving rebound running as root.
absl::StatusOr<std::optional<Account>> PrepareProcess(const Config& config) {
  if (!config.directory.empty() && chdir(config.directory.c_str()) != 0) {
    return absl::NotFoundError(
        absl::StrCat("directory: ", config.directory, ": ", std::strerror(errno)));
  }
  if (config.username.empty()) return std::nullopt;
  absl::StatusOr<Account> account = LookUpAccount(config.username);
  if (!account.ok()) return account.status();
  return *account;
}

// The pid file, written as root (atomically, never through a symlink, in a directory others
// cannot change), then root dropped for `account` before any worker thread runs.
absl::Status FinishStartUp(const Config& config, const std::optional<Account>& account) {
  if (!config.pidfile.empty()) {
    if (absl::Status s = WriteOwnedFileAtomically(config.pidfile, absl::StrCat(getpid(), "\n"));
        !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("pidfile: ", s.message()));
    }
  }
  if (!account.has_value()) return absl::OkStatus();
  if (config.bootstrap.mode != BootstrapMode::kNo && !config.bootstrap.state_file.empty()) {
    if (absl::Status s = MakeDirectoryWritableFor(config.bootstrap.state_file, *account); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("bootstrap-state-file: ", s.message()));
    }
  }
  if (!config.cache_file.empty()) {
    if (absl::Status s = MakeDirectoryWritableFor(config.cache_file, *account); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("cache-file: ", s.message()));
    }
  }
  if (absl::Status s = DropPrivileges(*account); !s.ok()) return s;
  Log(LogLevel::kOps, "running as user %s (uid %d)", account->name, static_cast<int>(account->uid));
  return absl::OkStatus();
}

// How long the caches keep data past its TTL for serve-expired (serve-expired-ttl, 0: no
// limit). Decided at start, with the caches' sizes.
absl::Duration KeepExpired(const Config& config) {
  if (!config.serve_expired) return absl::ZeroDuration();
  if (config.serve_expired_ttl == 0) return absl::InfiniteDuration();
  return absl::Seconds(config.serve_expired_ttl);
}

// The parts of Shared a configuration decides, all but the caches, which a reload keeps. Call
// with no worker running: the stages point into them.
absl::Status Configure(const Config& config, Shared* shared) {
  shared->iterator_options = IteratorOptionsFrom(config);
  shared->cache_stage_options =
      CacheStageOptions{.serve_expired = config.serve_expired,
                        .expired_reply_ttl = config.serve_expired_reply_ttl,
                        .expired_client_timeout = config.serve_expired_client_timeout,
                        .expired_ttl_reset = config.serve_expired_ttl_reset,
                        .prefetch = config.prefetch};
  shared->dns64 = Dns64OptionsFrom(config);
  if (shared->bootstrap) shared->bootstrap->memory->Flush();  // what the relays answered stays
  shared->bootstrap.reset();
  shared->packets.reset();  // rendered responses may hold what the old configuration said
  // What rebound-control changed since is lost, as in unbound; no worker reads the old versions.
  absl::StatusOr<LocalZones> local_zones = LocalZones::Build(config.local_zones);
  CHECK(local_zones.ok());  // checked when the config was read
  shared->local_zones.Reset(std::make_unique<const LocalZones>(*std::move(local_zones)));
  if (absl::Status s = SetUpDelegations(config, shared); !s.ok()) return s;
  return SetUpBootstrap(config, shared);
}

// One configuration's workers, bound and ready to start.
struct Serving {
  explicit Serving(const Config& config) : connection_limits(config.tcp_connection_limits) {}
  ~Serving() {
    for (auto& worker : workers) worker->Stop();
  }
  void Start() {
    for (auto& worker : workers) worker->Start();
  }
  // For the control commands that reach into the workers (dump_requestlist).
  static std::vector<Worker*> WorkersOf(const std::unique_ptr<Serving>& serving) {
    std::vector<Worker*> running;
    if (serving != nullptr) {
      for (const auto& worker : serving->workers) running.push_back(worker.get());
    }
    return running;
  }

  // tcp-connection-limit counts a netblock's connections over every worker, as unbound does.
  ConnectionLimits connection_limits;
  // forward-tls-upstream's trust anchors (null without it), shared by every worker.
  std::unique_ptr<TlsClientContext> upstream_tls;
  std::vector<std::unique_ptr<Worker>> workers;
};

// Configures `shared` for `config` and binds its workers. `config` must outlive them.
absl::StatusOr<std::unique_ptr<Serving>> BindWorkers(const Config& config, Shared* shared) {
  if (absl::Status s = Configure(config, shared); !s.ok()) return s;
  // Before any worker binds: SO_REUSEPORT would otherwise let rebound share a port with a
  // resolver left running, splitting its clients' queries between the two.
  if (absl::Status s = CheckNobodyListensOnTargets(config); !s.ok()) return s;
  auto serving = std::make_unique<Serving>(config);
  if (config.UsesTlsUpstream()) {
    // Read at start, before root is dropped, as unbound reads tls-cert-bundle.
    absl::StatusOr<std::unique_ptr<TlsClientContext>> tls =
        TlsClientContext::Create(config.tls_cert_bundle, kAlpnDot, config.tls_system_cert);
    if (!tls.ok()) {
      return absl::Status(tls.status().code(),
                          absl::StrCat("tls-cert-bundle: ", tls.status().message()));
    }
    serving->upstream_tls = *std::move(tls);
  }
  while (shared->worker_stats.size() < static_cast<size_t>(config.num_threads)) {
    shared->worker_stats.emplace_back();
  }
  for (int i = 0; i < config.num_threads; ++i) {
    DnstapSink* dnstap =
        shared->dnstap == nullptr
            ? nullptr
            : shared->dnstap->ForWorker(i, &shared->worker_stats[i].dnstap_dropped);
    if (shared->dnstap != nullptr && dnstap == nullptr) {
      // The writer's queues are made at start, one per thread then.
      Log(LogLevel::kError, "dnstap: thread %d logs nothing until the next start", i);
    }
    serving->workers.push_back(std::make_unique<Worker>(
        &config, SystemClock::Get(), MakeStageFactory(shared), shared->Packets(config),
        &serving->connection_limits, &shared->local_zones, serving->upstream_tls.get(),
        &shared->worker_stats[i], dnstap));
    if (absl::Status s = serving->workers.back()->Listen(); !s.ok()) return s;
  }
  return serving;
}

// SIGHUP: the file read again; nullopt (and the old configuration kept) when it has an error.
std::optional<Config> ReadForReload(const std::string& path) {
  std::vector<std::string> warnings;
  absl::StatusOr<Config> config = LoadConfigFile(path, &warnings);
  for (const std::string& w : warnings) Log(LogLevel::kError, "reload: warning: %s", w);
  if (!config.ok()) {
    Log(LogLevel::kError, "reload: %s; the running configuration stays", config.status().message());
    return std::nullopt;
  }
  FitDescriptorLimit(&*config);
  return *std::move(config);
}

// SIGHUP (or rebound-control reload): reads the file at `path` again and restarts the workers
// with it, keeping the RRset, negative and infra caches (unbound flushes them). If the new
// configuration cannot start, the old one runs again; an error only when neither can.
absl::Status Reload(const std::string& path, Config* config, Shared* shared,
                    std::unique_ptr<Serving>* serving) {
  std::optional<Config> next = ReadForReload(path);
  if (!next.has_value()) return absl::InvalidArgumentError("the config file has an error");
  serving->reset();  // the workers stop before what they point to changes
  Config previous = std::exchange(*config, *std::move(next));
  absl::StatusOr<std::unique_ptr<Serving>> started = BindWorkers(*config, shared);
  absl::Status result = absl::OkStatus();
  if (!started.ok()) {
    Log(LogLevel::kError, "reload: %s; the previous configuration runs again",
        started.status().message());
    result = started.status();
    *config = std::move(previous);
    started = BindWorkers(*config, shared);
    if (!started.ok()) {
      Log(LogLevel::kError, "reload: %s", started.status().message());
      return started.status();
    }
  } else if (config->username != previous.username || config->pidfile != previous.pidfile ||
             config->directory != previous.directory || config->logfile != previous.logfile ||
             config->verbosity != previous.verbosity ||
             !(config->remote_control == previous.remote_control) ||
             config->metrics_interfaces != previous.metrics_interfaces ||
             config->dnstap != previous.dnstap) {
    Log(LogLevel::kError,
        "reload: username, pidfile, directory, logfile, verbosity, remote-control, "
        "metrics-interface and dnstap take effect at the next start");
  }
  Log(LogLevel::kOps, "reloaded: %d thread(s), %d interface(s)", config->num_threads,
      static_cast<int>(config->interfaces.size()));
  *serving = *std::move(started);
  (*serving)->Start();
  return result;
}

// The control channel (remote-control:), bound as root for `account`, or null when disabled.
absl::StatusOr<std::unique_ptr<ControlServer>> BindControl(const Config& config,
                                                           const std::optional<Account>& account,
                                                           ControlTarget* target) {
  if (!config.remote_control.enable) return nullptr;
  std::optional<std::pair<uid_t, gid_t>> owner;
  if (account.has_value()) owner = std::make_pair(account->uid, account->gid);
  return ControlServer::Bind(config.remote_control, owner, target);
}

// Runs with the configuration read from `path` until SIGINT or SIGTERM; SIGHUP reloads.
int Run(const std::string& path, Config config) {
  // A peer that resets a TCP or HTTPS connection must not kill the daemon: libuv's write(2)
  // then fails with EPIPE instead.
  signal(SIGPIPE, SIG_IGN);
  // SIGHUP and SIGUSR1 kill by default: until the main thread waits for them (the workers
  // answer before that, and a reload runs between two waits) they stay blocked, pending, in
  // every thread; WaitForSignal takes them. Set before any thread starts, which inherits it.
  BlockReloadSignals(true);
  absl::StatusOr<std::optional<Account>> account = PrepareProcess(config);
  if (!account.ok()) {
    Log(LogLevel::kError, "%s", account.status().message());
    return 1;
  }
  // What that user wrote last time (bootstrap-state-file) is read back before root is dropped.
  if (account->has_value()) TrustFilesOf((*account)->uid);
  // The caches are sized once, at start.
  Shared shared{
      RrsetCache(RrsetCacheOptions{.max_bytes = config.rrset_cache_size,
                                   .min_ttl = config.cache_min_ttl,
                                   .max_ttl = config.cache_max_ttl,
                                   .keep_expired = KeepExpired(config)},
                 SystemClock::Get()),
      NegativeCache(NegativeCacheOptions{.max_bytes = config.msg_cache_size,
                                         .max_negative_ttl = config.cache_max_negative_ttl,
                                         .keep_expired = KeepExpired(config)},
                    SystemClock::Get()),
      InfraCache(InfraCacheOptions{}, SystemClock::Get()),
      nullptr,
      IteratorOptions{},
      CacheStageOptions{},
      std::nullopt};
  // Its socket is opened before root is dropped, as unbound opens it.
  absl::StatusOr<std::unique_ptr<DnstapWriter>> dnstap =
      StartDnstapFor(config, absl::StrCat("rebound ", REBOUND_VERSION));
  if (!dnstap.ok()) {
    Log(LogLevel::kError, "%s", dnstap.status().message());
    return 1;
  }
  shared.dnstap = dnstap->get();
  absl::StatusOr<std::unique_ptr<Serving>> serving = BindWorkers(config, &shared);
  DaemonControl control(&shared, &config);
  absl::StatusOr<std::unique_ptr<ControlServer>> control_server =
      serving.ok() ? BindControl(config, *account, &control) : serving.status();
  if (!control_server.ok()) {
    Log(LogLevel::kError, "%s", control_server.status().message());
    return 1;
  }
  // Bound before root is dropped, started after (the thread must not keep root's capabilities).
  absl::StatusOr<std::unique_ptr<MetricsServer>> metrics =
      MetricsServer::Bind(config, [&control] { return control.ReadStats(); });
  if (!metrics.ok()) {
    Log(LogLevel::kError, "%s", metrics.status().message());
    return 1;
  }
  if (absl::Status s = FinishStartUp(config, *account); !s.ok()) {
    Log(LogLevel::kError, "%s", s.message());
    return 1;
  }
  if (!config.cache_file.empty()) LoadCacheFileAtStart(config.cache_file, &shared.cache_writer);
  // Logged before the first answer can go out, so that a log read once rebound answers has it.
  Log(LogLevel::kOps, "rebound %s started: %d thread(s), %d interface(s)", REBOUND_VERSION,
      config.num_threads, static_cast<int>(config.interfaces.size()));
  (*serving)->Start();
  {
    absl::MutexLock lock(control.mu());
    control.SetWorkers(Serving::WorkersOf(*serving));
  }
  if (*control_server != nullptr) (*control_server)->Start();
  if (*metrics != nullptr) (*metrics)->Start();

  // Every listener is bound and root is dropped: from here a client is answered, which is what
  // READY=1 promises to the units ordered after rebound (sd_notify(3), systemd.service(5)
  // Type=notify). After a reload it says the reload is over.
  auto ready = [&config] {
    return absl::StrCat("READY=1\nSTATUS=serving on ", config.interfaces.size(),
                        " interface(s) with ", config.num_threads, " thread(s)");
  };
  while (WaitForSignal(ready()) == Wakeup::kReload) {
    // No control command runs while the configuration changes.
    absl::MutexLock lock(control.mu());
    absl::Status reloaded = Reload(path, &config, &shared, &*serving);
    control.NoteReloaded(reloaded);
    control.SetWorkers(Serving::WorkersOf(*serving));  // none when neither configuration started
    if (*serving == nullptr) return 1;
    if (*metrics != nullptr) (*metrics)->SetAccessControl(config.acl);
  }
  {
    // A `reload` waiting for the main thread is answered now, not after its wait runs out.
    absl::MutexLock lock(control.mu());
    control.NoteStopping();
  }

  metrics->reset();  // first: its report reads the workers' counters
  control_server->reset();
  serving->reset();
  if (!config.cache_file.empty())
    SaveCacheFileAtStop(config.cache_file, shared.rrsets, shared.negatives);
  LogExitSummary(shared);
  if (!config.pidfile.empty()) unlink(config.pidfile.c_str());
  if (const uint64_t escaped = EscapedExceptions(); escaped > 0) {
    Log(LogLevel::kError, "error: %d exceptions were caught at the event loop's edge (bugs)",
        static_cast<int64_t>(escaped));
  }
  Log(LogLevel::kOps, "rebound stopped");
  return 0;
}

int Main(int argc, char** argv) {
  // Debian's Abseil is built without NDEBUG, which leaves absl::Mutex's deadlock detector on:
  // every Lock then also updates a lock graph under one process-wide lock: half the user time
  // of a packet cache hit (perf), and a lock all workers share. Abseil's own release default is
  // off; the caches' shard locks are leaves, never held while taking another. (The unit tests
  // keep the detector on.)
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::string config_path = kDefaultConfigPath;
  bool check_only = false;
  int extra_verbosity = 0;
  static const option kLongOptions[] = {
      {"help", no_argument, nullptr, 'h'}, {"version", no_argument, nullptr, 'V'}, {}};
  for (int opt; (opt = getopt_long(argc, argv, "c:nvhV", kLongOptions, nullptr)) != -1;) {
    switch (opt) {
      case 'c':
        config_path = optarg;
        break;
      case 'n':
        check_only = true;
        break;
      case 'v':
        ++extra_verbosity;
        break;
      case 'h':
        PrintUsage(stdout);
        return 0;
      case 'V':
        std::printf("rebound %s\n", REBOUND_VERSION);
        return 0;
      default:
        PrintUsage(stderr);
        return 1;
    }
  }
  std::vector<std::string> warnings;
  absl::StatusOr<Config> config = LoadConfigFile(config_path, &warnings);
  for (const std::string& w : warnings) std::fprintf(stderr, "rebound: warning: %s\n", w.c_str());
  if (!config.ok()) {
    std::fprintf(stderr, "rebound: error: %s\n", std::string(config.status().message()).c_str());
    return 1;
  }
  if (check_only) {
    std::printf("rebound: %s is valid\n", config_path.c_str());
    return 0;
  }
  // As in unbound, use-syslog overrides logfile.
  if (absl::Status s = ConfigureLog(config->verbosity + extra_verbosity,
                                    config->use_syslog ? "" : config->logfile);
      !s.ok()) {
    std::fprintf(stderr, "rebound: error: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  if (config->use_syslog) UseSyslog(SyslogSink::kDefaultSocket);
  FitDescriptorLimit(&*config);
  return Run(config_path, *std::move(config));
}

}  // namespace
}  // namespace rebound

int main(int argc, char** argv) { return rebound::Main(argc, argv); }
