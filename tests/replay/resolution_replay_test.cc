// Replays of iterative resolution through the whole stage stack: referrals with and without
// glue, CNAME chains, QNAME minimisation, priming, the DO and CD bits, ANY and classes the
// resolver does not serve.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// RFC 1034 4.3.2 step 3b: each referral's NS RRset and glue take the next query one zone down;
// both are cached for later lookups (the glue at the lowest trust, RFC 2181 5.4.1).
TEST(ResolutionReplay, ReferralsWithGlueLeadFromTheRootToTheZone) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_EQ(answer.answer.size(), 2u);
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 www.example.test. A"));
  // The root's referral said 172800; cache-max-ttl (86400) caps what the cache keeps.
  EXPECT_THAT(replay.CachedRrset("test.", LDNS_RR_TYPE_NS),
              ElementsAre("test. 86400 IN NS ns1.test."));
  EXPECT_THAT(replay.CachedRrset("example.test.", LDNS_RR_TYPE_NS),
              ElementsAre("example.test. 86400 IN NS ns1.example.test."));
  EXPECT_THAT(replay.CachedRrset("ns1.example.test.", LDNS_RR_TYPE_A),
              ElementsAre("ns1.example.test. 86400 IN A 192.0.2.20"));
}

// glueless.test.'s server is ns1.hoster.example., a name in another TLD, so test.'s referral has
// no address for it: the iterator resolves the server's A and AAAA (from the root, in parallel)
// before it can ask it.
TEST(ResolutionReplay, GluelessDelegationLooksUpTheServerAddress) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer answer = replay.Ask({.name = "www.glueless.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("www.glueless.test. 300 IN A 203.0.113.50"));
  EXPECT_THAT(
      replay.Upstream(),
      ElementsAre("192.0.2.1 test. A", "192.0.2.10 glueless.test. A",
                  // the A and the AAAA lookup of ns1.hoster.example., interleaved
                  "192.0.2.1 example. A", "192.0.2.1 example. A", "192.0.2.12 hoster.example. A",
                  "192.0.2.12 hoster.example. A", "192.0.2.50 ns1.hoster.example. A",
                  "192.0.2.50 ns1.hoster.example. AAAA", "192.0.2.50 www.glueless.test. A"));
  EXPECT_THAT(replay.CachedRrset("ns1.hoster.example.", LDNS_RR_TYPE_A),
              ElementsAre("ns1.hoster.example. 3600 IN A 192.0.2.50"));
}

// RFC 1034 3.6.2: the server follows a CNAME within its own zone and sends the chain in one
// reply; the client gets the chain, and both RRsets are cached on their own.
TEST(ResolutionReplay, CnameInsideAZoneIsAnsweredInOneReplyAndBothRrsetsCached) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer answer = replay.Ask({.name = "alias.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("alias.example.test. 600 IN CNAME www.example.test.",
                                         "www.example.test. 300 IN A 203.0.113.10",
                                         "www.example.test. 300 IN A 203.0.113.11"));
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 alias.example.test. A"));
  EXPECT_THAT(replay.CachedRrset("alias.example.test.", LDNS_RR_TYPE_CNAME),
              ElementsAre("alias.example.test. 600 IN CNAME www.example.test."));
  EXPECT_EQ(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A).size(), 2u);

  // The target alone is a cache hit now.
  replay.ForgetUpstream();
  EXPECT_EQ(replay.Ask({.name = "www.example.test."}).answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

// A CNAME whose target is in another zone: example.test.'s server can only give the alias, and
// the iterator resolves www.other.test. from the closest delegation it has cached (test.).
TEST(ResolutionReplay, CnameToAnotherZoneIsFollowedThere) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer answer = replay.Ask({.name = "away.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("away.example.test. 600 IN CNAME www.other.test.",
                                         "www.other.test. 300 IN A 203.0.113.30"));
  EXPECT_THAT(replay.Upstream(),
              ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                          "192.0.2.20 away.example.test. A", "192.0.2.10 other.test. A",
                          "192.0.2.30 www.other.test. A"));
  EXPECT_THAT(replay.CachedRrset("away.example.test.", LDNS_RR_TYPE_CNAME),
              ElementsAre("away.example.test. 600 IN CNAME www.other.test."));
  EXPECT_THAT(replay.CachedRrset("www.other.test.", LDNS_RR_TYPE_A),
              ElementsAre("www.other.test. 300 IN A 203.0.113.30"));
}

