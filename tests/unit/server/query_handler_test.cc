#include "resolver/server/query_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "tests/unit/server/allocation_counter.h"

namespace rebound {
namespace {

using ::rebound::testing::AllocationCount;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kDns64Clients[] = "10.1.0.0/16";
constexpr char kDns64Client[] = "10.1.0.5@40000";
constexpr char kPlainClient[] = "127.0.0.1@40000";

// Answers every query from its lists, so the tests see what reached the pipeline. A request in
// the DNS64 view (which the handler decides: kDns64Clients) gets `dns64_answer` instead, as
// DNS64 would give it an answer of its own.
class AnsweringStage : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    ++calls;
    LdnsPktPtr answer(ldns_pkt_new());
    ldns_pkt_set_rcode(answer.get(), rcode);
    for (const std::string& text : req.client().dns64_view ? dns64_answer : this->answer)
      Push(answer.get(), LDNS_SECTION_ANSWER, text);
    for (const std::string& text : authority) Push(answer.get(), LDNS_SECTION_AUTHORITY, text);
    for (const std::string& text : additional) Push(answer.get(), LDNS_SECTION_ADDITIONAL, text);
    req.set_answer(std::move(answer));
    return StageResult::kDone;
  }

  int calls = 0;
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  std::vector<std::string> answer = {"q.test. 300 IN A 192.0.2.1"};
  std::vector<std::string> dns64_answer = {"q.test. 300 IN AAAA 64:ff9b::c000:201"};
  std::vector<std::string> authority;
  std::vector<std::string> additional;

 private:
  static void Push(ldns_pkt* pkt, ldns_pkt_section section, const std::string& text) {
    ldns_rr* rr = nullptr;
    ASSERT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK) << text;
    ldns_pkt_push_rr(pkt, section, rr);
  }
};

struct QuerySpec {
  const char* name = "q.test.";
  ldns_rr_type type = LDNS_RR_TYPE_A;
  uint16_t id = 0x1234;
  uint16_t edns_size = 0;  // 0: no OPT
  bool dnssec_ok = false;
  ldns_pkt_opcode opcode = LDNS_PACKET_QUERY;
  uint16_t flags = LDNS_RD;
};

std::vector<uint8_t> Wire(const QuerySpec& spec) {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(spec.name), spec.type, LDNS_RR_CLASS_IN,
                                  spec.flags));
  ldns_pkt_set_id(q.get(), spec.id);
  ldns_pkt_set_opcode(q.get(), spec.opcode);
  if (spec.edns_size != 0) {
    ldns_pkt_set_edns_udp_size(q.get(), spec.edns_size);
    ldns_pkt_set_edns_do(q.get(), spec.dnssec_ok);
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, q.get(), &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  return out;
}

std::vector<uint8_t> Wire(const char* name, ldns_rr_type type, uint16_t edns_size = 0,
                          ldns_pkt_opcode opcode = LDNS_PACKET_QUERY, uint16_t flags = LDNS_RD) {
  return Wire(QuerySpec{
      .name = name, .type = type, .edns_size = edns_size, .opcode = opcode, .flags = flags});
}

LdnsPktPtr Parse(const std::vector<uint8_t>& wire) {
  ldns_pkt* pkt = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&pkt, wire.data(), wire.size()), LDNS_STATUS_OK);
  return LdnsPktPtr(pkt);
}

std::string QuestionName(const ldns_pkt* pkt) {
  char* text = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(pkt), 0)));
  std::string name(text);
  free(text);
  return name;
}

std::vector<std::string> AnswerTexts(const ldns_pkt* pkt) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(pkt)); ++i) {
    char* text = ldns_rr2str(ldns_rr_list_rr(ldns_pkt_answer(pkt), i));
    out.emplace_back(text);
    free(text);
    while (!out.back().empty() && out.back().back() == '\n') out.back().pop_back();
  }
  return out;
}

class QueryHandlerTest : public ::testing::Test {
 protected:
  QueryHandlerTest() {
    EXPECT_TRUE(acl_.Add("192.0.2.0/24", AccessAction::kDeny).ok());
    EXPECT_TRUE(acl_.Add("10.0.0.1", AccessAction::kAllowSnoop).ok());
    EXPECT_TRUE(acl_.Add("10.0.0.2", AccessAction::kAllowSetRd).ok());
    EXPECT_TRUE(acl_.Add(kDns64Clients, AccessAction::kAllow).ok());
  }

