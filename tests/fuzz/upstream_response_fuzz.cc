// Feeds an arbitrary authoritative reply through the whole of what the iterator does with one:
// the real IterativeResolver asks a fixed question of a zone's server (a scripted Transport), the
// reply is classified, scrubbed to the bailiwick and stored in a real RrsetCache and
// NegativeCache, and the lookup goes on (referrals, CNAMEs, NS address lookups) until it ends.
// Then it checks what a spoofing or poisoning server must never achieve: no record outside the
// zone that was asked reaches either cache or the client's answer, and the lookup ends exactly
// once with an RCODE a client may see.
//
// Input: one selector octet, then the reply in wire format. The selector picks
//   bits 0-1  the zone whose server is asked: ".", "test.", "alpha.test." or "www.alpha.test."
//             (a stub-zone, so the first query goes straight to its server, 192.0.2.53);
//   bits 2-4  the qtype: A, AAAA, CNAME, ANY, NS, DS, MX, TXT;
//   bit 5     whether later queries for the same question (a referral followed, a retry) get the
//             same reply again, or time out;
//   bit 6     whether the reply's question is replaced by the one sent (what the transport
//             guarantees: it passes on only replies to the question it sent), or must match as
//             it is (else the transport drops it: a timeout).
// The qname is always www.alpha.test.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/core/clock.h"
#include "resolver/iterator/delegation_finder.h"
#include "resolver/iterator/infra_cache.h"
#include "resolver/iterator/iterative_resolver.h"
#include "resolver/wire/ldns_ptr.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/support/fake_transport.h"

namespace rebound {
namespace {

constexpr const char* kZones[] = {".", "test.", "alpha.test.", "www.alpha.test."};
constexpr ldns_rr_type kQtypes[] = {LDNS_RR_TYPE_A,   LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_CNAME,
                                    LDNS_RR_TYPE_ANY, LDNS_RR_TYPE_NS,   LDNS_RR_TYPE_DS,
                                    LDNS_RR_TYPE_MX,  LDNS_RR_TYPE_TXT};
constexpr char kQname[] = "www.alpha.test.";
constexpr char kZoneServer[] = "192.0.2.53";
// Every query the transport sees is answered or fails; the iterator's own cap (max_queries)
// ends a lookup long before this, so reaching it means a lookup that never ends.
constexpr int kMaxExchanges = 1000;

bool AtOrBelow(const ldns_rdf* name, const ldns_rdf* ancestor) {
  return ldns_dname_compare(name, ancestor) == 0 || ldns_dname_is_subdomain(name, ancestor);
}

LdnsRrListPtr RootHints() {
  LdnsRrListPtr hints(ldns_rr_list_new());
  for (const char* text : {". 3600000 IN NS a.root.fuzz.", "a.root.fuzz. 3600000 IN A 192.0.2.1"}) {
    ldns_rr* rr = nullptr;
    FUZZ_CHECK(ldns_rr_new_frm_str(&rr, text, 0, nullptr, nullptr) == LDNS_STATUS_OK);
    ldns_rr_list_push_rr(hints.get(), rr);
  }
  return hints;
}

// The question section of `reply` becomes the one the resolver sent.
void ReplaceQuestion(ldns_pkt* reply, const testing::FakeTransport::Sent& sent) {
  ldns_rr_list_deep_free(ldns_pkt_question(reply));
  ldns_rr_list* question = ldns_rr_list_new();
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_question(rr, true);
  ldns_rr_set_owner(rr, ldns_dname_new_frm_str(sent.name.c_str()));
  ldns_rr_set_type(rr, sent.type);
  ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
  ldns_rr_list_push_rr(question, rr);
  ldns_pkt_set_question(reply, question);
  ldns_pkt_set_qdcount(reply, 1);
}

// What UdpTcpTransport accepts as the reply to `sent` (its Matches), the ID aside: the fake
// transport hands the reply over directly, as the real one does after checking the ID.
bool MatchesQuestion(const ldns_pkt& reply, const testing::FakeTransport::Sent& sent) {
  if (!ldns_pkt_qr(&reply) || ldns_pkt_qdcount(&reply) != 1) return false;
  const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(&reply), 0);
  if (q == nullptr || ldns_rr_get_type(q) != sent.type ||
      ldns_rr_get_class(q) != LDNS_RR_CLASS_IN) {
    return false;
  }
  LdnsRdfPtr name(ldns_dname_new_frm_str(sent.name.c_str()));
  return ldns_dname_compare(ldns_rr_owner(q), name.get()) == 0;
}

// Every record of the reply, in any section, whose owner is outside `zone`: none of them may be
// found in either cache afterwards, whatever its type.
void CheckNothingOutsideZoneCached(const ldns_pkt& reply, const ldns_rdf* zone,
                                   const RrsetCache& rrsets, const NegativeCache& negatives) {
  for (const ldns_rr_list* section :
       {ldns_pkt_answer(&reply), ldns_pkt_authority(&reply), ldns_pkt_additional(&reply)}) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(section, i);
      const ldns_rdf* owner = ldns_rr_owner(rr);
      if (owner == nullptr || ldns_rdf_get_type(owner) != LDNS_RDF_TYPE_DNAME) continue;
      if (AtOrBelow(owner, zone)) continue;
      for (ldns_rr_type type :
           {ldns_rr_get_type(rr), LDNS_RR_TYPE_A, LDNS_RR_TYPE_NS, LDNS_RR_TYPE_CNAME}) {
        FUZZ_CHECK(rrsets.Lookup(owner, type, ldns_rr_get_class(rr)) == nullptr);
        FUZZ_CHECK(rrsets.Lookup(owner, type, LDNS_RR_CLASS_IN) == nullptr);
        FUZZ_CHECK(!negatives.Lookup(owner, type, LDNS_RR_CLASS_IN).has_value());
      }
    }
  }
}

