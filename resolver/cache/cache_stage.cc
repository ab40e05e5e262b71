#include "resolver/cache/cache_stage.h"

#include <utility>

namespace rebound {
namespace {

bool Answerable(const CachedAnswer& cached) {
  return cached.kind == CachedAnswer::Kind::kData || cached.kind == CachedAnswer::Kind::kNegative;
}

LdnsPktPtr BuildAnswer(CachedAnswer cached) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_aa(pkt.get(), false);  // RFC 1035 4.1.1: AA only from the zone's own servers
  ldns_pkt_set_rcode(pkt.get(), cached.rcode);
  MoveToSection(std::move(cached.records), LDNS_SECTION_ANSWER, pkt.get());
  // RFC 2308 3: a negative answer's SOA goes in the authority section, its TTL counting down.
  if (cached.soa != nullptr) {
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_AUTHORITY, cached.soa.release());
  }
  return pkt;
}

void SetTtls(ldns_rr_list* records, uint32_t ttl) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    ldns_rr_set_ttl(ldns_rr_list_rr(records, i), ttl);
  }
}

// The client timeout's timer, while the request is below this stage.
struct ClientTimeout {
  uint64_t timer = 0;
};

}  // namespace

CachedAnswer CacheStage::Lookup(const Request& req, CacheRead read) const {
  return AnswerFromCache(*rrsets_, *negatives_,
                         {.name = req.qname(),
                          .type = req.qtype(),
                          .rr_class = req.qclass(),
                          .at_least = kClientAnswerTrust,
                          .dnssec_ok = req.dnssec_ok(),
                          .max_cname_chain = kMaxCnameChain,
                          .read = read});
}

StageResult CacheStage::OnQuery(Request& req) {
  // A refresh is there to ask the servers: what the cache holds does not answer it.
  if (req.background()) {
    if (req.prefetch() && options_.stats != nullptr) options_.stats->prefetches.Add();
    return StageResult::kContinue;
  }
  CachedAnswer cached = Lookup(req, {.claim_refresh = options_.prefetch});
  if (Answerable(cached)) {
    const bool prefetch = cached.freshness.refresh_claimed;
    req.set_answer(BuildAnswer(std::move(cached)));
    req.set_answer_cached(true);
    // unbound's rule: the first answer from the last tenth of the TTL refreshes the entry, so
    // that it is replaced before it expires and no client waits for it.
    if (prefetch) req.handle().SubmitRefresh(/*prefetch=*/true);
    return StageResult::kDone;
  }
  if (!options_.serve_expired) return StageResult::kContinue;
  // The data has expired: resolution goes on as for any miss, and the stale copy waits for it
  // to fail (OnAnswer) or to take longer than the client timeout (OnClientTimeout).
  if (options_.expired_client_timeout <= absl::ZeroDuration()) {
    if (!AnswerStale(req, /*failed=*/false)) return StageResult::kContinue;
    req.handle().SubmitRefresh(/*prefetch=*/false);  // unbound's default: refresh behind
    return StageResult::kDone;
  }
  if (options_.timers != nullptr && Answerable(Lookup(req, {.expired_ok = true}))) {
    req.Slot<ClientTimeout>().timer = options_.timers->Start(
        options_.expired_client_timeout,
        [this, handle = req.handle(), stage = req.stage()] { OnClientTimeout(handle, stage); });
  }
  return StageResult::kContinue;
}

StageResult CacheStage::OnAnswer(Request& req) {
  if (options_.serve_expired && options_.timers != nullptr && !req.background()) {
    if (const uint64_t timer = std::exchange(req.Slot<ClientTimeout>().timer, 0)) {
      options_.timers->Stop(timer);
    }
  }
  const ldns_pkt* answer = req.answer();
  if (answer == nullptr) return StageResult::kContinue;
  // RFC 8767 4: resolution failed (no server answered, or none usefully): the stale data, if
  // the caches still hold it, is better than SERVFAIL.
  if (options_.serve_expired && !req.background() &&
      ldns_pkt_get_rcode(answer) == LDNS_RCODE_SERVFAIL && AnswerStale(req, /*failed=*/true)) {
    return StageResult::kContinue;
  }
  if (req.answer_cached()) return StageResult::kContinue;
  // Ranked below the zones' own word (RFC 2181 5.4.1): whatever reaches the cache this way came
  // from a relay, a recursor, so that the zone's own answer can still replace it.
  writer_->StoreResponse(req.qname(), req.qtype(), req.qclass(), *answer, Trust::kAuthority);
  return StageResult::kContinue;
}

bool CacheStage::AnswerStale(Request& req, bool failed) const {
  CachedAnswer stale =
      Lookup(req, {.expired_ok = true, .reset_expired = failed && options_.expired_ttl_reset});
  if (!Answerable(stale)) return false;
  LdnsPktPtr pkt = BuildAnswer(std::move(stale));
  // RFC 8767 4: stale records go out with a short TTL (30 s recommended), so that clients come
  // back soon for the refreshed data.
  SetTtls(ldns_pkt_answer(pkt.get()), options_.expired_reply_ttl);
  SetTtls(ldns_pkt_authority(pkt.get()), options_.expired_reply_ttl);
  req.set_answer(std::move(pkt));
  req.set_answer_cached(true);
  req.set_answer_stale(true);
  // RFC 8914 4.4: Stale Answer. It replaces whatever error the failed resolution left.
  req.set_extended_error(ExtendedDnsError{kEdeStaleAnswer, ""});
  req.set_unreachable(false);
  if (options_.stats != nullptr) options_.stats->expired.Add();
  return true;
}

void CacheStage::OnClientTimeout(const RequestHandle& handle, size_t stage) {
  Request* req = handle.get();
  if (req == nullptr) return;
  req->Slot<ClientTimeout>().timer = 0;
  // None left (refreshed meanwhile by another request): the resolution goes on for the client.
  if (!AnswerStale(*req, /*failed=*/false)) return;
  // RFC 8767 5: the resolution goes on in the background and its answer replaces the entry. The
  // refresh joins the lookup under way (the iterator shares one lookup among identical
  // questions), which then outlives the client's withdrawal below.
  handle.SubmitRefresh(/*prefetch=*/false);
  handle.AnswerFrom(stage);
}

}  // namespace rebound