  static QueryHandlerOptions Options(PacketCache* cache) {
    return QueryHandlerOptions{.edns_buffer_size = 1232,
                               .packet_cache = cache,
                               .dns64_enabled = true,
                               .dns64_clients = {*AddressRange::Parse(kDns64Clients)}};
  }

  // Handles `packet` from `client` and returns the response's bytes, or nothing if dropped.
  // Checks that the handler kept its contract: an immediate answer runs no reply, a pending one
  // exactly one (every stage here answers synchronously).
  std::optional<std::vector<uint8_t>> AskRaw(const std::vector<uint8_t>& packet,
                                             const char* client = kPlainClient, bool tcp = false) {
    std::vector<uint8_t> out(tcp ? 65535 : 1232);
    std::optional<std::vector<uint8_t>> response;
    int replies = 0;
    const QueryHandler::Handled handled =
        active_->Handle(packet, {*Endpoint::Parse(client, 0), tcp}, out, [&] {
          return QueryHandler::Reply([&](std::vector<uint8_t> r) {
            ++replies;
            response = std::move(r);
          });
        });
    switch (handled.outcome) {
      case QueryHandler::Outcome::kDropped:
        EXPECT_EQ(replies, 0);
        break;
      case QueryHandler::Outcome::kAnswered:
        EXPECT_EQ(replies, 0);
        response = std::vector<uint8_t>(out.begin(), out.begin() + handled.size);
        break;
      case QueryHandler::Outcome::kPending:
        EXPECT_EQ(replies, 1);
        break;
    }
    return response;
  }

  std::optional<LdnsPktPtr> Ask(const std::vector<uint8_t>& packet,
                                const char* client = kPlainClient, bool tcp = false) {
    std::optional<std::vector<uint8_t>> raw = AskRaw(packet, client, tcp);
    if (!raw.has_value()) return std::nullopt;
    return Parse(*raw);
  }

  AnsweringStage stage_;
  Pipeline pipeline_{{&stage_}};
  AccessControlList acl_;
  FakeClock clock_;
  PacketCache packet_cache_{PacketCacheOptions{}, &clock_};
  QueryHandler handler_{&acl_, &pipeline_, &clock_, Options(&packet_cache_)};
  QueryHandler* active_ = &handler_;  // the handler Ask uses
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
  EXPECT_EQ(handler_.stats().refused.value(), 1u);
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
  EXPECT_EQ(handler_.stats().dropped.value(), 1u);
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

TEST_F(QueryHandlerTest, OversizedDatagramGetsFormerrWithItsId) {
  std::vector<uint8_t> head = Wire("q.test.", LDNS_RR_TYPE_A, 1232);
  std::vector<uint8_t> out(512);
  QueryHandler::Handled handled =
      handler_.HandleOversized(head, {*Endpoint::Parse(kPlainClient, 0), false}, out);
  ASSERT_EQ(handled.outcome, QueryHandler::Outcome::kAnswered);
  LdnsPktPtr r = Parse(std::vector<uint8_t>(out.begin(), out.begin() + handled.size));
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_FORMERR);
  EXPECT_EQ(ldns_pkt_id(r.get()), 0x1234);
  EXPECT_EQ(ldns_pkt_qdcount(r.get()), 0);
  // A denied client is still dropped.
  handled = handler_.HandleOversized(head, {*Endpoint::Parse("192.0.2.9@53", 0), false}, out);
  EXPECT_EQ(handled.outcome, QueryHandler::Outcome::kDropped);
  EXPECT_EQ(stage_.calls, 0);
}

// ---- The packet cache ------------------------------------------------------------------------

