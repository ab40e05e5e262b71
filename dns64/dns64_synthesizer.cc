#include "dns64/dns64_synthesizer.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "dns64/global_ipv4.h"

namespace rebound {
namespace {

// RFC 1035 3.3.13: the SOA's fields are MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM.
constexpr int kSoaMinimumField = 6;

// RFC 7050 2.2: the well-known IPv4-only addresses of ipv4only.arpa.
constexpr uint8_t kIpv4OnlyAddresses[2][4] = {{192, 0, 0, 170}, {192, 0, 0, 171}};

bool OwnedBy(const ldns_rr* rr, const ldns_rdf* name) {
  return name == nullptr || ldns_dname_compare(ldns_rr_owner(rr), name) == 0;
}

// The address of an A record; nullopt when the rdata is not the 4 bytes it should be.
std::optional<in_addr> AAddress(const ldns_rr* rr) {
  if (ldns_rr_rd_count(rr) != 1) return std::nullopt;
  const ldns_rdf* rdf = ldns_rr_rdf(rr, 0);
  if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_A || ldns_rdf_size(rdf) != sizeof(in_addr)) {
    return std::nullopt;
  }
  in_addr a{};
  std::memcpy(&a.s_addr, ldns_rdf_data(rdf), sizeof a.s_addr);
  return a;
}

std::optional<in6_addr> AaaaAddress(const ldns_rr* rr) {
  if (ldns_rr_rd_count(rr) != 1) return std::nullopt;
  const ldns_rdf* rdf = ldns_rr_rdf(rr, 0);
  if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_AAAA || ldns_rdf_size(rdf) != sizeof(in6_addr)) {
    return std::nullopt;
  }
  in6_addr a{};
  std::memcpy(a.s6_addr, ldns_rdf_data(rdf), sizeof a.s6_addr);
  return a;
}

bool InAny(const std::vector<AddressRange>& ranges, const in6_addr& a) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const AddressRange& r) { return r.Contains(a); });
}

bool InAny(const std::vector<AddressRange>& ranges, const in_addr& a) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [&](const AddressRange& r) { return r.Contains(a); });
}

LdnsRrPtr MakeRr(const ldns_rdf* owner, ldns_rr_type type, ldns_rr_class klass, uint32_t ttl,
                 ldns_rdf_type rdf_type, size_t size, const void* data) {
  LdnsRrPtr rr(ldns_rr_new());
  ldns_rr_set_type(rr.get(), type);
  ldns_rr_set_owner(rr.get(), ldns_rdf_clone(owner));
  ldns_rr_set_class(rr.get(), klass);
  ldns_rr_set_ttl(rr.get(), ttl);
  ldns_rr_push_rdf(rr.get(), ldns_rdf_new_frm_data(rdf_type, size, data));
  return rr;
}

void Push(ldns_rr_list* list, LdnsRrPtr rr) { ldns_rr_list_push_rr(list, rr.release()); }

}  // namespace

