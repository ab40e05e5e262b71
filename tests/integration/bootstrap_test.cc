// The bootstrap fallback end to end: rebound recursing over the loopback hierarchy, its ordinary
// path broken in the ways a real host breaks, and unbound as a real DNS-over-HTTPS relay
// (RFC 8484 over HTTP/2) with a certificate from a test CA the fixture makes.
//
// The relay answers a few names from local data with addresses the hierarchy does not have
// (192.0.2.x), so every answer shows which path it came by.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "tests/common/skip_or_fail.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_ca.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/doh_relay_server.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/host_namespace.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/scripted_auth_server.h"
#include "tests/integration/fixture/shell_command.h"
#include "tests/integration/fixture/subprocess.h"
#include "tests/integration/fixture/suite_servers_test.h"

namespace rebound::integration {
namespace {

using ::testing::HasSubstr;

// The relay: unbound's DoH on both families, with a certificate for kRelayName.
constexpr char kRelayName[] = "relay.test";
constexpr char kRelayV4[] = "127.0.0.80";
constexpr char kRelayV6[] = "::1";
constexpr uint16_t kHttpsPort = 443;
// What the relay says, and the hierarchy says otherwise (or nothing).
constexpr char kRelayedName[] = "www.beta.example.";
constexpr char kRelayedA[] = "192.0.2.80";
constexpr char kOrdinaryA[] = "20.30.40.50";              // www.beta.example. in the hierarchy
constexpr char kRelayOnlyName[] = "ghost.beta.example.";  // NXDOMAIN in the hierarchy
constexpr char kRelayOnlyA[] = "192.0.2.81";
constexpr char kDeadZoneName[] = "www.alldead.test.";  // its servers refuse every packet
constexpr char kDeadZoneRelayA[] = "192.0.2.82";

// A root that swallows every packet: ordinary DNS is black-holed.
constexpr char kBlackHoleRoot[] = "127.0.81.1";
// An IPv4 network with an "unreachable" route: sends fail at once. A root or relay here is one
// that cannot be reached.
constexpr char kBrokenNet[] = "10.53.0.0/24";
constexpr char kBrokenRoot[] = "10.53.0.1";
constexpr char kDeadRelay[] = "10.53.0.9";
// Accepts TCP connections and never speaks: a relay that hangs.
constexpr char kHangingRelay[] = "127.0.0.83";

// rebound waits this long for any reply before asking the relays (main.cc).
constexpr absl::Duration kOrdinaryGiveUp = absl::Seconds(3);

struct BootstrapServers {
  std::unique_ptr<testing::TempDir> dir;
  std::optional<testing::TestCa> ca;
  std::optional<testing::TestCa> unknown_ca;
  testing::TestLeaf leaf;  // relay.test, signed by `ca`
  std::unique_ptr<Subprocess> relay;
  std::unique_ptr<ScriptedAuthServer> black_hole_root;
  // ns1.blackhole.test.: blackhole.test.'s only server, swallowing every query.
  std::unique_ptr<ScriptedAuthServer> black_hole_zone;
  int hanging_relay_fd = -1;
  ~BootstrapServers() {
    if (hanging_relay_fd >= 0) close(hanging_relay_fd);
  }
};

class BootstrapTest : public SuiteServersTest<BootstrapServers> {
 public:
  static void SetUpTestSuite() {
    StartSuite({"bash", "nsd", "unbound", "openssl", "ip"}, false, &StartServers);
  }

