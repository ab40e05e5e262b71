// rebound forwarding over DNS over TLS (RFC 7858) to a reference unbound that serves DoT with a
// certificate from a test CA: answers when the certificate verifies for the forward-addr's
// #name (or its IP address), SERVFAIL and nothing sent when it does not, and one pipelined
// connection for concurrent queries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_ca.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"
#include "tests/integration/fixture/suite_servers_test.h"

namespace rebound::integration {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// The unbound: plain DNS on @53 (the fixture's readiness probe), DNS over TLS on @853.
constexpr char kUpstream[] = "127.0.0.80";
constexpr char kTlsName[] = "dot-upstream.test";
// One rebound per configuration.
constexpr char kGood[] = "127.0.0.81";       // #kTlsName, the CA that signed it
constexpr char kByAddress[] = "127.0.0.82";  // no #name: the IP address SAN is checked
constexpr char kWrongName[] = "127.0.0.83";  // #another name
constexpr char kWrongCa[] = "127.0.0.84";    // the right name, a CA that did not sign it
constexpr char kPipelined[] = "127.0.0.85";  // asked only by the connection-counting test

struct TlsUpstreamServers {
  std::unique_ptr<testing::TempDir> dir;
  std::unique_ptr<Subprocess> good, by_address, wrong_name, wrong_ca, pipelined;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TlsUpstreamTest : public SuiteServersTest<TlsUpstreamServers> {
 public:
  static void SetUpTestSuite() { StartSuite({"bash", "nsd", "unbound", "openssl"}, false, &Start); }

  static absl::Status Start(TlsUpstreamServers& s) {
    absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create("rebound-tls-upstream-");
    if (!dir.ok()) return dir.status();
    s.dir = std::make_unique<testing::TempDir>(*std::move(dir));
    absl::StatusOr<testing::TestCa> ca = testing::TestCa::Create(s.dir->path());
    if (!ca.ok()) return ca.status();
    absl::StatusOr<testing::TestCa> other_ca = testing::TestCa::Create(s.dir->path(), "other");
    if (!other_ca.ok()) return other_ca.status();
    absl::StatusOr<testing::TestLeaf> leaf = ca->IssueLeaf(kTlsName, {kUpstream});
    if (!leaf.ok()) return leaf.status();
    // log-queries: every query that reaches the unbound, over TLS or not, is in its log.
    const std::string unbound_extra =
        absl::StrCat("  interface: ", kUpstream, "@853\n  tls-port: 853\n  tls-service-key: \"",
                     leaf->key_file, "\"\n  tls-service-pem: \"", leaf->cert_file,
                     "\"\n  log-queries: yes\n  local-zone: \"dotup.test.\" redirect\n"
                     "  local-data: \"dotup.test. 300 IN A 192.0.2.7\"\n"
                     "  local-zone: \"nx.test.\" static\n");
    if (absl::Status st = hierarchy().StartUnbound(EndpointAt(kUpstream), unbound_extra);
        !st.ok()) {
      return st;
    }
    const std::string ca_file = ca->cert_file();
    absl::Status st =
        MoveInto(StartForwarder("good", kGood, ca_file, "#dot-upstream.test"), &s.good);
    if (st.ok())
      st = MoveInto(StartForwarder("by-address", kByAddress, ca_file, ""), &s.by_address);
    if (st.ok()) {
      st =
          MoveInto(StartForwarder("wrong-name", kWrongName, ca_file, "#other.test"), &s.wrong_name);
    }
    if (st.ok()) {
      st = MoveInto(
          StartForwarder("wrong-ca", kWrongCa, other_ca->cert_file(), "#dot-upstream.test"),
          &s.wrong_ca);
    }
    if (st.ok()) {
      st = MoveInto(StartForwarder("pipelined", kPipelined, ca_file, "#dot-upstream.test"),
                    &s.pipelined);
    }
    return st;
  }

 protected:
  // A rebound on `address` forwarding everything over TLS to the unbound.
  static absl::StatusOr<std::unique_ptr<Subprocess>> StartForwarder(const std::string& name,
                                                                    const char* address,
                                                                    const std::string& ca_file,
                                                                    const std::string& auth) {
    const std::string config = absl::StrCat(
        "server:\n  interface: ", address,
        "\n  do-not-query-localhost: no\n  bootstrap: no\n  num-threads: 1\n  verbosity: 2\n"
        "  tls-cert-bundle: \"",
        ca_file, "\"\nforward-zone:\n  name: \".\"\n  forward-tls-upstream: yes\n  forward-addr: ",
        kUpstream, auth, "\n");
    return StartRebound(REBOUND_BINARY, hierarchy(), absl::StrCat("rebound-tls-upstream-", name),
                        config, EndpointAt(address));
  }

  // Lowercased: a plaintext query would carry 0x20's random case (use-caps-for-id).
  static std::string UnboundLog() {
    return absl::AsciiStrToLower(ReadFile(hierarchy().UnboundLogPath(EndpointAt(kUpstream))));
  }

  // The TLS connections `rebound` has made to the unbound, from its log.
  static int Handshakes(const Subprocess& rebound) {
    const std::string needle = absl::StrCat("tls upstream ", kUpstream, "@853: connected");
    int count = 0;
    for (absl::string_view line : absl::StrSplit(ReadFile(rebound.log_path()), '\n')) {
      if (absl::StrContains(line, needle)) ++count;
    }
    return count;
  }

  static void ExpectAddress(const char* rebound, const std::string& name) {
    absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(rebound), name, LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_NOERROR) << PacketToString(reply->get());
    EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
                ElementsAre("192.0.2.7"));
  }

