#include "resolver/cache/any_query_stage.h"

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
using ::rebound::testing::RrList;
using ::rebound::testing::Texts;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kSoa[] =
    "example.com. 3600 IN SOA ns1.example.com. host.example.com. 7 3600 600 86400 300";
constexpr char kSigOverA[] =
    "www.example.com. 300 IN RRSIG A 8 3 300 20300101000000 20200101000000 1 example.com. "
    "AQID";
constexpr char kSigOverMx[] =
    "www.example.com. 300 IN RRSIG MX 8 3 300 20300101000000 20200101000000 1 example.com. "
    "AQID";

using AnyQueryStageTest = testing::StageOverCachesTest<AnyQueryStage>;

// A name with several RRsets, as an authority answers ANY for it in full.
LdnsPktPtr FullAnyAnswer() {
  return MakeAnswer(LDNS_RCODE_NOERROR,
                    {"www.example.com. 300 IN TXT \"v=spf1 -all\"", kSigOverMx,
                     "www.example.com. 300 IN MX 10 mail.example.com.",
                     "www.example.com. 300 IN A 192.0.2.1", "www.example.com. 300 IN A 192.0.2.2",
                     kSigOverA, "www.example.com. 300 IN AAAA 2001:db8::1"},
                    {"example.com. 300 IN NS ns1.example.com."},
                    {"ns1.example.com. 300 IN A 192.0.2.53"});
}