TEST_F(QueryHandlerTest, RepeatedQueryIsAnsweredFromThePacketCacheWithItsOwnIdAndCase) {
  auto first = AskRaw(Wire({.name = "q.test.", .id = 1}));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(stage_.calls, 1);
  EXPECT_EQ(packet_cache_.entries(), 1u);
  clock_.Advance(absl::Seconds(20));
  auto again = Ask(Wire({.name = "Q.tEsT.", .id = 0xabcd}));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(stage_.calls, 1) << "the second query reached the pipeline";
  EXPECT_EQ(handler_.stats().packet_cache_hits.value(), 1u);
  EXPECT_EQ(ldns_pkt_id(again->get()), 0xabcd);
  EXPECT_EQ(QuestionName(again->get()), "Q.tEsT.");
  EXPECT_THAT(AnswerTexts(again->get()), ElementsAre("Q.tEsT.\t280\tIN\tA\t192.0.2.1"));
  EXPECT_TRUE(ldns_pkt_rd(again->get()));
  EXPECT_TRUE(ldns_pkt_ra(again->get()));
  // Over TCP too: the same response fits any transport that takes its size.
  auto tcp = Ask(Wire({.name = "q.test.", .id = 2}), kPlainClient, /*tcp=*/true);
  ASSERT_TRUE(tcp.has_value());
  EXPECT_EQ(stage_.calls, 1);
  EXPECT_EQ(handler_.stats().packet_cache_hits.value(), 2u);
}

TEST_F(QueryHandlerTest, PacketCacheHitAllocatesNothing) {
  const std::vector<uint8_t> query = Wire({.name = "q.test.", .edns_size = 1232});
  const size_t before_miss = AllocationCount();
  ASSERT_TRUE(AskRaw(query).has_value());
  if (AllocationCount() == before_miss) {
    // valgrind puts its own operator new in place of allocation_counter.cc's.
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL() << "operator new is not counted";
    GTEST_SKIP() << "operator new is not counted here (valgrind?): cannot check for allocations";
  }
  std::vector<uint8_t> out(1232);
  const ClientInfo client{*Endpoint::Parse(kDns64Client, 0), false};
  ASSERT_TRUE(AskRaw(query, kDns64Client).has_value());  // fills the DNS64 view's entry too
  const size_t before = AllocationCount();
  bool factory_called = false;
  const QueryHandler::Handled handled = handler_.Handle(query, client, out, [&] {
    factory_called = true;
    return QueryHandler::Reply([](std::vector<uint8_t>) {});
  });
  const size_t allocations = AllocationCount() - before;
  EXPECT_EQ(handled.outcome, QueryHandler::Outcome::kAnswered);
  EXPECT_FALSE(factory_called);
  EXPECT_EQ(allocations, 0u);
  EXPECT_EQ(stage_.calls, 2);
}

TEST_F(QueryHandlerTest, EveryQueryBitThatChangesTheAnswerHasItsOwnEntry) {
  const std::vector<QuerySpec> variants = {
      {.name = "q.test."},
      {.name = "q.test.", .type = LDNS_RR_TYPE_AAAA},
      {.name = "q.test.", .edns_size = 1232},
      {.name = "q.test.", .edns_size = 1232, .dnssec_ok = true},
      {.name = "q.test.", .flags = LDNS_RD | LDNS_CD},
      {.name = "r.test."},
  };
  for (const QuerySpec& spec : variants) ASSERT_TRUE(Ask(Wire(spec)).has_value());
  EXPECT_EQ(stage_.calls, static_cast<int>(variants.size()));
  EXPECT_EQ(packet_cache_.entries(), variants.size());
  // Asked again, each finds its own entry, with its own flags and OPT.
  for (const QuerySpec& spec : variants) {
    auto r = Ask(Wire(spec));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(ldns_pkt_cd(r->get()), (spec.flags & LDNS_CD) != 0);
    EXPECT_EQ(ldns_pkt_edns_udp_size(r->get()), spec.edns_size == 0 ? 0 : 1232);
    EXPECT_EQ(ldns_pkt_edns_do(r->get()), spec.dnssec_ok);
    EXPECT_EQ(ldns_pkt_get_opcode(r->get()), LDNS_PACKET_QUERY);
  }
  EXPECT_EQ(stage_.calls, static_cast<int>(variants.size()));
  EXPECT_EQ(handler_.stats().packet_cache_hits.value(), variants.size());
}

