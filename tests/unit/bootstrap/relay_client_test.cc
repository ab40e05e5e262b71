// RelayClient against real HTTPS relays on loopback (tls/'s HttpsServer with certificates from a
// throw-away CA): racing order, head starts, failures, verification, and the BootstrapStage that
// decides when to ask them, in a Pipeline with a stage that plays the iterator.
#include "bootstrap/relay_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "bootstrap/bootstrap_stage.h"
#include "resolver/core/pipeline.h"
#include "tests/unit/tls/https_test_fixture.h"

namespace rebound {
namespace {

LdnsRdfPtr Name(const char* s) { return LdnsRdfPtr(ldns_dname_new_frm_str(s)); }

// Answers every DoH GET with `address` as the A record of the name asked; records what came.
struct DohRelay {
  std::string address = {};
  int status = 200;
  bool hang = false;
  int requests = 0;

  HttpsHandler Handler() {
    return [this](const HttpsRequest& request, HttpsResponder respond) {
      ++requests;
      if (hang) return;  // never answers
      if (status != 200)
        return respond(HttpsReply{.status = status, .content_type = "text/plain", .body = ""});
      std::string wire;
      const size_t at = request.path.find("?dns=");
      EXPECT_NE(at, std::string::npos) << request.path;
      EXPECT_TRUE(absl::WebSafeBase64Unescape(request.path.substr(at + 5), &wire));
      ldns_pkt* parsed = nullptr;
      ASSERT_EQ(ldns_wire2pkt(&parsed, reinterpret_cast<const uint8_t*>(wire.data()), wire.size()),
                LDNS_STATUS_OK);
      LdnsPktPtr pkt(parsed);
      ldns_pkt_set_qr(pkt.get(), true);
      const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0);
      char* owner = ldns_rdf2str(ldns_rr_owner(question));
      ldns_rr* rr = nullptr;
      ldns_rr_new_frm_str(&rr, absl::StrCat(owner, " 3600 IN A ", address).c_str(), 0, nullptr,
                          nullptr);
      free(owner);
      ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
      uint8_t* out = nullptr;
      size_t size = 0;
      ldns_pkt2wire(&out, pkt.get(), &size);
      respond(HttpsReply{.content_type = "application/dns-message",
                         .body = std::string(reinterpret_cast<char*>(out), size)});
      free(out);
    };
  }
};

class RelayClientTest : public testing::HttpsTest {
 protected:
  // What the test made must be gone before the fixture looks for leaked handles.
  void TearDown() override {
    client_.reset();
    HttpsTest::TearDown();
  }

  // A relay line for `server` under `tls_name`.
  static Relay RelayAt(const HttpsServer& server, const std::string& tls_name = "relay.test") {
    return Relay{.address = server.local_addresses().front(), .tls_name = tls_name};
  }

  RelayClient& Client(RelayClientOptions options = {}) {
    client_ = std::make_unique<RelayClient>(loop(), ClientContext(), &relays_, &memory_, &clock_,
                                            options);
    return *client_;
  }

  // Resolves with the loop run until the answer; nullopt when none came in 5 s.
  std::optional<absl::StatusOr<RelayAnswer>> Resolve(RelayClient& client, const char* name) {
    std::optional<absl::StatusOr<RelayAnswer>> result;
    client.Resolve(Name(name).get(), LDNS_RR_TYPE_A,
                   [&](absl::StatusOr<RelayAnswer> r) { result = std::move(r); });
    RunUntil([&] { return result.has_value(); });
    return result;
  }

  static std::string FirstAddress(const RelayAnswer& answer) {
    const ldns_rr_list* records = ldns_pkt_answer(answer.packet.get());
    if (ldns_rr_list_rr_count(records) == 0) return "";
    char* text = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(records, 0), 0));
    std::string out = text;
    free(text);
    return out;
  }

  FakeClock clock_;
  RelayMemory memory_{"", &clock_};
  std::vector<Relay> relays_;
  std::unique_ptr<RelayClient> client_;
};

TEST_F(RelayClientTest, TheAnswerIsCheckedCappedAndRemembered) {
  DohRelay doh{.address = "192.0.2.1"};
  auto server = StartServer(RelayLeaf(), doh.Handler());
  ASSERT_NE(server, nullptr);
  relays_ = {RelayAt(*server)};
  auto result = Resolve(Client({.max_ttl = 120}), "www.example.");
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ(FirstAddress(**result), "192.0.2.1");
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer((*result)->packet.get()), 0)), 120u);
  EXPECT_EQ(memory_.LastGood(), relays_[0]);
  ASSERT_EQ(memory_.Answers().size(), 1u);
  EXPECT_EQ(memory_.Answers()[0].qname, "www.example.");
  EXPECT_EQ(memory_.counters().answers, 1u);
  EXPECT_EQ(memory_.counters().failures, 0u);
  // What bootstrap_status shows of the relay.
  const RelayMemory::RelayRecord record = memory_.Record(relays_[0]);
  EXPECT_EQ(record.last_try, clock_.Now());
  EXPECT_EQ(record.last_success, clock_.Now());
  EXPECT_EQ(record.certificate, "verified");
  EXPECT_EQ(record.last_error, "");
}

