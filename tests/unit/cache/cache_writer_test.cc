// CacheWriter, the one writer of the RRset and negative caches.
#include "resolver/cache/cache_writer.h"

#include "gtest/gtest.h"
#include "resolver/core/clock.h"
#include "tests/unit/cache/test_records.h"

namespace rebound {
namespace {

using ::rebound::testing::MakeAnswer;
using ::rebound::testing::Name;
using ::rebound::testing::RrList;

constexpr char kSoa[] =
    "example.com. 3600 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 300";
constexpr char kOtherSoa[] =
    "example.net. 3600 IN SOA ns1.example.net. host.example.net. 7 3600 600 86400 300";

class CacheWriterTest : public ::testing::Test {
 protected:
  bool Negative(const char* name, ldns_rr_type type = LDNS_RR_TYPE_A) const {
    return negatives_.Lookup(Name(name).get(), type, LDNS_RR_CLASS_IN).has_value();
  }
  void StoreResponse(const char* qname, ldns_rr_type qtype, const LdnsPktPtr& response) {
    writer_.StoreResponse(Name(qname).get(), qtype, LDNS_RR_CLASS_IN, *response, Trust::kAuthority);
  }

  FakeClock clock_;
  RrsetCache rrsets_{RrsetCacheOptions{}, &clock_};
  NegativeCache negatives_{NegativeCacheOptions{}, &clock_};
  CacheWriter writer_{&rrsets_, &negatives_};
};

TEST_F(CacheWriterTest, RecordsKeepTheRankTheyCameWith) {
  writer_.StoreRecords(RrList({"ns1.example.com. 300 IN A 192.0.2.53"}).get(), Trust::kAdditional);
  EXPECT_EQ(rrsets_.Lookup(Name("ns1.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                           Trust::kAuthority),
            nullptr);
  EXPECT_NE(rrsets_.Lookup(Name("ns1.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN),
            nullptr);
}

// Issue 18 item 5: the parent's copy of a zone's NS RRset steers the resolver but answers no
// client; the DS beside it is the parent's own data.
TEST_F(CacheWriterTest, AReferralsNsRrsetRanksBelowWhatAnswersClients) {
  writer_.StoreReferral(RrList({"child.example.com. 86400 IN NS ns1.child.example.com.",
                                "child.example.com. 86400 IN DS 1 8 2 "
                                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
                            .get(),
                        RrList({"ns1.child.example.com. 86400 IN A 192.0.2.1"}).get());
  const LdnsRdfPtr child = Name("child.example.com.");
  EXPECT_NE(rrsets_.Lookup(child.get(), LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN), nullptr);
  EXPECT_EQ(rrsets_.Lookup(child.get(), LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN, kClientAnswerTrust),
            nullptr);
  EXPECT_NE(rrsets_.Lookup(child.get(), LDNS_RR_TYPE_DS, LDNS_RR_CLASS_IN, kClientAnswerTrust),
            nullptr);
  // The child's own NS RRset replaces the parent's copy; the parent's cannot come back over it.
  writer_.StoreRecords(RrList({"child.example.com. 3600 IN NS ns1.child.example.com."}).get(),
                       Trust::kAnswer);
  writer_.StoreReferral(RrList({"child.example.com. 86400 IN NS ns1.child.example.com."}).get(),
                        nullptr);
  LdnsRrListPtr ns =
      rrsets_.Lookup(child.get(), LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN, kClientAnswerTrust);
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ns.get(), 0)), 3600u);
}

// RFC 2308 3: only the SOA of a zone holding the name proves the denial.
TEST_F(CacheWriterTest, ADenialNeedsTheSoaOfAZoneHoldingTheName) {
  writer_.StoreNegative(Name("gone.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                        LDNS_RCODE_NXDOMAIN, RrList({kOtherSoa}).get());
  EXPECT_FALSE(Negative("gone.example.com."));
  writer_.StoreNegative(Name("gone.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                        LDNS_RCODE_NXDOMAIN, RrList({kSoa}).get());
  EXPECT_TRUE(Negative("gone.example.com.", LDNS_RR_TYPE_MX));
}

TEST_F(CacheWriterTest, NodataIsOnlyForTheTypeAndOnlyForADataType) {
  writer_.StoreNegative(Name("www.example.com.").get(), LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN,
                        LDNS_RCODE_NOERROR, RrList({kSoa}).get());
  EXPECT_TRUE(Negative("www.example.com.", LDNS_RR_TYPE_AAAA));
  EXPECT_FALSE(Negative("www.example.com.", LDNS_RR_TYPE_A));
  writer_.StoreNegative(Name("www.example.com.").get(), LDNS_RR_TYPE_ANY, LDNS_RR_CLASS_IN,
                        LDNS_RCODE_NOERROR, RrList({kSoa}).get());
  EXPECT_FALSE(Negative("www.example.com.", LDNS_RR_TYPE_ANY));
}

// RFC 6604 3: the NXDOMAIN of a chain is its last name's.
TEST_F(CacheWriterTest, AResponsesDenialBelongsToTheEndOfItsChain) {
  StoreResponse(
      "www.example.com.", LDNS_RR_TYPE_A,
      MakeAnswer(LDNS_RCODE_NXDOMAIN, {"www.example.com. 300 IN CNAME nx.example.com."}, {kSoa}));
  EXPECT_FALSE(Negative("www.example.com."));
  EXPECT_TRUE(Negative("nx.example.com."));
  EXPECT_NE(rrsets_.Lookup(Name("www.example.com.").get(), LDNS_RR_TYPE_CNAME, LDNS_RR_CLASS_IN),
            nullptr);
}

// A chain that comes back to its start has no end to deny.
TEST_F(CacheWriterTest, ALoopingChainDeniesNothing) {
  StoreResponse("a.example.com.", LDNS_RR_TYPE_A,
                MakeAnswer(LDNS_RCODE_NXDOMAIN,
                           {"a.example.com. 300 IN CNAME b.example.com.",
                            "b.example.com. 300 IN CNAME a.example.com."},
                           {kSoa}));
  EXPECT_FALSE(Negative("a.example.com."));
  EXPECT_FALSE(Negative("b.example.com."));
}

TEST_F(CacheWriterTest, ServfailAndTruncatedResponsesAreNotData) {
  StoreResponse("www.example.com.", LDNS_RR_TYPE_A,
                MakeAnswer(LDNS_RCODE_SERVFAIL, {"www.example.com. 300 IN A 192.0.2.1"}));
  LdnsPktPtr truncated = MakeAnswer(LDNS_RCODE_NOERROR, {"mail.example.com. 300 IN A 192.0.2.2"});
  ldns_pkt_set_tc(truncated.get(), true);
  StoreResponse("mail.example.com.", LDNS_RR_TYPE_A, truncated);
  EXPECT_EQ(rrsets_.entries(), 0u);
}

}  // namespace
}  // namespace rebound
