// AAAA synthesis from A answers (RFC 6147 5.1) and the locally answered well-known name
// ipv4only.arpa (RFC 7050 2.2, RFC 8880 7.2). Pure functions over ldns records: no I/O, no
// state; the pipeline stage that queries for A and assembles the response calls them.
#ifndef REBOUND_DNS64_DNS64_SYNTHESIZER_H_
#define REBOUND_DNS64_DNS64_SYNTHESIZER_H_

#include <cstdint>
#include <vector>

#include "dns64/address_range.h"
#include "dns64/nat64_prefix.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// RFC 6147 5.1.7: the TTL cap of synthesized records when there is no SOA to take it from.
inline constexpr uint32_t kDefaultSynthesisTtlCap = 600;

// How one DNS64 view synthesizes.
struct Dns64Policy {
  // At least one; one AAAA per prefix per A record (RFC 6147 5.2).
  std::vector<Nat64Prefix> prefixes;
  // AAAA records inside these ranges count as absent (RFC 6147 5.1.4). The RFC's example and
  // default: IPv4-mapped addresses, which an IPv6-only host cannot reach.
  std::vector<AddressRange> exclude = {*AddressRange::Parse("::ffff:0:0/96")};
  // IPv4 ranges whose addresses may be synthesized (RFC 6147 5.1.4's "mapped" set); empty means
  // all of them.
  std::vector<AddressRange> mapped;
  // Synthesize even when real AAAA records exist (unbound's dns64-synthall).
  bool synthall = false;
};

// Whether the answer to the AAAA query leaves room for synthesis, i.e. whether to look up A
// (RFC 6147 5.1.1-5.1.4). `aaaa_answer` is the answer section (CNAMEs included; only AAAA owned
// by `final_name`, the last name of the chain, count; null `final_name` means any owner).
//  * NXDOMAIN: no, even with synthall; the name does not exist, so it has no A either
//    (5.1.2 returns NXDOMAIN as is).
//  * any other RCODE but NOERROR: yes; 5.1.2 treats it as an empty answer.
//  * NOERROR: yes when no AAAA remains at `final_name` once those in `exclude` are dropped
//    (NODATA, 5.1.1; all excluded, 5.1.4), or when synthall is set.
bool NeedsSynthesis(ldns_pkt_rcode rcode, const ldns_rr_list* aaaa_answer,
                    const ldns_rdf* final_name, const Dns64Policy& policy);

// The AAAA records synthesized from the A records in `a_answer` owned by `final_name` (compared
// case-insensitively; CNAMEs and other records are skipped: the caller keeps the chain). For
// each such A record and each prefix, in that order, prefix.Embed(address), except
//  * addresses outside `mapped` when it is non-empty (RFC 6147 5.1.4),
//  * under the Well-Known Prefix, addresses that are not global (RFC 6052 3.1; IsGlobalIpv4).
// Owner and class are the A record's (the owner's letter case kept); TTL is
// min(A's TTL, negative_ttl_cap) (RFC 6147 5.1.7), see NegativeTtlCap. Never null; empty when
// nothing qualifies.
LdnsRrListPtr SynthesizeAaaa(const ldns_rr_list* a_answer, const ldns_rdf* final_name,
                             uint32_t negative_ttl_cap, const Dns64Policy& policy);

// The TTL cap for synthesized records from the authority section of the AAAA negative answer:
// min(SOA TTL, SOA MINIMUM), the negative caching TTL of RFC 2308 5, when an SOA is present
// (the smallest, should there be several); else 600 s (RFC 6147 5.1.7).
uint32_t NegativeTtlCap(const ldns_rr_list* aaaa_authority);

// Whether `name` is ipv4only.arpa (any letter case), which a DNS64 answers itself (RFC 8880
// 7.2): its A records are fixed (RFC 7050 2.2) and its AAAA are this DNS64's own synthesis.
bool IsIpv4OnlyArpa(const ldns_rdf* name);

// The TTL of the ipv4only.arpa A records answered locally. The addresses are an IANA
// assignment that does not change, so a long TTL costs nothing.
inline constexpr uint32_t kIpv4OnlyArpaATtl = 86400;

// The AAAA answer for ipv4only.arpa: 192.0.0.170 and 192.0.0.171 under each prefix, in that
// order. The Well-Known Prefix's non-global rule does not apply: these addresses are how
// clients discover the prefix (RFC 7050 3). TTL: as for any synthesized record without an SOA,
// min(A's TTL, 600) = 600 s (RFC 6147 5.1.7); short, so that clients that cache the discovered
// prefix (RFC 7050 3) see a reconfigured one soon. Owner = `qname_as_asked` (case kept), class IN.
LdnsRrListPtr Ipv4OnlyArpaAaaa(const Dns64Policy& policy, const ldns_rdf* qname_as_asked);
// The A answer for ipv4only.arpa: 192.0.0.170 and 192.0.0.171, TTL kIpv4OnlyArpaATtl.
LdnsRrListPtr Ipv4OnlyArpaA(const ldns_rdf* qname_as_asked);

}  // namespace rebound

#endif  // REBOUND_DNS64_DNS64_SYNTHESIZER_H_
