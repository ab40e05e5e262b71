// The replay tier's harness: the real stages, assembled as resolver/main.cc's MakeStageFactory
// does, on a real Pipeline, with a ReplayTransport answering from a scenario's FakeInternet and a
// FakeClock; with bootstrap on, a BootstrapStage whose relays answer from the scenario's script
// (ReplayRelays). A scenario asks client questions and then reads the client's answer, the
// upstream queries the resolver made, the relays' questions and what the caches hold.
#ifndef REBOUND_TESTS_REPLAY_REPLAY_HARNESS_H_
#define REBOUND_TESTS_REPLAY_REPLAY_HARNESS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bootstrap/bootstrap_mode.h"
#include "bootstrap/health_monitor.h"
#include "dns64/dns64_stage.h"
#include "gtest/gtest.h"
#include "resolver/cache/cache_stage.h"
#include "resolver/cache/cache_writer.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/core/clock.h"
#include "resolver/core/pipeline.h"
#include "resolver/iterator/delegation_finder.h"
#include "resolver/iterator/infra_cache.h"
#include "resolver/iterator/private_addresses.h"
#include "tests/replay/fake_internet.h"
#include "tests/replay/replay_relays.h"
#include "tests/replay/replay_timers.h"
#include "tests/replay/replay_transport.h"

namespace rebound {
class IteratorStage;
}  // namespace rebound

namespace rebound::replay {

struct ReplayOptions {
  // The dns64 module (module-config: "dns64 iterator"): a Dns64Stage after AnyQueryStage.
  std::optional<Dns64Options> dns64 = std::nullopt;
  bool qname_minimisation = true;  // qname-minimisation, on by default as in the config
  bool harden_glue = true;         // harden-glue, on by default as in the config
  // The scenario starts with the root primed, as an earlier query would have left it (the
  // harness forgets those queries; never with `bootstrap: only`). Off: the cache starts empty
  // and the first query primes, as the daemon's does.
  bool root_primed = true;
  // bootstrap: a BootstrapStage between CacheStage and IteratorStage unless kNo, with its own
  // HealthMonitor on the harness's clock, and ReplayRelays as its relays.
  BootstrapMode bootstrap = BootstrapMode::kNo;
  uint32_t bootstrap_max_ttl = 300;  // bootstrap-max-ttl, its default
  // private-address and private-domain, for the iterator and the relays as main.cc gives them.
  PrivateAddresses private_addresses = {};
  // serve-expired and prefetch as main.cc gives them to CacheStage (the harness adds its timers
  // and counters), and how long the caches keep expired data (main.cc's KeepExpired).
  CacheStageOptions cache_stage = {};
  absl::Duration keep_expired = absl::ZeroDuration();
  // num-queries-per-thread and the rest.
  PipelineLimits limits = {};
};

// One client query, as QueryHandler would hand it to the Pipeline.
struct ClientQuestion {
  std::string name;
  ldns_rr_type type = LDNS_RR_TYPE_A;
  ldns_rr_class qclass = LDNS_RR_CLASS_IN;
  bool rd = true;
  bool do_bit = false;      // EDNS DO (RFC 3225)
  bool cd = false;          // checking disabled (RFC 4035 3.2.2)
  bool dns64_view = false;  // the QueryHandler's decision for the client (ClientInfo)
};

// What the client got back.
struct ClientAnswer {
  bool answered = false;  // the Pipeline's responder ran
  bool dropped = false;   // Pipeline::Cancel
  std::string rcode;      // "NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", ...
  bool aa = false;
  std::vector<std::string> answer;  // RecordText of each record
  std::vector<std::string> authority;
  std::vector<std::string> additional;
  std::optional<uint16_t> ede;  // RFC 8914 INFO-CODE, when one was set
  // The stage whose OnQuery produced the answer (the last to see the question): "any",
  // "dns64", "cache", "bootstrap" or "iterator".
  std::string answered_by;
};

class ReplayHarness {
 public:
  explicit ReplayHarness(FakeInternet internet, ReplayOptions options = {});
  ~ReplayHarness();
  ReplayHarness(const ReplayHarness&) = delete;
  ReplayHarness& operator=(const ReplayHarness&) = delete;

  // Submits the question and delivers upstream replies in order until the client is answered,
  // then the rest (work the answer left behind, as a real loop would go on with it).
  ClientAnswer Ask(const ClientQuestion& question);
  // Submits without delivering anything; returns the client's index for the calls below.
  size_t Submit(const ClientQuestion& question);
  // Delivers replies until that client is answered or nothing is outstanding; whether it was.
  bool RunUntilAnswered(size_t client);
  void RunUntilIdle();
  const ClientAnswer& answer(size_t client) const { return clients_.at(client).answer; }
  // Pipeline::Cancel (answered with dropped set) and Pipeline::Abandon (never answered).
  void Cancel(size_t client);
  void Abandon(size_t client);

