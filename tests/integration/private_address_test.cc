// private-address and private-domain (unbound's DNS rebinding protection) against real servers:
// rebound and a reference unbound given the same lines, both recursing over the loopback
// hierarchy, must give the same answers, and those must be what unbound's rule says: every A and
// AAAA record whose address is in a private netblock is removed, unless its owner is at or below
// a private-domain; a name that loses all of them is NOERROR without them, never SERVFAIL.
//
// The same again with both resolvers forwarding to the hierarchy's plain reference unbound (no
// private-address there), so the forwarder's answers are filtered as the authorities' are.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "resolver/wire/ldns_ptr.h"
#include "tests/integration/fixture/compared_answer.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"
#include "tests/integration/fixture/suite_servers_test.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kRecursingRebound[] = "127.0.0.30";
constexpr char kRecursingUnbound[] = "127.0.0.31";
constexpr char kForwardingRebound[] = "127.0.0.32";
constexpr char kForwardingUnbound[] = "127.0.0.33";

// The same lines for both resolvers. 127.0.0.0/8, where the hierarchy's servers are, stays
// public: the glue of every delegation is there.
constexpr char kPrivateLines[] =
    "  private-address: 10.0.0.0/8\n"
    "  private-address: 192.168.0.0/16\n"
    "  private-address: fd00::/8\n"
    "  private-domain: \"lan.alpha.test.\"\n";

// A forward-zone for "." to the hierarchy's plain reference unbound, in either config.
std::string ForwardToReference() {
  return absl::StrCat("forward-zone:\n  name: \".\"\n  forward-addr: ",
                      ReferenceResolverEndpoint().AddressString(), "\n");
}

using Answer = ComparedAnswer;

Answer Ask(const Endpoint& resolver, absl::string_view name, ldns_rr_type type) {
  return AskToCompare(resolver, name, type, absl::Seconds(12));
}

std::string Record(absl::string_view name, absl::string_view type, absl::string_view data) {
  return ComparedRecord(name, type, data);
}

struct PrivateAddressServers {
  std::unique_ptr<Subprocess> recursing, forwarding;
};

class PrivateAddressTest : public SuiteServersTest<PrivateAddressServers> {
 public:
  // The hierarchy's reference unbound too: the forwarding pair forwards to it.
  static void SetUpTestSuite() {
    StartSuite({"bash", "nsd", "unbound"}, /*with_unbound=*/true, &StartServers);
  }

  static absl::Status StartServers(PrivateAddressServers& s) {
    if (absl::Status st = hierarchy().StartUnbound(EndpointAt(kRecursingUnbound), kPrivateLines);
        !st.ok()) {
      return st;
    }
    const std::string forward_lines = absl::StrCat(kPrivateLines, ForwardToReference());
    if (absl::Status st = hierarchy().StartUnbound(EndpointAt(kForwardingUnbound), forward_lines);
        !st.ok()) {
      return st;
    }
    if (absl::Status st =
            MoveInto(Start("rebound-recursing", kRecursingRebound, kPrivateLines), &s.recursing);
        !st.ok()) {
      return st;
    }
    return MoveInto(Start("rebound-forwarding", kForwardingRebound, forward_lines), &s.forwarding);
  }

 protected:
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(absl::string_view name,
                                                           absl::string_view address,
                                                           absl::string_view extra) {
    return StartRebound(REBOUND_BINARY, hierarchy(), name,
                        absl::StrCat(RecursiveServerConfig(hierarchy(), address), extra),
                        EndpointAt(address));
  }

  void TearDown() override {
    if (IsSkipped() || !HasFailure() || servers().forwarding == nullptr) return;
    std::cerr << "rebound logs: " << servers().recursing->log_path() << " "
              << servers().forwarding->log_path()
              << "\nunbound logs: " << hierarchy().UnboundLogPath(EndpointAt(kRecursingUnbound))
              << " " << hierarchy().UnboundLogPath(EndpointAt(kForwardingUnbound)) << "\n";
  }

