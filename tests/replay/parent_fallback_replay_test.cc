// Issue 18, item 1: fall back to the parent's glue. When the child zone's own address for its
// name server is wrong, or has expired while the NS RRset has not, the parent zone is asked
// again and its glue is used (unbound's "parent-side last resort"), instead of SERVFAIL. Each
// case runs with qname-minimisation on and off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

class ParentFallbackReplay : public ::testing::TestWithParam<bool /*minimise*/> {
 protected:
  ReplayHarness replay_{StandardInternet(), {.qname_minimisation = GetParam()}};
};

// moved.test.: the parent's glue says 192.0.2.44, the child's own A RRset says 192.0.2.98, which
// does not answer. Once a client has asked for the child's word on ns1.moved.test., the cache
// builds the delegation from that address alone.
TEST_P(ParentFallbackReplay, AWrongChildAddressFallsBackToTheParentsGlue) {
  replay_.Misbehave({.server = kMovedChildAddress, .fault = Fault::kTimeout});
  const ClientAnswer ns = replay_.Ask({.name = "ns1.moved.test."});
  ASSERT_THAT(ns.answer, ElementsAre("ns1.moved.test. 3600 IN A 192.0.2.98"));
  replay_.ForgetUpstream();

  const ClientAnswer www = replay_.Ask({.name = "www.moved.test."});
  EXPECT_EQ(www.rcode, "NOERROR");
  EXPECT_THAT(www.answer, ElementsAre("www.moved.test. 300 IN A 203.0.113.44"));
  // The child's address was tried, then the parent, then the glue's address.
  EXPECT_THAT(replay_.Upstream(), Contains("192.0.2.98 www.moved.test. A"));
  EXPECT_THAT(replay_.Upstream(), Contains("192.0.2.44 www.moved.test. A"));
  const std::string parent_asked =
      GetParam() ? "192.0.2.10 moved.test. A" : "192.0.2.10 www.moved.test. A";
  EXPECT_THAT(replay_.Upstream(), Contains(parent_asked));
}

// lost.test.: the child's A RRset for ns1.lost.test. has a TTL of 60 s, the NS RRset 86400. Once
// it has replaced the glue and expired, the delegation has no address at all; the address
// lookup cannot start (it would need the same delegation), so before this nothing was sent.
TEST_P(ParentFallbackReplay, AnExpiredChildAddressIsFetchedFromTheParentAgain) {
  ASSERT_EQ(replay_.Ask({.name = "www.lost.test."}).rcode, "NOERROR");
  ASSERT_THAT(replay_.Ask({.name = "ns1.lost.test."}).answer,
              ElementsAre("ns1.lost.test. 60 IN A 192.0.2.43"));
  replay_.clock().Advance(absl::Seconds(301));  // www and the child's address expired, NS not
  replay_.ForgetUpstream();

  const ClientAnswer www = replay_.Ask({.name = "www.lost.test."});
  EXPECT_EQ(www.rcode, "NOERROR");
  EXPECT_THAT(www.answer, ElementsAre("www.lost.test. 300 IN A 203.0.113.43"));
  EXPECT_THAT(replay_.Upstream(), Contains("192.0.2.43 www.lost.test. A"));
}

INSTANTIATE_TEST_SUITE_P(QnameMinimisation, ParentFallbackReplay, ::testing::Bool(),
                         MinimisationName);

}  // namespace
}  // namespace rebound::replay