// With both links of the chain cached, CacheStage walks it (RFC 1034 3.6.2) and nothing is
// asked upstream.
TEST(ResolutionReplay, CachedCnameChainIsAnsweredWithoutUpstreamQueries) {
  ReplayHarness replay(StandardInternet());
  replay.Ask({.name = "away.example.test."});
  replay.ForgetUpstream();
  replay.clock().Advance(absl::Seconds(60));

  const ClientAnswer answer = replay.Ask({.name = "away.example.test."});
  EXPECT_THAT(answer.answer, ElementsAre("away.example.test. 540 IN CNAME www.other.test.",
                                         "www.other.test. 240 IN A 203.0.113.30"));
  EXPECT_EQ(answer.answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

// RFC 9156 2.3: below example.test. the servers are asked about c.example.test. and
// b.c.example.test. (empty non-terminals: NODATA, so no zone cut there) as A queries, and only
// then the full name with the real type.
TEST(ResolutionReplay, QnameMinimisationAsksOneLabelMoreAtATime) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer answer = replay.Ask({.name = "a.b.c.example.test.", .type = LDNS_RR_TYPE_TXT});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("a.b.c.example.test. 300 IN TXT \"deep\""));
  EXPECT_THAT(
      replay.Upstream(),
      ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A", "192.0.2.20 c.example.test. A",
                  "192.0.2.20 b.c.example.test. A", "192.0.2.20 a.b.c.example.test. TXT"));
}

// qname-minimisation: no: every server on the way is asked the whole question (RFC 1034 5.3.3).
TEST(ResolutionReplay, WithoutQnameMinimisationEveryServerGetsTheFullQuestion) {
  ReplayHarness replay(StandardInternet(), {.qname_minimisation = false});
  const ClientAnswer answer = replay.Ask({.name = "a.b.c.example.test.", .type = LDNS_RR_TYPE_TXT});
  EXPECT_THAT(answer.answer, ElementsAre("a.b.c.example.test. 300 IN TXT \"deep\""));
  EXPECT_THAT(replay.Upstream(),
              ElementsAre("192.0.2.1 a.b.c.example.test. TXT", "192.0.2.10 a.b.c.example.test. TXT",
                          "192.0.2.20 a.b.c.example.test. TXT"));
}

// RFC 8109 3: with no root NS RRset cached, the first lookup asks the hints' server for it.
TEST(ResolutionReplay, FirstQueryPrimesTheRootWhenStartUpDidNot) {
  ReplayHarness replay(StandardInternet(), {.root_primed = false});
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.answer.size(), 2u);
  EXPECT_THAT(replay.Upstream(),
              ElementsAre("192.0.2.1 . NS", "192.0.2.1 test. A", "192.0.2.10 example.test. A",
                          "192.0.2.20 www.example.test. A"));
  EXPECT_THAT(replay.CachedRrset(".", LDNS_RR_TYPE_NS),
              ElementsAre(". 86400 IN NS a.root.test."));  // 518400, capped by cache-max-ttl
}

// RFC 3225, RFC 4035 3.2.1: DO asks for DNSSEC records along with the answer; the zone is
// unsigned, so the answer is the same RRset.
TEST(ResolutionReplay, DnssecOkQueryGetsTheAnswer) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer answer = replay.Ask({.name = "www.example.test.", .do_bit = true});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("www.example.test. 300 IN A 203.0.113.10",
                                         "www.example.test. 300 IN A 203.0.113.11"));
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 www.example.test. A"));

  // A positive answer from the cache serves DO clients too (RFC 4035 3.1.1: with whatever
  // signatures are cached, none here).
  replay.ForgetUpstream();
  const ClientAnswer cached = replay.Ask({.name = "www.example.test.", .do_bit = true});
  EXPECT_EQ(cached.answer, answer.answer);
  EXPECT_EQ(cached.answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

// RFC 4035 3.2.2: CD asks the resolver not to withhold data it could not validate; the answer
// is the same, through the same servers.
TEST(ResolutionReplay, CheckingDisabledQueryGetsTheAnswer) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer answer = replay.Ask({.name = "alias.example.test.", .cd = true});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("alias.example.test. 600 IN CNAME www.example.test.",
                                         "www.example.test. 300 IN A 203.0.113.10",
                                         "www.example.test. 300 IN A 203.0.113.11"));
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 alias.example.test. A"));
}

