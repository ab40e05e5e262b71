#include "resolver/forward/forward_stage.h"

#include <gtest/gtest.h>

#include "resolver/core/pipeline.h"
#include "tests/support/fake_transport.h"

namespace rebound {
namespace {

using ::rebound::testing::FakeTransport;

Endpoint Addr(const char* text) { return *Endpoint::Parse(text, 53); }

LdnsPktPtr ReplyWithA(const char* name, const char* addr) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_rr* rr = nullptr;
  std::string text = std::string(name) + " 300 IN A " + addr;
  EXPECT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK);
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
  return pkt;
}

LdnsPktPtr ReplyWithRcode(ldns_pkt_rcode rcode) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_rcode(pkt.get(), rcode);
  return pkt;
}

class ForwardStageTest : public ::testing::Test {
 protected:
  ForwardStageTest() {
    EXPECT_TRUE(zones_.Add(".", {Addr("127.0.0.1"), Addr("127.0.0.2")}, false).ok());
    EXPECT_TRUE(zones_.Add("corp.test", {Addr("127.0.0.9@5353")}, false).ok());
  }

  // Submits a query for `name` and returns where its answer's RCODE will be written (-1: none).
  void Ask(const char* name, int* rcode, int* answers = nullptr) {
    LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(name), LDNS_RR_TYPE_A,
                                    LDNS_RR_CLASS_IN, 0));
    pipeline_.Submit(std::make_unique<Request>(std::move(q), ClientInfo{}, clock_.Now()),
                     [rcode, answers](Request& r) {
                       *rcode = ldns_pkt_get_rcode(r.answer());
                       if (answers) *answers = ldns_pkt_ancount(r.answer());
                     });
  }

  FakeClock clock_;
  FakeTransport transport_;
  ForwardZoneSet zones_;
  ForwardStage stage_{&zones_, &transport_, &clock_, ForwardOptions{}};
  Pipeline pipeline_{{&stage_}};
};

TEST_F(ForwardStageTest, ForwardsWithRecursionDesiredAndReturnsTheReply) {
  int rcode = -1, answers = -1;
  Ask("www.example.test.", &rcode, &answers);
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_TRUE(transport_.front().recursion_desired);
  EXPECT_EQ(transport_.front().name, "www.example.test.");
  transport_.Reply(ReplyWithA("www.example.test.", "192.0.2.1"));
  EXPECT_EQ(rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(answers, 1);
}

TEST_F(ForwardStageTest, LongestMatchingZoneWins) {
  int rcode = -1;
  Ask("host.CORP.test.", &rcode);
  ASSERT_EQ(transport_.outstanding(), 1u);
  EXPECT_EQ(transport_.front().server, Addr("127.0.0.9@5353"));
}

TEST_F(ForwardStageTest, TimeoutMovesOnAndBacksOffTheDeadServer) {
  int rcode = -1;
  Ask("a.test.", &rcode);
  const Endpoint first = transport_.front().server;
  transport_.Reply(absl::DeadlineExceededError("timeout"));
  ASSERT_EQ(transport_.outstanding(), 1u);
  const Endpoint second = transport_.front().server;
  EXPECT_FALSE(first == second);
  transport_.Reply(ReplyWithA("a.test.", "192.0.2.1"));
  EXPECT_EQ(rcode, LDNS_RCODE_NOERROR);
  // The next queries go to the server that answered, whatever the rotation says.
  for (int i = 0; i < 3; ++i) {
    Ask("b.test.", &rcode);
    EXPECT_EQ(transport_.front().server, second);
    transport_.Reply(ReplyWithA("b.test.", "192.0.2.2"));
  }
}

TEST_F(ForwardStageTest, UpstreamServfailTriesTheNextThenGivesServfail) {
  int rcode = -1;
  Ask("a.test.", &rcode);
  transport_.Reply(ReplyWithRcode(LDNS_RCODE_SERVFAIL));
  ASSERT_EQ(transport_.outstanding(), 1u);
  transport_.Reply(ReplyWithRcode(LDNS_RCODE_REFUSED));
  EXPECT_EQ(transport_.outstanding(), 0u);
  EXPECT_EQ(rcode, LDNS_RCODE_SERVFAIL);
}

TEST_F(ForwardStageTest, NxdomainIsAnAnswerNotAFailure) {
  int rcode = -1;
  Ask("nope.test.", &rcode);
  transport_.Reply(ReplyWithRcode(LDNS_RCODE_NXDOMAIN));
  EXPECT_EQ(transport_.outstanding(), 0u);
  EXPECT_EQ(rcode, LDNS_RCODE_NXDOMAIN);
}

TEST_F(ForwardStageTest, BudgetSpentGivesServfail) {
  int rcode = -1;
  Ask("a.test.", &rcode);
  clock_.Advance(absl::Seconds(9));
  transport_.Reply(absl::DeadlineExceededError("timeout"));
  EXPECT_EQ(transport_.outstanding(), 0u);
  EXPECT_EQ(rcode, LDNS_RCODE_SERVFAIL);
}

TEST(ForwardZoneSetTest, MatchesZoneAndSubdomainsOnly) {
  ForwardZoneSet zones;
  ASSERT_TRUE(zones.Add("example.test.", {Addr("127.0.0.1")}, false).ok());
  LdnsRdfPtr inside(ldns_dname_new_frm_str("a.b.Example.Test."));
  LdnsRdfPtr apex(ldns_dname_new_frm_str("example.test."));
  LdnsRdfPtr outside(ldns_dname_new_frm_str("badexample.test."));
  EXPECT_NE(zones.Find(inside.get()), nullptr);
  EXPECT_NE(zones.Find(apex.get()), nullptr);
  EXPECT_EQ(zones.Find(outside.get()), nullptr);
  EXPECT_FALSE(zones.Add("x.test.", {}, false).ok());
}

}  // namespace
}  // namespace rebound