TEST_F(QueryHandlerTest, Dns64ViewsNeverShareAnEntry) {
  // Each view asks twice, alternating: the second ask of each is a hit, of its own answer.
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    auto inside = Ask(Wire("q.test.", LDNS_RR_TYPE_AAAA), kDns64Client);
    ASSERT_TRUE(inside.has_value());
    EXPECT_THAT(AnswerTexts(inside->get()),
                ElementsAre("q.test.\t300\tIN\tAAAA\t64:ff9b::c000:201"));
    auto outside = Ask(Wire("q.test.", LDNS_RR_TYPE_AAAA), kPlainClient);
    ASSERT_TRUE(outside.has_value());
    EXPECT_THAT(AnswerTexts(outside->get()), ElementsAre("q.test.\t300\tIN\tA\t192.0.2.1"));
  }
  EXPECT_EQ(stage_.calls, 2);
  EXPECT_EQ(handler_.stats().packet_cache_hits.value(), 2u);
  // Without DNS64 everyone is in the same view.
  QueryHandler no_dns64(&acl_, &pipeline_, &clock_,
                        QueryHandlerOptions{.packet_cache = &packet_cache_});
  std::vector<uint8_t> out(1232);
  for (const char* client : {kDns64Client, kPlainClient}) {
    no_dns64.Handle(Wire("r.test.", LDNS_RR_TYPE_AAAA), {*Endpoint::Parse(client, 0), false}, out,
                    [] { return QueryHandler::Reply([](std::vector<uint8_t>) {}); });
  }
  EXPECT_EQ(no_dns64.stats().packet_cache_hits.value(), 1u);
}

TEST_F(QueryHandlerTest, ResponsesToQueriesTheAclDidNotPlainlyAllowAreNotStored) {
  // allow_snoop with RD=1 and allow_setrd: answered through the pipeline, not stored.
  ASSERT_TRUE(Ask(Wire("q.test.", LDNS_RR_TYPE_A), "10.0.0.1@53").has_value());
  ASSERT_TRUE(Ask(Wire("q.test.", LDNS_RR_TYPE_A, 0, LDNS_PACKET_QUERY, 0), "10.0.0.2@53"));
  EXPECT_EQ(packet_cache_.entries(), 0u);
  EXPECT_EQ(stage_.calls, 2);
  // Once a plainly allowed client has filled it, an allow_snoop client with RD=1 gets the same
  // response; an allow_setrd query without RD still goes to the pipeline (its key has no RD).
  ASSERT_TRUE(Ask(Wire("q.test.", LDNS_RR_TYPE_A)).has_value());
  ASSERT_TRUE(Ask(Wire("q.test.", LDNS_RR_TYPE_A), "10.0.0.1@53").has_value());
  auto setrd = Ask(Wire("q.test.", LDNS_RR_TYPE_A, 0, LDNS_PACKET_QUERY, 0), "10.0.0.2@53");
  ASSERT_TRUE(setrd.has_value());
  EXPECT_TRUE(ldns_pkt_rd(setrd->get()));
  EXPECT_EQ(stage_.calls, 4);
  EXPECT_EQ(handler_.stats().packet_cache_hits.value(), 1u);
}

TEST_F(QueryHandlerTest, ServfailIsNeverServedFromThePacketCache) {
  stage_.rcode = LDNS_RCODE_SERVFAIL;
  stage_.answer.clear();
  for (int i = 0; i < 3; ++i) {
    auto r = Ask(Wire("q.test.", LDNS_RR_TYPE_A));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(ldns_pkt_get_rcode(r->get()), LDNS_RCODE_SERVFAIL);
  }
  EXPECT_EQ(stage_.calls, 3);
  EXPECT_EQ(packet_cache_.entries(), 0u);
}

TEST_F(QueryHandlerTest, ExpiredEntryGoesBackToThePipeline) {
  ASSERT_TRUE(Ask(Wire("q.test.", LDNS_RR_TYPE_A)).has_value());
  clock_.Advance(absl::Seconds(299));
  ASSERT_TRUE(Ask(Wire("q.test.", LDNS_RR_TYPE_A)).has_value());
  EXPECT_EQ(stage_.calls, 1);
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(Ask(Wire("q.test.", LDNS_RR_TYPE_A)).has_value());
  EXPECT_EQ(stage_.calls, 2);
}

