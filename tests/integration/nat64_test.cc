// rebound on an IPv6-only host (do-ip4: no) recursing over the hierarchy, whose servers have
// IPv4 addresses only, through NAT64 (do-nat64, as in unbound): each query meant for an IPv4
// server A.B.C.D goes to [64:ff9b::A.B.C.D]:53 (RFC 6052 2.2, the Well-Known Prefix) and nothing
// goes out over IPv4.
//
// There is no real translator in the namespace, so the test plays one for DNS: the mapped
// address of every hierarchy server is added to `lo` and a DnsRelay there passes each query to
// the IPv4 server it embeds. The relay's counts against NSD's own counters show that every query
// the servers saw came through the translator. A second rebound, IPv6-only without do-nat64,
// shows the other side: with IPv4 glue only it has nobody to ask.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <ldns/ldns.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/dns_relay.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"
#include "tests/integration/fixture/suite_servers_test.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::ElementsAre;
using ::testing::Gt;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// Both rebounds listen on IPv6 only: with do-ip4: no an IPv4 interface is a config error.
constexpr char kNat64Rebound[] = "::1";
constexpr uint16_t kNat64ReboundPort = 53;
constexpr uint16_t kPlainV6ReboundPort = 5353;

constexpr char kNat64Options[] =
    "  do-ip4: no\n"
    "  do-ip6: yes\n"
    "  do-nat64: yes\n"
    "  nat64-prefix: 64:ff9b::/96\n"
    // The usual deployment: DNS64 for the clients next to NAT64 for the resolver itself.
    "  module-config: \"dns64 iterator\"\n"
    "  dns64-prefix: 64:ff9b::/96\n";

// RFC 6052 2.2: the IPv4 address in the last 32 bits of the /96 Well-Known Prefix.
std::string Nat64Address(absl::string_view ipv4) {
  in_addr v4{};
  EXPECT_EQ(inet_pton(AF_INET, std::string(ipv4).c_str(), &v4), 1) << ipv4;
  in6_addr v6{};
  v6.s6_addr[0] = 0x00;
  v6.s6_addr[1] = 0x64;
  v6.s6_addr[2] = 0xff;
  v6.s6_addr[3] = 0x9b;
  memcpy(&v6.s6_addr[12], &v4, 4);
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &v6, text, sizeof text);
  return text;
}

// One server address of the hierarchy and the NSD instance behind it.
struct Server {
  std::string instance;
  std::string ipv4;
  std::string nat64;  // where the relay stands in for it
};

std::vector<Server> HierarchyServers() {
  std::vector<Server> out;
  for (const n::NsdInstance& i : n::kNsdInstances) {
    out.push_back({std::string(i.instance), std::string(i.address), Nat64Address(i.address)});
  }
  // The root's second address, on the same NSD.
  out.push_back({"root", std::string(n::kRootServer2), Nat64Address(n::kRootServer2)});
  return out;
}

std::vector<std::string> A(const LdnsPktPtr& reply) {
  return RdataStrings(reply.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A);
}

struct Nat64Servers {
  std::unique_ptr<DnsRelay> relay;
  // NSD's counters per instance before rebound started (the hierarchy's readiness probes are in
  // them; nothing after this reaches NSD except through the relay).
  std::map<std::string, NsdQueryStats> before;
  std::unique_ptr<Subprocess> rebound;
};

class Nat64Test : public SuiteServersTest<Nat64Servers> {
 public:
  static void SetUpTestSuite() {
    // No reference unbound: NSD's counters must show only what came through the relay.
    StartSuite({"bash", "nsd", "ip"}, /*with_unbound=*/false, &StartTranslatorAndRebound);
  }

  static absl::Status StartTranslatorAndRebound(Nat64Servers& servers) {
    std::vector<DnsRelay::Route> routes;
    for (const Server& s : HierarchyServers()) {
      // nodad: usable at once, without waiting for duplicate address detection.
      if (absl::Status st =
              RunToCompletion({"ip", "-6", "addr", "add", s.nat64 + "/128", "dev", "lo", "nodad"},
                              absl::StrCat(hierarchy().dir(), "/nat64-ip.log"), absl::Seconds(5));
          !st.ok()) {
        return st;
      }
      routes.push_back({EndpointAt(s.nat64), EndpointAt(s.ipv4)});
    }
    if (absl::Status st = MoveInto(DnsRelay::Start(routes), &servers.relay); !st.ok()) return st;
    for (const n::NsdInstance& i : n::kNsdInstances) {
      absl::StatusOr<NsdQueryStats> stats = hierarchy().QueryStats(i.instance);
      if (!stats.ok()) return stats.status();
      servers.before[std::string(i.instance)] = *stats;
    }
    return MoveInto(
        StartRebound(REBOUND_BINARY, hierarchy(), "rebound-nat64",
                     absl::StrCat(RecursiveServerConfig(hierarchy(), kNat64Rebound), kNat64Options),
                     Nat64Rebound()),
        &servers.rebound);
  }