// Whatever is cached at the question's name lies inside the zone and carries a sane TTL.
void CheckCachedAtQname(const ldns_rdf* qname, const ldns_rdf* zone, const RrsetCache& rrsets) {
  for (ldns_rr_type type : kQtypes) {
    LdnsRrListPtr rrset = rrsets.Lookup(qname, type, LDNS_RR_CLASS_IN);
    if (rrset == nullptr) continue;
    FUZZ_CHECK(ldns_rr_list_rr_count(rrset.get()) > 0);
    for (size_t i = 0; i < ldns_rr_list_rr_count(rrset.get()); ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(rrset.get(), i);
      FUZZ_CHECK(AtOrBelow(ldns_rr_owner(rr), zone));
      FUZZ_CHECK(ldns_rr_get_type(rr) == type);
      FUZZ_CHECK(ldns_rr_ttl(rr) <= RrsetCacheOptions{}.max_ttl);
    }
  }
}

void CheckResult(const LookupResult& result, const ldns_rdf* zone) {
  FUZZ_CHECK(result.rcode == LDNS_RCODE_NOERROR || result.rcode == LDNS_RCODE_NXDOMAIN ||
             result.rcode == LDNS_RCODE_SERVFAIL);
  // The CNAME cap holds however many links each reply carries (exhaustion_test found it did not).
  int links = 0;
  for (size_t i = 0; result.answer != nullptr && i < ldns_rr_list_rr_count(result.answer.get());
       ++i) {
    if (ldns_rr_get_type(ldns_rr_list_rr(result.answer.get(), i)) == LDNS_RR_TYPE_CNAME) ++links;
  }
  FUZZ_CHECK(links <= IteratorOptions{}.max_cname_chain);
  // What the client is told comes from the zone's server only; nothing else answered.
  for (const ldns_rr_list* list : {result.answer.get(), result.authority.get()}) {
    for (size_t i = 0; list != nullptr && i < ldns_rr_list_rr_count(list); ++i) {
      FUZZ_CHECK(AtOrBelow(ldns_rr_owner(ldns_rr_list_rr(list, i)), zone));
    }
  }
}