TEST_F(RelayClientTest, TheLastGoodRelayIsAskedFirst) {
  DohRelay first{.address = "192.0.2.1"}, second{.address = "192.0.2.2"};
  auto a = StartServer(RelayLeaf(), first.Handler());
  auto b = StartServer(RelayLeaf(), second.Handler());
  ASSERT_TRUE(a && b);
  relays_ = {RelayAt(*a), RelayAt(*b)};
  LdnsPktPtr answer(ldns_pkt_new());
  memory_.RecordAnswer(relays_[1], Name("x.").get(), LDNS_RR_TYPE_A, *answer);
  auto result = Resolve(Client(), "www.example.");
  ASSERT_TRUE(result.has_value() && result->ok());
  EXPECT_EQ(FirstAddress(**result), "192.0.2.2");
  EXPECT_EQ(first.requests, 0) << "the second relay answered within its head start";
}

TEST_F(RelayClientTest, AHangingRelayGivesTheNextOneItsTurnAfterTheHeadStart) {
  DohRelay hanging{.hang = true}, live{.address = "192.0.2.2"};
  auto a = StartServer(RelayLeaf(), hanging.Handler());
  auto b = StartServer(RelayLeaf(), live.Handler());
  ASSERT_TRUE(a && b);
  relays_ = {RelayAt(*a), RelayAt(*b)};
  const absl::Time start = absl::Now();
  auto result = Resolve(Client({.head_start = absl::Milliseconds(200)}), "www.example.");
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(result.has_value() && result->ok());
  EXPECT_EQ(FirstAddress(**result), "192.0.2.2");
  EXPECT_EQ(hanging.requests, 1);
  EXPECT_GE(took, absl::Milliseconds(200));
  EXPECT_LT(took, absl::Seconds(2)) << "waited for the hanging relay's timeout";
}

TEST_F(RelayClientTest, AFailingRelayStartsTheNextAtOnce) {
  DohRelay broken{.status = 500}, live{.address = "192.0.2.2"};
  auto a = StartServer(RelayLeaf(), broken.Handler());
  auto b = StartServer(RelayLeaf(), live.Handler());
  ASSERT_TRUE(a && b);
  relays_ = {RelayAt(*a), RelayAt(*b)};
  const absl::Time start = absl::Now();
  auto result = Resolve(Client({.head_start = absl::Seconds(3)}), "www.example.");
  ASSERT_TRUE(result.has_value() && result->ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(2)) << "waited out the head start";
}

TEST_F(RelayClientTest, EveryRelayFailingIsUnavailableWithEachReason) {
  DohRelay broken{.status = 503};
  auto a = StartServer(RelayLeaf(), broken.Handler());
  ASSERT_NE(a, nullptr);
  relays_ = {RelayAt(*a), Relay{.address = Loopback(1), .tls_name = "relay.test"}};
  auto result = Resolve(Client(), "www.example.");
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(absl::IsUnavailable(result->status())) << result->status();
  EXPECT_THAT(std::string(result->status().message()), ::testing::HasSubstr("HTTP status 503"));
  EXPECT_EQ(memory_.counters().failures, 2u);
  EXPECT_EQ(memory_.counters().answers, 0u);
}

TEST_F(RelayClientTest, ACertificateForAnotherNameIsNeverUsedAndSitsOut) {
  DohRelay doh{.address = "192.0.2.1"};
  auto server = StartServer(RelayLeaf(), doh.Handler());
  ASSERT_NE(server, nullptr);
  relays_ = {RelayAt(*server, "other.test")};
  RelayClient& client = Client();
  auto result = Resolve(client, "www.example.");
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->ok());
  EXPECT_THAT(std::string(result->status().message()), ::testing::HasSubstr("other.test"));
  EXPECT_EQ(doh.requests, 0);
  const RelayMemory::RelayRecord record = memory_.Record(relays_[0]);
  EXPECT_EQ(record.last_try, clock_.Now());
  EXPECT_EQ(record.last_success, absl::InfinitePast());
  EXPECT_THAT(record.certificate, ::testing::HasSubstr("other.test"));
  EXPECT_EQ(record.last_error, record.certificate);
  // Within the penalty it is not even tried.
  auto again = Resolve(client, "www.example.");
  ASSERT_TRUE(again.has_value());
  EXPECT_THAT(std::string(again->status().message()), ::testing::HasSubstr("no bootstrap relay"));
}

