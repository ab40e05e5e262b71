// Issue 18, item 4: QNAME minimisation recovers (RFC 9156 2.3 and 4). A server that mishandles a
// minimised question for an intermediate name (c.example.test. on the way to a.b.c.example.test.,
// both empty non-terminals in the zone) makes the iterator stop minimising and ask the whole
// name, which the server answers; it is not a failure. Each case runs with qname-minimisation
// on and off: off, the intermediate name is never asked and the fault never shows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

struct IntermediateFault {
  const char* name;
  Fault fault;
  ScriptedReply reply = {};
};

void PrintTo(const IntermediateFault& fault, std::ostream* os) { *os << fault.name; }

const IntermediateFault kFaults[] = {
    {"Timeout", Fault::kTimeout},
    {"Servfail", Fault::kServfail},
    {"Refused", Fault::kRefused},
    // An empty NOERROR without AA, as some servers send for an empty non-terminal.
    {"EmptyNonAuthoritativeNoerror", Fault::kReply, {.aa = false}},
};

class MinimisationReplay
    : public ::testing::TestWithParam<std::tuple<IntermediateFault, bool /*minimise*/>> {};

TEST_P(MinimisationReplay, AFaultAtAnIntermediateNameMeansAskingTheWholeName) {
  const auto& [fault, minimise] = GetParam();
  ReplayHarness replay(StandardInternet(), {.qname_minimisation = minimise});
  replay.Misbehave({.server = kExampleServer,
                    .name = "c.example.test.",
                    .fault = fault.fault,
                    .reply = fault.reply});
  const ClientAnswer answer = replay.Ask({.name = "a.b.c.example.test.", .type = LDNS_RR_TYPE_TXT});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("a.b.c.example.test. 300 IN TXT \"deep\""));
  std::vector<std::string> expected = {"192.0.2.1 a.b.c.example.test. TXT",
                                       "192.0.2.10 a.b.c.example.test. TXT",
                                       "192.0.2.20 a.b.c.example.test. TXT"};
  if (minimise) {
    // Timeouts: three, as unbound allows, before the whole name is shown; the zone has one
    // server, which is asked again.
    const int intermediate = fault.fault == Fault::kTimeout ? 3 : 1;
    expected = {"192.0.2.1 test. A", "192.0.2.10 example.test. A"};
    expected.insert(expected.end(), intermediate, "192.0.2.20 c.example.test. A");
    expected.push_back("192.0.2.20 a.b.c.example.test. TXT");
  }
  EXPECT_THAT(replay.Upstream(), ElementsAreArray(expected));
}

// The server stays usable: the next question to it is minimised again and answered.
TEST_P(MinimisationReplay, TheServerIsNotHeldAgainstTheNextQuestion) {
  const auto& [fault, minimise] = GetParam();
  ReplayHarness replay(StandardInternet(), {.qname_minimisation = minimise});
  replay.Misbehave({.server = kExampleServer,
                    .name = "c.example.test.",
                    .fault = fault.fault,
                    .reply = fault.reply});
  ASSERT_EQ(replay.Ask({.name = "a.b.c.example.test.", .type = LDNS_RR_TYPE_TXT}).rcode, "NOERROR");
  const ClientAnswer www = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(www.rcode, "NOERROR");
  EXPECT_EQ(www.answer.size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Faults, MinimisationReplay,
                         ::testing::Combine(::testing::ValuesIn(kFaults), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<MinimisationReplay::ParamType>& info) {
                           return std::string(std::get<0>(info.param).name) +
                                  (std::get<1>(info.param) ? "Minimising" : "NotMinimising");
                         });

}  // namespace
}  // namespace rebound::replay