 protected:
  static absl::Status StartServers(BootstrapServers& s) {
    absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create("rebound-bootstrap-");
    if (!dir.ok()) return dir.status();
    s.dir = std::make_unique<testing::TempDir>(*std::move(dir));
    absl::StatusOr<testing::TestCa> ca = testing::TestCa::Create(s.dir->path(), "ca");
    if (!ca.ok()) return ca.status();
    s.ca = *std::move(ca);
    absl::StatusOr<testing::TestCa> unknown = testing::TestCa::Create(s.dir->path(), "unknown");
    if (!unknown.ok()) return unknown.status();
    s.unknown_ca = *std::move(unknown);
    absl::StatusOr<testing::TestLeaf> leaf = s.ca->IssueLeaf(kRelayName, {kRelayV4, kRelayV6});
    if (!leaf.ok()) return leaf.status();
    s.leaf = *leaf;

    absl::StatusOr<std::unique_ptr<Subprocess>> relay = StartDohRelay(
        hierarchy(), "doh-relay",
        {.listen = {EndpointAt(kRelayV4, kHttpsPort), EndpointAt(kRelayV6, kHttpsPort)},
         .key_file = leaf->key_file,
         .cert_file = leaf->cert_file,
         .local_data = {absl::StrCat(kRelayedName, " 300 IN A ", kRelayedA),
                        absl::StrCat(kRelayOnlyName, " 300 IN A ", kRelayOnlyA),
                        absl::StrCat(kDeadZoneName, " 300 IN A ", kDeadZoneRelayA)}});
    if (!relay.ok()) return relay.status();
    s.relay = *std::move(relay);

    absl::StatusOr<std::unique_ptr<ScriptedAuthServer>> hole =
        ScriptedAuthServer::Start(EndpointAt(kBlackHoleRoot));
    if (!hole.ok()) return hole.status();
    s.black_hole_root = *std::move(hole);
    absl::StatusOr<std::unique_ptr<ScriptedAuthServer>> zone_hole =
        ScriptedAuthServer::Start(EndpointAt(names::kBlackholeServer));
    if (!zone_hole.ok()) return zone_hole.status();
    s.black_hole_zone = *std::move(zone_hole);

    if (absl::Status st = RunToCompletion({"ip", "route", "add", "unreachable", kBrokenNet},
                                          hierarchy().dir() + "/ip-route.log", absl::Seconds(5));
        !st.ok()) {
      return st;
    }
    return ListenWithoutSpeaking(EndpointAt(kHangingRelay, kHttpsPort), &s.hanging_relay_fd);
  }

  static absl::Status ListenWithoutSpeaking(const Endpoint& address, int* fd_out) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (fd < 0 || bind(fd, address.sockaddr_ptr(), address.sockaddr_len()) != 0 ||
        listen(fd, 16) != 0) {
      return absl::InternalError(absl::StrCat("cannot listen on ", address.ToString()));
    }
    *fd_out = fd;  // the kernel completes handshakes; nobody ever reads
    return absl::OkStatus();
  }

  // Root hints naming one root server at `address`.
  static std::string WriteRootHints(const std::string& name, absl::string_view address) {
    const std::string path = absl::StrCat(hierarchy().dir(), "/", name, ".hints");
    std::ofstream(path) << ". 3600000 IN NS a.root.test.\na.root.test. 3600000 IN A " << address
                        << "\n";
    return path;
  }

  static std::string RelayLine(absl::string_view address, absl::string_view tls_name = kRelayName,
                               uint16_t port = kHttpsPort,
                               absl::string_view form = "doh /dns-query") {
    return absl::StrCat("\"", address, " ", port, " ", tls_name, " ", form, "\"");
  }

  // A rebound on `listen` with the given root hints, bootstrap on, the given relays only.
  static std::string BootstrapConfig(absl::string_view listen, const std::string& hints,
                                     const std::vector<std::string>& relays,
                                     const std::string& extra = "") {
    std::string config = absl::StrCat(
        "server:\n"
        "  interface: ",
        listen,
        "\n"
        "  access-control: 127.0.0.0/8 allow\n"
        "  access-control: ::1/128 allow\n"
        "  verbosity: 2\n"
        "  root-hints: \"",
        hints,
        "\"\n"
        "  do-not-query-localhost: no\n"
        "  bootstrap: yes\n"
        "  bootstrap-relays-replace: yes\n"
        "  bootstrap-ca-file: \"",
        servers().ca->cert_file(), "\"\n");
    for (const std::string& relay : relays)
      absl::StrAppend(&config, "  bootstrap-relay: ", relay, "\n");
    return config + extra;
  }

  static std::unique_ptr<Subprocess> Start(absl::string_view name, absl::string_view listen,
                                           const std::string& config) {
    absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
        StartRebound(REBOUND_BINARY, hierarchy(), name, config, EndpointAt(listen));
    EXPECT_TRUE(rebound.ok()) << rebound.status();
    return rebound.ok() ? *std::move(rebound) : nullptr;
  }