 protected:
  void TearDown() override {
    if (HasFailure() && !IsSkipped() && servers().rebound != nullptr) {
      std::cerr << "rebound log: " << servers().rebound->log_path() << "\n";
    }
  }

  static Endpoint Nat64Rebound() { return EndpointAt(kNat64Rebound, kNat64ReboundPort); }

  static LdnsPktPtr Ask(const Endpoint& server, absl::string_view name, ldns_rr_type type,
                        QueryOptions options = {}) {
    options.timeout = absl::Seconds(8);
    absl::StatusOr<LdnsPktPtr> reply = Query(server, name, type, options);
    EXPECT_TRUE(reply.ok()) << name << " at " << server.ToString() << ": " << reply.status();
    return reply.ok() ? *std::move(reply) : nullptr;
  }

  // What the relay passed on to `instance`, over all of its addresses.
  static DnsRelay::Counts RelayedTo(absl::string_view instance) {
    DnsRelay::Counts out;
    for (const Server& s : HierarchyServers()) {
      if (s.instance != instance) continue;
      DnsRelay::Counts c = servers().relay->Relayed(EndpointAt(s.nat64));
      out.udp += c.udp;
      out.tcp += c.tcp;
    }
    return out;
  }

  // Per instance, "instance: NSD saw Q (T over TCP), relay passed R (U over TCP)" where they
  // differ; empty when every query NSD received since rebound started came through the relay.
  static std::vector<std::string> NsdAndRelayDisagreements() {
    std::vector<std::string> out;
    for (const n::NsdInstance& i : n::kNsdInstances) {
      absl::StatusOr<NsdQueryStats> now = hierarchy().QueryStats(i.instance);
      if (!now.ok()) {
        out.push_back(absl::StrCat(i.instance, ": ", now.status().ToString()));
        continue;
      }
      const NsdQueryStats& before = servers().before[std::string(i.instance)];
      const uint64_t seen = now->queries - before.queries;
      const uint64_t seen_tcp = now->tcp_queries - before.tcp_queries;
      const DnsRelay::Counts relayed = RelayedTo(i.instance);
      if (seen != relayed.total() || seen_tcp != relayed.tcp) {
        out.push_back(absl::StrCat(i.instance, ": NSD saw ", seen, " (", seen_tcp,
                                   " over TCP), relay passed ", relayed.total(), " (", relayed.tcp,
                                   " over TCP)"));
      }
    }
    return out;
  }

  // Waits (a little) for queries still on their way between the relay and NSD, or for rebound's
  // last background lookups, to land; returns the disagreements left at the end.
  static std::vector<std::string> SettledDisagreements() {
    const absl::Time deadline = absl::Now() + absl::Seconds(3);
    std::vector<std::string> left = NsdAndRelayDisagreements();
    while (!left.empty() && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(100));
      left = NsdAndRelayDisagreements();
    }
    return left;
  }
};

TEST_F(Nat64Test, ResolvesAnIpv4OnlyNameThroughTheTranslator) {
  for (int round = 0; round < 2; ++round) {  // the second round comes from the cache
    SCOPED_TRACE(round == 0 ? "resolved" : "cached");
    LdnsPktPtr r = Ask(Nat64Rebound(), n::kV4Only, LDNS_RR_TYPE_A);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR) << PacketToString(r.get());
    EXPECT_THAT(A(r), ElementsAre(n::kV4OnlyA)) << PacketToString(r.get());
  }
  // The whole way down went through the mapped addresses of the root, test. and alpha.test.
  EXPECT_THAT(RelayedTo("root").udp, Gt(0u));
  EXPECT_THAT(RelayedTo("test").udp, Gt(0u));
  EXPECT_THAT(RelayedTo("alpha.test").udp, Gt(0u));
}

TEST_F(Nat64Test, FollowsACnameChainAcrossZonesAndTlds) {
  // cross.alpha.test -> mid.beta.example -> end.gamma.test: three zones, two TLDs.
  LdnsPktPtr r = Ask(Nat64Rebound(), n::kCross, LDNS_RR_TYPE_A);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR) << PacketToString(r.get());
  EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME, n::kCross),
              ElementsAre(n::kCrossMid))
      << PacketToString(r.get());
  EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME, n::kCrossMid),
              ElementsAre(n::kCrossEnd))
      << PacketToString(r.get());
  EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kCrossEnd),
              ElementsAre(n::kCrossEndA))
      << PacketToString(r.get());
  EXPECT_THAT(RelayedTo("example").udp, Gt(0u));
  EXPECT_THAT(RelayedTo("beta.example").udp, Gt(0u));
  EXPECT_THAT(RelayedTo("gamma.test").udp, Gt(0u));
}

