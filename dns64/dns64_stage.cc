#include "dns64/dns64_stage.h"

#include <memory>
#include <optional>
#include <utility>

#include "dns64/reverse_name.h"
#include "resolver/core/request.h"
#include "resolver/wire/cname_chain.h"
#include "resolver/wire/names.h"

namespace rebound {

struct Dns64Stage::State {
  bool synthesize = false;  // an AAAA question from a client that gets DNS64
};

namespace {

std::shared_ptr<ldns_rdf> SharedName(const ldns_rdf* name) {
  return std::shared_ptr<ldns_rdf>(ldns_rdf_clone(name), ldns_rdf_deep_free);
}

// The CNAME (and DNAME) records of an answer section: the chain to keep in front of the
// synthesized records.
std::shared_ptr<ldns_rr_list> ChainRecords(const ldns_rr_list* answer) {
  std::shared_ptr<ldns_rr_list> chain(ldns_rr_list_new(), ldns_rr_list_deep_free);
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    const ldns_rr_type type = ldns_rr_get_type(rr);
    if (type == LDNS_RR_TYPE_CNAME || type == LDNS_RR_TYPE_DNAME) {
      ldns_rr_list_push_rr(chain.get(), ldns_rr_clone(rr));
    }
  }
  return chain;
}

void AppendCopies(const ldns_rr_list* records, ldns_pkt* pkt) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, ldns_rr_clone(ldns_rr_list_rr(records, i)));
  }
}

}  // namespace

Dns64Stage::Dns64Stage(Dns64Options options, WorkerStats* stats)
    : options_(std::move(options)), stats_(stats) {
  for (const std::string& name : options_.ignore_aaaa) {
    if (ldns_rdf* rdf = ldns_dname_new_frm_str(name.c_str())) ignore_aaaa_.emplace_back(rdf);
  }
}

bool Dns64Stage::AppliesTo(const Request& req) const {
  return req.qclass() == LDNS_RR_CLASS_IN && req.client().dns64_view;
}

bool Dns64Stage::IgnoresAaaaOf(const ldns_rdf* name) const {
  // unbound.conf(5): dns64-ignore-aaaa "applies also to names underneath the name given".
  for (const LdnsRdfPtr& ignored : ignore_aaaa_) {
    if (IsAtOrBelow(name, ignored.get())) return true;
  }
  return false;
}

StageResult Dns64Stage::OnQuery(Request& req) {
  if (!AppliesTo(req)) return StageResult::kContinue;
  const ldns_rr_type qtype = req.qtype();
  if (IsIpv4OnlyArpa(req.qname()) && (qtype == LDNS_RR_TYPE_A || qtype == LDNS_RR_TYPE_AAAA)) {
    return AnswerIpv4OnlyArpa(req);
  }
  // RFC 6147 5.5: a client that sets DO and CD validates for itself, and a synthesized record
  // would fail its validation: it gets the real answer.
  if (req.dnssec_ok() && req.checking_disabled()) return StageResult::kContinue;
  if (qtype == LDNS_RR_TYPE_PTR) {
    if (std::optional<in6_addr> address = Ip6ArpaToAddress(req.qname())) {
      for (const Nat64Prefix& prefix : options_.policy.prefixes) {
        if (std::optional<in_addr> v4 = prefix.Extract(*address)) {
          return AnswerPtr(req, InAddrArpaName(*v4).get());
        }
      }
    }
  }
  if (qtype == LDNS_RR_TYPE_AAAA) req.Slot<State>().synthesize = true;
  return StageResult::kContinue;
}

// RFC 8880 7.2: a DNS64 resolver answers the well-known name itself, with the prefixes it uses
// (RFC 7050 3: that is how a CLAT learns them), and its A records without asking anyone.
StageResult Dns64Stage::AnswerIpv4OnlyArpa(Request& req) const {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_NOERROR);
  MoveToSection(req.qtype() == LDNS_RR_TYPE_AAAA ? Ipv4OnlyArpaAaaa(options_.policy, req.qname())
                                                 : Ipv4OnlyArpaA(req.qname()),
                LDNS_SECTION_ANSWER, pkt.get());
  req.set_answer(std::move(pkt));
  return StageResult::kDone;
}

