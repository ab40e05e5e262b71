// DumpCache and LoadCache: the caches as unbound's dump_cache text and back.
#include "resolver/cache/cache_dump.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/core/clock.h"
#include "tests/unit/cache/test_records.h"

namespace rebound {
namespace {

using ::rebound::testing::Name;
using ::rebound::testing::Rr;
using ::rebound::testing::RrList;
using ::rebound::testing::Texts;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSoa[] =
    "example.com. 3600 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 300";
constexpr char kSignature[] =
    "www.example.com. 3600 IN RRSIG A 8 3 3600 20270101000000 20261201000000 12345 example.com. "
    "AAECAwQFBgcICQoLDA0ODw==";

// A pair of caches on one fake clock, with their writer.
struct Caches {
  explicit Caches(FakeClock* clock) : rrsets({.shards = 1}, clock), negatives({}, clock) {}
  RrsetCache rrsets;
  NegativeCache negatives;
  CacheWriter writer{&rrsets, &negatives};
  std::string Dump() const { return DumpCacheToString(rrsets, negatives); }
  LdnsRrListPtr Lookup(const char* name, ldns_rr_type type, Trust at_least = Trust::kAdditional) {
    return rrsets.Lookup(Name(name).get(), type, LDNS_RR_CLASS_IN, at_least);
  }
  std::optional<NegativeAnswer> Negative(const char* name, ldns_rr_type type) {
    return negatives.Lookup(Name(name).get(), type, LDNS_RR_CLASS_IN);
  }
};

// The dump's entries (an ";rrset" or "msg" line with the lines after it), sorted: the order
// of entries follows the hash table and the LRU list, which a load does not reproduce.
std::vector<std::string> Entries(const std::string& dump) {
  std::vector<std::string> entries;
  for (absl::string_view line : absl::StrSplit(dump, '\n')) {
    if (line.empty()) continue;
    const bool starts = absl::StartsWith(line, ";rrset") || absl::StartsWith(line, "msg ") ||
                        absl::StartsWith(line, "START_") || absl::StartsWith(line, "END_") ||
                        line == "EOF";
    if (starts || entries.empty()) entries.emplace_back();
    absl::StrAppend(&entries.back(), line, "\n");
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

class CacheDumpTest : public ::testing::Test {
 protected:
  // Fills `caches_` with one RRset of each rank, a signed one, and both kinds of negative
  // answer.
  void Fill() {
    Caches& c = caches_;
    c.writer.StoreRecords(RrList({"www.example.com. 3600 IN A 192.0.2.1",
                                  "www.example.com. 3600 IN A 192.0.2.2", kSignature})
                              .get(),
                          Trust::kAnswer);
    c.writer.StoreReferral(RrList({"example.com. 86400 IN NS ns1.example.com."}).get(),
                           RrList({"ns1.example.com. 86400 IN A 192.0.2.53"}).get());
    c.writer.StoreRecords(RrList({kSoa}).get(), Trust::kAuthority);
    c.writer.StoreNegative(Name("nx.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                           LDNS_RCODE_NXDOMAIN, RrList({kSoa}).get());
    c.writer.StoreNegative(Name("www.example.com.").get(), LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN,
                           LDNS_RCODE_NOERROR, RrList({kSoa}).get());
  }

  FakeClock clock_;
  Caches caches_{&clock_};
};

TEST_F(CacheDumpTest, WritesUnboundsFormat) {
  Fill();
  clock_.Advance(absl::Seconds(10));
  EXPECT_THAT(
      Entries(caches_.Dump()),
      ElementsAre(
          ";rrset 3590 1 0 7 0\nexample.com.\t3590\tIN\tSOA\tns1.example.com. "
          "host.example.com. 7 3600 600 86400 300\n",
          ";rrset 3590 2 1 8 0\nwww.example.com.\t3590\tIN\tA\t192.0.2.1\n"
          "www.example.com.\t3590\tIN\tA\t192.0.2.2\n"
          "www.example.com.\t3590\tIN\tRRSIG\tA 8 3 3600 20270101000000 20261201000000 12345 "
          "example.com. AAECAwQFBgcICQoLDA0ODw==\n",
          ";rrset 86390 1 0 1 0\nns1.example.com.\t86390\tIN\tA\t192.0.2.53\n",
          ";rrset 86390 1 0 2 0\nexample.com.\t86390\tIN\tNS\tns1.example.com.\n",
          "END_MSG_CACHE\n", "END_RRSET_CACHE\n", "EOF\n", "START_MSG_CACHE\n",
          "START_RRSET_CACHE\n",
          // NXDOMAIN for A and AAAA, NODATA for its type, the SOA in the authority section.
          "msg example.com. IN SOA 32896 1 3590 0 1 0 0 -1 \nexample.com. IN SOA 0\n",
          "msg nx.example.com. IN A 32899 1 290 0 0 1 0 -1 \nexample.com. IN SOA 0\n",
          "msg nx.example.com. IN AAAA 32899 1 290 0 0 1 0 -1 \nexample.com. IN SOA 0\n",
          "msg www.example.com. IN A 32896 1 3590 0 1 0 0 -1 \nwww.example.com. IN A 0\n",
          "msg www.example.com. IN AAAA 32896 1 290 0 0 1 0 -1 \nexample.com. IN SOA 0\n"));
  const std::string dump = caches_.Dump();
  EXPECT_TRUE(absl::StartsWith(dump, "START_RRSET_CACHE\n;rrset "));
  EXPECT_THAT(dump, HasSubstr("\nEND_RRSET_CACHE\nSTART_MSG_CACHE\nmsg "));
  EXPECT_TRUE(absl::EndsWith(dump, "\nEND_MSG_CACHE\nEOF\n"));
}

TEST_F(CacheDumpTest, RoundTripGivesTheSameText) {
  Fill();
  const std::string first = caches_.Dump();
  FakeClock other_clock;
  Caches loaded(&other_clock);
  absl::StatusOr<LoadedCache> counts =
      LoadCacheFromString(first, absl::ZeroDuration(), &loaded.writer);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->rrsets, 4);
  EXPECT_EQ(counts->negatives, 3);  // the NXDOMAIN twice (A and AAAA), the NODATA
  EXPECT_EQ(counts->answers, 2);
  EXPECT_EQ(counts->expired, 0);
  EXPECT_EQ(counts->skipped, 0);
  EXPECT_EQ(Entries(loaded.Dump()), Entries(first));

  // The ranks came back: the glue and the referral's NS RRset answer no client.
  EXPECT_EQ(loaded.Lookup("ns1.example.com.", LDNS_RR_TYPE_A, kClientAnswerTrust), nullptr);
  EXPECT_NE(loaded.Lookup("ns1.example.com.", LDNS_RR_TYPE_A), nullptr);
  EXPECT_EQ(loaded.Lookup("example.com.", LDNS_RR_TYPE_NS, Trust::kAuthority), nullptr);
  EXPECT_NE(loaded.Lookup("example.com.", LDNS_RR_TYPE_NS, Trust::kReferral), nullptr);
  EXPECT_NE(loaded.Lookup("example.com.", LDNS_RR_TYPE_SOA, Trust::kAuthority), nullptr);
  EXPECT_EQ(loaded.Lookup("example.com.", LDNS_RR_TYPE_SOA, Trust::kAnswer), nullptr);
  EXPECT_NE(loaded.Lookup("www.example.com.", LDNS_RR_TYPE_A, Trust::kAnswer), nullptr);
  LdnsRrListPtr sigs = loaded.rrsets.LookupSignatures(Name("www.example.com.").get(),
                                                      LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
  ASSERT_NE(sigs, nullptr);
  EXPECT_EQ(ldns_rr_list_rr_count(sigs.get()), 1);
  // Every type is NXDOMAIN at nx, as before; www has A but no AAAA.
  std::optional<NegativeAnswer> nx = loaded.Negative("nx.example.com.", LDNS_RR_TYPE_MX);
  ASSERT_TRUE(nx.has_value());
  EXPECT_EQ(nx->rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_rr_ttl(nx->soa.get()), 300);
  std::optional<NegativeAnswer> nodata = loaded.Negative("www.example.com.", LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(nodata.has_value());
  EXPECT_EQ(nodata->rcode, LDNS_RCODE_NOERROR);
  EXPECT_FALSE(loaded.Negative("www.example.com.", LDNS_RR_TYPE_TXT).has_value());
}

TEST_F(CacheDumpTest, RecordsOfEveryShapeSurviveTheText) {
  const std::vector<std::string> records = {
      "txt.example.com. 600 IN TXT \"two words\" \"a \\\"quoted\\\" one\"",
      "mx.example.com. 600 IN MX 10 mail.example.com.",
      "srv.example.com. 600 IN SRV 0 5 5060 sip.example.com.",
      "caa.example.com. 600 IN CAA 0 issue \"ca.example.net\"",
      "ds.example.com. 600 IN DS 12345 8 2 "
      "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
      "unknown.example.com. 600 IN TYPE65280 \\# 4 0a000001",
      "aaaa.example.com. 600 IN AAAA 2001:db8::1",
  };
  for (const std::string& record : records) {
    caches_.writer.StoreRecords(RrList({record}).get(), Trust::kAnswer);
  }
  const std::string first = caches_.Dump();
  Caches loaded(&clock_);
  absl::StatusOr<LoadedCache> counts =
      LoadCacheFromString(first, absl::ZeroDuration(), &loaded.writer);
  ASSERT_TRUE(counts.ok()) << counts.status() << "\n" << first;
  EXPECT_EQ(counts->rrsets, records.size());
  EXPECT_EQ(Entries(loaded.Dump()), Entries(first));
  for (const std::string& record : records) {
    LdnsRrPtr rr = Rr(record);
    LdnsRrListPtr found =
        loaded.rrsets.Lookup(ldns_rr_owner(rr.get()), ldns_rr_get_type(rr.get()), LDNS_RR_CLASS_IN);
    ASSERT_NE(found, nullptr) << record;
    EXPECT_EQ(ldns_rr_compare(ldns_rr_list_rr(found.get(), 0), rr.get()), 0) << record;
  }
}

TEST_F(CacheDumpTest, AgeComesOffEveryTtlAndWhatItUsesUpIsSkipped) {
  Fill();
  const std::string dump = caches_.Dump();
  FakeClock other_clock;
  Caches loaded(&other_clock);
  // 1000 s later: the negative answers (300 s) have expired, the rest lost 1000 s.
  absl::StatusOr<LoadedCache> counts =
      LoadCacheFromString(dump, absl::Seconds(1000), &loaded.writer);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->rrsets, 4);
  EXPECT_EQ(counts->negatives, 0);
  EXPECT_EQ(counts->expired, 3);
  EXPECT_THAT(Texts(loaded.Lookup("www.example.com.", LDNS_RR_TYPE_A).get()),
              ElementsAre("www.example.com.\t2600\tIN\tA\t192.0.2.1",
                          "www.example.com.\t2600\tIN\tA\t192.0.2.2"));
  EXPECT_FALSE(loaded.Negative("nx.example.com.", LDNS_RR_TYPE_A).has_value());

  // A day later everything has.
  Caches later(&other_clock);
  counts = LoadCacheFromString(dump, absl::Hours(24), &later.writer);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->rrsets, 0);
  EXPECT_EQ(counts->expired, 4 + 2 + 3);
  EXPECT_EQ(later.rrsets.entries(), 0);
  EXPECT_EQ(later.negatives.entries(), 0);
}

TEST_F(CacheDumpTest, EachRankIsWrittenAsUnboundsTrustAndReadBack) {
  EXPECT_EQ(UnboundTrust(Trust::kAdditional), 1);  // rrset_trust_add_noAA
  EXPECT_EQ(UnboundTrust(Trust::kReferral), 2);    // rrset_trust_auth_noAA
  EXPECT_EQ(UnboundTrust(Trust::kAuthority), 7);   // rrset_trust_auth_AA
  EXPECT_EQ(UnboundTrust(Trust::kAnswer), 8);      // rrset_trust_ans_AA
  for (Trust trust : {Trust::kAdditional, Trust::kReferral, Trust::kAuthority, Trust::kAnswer}) {
    EXPECT_EQ(TrustFromUnbound(UnboundTrust(trust), LDNS_RR_TYPE_NS), trust);
  }
  const std::vector<Trust> expected = {Trust::kAdditional, Trust::kAdditional, Trust::kReferral,
                                       Trust::kAdditional, Trust::kAuthority,  Trust::kAuthority,
                                       Trust::kAdditional, Trust::kAuthority,  Trust::kAnswer,
                                       Trust::kAnswer,     Trust::kAnswer,     Trust::kAnswer,
                                       Trust::kAnswer};
  for (int unbound = 0; unbound <= 12; ++unbound) {
    EXPECT_EQ(TrustFromUnbound(unbound, LDNS_RR_TYPE_NS), expected[unbound]) << unbound;
  }
  // A DS beside a referral's NS RRset is the parent's own data.
  EXPECT_EQ(TrustFromUnbound(2, LDNS_RR_TYPE_DS), Trust::kAuthority);

  // And through a load: an RRset at each of unbound's ranks.
  std::string text = "START_RRSET_CACHE\n";
  for (int unbound = 0; unbound <= 12; ++unbound) {
    absl::StrAppend(&text, ";rrset 600 1 0 ", unbound, " 0\n", "n", unbound,
                    ".example.com.\t600\tIN\tNS\tns1.example.com.\n");
  }
  absl::StrAppend(&text, "END_RRSET_CACHE\nSTART_MSG_CACHE\nEND_MSG_CACHE\nEOF\n");
  Caches loaded(&clock_);
  ASSERT_TRUE(LoadCacheFromString(text, absl::ZeroDuration(), &loaded.writer).ok());
  for (int unbound = 0; unbound <= 12; ++unbound) {
    const std::string name = absl::StrCat("n", unbound, ".example.com.");
    EXPECT_NE(loaded.Lookup(name.c_str(), LDNS_RR_TYPE_NS, expected[unbound]), nullptr) << unbound;
    if (expected[unbound] != Trust::kAnswer) {
      const Trust above = static_cast<Trust>(static_cast<int>(expected[unbound]) + 1);
      EXPECT_EQ(loaded.Lookup(name.c_str(), LDNS_RR_TYPE_NS, above), nullptr) << unbound;
    }
  }
}

// What unbound 1.17.1's dump_cache wrote after a few questions over the test hierarchy (trimmed):
// its negative messages refer to their SOA with key flag 4, which its own load_cache cannot
// resolve (its ;rrset lines carry no key flags); rebound takes them.
constexpr char kUnboundDump[] =
    "START_RRSET_CACHE\n"
    ";rrset 86400 2 0 8 0\n"
    ".\t86400\tIN\tNS\ta.root.test.\n"
    ".\t86400\tIN\tNS\tb.root.test.\n"
    ";rrset 86400 1 0 2 0\n"
    "test.\t86400\tIN\tNS\tns1.nic.test.\n"
    ";rrset 86400 1 0 1 0\n"
    "ns1.nic.test.\t86400\tIN\tA\t127.0.2.1\n"
    ";rrset 3600 1 0 8 0\n"
    "long01.alpha.test.\t3600\tIN\tCNAME\tlong02.gamma.test.\n"
    ";rrset 3600 1 0 8 0\n"
    "alpha.test.\t3600\tIN\tSOA\tns1.alpha.test. hostmaster.alpha.test. 2024010101 3600 900 "
    "604800 300\n"
    ";rrset 300 1 0 7 0\n"
    "alpha.test.\t300\tIN\tSOA\tns1.alpha.test. hostmaster.alpha.test. 2024010101 3600 900 "
    "604800 300\n"
    ";rrset nsec_apex 3600 1 0 8 0\n"
    "v4only.alpha.test.\t3600\tIN\tA\t5.6.7.8\n"
    "END_RRSET_CACHE\n"
    "START_MSG_CACHE\n"
    "msg alpha.test. IN SOA 32896 1 3600 0 1 0 0\n"
    "alpha.test. IN SOA 0\n"
    "msg www.alpha.test. IN TXT 32899 1 300 0 0 1 0\n"
    "alpha.test. IN SOA 4\n"
    "msg v4only.alpha.test. IN AAAA 32896 1 300 0 0 1 0\n"
    "alpha.test. IN SOA 4\n"
    "msg . IN NS 32896 1 86400 0 1 0 2\n"
    ". IN NS 0\n"
    "a.root.test. IN A 0\n"
    "b.root.test. IN A 0\n"
    "msg bogus.alpha.test. IN A 32899 1 300 1 0 1 0 9 validation failure\n"
    "alpha.test. IN SOA 4\n"
    "END_MSG_CACHE\n"
    "EOF\n";

TEST_F(CacheDumpTest, LoadsUnboundsDumpIncludingItsNegativeMessages) {
  absl::StatusOr<LoadedCache> counts =
      LoadCacheFromString(kUnboundDump, absl::ZeroDuration(), &caches_.writer);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->rrsets, 7);
  EXPECT_EQ(counts->answers, 2);
  EXPECT_EQ(counts->negatives, 2);
  EXPECT_EQ(counts->skipped, 1);  // the bogus one
  EXPECT_EQ(counts->lines, 32);
  EXPECT_NE(caches_.Lookup("v4only.alpha.test.", LDNS_RR_TYPE_A, Trust::kAnswer), nullptr);
  EXPECT_NE(caches_.Lookup("test.", LDNS_RR_TYPE_NS, Trust::kReferral), nullptr);
  EXPECT_EQ(caches_.Lookup("test.", LDNS_RR_TYPE_NS, Trust::kAuthority), nullptr);
  // The SOA at answer rank, with its own TTL, not the negative answers' copy.
  EXPECT_THAT(Texts(caches_.Lookup("alpha.test.", LDNS_RR_TYPE_SOA, Trust::kAnswer).get()),
              ElementsAre(HasSubstr("\t3600\t")));
  std::optional<NegativeAnswer> nx = caches_.Negative("www.alpha.test.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(nx.has_value());
  EXPECT_EQ(nx->rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_rr_ttl(nx->soa.get()), 300);
  std::optional<NegativeAnswer> nodata = caches_.Negative("v4only.alpha.test.", LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(nodata.has_value());
  EXPECT_EQ(nodata->rcode, LDNS_RCODE_NOERROR);
  EXPECT_FALSE(caches_.Negative("bogus.alpha.test.", LDNS_RR_TYPE_A).has_value());
}

TEST_F(CacheDumpTest, ANegativeAnswerAfterACnameIsAboutTheChainsEnd) {
  const std::string text =
      "START_RRSET_CACHE\n"
      ";rrset 600 1 0 8 0\nalias.example.com.\t600\tIN\tCNAME\tgone.example.com.\n"
      ";rrset 600 1 0 7 0\n" +
      absl::StrCat(kSoa, "\n") +
      "END_RRSET_CACHE\nSTART_MSG_CACHE\n"
      "msg alias.example.com. IN A 32899 1 300 0 1 1 0 -1 \n"
      "alias.example.com. IN CNAME 0\nexample.com. IN SOA 0\n"
      "END_MSG_CACHE\nEOF\n";
  ASSERT_TRUE(LoadCacheFromString(text, absl::ZeroDuration(), &caches_.writer).ok());
  EXPECT_TRUE(caches_.Negative("gone.example.com.", LDNS_RR_TYPE_A).has_value());
  EXPECT_FALSE(caches_.Negative("alias.example.com.", LDNS_RR_TYPE_A).has_value());
}

TEST_F(CacheDumpTest, UnboundsBadMarksSkipTheirEntry) {
  const std::string text =
      "START_RRSET_CACHE\n"
      ";rrset 600 2 0 8 0\nBADRR\nwww.example.com.\t600\tIN\tA\t192.0.2.1\n"
      ";rrset 600 1 0 7 0\n" +
      absl::StrCat(kSoa, "\n") +
      "END_RRSET_CACHE\nSTART_MSG_CACHE\n"
      "msg nx.example.com. IN A 32899 1 300 0 0 1 0\nBADREF\n"
      "END_MSG_CACHE\nEOF\n";
  absl::StatusOr<LoadedCache> counts =
      LoadCacheFromString(text, absl::ZeroDuration(), &caches_.writer);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->skipped, 2);
  EXPECT_EQ(caches_.Lookup("www.example.com.", LDNS_RR_TYPE_A), nullptr);
  EXPECT_FALSE(caches_.Negative("nx.example.com.", LDNS_RR_TYPE_A).has_value());
}

TEST_F(CacheDumpTest, AMalformedLineStopsTheLoadWithItsNumber) {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::string rrset = ";rrset 600 1 0 8 0\nwww.example.com.\t600\tIN\tA\t192.0.2.1\n";
  const std::string tail = "END_RRSET_CACHE\nSTART_MSG_CACHE\nEND_MSG_CACHE\nEOF\n";
  const std::vector<Case> cases = {
      {"", "line 1: the input ends before START_RRSET_CACHE"},
      {"START_RRSET\n", "line 1: expected START_RRSET_CACHE but got \"START_RRSET\""},
      {"START_RRSET_CACHE\n" + rrset + "rrset 600 1 0 8 0\n",
       "line 4: expected ;rrset but got \"rrset 600 1 0 8 0\""},
      {"START_RRSET_CACHE\n;rrset 600 1 0 8\n", "line 2: bad ;rrset line"},
      {"START_RRSET_CACHE\n;rrset 600 one 0 8 0\n", "line 2: bad ;rrset line"},
      {"START_RRSET_CACHE\n;rrset 600 0 0 8 0\n", "line 2: an RRset without records"},
      {"START_RRSET_CACHE\n;rrset 600 1 0 8 0\nwww.example.com. 600 IN A 192.0.2\n",
       "line 3: cannot parse record"},
      {"START_RRSET_CACHE\n;rrset 600 1 0 8 0\nwww.example.com 600 IN A 192.0.2.1\n",
       "line 3: record owner is not an absolute name"},
      {"START_RRSET_CACHE\n;rrset 600 1 1 8 0\nwww.example.com. 600 IN A 192.0.2.1\n"
       "www.example.com. 600 IN A 192.0.2.2\n",
       "line 4: expected an RRSIG record"},
      {"START_RRSET_CACHE\n;rrset 600 2 0 8 0\nwww.example.com. 600 IN A 192.0.2.1\n"
       "mail.example.com. 600 IN A 192.0.2.2\n",
       "line 4: record not of the RRset begun at line 2"},
      {"START_RRSET_CACHE\n;rrset 600 2 0 8 0\nwww.example.com. 600 IN A 192.0.2.1\n",
       "line 4: the input ends before the RRset's records"},
      {"START_RRSET_CACHE\n" + rrset + "END_RRSET_CACHE\nEOF\n",
       "line 5: expected START_MSG_CACHE but got \"EOF\""},
      {"START_RRSET_CACHE\n" + rrset +
           "END_RRSET_CACHE\nSTART_MSG_CACHE\nmsg www.example.com. IN "
           "A 32896 1 600\n",
       "line 6: bad msg line"},
      {"START_RRSET_CACHE\n" + rrset +
           "END_RRSET_CACHE\nSTART_MSG_CACHE\nmsg www.example.com. IN NOTATYPE 32896 1 600 0 1 0 "
           "0\n",
       "line 6: bad msg line: bad type \"NOTATYPE\""},
      {"START_RRSET_CACHE\n" + rrset +
           "END_RRSET_CACHE\nSTART_MSG_CACHE\nmsg www.example.com. IN A 32896 1 600 0 1 0 0\n"
           "www.example.com. IN A\n",
       "line 7: bad RRset reference \"www.example.com. IN A\""},
      {"START_RRSET_CACHE\n" + rrset + "END_RRSET_CACHE\nSTART_MSG_CACHE\nEND_MSG_CACHE\n",
       "line 7: the input ends before EOF"},
      {"START_RRSET_CACHE\n" + rrset + "END_RRSET_CACHE\nSTART_MSG_CACHE\nEND_MSG_CACHE\nEO\n",
       "line 7: expected EOF but got \"EO\""},
  };
  for (const Case& c : cases) {
    Caches fresh(&clock_);
    absl::StatusOr<LoadedCache> loaded =
        LoadCacheFromString(c.text, absl::ZeroDuration(), &fresh.writer);
    ASSERT_FALSE(loaded.ok()) << c.text;
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(loaded.status().message(), HasSubstr(c.error)) << c.text;
  }
  // What came before the bad line stays loaded, as with unbound's load_cache.
  Caches partial(&clock_);
  EXPECT_FALSE(LoadCacheFromString("START_RRSET_CACHE\n" + rrset + "garbage\n" + tail,
                                   absl::ZeroDuration(), &partial.writer)
                   .ok());
  EXPECT_NE(partial.Lookup("www.example.com.", LDNS_RR_TYPE_A), nullptr);
  // A null writer only checks.
  Caches untouched(&clock_);
  EXPECT_TRUE(
      LoadCacheFromString("START_RRSET_CACHE\n" + rrset + tail, absl::ZeroDuration(), nullptr)
          .ok());
}

TEST_F(CacheDumpTest, LoadStopsReadingAtEof) {
  const std::vector<std::string> lines = {
      "START_RRSET_CACHE", "END_RRSET_CACHE", "START_MSG_CACHE", "END_MSG_CACHE", "EOF",
      "not read"};
  size_t next = 0;
  absl::StatusOr<LoadedCache> loaded = LoadCache(
      [&](std::string* line) {
        if (next == lines.size()) return false;
        *line = lines[next++];
        return true;
      },
      absl::ZeroDuration(), &caches_.writer);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(next, 5);
  EXPECT_EQ(loaded->lines, 5);
}

TEST_F(CacheDumpTest, DumpingLeavesTheLruOrderAlone) {
  // One shard with room for three entries: the least recently used is evicted first. A dump
  // must not make the oldest entry look used.
  auto record = [](char c) {
    return RrList({std::string(1, c) + ".example.com. 600 IN A 192.0.2.1"});
  };
  RrsetCache scratch({.shards = 1}, &clock_);
  ASSERT_TRUE(scratch.Insert(*record('a'), Trust::kAnswer));
  const size_t charge = scratch.bytes();
  RrsetCache small({.max_bytes = 3 * charge + charge / 2, .shards = 1}, &clock_);
  NegativeCache negatives({}, &clock_);
  for (char c : {'a', 'b', 'c'}) ASSERT_TRUE(small.Insert(*record(c), Trust::kAnswer));
  ASSERT_EQ(small.entries(), 3);
  EXPECT_THAT(DumpCacheToString(small, negatives), HasSubstr("a.example.com."));
  // The dump visits twice (RRsets, then messages), which could hide a visit that reverses the
  // order; one visit alone must not change it either.
  size_t visited = 0;
  small.ForEachRrset([&visited](const RrsetCache::Visited&) { ++visited; });
  EXPECT_EQ(visited, 3);
  ASSERT_TRUE(small.Insert(*record('d'), Trust::kAnswer));
  EXPECT_EQ(small.Lookup(Name("a.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN), nullptr);
  EXPECT_NE(small.Lookup(Name("b.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN), nullptr);
}

TEST_F(CacheDumpTest, AnEntryWithLessThanASecondLeftIsNotWritten) {
  caches_.writer.StoreRecords(RrList({"short.example.com. 10 IN A 192.0.2.1"}).get(),
                              Trust::kAnswer);
  caches_.writer.StoreNegative(Name("nx.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                               LDNS_RCODE_NXDOMAIN,
                               RrList({"example.com. 10 IN SOA ns1.example.com. "
                                       "host.example.com. 7 3600 600 86400 300"})
                                   .get());
  clock_.Advance(absl::Milliseconds(9500));
  EXPECT_EQ(caches_.Dump(),
            "START_RRSET_CACHE\nEND_RRSET_CACHE\nSTART_MSG_CACHE\nEND_MSG_CACHE\nEOF\n");
}

TEST_F(CacheDumpTest, AStoppedWriterEndsTheDump) {
  Fill();
  int calls = 0;
  const DumpedCache dumped = DumpCache(caches_.rrsets, caches_.negatives, [&](absl::string_view) {
    ++calls;
    return false;
  });
  EXPECT_FALSE(dumped.complete);
  EXPECT_EQ(calls, 1);
}

// dump_cache writes each piece to the control connection as it comes: however large the
// caches, no piece is longer than the bound, and each is whole lines.
TEST_F(CacheDumpTest, ALargeDumpArrivesInPiecesNoneLargerThanTheBound) {
  RrsetCache rrsets({.max_bytes = 64 << 20}, &clock_);  // 32 shards, as the daemon's
  NegativeCache negatives({}, &clock_);
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(rrsets.Insert(
        *RrList({absl::StrCat("host", i, ".example.com. 600 IN A 192.0.2.1")}), Trust::kAnswer));
  }
  std::vector<std::string> pieces;
  const DumpedCache dumped = DumpCache(rrsets, negatives, [&pieces](absl::string_view piece) {
    pieces.emplace_back(piece);
    return true;
  });
  EXPECT_TRUE(dumped.complete);
  EXPECT_EQ(dumped.rrsets, 3000);
  EXPECT_GT(pieces.size(), 10u);  // some 300 KB of text
  std::string joined;
  for (const std::string& piece : pieces) {
    EXPECT_LE(piece.size(), kDumpChunkBytes);
    EXPECT_TRUE(absl::EndsWith(piece, "\n")) << "a piece ends inside a line";
    joined += piece;
  }
  EXPECT_EQ(joined, DumpCacheToString(rrsets, negatives));
}

// A record whose line alone is longer than the bound goes out as a piece of its own.
TEST_F(CacheDumpTest, ALineLongerThanTheBoundIsAPieceOfItsOwn) {
  std::string txt = "big.example.com. 600 IN TXT";
  for (int i = 0; i < 80; ++i) absl::StrAppend(&txt, " \"", std::string(250, 'x'), "\"");
  caches_.writer.StoreRecords(RrList({txt}).get(), Trust::kAnswer);
  std::vector<std::string> pieces;
  DumpCache(caches_.rrsets, caches_.negatives, [&pieces](absl::string_view piece) {
    pieces.emplace_back(piece);
    return true;
  });
  const auto big = std::find_if(pieces.begin(), pieces.end(), [](const std::string& piece) {
    return piece.size() > kDumpChunkBytes;
  });
  ASSERT_NE(big, pieces.end());
  EXPECT_TRUE(absl::StartsWith(*big, "big.example.com.")) << big->substr(0, 80);
  EXPECT_EQ(std::count(big->begin(), big->end(), '\n'), 1);
}

// The writer (a write to a slow client's socket) runs with no shard lock held: the workers go
// on storing into the shard being dumped. Were the shard locked, the store would deadlock.
TEST_F(CacheDumpTest, TheWriterRunsWithNoShardLockHeld) {
  Fill();
  int stored = 0;
  const DumpedCache dumped = DumpCache(caches_.rrsets, caches_.negatives, [&](absl::string_view) {
    caches_.writer.StoreRecords(
        RrList({absl::StrCat("during", stored++, ".example.com. 600 IN A 192.0.2.9")}).get(),
        Trust::kAnswer);
    return true;
  });
  EXPECT_TRUE(dumped.complete);
  EXPECT_GT(stored, 0);
}

TEST_F(CacheDumpTest, AWriterThatFailsLaterStopsTheDumpThere) {
  RrsetCache rrsets({.max_bytes = 64 << 20}, &clock_);
  NegativeCache negatives({}, &clock_);
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(rrsets.Insert(
        *RrList({absl::StrCat("host", i, ".example.com. 600 IN A 192.0.2.1")}), Trust::kAnswer));
  }
  int calls = 0;
  const DumpedCache dumped = DumpCache(rrsets, negatives, [&calls](absl::string_view) {
    return ++calls < 2;  // the client goes away during the second piece
  });
  EXPECT_FALSE(dumped.complete);
  EXPECT_EQ(calls, 2);
  EXPECT_LT(dumped.rrsets, 3000);
}

}  // namespace
}  // namespace rebound
