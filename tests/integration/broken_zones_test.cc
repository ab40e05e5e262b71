// Issue 18, "recursion on the messy internet": the hierarchy's three broken zones
// (hierarchy/README.md, "Broken zones"), asked of rebound and of the reference unbound in an order
// that makes each fault bite, with the wait the differential test cannot express between
// questions. Both must give the zone's real data, and the same answers.
//
//   * moved.test.: once a cache holds the child's own, dead address for the zone's server (it
//     asked for ns1.moved.test. A), every fresh question in the zone needs the parent's glue.
//   * recursor.test.: delegated to a recursive server, which answers with RA=1 and AA=0.
//   * expired.test.: once the child's 2-second address for the zone's server has replaced the
//     glue and expired, the cache has the NS RRset and no address for it.
//
// Two rebounds, with QNAME minimisation and without (the fallbacks take different paths), and one
// reference unbound answer every question, one after the other.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
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
using ::testing::Gt;

constexpr char kMinimisingRebound[] = "127.0.0.10";
constexpr char kNotMinimisingRebound[] = "127.0.0.12";
// rebound gives a client's question about 10 s; unbound gives up on a dead server in ~1.5 s.
constexpr absl::Duration kPatience = absl::Seconds(12);

using Answer = ComparedAnswer;

Answer Ask(const Endpoint& resolver, absl::string_view name, ldns_rr_type type) {
  return AskToCompare(resolver, name, type, kPatience);
}

// "name.\t0\tIN\tA\taddress", as Answer::records holds it.
std::string ARecord(absl::string_view name, absl::string_view address) {
  return ComparedRecord(name, "A", address);
}

struct BrokenZonesServers {
  std::unique_ptr<Subprocess> minimising, not_minimising;
};

class BrokenZonesTest : public SuiteServersTest<BrokenZonesServers> {
 public:
  // The reference unbound too: it is what rebound is compared with.
  static void SetUpTestSuite() {
    StartSuite({"bash", "nsd", "unbound"}, /*with_unbound=*/true, &StartServers);
  }

  static absl::Status StartServers(BrokenZonesServers& s) {
    if (absl::Status st =
            MoveInto(Start("rebound-minimising", kMinimisingRebound, "yes"), &s.minimising);
        !st.ok()) {
      return st;
    }
    return MoveInto(Start("rebound-not-minimising", kNotMinimisingRebound, "no"),
                    &s.not_minimising);
  }

 protected:
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(absl::string_view name,
                                                           absl::string_view address,
                                                           absl::string_view minimise) {
    return StartRebound(REBOUND_BINARY, hierarchy(), name,
                        absl::StrCat(RecursiveServerConfig(hierarchy(), address),
                                     "  qname-minimisation: ", minimise, "\n"),
                        EndpointAt(address));
  }

  void TearDown() override {
    if (IsSkipped() || !HasFailure() || servers().not_minimising == nullptr) return;
    std::cerr << "rebound logs: " << servers().minimising->log_path() << " "
              << servers().not_minimising->log_path()
              << "\nreference unbound log: " << hierarchy().UnboundLogPath() << "\n";
  }

  struct Resolver {
    std::string label;
    Endpoint endpoint;
  };
  static std::vector<Resolver> Rebounds() {
    return {{"rebound (qname-minimisation: yes)", EndpointAt(kMinimisingRebound)},
            {"rebound (qname-minimisation: no)", EndpointAt(kNotMinimisingRebound)}};
  }

  // Asks the reference unbound, then each rebound, the same question; every rebound must give
  // unbound's answer. Returns unbound's, for the test to check against the zone's data.
  static Answer AskAllAndCompare(absl::string_view name, ldns_rr_type type) {
    const Answer reference = Ask(ReferenceResolverEndpoint(), name, type);
    for (const Resolver& rebound : Rebounds()) {
      const Answer answer = Ask(rebound.endpoint, name, type);
      EXPECT_EQ(answer, reference)
          << rebound.label << " and unbound disagree on " << name << " type " << type << "\n"
          << rebound.label << ":\n"
          << answer.text << "\nunbound:\n"
          << reference.text;
    }
    return reference;
  }

