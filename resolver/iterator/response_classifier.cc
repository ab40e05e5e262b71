#include "resolver/iterator/response_classifier.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "resolver/wire/names.h"

namespace rebound {
namespace {

// RFC 1034 3.6.2 lets a chain be as long as the zones make it; a reply may carry only so many
// links before the iterator takes over (it has its own limit and loop check across replies).
constexpr int kMaxChainLinks = 16;
// RFC 6891 9: the extended RCODE BADVERS.
constexpr unsigned kRcodeBadVers = 16;

// Records of one section, not owned: those the server may speak for.
using Records = std::vector<const ldns_rr*>;

// Case-insensitive, as RFC 4343 3 has it.
bool SameName(const ldns_rdf* a, const ldns_rdf* b) { return ldns_dname_compare(a, b) == 0; }

// The single name in a CNAME, DNAME or NS record's RDATA; null for malformed RDATA (the wire
// allows an empty RDATA, for one).
const ldns_rdf* TargetName(const ldns_rr* rr) {
  if (ldns_rr_rd_count(rr) != 1) return nullptr;
  const ldns_rdf* target = ldns_rr_rdf(rr, 0);
  return ldns_rdf_get_type(target) == LDNS_RDF_TYPE_DNAME ? target : nullptr;
}

// RFC 4034 3.1.1: the type an RRSIG covers; nothing for a malformed one.
std::optional<ldns_rr_type> CoveredType(const ldns_rr* rrsig) {
  if (ldns_rr_get_type(rrsig) != LDNS_RR_TYPE_RRSIG || ldns_rr_rd_count(rrsig) < 1) {
    return std::nullopt;
  }
  const ldns_rdf* rdf = ldns_rr_rdf(rrsig, 0);
  if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_TYPE || ldns_rdf_size(rdf) != 2) return std::nullopt;
  return ldns_rdf2rr_type(rdf);
}

bool Covers(const ldns_rr* rrsig, ldns_rr_type type) { return CoveredType(rrsig) == type; }

void PushCopy(ldns_rr_list* list, const ldns_rr* rr) {
  ldns_rr_list_push_rr(list, ldns_rr_clone(rr));
}

// The records of `section` a server of `zone` may speak for. RFC 2181 5.4.1 and the bailiwick
// rule: a server is trusted only for names at or under the zone it was asked as, so an owner
// outside it (www.example. from the test. servers, the root's NS from a lame server) is dropped
// wherever it appears. Records of another class than the question's are not about the question
// at all (RFC 1035 4.1.1: the class is part of every query).
Records InBailiwick(const ldns_rr_list* section, ldns_rr_class qclass, const ldns_rdf* zone) {
  Records out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(section, i);
    if (ldns_rr_get_class(rr) == qclass && IsAtOrBelow(ldns_rr_owner(rr), zone)) out.push_back(rr);
  }
  return out;
}

// RFC 6672 2.2: `name` with the suffix `owner` replaced by `target`; null when the result would
// exceed 255 octets (the server should then have said YXDOMAIN). `name` is strictly below `owner`.
LdnsRdfPtr SubstituteSuffix(const ldns_rdf* name, const ldns_rdf* owner, const ldns_rdf* target) {
  const uint8_t* data = ldns_rdf_data(name);
  const size_t size = ldns_rdf_size(name);
  const size_t name_labels = ldns_dname_label_count(name);
  const size_t owner_labels = ldns_dname_label_count(owner);
  if (name_labels <= owner_labels) return nullptr;
  size_t prefix = 0;  // octets of the labels that stay
  for (size_t label = 0; label < name_labels - owner_labels; ++label) {
    if (prefix >= size) return nullptr;
    prefix += 1 + data[prefix];
  }
  const size_t total = prefix + ldns_rdf_size(target);
  if (prefix > size || total > LDNS_MAX_DOMAINLEN) return nullptr;
  std::vector<uint8_t> wire(data, data + prefix);
  const uint8_t* target_data = ldns_rdf_data(target);
  wire.insert(wire.end(), target_data, target_data + ldns_rdf_size(target));
  return LdnsRdfPtr(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wire.size(), wire.data()));
}