void Run(uint8_t selector, const uint8_t* wire, size_t size) {
  LdnsRdfPtr zone(ldns_dname_new_frm_str(kZones[selector & 3]));
  LdnsRdfPtr qname(ldns_dname_new_frm_str(kQname));
  const ldns_rr_type qtype = kQtypes[(selector >> 2) & 7];
  const bool replay = (selector & 0x20) != 0;
  const bool force_question = (selector & 0x40) != 0;

  ldns_pkt* parsed = nullptr;
  const bool parses = ldns_wire2pkt(&parsed, wire, size) == LDNS_STATUS_OK;
  LdnsPktPtr original(parsed);

  FakeClock clock;
  RrsetCache rrsets(RrsetCacheOptions{.shards = 1}, &clock);
  NegativeCache negatives(NegativeCacheOptions{.shards = 1}, &clock);
  CacheWriter writer(&rrsets, &negatives);
  InfraCache infra(InfraCacheOptions{}, &clock);
  DelegationFinder delegations(&rrsets, *RootHints());
  FUZZ_CHECK(delegations
                 .AddStubZone(kZones[selector & 3], {*Endpoint::Parse(kZoneServer, 53)}, {},
                              /*stub_first=*/false)
                 .ok());
  testing::FakeTransport transport;
  IteratorOptions options;
  options.qname_minimisation = false;  // the question is fixed: the whole name, first
  options.use_0x20 = false;
  IterativeResolver resolver(IteratorContext{&transport, &rrsets, &negatives, &writer, &infra,
                                             &delegations, &clock, options});

  int finished = 0;
  std::optional<LookupResult> result;
  resolver.Resolve(qname.get(), qtype, LDNS_RR_CLASS_IN, [&](LookupResult r) {
    ++finished;
    result = std::move(r);
  });
  // The reply goes to the zone's server's first query for the question (and with `replay` to
  // every later one); everything else times out. The first query is usually that one; a DS
  // question for the zone's own apex goes to the parent (RFC 4035 3.1.4.1), reached by priming.
  bool delivered = false;
  int exchanges = 0;
  while (transport.outstanding() > 0) {
    FUZZ_CHECK(++exchanges < kMaxExchanges);
    const testing::FakeTransport::Sent& sent = transport.front();
    LdnsRdfPtr sent_name(ldns_dname_new_frm_str(sent.name.c_str()));
    const bool our_question = sent.type == qtype &&
                              ldns_dname_compare(sent_name.get(), qname.get()) == 0 &&
                              sent.server == *Endpoint::Parse(kZoneServer, 53);
    if (!(our_question && (!delivered || replay))) {
      transport.Reply(absl::DeadlineExceededError("fuzz: no answer"));
      continue;
    }
    delivered = true;
    if (!parses) {
      transport.Reply(absl::DataLossError("fuzz: unparseable reply"));
      continue;
    }
    LdnsPktPtr reply(ldns_pkt_clone(original.get()));
    if (force_question) ReplaceQuestion(reply.get(), sent);
    if (!MatchesQuestion(*reply, sent)) {
      transport.Reply(absl::DeadlineExceededError("fuzz: reply to another question dropped"));
      continue;
    }
    transport.Reply(std::move(reply));
  }
  FUZZ_CHECK(finished == 1);
  FUZZ_CHECK(resolver.lookups_in_progress() == 0);
  CheckResult(*result, zone.get());
  if (parses) CheckNothingOutsideZoneCached(*original, zone.get(), rrsets, negatives);
  CheckCachedAtQname(qname.get(), zone.get(), rrsets);
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  rebound::Run(data[0], data + 1, size - 1);
  return 0;
}