  // Queries the NSD of test. received while `ask` ran.
  template <typename Function>
  static uint64_t TestTldQueriesDuring(Function ask) {
    absl::StatusOr<NsdQueryStats> before = hierarchy().QueryStats("test");
    EXPECT_TRUE(before.ok()) << before.status();
    ask();
    absl::StatusOr<NsdQueryStats> after = hierarchy().QueryStats("test");
    EXPECT_TRUE(after.ok()) << after.status();
    return before.ok() && after.ok() ? after->queries - before->queries : 0;
  }
};

// The child's word on its server's address is the dead 127.0.23.2; asked for it first, every
// resolver holds that address, and must go back to test. for the glue (127.0.23.1) to answer
// anything more in the zone.
TEST_F(BrokenZonesTest, MovedZoneResolvesAfterTheCacheTookTheChildsDeadAddress) {
  const Answer ns = AskAllAndCompare(n::kMovedNs, LDNS_RR_TYPE_A);
  EXPECT_EQ(ns.rcode, "NOERROR") << ns.text;
  EXPECT_THAT(ns.records, ElementsAre(ARecord(n::kMovedNs, n::kMovedChildAddress))) << ns.text;

  // A fresh question for the zone's server: the cached delegation has only the dead address.
  for (const Resolver& rebound : Rebounds()) {
    SCOPED_TRACE(rebound.label);
    Answer www;
    const uint64_t parent_queries =
        TestTldQueriesDuring([&] { www = Ask(rebound.endpoint, n::kMovedWww, LDNS_RR_TYPE_A); });
    EXPECT_THAT(www.records, ElementsAre(ARecord(n::kMovedWww, n::kMovedWwwA))) << www.text;
    EXPECT_THAT(parent_queries, Gt(0u)) << "rebound did not ask test. again for the glue";
  }
  const Answer www = AskAllAndCompare(n::kMovedWww, LDNS_RR_TYPE_A);
  EXPECT_THAT(www.records, ElementsAre(ARecord(n::kMovedWww, n::kMovedWwwA))) << www.text;

  // More fresh questions in the zone: NODATA, NXDOMAIN, the apex.
  const Answer nodata = AskAllAndCompare(n::kMovedWww, LDNS_RR_TYPE_TXT);
  EXPECT_EQ(nodata.rcode, "NOERROR") << nodata.text;
  EXPECT_TRUE(nodata.records.empty()) << nodata.text;
  const Answer nx = AskAllAndCompare(absl::StrCat("fresh.", n::kMovedZone), LDNS_RR_TYPE_A);
  EXPECT_EQ(nx.rcode, "NXDOMAIN") << nx.text;
  const Answer apex = AskAllAndCompare(n::kMovedZone, LDNS_RR_TYPE_NS);
  EXPECT_EQ(apex.rcode, "NOERROR") << apex.text;
  EXPECT_EQ(apex.records.size(), 1u) << apex.text;
  // And the server's address is still the child's word, not the glue.
  const Answer again = AskAllAndCompare(n::kMovedNs, LDNS_RR_TYPE_A);
  EXPECT_THAT(again.records, ElementsAre(ARecord(n::kMovedNs, n::kMovedChildAddress)))
      << again.text;
}

