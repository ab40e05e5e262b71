// Replays with the bootstrap fallback in the stack (BootstrapStage between CacheStage and
// IteratorStage, as main.cc puts it): `bootstrap: only`, and `bootstrap: yes` with parts of the
// scripted internet, or all of it, gone silent. The relays answer from each scenario's script,
// with addresses under 198.51.100.0/24 that no zone of the scripted internet holds, so an answer
// tells which way it came.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

// A TTL above bootstrap-max-ttl (300), which the relay client caps.
const RelayReply kRelayWww = {.answer = {"www.example.test. 3600 IN A 198.51.100.10"}};

// `bootstrap: only`: the question goes to the relays, none to the scripted internet. The relay's
// answer (its TTL capped) goes back through CacheStage, so the next client gets it from the
// cache and the relays are not asked again.
TEST(BootstrapReplay, OnlyAsksTheRelaysAndCachesTheirAnswer) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kOnly});
  replay.ScriptRelay("www.example.test.", LDNS_RR_TYPE_A, kRelayWww);
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_FALSE(answer.aa);  // RFC 1035 4.1.1: a relay is not the zone's server
  EXPECT_THAT(answer.answer, ElementsAre("www.example.test. 300 IN A 198.51.100.10"));
  EXPECT_EQ(answer.answered_by, "bootstrap");
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("www.example.test. A"));
  EXPECT_THAT(replay.Upstream(), IsEmpty());
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A),
              ElementsAre("www.example.test. 300 IN A 198.51.100.10"));

  replay.ForgetRelayQuestions();
  replay.clock().Advance(absl::Seconds(100));
  const ClientAnswer again = replay.Ask({.name = "www.example.test."});
  EXPECT_THAT(again.answer, ElementsAre("www.example.test. 200 IN A 198.51.100.10"));
  EXPECT_EQ(again.answered_by, "cache");
  EXPECT_THAT(replay.RelayQuestions(), IsEmpty());
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

// `bootstrap: only` with no relay able to answer: SERVFAIL, and still nothing is asked of the
// scripted internet (OrdinaryAllowed is false) and nothing is cached.
TEST(BootstrapReplay, OnlyWithNoRelayAnswerIsServfailWithoutOrdinaryDns) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kOnly});
  replay.ScriptRelay("www.example.test.", LDNS_RR_TYPE_A, {.rcode = LDNS_RCODE_SERVFAIL});
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "SERVFAIL");
  EXPECT_THAT(answer.answer, IsEmpty());
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("www.example.test. A"));
  EXPECT_THAT(replay.Upstream(), IsEmpty());
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), IsEmpty());
  EXPECT_EQ(replay.CachedNegative("www.example.test.", LDNS_RR_TYPE_A), "");
}

// RelayClient ends the exchange inside Resolve when every relay is benched: the resume that
// arrives during BootstrapStage's own call is queued by the Pipeline, and the client gets its
// SERVFAIL at once, with nothing asked of ordinary servers.
TEST(BootstrapReplay, OnlyWithEveryRelayBenchedIsServfailAtOnce) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kOnly});
  replay.relays().BenchAll(true);
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "SERVFAIL");
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("www.example.test. A"));
  EXPECT_THAT(replay.Upstream(), IsEmpty());
  EXPECT_EQ(replay.relays().outstanding(), 0u);
}

// The same on the way back: the iterator reached no server, the relays fail inside Resolve, and
// the client gets the iterator's SERVFAIL with its EDE 22 (RFC 8914 4.23).
TEST(BootstrapReplay, UnreachableWithEveryRelayBenchedKeepsTheIteratorsAnswer) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kYes});
  replay.RankServers({kFailoverServer1, kFailoverServer2});
  ASSERT_EQ(replay.Ask({.name = "www.failover.test."}).rcode, "NOERROR");
  replay.Misbehave({.server = kFailoverServer1, .fault = Fault::kTimeout});
  replay.Misbehave({.server = kFailoverServer2, .fault = Fault::kTimeout});
  replay.clock().Advance(absl::Seconds(301));  // the A RRset expired; the delegation has not
  replay.relays().BenchAll(true);
  const ClientAnswer answer = replay.Ask({.name = "www.failover.test."});
  EXPECT_EQ(answer.rcode, "SERVFAIL");
  ASSERT_TRUE(answer.ede.has_value());
  EXPECT_EQ(*answer.ede, kEdeNoReachableAuthority);
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("www.failover.test. A"));
}

