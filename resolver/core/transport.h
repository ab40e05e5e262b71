// The only way stages reach the network: one question to one server, answer or error.
#ifndef REBOUND_RESOLVER_CORE_TRANSPORT_H_
#define REBOUND_RESOLVER_CORE_TRANSPORT_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "resolver/core/endpoint.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

struct UpstreamQuestion {
  const ldns_rdf* name = nullptr;  // copied by the transport
  ldns_rr_type type = LDNS_RR_TYPE_A;
  ldns_rr_class qclass = LDNS_RR_CLASS_IN;
  bool recursion_desired = false;
  bool checking_disabled = false;
  bool dnssec_ok = false;
  // Send an OPT record (RFC 6891); off for a server that answered FORMERR to one.
  bool edns = true;
  // 0x20 (draft-vixie-dnsext-dns0x20): send the name with random letter case and accept over UDP
  // only a reply that echoes it exactly, so a spoofer must guess the case bits too.
  bool randomize_case = false;
  // The zone the server is asked as a server of, for dnstap's query_zone; may be null. Read
  // during Query() only.
  const ldns_rdf* zone = nullptr;
};

class Transport {
 public:
  // The matched response, or DeadlineExceeded (no answer in time), Unavailable (network or
  // host unreachable, connection refused), DataLoss (a reply that could not be parsed),
  // ResourceExhausted (no socket could be had in time: a local limit, which says nothing about
  // the server) or, with randomize_case, FailedPrecondition when the only replies that came did
  // not echo the case.
  using Callback = std::function<void(absl::StatusOr<LdnsPktPtr>)>;

  virtual ~Transport() = default;
  // Sends `q` to `server` with a fresh random ID from a fresh random source port and accepts a
  // reply only from that address and port, with that ID and the same question; a reply with
  // TC=1 is retried over TCP. `cb` runs exactly once, on the caller's event loop, and never from
  // inside Query() itself.
  // Returns a ticket for Cancel, never 0.
  virtual uint64_t Query(const Endpoint& server, const UpstreamQuestion& q, absl::Duration timeout,
                         Callback cb) = 0;
  // Ends the exchange with this ticket at once, without calling its callback, and frees what it
  // holds (its socket); a no-op when it has already finished.
  virtual void Cancel(uint64_t ticket) = 0;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_TRANSPORT_H_