// dump_requestlist's "bootstrap wait for ADDRESS": the relays a race has a request out to.
TEST_F(RelayClientTest, AwaitedNamesTheRelaysARaceWaitsFor) {
  DohRelay hanging{.hang = true};
  auto server = StartServer(RelayLeaf(), hanging.Handler());
  ASSERT_NE(server, nullptr);
  relays_ = {RelayAt(*server)};
  RelayClient& client = Client();
  const uint64_t id = client.Resolve(Name("www.example.").get(), LDNS_RR_TYPE_A, [](auto) {});
  RunUntil([&] { return hanging.requests == 1; });
  ASSERT_EQ(client.Awaited(id).size(), 1u);
  EXPECT_EQ(client.Awaited(id)[0].ToString(), relays_[0].address.ToString());
  client.Cancel(id);
  EXPECT_TRUE(client.Awaited(id).empty());
}

TEST_F(RelayClientTest, ACancelledRaceNeverCallsBack) {
  DohRelay doh{.address = "192.0.2.1"};
  auto server = StartServer(RelayLeaf(), doh.Handler());
  ASSERT_NE(server, nullptr);
  relays_ = {RelayAt(*server)};
  RelayClient& client = Client();
  bool called = false;
  const uint64_t id =
      client.Resolve(Name("www.example.").get(), LDNS_RR_TYPE_A, [&](auto) { called = true; });
  client.Cancel(id);
  RunFor(absl::Milliseconds(300));
  EXPECT_FALSE(called);
  EXPECT_EQ(client.races_in_progress(), 0u);
}

// ---- BootstrapStage in a Pipeline ------------------------------------------------------------

// Plays the iterator: every query gets `rcode`, with EDE 22 when `unreachable`.
class FakeIteratorStage : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    ++queries;
    LdnsPktPtr answer(ldns_pkt_new());
    ldns_pkt_set_rcode(answer.get(), unreachable ? LDNS_RCODE_SERVFAIL : LDNS_RCODE_NOERROR);
    if (!unreachable) {
      ldns_rr* rr = nullptr;
      ldns_rr_new_frm_str(&rr, "www.example. 60 IN A 198.51.100.1", 0, nullptr, nullptr);
      ldns_pkt_push_rr(answer.get(), LDNS_SECTION_ANSWER, rr);
    } else {
      req.set_unreachable(true);
      req.set_extended_error(ExtendedDnsError{kEdeNoReachableAuthority, "no reply"});
    }
    req.set_answer(std::move(answer));
    return StageResult::kDone;
  }
  bool unreachable = false;
  int queries = 0;
};

class BootstrapStageTest : public RelayClientTest {
 protected:
  void TearDown() override {
    pipeline_.reset();
    stage_.reset();
    RelayClientTest::TearDown();
  }

  void MakeStage(BootstrapMode mode) {
    health_ = std::make_unique<HealthMonitor>(mode, &clock_);
    stage_ = std::make_unique<BootstrapStage>(
        health_.get(),
        std::make_unique<RelayClient>(loop(), ClientContext(), &relays_, &memory_, &clock_,
                                      RelayClientOptions{}),
        [this](std::function<void(ProbeOutcome)> done) {
          ++probes_;
          done(probe_reaches_ ? ProbeOutcome::kReached : ProbeOutcome::kUnreachable);
        });
    pipeline_ = std::make_unique<Pipeline>(std::vector<Stage*>{stage_.get(), &iterator_});
  }

  // The address answered for www.example., or the RCODE's name.
  std::string Ask() {
    LdnsPktPtr query(ldns_pkt_query_new(ldns_dname_new_frm_str("www.example."), LDNS_RR_TYPE_A,
                                        LDNS_RR_CLASS_IN, LDNS_RD));
    std::optional<std::string> result;
    pipeline_->Submit(
        std::make_unique<Request>(std::move(query), ClientInfo{Loopback(5353)}, absl::Now()),
        [&](Request& req) {
          const ldns_pkt* answer = req.answer();
          if (ldns_pkt_get_rcode(answer) != LDNS_RCODE_NOERROR) {
            result = "rcode " + std::to_string(ldns_pkt_get_rcode(answer));
            return;
          }
          char* text = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(ldns_pkt_answer(answer), 0), 0));
          result = text;
          free(text);
        });
    RunUntil([&] { return result.has_value(); });
    return result.value_or("no answer");
  }

  FakeIteratorStage iterator_;
  std::unique_ptr<HealthMonitor> health_;
  std::unique_ptr<BootstrapStage> stage_;
  std::unique_ptr<Pipeline> pipeline_;
  int probes_ = 0;
  bool probe_reaches_ = false;
};