  // The A addresses in an answer, or the RCODE's name when there is none.
  static std::vector<std::string> Addresses(const absl::StatusOr<LdnsPktPtr>& reply) {
    std::vector<std::string> out;
    if (!reply.ok()) return {std::string(reply.status().message())};
    if (ldns_pkt_get_rcode(reply->get()) != LDNS_RCODE_NOERROR) {
      char* rcode = ldns_pkt_rcode2str(ldns_pkt_get_rcode(reply->get()));
      out.push_back(rcode);
      free(rcode);
      return out;
    }
    const ldns_rr_list* answer = ldns_pkt_answer(reply->get());
    for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(answer, i);
      if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_A) continue;
      char* text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
      out.push_back(text);
      free(text);
    }
    return out;
  }

  // The RFC 8914 INFO-CODE of the reply's Extended DNS Error, or -1.
  static int ExtendedError(const absl::StatusOr<LdnsPktPtr>& reply) {
    if (!reply.ok()) return -1;
    ldns_edns_option_list* options = ldns_pkt_edns_get_option_list(reply->get());
    for (size_t i = 0; options != nullptr && i < ldns_edns_option_list_get_count(options); ++i) {
      ldns_edns_option* option = ldns_edns_option_list_get_option(options, i);
      if (ldns_edns_get_code(option) != 15 || ldns_edns_get_size(option) < 2) continue;
      const auto* data = static_cast<const uint8_t*>(ldns_edns_get_data(option));
      return (data[0] << 8) | data[1];
    }
    return -1;
  }

  // Queries the hierarchy's NSD `instance` has received so far.
  static uint64_t NsdQueries(absl::string_view instance) {
    absl::StatusOr<NsdQueryStats> stats = hierarchy().QueryStats(instance);
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->queries : 0;
  }

  // dig's patience: one try of 5 s.
  static absl::StatusOr<LdnsPktPtr> Dig(absl::string_view server, absl::string_view name) {
    return Query(EndpointAt(server), name, LDNS_RR_TYPE_A, {.timeout = absl::Seconds(5)});
  }
};

TEST_F(BootstrapTest, BlackHoledOrdinaryDnsIsAnsweredThroughTheRelay) {
  auto rebound = Start("blackholed", "127.0.0.31",
                       BootstrapConfig("127.0.0.31", WriteRootHints("blackholed", kBlackHoleRoot),
                                       {RelayLine(kRelayV4)}));
  ASSERT_NE(rebound, nullptr);
  const absl::Time start = absl::Now();
  EXPECT_THAT(Addresses(Dig("127.0.0.31", kRelayedName)), ::testing::ElementsAre(kRelayedA));
  const absl::Duration took = absl::Now() - start;
  // Ordinary DNS had its chance: the root's three timeouts (376 + 752 + 1504 ms, InfraCache's
  // backoff) leave it known down, and with nothing left to ask the lookup ends there, a little
  // before its budget without a reply (issue 18 item 8).
  EXPECT_GE(took, std::min(kOrdinaryGiveUp, absl::Milliseconds(2500)))
      << "asked the relay too early";
  EXPECT_LT(took, absl::Seconds(5)) << "dig's first try would have timed out";
  // The relay's own recursion says NXDOMAIN for a name nobody has: that is what the client gets.
  absl::StatusOr<LdnsPktPtr> nx = Dig("127.0.0.31", "nowhere.beta.example.");
  ASSERT_TRUE(nx.ok()) << nx.status();
  EXPECT_EQ(ldns_pkt_get_rcode(nx->get()), LDNS_RCODE_NXDOMAIN);
  // The relay's answer was cached: asked again, it comes at once.
  const absl::Time again = absl::Now();
  EXPECT_THAT(Addresses(Dig("127.0.0.31", kRelayedName)), ::testing::ElementsAre(kRelayedA));
  EXPECT_LT(absl::Now() - again, absl::Milliseconds(500));
}

