#include "resolver/server/query_handler.h"

#include <gtest/gtest.h>

#include <optional>

namespace rebound {
namespace {

// Answers every query with one A record, so the tests see what reached the pipeline.
class AnsweringStage : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    ++calls;
    LdnsPktPtr answer(ldns_pkt_new());
    ldns_rr* rr = nullptr;
    ldns_rr_new_frm_str(&rr, "q.test. 300 IN A 192.0.2.1", 0, nullptr, nullptr);
    ldns_pkt_push_rr(answer.get(), LDNS_SECTION_ANSWER, rr);
    req.set_answer(std::move(answer));
    return StageResult::kDone;
  }
  int calls = 0;
};

std::vector<uint8_t> Wire(const char* name, ldns_rr_type type, uint16_t edns_size = 0,
                          ldns_pkt_opcode opcode = LDNS_PACKET_QUERY, uint16_t flags = LDNS_RD) {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(name), type, LDNS_RR_CLASS_IN, flags));
  ldns_pkt_set_id(q.get(), 0x1234);
  ldns_pkt_set_opcode(q.get(), opcode);
  if (edns_size) ldns_pkt_set_edns_udp_size(q.get(), edns_size);
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, q.get(), &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  return out;
}

class QueryHandlerTest : public ::testing::Test {
 protected:
  QueryHandlerTest() {
    EXPECT_TRUE(acl_.Add("192.0.2.0/24", AccessAction::kDeny).ok());
    EXPECT_TRUE(acl_.Add("10.0.0.1", AccessAction::kAllowSnoop).ok());
    EXPECT_TRUE(acl_.Add("10.0.0.2", AccessAction::kAllowSetRd).ok());
  }

  // Handles `packet` from `client` and returns the parsed response, or nothing if dropped.
  std::optional<LdnsPktPtr> Ask(const std::vector<uint8_t>& packet,
                                const char* client = "127.0.0.1@40000", bool tcp = false) {
    std::optional<LdnsPktPtr> response;
    bool replied = false;
    const bool answered =
        handler_.Handle(packet, {*Endpoint::Parse(client, 0), tcp}, [&](std::vector<uint8_t> r) {
          replied = true;
          ldns_pkt* pkt = nullptr;
          EXPECT_EQ(ldns_wire2pkt(&pkt, r.data(), r.size()), LDNS_STATUS_OK);
          response = LdnsPktPtr(pkt);
        });
    EXPECT_EQ(answered, replied);
    return response;
  }

  AnsweringStage stage_;
  Pipeline pipeline_{{&stage_}};
  AccessControlList acl_;
  QueryHandler handler_{&acl_, &pipeline_, SystemClock::Get(), 1232};
};

TEST_F(QueryHandlerTest, AllowedClientGetsTheAnswerWithHeaderFromTheQuery) {
  auto r = Ask(Wire("q.test.", LDNS_RR_TYPE_A));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(ldns_pkt_id(r->get()), 0x1234);
  EXPECT_TRUE(ldns_pkt_qr(r->get()));
  EXPECT_TRUE(ldns_pkt_ra(r->get()));
  EXPECT_TRUE(ldns_pkt_rd(r->get()));
  EXPECT_EQ(ldns_pkt_ancount(r->get()), 1);
  EXPECT_EQ(stage_.calls, 1);
}

TEST_F(QueryHandlerTest, ClientOutsideTheAclIsRefusedWithoutReachingThePipeline) {
  auto r = Ask(Wire("q.test.", LDNS_RR_TYPE_A), "198.51.100.7@53");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(r->get()), LDNS_RCODE_REFUSED);
  EXPECT_EQ(stage_.calls, 0);
  EXPECT_EQ(handler_.stats().refused, 1u);
}

TEST_F(QueryHandlerTest, NonRecursiveQueriesNeedAllowSnoop) {
  const std::vector<uint8_t> norec = Wire("q.test.", LDNS_RR_TYPE_A, 0, LDNS_PACKET_QUERY, 0);
  // allow: no cache snooping, as in unbound.
  auto refused = Ask(norec);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(refused->get()), LDNS_RCODE_REFUSED);
  EXPECT_EQ(stage_.calls, 0);
  // allow_snoop: the query goes on, RD still clear.
  auto snooped = Ask(norec, "10.0.0.1@53");
  ASSERT_TRUE(snooped.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(snooped->get()), LDNS_RCODE_NOERROR);
  EXPECT_FALSE(ldns_pkt_rd(snooped->get()));
  // allow_setrd: treated as recursive.
  auto set = Ask(norec, "10.0.0.2@53");
  ASSERT_TRUE(set.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(set->get()), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_rd(set->get()));
  EXPECT_EQ(stage_.calls, 2);
}

TEST_F(QueryHandlerTest, DeniedClientIsDropped) {
  EXPECT_FALSE(Ask(Wire("q.test.", LDNS_RR_TYPE_A), "192.0.2.9@53").has_value());
  EXPECT_EQ(stage_.calls, 0);
  EXPECT_EQ(handler_.stats().dropped, 1u);
}

TEST_F(QueryHandlerTest, MalformedQueriesGetFormerrOrAreDropped) {
  std::vector<uint8_t> packet = Wire("q.test.", LDNS_RR_TYPE_A);
  // Header only: readable, so FORMERR.
  auto r = Ask(std::vector<uint8_t>(packet.begin(), packet.begin() + 14));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(r->get()), LDNS_RCODE_FORMERR);
  EXPECT_EQ(ldns_pkt_id(r->get()), 0x1234);
  // Shorter than a header: nothing to answer.
  EXPECT_FALSE(Ask(std::vector<uint8_t>(packet.begin(), packet.begin() + 5)).has_value());
  // A response (QR=1) is never answered.
  packet[2] |= 0x80;
  EXPECT_FALSE(Ask(packet).has_value());
  EXPECT_EQ(stage_.calls, 0);
}

TEST_F(QueryHandlerTest, OtherOpcodesGetNotimpAndZoneTransfersAreRefused) {
  auto r = Ask(Wire("q.test.", LDNS_RR_TYPE_A, 0, LDNS_PACKET_STATUS));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(r->get()), LDNS_RCODE_NOTIMPL);
  r = Ask(Wire("q.test.", LDNS_RR_TYPE_AXFR), "127.0.0.1@1", /*tcp=*/true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(r->get()), LDNS_RCODE_REFUSED);
  EXPECT_EQ(stage_.calls, 0);
}

TEST_F(QueryHandlerTest, EdnsQueryGetsAnOptRecordBack) {
  auto plain = Ask(Wire("q.test.", LDNS_RR_TYPE_A));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(ldns_pkt_edns_udp_size(plain->get()), 0);
  auto edns = Ask(Wire("q.test.", LDNS_RR_TYPE_A, 4096));
  ASSERT_TRUE(edns.has_value());
  EXPECT_EQ(ldns_pkt_edns_udp_size(edns->get()), 1232);
}

}  // namespace
}  // namespace rebound
