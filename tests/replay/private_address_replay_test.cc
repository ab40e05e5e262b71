// private-address and private-domain, unbound's rebinding protection: A and AAAA records whose
// address is in a private netblock are taken out of every reply from outside, answer and glue
// alike, unless their owner is at or below a private-domain. A name that loses all of them has
// no such data (NOERROR, nothing cached as negative), never SERVFAIL. The iterator cases run
// with qname-minimisation on and off; the last ones are the bootstrap relays' answers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

PrivateAddresses Private(const std::vector<const char*>& netblocks,
                         const std::vector<std::string>& domains = {}) {
  std::vector<AddressRange> ranges;
  for (const char* netblock : netblocks) ranges.push_back(*AddressRange::Parse(netblock));
  return *PrivateAddresses::Create(ranges, domains);
}

class PrivateAddressReplay : public ::testing::TestWithParam<bool /*minimise*/> {
 protected:
  ReplayOptions Options(PrivateAddresses private_addresses) const {
    return {.qname_minimisation = GetParam(), .private_addresses = std::move(private_addresses)};
  }
};

// www.example.test. has 203.0.113.10 and 203.0.113.11: only the public one is kept.
TEST_P(PrivateAddressReplay, PrivateRecordsLeaveTheAnswerTheOthersStay) {
  ReplayHarness replay(StandardInternet(), Options(Private({"203.0.113.10"})));
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("www.example.test. 300 IN A 203.0.113.11"));
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A),
              ElementsAre("www.example.test. 300 IN A 203.0.113.11"));
}

// Every address private: NOERROR with no records, as unbound answers, and nothing in either
// cache (no SOA came with it), so the next client's question goes upstream again.
TEST_P(PrivateAddressReplay, AllPrivateIsNoDataNotServfailAndNotCached) {
  ReplayHarness replay(StandardInternet(), Options(Private({"203.0.113.0/24"})));
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, IsEmpty());
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), IsEmpty());
  EXPECT_EQ(replay.CachedNegative("www.example.test.", LDNS_RR_TYPE_A), "");
  replay.ForgetUpstream();
  const ClientAnswer again = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(again.rcode, "NOERROR");
  EXPECT_THAT(again.answer, IsEmpty());
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.20 www.example.test. A"));
}