// Issue 15 item 6: one zone whose servers are all silent, while the root answers. The query
// that reached no server at all (the delegation to failover.test. was cached, so only its own
// servers were asked) is retried at the relays; the probe it starts hears the root, so
// bootstrap mode is not entered and the next question for a healthy name goes to the internet.
TEST(BootstrapReplay, SilentZoneIsRetriedAtTheRelaysWithoutEnteringBootstrapMode) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kYes});
  replay.RankServers({kFailoverServer1, kFailoverServer2});
  ASSERT_EQ(replay.Ask({.name = "www.failover.test."}).rcode, "NOERROR");
  replay.Misbehave({.server = kFailoverServer1, .fault = Fault::kTimeout});
  replay.Misbehave({.server = kFailoverServer2, .fault = Fault::kTimeout});
  replay.clock().Advance(absl::Seconds(301));  // the A RRset expired; the delegation has not
  replay.ForgetUpstream();
  replay.ScriptRelay("www.failover.test.", LDNS_RR_TYPE_A,
                     {.answer = {"www.failover.test. 300 IN A 198.51.100.70"}});

  const ClientAnswer answer = replay.Ask({.name = "www.failover.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("www.failover.test. 300 IN A 198.51.100.70"));
  EXPECT_EQ(answer.ede, std::nullopt);  // the relays' answer replaced the failure
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("www.failover.test. A"));
  // Each server once before the budget without a reply (3 s) ran out; then the probe, answered.
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.70 www.failover.test. A",
                                             "192.0.2.71 www.failover.test. A", "192.0.2.1 . NS"));
  EXPECT_FALSE(replay.health().in_bootstrap());
  EXPECT_EQ(replay.health().counters(),
            (HealthCounters{.unreachable = 1, .verifications = 1, .dismissed = 1}));
  EXPECT_THAT(replay.CachedRrset("www.failover.test.", LDNS_RR_TYPE_A),
              ElementsAre("www.failover.test. 300 IN A 198.51.100.70"));

  replay.ForgetUpstream();
  replay.ForgetRelayQuestions();
  const ClientAnswer healthy = replay.Ask({.name = "www.example.test."});
  EXPECT_THAT(healthy.answer, ElementsAre("www.example.test. 300 IN A 203.0.113.10",
                                          "www.example.test. 300 IN A 203.0.113.11"));
  EXPECT_THAT(replay.Upstream(),
              ElementsAre("192.0.2.10 example.test. A", "192.0.2.20 www.example.test. A"));
  EXPECT_THAT(replay.RelayQuestions(), IsEmpty());
}

// A server's own SERVFAIL is an answer: the path works, the relays are not asked, and no probe
// is started.
TEST(BootstrapReplay, ServfailFromTheZoneIsNotRetriedAtTheRelays) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kYes});
  replay.Misbehave({.server = kExampleServer, .fault = Fault::kServfail});
  replay.ScriptRelay("www.example.test.", LDNS_RR_TYPE_A, kRelayWww);
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "SERVFAIL");
  EXPECT_THAT(replay.RelayQuestions(), IsEmpty());
  EXPECT_THAT(replay.Upstream(), Not(Contains("192.0.2.1 . NS")));
  EXPECT_EQ(replay.health().counters(), HealthCounters{});
}

