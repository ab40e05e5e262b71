// Reading unbound's dump_cache text into the caches (LoadCache, cache_dump.h).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "resolver/cache/cache_dump.h"
#include "resolver/cache/cache_wire.h"
#include "resolver/wire/cname_chain.h"

namespace rebound {
namespace {

// unbound's sec_status_bogus: data that failed validation, which unbound itself never answers
// with; rebound, which does not validate, does not take it either.
constexpr unsigned kSecurityBogus = 1;

// unbound refuses RRsets and messages with more parts than this (RR_COUNT_MAX); rebound keeps
// to what one message can carry.
constexpr unsigned kMaxCount = 65535;

// The TTL a part of the dump has left after `age`, or 0 when it has run out.
uint32_t TtlAfter(int64_t ttl, int64_t age_seconds) {
  const int64_t left = ttl - age_seconds;
  if (left <= 0) return 0;
  return static_cast<uint32_t>(std::min<int64_t>(left, std::numeric_limits<int32_t>::max()));
}

template <typename Int>
bool ParseNumber(absl::string_view word, Int* out) {
  return absl::SimpleAtoi(word, out);
}

// A "NAME CLASS TYPE" triple, as a msg line and an RRset reference start.
struct Question {
  LdnsRdfPtr name;
  ldns_rr_class rr_class = LDNS_RR_CLASS_IN;
  uint16_t type = 0;
};

// Empty when the words are a question; otherwise what is wrong with them.
std::string ParseQuestion(absl::string_view name, absl::string_view rr_class,
                          absl::string_view type, Question* out) {
  const std::string name_text(name);
  if (name_text.empty() || name_text.back() != '.') return absl::StrCat("bad name \"", name, "\"");
  out->name.reset(ldns_dname_new_frm_str(name_text.c_str()));
  if (out->name == nullptr) return absl::StrCat("bad name \"", name, "\"");
  out->rr_class = ldns_get_rr_class_by_name(std::string(rr_class).c_str());
  if (out->rr_class == 0) return absl::StrCat("bad class \"", rr_class, "\"");
  out->type = ldns_get_rr_type_by_name(std::string(type).c_str());
  if (out->type == 0) return absl::StrCat("bad type \"", type, "\"");
  return "";
}

class CacheLoader {
 public:
  CacheLoader(LineReader read_line, absl::Duration age, CacheWriter* writer, size_t lines_before)
      : read_line_(read_line),
        age_seconds_(std::max<int64_t>(0, absl::ToInt64Seconds(age))),
        writer_(writer) {
    counts_.lines = lines_before;
  }

  absl::StatusOr<LoadedCache> Run() {
    if (absl::Status s = ExpectLine("START_RRSET_CACHE"); !s.ok()) return s;
    std::string line;
    while (true) {
      if (absl::Status s = NextLine(&line, "END_RRSET_CACHE"); !s.ok()) return s;
      if (line == "END_RRSET_CACHE") break;
      if (absl::Status s = LoadRrset(line); !s.ok()) return s;
    }
    if (absl::Status s = ExpectLine("START_MSG_CACHE"); !s.ok()) return s;
    while (true) {
      if (absl::Status s = NextLine(&line, "END_MSG_CACHE"); !s.ok()) return s;
      if (line == "END_MSG_CACHE") break;
      if (absl::Status s = LoadMessage(line); !s.ok()) return s;
    }
    if (absl::Status s = ExpectLine("EOF"); !s.ok()) return s;
    return counts_;
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("line ", counts_.lines, ": ", what));
  }

  // The next line into `*line`; an error naming `expecting` when the input has ended.
  absl::Status NextLine(std::string* line, absl::string_view expecting) {
    line->clear();
    if (!read_line_(line)) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", counts_.lines + 1, ": the input ends before ", expecting));
    }
    ++counts_.lines;
    if (!line->empty() && line->back() == '\r') line->pop_back();
    if (line->size() > kMaxCacheDumpLine) return Error("line too long");
    return absl::OkStatus();
  }

  absl::Status ExpectLine(absl::string_view fixed) {
    std::string line;
    if (absl::Status s = NextLine(&line, fixed); !s.ok()) return s;
    if (line != fixed) return Error(absl::StrCat("expected ", fixed, " but got \"", line, "\""));
    return absl::OkStatus();
  }