TEST_F(QueryHandlerTest, TruncatedResponseIsNotStoredAndABigEntryServesOnlyClientsItFits) {
  // About 40 * 16 bytes of A records: over 512, under 1232.
  stage_.answer.clear();
  for (int i = 0; i < 40; ++i) {
    stage_.answer.push_back("q.test. 300 IN A 192.0.2." + std::to_string(i));
  }
  const QuerySpec small{.name = "q.test.", .edns_size = 512};
  auto truncated = Ask(Wire(small));
  ASSERT_TRUE(truncated.has_value());
  EXPECT_TRUE(ldns_pkt_tc(truncated->get()));
  EXPECT_EQ(packet_cache_.entries(), 0u);
  // A client that takes 1232 bytes gets it whole, and that is stored...
  const QuerySpec big{.name = "q.test.", .edns_size = 4096};
  auto whole = Ask(Wire(big));
  ASSERT_TRUE(whole.has_value());
  EXPECT_FALSE(ldns_pkt_tc(whole->get()));
  EXPECT_EQ(packet_cache_.entries(), 1u);
  // ...but not sent to a client with a 512-byte buffer (same key): it gets TC from the pipeline.
  auto truncated_again = Ask(Wire(small));
  ASSERT_TRUE(truncated_again.has_value());
  EXPECT_TRUE(ldns_pkt_tc(truncated_again->get()));
  EXPECT_EQ(stage_.calls, 3);
  auto hit = Ask(Wire(big));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(ldns_pkt_ancount(hit->get()), 40);
  EXPECT_EQ(stage_.calls, 3);
}

TEST_F(QueryHandlerTest, ResponseWithoutTheAdditionalSectionIsNotStored) {
  // RFC 2181 9: additional data that does not fit is left out without TC; such a response is
  // not what a client with a larger buffer would get, so it is not stored.
  for (int i = 0; i < 40; ++i) {
    stage_.additional.push_back("ns.test. 300 IN A 192.0.2." + std::to_string(i));
  }
  auto cut = Ask(Wire("q.test.", LDNS_RR_TYPE_A));  // no EDNS: 512 bytes
  ASSERT_TRUE(cut.has_value());
  EXPECT_FALSE(ldns_pkt_tc(cut->get()));
  EXPECT_EQ(ldns_pkt_arcount(cut->get()), 0);
  EXPECT_EQ(packet_cache_.entries(), 0u);
  // Over TCP it is whole, stored, and served whole to the next TCP client.
  ASSERT_TRUE(Ask(Wire("q.test.", LDNS_RR_TYPE_A), kPlainClient, /*tcp=*/true).has_value());
  EXPECT_EQ(packet_cache_.entries(), 1u);
  auto hit = Ask(Wire("q.test.", LDNS_RR_TYPE_A), kPlainClient, /*tcp=*/true);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(ldns_pkt_arcount(hit->get()), 40);
  EXPECT_EQ(stage_.calls, 2);
}

// ---- DNSSEC records: only for DO (RFC 4035 3.2.1) --------------------------------------------

constexpr char kRrsigOverA[] =
    "q.test. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 12345 test. dGVzdA==";
constexpr char kRrsigOverAaaa[] =
    "q.test. 300 IN RRSIG AAAA 13 2 300 20300101000000 20200101000000 12345 test. dGVzdA==";
constexpr char kNs[] = "test. 300 IN NS ns.test.";
constexpr char kRrsigOverNs[] =
    "test. 300 IN RRSIG NS 13 1 300 20300101000000 20200101000000 12345 test. dGVzdA==";
constexpr char kGlue[] = "ns.test. 300 IN A 192.0.2.53";
constexpr char kRrsigOverGlue[] =
    "ns.test. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 12345 test. dGVzdA==";
constexpr char kSoa[] = "test. 300 IN SOA ns.test. hostmaster.test. 1 7200 900 1209600 300";
constexpr char kRrsigOverSoa[] =
    "test. 300 IN RRSIG SOA 13 1 300 20300101000000 20200101000000 12345 test. dGVzdA==";
constexpr char kNsec[] = "p.test. 300 IN NSEC r.test. A RRSIG NSEC";
constexpr char kRrsigOverNsec[] =
    "p.test. 300 IN RRSIG NSEC 13 2 300 20300101000000 20200101000000 12345 test. dGVzdA==";