TEST_F(AnyQueryStageTest, OtherTypesPassUntouched) {
  InsertRrset({"www.example.com. 300 IN A 192.0.2.1"});
  auto req = Query("www.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(stage_.OnQuery(*req), StageResult::kContinue);
  EXPECT_EQ(req->answer(), nullptr);
  EXPECT_EQ(Answer(*req, FullAnyAnswer()), StageResult::kContinue);
  EXPECT_EQ(ldns_pkt_ancount(req->answer()), 7);
  EXPECT_EQ(ldns_pkt_nscount(req->answer()), 1);
}

TEST_F(AnyQueryStageTest, UpstreamAnswerIsCutToThePreferredRrset) {
  auto req = Query("www.example.com.", LDNS_RR_TYPE_ANY);
  ASSERT_EQ(stage_.OnQuery(*req), StageResult::kContinue);
  EXPECT_EQ(Answer(*req, FullAnyAnswer()), StageResult::kContinue);
  // A before MX and TXT in the preference, though it came later; no signatures without DO.
  EXPECT_THAT(Texts(ldns_pkt_answer(req->answer())),
              ElementsAre("www.example.com.\t300\tIN\tA\t192.0.2.1",
                          "www.example.com.\t300\tIN\tA\t192.0.2.2"));
  EXPECT_EQ(ldns_pkt_ancount(req->answer()), 2);
  EXPECT_THAT(Texts(ldns_pkt_authority(req->answer())), IsEmpty());
  EXPECT_THAT(Texts(ldns_pkt_additional(req->answer())), IsEmpty());
  EXPECT_EQ(ldns_pkt_nscount(req->answer()), 0);
  EXPECT_EQ(ldns_pkt_arcount(req->answer()), 0);
}

TEST_F(AnyQueryStageTest, DnssecClientGetsTheSignaturesOfTheChosenRrsetOnly) {
  auto req = Query("www.example.com.", LDNS_RR_TYPE_ANY, /*dnssec_ok=*/true);
  Answer(*req, FullAnyAnswer());
  const std::vector<std::string> texts = Texts(ldns_pkt_answer(req->answer()));
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_EQ(texts[0], "www.example.com.\t300\tIN\tA\t192.0.2.1");
  EXPECT_EQ(texts[1], "www.example.com.\t300\tIN\tA\t192.0.2.2");
  EXPECT_THAT(texts[2], ::testing::HasSubstr("RRSIG\tA "));
}

TEST_F(AnyQueryStageTest, CnameWinsOverEverything) {
  auto req = Query("alias.example.com.", LDNS_RR_TYPE_ANY);
  Answer(*req,
         MakeAnswer(LDNS_RCODE_NOERROR, {"alias.example.com. 300 IN TXT \"x\"",
                                         "alias.example.com. 300 IN CNAME www.example.com."}));
  EXPECT_THAT(Texts(ldns_pkt_answer(req->answer())),
              ElementsAre("alias.example.com.\t300\tIN\tCNAME\twww.example.com."));
}

TEST_F(AnyQueryStageTest, WithoutAPreferredTypeTheFirstRrsetIsKept) {
  auto req = Query("www.example.com.", LDNS_RR_TYPE_ANY);
  Answer(*req, MakeAnswer(LDNS_RCODE_NOERROR, {"www.example.com. 300 IN HINFO \"cpu\" \"os\"",
                                               "www.example.com. 300 IN CAA 0 issue \"ca.test\"",
                                               "www.example.com. 300 IN HINFO \"cpu2\" \"os2\""}));
  EXPECT_THAT(Texts(ldns_pkt_answer(req->answer())),
              ElementsAre("www.example.com.\t300\tIN\tHINFO\t\"cpu\" \"os\"",
                          "www.example.com.\t300\tIN\tHINFO\t\"cpu2\" \"os2\""));
}

TEST_F(AnyQueryStageTest, NameCaseDoesNotMatter) {
  auto req = Query("WWW.Example.COM.", LDNS_RR_TYPE_ANY);
  Answer(*req, FullAnyAnswer());
  EXPECT_EQ(ldns_pkt_ancount(req->answer()), 2);
}

TEST_F(AnyQueryStageTest, NegativeAnswersPassUnchanged) {
  auto nx = Query("nx.example.com.", LDNS_RR_TYPE_ANY);
  Answer(*nx, MakeAnswer(LDNS_RCODE_NXDOMAIN, {}, {kSoa}));
  EXPECT_EQ(ldns_pkt_get_rcode(nx->answer()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_pkt_nscount(nx->answer()), 1);
  auto nodata = Query("empty.example.com.", LDNS_RR_TYPE_ANY);
  Answer(*nodata, MakeAnswer(LDNS_RCODE_NOERROR, {}, {kSoa}));
  EXPECT_EQ(ldns_pkt_get_rcode(nodata->answer()), LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_pkt_ancount(nodata->answer()), 0);
  EXPECT_EQ(ldns_pkt_nscount(nodata->answer()), 1);
  auto failed = Query("www.example.com.", LDNS_RR_TYPE_ANY);
  LdnsPktPtr servfail = FullAnyAnswer();
  ldns_pkt_set_rcode(servfail.get(), LDNS_RCODE_SERVFAIL);
  Answer(*failed, std::move(servfail));
  EXPECT_EQ(ldns_pkt_ancount(failed->answer()), 7) << "not an answer to minimise";
}

TEST_F(AnyQueryStageTest, AnsweredFromTheCacheWithOneRrset) {
  InsertRrset({"www.example.com. 300 IN MX 10 mail.example.com."});
  InsertRrset({"www.example.com. 300 IN AAAA 2001:db8::1"});
  InsertRrset({"www.example.com. 300 IN TXT \"hello\""});
  clock_.Advance(absl::Seconds(20));
  auto req = Query("www.example.com.", LDNS_RR_TYPE_ANY);
  ASSERT_EQ(stage_.OnQuery(*req), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_get_rcode(req->answer()), LDNS_RCODE_NOERROR);
  EXPECT_FALSE(ldns_pkt_aa(req->answer()));
  EXPECT_THAT(Texts(ldns_pkt_answer(req->answer())),
              ElementsAre("www.example.com.\t280\tIN\tAAAA\t2001:db8::1"));
  EXPECT_EQ(ldns_pkt_nscount(req->answer()), 0);
}

TEST_F(AnyQueryStageTest, CachedSignaturesComeWithTheRrsetForDnssecClients) {
  InsertRrset({"www.example.com. 300 IN A 192.0.2.1"});
  InsertRrset({kSigOverA});
  auto plain = Query("www.example.com.", LDNS_RR_TYPE_ANY);
  ASSERT_EQ(stage_.OnQuery(*plain), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_ancount(plain->answer()), 1);
  auto dnssec = Query("www.example.com.", LDNS_RR_TYPE_ANY, /*dnssec_ok=*/true);
  ASSERT_EQ(stage_.OnQuery(*dnssec), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_ancount(dnssec->answer()), 2);
}

TEST_F(AnyQueryStageTest, CachedNxdomainIsAnswered) {
  LdnsRrListPtr soa = RrList({kSoa});
  ASSERT_TRUE(negatives_.InsertNxdomain(testing::Name("nx.example.com.").get(), LDNS_RR_CLASS_IN,
                                        ldns_rr_list_rr(soa.get(), 0)));
  auto req = Query("nx.example.com.", LDNS_RR_TYPE_ANY);
  ASSERT_EQ(stage_.OnQuery(*req), StageResult::kDone);
  EXPECT_EQ(ldns_pkt_get_rcode(req->answer()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_pkt_nscount(req->answer()), 1);
  // A DNSSEC client needs the denial's proof, which only upstream has.
  auto dnssec = Query("nx.example.com.", LDNS_RR_TYPE_ANY, /*dnssec_ok=*/true);
  EXPECT_EQ(stage_.OnQuery(*dnssec), StageResult::kContinue);
}

TEST_F(AnyQueryStageTest, CachedNodataForOneTypeIsNotAnAnswerToAny) {
  LdnsRrListPtr soa = RrList({kSoa});
  ASSERT_TRUE(negatives_.InsertNodata(testing::Name("www.example.com.").get(), LDNS_RR_TYPE_A,
                                      LDNS_RR_CLASS_IN, ldns_rr_list_rr(soa.get(), 0)));
  auto req = Query("www.example.com.", LDNS_RR_TYPE_ANY);
  EXPECT_EQ(stage_.OnQuery(*req), StageResult::kContinue);
}

TEST_F(AnyQueryStageTest, CacheMissContinuesUpstream) {
  auto req = Query("www.example.com.", LDNS_RR_TYPE_ANY);
  EXPECT_EQ(stage_.OnQuery(*req), StageResult::kContinue);
  EXPECT_EQ(req->answer(), nullptr);
}

// In the Pipeline: the stage ahead of one that answers ANY in full cuts that answer down.
TEST_F(AnyQueryStageTest, InThePipelineTheClientGetsOneRrset) {
  class FullAnswers : public Stage {
   public:
    StageResult OnQuery(Request& req) override {
      req.set_answer(FullAnyAnswer());
      return StageResult::kDone;
    }
  } upstream;
  Pipeline pipeline({&stage_, &upstream});
  int answers = 0;
  pipeline.Submit(Query("www.example.com.", LDNS_RR_TYPE_ANY), [&](Request& req) {
    ++answers;
    EXPECT_EQ(ldns_pkt_ancount(req.answer()), 2);
    EXPECT_EQ(ldns_pkt_nscount(req.answer()), 0);
  });
  EXPECT_EQ(answers, 1);
}

}  // namespace
}  // namespace rebound
