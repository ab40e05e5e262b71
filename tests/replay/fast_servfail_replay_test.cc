// Issue 18, item 8: fast SERVFAIL when nothing can answer. Once every server of a zone has
// stopped answering (InfraCache counts it down after repeated timeouts), the next question for
// the zone is not made to wait out their timeouts again: it ends at once, and the servers are
// asked again when their down time has passed. Each case runs with qname-minimisation on and off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "resolver/iterator/infra_cache.h"
#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;

class FastServfailReplay : public ::testing::TestWithParam<bool /*minimise*/> {
 protected:
  FastServfailReplay() {
    replay_.Misbehave({.server = kFailoverServer1, .fault = Fault::kTimeout});
    replay_.Misbehave({.server = kFailoverServer2, .fault = Fault::kTimeout});
    // The first question waits for every timeout: nothing is known yet.
    EXPECT_EQ(replay_.Ask({.name = "www.failover.test."}).rcode, "SERVFAIL");
    replay_.ForgetUpstream();
  }

  static int Count(const std::vector<std::string>& queries, const std::string& server) {
    return static_cast<int>(std::count_if(queries.begin(), queries.end(), [&](const auto& q) {
      return q.starts_with(server + " ");
    }));
  }

  ReplayHarness replay_{StandardInternet(), {.qname_minimisation = GetParam()}};
};

TEST_P(FastServfailReplay, TheNextQuestionForADeadZoneEndsAtOnce) {
  const absl::Time before = replay_.clock().Now();
  const ClientAnswer answer = replay_.Ask({.name = "mail.failover.test."});
  EXPECT_EQ(answer.rcode, "SERVFAIL");
  EXPECT_EQ(replay_.clock().Now(), before) << "waited on timeouts again";
  const std::vector<std::string> upstream = replay_.Upstream();
  EXPECT_EQ(Count(upstream, kFailoverServer1), 0);
  EXPECT_EQ(Count(upstream, kFailoverServer2), 0);
  // The parent is asked once for the referral (the parent-side last resort), in case its glue
  // names other addresses; it names the same ones.
  EXPECT_EQ(Count(upstream, kTestServer), 1);
}

TEST_P(FastServfailReplay, TheServersAreAskedAgainOnceTheirDownTimeHasPassed) {
  replay_.transport().ClearMisbehaviours();
  replay_.clock().Advance(InfraCacheOptions{}.down_time);
  const ClientAnswer answer = replay_.Ask({.name = "www.failover.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("www.failover.test. 300 IN A 203.0.113.70"));
}

INSTANTIATE_TEST_SUITE_P(QnameMinimisation, FastServfailReplay, ::testing::Bool(),
                         MinimisationName);

}  // namespace
}  // namespace rebound::replay