  // Every upstream query since the start (or ForgetUpstream), as UpstreamQuery::ToString.
  std::vector<std::string> Upstream() const;
  void ForgetUpstream() { transport_.ForgetSent(); }
  // The upstream queries made while the harness was built (the priming of `root_primed`),
  // which the constructor forgets.
  const std::vector<std::string>& StartupUpstream() const { return startup_upstream_; }
  ReplayTransport& transport() { return transport_; }
  void Misbehave(Misbehaviour misbehaviour) { transport_.Misbehave(std::move(misbehaviour)); }
  // Makes the iterator's choice among a zone's servers predictable: each address is recorded
  // with a round-trip time well outside InfraCache's selection band of the one before, so the
  // first is always tried first and the others in this order.
  void RankServers(const std::vector<std::string>& fastest_first);

  // Bootstrap on only. The relays' answer to (name, type); see ReplayRelays::Script.
  void ScriptRelay(const std::string& name, ldns_rr_type type, RelayReply reply);
  // Every question the relays were asked since the start (or ForgetRelayQuestions), as
  // "www.example.test. A". Relay questions are answered before upstream replies are delivered:
  // they cost no time on the clock, and a relay that answers while a server's timeout runs is
  // the case the relays are there for.
  std::vector<std::string> RelayQuestions() const;
  void ForgetRelayQuestions();
  ReplayRelays& relays();
  HealthMonitor& health();

  // The RRset cache's entry for (name, type, IN) with the TTLs left; empty when none.
  std::vector<std::string> CachedRrset(const std::string& name, ldns_rr_type type) const;
  // The negative cache's entry for (name, type, IN): "NXDOMAIN <SOA>", "NODATA <SOA>", or ""
  // when none.
  std::string CachedNegative(const std::string& name, ldns_rr_type type) const;

  FakeClock& clock() { return clock_; }
  Pipeline& pipeline() { return *pipeline_; }
  // CacheStage's counters (expired, prefetches).
  const WorkerStats& stats() const { return *stats_; }
  ReplayTimers& timers() { return *timers_; }

 private:
  struct Client {
    uint64_t request_id = 0;
    ClientAnswer answer;
  };
  void BuildStages();
  // main.cc's BootstrapStage, probing through `iterator`'s resolver; null with bootstrap: no.
  std::unique_ptr<Stage> MakeBootstrapStage(IteratorStage& iterator);
  void Record(size_t client, Request& req);
  // Answers the oldest relay question, or else delivers the oldest upstream reply; false when
  // nothing is outstanding.
  bool DeliverNext();

  const ReplayOptions options_;
  FakeClock clock_;
  // Production defaults, as main.cc builds them from a default config.
  RrsetCache rrsets_{RrsetCacheOptions{.keep_expired = options_.keep_expired}, &clock_};
  NegativeCache negatives_{NegativeCacheOptions{.keep_expired = options_.keep_expired}, &clock_};
  std::unique_ptr<WorkerStats> stats_ = std::make_unique<WorkerStats>();
  std::shared_ptr<ReplayTimers> timers_ = std::make_shared<ReplayTimers>(&clock_);
  CacheWriter writer_{&rrsets_, &negatives_};
  InfraCache infra_{InfraCacheOptions{}, &clock_};
  FakeInternet internet_;
  // Declared before the stages: a lookup destroyed with the iterator cancels its queries.
  ReplayTransport transport_{&internet_, &clock_};
  std::unique_ptr<DelegationFinder> delegations_;
  std::unique_ptr<HealthMonitor> health_;  // with bootstrap on; outlives the stage
  ReplayRelays* relays_ = nullptr;         // owned by the BootstrapStage
  std::vector<std::string> startup_upstream_;
  std::vector<std::unique_ptr<Stage>> stages_;
  std::vector<std::unique_ptr<Stage>> observed_;      // one per stage, in the Pipeline
  std::map<uint64_t, std::string> last_stage_asked_;  // by request id
  std::unique_ptr<Pipeline> pipeline_;
  std::vector<Client> clients_;
};

// The test-name suffix of a scenario run with qname-minimisation on (true) or off, for
// INSTANTIATE_TEST_SUITE_P(QnameMinimisation, Suite, ::testing::Bool(), MinimisationName).
inline std::string MinimisationName(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "Minimising" : "NotMinimising";
}

}  // namespace rebound::replay

#endif  // REBOUND_TESTS_REPLAY_REPLAY_HARNESS_H_
