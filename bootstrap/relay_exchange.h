// How BootstrapStage reaches the relays: RelayClient (HTTPS, libuv timers) in the daemon, a fake
// in tests, the way upstream UDP/TCP sits behind Transport. The stage itself does no I/O.
#ifndef REBOUND_BOOTSTRAP_RELAY_EXCHANGE_H_
#define REBOUND_BOOTSTRAP_RELAY_EXCHANGE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "bootstrap/relay.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

struct RelayAnswer {
  LdnsPktPtr packet;  // checked: ID 0, the question asked, TTLs capped
  Relay relay;        // who answered
};

class RelayExchange {
 public:
  // Unavailable, naming each relay's failure, when none gave an acceptable answer.
  using Callback = std::function<void(absl::StatusOr<RelayAnswer>)>;

  virtual ~RelayExchange() = default;
  // `cb` runs exactly once, on the caller's loop, unless the exchange is cancelled: inside
  // Resolve when no relay can be asked at all, later otherwise. Returns an id for Cancel.
  virtual uint64_t Resolve(const ldns_rdf* qname, ldns_rr_type qtype, Callback cb) = 0;
  // The exchange's callback never runs; a no-op once it has.
  virtual void Cancel(uint64_t id) = 0;
  // The relays exchange `id` has a request out to now (dump_requestlist's "wait for"); none
  // once it has ended.
  virtual std::vector<Endpoint> Awaited(uint64_t id) const = 0;
};

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_RELAY_EXCHANGE_H_