constexpr char kNsec3[] =
    "2vptu5timamqttgl4luu9kg21e0aor3s.test. 300 IN NSEC3 1 0 0 - "
    "2vptu5timamqttgl4luu9kg21e0aor3t A RRSIG";

std::vector<ldns_rr_type> Types(const ldns_rr_list* section) {
  std::vector<ldns_rr_type> types;
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    types.push_back(ldns_rr_get_type(ldns_rr_list_rr(section, i)));
  }
  return types;
}

// A signed answer with signatures and denial records in every section, as an upstream that
// was asked with DO (or a relay) may return it.
void AnswerSigned(AnsweringStage& stage) {
  stage.answer = {"q.test. 300 IN A 192.0.2.1", kRrsigOverA};
  stage.authority = {kNs, kRrsigOverNs, kNsec, kNsec3};
  stage.additional = {kGlue, kRrsigOverGlue};
}

// Whether `r` is the signed answer whole (DO) or without its RRSIG, NSEC and NSEC3 records.
void ExpectSignedAnswer(const LdnsPktPtr& r, bool with_dnssec_records) {
  if (with_dnssec_records) {
    EXPECT_THAT(Types(ldns_pkt_answer(r.get())), ElementsAre(LDNS_RR_TYPE_A, LDNS_RR_TYPE_RRSIG));
    EXPECT_THAT(
        Types(ldns_pkt_authority(r.get())),
        ElementsAre(LDNS_RR_TYPE_NS, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_NSEC, LDNS_RR_TYPE_NSEC3));
    EXPECT_THAT(Types(ldns_pkt_additional(r.get())),
                ElementsAre(LDNS_RR_TYPE_A, LDNS_RR_TYPE_RRSIG));
    return;
  }
  EXPECT_THAT(Types(ldns_pkt_answer(r.get())), ElementsAre(LDNS_RR_TYPE_A));
  EXPECT_THAT(Types(ldns_pkt_authority(r.get())), ElementsAre(LDNS_RR_TYPE_NS));
  EXPECT_THAT(Types(ldns_pkt_additional(r.get())), ElementsAre(LDNS_RR_TYPE_A));
}

TEST_F(QueryHandlerTest, ClientWithoutDoGetsNoDnssecRecordsInAnySection) {
  AnswerSigned(stage_);
  for (const QuerySpec& spec : {QuerySpec{.edns_size = 1232}, QuerySpec{}}) {
    SCOPED_TRACE(spec.edns_size == 0 ? "without EDNS" : "EDNS without DO");
    auto r = Ask(Wire(spec));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(ldns_pkt_get_rcode(r->get()), LDNS_RCODE_NOERROR);
    ExpectSignedAnswer(*r, /*with_dnssec_records=*/false);
  }
}

TEST_F(QueryHandlerTest, ClientWithDoGetsTheDnssecRecords) {
  AnswerSigned(stage_);
  auto r = Ask(Wire({.edns_size = 1232, .dnssec_ok = true}));
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(ldns_pkt_edns_do(r->get()));
  ExpectSignedAnswer(*r, /*with_dnssec_records=*/true);
}

// The packet cache keys on DO: the signed response stored for a DO client never reaches a
// client without DO, nor the stripped one a DO client, whichever asks first.
TEST_F(QueryHandlerTest, PacketCacheKeepsResponsesWithAndWithoutDoApart) {
  AnswerSigned(stage_);
  const QuerySpec with_do{.edns_size = 1232, .dnssec_ok = true};
  const QuerySpec without_do{.edns_size = 1232};
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    auto signed_response = Ask(Wire(with_do));
    ASSERT_TRUE(signed_response.has_value());
    ExpectSignedAnswer(*signed_response, /*with_dnssec_records=*/true);
    auto plain_response = Ask(Wire(without_do));
    ASSERT_TRUE(plain_response.has_value());
    ExpectSignedAnswer(*plain_response, /*with_dnssec_records=*/false);
  }
  EXPECT_EQ(stage_.calls, 2);
  EXPECT_EQ(handler_.stats().packet_cache_hits.value(), 2u);
}