// Issue 16: the fallback respects the user's routing. beta.example. is forwarded to a resolver
// that is down (nothing listens there): its names are not handed to the relay, which would answer
// them, unless the zone says forward-bootstrap: yes.
TEST_F(BootstrapTest, ANameTheUserForwardsNeverGoesToTheRelayUnlessAllowed) {
  for (const bool allowed : {false, true}) {
    const std::string listen = allowed ? "127.0.0.45" : "127.0.0.44";
    const std::string forward = absl::StrCat(
        "forward-zone:\n  name: beta.example.\n  forward-addr: ", names::kAlldeadServer1, "\n",
        allowed ? "  forward-bootstrap: yes\n" : "");
    auto rebound = Start(
        allowed ? "forward-relayed" : "forward-kept", listen,
        BootstrapConfig(listen, hierarchy().root_hints_path(), {RelayLine(kRelayV4)}, forward));
    ASSERT_NE(rebound, nullptr);
    absl::StatusOr<LdnsPktPtr> reply = Dig(listen, kRelayedName);
    ASSERT_TRUE(reply.ok()) << reply.status();
    if (allowed) {
      EXPECT_THAT(Addresses(reply), ::testing::ElementsAre(kRelayedA));
    } else {
      EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_SERVFAIL)
          << "the forwarded name was answered: " << PacketToString(reply->get());
    }
  }
}

// Names of the user's own network, a private-domain or a local-zone left to resolution, are not
// handed to a public relay either, even when ordinary DNS cannot be reached at all.
TEST_F(BootstrapTest, PrivateDomainsAndLocalZonesNeverGoToTheRelay) {
  for (const char* line :
       {"  private-domain: beta.example.\n", "  local-zone: \"beta.example.\" typetransparent\n"}) {
    SCOPED_TRACE(line);
    const std::string listen = "127.0.0.46";
    auto rebound = Start("private-kept", listen,
                         BootstrapConfig(listen, WriteRootHints("private-kept", kBlackHoleRoot),
                                         {RelayLine(kRelayV4)}, line));
    ASSERT_NE(rebound, nullptr);
    absl::StatusOr<LdnsPktPtr> reply = Dig(listen, kRelayedName);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_SERVFAIL)
        << "the user's own name was answered by the relay: " << PacketToString(reply->get());
  }
}

// Issue 17: a zone added at run time keeps its names from the relays as one in the file does.
// rebound-control's forward_add and local_zone make the relays' scope again, and forward_remove
// gives the names back to them. The root is black-holed: the relays answer everything else.
TEST_F(BootstrapTest, ZonesAddedAtRunTimeNeverGoToTheRelay) {
  const std::string listen = "127.0.0.47";
  const std::string name = "runtime-scope";
  auto rebound =
      Start(name, listen,
            BootstrapConfig(listen, WriteRootHints(name, kBlackHoleRoot), {RelayLine(kRelayV4)},
                            absl::StrCat("remote-control:\n  control-enable: yes\n"
                                         "  control-interface: ",
                                         hierarchy().dir(), "/", name, ".sock\n")));
  ASSERT_NE(rebound, nullptr);
  auto control = [&](const std::string& command) {
    return RunCommand(absl::StrCat(REBOUND_CONTROL_BINARY, " -c ", hierarchy().dir(), "/", name,
                                   ".conf ", command));
  };
  // The relays answer: ordinary DNS is gone, rebound is in bootstrap mode.
  EXPECT_THAT(Addresses(Dig(listen, kRelayOnlyName)), ::testing::ElementsAre(kRelayOnlyA));

  EXPECT_EQ(control(absl::StrCat("forward_add beta.example. ", names::kAlldeadServer1)).output,
            "ok\n");
  absl::StatusOr<LdnsPktPtr> forwarded = Dig(listen, kRelayedName);
  ASSERT_TRUE(forwarded.ok()) << forwarded.status();
  EXPECT_EQ(ldns_pkt_get_rcode(forwarded->get()), LDNS_RCODE_SERVFAIL)
      << "a name forwarded at run time was answered: " << PacketToString(forwarded->get());

  EXPECT_EQ(control("forward_remove beta.example.").output, "ok\n");
  EXPECT_THAT(Addresses(Dig(listen, kRelayedName)), ::testing::ElementsAre(kRelayedA));

  EXPECT_EQ(control("local_zone alldead.test. transparent").output, "ok\n");
  absl::StatusOr<LdnsPktPtr> local = Dig(listen, kDeadZoneName);
  ASSERT_TRUE(local.ok()) << local.status();
  EXPECT_EQ(ldns_pkt_get_rcode(local->get()), LDNS_RCODE_SERVFAIL)
      << "a local zone's name was answered by the relay: " << PacketToString(local->get());
}