// The CNAME a DNAME synthesizes (RFC 6672 3.1: the DNAME's TTL and class).
ldns_rr* SynthesizeCname(const ldns_rr* dname, const ldns_rdf* name, const ldns_rdf* target) {
  ldns_rr* cname = ldns_rr_new();
  ldns_rr_set_owner(cname, ldns_rdf_clone(name));
  ldns_rr_set_type(cname, LDNS_RR_TYPE_CNAME);
  ldns_rr_set_class(cname, ldns_rr_get_class(dname));
  ldns_rr_set_ttl(cname, ldns_rr_ttl(dname));
  ldns_rr_push_rdf(cname, ldns_rdf_clone(target));
  return cname;
}

// The CNAME/DNAME chain from qname through the (scrubbed) answer section.
struct Chain {
  LdnsRrListPtr records{ldns_rr_list_new()};
  LdnsRdfPtr end;           // the last name reached
  int links = 0;            // CNAME/DNAME redirections taken
  bool answered = false;    // `records` ends with the RRset(s) of qtype at `end`
  bool unfinished = false;  // stopped at a loop or the length cap: `end` is still to resolve
  bool broken = false;      // a DNAME substitution overflowed: the reply cannot be right
};

class ChainWalker {
 public:
  ChainWalker(const Records& answer, ldns_rr_type qtype)
      : answer_(answer), qtype_(qtype), kept_(answer.size(), false) {}

  Chain Walk(const ldns_rdf* qname) {
    Chain chain;
    chain.end.reset(ldns_rdf_clone(qname));
    seen_.emplace_back(ldns_rdf_clone(qname));
    while (Step(chain)) {
    }
    return chain;
  }

 private:
  // One name of the chain; true when the chain goes on to a new name.
  bool Step(Chain& chain) {
    const ldns_rdf* name = chain.end.get();
    // RFC 6672 2.3: nothing exists below a DNAME's owner, so a DNAME above `name` overrides
    // whatever else the reply says about `name` (a CNAME that disagrees, data): it comes first.
    if (std::optional<size_t> dname = HighestDname(name)) return FollowDname(*dname, chain);
    if (KeepData(name, chain)) {
      chain.answered = true;
      return false;
    }
    // RFC 2181 10.1: one CNAME per name; a second is ignored.
    std::optional<size_t> cname = Find(name, LDNS_RR_TYPE_CNAME, nullptr);
    if (!cname) return false;  // the server stopped here (or the name left the zone)
    if (chain.links == kMaxChainLinks) {
      chain.unfinished = true;
      return false;
    }
    Keep(*cname, chain);
    KeepSignatures(name, LDNS_RR_TYPE_CNAME, chain);
    return Advance(TargetName(answer_[*cname]), chain);
  }

  // The first record of `type` at `owner` with a name in its RDATA (equal to `target`, if given).
  std::optional<size_t> Find(const ldns_rdf* owner, ldns_rr_type type,
                             const ldns_rdf* target) const {
    for (size_t i = 0; i < answer_.size(); ++i) {
      const ldns_rdf* rr_target = TargetName(answer_[i]);
      if (IsAt(i, owner, type) && rr_target != nullptr &&
          (target == nullptr || SameName(rr_target, target))) {
        return i;
      }
    }
    return std::nullopt;
  }