// Nothing authoritative answers for recursor.test.: its server recurses and answers RA=1, AA=0.
// unbound takes such answers; so must rebound, when nothing better exists.
TEST_F(BrokenZonesTest, ZoneDelegatedToARecursiveServerResolves) {
  const Answer www = AskAllAndCompare(n::kRecursorWww, LDNS_RR_TYPE_A);
  EXPECT_EQ(www.rcode, "NOERROR") << www.text;
  EXPECT_THAT(www.records, ElementsAre(ARecord(n::kRecursorWww, n::kRecursorWwwA))) << www.text;
  const Answer nodata = AskAllAndCompare(n::kRecursorWww, LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(nodata.rcode, "NOERROR") << nodata.text;
  EXPECT_TRUE(nodata.records.empty()) << nodata.text;
  const Answer nx = AskAllAndCompare(absl::StrCat("fresh.", n::kRecursorZone), LDNS_RR_TYPE_A);
  EXPECT_EQ(nx.rcode, "NXDOMAIN") << nx.text;
  const Answer ns = AskAllAndCompare(n::kRecursorNs, LDNS_RR_TYPE_A);
  EXPECT_THAT(ns.records, ElementsAre(ARecord(n::kRecursorNs, n::kRecursorServer))) << ns.text;
  const Answer apex = AskAllAndCompare(n::kRecursorZone, LDNS_RR_TYPE_SOA);
  EXPECT_EQ(apex.rcode, "NOERROR") << apex.text;
  EXPECT_EQ(apex.records.size(), 1u) << apex.text;
}

// The child's A record for ns1.expired.test. (2 s) replaces the glue (86400 s); once it has
// expired, the NS RRset (86400 s) is still cached and names a server without an address, which
// only the parent can give again.
TEST_F(BrokenZonesTest, ExpiredZoneResolvesAfterTheChildsAddressForItsServerExpired) {
  const Answer ns = AskAllAndCompare(n::kExpiredNs, LDNS_RR_TYPE_A);
  EXPECT_THAT(ns.records, ElementsAre(ARecord(n::kExpiredNs, n::kExpiredServer))) << ns.text;
  const Answer apex = AskAllAndCompare(n::kExpiredZone, LDNS_RR_TYPE_NS);
  EXPECT_EQ(apex.records.size(), 1u) << apex.text;
  const Answer first = AskAllAndCompare(n::kExpiredWww, LDNS_RR_TYPE_A);
  EXPECT_THAT(first.records, ElementsAre(ARecord(n::kExpiredWww, n::kExpiredWwwA))) << first.text;

  absl::SleepFor(absl::Seconds(n::kExpiredTtl) + absl::Milliseconds(1500));

  // www's own record has expired too, so each resolver must reach the zone's server again.
  for (const Resolver& rebound : Rebounds()) {
    SCOPED_TRACE(rebound.label);
    Answer www;
    const uint64_t parent_queries =
        TestTldQueriesDuring([&] { www = Ask(rebound.endpoint, n::kExpiredWww, LDNS_RR_TYPE_A); });
    EXPECT_THAT(www.records, ElementsAre(ARecord(n::kExpiredWww, n::kExpiredWwwA))) << www.text;
    EXPECT_THAT(parent_queries, Gt(0u)) << "rebound did not ask test. again for the glue";
  }
  const Answer www = AskAllAndCompare(n::kExpiredWww, LDNS_RR_TYPE_A);
  EXPECT_THAT(www.records, ElementsAre(ARecord(n::kExpiredWww, n::kExpiredWwwA))) << www.text;
  const Answer nodata = AskAllAndCompare(n::kExpiredWww, LDNS_RR_TYPE_TXT);
  EXPECT_EQ(nodata.rcode, "NOERROR") << nodata.text;
  EXPECT_TRUE(nodata.records.empty()) << nodata.text;
  const Answer nx = AskAllAndCompare(absl::StrCat("fresh.", n::kExpiredZone), LDNS_RR_TYPE_A);
  EXPECT_EQ(nx.rcode, "NXDOMAIN") << nx.text;

  // Once more after another expiry, starting from the server's own address this time.
  absl::SleepFor(absl::Seconds(n::kExpiredTtl) + absl::Milliseconds(1500));
  const Answer ns_again = AskAllAndCompare(n::kExpiredNs, LDNS_RR_TYPE_A);
  EXPECT_THAT(ns_again.records, ElementsAre(ARecord(n::kExpiredNs, n::kExpiredServer)))
      << ns_again.text;
  const Answer www_again = AskAllAndCompare(n::kExpiredWww, LDNS_RR_TYPE_A);
  EXPECT_THAT(www_again.records, ElementsAre(ARecord(n::kExpiredWww, n::kExpiredWwwA)))
      << www_again.text;
}

TEST_F(BrokenZonesTest, ReboundsStayedUp) {
  EXPECT_TRUE(servers().minimising->Running()) << servers().minimising->LogTail();
  EXPECT_TRUE(servers().not_minimising->Running()) << servers().not_minimising->LogTail();
}

}  // namespace
}  // namespace rebound::integration