TEST_F(BootstrapTest, AnswersFromAuthoritiesNeverGoToTheRelay) {
  // Ordinary DNS works: the hierarchy's root.
  auto rebound =
      Start("healthy", "127.0.0.32",
            BootstrapConfig("127.0.0.32", hierarchy().root_hints_path(), {RelayLine(kRelayV4)}));
  ASSERT_NE(rebound, nullptr);
  EXPECT_THAT(Addresses(Dig("127.0.0.32", kRelayedName)), ::testing::ElementsAre(kOrdinaryA));
  // NXDOMAIN from the zone's servers is the answer, though the relay would say otherwise.
  EXPECT_THAT(Addresses(Dig("127.0.0.32", kRelayOnlyName)), ::testing::ElementsAre("NXDOMAIN"));
  // So is SERVFAIL when the zone's own servers fail but the root and TLD answered.
  EXPECT_THAT(Addresses(Dig("127.0.0.32", kDeadZoneName)), ::testing::ElementsAre("SERVFAIL"));
}

TEST_F(BootstrapTest, ARelayWithTheWrongCertificateIsNeverUsed) {
  // The certificate is valid, but for relay.test, not for the name this line expects.
  auto wrong_name = Start("wrongname", "127.0.0.33",
                          BootstrapConfig("127.0.0.33", WriteRootHints("wrongname", kBlackHoleRoot),
                                          {RelayLine(kRelayV4, "other.test")}));
  ASSERT_NE(wrong_name, nullptr);
  absl::StatusOr<LdnsPktPtr> failed = Dig("127.0.0.33", kRelayedName);
  EXPECT_THAT(Addresses(failed), ::testing::ElementsAre("SERVFAIL"));
  // dig shows why: RFC 8914 4.23, No Reachable Authority.
  EXPECT_EQ(ExtendedError(failed), 22);
  EXPECT_THAT(wrong_name->LogTail(), HasSubstr("other.test"));

  // The right name, but rebound trusts another CA.
  std::string config = BootstrapConfig("127.0.0.34", WriteRootHints("unknownca", kBlackHoleRoot),
                                       {RelayLine(kRelayV4)});
  absl::StrReplaceAll({{servers().ca->cert_file(), servers().unknown_ca->cert_file()}}, &config);
  auto unknown_ca = Start("unknownca", "127.0.0.34", config);
  ASSERT_NE(unknown_ca, nullptr);
  EXPECT_THAT(Addresses(Dig("127.0.0.34", kRelayedName)), ::testing::ElementsAre("SERVFAIL"));
  EXPECT_THAT(unknown_ca->LogTail(), HasSubstr("certificate verification failed"));
}

TEST_F(BootstrapTest, DeadAndHangingRelaysLoseTheRaceToALiveOne) {
  auto rebound = Start(
      "race", "127.0.0.35",
      BootstrapConfig("127.0.0.35", WriteRootHints("race", kBlackHoleRoot),
                      {RelayLine(kHangingRelay), RelayLine(kDeadRelay), RelayLine(kRelayV4)}));
  ASSERT_NE(rebound, nullptr);
  const absl::Time start = absl::Now();
  EXPECT_THAT(Addresses(Dig("127.0.0.35", kRelayedName)), ::testing::ElementsAre(kRelayedA));
  // Hanging relay first, the unreachable one 250 ms later (it fails at once, so the live one
  // starts then too): far less than the hanging relay's own timeout.
  EXPECT_LT(absl::Now() - start, kOrdinaryGiveUp + absl::Milliseconds(1500));
}

TEST_F(BootstrapTest, RememberedAnswersSurviveARestartWhileBroken) {
  const std::string state = hierarchy().dir() + "/bootstrap.state";
  const std::string extra = absl::StrCat("  bootstrap-state-file: \"", state, "\"\n");
  {
    auto first = Start("state1", "127.0.0.36",
                       BootstrapConfig("127.0.0.36", WriteRootHints("state", kBlackHoleRoot),
                                       {RelayLine(kRelayV4)}, extra));
    ASSERT_NE(first, nullptr);
    EXPECT_THAT(Addresses(Dig("127.0.0.36", kRelayedName)), ::testing::ElementsAre(kRelayedA));
  }  // stopped: the state is on disk
  // Restarted while still broken, and now no relay can be reached either.
  auto second = Start("state2", "127.0.0.36",
                      BootstrapConfig("127.0.0.36", WriteRootHints("state", kBlackHoleRoot),
                                      {RelayLine(kDeadRelay)}, extra));
  ASSERT_NE(second, nullptr);
  const absl::Time start = absl::Now();
  EXPECT_THAT(Addresses(Dig("127.0.0.36", kRelayedName)), ::testing::ElementsAre(kRelayedA));
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500)) << "not answered from the state file";
  EXPECT_THAT(second->LogTail(), HasSubstr("remembered relay answers"));

  // A corrupt state file is a warning, not a failure to start.
  std::ofstream(state) << "{\"version\": 1, \"answers\": [";
  auto third = Start("state3", "127.0.0.37",
                     BootstrapConfig("127.0.0.37", WriteRootHints("state3", kBlackHoleRoot),
                                     {RelayLine(kRelayV4)}, extra));
  ASSERT_NE(third, nullptr);
  EXPECT_THAT(third->LogTail(), HasSubstr("starting without it"));
}