// The whole internet silent: the first query that hears nothing is answered by the relays, and
// the probe it starts hears nothing from the root either, so bootstrap mode is entered: later
// questions go to the relays first and to nobody else. When the internet is back, nothing
// changes until the next probe (one probe interval after entering) hears the root; after that
// questions go to the internet again.
TEST(BootstrapReplay, SilentInternetEntersBootstrapModeAndItsReturnLeavesIt) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kYes});
  replay.Misbehave({.fault = Fault::kTimeout});  // every server
  replay.ScriptRelay("www.example.test.", LDNS_RR_TYPE_A, kRelayWww);
  replay.ScriptRelay("www.other.test.", LDNS_RR_TYPE_A,
                     {.answer = {"www.other.test. 300 IN A 198.51.100.30"}});
  replay.ScriptRelay("www.child.test.", LDNS_RR_TYPE_A,
                     {.answer = {"www.child.test. 300 IN A 198.51.100.40"}});

  const ClientAnswer first = replay.Ask({.name = "www.example.test."});
  EXPECT_THAT(first.answer, ElementsAre("www.example.test. 300 IN A 198.51.100.10"));
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("www.example.test. A"));
  // The client's lookup tries the root until its budget without a reply (3 s) is spent; the
  // probe does the same.
  EXPECT_THAT(replay.Upstream(),
              ElementsAre("192.0.2.1 test. A", "192.0.2.1 test. A", "192.0.2.1 test. A",
                          "192.0.2.1 . NS", "192.0.2.1 . NS", "192.0.2.1 . NS"));
  EXPECT_TRUE(replay.health().in_bootstrap());
  EXPECT_EQ(replay.health().counters().entered, 1u);

  // The internet is back, but only a probe can tell, and none is due within the interval.
  replay.transport().ClearMisbehaviours();
  replay.ForgetUpstream();
  replay.ForgetRelayQuestions();
  const ClientAnswer relayed = replay.Ask({.name = "www.other.test."});
  EXPECT_THAT(relayed.answer, ElementsAre("www.other.test. 300 IN A 198.51.100.30"));
  EXPECT_EQ(relayed.answered_by, "bootstrap");
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("www.other.test. A"));
  EXPECT_THAT(replay.Upstream(), IsEmpty());

  // One probe interval after entering, the next question probes (and is still relayed); the
  // root answers the probe, and bootstrap mode is left.
  replay.clock().Advance(HealthOptions{}.probe_interval);
  replay.ForgetUpstream();
  replay.ForgetRelayQuestions();
  const ClientAnswer probing = replay.Ask({.name = "www.child.test."});
  EXPECT_THAT(probing.answer, ElementsAre("www.child.test. 300 IN A 198.51.100.40"));
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("www.child.test. A"));
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 . NS"));
  EXPECT_FALSE(replay.health().in_bootstrap());
  EXPECT_EQ(replay.health().counters().left, 1u);

  replay.ForgetUpstream();
  replay.ForgetRelayQuestions();
  const ClientAnswer ordinary = replay.Ask({.name = "dual.example.test."});
  EXPECT_THAT(ordinary.answer, ElementsAre("dual.example.test. 300 IN A 5.6.7.9"));
  EXPECT_EQ(ordinary.answered_by, "iterator");
  EXPECT_THAT(replay.RelayQuestions(), IsEmpty());
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 dual.example.test. A"));
}

// DNS64 through the relays (`bootstrap: only`, dns64 on, a client in the view): the relays say
// NODATA for AAAA, so Dns64Stage asks for A with a child request, which goes down through the
// cache and the bootstrap stage like any question: the relays are asked for A too, and the AAAA
// is synthesized from their A. The cache holds what the relays said, never the synthesis.
TEST(BootstrapReplay, Dns64SynthesizesFromTheRelaysAAnswer) {
  Dns64Options dns64;
  dns64.policy.prefixes = {Nat64Prefix::WellKnown()};
  ReplayHarness replay(StandardInternet(), {.dns64 = dns64, .bootstrap = BootstrapMode::kOnly});
  replay.ScriptRelay("v4.example.test.", LDNS_RR_TYPE_AAAA, {.authority = {kExampleSoa}});
  replay.ScriptRelay("v4.example.test.", LDNS_RR_TYPE_A,
                     {.answer = {"v4.example.test. 3600 IN A 5.6.7.8"}});
  const ClientAnswer answer =
      replay.Ask({.name = "v4.example.test.", .type = LDNS_RR_TYPE_AAAA, .dns64_view = true});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("v4.example.test. 300 IN AAAA 64:ff9b::506:708"));
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("v4.example.test. AAAA", "v4.example.test. A"));
  EXPECT_THAT(replay.Upstream(), IsEmpty());
  EXPECT_THAT(replay.CachedRrset("v4.example.test.", LDNS_RR_TYPE_A),
              ElementsAre("v4.example.test. 300 IN A 5.6.7.8"));
  EXPECT_THAT(replay.CachedRrset("v4.example.test.", LDNS_RR_TYPE_AAAA), IsEmpty());
  EXPECT_EQ(replay.CachedNegative("v4.example.test.", LDNS_RR_TYPE_AAAA),
            std::string("NODATA ") + kExampleSoa);
}

