// The replay tier's harness: the real stages, assembled as resolver/main.cc's MakeStageFactory
// does (bootstrap off), on a real Pipeline, with a ReplayTransport answering from a scenario's
// FakeInternet and a FakeClock. A scenario asks client questions and then reads the client's
// answer, the upstream queries the resolver made and what the caches hold.
#ifndef REBOUND_TESTS_REPLAY_REPLAY_HARNESS_H_
#define REBOUND_TESTS_REPLAY_REPLAY_HARNESS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dns64/dns64_stage.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/core/clock.h"
#include "resolver/core/pipeline.h"
#include "resolver/iterator/delegation_finder.h"
#include "resolver/iterator/infra_cache.h"
#include "tests/replay/fake_internet.h"
#include "tests/replay/replay_transport.h"

namespace rebound::replay {

struct ReplayOptions {
  // The dns64 module (module-config: "dns64 iterator"): a Dns64Stage after AnyQueryStage.
  std::optional<Dns64Options> dns64 = std::nullopt;
  bool qname_minimisation = true;  // qname-minimisation, on by default as in the config
  // main.cc primes the root from its first worker at start (RFC 8109 3); the harness then
  // forgets those queries. Off: the first client query primes.
  bool prime_at_start = true;
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
  // "dns64", "cache" or "iterator".
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
  ReplayTransport& transport() { return transport_; }
  void Misbehave(Misbehaviour misbehaviour) { transport_.Misbehave(std::move(misbehaviour)); }
  // Makes the iterator's choice among a zone's servers predictable: each address is recorded
  // with a round-trip time well outside InfraCache's selection band of the one before, so the
  // first is always tried first and the others in this order.
  void RankServers(const std::vector<std::string>& fastest_first);

  // The RRset cache's entry for (name, type, IN) with the TTLs left; empty when none.
  std::vector<std::string> CachedRrset(const std::string& name, ldns_rr_type type) const;
  // The negative cache's entry for (name, type, IN): "NXDOMAIN <SOA>", "NODATA <SOA>", or ""
  // when none.
  std::string CachedNegative(const std::string& name, ldns_rr_type type) const;

  FakeClock& clock() { return clock_; }
  Pipeline& pipeline() { return *pipeline_; }

 private:
  struct Client {
    uint64_t request_id = 0;
    ClientAnswer answer;
  };
  void BuildStages();
  void Record(size_t client, Request& req);

  const ReplayOptions options_;
  FakeClock clock_;
  // Production defaults, as main.cc builds them from a default config.
  RrsetCache rrsets_{RrsetCacheOptions{}, &clock_};
  NegativeCache negatives_{NegativeCacheOptions{}, &clock_};
  InfraCache infra_{InfraCacheOptions{}, &clock_};
  FakeInternet internet_;
  // Declared before the stages: a lookup destroyed with the iterator cancels its queries.
  ReplayTransport transport_{&internet_, &clock_};
  std::unique_ptr<DelegationFinder> delegations_;
  std::vector<std::unique_ptr<Stage>> stages_;
  std::vector<std::unique_ptr<Stage>> observed_;      // one per stage, in the Pipeline
  std::map<uint64_t, std::string> last_stage_asked_;  // by request id
  std::unique_ptr<Pipeline> pipeline_;
  std::vector<Client> clients_;
};

}  // namespace rebound::replay

#endif  // REBOUND_TESTS_REPLAY_REPLAY_HARNESS_H_
