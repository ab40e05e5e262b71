// Replays with the dns64 module (RFC 6147) in the stack, under the Well-Known Prefix
// 64:ff9b::/96 (RFC 6052 2.1).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

ReplayOptions WithDns64() {
  Dns64Options dns64;
  dns64.policy.prefixes = {Nat64Prefix::WellKnown()};
  return ReplayOptions{.dns64 = dns64};
}

// 5.6.7.8 under 64:ff9b::/96, as a PTR name (RFC 3596 2.5).
constexpr char kSynthesizedPtrName[] =
    "8.0.7.0.6.0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa.";

// RFC 6147 5.1.1, 5.1.7: the AAAA question gets NODATA, so the stage asks for A and maps each
// address into the prefix; the TTL is the smaller of the A's and the NODATA's negative TTL. The
// cache holds only the real records: the NODATA and the A RRset, never the synthesis.
TEST(Dns64Replay, AaaaIsSynthesizedFromTheARecord) {
  ReplayHarness replay(StandardInternet(), WithDns64());
  const ClientAnswer answer =
      replay.Ask({.name = "v4.example.test.", .type = LDNS_RR_TYPE_AAAA, .dns64_view = true});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("v4.example.test. 300 IN AAAA 64:ff9b::506:708"));
  EXPECT_THAT(replay.Upstream(),
              ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                          "192.0.2.20 v4.example.test. AAAA", "192.0.2.20 v4.example.test. A"));
  EXPECT_THAT(replay.CachedRrset("v4.example.test.", LDNS_RR_TYPE_A),
              ElementsAre("v4.example.test. 300 IN A 5.6.7.8"));
  EXPECT_THAT(replay.CachedRrset("v4.example.test.", LDNS_RR_TYPE_AAAA), IsEmpty());
  EXPECT_EQ(replay.CachedNegative("v4.example.test.", LDNS_RR_TYPE_AAAA),
            std::string("NODATA ") + kExampleSoa);
}

// Both the NODATA and the A RRset are cached: the next client of the view gets the synthesis
// again, with the TTLs counting down, and nothing is asked.
TEST(Dns64Replay, SynthesisIsRepeatedFromTheCache) {
  ReplayHarness replay(StandardInternet(), WithDns64());
  replay.Ask({.name = "v4.example.test.", .type = LDNS_RR_TYPE_AAAA, .dns64_view = true});
  replay.ForgetUpstream();
  replay.clock().Advance(absl::Seconds(100));

  const ClientAnswer answer =
      replay.Ask({.name = "v4.example.test.", .type = LDNS_RR_TYPE_AAAA, .dns64_view = true});
  EXPECT_THAT(answer.answer, ElementsAre("v4.example.test. 200 IN AAAA 64:ff9b::506:708"));
  EXPECT_EQ(answer.answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

// RFC 6147 5.1.1: a name with real AAAA records gets them, and no A query is made.
TEST(Dns64Replay, NameWithAaaaIsNotSynthesized) {
  ReplayHarness replay(StandardInternet(), WithDns64());
  const ClientAnswer answer =
      replay.Ask({.name = "dual.example.test.", .type = LDNS_RR_TYPE_AAAA, .dns64_view = true});
  EXPECT_THAT(answer.answer, ElementsAre("dual.example.test. 300 IN AAAA 2001:db8::9"));
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 dual.example.test. AAAA"));
}

// dns64-clients: a client outside the view (QueryHandler's decision, carried in ClientInfo)
// gets the real answer, NODATA, and no A query is made for it.
TEST(Dns64Replay, ClientOutsideTheViewGetsTheRealEmptyAnswer) {
  ReplayHarness replay(StandardInternet(), WithDns64());
  const ClientAnswer answer =
      replay.Ask({.name = "v4.example.test.", .type = LDNS_RR_TYPE_AAAA, .dns64_view = false});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, IsEmpty());
  EXPECT_THAT(answer.authority, ElementsAre(kExampleSoa));
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 v4.example.test. AAAA"));
}

// RFC 6147 5.5: a client that sets DO and CD validates for itself and would reject a
// synthesized record: it gets the real NODATA.
TEST(Dns64Replay, ValidatingClientGetsTheRealAnswer) {
  ReplayHarness replay(StandardInternet(), WithDns64());
  const ClientAnswer answer = replay.Ask({.name = "v4.example.test.",
                                          .type = LDNS_RR_TYPE_AAAA,
                                          .do_bit = true,
                                          .cd = true,
                                          .dns64_view = true});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, IsEmpty());
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 v4.example.test. AAAA"));
}

// RFC 6147 5.3.1: the PTR name of a synthesized address is answered with a CNAME to the
// in-addr.arpa name of the IPv4 address inside it, and that name's PTR, which is resolved (here
// minimised through arpa.'s empty non-terminals). The ip6.arpa name itself is never asked.
TEST(Dns64Replay, PtrOfASynthesizedAddressIsTheIpv4Name) {
  ReplayHarness replay(StandardInternet(), WithDns64());
  const ClientAnswer answer =
      replay.Ask({.name = kSynthesizedPtrName, .type = LDNS_RR_TYPE_PTR, .dns64_view = true});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer,
              ElementsAre(std::string(kSynthesizedPtrName) + " 600 IN CNAME 8.7.6.5.in-addr.arpa.",
                          "8.7.6.5.in-addr.arpa. 3600 IN PTR v4.example.test."));
  EXPECT_EQ(answer.answered_by, "dns64");
  EXPECT_THAT(
      replay.Upstream(),
      ElementsAre("192.0.2.1 arpa. A", "192.0.2.60 in-addr.arpa. A", "192.0.2.60 5.in-addr.arpa. A",
                  "192.0.2.60 6.5.in-addr.arpa. A", "192.0.2.60 7.6.5.in-addr.arpa. A",
                  "192.0.2.60 8.7.6.5.in-addr.arpa. PTR"));
}

// RFC 8880 7.2, RFC 7050 2.2: a DNS64 resolver answers ipv4only.arpa. itself, with
// 192.0.0.170 and 192.0.0.171 under its prefix, so that clients learn the prefix.
TEST(Dns64Replay, Ipv4OnlyArpaIsAnsweredWithoutUpstreamQueries) {
  ReplayHarness replay(StandardInternet(), WithDns64());
  const ClientAnswer answer =
      replay.Ask({.name = "ipv4only.arpa.", .type = LDNS_RR_TYPE_AAAA, .dns64_view = true});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_THAT(answer.answer, ElementsAre("ipv4only.arpa. 600 IN AAAA 64:ff9b::c000:aa",
                                         "ipv4only.arpa. 600 IN AAAA 64:ff9b::c000:ab"));
  EXPECT_EQ(answer.answered_by, "dns64");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

}  // namespace
}  // namespace rebound::replay