  // The DNAME highest in the tree whose owner is strictly above `name`: a server walking down
  // from its zone's apex (RFC 1034 4.3.2 step 3, RFC 6672 3.2) stops at the first one it meets.
  std::optional<size_t> HighestDname(const ldns_rdf* name) const {
    std::optional<size_t> best;
    size_t best_labels = 0;
    for (size_t i = 0; i < answer_.size(); ++i) {
      const ldns_rr* rr = answer_[i];
      if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNAME || TargetName(rr) == nullptr) continue;
      const ldns_rdf* owner = ldns_rr_owner(rr);
      if (!ldns_dname_is_subdomain(name, owner)) continue;
      if (!best || ldns_dname_label_count(owner) < best_labels) {
        best = i;
        best_labels = ldns_dname_label_count(owner);
      }
    }
    return best;
  }

  // RFC 6672 3.1: the reply carries the DNAME and the CNAME it synthesizes for `name`. A missing
  // CNAME, or one pointing elsewhere, is replaced by our own synthesis: the DNAME is what was
  // signed and what the zone says.
  bool FollowDname(size_t index, Chain& chain) {
    const ldns_rr* dname = answer_[index];
    const ldns_rdf* name = chain.end.get();
    LdnsRdfPtr target = SubstituteSuffix(name, ldns_rr_owner(dname), TargetName(dname));
    if (target == nullptr) {
      chain.broken = true;
      return false;
    }
    if (chain.links == kMaxChainLinks) {
      chain.unfinished = true;
      return false;
    }
    Keep(index, chain);
    KeepSignatures(ldns_rr_owner(dname), LDNS_RR_TYPE_DNAME, chain);
    if (std::optional<size_t> sent = Find(name, LDNS_RR_TYPE_CNAME, target.get())) {
      Keep(*sent, chain);
    } else {
      ldns_rr_list_push_rr(chain.records.get(), SynthesizeCname(dname, name, target.get()));
    }
    // A question for the CNAME itself (or ANY) is answered by the synthesized CNAME.
    if (qtype_ == LDNS_RR_TYPE_CNAME || qtype_ == LDNS_RR_TYPE_ANY) {
      ++chain.links;
      chain.answered = true;
      return false;
    }
    return Advance(target.get(), chain);
  }

  // Moves the chain on to `target`. A name seen before is a loop: the chain stops there and
  // the iterator, which checks for loops across replies too, gets the repeated name to resolve.
  bool Advance(const ldns_rdf* target, Chain& chain) {
    ++chain.links;
    chain.end.reset(ldns_rdf_clone(target));
    for (const LdnsRdfPtr& seen : seen_) {
      if (SameName(seen.get(), target)) {
        chain.unfinished = true;
        return false;
      }
    }
    seen_.emplace_back(ldns_rdf_clone(target));
    return true;
  }

  // Keeps the RRset(s) answering the question at `name`, with their signatures; false if none.
  // RFC 1034 4.3.2 step 3a: a CNAME is followed unless the question asks for the CNAME (or for
  // ANY, where every record at the name is the answer).
  bool KeepData(const ldns_rdf* name, Chain& chain) {
    bool found = false;
    for (size_t i = 0; i < answer_.size(); ++i) {
      if (qtype_ == LDNS_RR_TYPE_ANY ? IsAt(i, name, std::nullopt) : IsAt(i, name, qtype_)) {
        Keep(i, chain);
        found = true;
      }
    }
    if (found && qtype_ != LDNS_RR_TYPE_ANY && qtype_ != LDNS_RR_TYPE_RRSIG) {
      KeepSignatures(name, qtype_, chain);
    }
    return found;
  }

  // RFC 4035 3.1.1: the RRSIGs covering (owner, type) travel with the RRset.
  void KeepSignatures(const ldns_rdf* owner, ldns_rr_type type, Chain& chain) {
    for (size_t i = 0; i < answer_.size(); ++i) {
      if (IsAt(i, owner, LDNS_RR_TYPE_RRSIG) && Covers(answer_[i], type)) Keep(i, chain);
    }
  }

  bool IsAt(size_t i, const ldns_rdf* owner, std::optional<ldns_rr_type> type) const {
    return (!type || ldns_rr_get_type(answer_[i]) == *type) &&
           SameName(ldns_rr_owner(answer_[i]), owner);
  }

  // Copies a record once: a DNAME that redirects two names of the chain is listed once.
  void Keep(size_t i, Chain& chain) {
    if (kept_[i]) return;
    kept_[i] = true;
    PushCopy(chain.records.get(), answer_[i]);
  }

  const Records& answer_;
  const ldns_rr_type qtype_;
  std::vector<bool> kept_;
  std::vector<LdnsRdfPtr> seen_;
};

// Everything about one reply that the classification steps share.
struct Reply {
  const ldns_pkt& pkt;
  const ldns_rdf* qname;
  ldns_rr_type qtype;
  const ldns_rdf* zone;
  ldns_rr_class qclass;
  Records authority;  // scrubbed
};

// The kind an RCODE alone decides, if it does.
std::optional<ResponseKind> RcodeKind(const ldns_pkt& pkt) {
  const unsigned rcode =
      (static_cast<unsigned>(ldns_pkt_edns_extended_rcode(&pkt)) << 4) | ldns_pkt_get_rcode(&pkt);
  if (rcode == LDNS_RCODE_NOERROR || rcode == LDNS_RCODE_NXDOMAIN) return std::nullopt;
  // RFC 6891 7: FORMERR to a query with OPT may mean the server does not know EDNS; BADVERS
  // (RFC 6891 6.1.3) to our version 0 says the same. The iterator retries without EDNS.
  if (rcode == LDNS_RCODE_FORMERR || rcode == kRcodeBadVers) return ResponseKind::kFormerr;
  // SERVFAIL, NOTIMP, REFUSED, YXDOMAIN (RFC 6672 2.2) and anything else: nothing in the
  // reply is used, another server is asked.
  return ResponseKind::kServerError;
}

