// Issue 18, item 6: harden-glue as in unbound. cyclic.test. is served by ns1.cyclic.example.,
// and cyclic.example. by ns1.cyclic.test.: each server's address is only in the other zone. Here
// test.'s server, as some parents do, sends ns1.cyclic.example.'s address with its referral:
// glue from outside its bailiwick.
// With harden-glue: yes (the default) that glue is dropped and the cycle cannot be resolved; with
// no it is used for the delegation only, and never cached. Each case runs with
// qname-minimisation on and off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tuple>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class HardenGlueReplay : public ::testing::TestWithParam<bool /*minimise*/> {
 protected:
  // test.'s referral to cyclic.test., for the minimised and the whole question.
  static void ReferWithForeignGlue(ReplayHarness& replay) {
    for (const char* name : {"cyclic.test.", "www.cyclic.test."}) {
      replay.Misbehave({.server = kTestServer,
                        .name = name,
                        .fault = Fault::kReply,
                        .reply = {.aa = false,
                                  .authority = {"cyclic.test. 86400 IN NS ns1.cyclic.example."},
                                  .additional = {"ns1.cyclic.example. 86400 IN A 192.0.2.45"}}});
    }
  }
};

TEST_P(HardenGlueReplay, OnGlueFromOutsideTheZoneIsNotUsedAndTheCycleFails) {
  ReplayHarness replay(StandardInternet(), {.qname_minimisation = GetParam()});
  ReferWithForeignGlue(replay);
  const ClientAnswer answer = replay.Ask({.name = "www.cyclic.test."});
  EXPECT_EQ(answer.rcode, "SERVFAIL");
  EXPECT_THAT(replay.CachedRrset("ns1.cyclic.example.", LDNS_RR_TYPE_A), IsEmpty());
}

TEST_P(HardenGlueReplay, OffGlueFromOutsideTheZoneReachesTheServerButIsNotCached) {
  ReplayHarness replay(StandardInternet(),
                       {.qname_minimisation = GetParam(), .harden_glue = false});
  ReferWithForeignGlue(replay);
  const ClientAnswer answer = replay.Ask({.name = "www.cyclic.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("www.cyclic.test. 300 IN A 203.0.113.45"));
  // test. had no right to speak for cyclic.example.: its word is not kept.
  EXPECT_THAT(replay.CachedRrset("ns1.cyclic.example.", LDNS_RR_TYPE_A), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(QnameMinimisation, HardenGlueReplay, ::testing::Bool(), MinimisationName);

}  // namespace
}  // namespace rebound::replay
