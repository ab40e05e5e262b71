// Requests to bootstrap relays and the checks their answers must pass. A relay is trusted by
// its certificate, yet its answer is still only accepted for the question that was asked, and
// its TTLs are capped so that relay answers leave the cache soon once ordinary DNS is back.
#ifndef REBOUND_BOOTSTRAP_RELAY_ANSWER_H_
#define REBOUND_BOOTSTRAP_RELAY_ANSWER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "bootstrap/relay.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// The EDNS0 UDP payload size offered in relay queries. The answer comes over HTTPS and is not
// limited by UDP (RFC 8484 6), so the size only tells the relay's own upstream what we take.
inline constexpr uint16_t kRelayEdnsPayloadSize = 4096;
// Longest TTL of a record built from a JSON relay answer, which carries no TTLs.
inline constexpr uint32_t kJsonAnswerTtl = 300;
// More addresses than this in a JSON answer is not a real host's address set; refusing keeps
// the built message far below the 65535-octet DNS limit.
inline constexpr size_t kMaxJsonAddresses = 256;

// The query a DoH GET carries (RFC 8484 4.1): ID 0 so that HTTP caches can share answers, RD set,
// EDNS0 OPT, the name lowercased (caches key on the URI; case does not matter in DNS).
std::vector<uint8_t> RelayQueryWire(const ldns_rdf* qname, ldns_rr_type qtype);

// path + "?dns=" + base64url without padding (RFC 8484 4.1, 6) of RelayQueryWire().
std::string DohGetPath(const Relay& relay, const ldns_rdf* qname, ldns_rr_type qtype);

// path + "?q=" + the name in presentation form, lowercased, without its final dot ("." for the
// root), every octet but the unreserved ones (RFC 3986 2.3) percent-encoded.
std::string JsonGetPath(const Relay& relay, const ldns_rdf* qname);

// Accepts only an answer to exactly this question: QR=1, TC=0, ID 0, opcode QUERY, one question
// equal to (qname, qtype, IN) ignoring letter case, rcode NOERROR or NXDOMAIN. Every TTL (answer,
// authority, additional, and the MINIMUM of an SOA, which bounds negative caching, RFC 2308 5)
// is capped at max_ttl. A matching answer with another rcode (SERVFAIL, REFUSED, ...) is an
// UnavailableError: the relay is fine, it could not resolve the name. Anything else is an
// InvalidArgumentError saying what was wrong.
absl::StatusOr<LdnsPktPtr> AcceptDohResponse(absl::Span<const uint8_t> wire, const ldns_rdf* qname,
                                             ldns_rr_type qtype, uint32_t max_ttl);

// Accepts a JSON relay answer {"name": ["192.0.2.1", "2001:db8::1"]} to an A or AAAA question:
// one member whose key is the name asked (letter case and a final dot do not matter) and whose
// value is an array of address strings. Builds a NOERROR answer with ID 0, QR, RD and RA set,
// holding the addresses of the asked family (the others are left out) with TTL
// min(max_ttl, kJsonAnswerTtl); an empty array, or one without the family, is a NOERROR answer
// with no records. Malformed JSON, another key, a value that is not an address, a question that
// is not A or AAAA: InvalidArgumentError.
absl::StatusOr<LdnsPktPtr> AcceptJsonResponse(absl::string_view body, const ldns_rdf* qname,
                                              ldns_rr_type qtype, uint32_t max_ttl);

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_RELAY_ANSWER_H_