TEST_F(Nat64Test, ResolvesAGluelessDelegationWhoseServerHasAnIpv4AddressOnly) {
  // glueless.test's only server, ns-glueless.beta.example, must be looked up first; it has an A
  // record only, which is usable exactly because of do-nat64.
  LdnsPktPtr r = Ask(Nat64Rebound(), n::kGluelessWww, LDNS_RR_TYPE_A);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR) << PacketToString(r.get());
  EXPECT_THAT(A(r), ElementsAre(n::kGluelessWwwA)) << PacketToString(r.get());
  EXPECT_THAT(RelayedTo("glueless.test").udp, Gt(0u));
}

TEST_F(Nat64Test, NxdomainCarriesTheSoaOfTheZoneThatSaidSo) {
  LdnsPktPtr nx = Ask(Nat64Rebound(), n::kNxdomain, LDNS_RR_TYPE_A);
  ASSERT_NE(nx, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(nx.get()), LDNS_RCODE_NXDOMAIN) << PacketToString(nx.get());
  EXPECT_EQ(ldns_pkt_ancount(nx.get()), 0) << PacketToString(nx.get());
  EXPECT_THAT(RdataStrings(nx.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA, n::kAlphaZone),
              SizeIs(1))
      << PacketToString(nx.get());

  // From the root this time.
  LdnsPktPtr tld = Ask(Nat64Rebound(), absl::StrCat("www.", n::kNoSuchTld), LDNS_RR_TYPE_A);
  ASSERT_NE(tld, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(tld.get()), LDNS_RCODE_NXDOMAIN) << PacketToString(tld.get());
  EXPECT_THAT(RdataStrings(tld.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA, "."), SizeIs(1))
      << PacketToString(tld.get());
}

TEST_F(Nat64Test, TruncatedAnswerIsRetriedOverTcpThroughTheTranslator) {
  // ~1.6 KB: TC=1 from alpha.test's server over UDP, so rebound must ask again over TCP, and the
  // client too asks over TCP to get it whole.
  const DnsRelay::Counts alpha_before = RelayedTo("alpha.test");
  QueryOptions tcp;
  tcp.tcp = true;
  LdnsPktPtr r = Ask(Nat64Rebound(), n::kBigA, LDNS_RR_TYPE_A, tcp);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR) << PacketToString(r.get());
  EXPECT_THAT(A(r), SizeIs(n::kBigACount)) << PacketToString(r.get());
  EXPECT_THAT(RelayedTo("alpha.test").tcp, Gt(alpha_before.tcp));
}

TEST_F(Nat64Test, Dns64SynthesizesForClientsWhileNat64CarriesTheResolversQueries) {
  LdnsPktPtr r = Ask(Nat64Rebound(), n::kV4nsWww, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR) << PacketToString(r.get());
  // 20.30.40.53 = 0x141e2835.
  EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA),
              ElementsAre("64:ff9b::141e:2835"))
      << PacketToString(r.get());
  EXPECT_THAT(RelayedTo("v4ns.example").udp, Gt(0u));
}

TEST_F(Nat64Test, EveryQueryTheServersSawCameThroughTheTranslator) {
  // Something to count even if this test runs alone.
  LdnsPktPtr r = Ask(Nat64Rebound(), n::kBetaWww, LDNS_RR_TYPE_A);
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(A(r), ElementsAre(n::kBetaWwwA)) << PacketToString(r.get());
  EXPECT_THAT(servers().relay->RelayedTotal().total(), Gt(0u));
  // rebound sent nothing to the servers' IPv4 addresses itself: every query NSD received (UDP
  // and TCP alike) is one the relay passed on.
  EXPECT_THAT(SettledDisagreements(), IsEmpty());
}

TEST_F(Nat64Test, WithoutNat64AnIpv6OnlyResolverHasNoServerToAsk) {
  // Let the other rebound's last queries land, then take the counts this one must not change.
  ASSERT_THAT(SettledDisagreements(), IsEmpty());
  const uint64_t relayed_before = servers().relay->RelayedTotal().total();
  const uint64_t nsd_before = AllNsdQueries();

  const Endpoint listen = EndpointAt("::1", kPlainV6ReboundPort);
  absl::StatusOr<std::unique_ptr<Subprocess>> plain =
      StartRebound(REBOUND_BINARY, hierarchy(), "rebound-ipv6-only",
                   absl::StrCat(RecursiveServerConfig(hierarchy(), listen.ToString()),
                                "  do-ip4: no\n  do-ip6: yes\n"),
                   listen);
  ASSERT_TRUE(plain.ok()) << plain.status();

  // The root hints and every glue record are IPv4 and no name server has an AAAA record.
  LdnsPktPtr r = Ask(listen, n::kV4Only, LDNS_RR_TYPE_A);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_SERVFAIL)
      << PacketToString(r.get()) << "\nlog: " << (*plain)->log_path();
  EXPECT_THAT(A(r), IsEmpty());

  (*plain)->Stop();
  EXPECT_EQ(servers().relay->RelayedTotal().total(), relayed_before);
  EXPECT_EQ(AllNsdQueries(), nsd_before);
}

}  // namespace
}  // namespace rebound::integration
