// The pipeline stage between the cache and the iterator that keeps a broken host resolving:
//
//  - ordinary state: queries go on to the iterator; when one comes back SERVFAIL because no
//    server could be reached at all (Request::unreachable, set by IteratorStage), the relays are
//    asked for that query before the client gets SERVFAIL, and the HealthMonitor may have the
//    root servers probed: only their silence enters bootstrap state, one zone's dead servers
//    do not;
//  - bootstrap state and `bootstrap: only`: the relays are asked first; in bootstrap state one
//    query now and then also probes the ordinary path, and the first probe that hears back
//    returns the resolver to ordinary state.
//
// A server's own SERVFAIL or NXDOMAIN is an answer, not a reason to ask the relays. Relay
// answers go back through the cache like any other (their TTLs already capped at
// bootstrap-max-ttl), so a relay is asked once per name and TTL.
#ifndef REBOUND_BOOTSTRAP_BOOTSTRAP_STAGE_H_
#define REBOUND_BOOTSTRAP_BOOTSTRAP_STAGE_H_

#include <functional>
#include <memory>

#include "bootstrap/health_monitor.h"
#include "bootstrap/relay_exchange.h"
#include "bootstrap/relay_scope.h"
#include "resolver/core/published.h"
#include "resolver/core/request.h"
#include "resolver/core/stage.h"
#include "resolver/iterator/private_addresses.h"

namespace rebound {

class BootstrapStage : public Stage {
 public:
  // Asks the root servers (or the forwarders for ".") something past every cache, the same
  // question whoever asked what, and says what came back.
  using Probe = std::function<void(std::function<void(ProbeOutcome)>)>;

  // `health` is shared and must outlive the stage; `relays` is this worker's (RelayClient).
  // `scope` (shared, may be null: every name) says which names the relays may be asked about;
  // the version published when a question arrives decides for it.
  // `private_addresses` (shared, may be null: none) is private-address, applied to the relays'
  // answers as to every other reply from outside.
  BootstrapStage(HealthMonitor* health, std::unique_ptr<RelayExchange> relays, Probe probe,
                 const Published<RelayScope>* scope = nullptr,
                 const PrivateAddresses* private_addresses = nullptr);

  StageResult OnQuery(Request& req) override;
  StageResult OnAnswer(Request& req) override;
  // Stops the relay exchange the request waits for.
  void OnCancel(Request& req) override;
  // The relays the request's exchange waits for.
  std::string DescribeWait(Request& req) override;
  const char* name() const override { return "bootstrap"; }

 private:
  // Whether the relays may be asked this question at all: what ordinary resolution serves
  // (Request::resolvable), and not routed elsewhere by the user (RelayScope).
  bool Relayable(const Request& req) const;
  // The relays' answer to (name, type), in the shape a client answer has. Unavailable when no
  // relay answered. Returns the exchange's id.
  uint64_t AskRelays(const ldns_rdf* name, ldns_rr_type type,
                     std::function<void(absl::StatusOr<LdnsPktPtr>)> done);
  // In bootstrap state, lets one query in a while find out whether ordinary DNS works again.
  void MaybeProbe();
  // Runs the probe and tells the monitor what it found.
  void RunProbe();

  HealthMonitor* health_;
  std::unique_ptr<RelayExchange> relays_;
  Probe probe_;
  const Published<RelayScope>* scope_;
  const PrivateAddresses* private_addresses_;
};

// The client-facing answer made of a relay's: its RCODE, the CNAME chain from the question and
// the RRset it ends at, and a negative answer's SOA. Anything else the relay sent is left out,
// so that only data about the question asked reaches the cache. With `private_addresses` (may be
// null), the private A and AAAA records are left out too, as unbound leaves them out of every
// reply from outside; an answer that loses them keeps no SOA, so it is not cached as NODATA.
LdnsPktPtr AnswerFromRelay(const ldns_pkt& relay_answer, const ldns_rdf* qname, ldns_rr_type qtype,
                           const PrivateAddresses* private_addresses = nullptr);

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_BOOTSTRAP_STAGE_H_
