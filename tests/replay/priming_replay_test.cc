// Issue 18, item 3: priming (RFC 8109) keeps the hints. A priming reply that names the root
// servers without their addresses must not leave the resolver with a root it cannot reach: the
// hints' addresses stay in use. Each case runs with qname-minimisation on and off.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class PrimingReplay : public ::testing::TestWithParam<bool /*minimise*/> {
 protected:
  // The root server answers ". NS" with `ns` only: no additional section.
  ReplayHarness& PrimedWithoutAddresses(std::vector<std::string> ns) {
    replay_.Misbehave({.server = kRootServer,
                       .name = ".",
                       .type = LDNS_RR_TYPE_NS,
                       .fault = Fault::kReply,
                       .reply = {.answer = std::move(ns)}});
    return replay_;
  }
  std::vector<std::string> WwwUpstream() const {
    if (GetParam()) {
      return {"192.0.2.1 . NS", "192.0.2.1 test. A", "192.0.2.10 example.test. A",
              "192.0.2.20 www.example.test. A"};
    }
    return {"192.0.2.1 . NS", "192.0.2.1 www.example.test. A", "192.0.2.10 www.example.test. A",
            "192.0.2.20 www.example.test. A"};
  }

  ReplayHarness replay_{StandardInternet(),
                        {.qname_minimisation = GetParam(), .root_primed = false}};
};

// The hints' a.root.test. has 192.0.2.1; the priming reply names a.root.test. and no address.
TEST_P(PrimingReplay, ARootServerNamedWithoutAddressKeepsTheHintsAddress) {
  ReplayHarness& replay = PrimedWithoutAddresses({". 518400 IN NS a.root.test."});
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_EQ(answer.answer.size(), 2u);
  EXPECT_THAT(replay.Upstream(), ::testing::ElementsAreArray(WwwUpstream()));
  EXPECT_THAT(replay.CachedRrset(".", LDNS_RR_TYPE_NS), ElementsAre(". 86400 IN NS a.root.test."));
}

// The priming reply names only servers the hints do not know, with no address: the hints'
// servers join the root's delegation rather than the root becoming unreachable.
TEST_P(PrimingReplay, RootServersUnknownToTheHintsWithoutAddressesLeaveTheHintsInUse) {
  ReplayHarness& replay = PrimedWithoutAddresses({". 518400 IN NS b.root.test."});
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_EQ(answer.answer.size(), 2u);
  // b.root.test.'s addresses may be looked up on the way; what matters is that the hints' server
  // is asked and the answer comes.
  EXPECT_THAT(replay.Upstream(), ::testing::Contains("192.0.2.20 www.example.test. A"));
}

// Nothing is asked before a client asks (the daemon primes on first need, like this harness
// with root_primed off).
TEST_P(PrimingReplay, NothingGoesOutBeforeTheFirstQuestion) {
  EXPECT_THAT(replay_.StartupUpstream(), IsEmpty());
  EXPECT_THAT(replay_.Upstream(), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(QnameMinimisation, PrimingReplay, ::testing::Bool(), MinimisationName);

}  // namespace
}  // namespace rebound::replay
