#include "resolver/cache/cache_stage.h"

#include <utility>

#include "resolver/cache/cached_answer.h"

namespace rebound {

StageResult CacheStage::OnQuery(Request& req) {
  CachedAnswer cached = AnswerFromCache(*rrsets_, *negatives_,
                                        {.name = req.qname(),
                                         .type = req.qtype(),
                                         .rr_class = req.qclass(),
                                         .at_least = kClientAnswerTrust,
                                         .dnssec_ok = req.dnssec_ok(),
                                         .max_cname_chain = kMaxCnameChain});
  if (cached.kind != CachedAnswer::Kind::kData && cached.kind != CachedAnswer::Kind::kNegative) {
    return StageResult::kContinue;
  }
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_aa(pkt.get(), false);  // RFC 1035 4.1.1: AA only from the zone's own servers
  ldns_pkt_set_rcode(pkt.get(), cached.rcode);
  MoveToSection(std::move(cached.records), LDNS_SECTION_ANSWER, pkt.get());
  // RFC 2308 3: a negative answer's SOA goes in the authority section, its TTL counting down.
  if (cached.soa != nullptr) {
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_AUTHORITY, cached.soa.release());
  }
  req.set_answer(std::move(pkt));
  req.set_answer_cached(true);
  return StageResult::kDone;
}

StageResult CacheStage::OnAnswer(Request& req) {
  const ldns_pkt* answer = req.answer();
  if (answer == nullptr || req.answer_cached()) return StageResult::kContinue;
  // Ranked below the zones' own word (RFC 2181 5.4.1): whatever reaches the cache this way came
  // from a relay, a recursor, so that the zone's own answer can still replace it.
  writer_->StoreResponse(req.qname(), req.qtype(), req.qclass(), *answer, Trust::kAuthority);
  return StageResult::kContinue;
}

}  // namespace rebound