ldns_rr_class QuestionClass(const ldns_pkt& pkt) {
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(&pkt), 0);
  return question != nullptr ? ldns_rr_get_class(question) : LDNS_RR_CLASS_IN;
}

// RFC 2308 3 and 2.2: a negative reply names, in an SOA, the zone holding the name that does not
// exist or has no data; RFC 4035 3.1.3 adds the NSEC/NSEC3 proofs, from that same zone. The SOA
// must be at or above `name` (the chain's last name) and, like everything, in bailiwick; without
// such an SOA nothing is kept, and the negative answer is not cacheable by RFC 2308 5.
LdnsRrListPtr NegativeAuthority(const Records& authority, const ldns_rdf* name) {
  LdnsRrListPtr out(ldns_rr_list_new());
  const ldns_rr* soa = nullptr;
  for (const ldns_rr* rr : authority) {
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && IsAtOrBelow(name, ldns_rr_owner(rr))) {
      soa = rr;
      break;
    }
  }
  if (soa == nullptr) return out;
  const ldns_rdf* apex = ldns_rr_owner(soa);
  PushCopy(out.get(), soa);
  for (const ldns_rr* rr : authority) {
    const ldns_rr_type type = ldns_rr_get_type(rr);
    const ldns_rdf* owner = ldns_rr_owner(rr);
    const bool proof = type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3;
    const bool signature = (Covers(rr, LDNS_RR_TYPE_SOA) && SameName(owner, apex)) ||
                           Covers(rr, LDNS_RR_TYPE_NSEC) || Covers(rr, LDNS_RR_TYPE_NSEC3);
    if ((proof || signature) && IsAtOrBelow(owner, apex)) PushCopy(out.get(), rr);
  }
  return out;
}

// RFC 1034 4.2.1, 4.3.2 step 3b: a referral is an NS RRset for a zone cut between the zone asked
// and qname. Owners at or above `zone` (lame, RFC 4697 2.3) or beside qname do not count; of
// several the deepest is the closest to qname. A question for DS is the parent's to answer (RFC
// 4035 3.1.4.1): a "referral" to qname itself comes from the wrong side of the cut.
const ldns_rdf* ReferralZone(const Reply& reply) {
  const ldns_rdf* best = nullptr;
  for (const ldns_rr* rr : reply.authority) {
    const ldns_rdf* owner = ldns_rr_owner(rr);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS || TargetName(rr) == nullptr ||
        SameName(owner, reply.zone) || !IsAtOrBelow(reply.qname, owner)) {
      continue;
    }
    if (reply.qtype == LDNS_RR_TYPE_DS && SameName(owner, reply.qname)) continue;
    if (best == nullptr || ldns_dname_label_count(owner) > ldns_dname_label_count(best)) {
      best = owner;
    }
  }
  return best;
}

// The delegation's records: the NS RRset, the DS RRset or the NSEC/NSEC3 proof that there is
// none (RFC 4035 3.1.4), their RRSIGs; and glue (RFC 1034 4.2.1): addresses of the NS targets,
// already known to be within `zone`. Other additional records are dropped.
void KeepReferral(const Reply& reply, const ldns_rdf* child, ClassifiedResponse& out) {
  std::vector<const ldns_rdf*> targets;
  for (const ldns_rr* rr : reply.authority) {
    const ldns_rr_type type = ldns_rr_get_type(rr);
    const bool at_child = SameName(ldns_rr_owner(rr), child);
    if (type == LDNS_RR_TYPE_NS) {
      if (at_child && TargetName(rr) != nullptr) {
        targets.push_back(TargetName(rr));
        PushCopy(out.authority.get(), rr);
      }
      continue;
    }
    const bool keep =
        (at_child && (type == LDNS_RR_TYPE_DS || type == LDNS_RR_TYPE_NSEC ||
                      Covers(rr, LDNS_RR_TYPE_DS) || Covers(rr, LDNS_RR_TYPE_NSEC))) ||
        type == LDNS_RR_TYPE_NSEC3 || Covers(rr, LDNS_RR_TYPE_NSEC3);
    if (keep) PushCopy(out.authority.get(), rr);
  }
  const ldns_rr_list* additional = ldns_pkt_additional(&reply.pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(additional); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(additional, i);
    const ldns_rr_type type = ldns_rr_get_type(rr);
    if ((type != LDNS_RR_TYPE_A && type != LDNS_RR_TYPE_AAAA) ||
        ldns_rr_get_class(rr) != reply.qclass) {
      continue;
    }
    for (const ldns_rdf* target : targets) {
      if (SameName(ldns_rr_owner(rr), target)) {
        const bool in_bailiwick = IsAtOrBelow(ldns_rr_owner(rr), reply.zone);
        PushCopy(in_bailiwick ? out.additional.get() : out.foreign_glue.get(), rr);
        break;
      }
    }
  }
  out.referral_zone.reset(ldns_rdf_clone(child));
  out.kind = ResponseKind::kReferral;
}

