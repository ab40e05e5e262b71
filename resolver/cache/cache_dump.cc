// Writing the caches as unbound's dump_cache text; reading it back is in cache_load.cc.
#include "resolver/cache/cache_dump.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "resolver/cache/cache_wire.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

// unbound's enum rrset_trust (util/data/packed_rrset.h), the values rebound writes and reads.
enum UnboundTrustValue : int {
  kUbNone = 0,
  kUbAddNoAa = 1,       // additional section of a non-authoritative answer
  kUbAuthNoAa = 2,      // authority section of a non-authoritative answer (a referral)
  kUbAddAa = 3,         // additional section of an authoritative answer
  kUbNonauthAnsAa = 4,  // answer section of an authoritative answer, out of the zone
  kUbAnsNoAa = 5,       // answer section of a non-authoritative answer
  kUbGlue = 6,          // glue from a zone file or transfer
  kUbAuthAa = 7,        // authority section of an authoritative answer
  kUbAnsAa = 8,         // answer section of an authoritative answer; above: validated, local
};

// The FLAGS of a message entry: QR and RA, as unbound keeps every cached reply, and the RCODE.
constexpr int kMsgFlagsNoerror = 0x8080;
constexpr int kMsgFlagsNxdomain = 0x8083;

// Collects lines and hands them to the writer in pieces of at most kDumpChunkBytes: a line that
// would take the piece past the bound goes into the next one.
class Spool {
 public:
  explicit Spool(DumpWriter write) : write_(write) { text_.reserve(kDumpChunkBytes); }
  // `line` is one whole line, "\n" included.
  void Add(absl::string_view line) {
    if (!ok_) return;
    if (text_.size() + line.size() > kDumpChunkBytes) Flush();
    text_.append(line.data(), line.size());
  }
  void Flush() {
    if (ok_ && !text_.empty()) ok_ = write_(text_);
    text_.clear();
  }
  bool ok() const { return ok_; }

 private:
  DumpWriter write_;
  std::string text_;
  bool ok_ = true;
};

// One record as a zone-file line, as unbound's packed_rr_to_string writes it (tab-separated,
// no comments), ending in "\n".
std::string RecordLine(const ldns_rr* rr) {
  std::string line = TakeLdnsString(ldns_rr2str_fmt(ldns_output_format_nocomments, rr));
  while (!line.empty() && line.back() == '\n') line.pop_back();
  line.push_back('\n');
  return line;
}

std::string ClassString(ldns_rr_class rr_class) {
  return TakeLdnsString(ldns_rr_class2str(rr_class));
}

// "NAME CLASS TYPE" as in a msg line and an RRset reference.
std::string QuestionWords(const ldns_rdf* name, ldns_rr_class rr_class, uint16_t type) {
  return absl::StrCat(NameString(name), " ", ClassString(rr_class), " ",
                      TypeString(static_cast<ldns_rr_type>(type)));
}

void AddRrsetEntry(const ldns_rr_list* records, const ldns_rr_list* signatures, uint32_t ttl,
                   Trust trust, Spool* spool) {
  const size_t count = ldns_rr_list_rr_count(records);
  const size_t sigs = signatures != nullptr ? ldns_rr_list_rr_count(signatures) : 0;
  spool->Add(absl::StrCat(";rrset ", ttl, " ", count, " ", sigs, " ", UnboundTrust(trust), " 0\n"));
  for (size_t i = 0; i < count; ++i) spool->Add(RecordLine(ldns_rr_list_rr(records, i)));
  for (size_t i = 0; i < sigs; ++i) spool->Add(RecordLine(ldns_rr_list_rr(signatures, i)));
}

// A msg entry: the header line (unbound 1.18's, with "no EDE": -1 and an empty text, which
// 1.17 reads as well) and its RRset references.
void AddMsgEntry(const std::string& question, int flags, uint32_t ttl, int answers, int authorities,
                 const std::vector<std::string>& references, Spool* spool) {
  spool->Add(absl::StrCat("msg ", question, " ", flags, " 1 ", ttl, " 0 ", answers, " ",
                          authorities, " 0 -1 \n"));
  for (const std::string& reference : references) spool->Add(absl::StrCat(reference, " 0\n"));
}

// The SOA records negative answers carry, one per zone, with the longest TTL any of them has
// left: what the RRset section must hold for their msg entries to resolve.
struct NegativeSoa {
  LdnsRrPtr soa;
  uint32_t ttl = 0;
};
using NegativeSoas = absl::flat_hash_map<std::string, NegativeSoa>;

NegativeSoas CollectNegativeSoas(const NegativeCache& negatives) {
  NegativeSoas soas;
  negatives.ForEachEntry([&](const NegativeCache::Visited& entry) {
    const ldns_rr* soa = entry.answer.soa.get();
    const std::string key = CacheKey(ldns_rr_owner(soa), LDNS_RR_TYPE_SOA, ldns_rr_get_class(soa));
    NegativeSoa& kept = soas[key];
    if (kept.soa == nullptr || ldns_rr_ttl(soa) > kept.ttl) {
      kept.soa.reset(ldns_rr_clone(soa));
      kept.ttl = ldns_rr_ttl(soa);
    }
  });
  return soas;
}