// Issue 15 item 7: a warm start applies the bootstrap-max-ttl configured now to remembered
// answers, not the one they were saved under.
TEST_F(BootstrapTest, AWarmStartAppliesABootstrapMaxTtlLoweredSince) {
  constexpr char kListen[] = "127.0.0.44";
  const std::string state = hierarchy().dir() + "/lowered-ttl.state";
  const std::string hints = WriteRootHints("loweredttl", kBlackHoleRoot);
  const std::string file = absl::StrCat("  bootstrap-state-file: \"", state, "\"\n");
  {
    auto first = Start("loweredttl1", kListen,
                       BootstrapConfig(kListen, hints, {RelayLine(kRelayV4)},
                                       file + "  bootstrap-max-ttl: 3600\n"));
    ASSERT_NE(first, nullptr);
    EXPECT_THAT(Addresses(Dig(kListen, kRelayedName)), ::testing::ElementsAre(kRelayedA));
  }
  auto second = Start(
      "loweredttl2", kListen,
      BootstrapConfig(kListen, hints, {RelayLine(kDeadRelay)}, file + "  bootstrap-max-ttl: 5\n"));
  ASSERT_NE(second, nullptr);
  absl::StatusOr<LdnsPktPtr> warm = Dig(kListen, kRelayedName);
  EXPECT_THAT(Addresses(warm), ::testing::ElementsAre(kRelayedA));
  ASSERT_TRUE(warm.ok());
  ASSERT_GE(ldns_pkt_ancount(warm->get()), 1);
  EXPECT_LE(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(warm->get()), 0)), 5u)
      << "the remembered answer kept the TTL of the earlier bootstrap-max-ttl";
}

// Issue 15 item 6: bootstrap mode sends every client's queries to third-party relays, so no
// client may be able to cause it. One client asks names under blackhole.test., whose only
// server swallows every query: each such query finds no server reachable (the delegation is
// cached after the first). The root and test. keep answering, so another client's query must
// still be resolved from the hierarchy, not by the relay.
TEST_F(BootstrapTest, NamesUnderADeadZoneDoNotSendOtherClientsToTheRelay) {
  constexpr char kListen[] = "127.0.0.42";
  auto rebound =
      Start("lamezone", kListen,
            BootstrapConfig(kListen, hierarchy().root_hints_path(), {RelayLine(kRelayV4)}));
  ASSERT_NE(rebound, nullptr);
  // The first one also learns the delegation from the root and test.: the answers it gets
  // there are replies, so this one is no "unreachable" failure.
  (void)Dig(kListen, "www.blackhole.test.");
  constexpr int kAttackQueries = 12;
  std::atomic<int> servfails = 0;
  for (int round = 0; round < 2; ++round) {  // past the monitor's rate limit on probes
    std::vector<std::thread> attacker;
    for (int i = 0; i < kAttackQueries / 2; ++i) {
      attacker.emplace_back([&, i] {
        const std::string name = absl::StrCat("n", round, "-", i, ".blackhole.test.");
        absl::StatusOr<LdnsPktPtr> reply = Dig(kListen, name);
        if (reply.ok() && ldns_pkt_get_rcode(reply->get()) == LDNS_RCODE_SERVFAIL) ++servfails;
      });
    }
    for (std::thread& t : attacker) t.join();
  }
  EXPECT_GT(servfails.load(), 0) << "the attack queries did not fail as the attack needs";
  // The other client: www.beta.example. from its own servers (the relay would say 192.0.2.80).
  const uint64_t beta_before = NsdQueries("beta.example");
  EXPECT_THAT(Addresses(Dig(kListen, kRelayedName)), ::testing::ElementsAre(kOrdinaryA));
  EXPECT_GT(NsdQueries("beta.example"), beta_before);
  EXPECT_THAT(rebound->LogTail(1 << 20), ::testing::Not(HasSubstr("asking relays first")));
  EXPECT_THAT(rebound->LogTail(1 << 20), ::testing::Not(HasSubstr("ordinary DNS answers again")));
  // Since issue 18 the attack queries are not even "unreachable" failures: the black hole is
  // known down after the first question's timeouts, and each later lookup asks test. again for
  // the referral (the parent-side last resort), whose reply shows ordinary DNS works. The probe
  // that dismisses real "unreachable" failures is covered by the replay scenario
  // SilentZoneIsRetriedAtTheRelaysWithoutEnteringBootstrapMode.
}