// A reply whose chain took at least one CNAME/DNAME link and found no data of qtype.
void ClassifyAfterChain(const Reply& reply, Chain& chain, ClassifiedResponse& out) {
  const ldns_rdf* end = chain.end.get();
  out.answer = std::move(chain.records);
  // The server can say nothing negative about a name outside its zone, nor about a name it did
  // not reach; RFC 1034 5.3.3 leaves the rest of the chain to the resolver.
  if (chain.unfinished || !IsAtOrBelow(end, reply.zone)) {
    out.kind = ResponseKind::kCname;
  } else if (ldns_pkt_get_rcode(&reply.pkt) == LDNS_RCODE_NXDOMAIN) {
    // RFC 6604 3: after a chain, the RCODE speaks of its last name.
    out.kind = ResponseKind::kNxdomain;
    out.authority = NegativeAuthority(reply.authority, end);
  } else if (LdnsRrListPtr authority = NegativeAuthority(reply.authority, end);
             ldns_rr_list_rr_count(authority.get()) > 0) {
    // RFC 2308 2.2: NODATA for the last name is a chain, no data and an SOA.
    out.kind = ResponseKind::kNodata;
    out.authority = std::move(authority);
  } else {
    // No SOA: the target may be in another zone on the same server, or below a cut (the
    // referral is not used: the iterator resolves the target from its closest known zone).
    out.kind = ResponseKind::kCname;
  }
  if (out.kind == ResponseKind::kCname) out.next_name.reset(ldns_rdf_clone(end));
}

// A reply without a single record of the chain: negative, referral or lame.
void ClassifyEmpty(const Reply& reply, ClassifiedResponse& out) {
  if (ldns_pkt_get_rcode(&reply.pkt) == LDNS_RCODE_NXDOMAIN) {
    out.kind = ResponseKind::kNxdomain;
    out.authority = NegativeAuthority(reply.authority, reply.qname);
    return;
  }
  // An SOA makes it NODATA even next to an NS RRset (RFC 2308 2.2 type 1 carries both).
  if (LdnsRrListPtr authority = NegativeAuthority(reply.authority, reply.qname);
      ldns_rr_list_rr_count(authority.get()) > 0) {
    out.kind = ResponseKind::kNodata;
    out.authority = std::move(authority);
    return;
  }
  // A downward referral is taken even with AA set (some servers set it on referrals wrongly):
  // calling it NODATA would cache a false negative.
  if (const ldns_rdf* child = ReferralZone(reply)) {
    KeepReferral(reply, child, out);
    return;
  }
  // No SOA and no referral. An NS RRset at or above `zone` or beside qname is an upward or
  // sideways referral: lame (RFC 4697 2.3), AA or not; the scrub dropped those outside `zone`, so
  // look at the raw section. Only the zone's own NS RRset, which some servers add to every
  // authoritative reply, may go with an AA NODATA; RFC 2308 2.2 (type 3) allows one without any
  // SOA, which is then not cached (RFC 2308 5).
  bool foreign_ns = false;
  const ldns_rr_list* raw = ldns_pkt_authority(&reply.pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(raw); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(raw, i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS && ldns_rr_get_class(rr) == reply.qclass &&
        !SameName(ldns_rr_owner(rr), reply.zone)) {
      foreign_ns = true;
    }
  }
  out.kind = ldns_pkt_aa(&reply.pkt) && !foreign_ns ? ResponseKind::kNodata : ResponseKind::kLame;
}

ClassifiedResponse Nothing(ResponseKind kind, bool authoritative) {
  ClassifiedResponse out;
  out.kind = kind;
  out.authoritative = authoritative;
  out.answer.reset(ldns_rr_list_new());
  out.authority.reset(ldns_rr_list_new());
  out.additional.reset(ldns_rr_list_new());
  out.foreign_glue.reset(ldns_rr_list_new());
  return out;
}

}  // namespace