  // One record line of an RRset: parsed into `*rr`, or empty for unbound's "BADRR" (a record
  // it could not print; the RRset is then skipped).
  absl::Status ReadRecord(bool signature, LdnsRrPtr* rr) {
    std::string line;
    if (absl::Status s = NextLine(&line, "the RRset's records"); !s.ok()) return s;
    rr->reset();
    if (line == "BADRR") return absl::OkStatus();
    // The text has no $ORIGIN: an owner that is not absolute would be read as relative to
    // nothing.
    const size_t owner_end = line.find_first_of(" \t");
    if (owner_end == std::string::npos || owner_end == 0 || line[owner_end - 1] != '.') {
      return Error(absl::StrCat("record owner is not an absolute name: \"", line, "\""));
    }
    ldns_rr* parsed = nullptr;
    const ldns_status status = ldns_rr_new_frm_str(&parsed, line.c_str(), 3600, nullptr, nullptr);
    if (status != LDNS_STATUS_OK || parsed == nullptr) {
      return Error(absl::StrCat("cannot parse record: ", ldns_get_errorstr_by_id(status), ": \"",
                                line, "\""));
    }
    rr->reset(parsed);
    if (signature && ldns_rr_get_type(parsed) != LDNS_RR_TYPE_RRSIG) {
      return Error(absl::StrCat("expected an RRSIG record but got \"", line, "\""));
    }
    return absl::OkStatus();
  }

  // ";rrset [nsec_apex] TTL COUNT SIGCOUNT TRUST SECURITY" and the records after it.
  absl::Status LoadRrset(absl::string_view header) {
    if (!absl::ConsumePrefix(&header, ";rrset")) {
      return Error(absl::StrCat("expected ;rrset but got \"", header, "\""));
    }
    absl::ConsumePrefix(&header, " nsec_apex");  // an NSEC flag for unbound's validator
    const std::vector<absl::string_view> words = absl::StrSplit(header, ' ', absl::SkipEmpty());
    int64_t ttl = 0;
    unsigned count = 0, sigcount = 0, trust = 0, security = 0;
    if (words.size() != 5 || !ParseNumber(words[0], &ttl) || !ParseNumber(words[1], &count) ||
        !ParseNumber(words[2], &sigcount) || !ParseNumber(words[3], &trust) ||
        !ParseNumber(words[4], &security)) {
      return Error(absl::StrCat("bad ;rrset line \"", header, "\""));
    }
    if (count == 0 && sigcount == 0) return Error("an RRset without records");
    if (count > kMaxCount || sigcount > kMaxCount) return Error("an RRset with too many records");
    const size_t first_line = counts_.lines;

    LdnsRrListPtr records(ldns_rr_list_new());
    bool bad = false;
    for (unsigned i = 0; i < count + sigcount; ++i) {
      LdnsRrPtr rr;
      if (absl::Status s = ReadRecord(i >= count, &rr); !s.ok()) return s;
      if (rr == nullptr) {
        bad = true;
        continue;
      }
      const ldns_rr* first = ldns_rr_list_rr(records.get(), 0);
      if (first != nullptr &&
          (ldns_dname_compare(ldns_rr_owner(rr.get()), ldns_rr_owner(first)) != 0 ||
           ldns_rr_get_class(rr.get()) != ldns_rr_get_class(first) ||
           (i < count && ldns_rr_get_type(rr.get()) != ldns_rr_get_type(first)))) {
        return Error(absl::StrCat("record not of the RRset begun at line ", first_line));
      }
      ldns_rr_list_push_rr(records.get(), rr.release());
    }
    if (bad || security == kSecurityBogus || count == 0) {
      ++counts_.skipped;  // a signature alone is no data
      return absl::OkStatus();
    }
    // The RRset lasts as long as its shortest record (RFC 2181 5.2), and its signatures as
    // long as it does (RFC 4034 3: an RRSIG's TTL is that of the RRset it covers).
    int64_t shortest = ttl;
    for (unsigned i = 0; i < count; ++i) {
      shortest = std::min<int64_t>(shortest, ldns_rr_ttl(ldns_rr_list_rr(records.get(), i)));
    }
    const uint32_t left = TtlAfter(shortest, age_seconds_);
    if (left == 0) {
      ++counts_.expired;
      return absl::OkStatus();
    }
    for (size_t i = 0; i < ldns_rr_list_rr_count(records.get()); ++i) {
      ldns_rr_set_ttl(ldns_rr_list_rr(records.get(), i), left);
    }
    const ldns_rr* first = ldns_rr_list_rr(records.get(), 0);
    const uint16_t type = ldns_rr_get_type(first);
    if (type == LDNS_RR_TYPE_SOA || type == LDNS_RR_TYPE_CNAME) Keep(records.get(), count);
    if (writer_ != nullptr) writer_->StoreRecords(records.get(), TrustFromUnbound(trust, type));
    ++counts_.rrsets;
    return absl::OkStatus();
  }

