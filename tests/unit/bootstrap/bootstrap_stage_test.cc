// BootstrapStage without sockets: its relay exchanges go to a FakeRelayExchange, its clock is a
// FakeClock, and a scripted stage plays the iterator below it.
#include "bootstrap/bootstrap_stage.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bootstrap/relay_scope.h"
#include "resolver/core/clock.h"
#include "resolver/core/pipeline.h"
#include "tests/support/fake_relay_exchange.h"

namespace rebound {
namespace {

// The iterator below: reached no authority at all, for every question.
class UnreachableIterator : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    ++queries;
    LdnsPktPtr servfail(ldns_pkt_new());
    ldns_pkt_set_rcode(servfail.get(), LDNS_RCODE_SERVFAIL);
    req.set_answer(std::move(servfail));
    req.set_unreachable(true);
    return StageResult::kDone;
  }
  int queries = 0;
};

LdnsPktPtr RelayPacket(const char* record) {
  LdnsPktPtr pkt(ldns_pkt_query_new(ldns_dname_new_frm_str("www.example."), LDNS_RR_TYPE_A,
                                    LDNS_RR_CLASS_IN, 0));
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_rr* rr = nullptr;
  EXPECT_EQ(ldns_rr_new_frm_str(&rr, record, 300, nullptr, nullptr), LDNS_STATUS_OK);
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
  return pkt;
}

class BootstrapStageFakeTest : public ::testing::Test {
 protected:
  explicit BootstrapStageFakeTest(BootstrapMode mode = BootstrapMode::kOnly)
      : health_(mode, &clock_) {
    auto relays = std::make_unique<testing::FakeRelayExchange>();
    relays_ = relays.get();
    stage_ = std::make_unique<BootstrapStage>(
        &health_, std::move(relays),
        [](std::function<void(ProbeOutcome)> done) { done(ProbeOutcome::kUnreachable); }, &scope_);
    pipeline_ = std::make_unique<Pipeline>(std::vector<Stage*>{stage_.get(), &iterator_});
  }

  uint64_t Submit() {
    LdnsPktPtr query(ldns_pkt_query_new(ldns_dname_new_frm_str("www.example."), LDNS_RR_TYPE_A,
                                        LDNS_RR_CLASS_IN, LDNS_RD));
    ClientInfo client{*Endpoint::Parse("192.0.2.1", 5353)};
    return pipeline_->Submit(std::make_unique<Request>(std::move(query), client, clock_.Now()),
                             [this](Request& req) { rcode_ = ldns_pkt_get_rcode(req.answer()); });
  }

  // forward-zone and stub-zone (name, forward-bootstrap) as the daemon publishes them.
  void PublishScope(const std::vector<std::pair<std::string, bool>>& zones) {
    std::vector<ConfiguredDelegation> delegations;
    for (const auto& [name, relays_allowed] : zones) {
      delegations.push_back({.name = name, .forward = true, .relays_allowed = relays_allowed});
    }
    absl::StatusOr<RelayScope> scope = RelayScope::Of(delegations, {});
    ASSERT_TRUE(scope.ok()) << scope.status();
    scope_.Publish(std::make_unique<const RelayScope>(*std::move(scope)));
  }

  FakeClock clock_;
  Published<RelayScope> scope_;
  HealthMonitor health_;
  testing::FakeRelayExchange* relays_ = nullptr;
  UnreachableIterator iterator_;
  std::unique_ptr<BootstrapStage> stage_;
  std::unique_ptr<Pipeline> pipeline_;
  std::optional<ldns_pkt_rcode> rcode_;
};

TEST_F(BootstrapStageFakeTest, BootstrapOnlyAsksTheRelaysAndAnswersWithTheirAnswer) {
  Submit();
  ASSERT_EQ(relays_->outstanding(), 1u);
  EXPECT_EQ(relays_->front().name, "www.example.");
  EXPECT_EQ(relays_->front().type, LDNS_RR_TYPE_A);
  relays_->Answer(RelayAnswer{RelayPacket("www.example. 300 IN A 192.0.2.80"), Relay{}});
  EXPECT_EQ(rcode_, LDNS_RCODE_NOERROR);
  EXPECT_EQ(iterator_.queries, 0);
}