// The CNAME is kept; its target's private address is not.
TEST_P(PrivateAddressReplay, TheChainStaysItsPrivateEndGoes) {
  ReplayHarness replay(StandardInternet(), Options(Private({"203.0.113.0/24"})));
  const ClientAnswer answer = replay.Ask({.name = "alias.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("alias.example.test. 600 IN CNAME www.example.test."));
}

TEST_P(PrivateAddressReplay, Ipv6NetblocksFilterAaaa) {
  ReplayHarness replay(StandardInternet(), Options(Private({"2001:db8::/32", "5.6.7.9"})));
  const ClientAnswer aaaa = replay.Ask({.name = "dual.example.test.", .type = LDNS_RR_TYPE_AAAA});
  EXPECT_EQ(aaaa.rcode, "NOERROR");
  EXPECT_THAT(aaaa.answer, IsEmpty());
  const ClientAnswer a = replay.Ask({.name = "dual.example.test."});
  EXPECT_EQ(a.rcode, "NOERROR");
  EXPECT_THAT(a.answer, IsEmpty());
  // A public IPv4 address is not in an IPv6 netblock.
  const ClientAnswer v4 = replay.Ask({.name = "v4.example.test."});
  EXPECT_THAT(v4.answer, ElementsAre("v4.example.test. 300 IN A 5.6.7.8"));
}

TEST_P(PrivateAddressReplay, PrivateDomainKeepsItsAddresses) {
  ReplayHarness replay(StandardInternet(), Options(Private({"203.0.113.0/24"}, {"example.test."})));
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("www.example.test. 300 IN A 203.0.113.10",
                                         "www.example.test. 300 IN A 203.0.113.11"));
  // Outside the private-domain the same netblock is still private.
  const ClientAnswer other = replay.Ask({.name = "www.other.test."});
  EXPECT_EQ(other.rcode, "NOERROR");
  EXPECT_THAT(other.answer, IsEmpty());
}

// test.'s referral to child.test. carries two glue addresses for ns1.child.test.; with the one
// nothing answers at private, that one is never asked, though it is ranked first.
TEST_P(PrivateAddressReplay, PrivateGlueIsNotUsed) {
  ReplayHarness replay(StandardInternet(), Options(Private({kStaleGlueAddress})));
  replay.RankServers({kStaleGlueAddress, kChildServer});
  const ClientAnswer answer = replay.Ask({.name = "www.child.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("www.child.test. 300 IN A 203.0.113.40"));
  EXPECT_THAT(replay.Upstream(), Contains("192.0.2.40 www.child.test. A"));
  EXPECT_THAT(replay.Upstream(), Not(Contains(HasSubstr(kStaleGlueAddress))));
}

// The same glue under a private-domain is used as any glue: the first-ranked address is asked.
// The answer's own address, in a netblock too and outside the private-domain, is still removed.
TEST_P(PrivateAddressReplay, GlueUnderAPrivateDomainIsUsed) {
  ReplayHarness replay(StandardInternet(),
                       Options(Private({kStaleGlueAddress, "203.0.113.40"}, {"ns1.child.test."})));
  replay.RankServers({kStaleGlueAddress, kChildServer});
  const ClientAnswer answer = replay.Ask({.name = "www.child.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, IsEmpty());
  EXPECT_THAT(replay.Upstream(), Contains(StartsWith("192.0.2.99 ")));
}

// A glue address that is the only one, private: the server is then resolved like a server
// without glue, from its own zone, which answers with the same private address and so the
// delegation has no server to ask: SERVFAIL, as in unbound, which finds no address either.
TEST_P(PrivateAddressReplay, AllGluePrivateLeavesNoServer) {
  ReplayHarness replay(StandardInternet(), Options(Private({kExampleServer})));
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "SERVFAIL");
  EXPECT_THAT(replay.Upstream(), Not(Contains(StartsWith("192.0.2.20 "))));
}

INSTANTIATE_TEST_SUITE_P(QnameMinimisation, PrivateAddressReplay, ::testing::Bool(),
                         MinimisationName);

// `bootstrap: only`: the relays' answers are filtered as the servers' are.
TEST(PrivateAddressRelayReplay, RelayAnswersLoseTheirPrivateAddresses) {
  ReplayHarness replay(StandardInternet(),
                       {.bootstrap = BootstrapMode::kOnly,
                        .private_addresses = Private({"198.51.100.10", "fd00::/8"})});
  replay.ScriptRelay("www.example.test.", LDNS_RR_TYPE_A,
                     {.answer = {"www.example.test. 300 IN A 198.51.100.10",
                                 "www.example.test. 300 IN A 198.51.100.11"}});
  replay.ScriptRelay("alias.example.test.", LDNS_RR_TYPE_AAAA,
                     {.answer = {"alias.example.test. 300 IN CNAME www.example.test.",
                                 "www.example.test. 300 IN AAAA fd00::10"},
                      .authority = {kExampleSoa}});
  const ClientAnswer a = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(a.rcode, "NOERROR");
  EXPECT_THAT(a.answer, ElementsAre("www.example.test. 300 IN A 198.51.100.11"));
  const ClientAnswer aaaa = replay.Ask({.name = "alias.example.test.", .type = LDNS_RR_TYPE_AAAA});
  EXPECT_EQ(aaaa.rcode, "NOERROR");
  EXPECT_THAT(aaaa.answer, ElementsAre("alias.example.test. 300 IN CNAME www.example.test."));
  // The relay's SOA did not say the name has no AAAA: no negative answer is cached from it.
  EXPECT_EQ(replay.CachedNegative("www.example.test.", LDNS_RR_TYPE_AAAA), "");
}

TEST(PrivateAddressRelayReplay, RelayAnswersUnderAPrivateDomainAreKept) {
  ReplayHarness replay(StandardInternet(),
                       {.bootstrap = BootstrapMode::kOnly,
                        .private_addresses = Private({"198.51.100.0/24"}, {"www.example.test."})});
  replay.ScriptRelay("www.example.test.", LDNS_RR_TYPE_A,
                     {.answer = {"www.example.test. 300 IN A 198.51.100.10"}});
  replay.ScriptRelay("www.other.test.", LDNS_RR_TYPE_A,
                     {.answer = {"www.other.test. 300 IN A 198.51.100.30"}});
  const ClientAnswer a = replay.Ask({.name = "www.example.test."});
  EXPECT_THAT(a.answer, ElementsAre("www.example.test. 300 IN A 198.51.100.10"));
  const ClientAnswer other = replay.Ask({.name = "www.other.test."});
  EXPECT_EQ(other.rcode, "NOERROR");
  EXPECT_THAT(other.answer, IsEmpty());
}

}  // namespace
}  // namespace rebound::replay