// RFC 8482 4.1: ANY is answered with one RRset of the name (the A RRset, by AnyQueryStage's
// preference) and no authority or additional records; the cache keeps every RRset the server
// sent, so the next ANY is answered by AnyQueryStage itself (4.3).
TEST(ResolutionReplay, AnyIsAnsweredWithOneRrset) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer answer = replay.Ask({.name = "multi.example.test.", .type = LDNS_RR_TYPE_ANY});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("multi.example.test. 300 IN A 203.0.113.20"));
  EXPECT_THAT(answer.authority, IsEmpty());
  EXPECT_THAT(answer.additional, IsEmpty());
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 multi.example.test. ANY"));
  EXPECT_THAT(replay.CachedRrset("multi.example.test.", LDNS_RR_TYPE_MX),
              ElementsAre("multi.example.test. 300 IN MX 10 mail.example.test."));

  replay.ForgetUpstream();
  const ClientAnswer again = replay.Ask({.name = "multi.example.test.", .type = LDNS_RR_TYPE_ANY});
  EXPECT_THAT(again.answer, ElementsAre("multi.example.test. 300 IN A 203.0.113.20"));
  EXPECT_EQ(again.answered_by, "any");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

// Every delegation starts at the IN root hints: a CHAOS question (version.bind.) has nowhere to
// go and is refused without a query.
TEST(ResolutionReplay, ChaosClassIsRefusedWithoutUpstreamQueries) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer answer =
      replay.Ask({.name = "version.bind.", .type = LDNS_RR_TYPE_TXT, .qclass = LDNS_RR_CLASS_CH});
  EXPECT_EQ(answer.rcode, "REFUSED");
  EXPECT_THAT(answer.answer, IsEmpty());
  EXPECT_EQ(answer.answered_by, "iterator");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

// The bailiwick rule (RFC 2181 5.4.1): example.test.'s server may speak only for names in
// example.test.; what it adds about other.test. is dropped, not cached, and later lookups of
// those names go to other.test.'s own server.
TEST(ResolutionReplay, RecordsOutsideTheServersZoneAreNotCached) {
  ReplayHarness replay(StandardInternet());
  replay.Misbehave({.server = kExampleServer,
                    .name = "www.example.test.",
                    .fault = Fault::kReply,
                    .reply = {.answer = {"www.example.test. 300 IN A 203.0.113.10",
                                         "www.other.test. 86400 IN A 198.51.100.66"},
                              .authority = {"other.test. 86400 IN NS ns.attacker.test."},
                              .additional = {"ns.attacker.test. 86400 IN A 198.51.100.66"}}});
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_THAT(answer.answer, ElementsAre("www.example.test. 300 IN A 203.0.113.10"));
  EXPECT_THAT(replay.CachedRrset("www.other.test.", LDNS_RR_TYPE_A), IsEmpty());
  EXPECT_THAT(replay.CachedRrset("ns.attacker.test.", LDNS_RR_TYPE_A), IsEmpty());

  replay.ForgetUpstream();
  const ClientAnswer other = replay.Ask({.name = "www.other.test."});
  EXPECT_THAT(other.answer, ElementsAre("www.other.test. 300 IN A 203.0.113.30"));
  EXPECT_THAT(replay.Upstream(),
              ElementsAre("192.0.2.10 other.test. A", "192.0.2.30 www.other.test. A"));
}

}  // namespace
}  // namespace rebound::replay