void AddRrsetSection(const RrsetCache& rrsets, const NegativeCache& negatives, Spool* spool,
                     DumpedCache* counts) {
  spool->Add("START_RRSET_CACHE\n");
  // The SOA RRsets written from the RRset cache, with their TTLs: a negative answer's SOA is
  // written again only when the cache has none that lasts as long.
  absl::flat_hash_map<std::string, uint32_t> soas_written;
  rrsets.ForEachRrset([&](const RrsetCache::Visited& rrset) {
    // Less than a second left: unbound would take it as expired at once, and rebound skips it.
    if (!spool->ok() || rrset.ttl == 0) return;
    AddRrsetEntry(rrset.records.get(), rrset.signatures.get(), rrset.ttl, rrset.trust, spool);
    ++counts->rrsets;
    const ldns_rr* first = ldns_rr_list_rr(rrset.records.get(), 0);
    if (ldns_rr_get_type(first) == LDNS_RR_TYPE_SOA) {
      soas_written[CacheKey(ldns_rr_owner(first), LDNS_RR_TYPE_SOA, ldns_rr_get_class(first))] =
          rrset.ttl;
    }
  });
  for (auto& [key, negative] : CollectNegativeSoas(negatives)) {
    if (negative.ttl == 0) continue;
    auto written = soas_written.find(key);
    if (written != soas_written.end() && written->second >= negative.ttl) continue;
    LdnsRrListPtr records(ldns_rr_list_new());
    ldns_rr_list_push_rr(records.get(), negative.soa.release());
    // From the authority section of the negative answers.
    AddRrsetEntry(records.get(), nullptr, negative.ttl, Trust::kAuthority, spool);
    ++counts->rrsets;
  }
  spool->Add("END_RRSET_CACHE\n");
}

void AddMsgSection(const RrsetCache& rrsets, const NegativeCache& negatives, Spool* spool,
                   DumpedCache* counts) {
  spool->Add("START_MSG_CACHE\n");
  // What rebound would answer a client from, as unbound answers it: from a message.
  rrsets.ForEachRrset([&](const RrsetCache::Visited& rrset) {
    if (!spool->ok() || rrset.ttl == 0 || rrset.trust < kClientAnswerTrust) return;
    const ldns_rr* first = ldns_rr_list_rr(rrset.records.get(), 0);
    const std::string question =
        QuestionWords(ldns_rr_owner(first), ldns_rr_get_class(first), ldns_rr_get_type(first));
    AddMsgEntry(question, kMsgFlagsNoerror, rrset.ttl, 1, 0, {question}, spool);
    ++counts->messages;
  });
  negatives.ForEachEntry([&](const NegativeCache::Visited& entry) {
    const ldns_rr* soa = entry.answer.soa.get();
    if (!spool->ok() || ldns_rr_ttl(soa) == 0) return;
    const std::vector<std::string> references = {
        QuestionWords(ldns_rr_owner(soa), ldns_rr_get_class(soa), LDNS_RR_TYPE_SOA)};
    const uint32_t ttl = ldns_rr_ttl(soa);
    if (entry.answer.rcode == LDNS_RCODE_NXDOMAIN) {
      for (uint16_t type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
        AddMsgEntry(QuestionWords(entry.name.get(), entry.rr_class, type), kMsgFlagsNxdomain, ttl,
                    0, 1, references, spool);
        ++counts->messages;
      }
    } else {
      AddMsgEntry(QuestionWords(entry.name.get(), entry.rr_class, entry.type), kMsgFlagsNoerror,
                  ttl, 0, 1, references, spool);
      ++counts->messages;
    }
  });
  spool->Add("END_MSG_CACHE\n");
}

}  // namespace

int UnboundTrust(Trust trust) {
  switch (trust) {
    case Trust::kAdditional:
      return kUbAddNoAa;
    case Trust::kReferral:
      return kUbAuthNoAa;
    case Trust::kAuthority:
      return kUbAuthAa;
    case Trust::kAnswer:
      return kUbAnsAa;
  }
  return kUbNone;
}

Trust TrustFromUnbound(int unbound_trust, uint16_t type) {
  switch (unbound_trust) {
    case kUbAuthNoAa:
      // A non-authoritative authority section is a referral: its NS RRset is the parent's copy
      // (RFC 2181 5.4.1), the DS and the like beside it the parent's own data.
      return type == LDNS_RR_TYPE_NS ? Trust::kReferral : Trust::kAuthority;
    case kUbNonauthAnsAa:
    case kUbAnsNoAa:
    case kUbAuthAa:
      return Trust::kAuthority;
    case kUbNone:
    case kUbAddNoAa:
    case kUbAddAa:
    case kUbGlue:
      return Trust::kAdditional;
    default:
      // rrset_trust_ans_AA and above: an authoritative answer, a zone's own data, validated.
      return unbound_trust >= kUbAnsAa ? Trust::kAnswer : Trust::kAdditional;
  }
}

DumpedCache DumpCache(const RrsetCache& rrsets, const NegativeCache& negatives, DumpWriter write) {
  DumpedCache counts;
  Spool spool(write);
  AddRrsetSection(rrsets, negatives, &spool, &counts);
  AddMsgSection(rrsets, negatives, &spool, &counts);
  spool.Add("EOF\n");
  spool.Flush();
  counts.complete = spool.ok();
  return counts;
}

std::string DumpCacheToString(const RrsetCache& rrsets, const NegativeCache& negatives) {
  std::string text;
  DumpCache(rrsets, negatives, [&text](absl::string_view piece) {
    text.append(piece.data(), piece.size());
    return true;
  });
  return text;
}

}  // namespace rebound