// RFC 4035 3.2.1: the DNSSEC types a query asks for by name are not stripped; only the answer
// section holds them, so a signature over the zone's NS RRset in the authority section goes.
TEST_F(QueryHandlerTest, RrsigQueryWithoutDoKeepsTheRrsigsItAskedFor) {
  stage_.answer = {kRrsigOverA, kRrsigOverAaaa};
  stage_.authority = {kNs, kRrsigOverNs};
  auto r = Ask(Wire({.type = LDNS_RR_TYPE_RRSIG, .edns_size = 1232}));
  ASSERT_TRUE(r.has_value());
  EXPECT_THAT(AnswerTexts(r->get()),
              ElementsAre(HasSubstr("RRSIG\tA "), HasSubstr("RRSIG\tAAAA ")));
  EXPECT_EQ(ldns_pkt_ancount(r->get()), 2);
  EXPECT_THAT(Types(ldns_pkt_authority(r->get())), ElementsAre(LDNS_RR_TYPE_NS));
}

// RFC 2308 3 and RFC 4035 3.1.3: a negative answer carries the SOA, and for DO the NSEC proof
// with the signatures; without DO only the SOA.
TEST_F(QueryHandlerTest, NegativeAnswerWithoutDoKeepsTheSoaButNotTheNsecProof) {
  stage_.rcode = LDNS_RCODE_NXDOMAIN;
  stage_.answer.clear();
  stage_.authority = {kSoa, kRrsigOverSoa, kNsec, kRrsigOverNsec};
  auto plain = Ask(Wire({.edns_size = 1232}));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(plain->get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(Types(ldns_pkt_authority(plain->get())), ElementsAre(LDNS_RR_TYPE_SOA));
  EXPECT_EQ(ldns_pkt_nscount(plain->get()), 1);
  auto dnssec = Ask(Wire({.edns_size = 1232, .dnssec_ok = true}));
  ASSERT_TRUE(dnssec.has_value());
  EXPECT_THAT(
      Types(ldns_pkt_authority(dnssec->get())),
      ElementsAre(LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_NSEC, LDNS_RR_TYPE_RRSIG));
}

// Local zones answer before the packet cache and the pipeline, as unbound answers them before
// its modules: nothing under one ever reaches a stage, a relay or the network.
class QueryHandlerLocalZonesTest : public QueryHandlerTest {
 protected:
  static LocalZones Zones() {
    LocalZonesConfig config;
    config.zones = {{"blocked.example.", LocalZoneType::kDeny, "test.conf:1"}};
    config.data = {{"printer.lan. A 192.168.1.9", "test.conf:2"}};
    absl::StatusOr<LocalZones> zones = LocalZones::Build(config);
    EXPECT_TRUE(zones.ok()) << zones.status();
    return *std::move(zones);
  }
  static QueryHandlerOptions WithZones(PacketCache* cache, const Published<LocalZones>* zones) {
    QueryHandlerOptions options = Options(cache);
    options.local_zones = zones;
    return options;
  }

  QueryHandlerLocalZonesTest() {
    active_ = &local_handler_;
    zones_.Reset(std::make_unique<const LocalZones>(Zones()));
  }

  Published<LocalZones> zones_;
  QueryHandler local_handler_{&acl_, &pipeline_, &clock_, WithZones(&packet_cache_, &zones_)};
};

TEST_F(QueryHandlerLocalZonesTest, LocalDataAndDefaultZonesAreAnsweredAuthoritatively) {
  auto r = Ask(Wire("printer.lan.", LDNS_RR_TYPE_A, /*edns_size=*/1232));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(r->get()), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_aa(r->get()));
  EXPECT_TRUE(ldns_pkt_ra(r->get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(r->get()), 1232);
  EXPECT_THAT(AnswerTexts(r->get()), ElementsAre("printer.lan.\t3600\tIN\tA\t192.168.1.9"));
  // localhost (RFC 6761 6.3) and a private reverse name (RFC 6303) never reach the pipeline,
  // even without RD, which an allowed client is otherwise refused.
  auto localhost = Ask(Wire("localhost.", LDNS_RR_TYPE_AAAA, 0, LDNS_PACKET_QUERY, 0));
  ASSERT_TRUE(localhost.has_value());
  EXPECT_THAT(AnswerTexts(localhost->get()), ElementsAre("localhost.\t10800\tIN\tAAAA\t::1"));
  auto reverse = Ask(Wire("9.1.168.192.in-addr.arpa.", LDNS_RR_TYPE_PTR));
  ASSERT_TRUE(reverse.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(reverse->get()), LDNS_RCODE_NXDOMAIN);
  // Asked again: answered locally again, not from the packet cache.
  ASSERT_TRUE(Ask(Wire("printer.lan.", LDNS_RR_TYPE_A)).has_value());
  EXPECT_EQ(stage_.calls, 0);
  EXPECT_EQ(local_handler_.stats().local_answers.value(), 4u);
  EXPECT_EQ(local_handler_.stats().packet_cache_hits.value(), 0u);
  // A deny zone sends nothing at all; a zone transfer is refused as before.
  EXPECT_FALSE(Ask(Wire("www.blocked.example.", LDNS_RR_TYPE_A)).has_value());
  auto axfr = Ask(Wire("localhost.", LDNS_RR_TYPE_AXFR));
  ASSERT_TRUE(axfr.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(axfr->get()), LDNS_RCODE_REFUSED);
  // Other names go on to the pipeline (test. itself is a default zone, RFC 6761 6.2).
  ASSERT_TRUE(Ask(Wire("www.example.", LDNS_RR_TYPE_A)).has_value());
  EXPECT_EQ(stage_.calls, 1);
}

// rebound-control's local_data publishes a changed copy: the next query reads it, even for a
// name whose resolved answer the packet cache holds; removing the data resolves the name again.
TEST_F(QueryHandlerLocalZonesTest, APublishedChangeAnswersTheNextQueryBeforeThePacketCache) {
  ASSERT_TRUE(Ask(Wire("www.example.", LDNS_RR_TYPE_A)).has_value());
  ASSERT_TRUE(Ask(Wire("www.example.", LDNS_RR_TYPE_A)).has_value());
  EXPECT_EQ(local_handler_.stats().packet_cache_hits.value(), 1u);
  LocalZones changed = zones_.Get()->Clone();
  ASSERT_TRUE(changed.AddData("www.example. 60 A 192.0.2.44").ok());
  zones_.Publish(std::make_unique<const LocalZones>(std::move(changed)));
  auto local = Ask(Wire("www.example.", LDNS_RR_TYPE_A));
  ASSERT_TRUE(local.has_value());
  EXPECT_TRUE(ldns_pkt_aa(local->get()));
  EXPECT_THAT(AnswerTexts(local->get()), ElementsAre("www.example.\t60\tIN\tA\t192.0.2.44"));
  EXPECT_EQ(local_handler_.stats().packet_cache_hits.value(), 1u);
  LocalZones removed = zones_.Get()->Clone();
  ASSERT_TRUE(removed.RemoveData("www.example.").ok());
  zones_.Publish(std::make_unique<const LocalZones>(std::move(removed)));
  ASSERT_TRUE(Ask(Wire("www.example.", LDNS_RR_TYPE_A)).has_value());
  EXPECT_EQ(local_handler_.stats().packet_cache_hits.value(), 2u);
  EXPECT_EQ(zones_.versions(), 3u);
}

// The default zones are always there: a name under none of them must still cost no allocation
// on the packet cache's fast path.
TEST_F(QueryHandlerLocalZonesTest, ANameUnderNoLocalZoneStillHitsTheCacheWithoutAllocating) {
  const std::vector<uint8_t> query =
      Wire({.name = "www.a-rather-long-name.com.", .edns_size = 1232});
  const size_t before_miss = AllocationCount();
  ASSERT_TRUE(AskRaw(query).has_value());
  if (AllocationCount() == before_miss) GTEST_SKIP() << "operator new is not counted here";
  std::vector<uint8_t> out(1232);
  const size_t before = AllocationCount();
  const QueryHandler::Handled handled =
      local_handler_.Handle(query, {*Endpoint::Parse(kPlainClient, 0), false}, out,
                            [] { return QueryHandler::Reply([](std::vector<uint8_t>) {}); });
  EXPECT_EQ(handled.outcome, QueryHandler::Outcome::kAnswered);
  EXPECT_EQ(AllocationCount() - before, 0u);
  EXPECT_EQ(local_handler_.stats().packet_cache_hits.value(), 1u);
}

}  // namespace
}  // namespace rebound
