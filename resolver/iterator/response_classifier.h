// What an authoritative server's reply means to the iterator, after scrubbing everything the
// server had no right to say (RFC 2181 5.4.1 ranks data by where it came from; the bailiwick rule
// keeps a server to the names of the zone it was asked as).
#ifndef REBOUND_RESOLVER_ITERATOR_RESPONSE_CLASSIFIER_H_
#define REBOUND_RESOLVER_ITERATOR_RESPONSE_CLASSIFIER_H_

#include "resolver/iterator/private_addresses.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

enum class ResponseKind {
  // The RRset(s) of (qname, qtype), possibly at the end of a CNAME/DNAME chain in this reply.
  kAnswer,
  // A CNAME/DNAME chain whose last target is not answered in this reply (it leaves the zone, the
  // server stopped, the chain loops or is too long): resolve next_name afresh.
  kCname,
  // A downward delegation: an NS RRset for a zone strictly below `zone`, at or above qname.
  kReferral,
  // RCODE 3: the chain's last name does not exist (RFC 6604 3: possibly after a CNAME chain).
  kNxdomain,
  // NOERROR, no data of qtype at the chain's last name, not a referral (RFC 2308 2.2).
  kNodata,
  // The server is not authoritative for `zone` (RFC 4697 2.3): an upward, sideways or same-zone
  // "referral", a non-AA empty reply without SOA, or a recursive server's (RA=1, AA=0) answer.
  kLame,
  // SERVFAIL, REFUSED, NOTIMP, any other RCODE, or a reply that contradicts itself: try another
  // server.
  kServerError,
  // FORMERR (or the EDNS BADVERS): the iterator retries without EDNS (RFC 6891 7).
  kFormerr,
};

// For logs and test messages: "answer", "cname", "referral", ...
const char* ResponseKindName(ResponseKind kind);

// The lists are never null (empty when nothing is kept); the names are null unless the kind says
// otherwise. Every record is a copy owned here, with the class of the reply's question.
struct ClassifiedResponse {
  ResponseKind kind = ResponseKind::kServerError;
  bool authoritative = false;  // the AA bit
  // kAnswer, kCname, kNxdomain, kNodata: the chain in order (each DNAME, then the CNAME it
  // synthesizes; each CNAME from qname on) and for kAnswer the final RRset(s) of qtype, each with
  // the RRSIGs covering it.
  LdnsRrListPtr answer;
  // kCname: the name the chain ends at, still to resolve.
  LdnsRdfPtr next_name;
  // kReferral: the child zone (the owner of the NS RRset).
  LdnsRdfPtr referral_zone;
  // kReferral: the NS RRset, plus DS, NSEC and NSEC3 records and the RRSIGs covering those.
  // kNxdomain, kNodata: the SOA of an in-bailiwick zone at or above the chain's last name, its
  // RRSIGs, and the NSEC/NSEC3 records (+ RRSIGs) inside that zone; empty without such an SOA.
  LdnsRrListPtr authority;
  // kReferral: glue, the A/AAAA records of the referral's NS targets that are within `zone`.
  LdnsRrListPtr additional;
  // kReferral: addresses of NS targets outside `zone`, which the bailiwick rule forbids to trust
  // or cache (RFC 2181 5.4.1). The iterator uses them for this delegation only, and only with
  // harden-glue: no.
  LdnsRrListPtr foreign_glue;
};

// Classifies `reply`, the answer of a server of `zone` (the delegation being followed: "." for
// the root servers) to the question (qname, qtype); qname must be at or under `zone`. The
// transport has matched the reply's ID and question and retried truncated replies over TCP.
// `reply` is not modified.
//
// Every record kept is at or under `zone` (the bailiwick rule): when asking the test. servers an
// A record for www.example. in any section is dropped, and a CNAME chain that leaves `zone` is cut
// at the first target outside it (kCname: the iterator asks for next_name afresh). Records of
// another class than the question's are dropped, as are answer records off the chain.
// Who sent the reply: a zone's own server, or a resolver that recursed for us (a forward-zone's
// forward-addr, asked with RD=1 and trusted for the whole of `zone`, as unbound trusts it).
enum class Upstream { kAuthoritative, kRecursive };

ClassifiedResponse ClassifyResponse(const ldns_pkt& reply, const ldns_rdf* qname,
                                    ldns_rr_type qtype, const ldns_rdf* zone,
                                    Upstream upstream = Upstream::kAuthoritative);

// private-address: removes the private A and AAAA records (PrivateAddresses::RemoveFrom) from
// every list of `response`, the reply to a question of type `qtype`. unbound scrubs them before
// it reads the reply and never answers SERVFAIL for them; here the kind is settled already, and
// changes only where the scrub took the data asked for: a kAnswer left without a record of qtype
// (for ANY, without any record) becomes kNodata with no SOA, which the caches do not keep as a
// negative answer (RFC 2308 3), so the client gets NOERROR without the records, and the CNAME
// chain that led there, as from unbound. Glue taken from a referral leaves that server to be
// resolved like a server without glue. Does nothing, and copies nothing, when `private_addresses`
// is empty.
void RemovePrivateAddresses(const PrivateAddresses& private_addresses, ldns_rr_type qtype,
                            ClassifiedResponse& response);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_RESPONSE_CLASSIFIER_H_