bool NeedsSynthesis(ldns_pkt_rcode rcode, const ldns_rr_list* aaaa_answer,
                    const ldns_rdf* final_name, const Dns64Policy& policy) {
  if (rcode == LDNS_RCODE_NXDOMAIN) return false;
  if (rcode != LDNS_RCODE_NOERROR) return true;  // RFC 6147 5.1.2
  if (policy.synthall) return true;
  for (size_t i = 0; i < ldns_rr_list_rr_count(aaaa_answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(aaaa_answer, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_AAAA || !OwnedBy(rr, final_name)) continue;
    const std::optional<in6_addr> a = AaaaAddress(rr);
    // RFC 6147 5.1.4: an AAAA in an excluded range is treated as if it were not there. A
    // malformed one is no usable address either.
    if (a.has_value() && !InAny(policy.exclude, *a)) return false;
  }
  return true;
}

LdnsRrListPtr SynthesizeAaaa(const ldns_rr_list* a_answer, const ldns_rdf* final_name,
                             uint32_t negative_ttl_cap, const Dns64Policy& policy) {
  LdnsRrListPtr out(ldns_rr_list_new());
  for (size_t i = 0; i < ldns_rr_list_rr_count(a_answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(a_answer, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A || !OwnedBy(rr, final_name)) continue;
    const std::optional<in_addr> v4 = AAddress(rr);
    if (!v4.has_value()) continue;
    // RFC 6147 5.1.4: only addresses in the mapped set are synthesized.
    if (!policy.mapped.empty() && !InAny(policy.mapped, *v4)) continue;
    const bool global = IsGlobalIpv4(*v4);
    // RFC 6147 5.1.7: the synthesized record lives no longer than the A record, nor than the
    // negative answer that said there was no AAAA.
    const uint32_t ttl = std::min(ldns_rr_ttl(rr), negative_ttl_cap);
    for (const Nat64Prefix& prefix : policy.prefixes) {
      // RFC 6052 3.1: the Well-Known Prefix MUST NOT be used to represent non-global IPv4
      // addresses.
      if (!global && prefix.IsWellKnown()) continue;
      const in6_addr v6 = prefix.Embed(*v4);
      Push(out.get(), MakeRr(ldns_rr_owner(rr), LDNS_RR_TYPE_AAAA, ldns_rr_get_class(rr), ttl,
                             LDNS_RDF_TYPE_AAAA, sizeof v6.s6_addr, v6.s6_addr));
    }
  }
  return out;
}

uint32_t NegativeTtlCap(const ldns_rr_list* aaaa_authority) {
  std::optional<uint32_t> cap;
  for (size_t i = 0; i < ldns_rr_list_rr_count(aaaa_authority); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(aaaa_authority, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(rr) <= kSoaMinimumField) {
      continue;
    }
    const ldns_rdf* minimum = ldns_rr_rdf(rr, kSoaMinimumField);
    if (ldns_rdf_size(minimum) != sizeof(uint32_t)) continue;
    // RFC 2308 5: the negative answer is cached for min(SOA TTL, SOA MINIMUM).
    const uint32_t negative_ttl = std::min(ldns_rr_ttl(rr), ldns_rdf2native_int32(minimum));
    cap = std::min(cap.value_or(negative_ttl), negative_ttl);
  }
  return cap.value_or(kDefaultSynthesisTtlCap);
}

bool IsIpv4OnlyArpa(const ldns_rdf* name) {
  LdnsRdfPtr well_known(ldns_dname_new_frm_str("ipv4only.arpa."));
  return name != nullptr && ldns_rdf_get_type(name) == LDNS_RDF_TYPE_DNAME &&
         ldns_dname_compare(name, well_known.get()) == 0;
}

LdnsRrListPtr Ipv4OnlyArpaAaaa(const Dns64Policy& policy, const ldns_rdf* qname_as_asked) {
  LdnsRrListPtr out(ldns_rr_list_new());
  const uint32_t ttl = std::min(kIpv4OnlyArpaATtl, kDefaultSynthesisTtlCap);
  for (const Nat64Prefix& prefix : policy.prefixes) {
    for (const uint8_t* bytes : kIpv4OnlyAddresses) {
      in_addr v4{};
      std::memcpy(&v4.s_addr, bytes, sizeof v4.s_addr);
      const in6_addr v6 = prefix.Embed(v4);
      Push(out.get(), MakeRr(qname_as_asked, LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN, ttl,
                             LDNS_RDF_TYPE_AAAA, sizeof v6.s6_addr, v6.s6_addr));
    }
  }
  return out;
}

LdnsRrListPtr Ipv4OnlyArpaA(const ldns_rdf* qname_as_asked) {
  LdnsRrListPtr out(ldns_rr_list_new());
  for (const uint8_t* bytes : kIpv4OnlyAddresses) {
    Push(out.get(), MakeRr(qname_as_asked, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, kIpv4OnlyArpaATtl,
                           LDNS_RDF_TYPE_A, 4, bytes));
  }
  return out;
}

}  // namespace rebound