// A request dropped while the relays are asked (jostled, or its client gone) stops the
// exchange, which would otherwise run to its timeout for nobody.
TEST_F(BootstrapStageFakeTest, ADroppedRequestStopsItsRelayExchange) {
  const uint64_t id = Submit();
  ASSERT_EQ(relays_->outstanding(), 1u);
  pipeline_->Abandon(id);
  EXPECT_EQ(relays_->outstanding(), 0u);
  EXPECT_EQ(relays_->cancelled(), 1u);
  EXPECT_FALSE(rcode_.has_value());
}

class BootstrapStageFallbackTest : public BootstrapStageFakeTest {
 protected:
  BootstrapStageFallbackTest() : BootstrapStageFakeTest(BootstrapMode::kYes) {}
};

// Ordinary state: the iterator goes first; when it reached no authority (Request::unreachable,
// a named result), the relays are asked for that query before the client gets SERVFAIL.
TEST_F(BootstrapStageFallbackTest, NoReachableAuthorityAsksTheRelays) {
  Submit();
  EXPECT_EQ(iterator_.queries, 1);
  ASSERT_EQ(relays_->outstanding(), 1u);
  relays_->Answer(RelayAnswer{RelayPacket("www.example. 300 IN A 192.0.2.80"), Relay{}});
  EXPECT_EQ(rcode_, LDNS_RCODE_NOERROR);
}

// Issue 16: a name the user forwards (forward-zone example.) never goes to the relays, neither
// when the forwarders fail nor in bootstrap mode, unless the zone says forward-bootstrap: yes.
TEST_F(BootstrapStageFallbackTest, ANameUnderAForwardZoneIsNotRelayed) {
  PublishScope({{"example.", false}});
  Submit();
  EXPECT_EQ(iterator_.queries, 1);
  EXPECT_EQ(relays_->outstanding(), 0u);
  EXPECT_EQ(rcode_, LDNS_RCODE_SERVFAIL);
}

TEST_F(BootstrapStageFakeTest, InBootstrapModeANameUnderAForwardZoneStillGoesToItsForwarders) {
  PublishScope({{"example.", false}});
  Submit();
  EXPECT_EQ(relays_->outstanding(), 0u);
  EXPECT_EQ(iterator_.queries, 1);
}

TEST_F(BootstrapStageFallbackTest, AForwardZoneMayLetTheRelaysAnswer) {
  PublishScope({{".", false}, {"example.", true}});  // the closest zone decides
  Submit();
  ASSERT_EQ(relays_->outstanding(), 1u);
  relays_->Answer(RelayAnswer{RelayPacket("www.example. 300 IN A 192.0.2.80"), Relay{}});
  EXPECT_EQ(rcode_, LDNS_RCODE_NOERROR);
}

// dump_requestlist while the relays are asked: "bootstrap wait for" the relay.
TEST_F(BootstrapStageFakeTest, TheRequestListSaysWhichRelayIsAwaited) {
  Submit();
  ASSERT_EQ(relays_->outstanding(), 1u);
  const std::vector<PendingRequest> pending = pipeline_->ListPending(clock_.Now());
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].status, "bootstrap wait for 192.0.2.53");
}

// rebound-control's forward_add publishes a new scope while the stage runs: the next question
// reads it, and a private name (a local zone) is kept from the relays as a forward zone is.
TEST_F(BootstrapStageFakeTest, AScopePublishedAtRunTimeDecidesTheNextQuestion) {
  Submit();
  ASSERT_EQ(relays_->outstanding(), 1u);
  relays_->Answer(RelayAnswer{RelayPacket("www.example. 300 IN A 192.0.2.80"), Relay{}});
  EXPECT_EQ(rcode_, LDNS_RCODE_NOERROR);
  absl::StatusOr<RelayScope> scope = RelayScope::Of({}, {"example."});
  ASSERT_TRUE(scope.ok());
  scope_.Publish(std::make_unique<const RelayScope>(*std::move(scope)));
  Submit();
  EXPECT_EQ(relays_->outstanding(), 0u);
  EXPECT_EQ(iterator_.queries, 1);
}

}  // namespace
}  // namespace rebound
