// Issue 18, item 2: last-resort acceptance of non-authoritative answers. A delegation whose
// servers answer as recursors (RA set, AA clear) is broken, but when nothing better exists
// their answer is taken, at non-authoritative trust, as unbound does, rather than SERVFAIL. Each
// case runs with qname-minimisation on and off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

constexpr char kOtherSoa[] =
    "other.test. 3600 IN SOA ns1.other.test. hostmaster.other.test. 1 7200 900 1209600 300";

class LastResortReplay : public ::testing::TestWithParam<bool /*minimise*/> {
 protected:
  // other.test.'s only server answers `name` as a recursor would.
  void RecursorAnswers(const std::string& name, ScriptedReply reply) {
    reply.aa = false;
    reply.ra = true;
    replay_.Misbehave(
        {.server = kOtherServer, .name = name, .fault = Fault::kReply, .reply = std::move(reply)});
  }
  // The queries on the way to other.test.'s server, then the one to it.
  std::vector<std::string> Walk(const std::string& name, const std::string& type) const {
    if (GetParam()) {
      return {"192.0.2.1 test. A", "192.0.2.10 other.test. A", "192.0.2.30 " + name + " " + type};
    }
    return {"192.0.2.1 " + name + " " + type, "192.0.2.10 " + name + " " + type,
            "192.0.2.30 " + name + " " + type};
  }

  ReplayHarness replay_{StandardInternet(), {.qname_minimisation = GetParam()}};
};

TEST_P(LastResortReplay, ARecursorsAnswerIsTakenWhenNoServerIsAuthoritative) {
  RecursorAnswers("www.other.test.", {.answer = {"www.other.test. 300 IN A 203.0.113.31"}});
  const ClientAnswer answer = replay_.Ask({.name = "www.other.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("www.other.test. 300 IN A 203.0.113.31"));
  EXPECT_THAT(replay_.Upstream(), ElementsAreArray(Walk("www.other.test.", "A")));
  // Cached below the zones' word (RFC 2181 5.4.1), so their own answer could replace it.
  EXPECT_THAT(replay_.CachedRrset("www.other.test.", LDNS_RR_TYPE_A),
              ElementsAre("www.other.test. 300 IN A 203.0.113.31"));
}

TEST_P(LastResortReplay, ARecursorsNxdomainIsTakenToo) {
  RecursorAnswers("nx.other.test.", {.rcode = LDNS_RCODE_NXDOMAIN, .authority = {kOtherSoa}});
  const ClientAnswer answer = replay_.Ask({.name = "nx.other.test."});
  EXPECT_EQ(answer.rcode, "NXDOMAIN");
  EXPECT_THAT(answer.answer, IsEmpty());
}

// An answer of another type than asked, without AA, is NODATA.
TEST_P(LastResortReplay, AnAnswerOfAnotherTypeIsNodata) {
  RecursorAnswers("www.other.test.", {.answer = {"www.other.test. 300 IN A 203.0.113.31"}});
  const ClientAnswer answer = replay_.Ask({.name = "www.other.test.", .type = LDNS_RR_TYPE_AAAA});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, IsEmpty());
  EXPECT_THAT(replay_.Upstream(), ElementsAreArray(Walk("www.other.test.", "AAAA")));
}

// One server of failover.test. answers as a recursor, with another address; the other is the
// zone's authority. The authority's answer wins, whichever is asked first.
TEST_P(LastResortReplay, AnAuthoritativeAnswerBeatsTheRecursors) {
  replay_.RankServers({kFailoverServer1, kFailoverServer2});
  replay_.Misbehave(
      {.server = kFailoverServer1,
       .name = "www.failover.test.",
       .fault = Fault::kReply,
       .reply = {.aa = false, .ra = true, .answer = {"www.failover.test. 300 IN A 198.51.100.1"}}});
  const ClientAnswer answer = replay_.Ask({.name = "www.failover.test."});
  EXPECT_THAT(answer.answer, ElementsAre("www.failover.test. 300 IN A 203.0.113.70"));
}

// Both of failover.test.'s servers answer as recursors. The first answer is kept; neither server
// is marked lame, so the zone's next question asks both again (before, the second was lame).
TEST_P(LastResortReplay, NoRecursorIsMarkedLame) {
  replay_.RankServers({kFailoverServer1, kFailoverServer2});
  for (const char* server : {kFailoverServer1, kFailoverServer2}) {
    replay_.Misbehave(
        {.server = server,
         .fault = Fault::kReply,
         .reply = {
             .aa = false, .ra = true, .answer = {"www.failover.test. 300 IN A 198.51.100.1"}}});
  }
  EXPECT_THAT(replay_.Ask({.name = "www.failover.test."}).answer,
              ElementsAre("www.failover.test. 300 IN A 198.51.100.1"));
  replay_.ForgetUpstream();
  replay_.Ask({.name = "www.failover.test.", .type = LDNS_RR_TYPE_TXT});
  const std::vector<std::string> upstream = replay_.Upstream();
  EXPECT_THAT(upstream, ::testing::Contains("192.0.2.70 www.failover.test. TXT"));
  EXPECT_THAT(upstream, ::testing::Contains("192.0.2.71 www.failover.test. TXT"));
}

// RFC 8109 4.1 expects AA on the priming answer; a root server that answers as a recursor is
// still better than none.
TEST_P(LastResortReplay, APrimingAnswerWithoutAaIsTaken) {
  ReplayHarness replay(StandardInternet(),
                       {.qname_minimisation = GetParam(), .root_primed = false});
  replay.Misbehave({.server = kRootServer,
                    .name = ".",
                    .type = LDNS_RR_TYPE_NS,
                    .fault = Fault::kReply,
                    .reply = {.aa = false,
                              .ra = true,
                              .answer = {". 518400 IN NS a.root.test."},
                              .additional = {"a.root.test. 518400 IN A 192.0.2.1"}}});
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_EQ(answer.answer.size(), 2u);
  EXPECT_THAT(replay.CachedRrset(".", LDNS_RR_TYPE_NS), ElementsAre(". 86400 IN NS a.root.test."));
}

INSTANTIATE_TEST_SUITE_P(QnameMinimisation, LastResortReplay, ::testing::Bool(), MinimisationName);

}  // namespace
}  // namespace rebound::replay
