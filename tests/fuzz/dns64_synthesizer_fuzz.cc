// Feeds arbitrary bytes, parsed as a DNS message, to the DNS64 synthesizer as if it were the
// answer to the A query: the final name is the question name followed through the answer's
// CNAME chain, the TTL cap comes from the authority section. Checks that nothing crashes or
// leaks, and that every synthesized record is an AAAA owned by the final name, inside one of the
// prefixes, embedding an address of an A record at that name that the policy allows, with a TTL
// within the cap; and that the records are exactly one per allowed (A record, prefix) pair, in
// order.
#include <netinet/in.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <vector>

#include "dns64/address_range.h"
#include "dns64/dns64_synthesizer.h"
#include "dns64/global_ipv4.h"
#include "dns64/nat64_prefix.h"
#include "resolver/wire/ldns_ptr.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

// Bounds the walk in case the answer's CNAMEs loop.
constexpr int kMaxChain = 16;

Dns64Policy MakePolicy(std::initializer_list<const char*> prefixes,
                       std::initializer_list<const char*> mapped) {
  Dns64Policy policy;
  for (const char* p : prefixes) policy.prefixes.push_back(*Nat64Prefix::Parse(p));
  for (const char* m : mapped) policy.mapped.push_back(*AddressRange::Parse(m));
  return policy;
}

const ldns_rdf* FinalName(const ldns_rdf* qname, const ldns_rr_list* answer) {
  const ldns_rdf* name = qname;
  for (int step = 0; step < kMaxChain; ++step) {
    const ldns_rdf* next = nullptr;
    for (size_t i = 0; i < ldns_rr_list_rr_count(answer) && next == nullptr; ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(answer, i);
      if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && ldns_rr_rd_count(rr) == 1 &&
          ldns_dname_compare(ldns_rr_owner(rr), name) == 0) {
        next = ldns_rr_rdf(rr, 0);
      }
    }
    if (next == nullptr) break;
    name = next;
  }
  return name;
}

in6_addr V6(const ldns_rr* rr) {
  in6_addr a{};
  std::memcpy(a.s6_addr, ldns_rdf_data(ldns_rr_rdf(rr, 0)), sizeof a.s6_addr);
  return a;
}

bool Allowed(const Dns64Policy& policy, const Nat64Prefix& prefix, in_addr v4) {
  if (!policy.mapped.empty()) {
    bool in = false;
    for (const AddressRange& r : policy.mapped) in = in || r.Contains(v4);
    if (!in) return false;
  }
  return !prefix.IsWellKnown() || IsGlobalIpv4(v4);
}

void Check(const ldns_pkt* pkt, const ldns_rdf* final_name, uint32_t cap,
           const Dns64Policy& policy) {
  const ldns_rr_list* answer = ldns_pkt_answer(pkt);
  NeedsSynthesis(ldns_pkt_get_rcode(pkt), answer, final_name, policy);
  const LdnsRrListPtr out = SynthesizeAaaa(answer, final_name, cap, policy);
  FUZZ_CHECK(out != nullptr);

  // The expected records, independently: the A records at the final name, each under every
  // prefix it may go under.
  struct Expected {
    in6_addr address;
    uint32_t ttl;
    const ldns_rr* a;
  };
  std::vector<Expected> expected;
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A ||
        ldns_dname_compare(ldns_rr_owner(rr), final_name) != 0 || ldns_rr_rd_count(rr) != 1 ||
        ldns_rdf_size(ldns_rr_rdf(rr, 0)) != 4) {
      continue;
    }
    in_addr v4{};
    std::memcpy(&v4.s_addr, ldns_rdf_data(ldns_rr_rdf(rr, 0)), 4);
    for (const Nat64Prefix& prefix : policy.prefixes) {
      if (!Allowed(policy, prefix, v4)) continue;
      expected.push_back({prefix.Embed(v4), std::min(ldns_rr_ttl(rr), cap), rr});
    }
  }

  FUZZ_CHECK(ldns_rr_list_rr_count(out.get()) == expected.size());
  for (size_t i = 0; i < ldns_rr_list_rr_count(out.get()); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(out.get(), i);
    FUZZ_CHECK(ldns_rr_get_type(rr) == LDNS_RR_TYPE_AAAA);
    FUZZ_CHECK(ldns_dname_compare(ldns_rr_owner(rr), final_name) == 0);
    FUZZ_CHECK(ldns_rr_rd_count(rr) == 1 && ldns_rdf_size(ldns_rr_rdf(rr, 0)) == 16);
    FUZZ_CHECK(ldns_rr_ttl(rr) <= cap);
    const in6_addr v6 = V6(rr);
    FUZZ_CHECK(std::memcmp(v6.s6_addr, expected[i].address.s6_addr, 16) == 0);
    FUZZ_CHECK(ldns_rr_ttl(rr) == expected[i].ttl);
    FUZZ_CHECK(ldns_rr_get_class(rr) == ldns_rr_get_class(expected[i].a));
    // Inside a prefix whose Extract gives back the A record's address.
    bool found = false;
    for (const Nat64Prefix& prefix : policy.prefixes) {
      const std::optional<in_addr> back = prefix.Extract(v6);
      found = found ||
              (prefix.Contains(v6) && back.has_value() &&
               std::memcmp(&back->s_addr, ldns_rdf_data(ldns_rr_rdf(expected[i].a, 0)), 4) == 0);
    }
    FUZZ_CHECK(found);
  }
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(google-build-using-namespace): fuzz entry point
  static const Dns64Policy kWellKnownAndNsp = MakePolicy({"64:ff9b::/96", "2001:db8:100::/40"}, {});
  static const Dns64Policy kNested =
      MakePolicy({"2001:db8::/32", "2001:db8:122:344::/64"}, {"0.0.0.0/1", "192.0.2.0/24"});

  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, data, size) != LDNS_STATUS_OK) return 0;
  const LdnsPktPtr pkt(raw);
  const ldns_rr_list* question = ldns_pkt_question(pkt.get());
  if (ldns_rr_list_rr_count(question) == 0) return 0;
  const ldns_rdf* qname = ldns_rr_owner(ldns_rr_list_rr(question, 0));
  const ldns_rdf* final_name = FinalName(qname, ldns_pkt_answer(pkt.get()));
  const uint32_t cap = NegativeTtlCap(ldns_pkt_authority(pkt.get()));
  FUZZ_CHECK(cap <= kDefaultSynthesisTtlCap ||
             ldns_rr_list_rr_count(ldns_pkt_authority(pkt.get())) > 0);

  Check(pkt.get(), final_name, cap, kWellKnownAndNsp);
  Check(pkt.get(), final_name, cap, kNested);

  if (IsIpv4OnlyArpa(qname)) {
    const LdnsRrListPtr aaaa = Ipv4OnlyArpaAaaa(kWellKnownAndNsp, qname);
    FUZZ_CHECK(ldns_rr_list_rr_count(aaaa.get()) == 4);
    const LdnsRrListPtr a = Ipv4OnlyArpaA(qname);
    FUZZ_CHECK(ldns_rr_list_rr_count(a.get()) == 2);
  }
  return 0;
}