  // SOA and CNAME RRsets, which the negative messages after them refer to; the longest-lived
  // copy of each.
  void Keep(const ldns_rr_list* records, unsigned count) {
    const ldns_rr* first = ldns_rr_list_rr(records, 0);
    const std::string key =
        CacheKey(ldns_rr_owner(first), ldns_rr_get_type(first), ldns_rr_get_class(first));
    LdnsRrListPtr& kept = kept_[key];
    if (kept != nullptr && ldns_rr_ttl(ldns_rr_list_rr(kept.get(), 0)) >= ldns_rr_ttl(first)) {
      return;
    }
    kept.reset(ldns_rr_list_new());
    for (unsigned i = 0; i < count; ++i) {
      ldns_rr_list_push_rr(kept.get(), ldns_rr_clone(ldns_rr_list_rr(records, i)));
    }
  }

  const ldns_rr_list* Kept(const Question& q) const {
    auto found = kept_.find(CacheKey(q.name.get(), q.type, q.rr_class));
    return found != kept_.end() ? found->second.get() : nullptr;
  }

  // "NAME CLASS TYPE FLAGS", or "BADREF" (then `*ref` has no name).
  absl::Status ReadReference(Question* ref) {
    std::string line;
    if (absl::Status s = NextLine(&line, "the message's RRset references"); !s.ok()) return s;
    if (line == "BADREF") return absl::OkStatus();
    const std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    unsigned flags = 0;
    if (words.size() != 4 || !ParseNumber(words[3], &flags)) {
      return Error(absl::StrCat("bad RRset reference \"", line, "\""));
    }
    if (std::string what = ParseQuestion(words[0], words[1], words[2], ref); !what.empty()) {
      return Error(absl::StrCat("bad RRset reference: ", what));
    }
    return absl::OkStatus();
  }

  // "msg QNAME CLASS QTYPE FLAGS QDCOUNT TTL SECURITY AN NS AR [EDE [TEXT]]" and its references.
  absl::Status LoadMessage(absl::string_view header) {
    if (!absl::ConsumePrefix(&header, "msg ")) {
      return Error(absl::StrCat("expected msg but got \"", header, "\""));
    }
    const std::vector<absl::string_view> words = absl::StrSplit(header, ' ', absl::SkipEmpty());
    Question question;
    unsigned flags = 0, qdcount = 0, security = 0, an = 0, ns = 0, ar = 0;
    int64_t ttl = 0;
    // unbound 1.17 ends the line after AR; 1.18 adds the EDE code and text, ignored here.
    if (words.size() < 10 || !ParseNumber(words[3], &flags) || !ParseNumber(words[4], &qdcount) ||
        !ParseNumber(words[5], &ttl) || !ParseNumber(words[6], &security) ||
        !ParseNumber(words[7], &an) || !ParseNumber(words[8], &ns) || !ParseNumber(words[9], &ar)) {
      return Error(absl::StrCat("bad msg line \"", header, "\""));
    }
    if (std::string what = ParseQuestion(words[0], words[1], words[2], &question); !what.empty()) {
      return Error(absl::StrCat("bad msg line: ", what));
    }
    if (an > kMaxCount || ns > kMaxCount || ar > kMaxCount) return Error("too many RRsets");
    std::vector<Question> references(an + ns + ar);
    bool bad = false;
    for (Question& ref : references) {
      if (absl::Status s = ReadReference(&ref); !s.ok()) return s;
      bad |= ref.name == nullptr;
    }
    const uint32_t left = TtlAfter(ttl, age_seconds_);
    if (bad || security == kSecurityBogus) {
      ++counts_.skipped;
    } else if (left == 0) {
      ++counts_.expired;
    } else {
      StoreMessage(question, flags & 0xf, left,
                   std::vector<Question>(std::make_move_iterator(references.begin()),
                                         std::make_move_iterator(references.begin() + an)),
                   std::vector<Question>(std::make_move_iterator(references.begin() + an),
                                         std::make_move_iterator(references.begin() + an + ns)));
    }
    return absl::OkStatus();
  }