const char* ResponseKindName(ResponseKind kind) {
  switch (kind) {
    case ResponseKind::kAnswer:
      return "answer";
    case ResponseKind::kCname:
      return "cname";
    case ResponseKind::kReferral:
      return "referral";
    case ResponseKind::kNxdomain:
      return "nxdomain";
    case ResponseKind::kNodata:
      return "nodata";
    case ResponseKind::kLame:
      return "lame";
    case ResponseKind::kServerError:
      return "server-error";
    case ResponseKind::kFormerr:
      return "formerr";
  }
  return "unknown";
}

ClassifiedResponse ClassifyResponse(const ldns_pkt& reply, const ldns_rdf* qname,
                                    ldns_rr_type qtype, const ldns_rdf* zone, Upstream upstream) {
  const bool aa = ldns_pkt_aa(&reply);
  if (std::optional<ResponseKind> kind = RcodeKind(reply)) return Nothing(*kind, aa);
  // The iterator asks a zone's servers only about names in the zone; anything else would have
  // them speak outside their bailiwick.
  if (!IsAtOrBelow(qname, zone)) return Nothing(ResponseKind::kLame, aa);
  const ldns_rr_class qclass = QuestionClass(reply);
  const Records answer = InBailiwick(ldns_pkt_answer(&reply), qclass, zone);
  Records authority = InBailiwick(ldns_pkt_authority(&reply), qclass, zone);
  const Reply scrubbed{reply, qname, qtype, zone, qclass, std::move(authority)};
  Chain chain = ChainWalker(answer, qtype).Walk(qname);
  // A DNAME that cannot be applied, or data for the last name next to an NXDOMAIN (RFC 6604 3
  // makes the RCODE speak of that name), is a reply that contradicts itself.
  if (chain.broken || (chain.answered && ldns_pkt_get_rcode(&reply) == LDNS_RCODE_NXDOMAIN)) {
    return Nothing(ResponseKind::kServerError, aa);
  }
  ClassifiedResponse out = Nothing(ResponseKind::kAnswer, aa);
  if (chain.answered) {
    // Minimal responses: the authority and additional sections of an answer are not used.
    out.answer = std::move(chain.records);
  } else if (chain.links > 0) {
    ClassifyAfterChain(scrubbed, chain, out);
  } else {
    ClassifyEmpty(scrubbed, out);
  }
  if (upstream == Upstream::kRecursive) {
    // A resolver answers without AA and does not refer: an empty NOERROR is NODATA, whether or not
    // it sent the SOA; a referral means it did not recurse, which is no use to us.
    if (out.kind == ResponseKind::kLame && ldns_pkt_get_rcode(&reply) == LDNS_RCODE_NOERROR) {
      out.kind = ResponseKind::kNodata;
    } else if (out.kind == ResponseKind::kReferral) {
      return Nothing(ResponseKind::kLame, aa);
    }
    return out;
  }
  // RFC 1035 4.1.1, RFC 4697 2.3: RA without AA is a recursive server answering from its cache,
  // not the zone's authority: lame for this zone. A referral is still a referral (a server may
  // serve the parent zone and offer recursion).
  if (ldns_pkt_ra(&reply) && !aa && out.kind != ResponseKind::kReferral &&
      out.kind != ResponseKind::kLame) {
    return Nothing(ResponseKind::kLame, aa);
  }
  return out;
}

void RemovePrivateAddresses(const PrivateAddresses& private_addresses, ldns_rr_type qtype,
                            ClassifiedResponse& response) {
  if (private_addresses.empty()) return;
  private_addresses.RemoveFrom(response.authority.get());
  private_addresses.RemoveFrom(response.additional.get());
  private_addresses.RemoveFrom(response.foreign_glue.get());
  if (private_addresses.RemoveFrom(response.answer.get()) == 0) return;
  if (response.kind != ResponseKind::kAnswer) return;
  const ldns_rr_list* answer = response.answer.get();
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr_type type = ldns_rr_get_type(ldns_rr_list_rr(answer, i));
    if (type == qtype || (qtype == LDNS_RR_TYPE_ANY && type != LDNS_RR_TYPE_RRSIG)) return;
  }
  // Nothing of qtype is left: the name has no such data that may be used. The chain in
  // `answer` stays; no SOA came with it, so nothing is cached as negative.
  response.kind = ResponseKind::kNodata;
}

}  // namespace rebound