// The other side of the same decision: when the root itself is silent, the resolver's own probe
// finds it so and bootstrap mode starts, relays first, without waiting for the ordinary path.
TEST_F(BootstrapTest, ASilentRootStillEntersBootstrapMode) {
  constexpr char kListen[] = "127.0.0.43";
  auto rebound = Start("silentroot", kListen,
                       BootstrapConfig(kListen, WriteRootHints("silentroot", kBlackHoleRoot),
                                       {RelayLine(kRelayV4)}));
  ASSERT_NE(rebound, nullptr);
  EXPECT_THAT(Addresses(Dig(kListen, kRelayedName)), ::testing::ElementsAre(kRelayedA));
  const absl::Time asked = absl::Now();
  while (!absl::StrContains(rebound->LogTail(1 << 20), "asking relays first") &&
         absl::Now() - asked < absl::Seconds(10)) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_THAT(rebound->LogTail(1 << 20), HasSubstr("asking relays first"));
  std::cout << "bootstrap mode " << absl::Now() - asked << " after the first relayed answer\n";
  const absl::Time start = absl::Now();
  EXPECT_THAT(Addresses(Dig(kListen, kRelayOnlyName)), ::testing::ElementsAre(kRelayOnlyA));
  EXPECT_LT(absl::Now() - start, absl::Seconds(1)) << "the ordinary path was tried first";
}

// Relay mode: a rebound that resolves ordinarily serves others over HTTPS, in both forms; a
// rebound with `bootstrap: only` uses it.
TEST_F(BootstrapTest, ReboundIsARelayForOthersInBothForms) {
  constexpr char kRelayMode[] = "127.0.0.39";
  constexpr uint16_t kRelayModePort = 8443;
  const std::string relay_config = absl::StrCat(
      RecursiveServerConfig(hierarchy(), kRelayMode), "  interface: ", kRelayMode, "@",
      kRelayModePort, "\n", "  https-port: ", kRelayModePort, "\n", "  tls-service-key: \"",
      servers().leaf.key_file, "\"\n", "  tls-service-pem: \"", servers().leaf.cert_file, "\"\n");
  auto relay = Start("relaymode", kRelayMode, relay_config);
  ASSERT_NE(relay, nullptr);

  const std::string hints = WriteRootHints("relayclient", kBrokenRoot);
  std::string json_only =
      BootstrapConfig("127.0.0.40", hints,
                      {RelayLine(kRelayMode, kRelayName, kRelayModePort, "json /bootstrap-dns")});
  absl::StrReplaceAll({{"bootstrap: yes", "bootstrap: only"}}, &json_only);
  auto json_client = Start("jsonclient", "127.0.0.40", json_only);
  ASSERT_NE(json_client, nullptr);
  // The relay resolved www.beta.example from the hierarchy, and said so in JSON.
  EXPECT_THAT(Addresses(Dig("127.0.0.40", kRelayedName)), ::testing::ElementsAre(kOrdinaryA));
  // The JSON form has addresses only: other types cannot be asked that way.
  absl::StatusOr<LdnsPktPtr> txt = Query(EndpointAt("127.0.0.40"), kRelayedName, LDNS_RR_TYPE_TXT,
                                         {.timeout = absl::Seconds(5)});
  ASSERT_TRUE(txt.ok()) << txt.status();
  EXPECT_EQ(ldns_pkt_get_rcode(txt->get()), LDNS_RCODE_SERVFAIL);

  std::string doh_only =
      BootstrapConfig("127.0.0.41", hints, {RelayLine(kRelayMode, kRelayName, kRelayModePort)});
  absl::StrReplaceAll({{"bootstrap: yes", "bootstrap: only"}}, &doh_only);
  auto doh_client = Start("dohclient", "127.0.0.41", doh_only);
  ASSERT_NE(doh_client, nullptr);
  EXPECT_THAT(Addresses(Dig("127.0.0.41", kRelayedName)), ::testing::ElementsAre(kOrdinaryA));
  EXPECT_THAT(Addresses(Dig("127.0.0.41", kRelayOnlyName)), ::testing::ElementsAre("NXDOMAIN"));
}