// Pipeline::Abandon while the relays are asked (`bootstrap: only`, so from OnQuery): the
// stage's OnCancel withdraws the exchange, whose answer would otherwise come for nobody.
TEST(BootstrapReplay, AbandonedRequestCancelsItsRelayExchange) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kOnly});
  replay.ScriptRelay("www.example.test.", LDNS_RR_TYPE_A, kRelayWww);
  const size_t client = replay.Submit({.name = "www.example.test."});
  ASSERT_EQ(replay.relays().outstanding(), 1u);

  replay.Abandon(client);
  EXPECT_FALSE(replay.answer(client).answered);
  EXPECT_EQ(replay.relays().outstanding(), 0u);
  EXPECT_EQ(replay.relays().cancelled(), 1u);
  EXPECT_EQ(replay.pipeline().pending(), 0u);
  replay.RunUntilIdle();
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("www.example.test. A"));
  EXPECT_THAT(replay.Upstream(), IsEmpty());
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), IsEmpty());
}

// The same when the relays retry a failure (`bootstrap: yes`, from OnAnswer, the request on its
// way back up): the exchange is withdrawn, nothing is cached, and the probe the failure started
// still runs to its end.
TEST(BootstrapReplay, AbandonedRetryAtTheRelaysCancelsTheExchange) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kYes});
  replay.Misbehave({.fault = Fault::kTimeout});
  replay.ScriptRelay("www.example.test.", LDNS_RR_TYPE_A, kRelayWww);
  const size_t client = replay.Submit({.name = "www.example.test."});
  // Only the root's timeouts, one at a time, until the iterator gives up and the relays are
  // asked: the harness's own stepping would answer the relays at once.
  while (replay.relays().outstanding() == 0 && replay.transport().DeliverNext()) {
  }
  ASSERT_EQ(replay.relays().outstanding(), 1u);

  replay.Abandon(client);
  EXPECT_FALSE(replay.answer(client).answered);
  EXPECT_EQ(replay.relays().outstanding(), 0u);
  EXPECT_EQ(replay.relays().cancelled(), 1u);
  EXPECT_EQ(replay.pipeline().pending(), 0u);
  replay.RunUntilIdle();
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), IsEmpty());
  EXPECT_TRUE(replay.health().in_bootstrap());  // the probe heard nothing either
  EXPECT_THAT(replay.RelayQuestions(), ElementsAre("www.example.test. A"));
}

// rebound.conf(5): `bootstrap: only` "never asks ordinary name servers", at start included.
//
// Before the fix, main.cc gave the first worker's IteratorStage prime_now = true whatever the
// bootstrap mode, so a `bootstrap: only` resolver sent the root priming query "192.0.2.1 . NS"
// as it started.
TEST(BootstrapReplay, OnlyNeverAsksOrdinaryServersEvenAtStart) {
  ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kOnly});
  EXPECT_THAT(replay.StartupUpstream(), IsEmpty());
}

// Questions IteratorStage refuses, because ordinary resolution cannot serve them, are not the
// relays' to answer either: a class other than IN (the relays are asked (name, type) and answer
// for IN), and RD=0 from an allow_snoop client, which asks what the cache holds and must not
// make the resolver recurse (nor fill the cache with names the snooper chose). Each question has
// a harness of its own, so that neither is answered from what the other left in the cache.
//
// Before the fix, BootstrapStage::OnQuery relayed every question when the relays went first
// (`bootstrap: only`, and bootstrap state with `yes`), checking neither class nor RD as
// IteratorStage::OnQuery does: the class CH client got NOERROR with the relays' IN record, the
// RD=0 client the answer, and both answers were left in the cache.
TEST(BootstrapReplay, OnlyRefusesWhatTheIteratorRefusesWithoutAskingTheRelays) {
  for (const ClientQuestion& question :
       {ClientQuestion{.name = "www.example.test.", .qclass = LDNS_RR_CLASS_CH},
        ClientQuestion{.name = "www.example.test.", .rd = false}}) {
    SCOPED_TRACE(question.rd ? "class CH" : "RD=0");
    ReplayHarness replay(StandardInternet(), {.bootstrap = BootstrapMode::kOnly});
    replay.ScriptRelay("www.example.test.", LDNS_RR_TYPE_A, kRelayWww);
    const ClientAnswer answer = replay.Ask(question);
    EXPECT_EQ(answer.rcode, "REFUSED");
    EXPECT_THAT(answer.answer, IsEmpty());
    EXPECT_THAT(replay.RelayQuestions(), IsEmpty());
    EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), IsEmpty());
  }
}

}  // namespace
}  // namespace rebound::replay
