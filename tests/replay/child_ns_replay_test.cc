// Issue 18, item 5: a zone's NS question is answered with the child's own NS RRset. The copy in
// the parent's referral (test. says example.test. NS with 86400 s) steers the resolver but is not
// an answer (RFC 2181 5.4.1): the child's servers are asked, and their RRset (3600 s) is what the
// client gets and what the cache keeps. Each case runs with qname-minimisation on and off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ChildNsReplay : public ::testing::TestWithParam<bool /*minimise*/> {
 protected:
  ReplayHarness replay_{StandardInternet(), {.qname_minimisation = GetParam()}};
};

TEST_P(ChildNsReplay, AnNsQuestionGetsTheChildsRrsetNotTheReferralsCopy) {
  ASSERT_EQ(replay_.Ask({.name = "www.example.test."}).rcode, "NOERROR");  // caches the referral
  replay_.ForgetUpstream();

  const ClientAnswer ns = replay_.Ask({.name = "example.test.", .type = LDNS_RR_TYPE_NS});
  EXPECT_EQ(ns.rcode, "NOERROR");
  EXPECT_THAT(ns.answer, ElementsAre("example.test. 3600 IN NS ns1.example.test."));
  EXPECT_THAT(replay_.Upstream(), ElementsAre("192.0.2.20 example.test. NS"));
  EXPECT_THAT(replay_.CachedRrset("example.test.", LDNS_RR_TYPE_NS),
              ElementsAre("example.test. 3600 IN NS ns1.example.test."));

  // Then the cache answers it, and a later referral's copy does not replace it.
  replay_.ForgetUpstream();
  const ClientAnswer again = replay_.Ask({.name = "example.test.", .type = LDNS_RR_TYPE_NS});
  EXPECT_THAT(again.answer, ElementsAre("example.test. 3600 IN NS ns1.example.test."));
  EXPECT_EQ(again.answered_by, "cache");
  EXPECT_THAT(replay_.Upstream(), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(QnameMinimisation, ChildNsReplay, ::testing::Bool(), MinimisationName);

}  // namespace
}  // namespace rebound::replay