// The host story, in a namespace of its own (fixture/host_namespace.h): the host has IPv6 only,
// the root and TLD servers are reachable only over IPv4, and the relay is on the network's IPv6
// address. rebound on the host answers dig's first try, enters bootstrap mode, and once the host
// has IPv4 again it goes back to resolving from the root itself.
TEST_F(BootstrapTest, AnIpv6OnlyHostResolvesThroughARelayAndReturnsWhenIpv4Does) {
  absl::StatusOr<std::unique_ptr<HostNamespace>> host = HostNamespace::Create(hierarchy().dir());
  // A container may forbid `ip netns add` (it mounts on /run/netns) even to root.
  REBOUND_SKIP_OR_FAIL_UNLESS_OK(host.status());
  absl::StatusOr<std::unique_ptr<Subprocess>> relay =
      StartDohRelay(hierarchy(), "host-relay",
                    {.listen = {EndpointAt(HostNamespace::kNetworkV6, kHttpsPort)},
                     .key_file = servers().leaf.key_file,
                     .cert_file = servers().leaf.cert_file,
                     .local_data = {absl::StrCat(kRelayedName, " 300 IN A ", kRelayedA)},
                     .allow = {HostNamespace::kHostV6Prefix}});
  ASSERT_TRUE(relay.ok()) << relay.status();

  // The hierarchy's own root hints: 127.0.x.y, on the far side of the host's missing IPv4.
  const char* listen = HostNamespace::kHostV6;
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = StartRebound(
      REBOUND_BINARY, hierarchy(), "host",
      BootstrapConfig(listen, hierarchy().root_hints_path(), {RelayLine(HostNamespace::kNetworkV6)},
                      absl::StrCat("  access-control: ", HostNamespace::kNetworkV6, "/128 allow\n",
                                   "  bootstrap-max-ttl: 1\n")),
      EndpointAt(listen), absl::Seconds(10), host->get());
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  const uint64_t root_before = NsdQueries("root");
  absl::Duration slowest;
  for (int i = 0; i < 4; ++i) {
    const absl::Time start = absl::Now();
    EXPECT_THAT(Addresses(Dig(listen, kRelayedName)), ::testing::ElementsAre(kRelayedA)) << i;
    slowest = std::max(slowest, absl::Now() - start);
    absl::SleepFor(absl::Milliseconds(1100));  // past bootstrap-max-ttl: ask again
  }
  EXPECT_LT(slowest, absl::Seconds(5)) << "dig would have given up";
  std::cout << "IPv6 only: the slowest of 4 answers took " << slowest << "\n";
  EXPECT_THAT((*rebound)->LogTail(), HasSubstr("asking relays first"));
  EXPECT_EQ(NsdQueries("root"), root_before) << "a packet reached the root without IPv4";

  const uint64_t beta_before = NsdQueries("beta.example");
  ASSERT_TRUE((*host)->RestoreIpv4().ok());
  const absl::Time restored = absl::Now();
  bool ordinary = false;
  while (!ordinary && absl::Now() - restored < absl::Seconds(30)) {
    ordinary = Addresses(Dig(listen, kRelayedName)) == std::vector<std::string>{kOrdinaryA};
    if (!ordinary) absl::SleepFor(absl::Milliseconds(1100));
  }
  EXPECT_TRUE(ordinary) << "still answered by the relay 30 s after IPv4 returned";
  EXPECT_GT(NsdQueries("root"), root_before);
  EXPECT_GT(NsdQueries("beta.example"), beta_before);
  EXPECT_THAT((*rebound)->LogTail(), HasSubstr("ordinary DNS answers again"));
  std::cout << "back to ordinary DNS " << absl::Now() - restored << " after IPv4 returned\n";
}

}  // namespace
}  // namespace rebound::integration