  // Asks both pairs (unbound first, then rebound); each rebound must give its unbound's answer,
  // and both pairs the same. Returns the recursing unbound's, for the test to check against
  // unbound's rule.
  static Answer AskBothAndCompare(absl::string_view name, ldns_rr_type type) {
    const Answer reference = Ask(EndpointAt(kRecursingUnbound), name, type);
    const struct {
      const char* label;
      const char* address;
    } others[] = {{"recursing rebound", kRecursingRebound},
                  {"forwarding unbound", kForwardingUnbound},
                  {"forwarding rebound", kForwardingRebound}};
    for (const auto& other : others) {
      const Answer answer = Ask(EndpointAt(other.address), name, type);
      EXPECT_EQ(answer, reference) << other.label << " and the recursing unbound disagree on "
                                   << name << " type " << type << "\n"
                                   << other.label << ":\n"
                                   << answer.text << "\nunbound:\n"
                                   << reference.text;
    }
    return reference;
  }
};

TEST_F(PrivateAddressTest, OnlyPrivateAddressesLeaveNoRecordsAndNoServfail) {
  for (auto [name, type] :
       {std::pair{n::kPrivate10, LDNS_RR_TYPE_A}, std::pair{n::kPrivate192, LDNS_RR_TYPE_A},
        std::pair{n::kPrivate6, LDNS_RR_TYPE_AAAA}}) {
    SCOPED_TRACE(name);
    const Answer answer = AskBothAndCompare(name, type);
    EXPECT_EQ(answer.rcode, "NOERROR") << answer.text;
    EXPECT_THAT(answer.records, IsEmpty()) << answer.text;
  }
  // Asked again: the cache holds nothing for them (and no negative answer either).
  const Answer again = AskBothAndCompare(n::kPrivate10, LDNS_RR_TYPE_A);
  EXPECT_EQ(again.rcode, "NOERROR") << again.text;
  EXPECT_THAT(again.records, IsEmpty()) << again.text;
}

TEST_F(PrivateAddressTest, PublicAddressesBesidePrivateOnesStay) {
  const Answer a = AskBothAndCompare(n::kMixedPrivate, LDNS_RR_TYPE_A);
  EXPECT_EQ(a.rcode, "NOERROR") << a.text;
  EXPECT_THAT(a.records, ElementsAre(Record(n::kMixedPrivate, "A", n::kMixedPublicA))) << a.text;
  const Answer aaaa = AskBothAndCompare(n::kMixedPrivate, LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(aaaa.rcode, "NOERROR") << aaaa.text;
  EXPECT_THAT(aaaa.records, ElementsAre(Record(n::kMixedPrivate, "AAAA", n::kMixedPublicAaaa)))
      << aaaa.text;
  // Addresses outside every netblock are not touched.
  const Answer dual = AskBothAndCompare(n::kDualStack, LDNS_RR_TYPE_AAAA);
  EXPECT_THAT(dual.records, ElementsAre(Record(n::kDualStack, "AAAA", n::kDualStackAaaa)))
      << dual.text;
}

TEST_F(PrivateAddressTest, ACnameToAPrivateAddressKeepsTheCnameOnly) {
  const Answer answer = AskBothAndCompare(n::kPrivateCname, LDNS_RR_TYPE_A);
  EXPECT_EQ(answer.rcode, "NOERROR") << answer.text;
  EXPECT_THAT(answer.records, ElementsAre(Record(n::kPrivateCname, "CNAME", n::kPrivate10)))
      << answer.text;
}

TEST_F(PrivateAddressTest, APrivateDomainMayHoldPrivateAddresses) {
  const Answer a = AskBothAndCompare(n::kLanHost, LDNS_RR_TYPE_A);
  EXPECT_EQ(a.rcode, "NOERROR") << a.text;
  EXPECT_THAT(a.records, ElementsAre(Record(n::kLanHost, "A", n::kLanHostA))) << a.text;
  const Answer aaaa = AskBothAndCompare(n::kLanHost, LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(aaaa.rcode, "NOERROR") << aaaa.text;
  EXPECT_THAT(aaaa.records, ElementsAre(Record(n::kLanHost, "AAAA", n::kLanHostAaaa))) << aaaa.text;
  // Only that subtree: the zone above it, served by the same server, is not a private-domain.
  const Answer above = AskBothAndCompare(n::kPrivate192, LDNS_RR_TYPE_A);
  EXPECT_EQ(above.rcode, "NOERROR") << above.text;
  EXPECT_THAT(above.records, IsEmpty()) << above.text;
}

}  // namespace
}  // namespace rebound::integration
