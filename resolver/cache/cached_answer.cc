#include "resolver/cache/cached_answer.h"

#include <optional>
#include <utility>
#include <vector>

#include "resolver/cache/cache_wire.h"

namespace rebound {
namespace {

void Append(LdnsRrListPtr from, ldns_rr_list* to) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(from.get()); ++i) {
    ldns_rr_list_push_rr(to, ldns_rr_list_rr(from.get(), i));
  }
  ldns_rr_list_free(from.release());  // the records themselves now belong to `to`
}

// Appends `rrset`, the cached RRset (owner, type), and the signatures over it for a DNSSEC
// client.
void AppendSigned(const RrsetCache& rrsets, const CacheQuestion& q, const ldns_rdf* owner,
                  ldns_rr_type type, LdnsRrListPtr rrset, ldns_rr_list* to, CacheFreshness* found) {
  Append(std::move(rrset), to);
  // With none cached the set goes out unsigned, as an unsigned zone's would: there is no
  // validator yet to tell.
  if (q.dnssec_ok) {
    if (LdnsRrListPtr sigs = rrsets.LookupSignatures(
            owner, type, q.rr_class,
            {.expired_ok = q.read.expired_ok, .reset_expired = q.read.reset_expired}, found)) {
      Append(std::move(sigs), to);
    }
  }
}

// The name a CNAME record points to, or null if its rdata is not one name.
const ldns_rdf* CnameTarget(const ldns_rr* cname) {
  const ldns_rdf* target = ldns_rr_rd_count(cname) == 1 ? ldns_rr_rdf(cname, 0) : nullptr;
  if (target == nullptr || ldns_rdf_get_type(target) != LDNS_RDF_TYPE_DNAME) return nullptr;
  return target;
}

}  // namespace

CachedAnswer AnswerFromCache(const RrsetCache& rrsets, const NegativeCache& negatives,
                             const CacheQuestion& q) {
  CachedAnswer out;
  if (!IsDataType(q.type)) return out;
  out.records.reset(ldns_rr_list_new());
  std::vector<LdnsRdfPtr> chain;  // the names visited, the question's first
  chain.emplace_back(ldns_rdf_clone(q.name));
  for (;;) {
    const ldns_rdf* name = chain.back().get();
    if (LdnsRrListPtr rrset =
            rrsets.Lookup(name, q.type, q.rr_class, q.at_least, q.read, &out.freshness)) {
      AppendSigned(rrsets, q, name, q.type, std::move(rrset), out.records.get(), &out.freshness);
      out.kind = CachedAnswer::Kind::kData;
      return out;
    }
    // RFC 1034 3.6.2: follow the alias, keeping each CNAME in the answer.
    if (q.type != LDNS_RR_TYPE_CNAME) {
      if (LdnsRrListPtr cname = rrsets.Lookup(name, LDNS_RR_TYPE_CNAME, q.rr_class, q.at_least,
                                              q.read, &out.freshness)) {
        const ldns_rdf* target = CnameTarget(ldns_rr_list_rr(cname.get(), 0));
        bool broken = target == nullptr || static_cast<int>(chain.size()) > q.max_cname_chain;
        for (size_t i = 0; i < chain.size() && !broken; ++i) {
          broken = ldns_dname_compare(chain[i].get(), target) == 0;
        }
        if (broken) {
          out.kind = CachedAnswer::Kind::kChainBroken;
          return out;
        }
        chain.emplace_back(ldns_rdf_clone(target));
        AppendSigned(rrsets, q, name, LDNS_RR_TYPE_CNAME, std::move(cname), out.records.get(),
                     &out.freshness);
        continue;
      }
    }
    std::optional<NegativeAnswer> negative =
        q.dnssec_ok ? std::nullopt
                    : negatives.Lookup(name, q.type, q.rr_class, q.read, &out.freshness);
    if (negative.has_value()) {
      out.kind = CachedAnswer::Kind::kNegative;
      out.rcode = negative->rcode;
      out.soa = std::move(negative->soa);
    } else if (chain.size() > 1) {
      out.kind = CachedAnswer::Kind::kChainOnly;
      out.chain_end = std::move(chain.back());
    }
    return out;
  }
}

}  // namespace rebound