  // SERVFAIL from `rebound`, and the question never reached the unbound in any form.
  static void ExpectRefusedServer(const char* rebound, const std::string& name) {
    QueryOptions options;
    options.timeout = absl::Seconds(8);
    absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(rebound), name, LDNS_RR_TYPE_A, options);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_SERVFAIL)
        << PacketToString(reply->get());
    EXPECT_THAT(UnboundLog(), Not(HasSubstr(name)));
  }

  void TearDown() override {
    if (IsSkipped() || servers().good == nullptr) return;
    for (Subprocess* p :
         {servers().good.get(), servers().by_address.get(), servers().wrong_name.get(),
          servers().wrong_ca.get(), servers().pipelined.get()}) {
      if (p == nullptr) continue;
      if (HasFailure()) std::cerr << "rebound log: " << p->log_path() << "\n";
      EXPECT_TRUE(p->Running()) << "rebound died:\n" << p->LogTail();
    }
  }
};

TEST_F(TlsUpstreamTest, AnswersComeOverTlsWhenTheNameVerifies) {
  ExpectAddress(kGood, "www.dotup.test.");
  // The unbound saw the question (over TLS: nothing else reaches it from this rebound).
  EXPECT_THAT(UnboundLog(), HasSubstr("www.dotup.test. a in"));
  absl::StatusOr<LdnsPktPtr> nx = Query(EndpointAt(kGood), "nothing.nx.test.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(nx.ok()) << nx.status();
  EXPECT_EQ(ldns_pkt_get_rcode(nx->get()), LDNS_RCODE_NXDOMAIN) << PacketToString(nx->get());
  EXPECT_GE(Handshakes(*servers().good), 1);
}

TEST_F(TlsUpstreamTest, WithoutANameTheCertificateMustCarryTheAddress) {
  ExpectAddress(kByAddress, "by-address.dotup.test.");
  EXPECT_GE(Handshakes(*servers().by_address), 1);
}

TEST_F(TlsUpstreamTest, AnotherNameGetsServfailAndNothingIsSent) {
  ExpectRefusedServer(kWrongName, "wrong-name.dotup.test.");
  EXPECT_EQ(Handshakes(*servers().wrong_name), 0);
  EXPECT_THAT(ReadFile(servers().wrong_name->log_path()),
              HasSubstr("certificate verification failed for 'other.test'"));
}

TEST_F(TlsUpstreamTest, ACaThatDidNotSignGetsServfailAndNothingIsSent) {
  ExpectRefusedServer(kWrongCa, "wrong-ca.dotup.test.");
  EXPECT_EQ(Handshakes(*servers().wrong_ca), 0);
  EXPECT_THAT(ReadFile(servers().wrong_ca->log_path()),
              HasSubstr("certificate verification failed"));
}

TEST_F(TlsUpstreamTest, ConcurrentQueriesShareOneConnectionAndIdleOnesAreReopened) {
  constexpr int kQueries = 8;
  std::vector<std::thread> clients;
  std::vector<std::string> rcodes(kQueries), answers(kQueries);
  for (int i = 0; i < kQueries; ++i) {
    clients.emplace_back([i, &rcodes, &answers] {
      absl::StatusOr<LdnsPktPtr> reply = Query(
          EndpointAt(kPipelined), absl::StrCat("concurrent", i, ".dotup.test."), LDNS_RR_TYPE_A);
      if (!reply.ok()) {
        rcodes[i] = reply.status().ToString();
        return;
      }
      rcodes[i] = ldns_pkt_get_rcode(reply->get()) == LDNS_RCODE_NOERROR ? "NOERROR" : "other";
      std::vector<std::string> a = RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A);
      answers[i] = a.empty() ? "" : a[0];
    });
  }
  for (std::thread& t : clients) t.join();
  for (int i = 0; i < kQueries; ++i) {
    EXPECT_EQ(rcodes[i], "NOERROR") << i;
    EXPECT_EQ(answers[i], "192.0.2.7") << i;
  }
  EXPECT_EQ(Handshakes(*servers().pipelined), 1);
  // The idle connection is closed after a few seconds; the next question opens a new one.
  absl::SleepFor(absl::Seconds(4));
  ExpectAddress(kPipelined, "after-idle.dotup.test.");
  EXPECT_EQ(Handshakes(*servers().pipelined), 2);
}

}  // namespace
}  // namespace rebound::integration