// RFC 6147 5.3.1: the name of a synthesized address is the name of the IPv4 address inside it.
// The answer is a CNAME to the in-addr.arpa name followed by that name's PTR records, so the
// client sees where the name came from, and the cache keeps only the real PTR RRset.
StageResult Dns64Stage::AnswerPtr(Request& req, const ldns_rdf* in_addr_name) {
  std::shared_ptr<ldns_rr> cname(ldns_rr_new(), ldns_rr_free);
  ldns_rr_set_owner(cname.get(), ldns_rdf_clone(req.qname()));
  ldns_rr_set_type(cname.get(), LDNS_RR_TYPE_CNAME);
  ldns_rr_set_class(cname.get(), LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(cname.get(), kDefaultSynthesisTtlCap);
  ldns_rr_push_rdf(cname.get(), ldns_rdf_clone(in_addr_name));
  return ResolveFor(
      req, in_addr_name, LDNS_RR_TYPE_PTR,
      [cname](Request& r, ldns_pkt_rcode rcode, LdnsRrListPtr answer) {
        LdnsPktPtr pkt(ldns_pkt_new());
        ldns_pkt_set_rcode(pkt.get(), rcode);
        ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, ldns_rr_clone(cname.get()));
        if (answer) MoveToSection(std::move(answer), LDNS_SECTION_ANSWER, pkt.get());
        r.set_answer(std::move(pkt));
      },
      StageResult::kDone);
}

StageResult Dns64Stage::OnAnswer(Request& req) {
  State& state = req.Slot<State>();
  if (!state.synthesize) return StageResult::kContinue;
  state.synthesize = false;
  const ldns_pkt* answer = req.answer();
  const ldns_rr_list* records = ldns_pkt_answer(answer);
  // The AAAA question is asked of the chain's last name (RFC 6147 5.1.6).
  const ldns_rdf* final_name = CnameChainEnd(req.qname(), records);
  LdnsRrListPtr none(ldns_rr_list_new());
  const ldns_rr_list* aaaa = IgnoresAaaaOf(final_name) ? none.get() : records;
  if (!NeedsSynthesis(ldns_pkt_get_rcode(answer), aaaa, final_name, options_.policy)) {
    return StageResult::kContinue;
  }
  // RFC 6147 5.1.7: the synthesized TTL is bounded by the negative AAAA answer's SOA.
  const uint32_t ttl_cap = NegativeTtlCap(ldns_pkt_authority(answer));
  std::shared_ptr<ldns_rr_list> chain = ChainRecords(records);
  std::shared_ptr<ldns_rdf> name = SharedName(final_name);
  return ResolveFor(
      req, final_name, LDNS_RR_TYPE_A,
      [this, ttl_cap, chain, name](Request& r, ldns_pkt_rcode, LdnsRrListPtr a_answer) {
        LdnsRrListPtr synthesized =
            SynthesizeAaaa(a_answer.get(), name.get(), ttl_cap, options_.policy);
        // No A records to map (RFC 6147 5.1.6): the client gets the AAAA answer as it was.
        if (ldns_rr_list_rr_count(synthesized.get()) == 0) return;
        LdnsPktPtr pkt(ldns_pkt_new());
        ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_NOERROR);
        AppendCopies(chain.get(), pkt.get());
        MoveToSection(std::move(synthesized), LDNS_SECTION_ANSWER, pkt.get());
        r.set_answer(std::move(pkt));
        if (stats_ != nullptr) stats_->dns64_synthesized.Add();
      },
      StageResult::kContinue);
}

StageResult Dns64Stage::ResolveFor(
    Request& req, const ldns_rdf* name, ldns_rr_type type,
    std::function<void(Request&, ldns_pkt_rcode, LdnsRrListPtr)> finish, StageResult when_done) {
  // The child may finish before SubmitChild returns (a cache hit): the Pipeline then takes the
  // Resume when this call returns kPending. When `req` is dropped, the child goes with it.
  const RequestHandle parent = req.handle();
  parent.SubmitChild(name, type, LDNS_RR_CLASS_IN,
                     [parent, finish = std::move(finish), when_done](Request& child) {
                       Request* r = parent.get();
                       if (r == nullptr) return;
                       LdnsRrListPtr answer(ldns_rr_list_clone(ldns_pkt_answer(child.answer())));
                       const ldns_pkt* before = r->answer();
                       const bool was_stale = r->answer_stale();
                       finish(*r, ldns_pkt_get_rcode(child.answer()), std::move(answer));
                       // An answer made from stale data (serve-expired, RFC 8767), the client's
                       // own or the child's, is stale too: EDE 3, never in the packet cache.
                       if (r->answer() != before && (was_stale || child.answer_stale())) {
                         r->set_answer_stale(true);
                         if (!was_stale) r->set_extended_error(child.extended_error());
                       }
                       parent.Resume(when_done);
                     });
  return StageResult::kPending;
}

}  // namespace rebound
