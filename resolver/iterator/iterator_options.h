// What the iterator may do and how much of it: the config's switches and the limits that bound
// the work one client query can cause.
#ifndef REBOUND_RESOLVER_ITERATOR_ITERATOR_OPTIONS_H_
#define REBOUND_RESOLVER_ITERATOR_ITERATOR_OPTIONS_H_

#include <functional>

#include "absl/time/time.h"
#include "resolver/core/endpoint.h"
#include "resolver/iterator/private_addresses.h"

namespace rebound {

struct IteratorOptions {
  // ---- From the config ------------------------------------------------------------------------
  bool do_ip4 = true;
  bool do_ip6 = true;
  bool prefer_ip6 = false;
  bool do_not_query_localhost = true;
  bool qname_minimisation = true;  // RFC 9156
  // harden-glue: glue for a name outside the referring zone is dropped (RFC 2181 5.4.1's
  // bailiwick rule). Off, such glue is used to reach the delegation's servers, for that
  // delegation only and never cached: some zones really are in a glue cycle.
  bool harden_glue = true;
  bool use_0x20 = true;  // use-caps-for-id
  // do-nat64: the IPv6 address (under the NAT64 prefix) that reaches an IPv4 server through the
  // translator, so an IPv6-only resolver (do-ip4: no) can still ask IPv4-only servers. Empty: off.
  std::function<Endpoint(const Endpoint&)> nat64;
  // private-address and private-domain: the A and AAAA records every reply (from a zone's
  // servers or a forwarder) loses before it is classified further or cached. Empty: none.
  PrivateAddresses private_addresses;

  // ---- Limits per client query (every sub-query it causes counts against them) ----------------
  // After this long the client gets SERVFAIL.
  absl::Duration budget = absl::Seconds(10);
  // ... or after this long when no server has sent anything back (see QueryBudget). Infinite
  // unless a fallback exists: main sets it when the bootstrap relays are enabled.
  absl::Duration budget_without_reply = absl::InfiniteDuration();
  // Queries sent to authoritative servers.
  int max_queries = 64;
  // NS names whose addresses are looked up (NXNSAttack, CVE-2020-12662): per delegation, and in
  // all for the client query.
  int max_ns_lookups_per_delegation = 4;
  int max_ns_lookups = 12;
  // Nested lookups (an NS name's address needing another NS name's address ...).
  int max_depth = 5;

  // ---- Limits per lookup --------------------------------------------------------------------
  // CNAME links followed in one lookup, whether they came in one reply or in several (unbound
  // stops after 11 restarts; RFC 1034 3.6.2 asks for a limit).
  int max_cname_chain = 12;
  // Sends to one server address for one question: a lost datagram is retried (with a longer
  // timeout, InfraCache backs off) once every address has had its first try.
  int max_sends_per_server = 3;
  // Referrals followed down from the starting delegation.
  int max_referrals = 30;
  // RFC 9156 3: at most this many minimised queries, then the full name is asked.
  int max_minimise_steps = 10;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_ITERATOR_OPTIONS_H_