  // A message whose references all parsed. rebound keeps no messages: a positive one is
  // answered by its RRsets, loaded already; a negative one becomes a negative-cache entry for
  // the end of its CNAME chain (RFC 6604 3), with its SOA (RFC 2308 5).
  void StoreMessage(const Question& question, unsigned rcode, uint32_t ttl,
                    const std::vector<Question>& answer, const std::vector<Question>& authority) {
    if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
      ++counts_.skipped;  // unbound may keep a SERVFAIL for a moment; it is no data
      return;
    }
    LdnsRrListPtr cnames(ldns_rr_list_new());
    for (const Question& ref : answer) {
      const ldns_rr_list* kept = ref.type == LDNS_RR_TYPE_CNAME ? Kept(ref) : nullptr;
      for (size_t i = 0; kept != nullptr && i < ldns_rr_list_rr_count(kept); ++i) {
        ldns_rr_list_push_rr(cnames.get(), ldns_rr_clone(ldns_rr_list_rr(kept, i)));
      }
    }
    const ldns_rdf* end = question.type == LDNS_RR_TYPE_CNAME
                              ? question.name.get()
                              : CnameChainEnd(question.name.get(), cnames.get());
    for (const Question& ref : answer) {
      if (rcode == LDNS_RCODE_NOERROR && ref.type == question.type &&
          ldns_dname_compare(ref.name.get(), end) == 0) {
        ++counts_.answers;
        return;
      }
    }
    LdnsRrListPtr soa(ldns_rr_list_new());
    for (const Question& ref : authority) {
      const ldns_rr_list* kept = ref.type == LDNS_RR_TYPE_SOA ? Kept(ref) : nullptr;
      if (kept == nullptr || ldns_rr_list_rr_count(kept) != 1) continue;
      ldns_rr* copy = ldns_rr_clone(ldns_rr_list_rr(kept, 0));
      ldns_rr_set_ttl(copy, std::min(ldns_rr_ttl(copy), ttl));  // the negative TTL left
      ldns_rr_list_push_rr(soa.get(), copy);
    }
    if (ldns_rr_list_rr_count(soa.get()) == 0) {
      ++counts_.skipped;  // no SOA, nothing to cache (RFC 2308 5); or its RRset was not here
      return;
    }
    if (writer_ != nullptr) {
      writer_->StoreNegative(end, static_cast<ldns_rr_type>(question.type), question.rr_class,
                             static_cast<ldns_pkt_rcode>(rcode), soa.get());
    }
    ++counts_.negatives;
  }

  LineReader read_line_;
  const int64_t age_seconds_;
  CacheWriter* const writer_;
  LoadedCache counts_;
  absl::flat_hash_map<std::string, LdnsRrListPtr> kept_;
};

}  // namespace

absl::StatusOr<LoadedCache> LoadCache(LineReader read_line, absl::Duration age,
                                      CacheWriter* writer) {
  return CacheLoader(read_line, age, writer, 0).Run();
}

absl::StatusOr<LoadedCache> LoadCacheFromString(absl::string_view text, absl::Duration age,
                                                CacheWriter* writer, size_t lines_before) {
  return CacheLoader(
             [&text](std::string* line) {
               if (text.empty()) return false;
               const size_t end = text.find('\n');
               const absl::string_view piece = text.substr(0, end);
               line->assign(piece.data(), piece.size());
               text.remove_prefix(end == absl::string_view::npos ? text.size() : end + 1);
               return true;
             },
             age, writer, lines_before)
      .Run();
}

}  // namespace rebound
