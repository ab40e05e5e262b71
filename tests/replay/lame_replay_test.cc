// Issue 18, item 9: lame and mis-configured servers. A server that answers for a zone with
// REFUSED (RFC 8906 3.1.2: a zone it does not serve), or with an upward or sideways referral, is
// lame for that zone: remembered, so the zone's next questions skip it, while its other zones
// keep using it; a delegation whose every server is lame ends at once. Each case runs with
// qname-minimisation on and off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;

class LameReplay : public ::testing::TestWithParam<bool /*minimise*/> {
 protected:
  int QueriesTo(const std::string& server) const {
    const std::vector<std::string> upstream = replay_.Upstream();
    return static_cast<int>(std::count_if(upstream.begin(), upstream.end(), [&](const auto& q) {
      return q.starts_with(server + " ");
    }));
  }

  ReplayHarness replay_{StandardInternet(), {.qname_minimisation = GetParam()}};
};

// failover.test.'s first server refuses the zone: the second answers, and the next question
// in the zone goes to the second alone.
TEST_P(LameReplay, ARefusingServerIsSkippedForTheZonesNextQuestions) {
  replay_.RankServers({kFailoverServer1, kFailoverServer2});
  replay_.Misbehave({.server = kFailoverServer1, .fault = Fault::kRefused});
  ASSERT_EQ(replay_.Ask({.name = "www.failover.test."}).rcode, "NOERROR");
  EXPECT_GE(QueriesTo(kFailoverServer1), 1);
  replay_.ForgetUpstream();

  const ClientAnswer answer = replay_.Ask({.name = "www.failover.test.", .type = LDNS_RR_TYPE_MX});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_EQ(QueriesTo(kFailoverServer1), 0);
  EXPECT_EQ(QueriesTo(kFailoverServer2), 1);
}

// 192.0.2.50 serves hoster.example. and glueless.test.; here it refuses glueless.test. That zone
// has no other server: its next question ends without a query to it, while hoster.example.
// is still asked of it.
TEST_P(LameReplay, LamenessIsPerZone) {
  replay_.Misbehave(
      {.server = kHosterServer, .name = "www.glueless.test.", .fault = Fault::kRefused});
  replay_.Misbehave(
      {.server = kHosterServer, .name = "mail.glueless.test.", .fault = Fault::kRefused});
  EXPECT_EQ(replay_.Ask({.name = "www.glueless.test."}).rcode, "SERVFAIL");
  replay_.ForgetUpstream();

  const absl::Time before = replay_.clock().Now();
  EXPECT_EQ(replay_.Ask({.name = "mail.glueless.test."}).rcode, "SERVFAIL");
  EXPECT_EQ(QueriesTo(kHosterServer), 0);
  EXPECT_EQ(replay_.clock().Now(), before);

  // A question nothing cached answers (the address lookups cached its A, and its SOA with the
  // AAAA NODATA).
  const ClientAnswer txt = replay_.Ask({.name = "ns1.hoster.example.", .type = LDNS_RR_TYPE_TXT});
  EXPECT_EQ(txt.rcode, "NOERROR");
  EXPECT_EQ(QueriesTo(kHosterServer), 1);
}

INSTANTIATE_TEST_SUITE_P(QnameMinimisation, LameReplay, ::testing::Bool(), MinimisationName);

}  // namespace
}  // namespace rebound::replay
