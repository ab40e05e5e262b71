// The DNSSEC records a response carries only for a client that asked for them with the DO bit
// (RFC 3225 3, RFC 4035 3.2.1).
#ifndef REBOUND_RESOLVER_WIRE_DNSSEC_RECORDS_H_
#define REBOUND_RESOLVER_WIRE_DNSSEC_RECORDS_H_

#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// RFC 4035 3.2.1: "If the DO bit in an initiating query is not set, the name server side MUST
// strip any authenticating DNSSEC RRs from the response but MUST NOT strip any DNSSEC RR types
// that the initiating query explicitly requested." The authenticating records are RRSIG, NSEC
// and NSEC3 (RFC 4035 3.1.1, 3.1.3); this removes them from the answer, authority and
// additional sections of `response` (a client without EDNS counts as DO=0, RFC 3225 3), except
// the answer section's records of type `qtype` when the client asked for RRSIG, NSEC or NSEC3
// by name. Every other record stays, in order; the section counts in the header are updated.
void RemoveUnrequestedDnssecRecords(ldns_pkt& response, ldns_rr_type qtype);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_WIRE_DNSSEC_RECORDS_H_
