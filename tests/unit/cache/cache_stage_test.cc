#include "resolver/cache/cache_stage.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/core/pipeline.h"
#include "tests/unit/cache/stage_over_caches_test.h"
#include "tests/unit/cache/test_records.h"

namespace rebound {
namespace {

using ::rebound::testing::MakeAnswer;
using ::rebound::testing::MakeRequest;
using ::rebound::testing::Name;
using ::rebound::testing::RrList;
using ::rebound::testing::Text;
using ::rebound::testing::Texts;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kSoa[] =
    "example.com. 3600 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 300";
constexpr char kSoaText[] =
    "example.com.\t300\tIN\tSOA\tns1.example.com. host.example.com. 7 3600 600 86400 300";

using CacheStageTest = testing::StageOverCachesTest<CacheStage>;

TEST_F(CacheStageTest, MissContinues) {
  auto req = Query("www.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(stage_.OnQuery(*req), StageResult::kContinue);
  EXPECT_EQ(req->answer(), nullptr);
}

TEST_F(CacheStageTest, DirectHit) {
  InsertRrset({"www.example.com. 300 IN A 192.0.2.1"});
  clock_.Advance(absl::Seconds(10));
  auto req = Query("www.example.com.", LDNS_RR_TYPE_A);
  ASSERT_EQ(stage_.OnQuery(*req), StageResult::kDone);
  ASSERT_NE(req->answer(), nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(req->answer()), LDNS_RCODE_NOERROR);
  EXPECT_FALSE(ldns_pkt_aa(req->answer()));
  EXPECT_THAT(Texts(ldns_pkt_answer(req->answer())),
              ElementsAre("www.example.com.\t290\tIN\tA\t192.0.2.1"));
  EXPECT_THAT(Texts(ldns_pkt_authority(req->answer())), IsEmpty());
  EXPECT_EQ(ldns_pkt_ancount(req->answer()), 1);
}

TEST_F(CacheStageTest, CnameChainAssembledAcrossEntries) {
  InsertRrset({"www.example.com. 300 IN CNAME a.example.net."});
  InsertRrset({"a.example.net. 200 IN CNAME b.example.org."});
  InsertRrset({"b.example.org. 100 IN A 192.0.2.7"});
  auto req = Query("www.example.com.", LDNS_RR_TYPE_A);
  ASSERT_EQ(stage_.OnQuery(*req), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_get_rcode(req->answer()), LDNS_RCODE_NOERROR);
  EXPECT_THAT(Texts(ldns_pkt_answer(req->answer())),
              ElementsAre("www.example.com.\t300\tIN\tCNAME\ta.example.net.",
                          "a.example.net.\t200\tIN\tCNAME\tb.example.org.",
                          "b.example.org.\t100\tIN\tA\t192.0.2.7"));
}

TEST_F(CacheStageTest, QueryForTheCnameItselfIsNotFollowed) {
  InsertRrset({"www.example.com. 300 IN CNAME a.example.net."});
  InsertRrset({"a.example.net. 200 IN A 192.0.2.7"});
  auto req = Query("www.example.com.", LDNS_RR_TYPE_CNAME);
  ASSERT_EQ(stage_.OnQuery(*req), StageResult::kDone);
  EXPECT_THAT(Texts(ldns_pkt_answer(req->answer())),
              ElementsAre("www.example.com.\t300\tIN\tCNAME\ta.example.net."));
}

TEST_F(CacheStageTest, PartialChainIsAMiss) {
  InsertRrset({"www.example.com. 300 IN CNAME a.example.net."});
  auto req = Query("www.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(stage_.OnQuery(*req), StageResult::kContinue);
  EXPECT_EQ(req->answer(), nullptr);
}

TEST_F(CacheStageTest, CnameLoopIsAMiss) {
  InsertRrset({"a.example.com. 300 IN CNAME b.example.com."});
  InsertRrset({"b.example.com. 300 IN CNAME A.example.com."});
  auto req = Query("a.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(stage_.OnQuery(*req), StageResult::kContinue);
}

TEST_F(CacheStageTest, OverlongChainIsAMiss) {
  for (int i = 0; i <= CacheStage::kMaxCnameChain; ++i) {
    InsertRrset({"n" + std::to_string(i) + ".example. 300 IN CNAME n" + std::to_string(i + 1) +
                 ".example."});
  }
  InsertRrset(
      {"n" + std::to_string(CacheStage::kMaxCnameChain + 1) + ".example. 300 IN A 1.2.3.4"});
  EXPECT_EQ(stage_.OnQuery(*Query("n0.example.", LDNS_RR_TYPE_A)), StageResult::kContinue);
  // A chain of exactly the limit is answered.
  EXPECT_EQ(stage_.OnQuery(*Query("n1.example.", LDNS_RR_TYPE_A)), StageResult::kDone);
}

TEST_F(CacheStageTest, NxdomainHitWithCountdown) {
  negatives_.InsertNxdomain(Name("nx.example.com.").get(), LDNS_RR_CLASS_IN,
                            testing::Rr(kSoa).get());
  clock_.Advance(absl::Seconds(100));
  auto req = Query("nx.example.com.", LDNS_RR_TYPE_A);
  ASSERT_EQ(stage_.OnQuery(*req), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_get_rcode(req->answer()), LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(Texts(ldns_pkt_answer(req->answer())), IsEmpty());
  EXPECT_THAT(Texts(ldns_pkt_authority(req->answer())),
              ElementsAre("example.com.\t200\tIN\tSOA\tns1.example.com. host.example.com. 7 3600 "
                          "600 86400 300"));
}

TEST_F(CacheStageTest, NxdomainAtEndOfChain) {
  InsertRrset({"www.example.com. 300 IN CNAME nx.example.com."});
  negatives_.InsertNxdomain(Name("nx.example.com.").get(), LDNS_RR_CLASS_IN,
                            testing::Rr(kSoa).get());
  auto req = Query("www.example.com.", LDNS_RR_TYPE_AAAA);
  ASSERT_EQ(stage_.OnQuery(*req), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_get_rcode(req->answer()), LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(Texts(ldns_pkt_answer(req->answer())),
              ElementsAre("www.example.com.\t300\tIN\tCNAME\tnx.example.com."));
  EXPECT_THAT(Texts(ldns_pkt_authority(req->answer())), ElementsAre(kSoaText));
}

TEST_F(CacheStageTest, NodataHit) {
  negatives_.InsertNodata(Name("www.example.com.").get(), LDNS_RR_TYPE_AAAA, LDNS_RR_CLASS_IN,
                          testing::Rr(kSoa).get());
  auto req = Query("www.example.com.", LDNS_RR_TYPE_AAAA);
  ASSERT_EQ(stage_.OnQuery(*req), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_get_rcode(req->answer()), LDNS_RCODE_NOERROR);
  EXPECT_THAT(Texts(ldns_pkt_answer(req->answer())), IsEmpty());
  EXPECT_THAT(Texts(ldns_pkt_authority(req->answer())), ElementsAre(kSoaText));
  // Another type at the same name is not covered.
  EXPECT_EQ(stage_.OnQuery(*Query("www.example.com.", LDNS_RR_TYPE_A)), StageResult::kContinue);
}

TEST_F(CacheStageTest, PositiveDataWinsOverNegative) {
  negatives_.InsertNodata(Name("www.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                          testing::Rr(kSoa).get());
  InsertRrset({"www.example.com. 300 IN A 192.0.2.1"});
  auto req = Query("www.example.com.", LDNS_RR_TYPE_A);
  ASSERT_EQ(stage_.OnQuery(*req), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_ancount(req->answer()), 1);
}

TEST_F(CacheStageTest, DnssecClientGetsSignatures) {
  InsertRrset({"www.example.com. 300 IN A 192.0.2.1"});
  InsertRrset(
      {"www.example.com. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 1234 "
       "example.com. AAAA"});
  auto plain = Query("www.example.com.", LDNS_RR_TYPE_A);
  ASSERT_EQ(stage_.OnQuery(*plain), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_ancount(plain->answer()), 1);
  auto dnssec = Query("www.example.com.", LDNS_RR_TYPE_A, /*dnssec_ok=*/true);
  ASSERT_EQ(stage_.OnQuery(*dnssec), StageResult::kDone);
  ASSERT_EQ(ldns_pkt_ancount(dnssec->answer()), 2);
  EXPECT_EQ(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(dnssec->answer()), 1)),
            LDNS_RR_TYPE_RRSIG);
}

TEST_F(CacheStageTest, DnssecClientNegativeGoesUpstream) {
  negatives_.InsertNxdomain(Name("nx.example.com.").get(), LDNS_RR_CLASS_IN,
                            testing::Rr(kSoa).get());
  EXPECT_EQ(stage_.OnQuery(*Query("nx.example.com.", LDNS_RR_TYPE_A, /*dnssec_ok=*/true)),
            StageResult::kContinue);
}

TEST_F(CacheStageTest, MetaQueryTypesBypassTheCache) {
  InsertRrset({"www.example.com. 300 IN A 192.0.2.1"});
  negatives_.InsertNxdomain(Name("nx.example.com.").get(), LDNS_RR_CLASS_IN,
                            testing::Rr(kSoa).get());
  EXPECT_EQ(stage_.OnQuery(*Query("www.example.com.", LDNS_RR_TYPE_ANY)), StageResult::kContinue);
  EXPECT_EQ(stage_.OnQuery(*Query("nx.example.com.", LDNS_RR_TYPE_AXFR)), StageResult::kContinue);
}

TEST_F(CacheStageTest, StoredAnswerIsThenAHit) {
  auto first = Query("www.example.com.", LDNS_RR_TYPE_A);
  ASSERT_EQ(stage_.OnQuery(*first), StageResult::kContinue);
  EXPECT_EQ(Answer(*first, MakeAnswer(LDNS_RCODE_NOERROR,
                                      {"www.example.com. 300 IN CNAME web.example.com.",
                                       "web.example.com. 60 IN A 192.0.2.1",
                                       "web.example.com. 60 IN A 192.0.2.2"},
                                      {"example.com. 3600 IN NS ns1.example.com."},
                                      {"ns1.example.com. 3600 IN A 192.0.2.53"})),
            StageResult::kContinue);
  clock_.Advance(absl::Seconds(5));
  auto second = Query("WWW.example.com.", LDNS_RR_TYPE_A);
  ASSERT_EQ(stage_.OnQuery(*second), StageResult::kDone);
  EXPECT_THAT(Texts(ldns_pkt_answer(second->answer())),
              ElementsAre("www.example.com.\t295\tIN\tCNAME\tweb.example.com.",
                          "web.example.com.\t55\tIN\tA\t192.0.2.1",
                          "web.example.com.\t55\tIN\tA\t192.0.2.2"));
  // Authority and additional data were stored too, with their lower trust.
  EXPECT_NE(rrsets_.Lookup(Name("example.com.").get(), LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN), nullptr);
  EXPECT_NE(rrsets_.Lookup(Name("ns1.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN),
            nullptr);
  EXPECT_FALSE(
      rrsets_.Insert(*RrList({"web.example.com. 60 IN A 192.0.2.66"}), Trust::kAdditional));
}

// RFC 2181 5.4.1 (issue 14): a parent's glue for ns1.child. is the resolver's own to use; a
// client asking ns1.child. A must get the child zone's answer, so glue alone is a miss.
TEST_F(CacheStageTest, GlueIsNeverAClientsAnswer) {
  ASSERT_TRUE(rrsets_.Insert(*RrList({"ns1.child.example.com. 3600 IN A 192.0.2.1",
                                      "ns1.child.example.com. 3600 IN A 192.0.2.99"}),
                             Trust::kAdditional));
  auto req = Query("ns1.child.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(stage_.OnQuery(*req), StageResult::kContinue);
  // The child's own answer replaces the glue, and is then a hit.
  ASSERT_TRUE(
      rrsets_.Insert(*RrList({"ns1.child.example.com. 300 IN A 192.0.2.1"}), Trust::kAnswer));
  auto again = Query("ns1.child.example.com.", LDNS_RR_TYPE_A);
  ASSERT_EQ(stage_.OnQuery(*again), StageResult::kDone);
  EXPECT_THAT(Texts(ldns_pkt_answer(again->answer())),
              ElementsAre("ns1.child.example.com.\t300\tIN\tA\t192.0.2.1"));
}

// What reaches the cache stage from below without being in the caches already (a relay's
// answer) is stored below the zones' own word, so that the zone's own answer can still replace
// it (issue 14: it used to be laundered to answer trust). The iterator's answers are in the
// caches already, stored as it learned them, and are not stored again.
TEST_F(CacheStageTest, OnlyAnAnswerNotCachedYetIsStoredAndBelowTheZonesWord) {
  auto relayed = Query("www.example.com.", LDNS_RR_TYPE_A);
  Answer(*relayed, MakeAnswer(LDNS_RCODE_NOERROR, {"www.example.com. 300 IN A 192.0.2.1"}));
  EXPECT_NE(rrsets_.Lookup(Name("www.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN),
            nullptr);
  EXPECT_TRUE(rrsets_.Insert(*RrList({"www.example.com. 300 IN A 192.0.2.1"}), Trust::kAuthority))
      << "equal data of the same rank could not replace it";
  auto iterated = Query("mail.example.com.", LDNS_RR_TYPE_A);
  iterated->set_answer(MakeAnswer(LDNS_RCODE_NOERROR, {"mail.example.com. 300 IN A 192.0.2.2"}));
  iterated->set_answer_cached(true);
  stage_.OnAnswer(*iterated);
  EXPECT_EQ(rrsets_.Lookup(Name("mail.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN),
            nullptr);
}

TEST_F(CacheStageTest, StoredNxdomainIsThenAHit) {
  auto first = Query("www.example.com.", LDNS_RR_TYPE_A);
  Answer(*first, MakeAnswer(LDNS_RCODE_NXDOMAIN, {"www.example.com. 300 IN CNAME nx.example.com."},
                            {kSoa}));
  auto second = Query("www.example.com.", LDNS_RR_TYPE_A);
  ASSERT_EQ(stage_.OnQuery(*second), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_get_rcode(second->answer()), LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(Texts(ldns_pkt_answer(second->answer())),
              ElementsAre("www.example.com.\t300\tIN\tCNAME\tnx.example.com."));
  EXPECT_THAT(Texts(ldns_pkt_authority(second->answer())), ElementsAre(kSoaText));
  // The NXDOMAIN belongs to the end of the chain, not to the name asked.
  EXPECT_EQ(negatives_.Lookup(Name("www.example.com.").get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN),
            std::nullopt);
  EXPECT_TRUE(negatives_.Lookup(Name("nx.example.com.").get(), LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN)
                  .has_value());
}

TEST_F(CacheStageTest, StoredNodataIsThenAHit) {
  auto first = Query("www.example.com.", LDNS_RR_TYPE_AAAA);
  Answer(*first, MakeAnswer(LDNS_RCODE_NOERROR, {}, {kSoa}));
  clock_.Advance(absl::Seconds(50));
  auto second = Query("www.example.com.", LDNS_RR_TYPE_AAAA);
  ASSERT_EQ(stage_.OnQuery(*second), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_get_rcode(second->answer()), LDNS_RCODE_NOERROR);
  EXPECT_THAT(Texts(ldns_pkt_authority(second->answer())),
              ElementsAre("example.com.\t250\tIN\tSOA\tns1.example.com. host.example.com. 7 3600 "
                          "600 86400 300"));
}

TEST_F(CacheStageTest, NegativeAnswerWithoutSoaIsNotCached) {
  auto first = Query("nx.example.com.", LDNS_RR_TYPE_A);
  Answer(*first, MakeAnswer(LDNS_RCODE_NXDOMAIN, {}));
  auto referral = Query("www.example.com.", LDNS_RR_TYPE_A);
  Answer(*referral,
         MakeAnswer(LDNS_RCODE_NOERROR, {}, {"example.com. 3600 IN NS ns1.example.com."}));
  EXPECT_EQ(negatives_.entries(), 0u);
  EXPECT_EQ(stage_.OnQuery(*Query("nx.example.com.", LDNS_RR_TYPE_A)), StageResult::kContinue);
  EXPECT_EQ(stage_.OnQuery(*Query("www.example.com.", LDNS_RR_TYPE_A)), StageResult::kContinue);
}

TEST_F(CacheStageTest, SoaOfAnotherZoneProvesNothing) {
  auto first = Query("nx.example.com.", LDNS_RR_TYPE_A);
  Answer(*first, MakeAnswer(LDNS_RCODE_NXDOMAIN, {},
                            {"example.org. 3600 IN SOA ns1.example.org. host.example.org. 7 3600 "
                             "600 86400 300"}));
  EXPECT_EQ(negatives_.entries(), 0u);
}

TEST_F(CacheStageTest, ServfailAndRefusedAreNotStored) {
  for (ldns_pkt_rcode rcode : {LDNS_RCODE_SERVFAIL, LDNS_RCODE_REFUSED, LDNS_RCODE_FORMERR}) {
    auto req = Query("www.example.com.", LDNS_RR_TYPE_A);
    EXPECT_EQ(Answer(*req, MakeAnswer(rcode, {"www.example.com. 300 IN A 192.0.2.1"}, {kSoa})),
              StageResult::kContinue);
  }
  EXPECT_EQ(rrsets_.entries(), 0u);
  EXPECT_EQ(negatives_.entries(), 0u);
}

TEST_F(CacheStageTest, TruncatedAnswerIsNotStored) {
  auto req = Query("www.example.com.", LDNS_RR_TYPE_A);
  LdnsPktPtr answer = MakeAnswer(LDNS_RCODE_NOERROR, {"www.example.com. 300 IN A 192.0.2.1"});
  ldns_pkt_set_tc(answer.get(), true);
  Answer(*req, std::move(answer));
  EXPECT_EQ(rrsets_.entries(), 0u);
}

TEST_F(CacheStageTest, AnyAnswerStoresRrsetsButNoNodata) {
  auto req = Query("www.example.com.", LDNS_RR_TYPE_ANY);
  Answer(*req, MakeAnswer(LDNS_RCODE_NOERROR, {"www.example.com. 300 IN A 192.0.2.1"}, {kSoa}));
  EXPECT_EQ(negatives_.entries(), 0u);
  EXPECT_EQ(stage_.OnQuery(*Query("www.example.com.", LDNS_RR_TYPE_A)), StageResult::kDone);
}

TEST_F(CacheStageTest, MessageLevelRecordsAreNotStored) {
  auto req = Query("www.example.com.", LDNS_RR_TYPE_A);
  Answer(*req, MakeAnswer(LDNS_RCODE_NOERROR, {"www.example.com. 300 IN A 192.0.2.1"}, {},
                          {"key.example. 0 ANY TYPE250 \\# 0"}));
  EXPECT_EQ(rrsets_.entries(), 1u);
}

// An upstream that answers every query from a script and counts how often it was asked.
class ScriptedUpstream : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    ++queries;
    req.set_answer(MakeAnswer(LDNS_RCODE_NOERROR, {"www.example.com. 300 IN A 192.0.2.1"}));
    return StageResult::kDone;
  }
  int queries = 0;
};

TEST_F(CacheStageTest, ThroughThePipelineTheSecondQueryIsServedFromCache) {
  ScriptedUpstream upstream;
  Pipeline pipeline({&stage_, &upstream});
  std::vector<std::string> answers;
  auto respond = [&answers](Request& req) {
    answers.push_back(Text(ldns_rr_list_rr(ldns_pkt_answer(req.answer()), 0)));
  };
  pipeline.Submit(Query("www.example.com.", LDNS_RR_TYPE_A), respond);
  clock_.Advance(absl::Seconds(1));
  pipeline.Submit(Query("www.example.com.", LDNS_RR_TYPE_A), respond);
  EXPECT_EQ(upstream.queries, 1);
  EXPECT_THAT(answers, ElementsAre("www.example.com.\t300\tIN\tA\t192.0.2.1",
                                   "www.example.com.\t299\tIN\tA\t192.0.2.1"));
}

}  // namespace
}  // namespace rebound
