// AnswerFromCache, the one reader that CacheStage and the iterator's lookups share.
#include "resolver/cache/cached_answer.h"

#include <string>
#include <vector>

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
using ::testing::IsEmpty;
using Kind = CachedAnswer::Kind;

constexpr char kSoa[] =
    "example.com. 3600 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 300";

class CachedAnswerTest : public ::testing::Test {
 protected:
  void Store(const std::vector<std::string>& rrset, Trust trust = Trust::kAnswer) {
    ASSERT_TRUE(rrsets_.Insert(*RrList(rrset), trust));
  }
  CachedAnswer Ask(const std::string& name, ldns_rr_type type, CacheQuestion q = {}) {
    name_ = Name(name);
    q.name = name_.get();
    q.type = type;
    q.rr_class = LDNS_RR_CLASS_IN;
    return AnswerFromCache(rrsets_, negatives_, q);
  }

  FakeClock clock_;
  RrsetCache rrsets_{RrsetCacheOptions{}, &clock_};
  NegativeCache negatives_{NegativeCacheOptions{}, &clock_};
  LdnsRdfPtr name_;
};

TEST_F(CachedAnswerTest, NothingCachedIsAMiss) {
  EXPECT_EQ(Ask("www.example.com.", LDNS_RR_TYPE_A).kind, Kind::kMiss);
}

TEST_F(CachedAnswerTest, MetaTypesAreNeverAnsweredFromTheCache) {
  Store({"www.example.com. 300 IN A 192.0.2.1"});
  EXPECT_EQ(Ask("www.example.com.", LDNS_RR_TYPE_ANY).kind, Kind::kMiss);
}

TEST_F(CachedAnswerTest, DataThroughAChainComesWithEveryCname) {
  Store({"www.example.com. 300 IN CNAME a.example.net."});
  Store({"a.example.net. 300 IN A 192.0.2.7"});
  const CachedAnswer cached = Ask("www.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(cached.kind, Kind::kData);
  EXPECT_THAT(Texts(cached.records.get()),
              ElementsAre("www.example.com.\t300\tIN\tCNAME\ta.example.net.",
                          "a.example.net.\t300\tIN\tA\t192.0.2.7"));
}

TEST_F(CachedAnswerTest, NegativeAnswerAtTheChainsEndKeepsTheChain) {
  Store({"www.example.com. 300 IN CNAME gone.example.com."});
  ASSERT_TRUE(
      negatives_.InsertNxdomain(Name("gone.example.com.").get(), LDNS_RR_CLASS_IN, Rr(kSoa).get()));
  const CachedAnswer cached = Ask("www.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(cached.kind, Kind::kNegative);
  EXPECT_EQ(cached.rcode, LDNS_RCODE_NXDOMAIN);
  ASSERT_NE(cached.soa, nullptr);
  EXPECT_EQ(ldns_rr_get_type(cached.soa.get()), LDNS_RR_TYPE_SOA);
  EXPECT_THAT(Texts(cached.records.get()),
              ElementsAre("www.example.com.\t300\tIN\tCNAME\tgone.example.com."));
}

// The iterator goes on from where the cache's chain leaves off, and a client's question goes
// to the stages below: either way the chain so far is known.
TEST_F(CachedAnswerTest, AChainThatLeavesTheCacheSaysWhere) {
  Store({"www.example.com. 300 IN CNAME a.example.net."});
  const CachedAnswer cached = Ask("www.example.com.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(cached.kind, Kind::kChainOnly);
  ASSERT_NE(cached.chain_end, nullptr);
  EXPECT_EQ(ldns_dname_compare(cached.chain_end.get(), Name("a.example.net.").get()), 0);
  EXPECT_THAT(Texts(cached.records.get()),
              ElementsAre("www.example.com.\t300\tIN\tCNAME\ta.example.net."));
}

TEST_F(CachedAnswerTest, ALoopOrAnOverlongChainIsBroken) {
  Store({"a.example.com. 300 IN CNAME b.example.com."});
  Store({"b.example.com. 300 IN CNAME a.example.com."});
  EXPECT_EQ(Ask("a.example.com.", LDNS_RR_TYPE_A).kind, Kind::kChainBroken);
  Store({"c1.example.com. 300 IN CNAME c2.example.com."});
  Store({"c2.example.com. 300 IN CNAME c3.example.com."});
  Store({"c3.example.com. 300 IN A 192.0.2.3"});
  EXPECT_EQ(Ask("c1.example.com.", LDNS_RR_TYPE_A, {.max_cname_chain = 1}).kind,
            Kind::kChainBroken);
  EXPECT_EQ(Ask("c1.example.com.", LDNS_RR_TYPE_A, {.max_cname_chain = 2}).kind, Kind::kData);
}

// RFC 2181 5.4.1: glue is for the resolver's own use; a client's answer needs more.
TEST_F(CachedAnswerTest, GlueAnswersOnlyTheResolversOwnLookups) {
  Store({"ns1.example.com. 300 IN A 192.0.2.53"}, Trust::kAdditional);
  EXPECT_EQ(Ask("ns1.example.com.", LDNS_RR_TYPE_A).kind, Kind::kMiss);
  EXPECT_EQ(Ask("ns1.example.com.", LDNS_RR_TYPE_A, {.at_least = Trust::kAdditional}).kind,
            Kind::kData);
}

// RFC 4035 3.1.1 and 3.1.3: a DNSSEC client gets each RRset's signatures, and no negative answer
// from a cache that keeps no NSEC or NSEC3 proof.
TEST_F(CachedAnswerTest, ADnssecClientGetsSignaturesAndNoProoflessDenial) {
  Store({"www.example.com. 300 IN A 192.0.2.1"});
  Store(
      {"www.example.com. 300 IN RRSIG A 8 3 300 20300101000000 20200101000000 1 example.com. "
       "AAAA"});
  const CachedAnswer signed_answer = Ask("www.example.com.", LDNS_RR_TYPE_A, {.dnssec_ok = true});
  EXPECT_EQ(signed_answer.kind, Kind::kData);
  EXPECT_EQ(ldns_rr_list_rr_count(signed_answer.records.get()), 2u);
  EXPECT_EQ(ldns_rr_list_rr_count(Ask("www.example.com.", LDNS_RR_TYPE_A).records.get()), 1u);

  ASSERT_TRUE(
      negatives_.InsertNxdomain(Name("gone.example.com.").get(), LDNS_RR_CLASS_IN, Rr(kSoa).get()));
  EXPECT_EQ(Ask("gone.example.com.", LDNS_RR_TYPE_A).kind, Kind::kNegative);
  const CachedAnswer for_dnssec = Ask("gone.example.com.", LDNS_RR_TYPE_A, {.dnssec_ok = true});
  EXPECT_EQ(for_dnssec.kind, Kind::kMiss);
  EXPECT_THAT(Texts(for_dnssec.records.get()), IsEmpty());
}

}  // namespace
}  // namespace rebound