TEST_F(BootstrapStageTest, OrdinaryAnswersNeverReachTheRelays) {
  DohRelay doh{.address = "192.0.2.1"};
  auto server = StartServer(RelayLeaf(), doh.Handler());
  ASSERT_NE(server, nullptr);
  relays_ = {RelayAt(*server)};
  MakeStage(BootstrapMode::kYes);
  EXPECT_EQ(Ask(), "198.51.100.1");
  EXPECT_EQ(doh.requests, 0);
  EXPECT_FALSE(health_->in_bootstrap());
}

TEST_F(BootstrapStageTest, UnreachableOrdinaryDnsFallsBackThenEntersAndLeavesBootstrapMode) {
  DohRelay doh{.address = "192.0.2.1"};
  auto server = StartServer(RelayLeaf(), doh.Handler());
  ASSERT_NE(server, nullptr);
  relays_ = {RelayAt(*server)};
  MakeStage(BootstrapMode::kYes);
  iterator_.unreachable = true;
  // Retried through the relay; the probe of the root servers finds them silent too.
  EXPECT_EQ(Ask(), "192.0.2.1");
  EXPECT_EQ(iterator_.queries, 1);
  EXPECT_EQ(probes_, 1);
  EXPECT_TRUE(health_->in_bootstrap());
  // Bootstrap mode: relays first, the iterator is not asked.
  EXPECT_EQ(Ask(), "192.0.2.1");
  EXPECT_EQ(iterator_.queries, 1);
  EXPECT_EQ(probes_, 1) << "probed before the probe interval";
  // A probe interval later one query probes; the ordinary path answers again.
  clock_.Advance(HealthOptions{}.probe_interval);
  probe_reaches_ = true;
  EXPECT_EQ(Ask(), "192.0.2.1");
  EXPECT_EQ(probes_, 2);
  EXPECT_FALSE(health_->in_bootstrap());
  iterator_.unreachable = false;
  EXPECT_EQ(Ask(), "198.51.100.1");
}

// Issue 15 item 6: a client's names under a zone whose servers are silent make every one of
// its lookups fail, but the root servers answer the probe: no bootstrap mode, and the probes
// the client causes are rate-limited.
TEST_F(BootstrapStageTest, FailuresWhileTheRootAnswersNeverEnterBootstrapMode) {
  DohRelay doh{.address = "192.0.2.1"};
  auto server = StartServer(RelayLeaf(), doh.Handler());
  ASSERT_NE(server, nullptr);
  relays_ = {RelayAt(*server)};
  MakeStage(BootstrapMode::kYes);
  iterator_.unreachable = true;
  probe_reaches_ = true;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Ask(), "192.0.2.1") << i;  // its own query, relayed
  EXPECT_FALSE(health_->in_bootstrap());
  EXPECT_EQ(probes_, 1);
  EXPECT_EQ(iterator_.queries, 10) << "the iterator must still be asked first";
}

TEST_F(BootstrapStageTest, WhenTheRelaysFailInBootstrapModeAnOrdinaryAnswerLeavesIt) {
  DohRelay doh{.address = "192.0.2.1"};
  auto server = StartServer(RelayLeaf(), doh.Handler());
  ASSERT_NE(server, nullptr);
  relays_ = {RelayAt(*server)};
  MakeStage(BootstrapMode::kYes);
  iterator_.unreachable = true;
  EXPECT_EQ(Ask(), "192.0.2.1");
  ASSERT_TRUE(health_->in_bootstrap());
  // The relay goes away, the ordinary path comes back: the iterator's answer ends bootstrap
  // mode at once, before any probe is due.
  server.reset();
  iterator_.unreachable = false;
  EXPECT_EQ(Ask(), "198.51.100.1");
  EXPECT_EQ(probes_, 1);  // only the one that found the root silent
  EXPECT_FALSE(health_->in_bootstrap());
}

TEST_F(BootstrapStageTest, BootstrapOnlyNeverAsksTheIteratorAndFailsWithTheRelays) {
  relays_ = {Relay{.address = Loopback(1), .tls_name = "relay.test"}};  // refuses connections
  MakeStage(BootstrapMode::kOnly);
  EXPECT_EQ(Ask(), "rcode 2");  // SERVFAIL
  EXPECT_EQ(iterator_.queries, 0);
}

TEST_F(BootstrapStageTest, BootstrapNoLeavesTheFailureAlone) {
  DohRelay doh{.address = "192.0.2.1"};
  auto server = StartServer(RelayLeaf(), doh.Handler());
  ASSERT_NE(server, nullptr);
  relays_ = {RelayAt(*server)};
  MakeStage(BootstrapMode::kNo);
  iterator_.unreachable = true;
  EXPECT_EQ(Ask(), "rcode 2");
  EXPECT_EQ(doh.requests, 0);
}

}  // namespace
}  // namespace rebound
