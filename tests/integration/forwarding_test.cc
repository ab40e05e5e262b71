// rebound forwarding to a real unbound that recurses over the NSD hierarchy: answers, flags,
// EDNS, TCP, TTL countdown, cache hits with the upstream gone, access control, bad input.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr char kReboundAddress[] = "127.0.0.10";
constexpr char kRefusedClient[] = "127.0.0.99";
constexpr char kDeniedClient[] = "127.0.0.98";
// Takes UDP queries and never answers: an upstream that times out.
constexpr char kSilentUpstream[] = "127.0.0.54";
// The test reads the queries sent here and writes the replies, spoofed ones included.
constexpr char kScriptedUpstream[] = "127.0.0.55";
constexpr char kScriptedZone[] = "scripted.test.";
constexpr int kTcpLimit = 4;

Endpoint Rebound() { return EndpointAt(kReboundAddress); }
Endpoint ReboundV6() { return EndpointAt("::1"); }

uint32_t FirstTtl(const ldns_pkt* pkt, ldns_pkt_section section) {
  const ldns_rr_list* list =
      section == LDNS_SECTION_ANSWER ? ldns_pkt_answer(pkt) : ldns_pkt_authority(pkt);
  return ldns_rr_list_rr_count(list) > 0 ? ldns_rr_ttl(ldns_rr_list_rr(list, 0)) : 0;
}

std::vector<uint8_t> QueryWire(absl::string_view name, ldns_rr_type type, uint16_t id) {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(std::string(name).c_str()), type,
                                  LDNS_RR_CLASS_IN, LDNS_RD));
  ldns_pkt_set_id(q.get(), id);
  uint8_t* wire = nullptr;
  size_t size = 0;
  ldns_pkt2wire(&wire, q.get(), &size);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  return out;
}

// Sends `packet` over UDP from `source` (a loopback address of our choosing, so the ACL sees
// another client) and returns the reply, or nothing after `timeout`.
std::optional<std::vector<uint8_t>> SendUdpFrom(const char* source, const Endpoint& server,
                                                const std::vector<uint8_t>& packet,
                                                absl::Duration timeout) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source, &local.sin_addr);
  timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::optional<std::vector<uint8_t>> reply;
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 &&
      sendto(fd, packet.data(), packet.size(), 0, server.sockaddr_ptr(), server.sockaddr_len()) >
          0) {
    std::vector<uint8_t> buf(65535);
    ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n > 0) reply = std::vector<uint8_t>(buf.begin(), buf.begin() + n);
  }
  close(fd);
  return reply;
}

LdnsPktPtr Parse(const std::vector<uint8_t>& wire) {
  ldns_pkt* pkt = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&pkt, wire.data(), wire.size()), LDNS_STATUS_OK);
  return LdnsPktPtr(pkt);
}

// A reply as a (mis)behaving upstream would send it: `id`, a question for `qname`, one A record.
std::vector<uint8_t> UpstreamReply(uint16_t id, absl::string_view qname, const char* address) {
  std::vector<uint8_t> wire = QueryWire(qname, LDNS_RR_TYPE_A, id);
  LdnsPktPtr reply = Parse(wire);
  ldns_pkt_set_qr(reply.get(), true);
  ldns_pkt_set_ra(reply.get(), true);
  ldns_rr* rr = nullptr;
  ldns_rr_new_frm_str(&rr, absl::StrCat(qname, " 300 IN A ", address).c_str(), 0, nullptr, nullptr);
  ldns_pkt_push_rr(reply.get(), LDNS_SECTION_ANSWER, rr);
  uint8_t* out = nullptr;
  size_t size = 0;
  ldns_pkt2wire(&out, reply.get(), &size);
  wire.assign(out, out + size);
  free(out);
  return wire;
}

int UdpSocket(const char* address, uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  const Endpoint local = EndpointAt(address, port);
  bind(fd, local.sockaddr_ptr(), local.sockaddr_len());
  timeval tv = absl::ToTimeval(absl::Seconds(3));
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

int TcpConnect(const Endpoint& server) {
  int fd = socket(server.family(), SOCK_STREAM, 0);
  timeval tv = absl::ToTimeval(absl::Seconds(3));
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  EXPECT_EQ(connect(fd, server.sockaddr_ptr(), server.sockaddr_len()), 0);
  return fd;
}

// Reads one length-prefixed message; nothing on EOF or timeout.
std::optional<std::vector<uint8_t>> ReadFrame(int fd) {
  uint8_t length[2];
  if (recv(fd, length, 2, MSG_WAITALL) != 2) return std::nullopt;
  std::vector<uint8_t> message((length[0] << 8) | length[1]);
  if (recv(fd, message.data(), message.size(), MSG_WAITALL) !=
      static_cast<ssize_t>(message.size())) {
    return std::nullopt;
  }
  return message;
}

class ForwardingTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() {
    StartSharedHierarchy({"bash", "nsd", "unbound"}, /*with_unbound=*/true);
    if (!hierarchy_started()) return;
    silent_upstream_ = socket(AF_INET, SOCK_DGRAM, 0);
    const Endpoint silent = EndpointAt(kSilentUpstream);
    bind(silent_upstream_, silent.sockaddr_ptr(), silent.sockaddr_len());
    scripted_upstream_ = socket(AF_INET, SOCK_DGRAM, 0);
    const Endpoint scripted = EndpointAt(kScriptedUpstream);
    bind(scripted_upstream_, scripted.sockaddr_ptr(), scripted.sockaddr_len());
    timeval tv = absl::ToTimeval(absl::Seconds(3));
    setsockopt(scripted_upstream_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    const std::string conf = hierarchy().dir() + "/rebound-forwarding.conf";
    std::ofstream(conf) << absl::StrCat(
        "server:\n"
        "  interface: ",
        kReboundAddress,
        "\n"
        "  interface: ::1\n"
        "  access-control: ",
        kRefusedClient,
        "/32 refuse\n"
        "  access-control: ",
        kDeniedClient,
        "/32 deny\n"
        "  verbosity: 2\n"
        "  do-not-query-localhost: no\n"
        "  bootstrap: no\n"
        "  tcp-idle-timeout: 1000\n"
        // incoming-num-tcp is per thread (as in unbound): one thread, so it is the whole limit.
        "  num-threads: 1\n"
        "  incoming-num-tcp: ",
        kTcpLimit,
        "\n"
        "forward-zone:\n"
        "  name: \".\"\n"
        "  forward-addr: ",
        ReferenceResolverEndpoint().ToString(),
        "\n"
        // The silent upstream comes first: every query under gamma.test must time out there
        // once and then be answered by unbound.
        "forward-zone:\n"
        "  name: \"",
        n::kGammaZone,
        "\"\n"
        "  forward-addr: ",
        kSilentUpstream,
        "\n"
        "  forward-addr: ",
        ReferenceResolverEndpoint().ToString(),
        "\n"
        // Answered by the test itself, which plays a misbehaving upstream.
        "forward-zone:\n"
        "  name: \"",
        kScriptedZone,
        "\"\n"
        "  forward-addr: ",
        kScriptedUpstream, "\n", kHierarchyLocalZones);
    absl::StatusOr<Subprocess> rebound =
        Subprocess::Start({REBOUND_BINARY, "-c", conf}, hierarchy().dir() + "/rebound.log");
    if (rebound.ok()) {
      rebound_ = new Subprocess(*std::move(rebound));
      rebound_status_ =
          new absl::Status(WaitForDnsServer(Rebound(), absl::Now() + absl::Seconds(10)));
    } else {
      rebound_status_ = new absl::Status(rebound.status());
    }
  }

  static void TearDownTestSuite() {
    delete rebound_;
    rebound_ = nullptr;
    delete rebound_status_;
    rebound_status_ = nullptr;
    if (silent_upstream_ >= 0) close(silent_upstream_);
    silent_upstream_ = -1;
    if (scripted_upstream_ >= 0) close(scripted_upstream_);
    scripted_upstream_ = -1;
    StopSharedHierarchy();
  }

 protected:
  void SetUp() override {
    HierarchyTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_NE(rebound_status_, nullptr);
    ASSERT_TRUE(rebound_status_->ok()) << *rebound_status_ << "\n" << rebound_->LogTail();
  }

  LdnsPktPtr Ask(absl::string_view name, ldns_rr_type type, const QueryOptions& options = {}) {
    absl::StatusOr<LdnsPktPtr> reply = Query(Rebound(), name, type, options);
    EXPECT_TRUE(reply.ok()) << name << ": " << reply.status();
    return reply.ok() ? *std::move(reply) : nullptr;
  }

  static Subprocess* rebound_;
  static absl::Status* rebound_status_;
  static int silent_upstream_;
  static int scripted_upstream_;
};

Subprocess* ForwardingTest::rebound_ = nullptr;
absl::Status* ForwardingTest::rebound_status_ = nullptr;
int ForwardingTest::silent_upstream_ = -1;
int ForwardingTest::scripted_upstream_ = -1;

TEST_F(ForwardingTest, AnswersAnARecordWithResolverFlags) {
  LdnsPktPtr r = Ask(n::kV4Only, LDNS_RR_TYPE_A);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(ldns_pkt_qr(r.get()));
  EXPECT_TRUE(ldns_pkt_ra(r.get()));
  EXPECT_TRUE(ldns_pkt_rd(r.get()));
  EXPECT_FALSE(ldns_pkt_aa(r.get()));
  EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(std::string(n::kV4OnlyA)));
}

TEST_F(ForwardingTest, NonRecursiveQueryIsRefusedWithRdClearAndRaSet) {
  // As unbound's allow: an RD=0 query would only snoop on the cache.
  ASSERT_NE(Ask(n::kDualStack, LDNS_RR_TYPE_A), nullptr);  // cached now
  QueryOptions options;
  options.rd = false;
  LdnsPktPtr r = Ask(n::kDualStack, LDNS_RR_TYPE_A, options);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_REFUSED);
  EXPECT_EQ(ldns_pkt_ancount(r.get()), 0);
  EXPECT_FALSE(ldns_pkt_rd(r.get()));
  EXPECT_TRUE(ldns_pkt_ra(r.get()));
}

TEST_F(ForwardingTest, AnswersAaaaMxAndTxt) {
  LdnsPktPtr aaaa = Ask(n::kDualStack, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(aaaa, nullptr);
  EXPECT_THAT(RdataStrings(aaaa.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA),
              ElementsAre(std::string(n::kDualStackAaaa)));
  LdnsPktPtr mx = Ask(n::kMxOwner, LDNS_RR_TYPE_MX);
  ASSERT_NE(mx, nullptr);
  EXPECT_THAT(RdataStrings(mx.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_MX),
              ElementsAre(absl::StrCat(n::kMxPreference, " ", n::kMxExchange)));
  LdnsPktPtr txt = Ask(n::kTxt, LDNS_RR_TYPE_TXT);
  ASSERT_NE(txt, nullptr);
  EXPECT_THAT(RdataStrings(txt.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_TXT),
              ElementsAre(absl::StrCat("\"", n::kTxtString1, "\" \"", n::kTxtString2, "\"")));
}

TEST_F(ForwardingTest, FollowsCnameChainsInZoneAndAcrossZones) {
  for (int round = 0; round < 2; ++round) {  // the second round is served from the cache
    LdnsPktPtr in_zone = Ask(n::kChain1, LDNS_RR_TYPE_A);
    ASSERT_NE(in_zone, nullptr);
    EXPECT_THAT(
        RdataStrings(in_zone.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME),
        ElementsAre(std::string(n::kChain2), std::string(n::kChain3), std::string(n::kV4Only)));
    EXPECT_THAT(RdataStrings(in_zone.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
                ElementsAre(std::string(n::kV4OnlyA)));
    LdnsPktPtr cross = Ask(n::kCross, LDNS_RR_TYPE_A);
    ASSERT_NE(cross, nullptr);
    EXPECT_THAT(RdataStrings(cross.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME),
                ElementsAre(std::string(n::kCrossMid), std::string(n::kCrossEnd)));
    EXPECT_THAT(RdataStrings(cross.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
                ElementsAre(std::string(n::kCrossEndA)));
  }
}

TEST_F(ForwardingTest, NxdomainAndNodataCarryTheSoaAndAreCached) {
  for (int round = 0; round < 2; ++round) {
    LdnsPktPtr nx = Ask(n::kNxdomain, LDNS_RR_TYPE_A);
    ASSERT_NE(nx, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(nx.get()), LDNS_RCODE_NXDOMAIN);
    EXPECT_EQ(RdataStrings(nx.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA).size(), 1u);
    EXPECT_LE(FirstTtl(nx.get(), LDNS_SECTION_AUTHORITY), n::kAlphaNegativeTtl);
    EXPECT_GT(FirstTtl(nx.get(), LDNS_SECTION_AUTHORITY), n::kAlphaNegativeTtl - 10);

    LdnsPktPtr nodata = Ask(n::kNodata, LDNS_RR_TYPE_A);
    ASSERT_NE(nodata, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(nodata.get()), LDNS_RCODE_NOERROR);
    EXPECT_EQ(ldns_pkt_ancount(nodata.get()), 0);
    EXPECT_EQ(RdataStrings(nodata.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA).size(), 1u);
  }
}

TEST_F(ForwardingTest, LargeRrsetIsTruncatedOverUdpAndWholeOverTcp) {
  LdnsPktPtr udp = Ask(n::kBigA, LDNS_RR_TYPE_A);
  ASSERT_NE(udp, nullptr);
  EXPECT_TRUE(ldns_pkt_tc(udp.get()));
  EXPECT_EQ(ldns_pkt_ancount(udp.get()), 0);
  QueryOptions tcp;
  tcp.tcp = true;
  LdnsPktPtr full = Ask(n::kBigA, LDNS_RR_TYPE_A, tcp);
  ASSERT_NE(full, nullptr);
  EXPECT_FALSE(ldns_pkt_tc(full.get()));
  EXPECT_EQ(RdataStrings(full.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A).size(),
            static_cast<size_t>(n::kBigACount));
}

TEST_F(ForwardingTest, WithoutEdnsTheLimitIs512AndNoOptIsSent) {
  QueryOptions plain;
  plain.edns = false;
  LdnsPktPtr small = Ask(n::kV4Only, LDNS_RR_TYPE_A, plain);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(ldns_pkt_edns_udp_size(small.get()), 0);
  LdnsPktPtr big = Ask(n::kBigTxt, LDNS_RR_TYPE_TXT, plain);
  ASSERT_NE(big, nullptr);
  EXPECT_TRUE(ldns_pkt_tc(big.get()));

  LdnsPktPtr edns = Ask(n::kV4Only, LDNS_RR_TYPE_A);
  ASSERT_NE(edns, nullptr);
  EXPECT_EQ(ldns_pkt_edns_udp_size(edns.get()), 1232);
}

TEST_F(ForwardingTest, ServesIpv6AndTcpListeners) {
  QueryOptions tcp;
  tcp.tcp = true;
  for (const QueryOptions& options : {QueryOptions{}, tcp}) {
    absl::StatusOr<LdnsPktPtr> r = Query(ReboundV6(), n::kBetaWww, LDNS_RR_TYPE_A, options);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_THAT(RdataStrings(r->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
                ElementsAre(std::string(n::kBetaWwwA)));
  }
}

TEST_F(ForwardingTest, TtlCountsDownInCachedAnswers) {
  LdnsPktPtr first = Ask(n::kDualStack, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(first, nullptr);
  const uint32_t ttl1 = FirstTtl(first.get(), LDNS_SECTION_ANSWER);
  EXPECT_LE(ttl1, n::kAlphaTtl);
  absl::SleepFor(absl::Milliseconds(2100));
  LdnsPktPtr second = Ask(n::kDualStack, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(second, nullptr);
  const uint32_t ttl2 = FirstTtl(second.get(), LDNS_SECTION_ANSWER);
  EXPECT_LT(ttl2, ttl1);
  EXPECT_GE(ttl2 + 4, ttl1);
}

TEST_F(ForwardingTest, RetriesTheNextUpstreamWhenOneTimesOut) {
  // gamma.test's first forwarder never answers. Forwarders are picked by round-trip time with
  // some randomness among the close ones, as in unbound, so ask fresh names until the silent one
  // has had its turn: every answer must still come well inside the client's patience.
  QueryOptions patient;
  patient.timeout = absl::Seconds(6);
  char buf[512];
  bool silent_was_asked = false;
  for (int i = 0; i < 16 && !silent_was_asked; ++i) {
    const absl::Time start = absl::Now();
    LdnsPktPtr r = Ask(absl::StrCat("fresh-", i, ".", n::kGammaZone), LDNS_RR_TYPE_A, patient);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NXDOMAIN);
    EXPECT_EQ(RdataStrings(r.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA).size(), 1u);
    EXPECT_LT(absl::Now() - start, absl::Seconds(5));
    silent_was_asked = recv(silent_upstream_, buf, sizeof buf, MSG_DONTWAIT) > 0;
  }
  EXPECT_TRUE(silent_was_asked) << "the silent forwarder was never tried";
}

TEST_F(ForwardingTest, ClientOutsideTheAclIsRefusedOrIgnored) {
  std::optional<std::vector<uint8_t>> refused = SendUdpFrom(
      kRefusedClient, Rebound(), QueryWire(n::kV4Only, LDNS_RR_TYPE_A, 777), absl::Seconds(2));
  ASSERT_TRUE(refused.has_value());
  LdnsPktPtr r = Parse(*refused);
  EXPECT_EQ(ldns_pkt_id(r.get()), 777);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_REFUSED);
  EXPECT_EQ(ldns_pkt_ancount(r.get()), 0);
  // The same for ANY: nothing to amplify.
  refused = SendUdpFrom(kRefusedClient, Rebound(), QueryWire(n::kV4Only, LDNS_RR_TYPE_ANY, 778),
                        absl::Seconds(2));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(ldns_pkt_get_rcode(Parse(*refused).get()), LDNS_RCODE_REFUSED);

  EXPECT_FALSE(SendUdpFrom(kDeniedClient, Rebound(), QueryWire(n::kV4Only, LDNS_RR_TYPE_A, 779),
                           absl::Milliseconds(800))
                   .has_value());
}

TEST_F(ForwardingTest, MalformedQueriesGetFormerrOrNothing) {
  std::vector<uint8_t> query = QueryWire(n::kV4Only, LDNS_RR_TYPE_A, 4242);
  std::vector<uint8_t> cut(query.begin(), query.begin() + 15);  // header + part of the name
  absl::StatusOr<std::vector<uint8_t>> formerr = SendRaw(Rebound(), cut, /*tcp=*/false);
  ASSERT_TRUE(formerr.ok()) << formerr.status();
  LdnsPktPtr r = Parse(*formerr);
  EXPECT_EQ(ldns_pkt_id(r.get()), 4242);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_FORMERR);

  std::vector<uint8_t> stub(query.begin(), query.begin() + 7);  // not even a header
  EXPECT_FALSE(SendRaw(Rebound(), stub, /*tcp=*/false, absl::Milliseconds(500)).ok());
  // The server is still there.
  EXPECT_NE(Ask(n::kV4Only, LDNS_RR_TYPE_A), nullptr);
}

TEST_F(ForwardingTest, UpstreamSpoofsAreIgnoredAndIdsAndPortsAreRandom) {
  int client = UdpSocket("127.0.0.1", 0);
  std::vector<uint16_t> ids, ports;
  for (const char* label : {"www", "a", "b"}) {
    const std::string name = absl::StrCat(label, ".", kScriptedZone);
    const std::vector<uint8_t> query = QueryWire(name, LDNS_RR_TYPE_A, 1001);
    sendto(client, query.data(), query.size(), 0, Rebound().sockaddr_ptr(),
           Rebound().sockaddr_len());
    // Rebound's query to the upstream.
    std::vector<uint8_t> buf(4096);
    sockaddr_storage from{};
    socklen_t from_len = sizeof from;
    ssize_t n = recvfrom(scripted_upstream_, buf.data(), buf.size(), 0,
                         reinterpret_cast<sockaddr*>(&from), &from_len);
    ASSERT_GT(n, 0) << "rebound did not ask the upstream for " << name;
    buf.resize(n);
    LdnsPktPtr upstream_query = Parse(buf);
    const uint16_t id = ldns_pkt_id(upstream_query.get());
    const Endpoint rebound_source = Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&from));
    ids.push_back(id);
    ports.push_back(rebound_source.port());
    EXPECT_TRUE(ldns_pkt_rd(upstream_query.get()));
    // The name as sent, letter case included (0x20): a reply must echo it.
    char* sent_name_text =
        ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(upstream_query.get()), 0)));
    const std::string sent_name = sent_name_text;
    free(sent_name_text);
    auto send_reply = [&](int fd, const std::vector<uint8_t>& reply) {
      sendto(fd, reply.data(), reply.size(), 0, rebound_source.sockaddr_ptr(),
             rebound_source.sockaddr_len());
    };
    // Wrong ID; right ID for another question; right ID from another port: all ignored.
    send_reply(scripted_upstream_, UpstreamReply(id ^ 0x5a5a, sent_name, "6.6.6.6"));
    send_reply(scripted_upstream_,
               UpstreamReply(id, absl::StrCat("other.", kScriptedZone), "6.6.6.7"));
    int other_port = UdpSocket(kScriptedUpstream, 0);
    send_reply(other_port, UpstreamReply(id, sent_name, "6.6.6.8"));
    close(other_port);
    absl::SleepFor(absl::Milliseconds(50));
    send_reply(scripted_upstream_, UpstreamReply(id, sent_name, "1.2.3.4"));

    std::vector<uint8_t> answer(4096);
    n = recv(client, answer.data(), answer.size(), 0);
    ASSERT_GT(n, 0);
    answer.resize(n);
    LdnsPktPtr r = Parse(answer);
    EXPECT_EQ(ldns_pkt_id(r.get()), 1001);
    EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A), ElementsAre("1.2.3.4"));
  }
  close(client);
  // The cache holds the real answer only.
  LdnsPktPtr cached = Ask(absl::StrCat("www.", kScriptedZone), LDNS_RR_TYPE_A);
  ASSERT_NE(cached, nullptr);
  EXPECT_THAT(RdataStrings(cached.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre("1.2.3.4"));
  // Three queries: all the same ID or port would mean they are not random (chance ~2^-32).
  std::sort(ids.begin(), ids.end());
  std::sort(ports.begin(), ports.end());
  EXPECT_NE(ids.front(), ids.back());
  EXPECT_NE(ports.front(), ports.back());
}

TEST_F(ForwardingTest, TcpPipelinedQueriesAreAllAnswered) {
  int fd = TcpConnect(Rebound());
  std::vector<uint8_t> stream;
  const absl::string_view names[] = {n::kV4Only, n::kDualStack, n::kMxExchange};
  for (uint16_t i = 0; i < 3; ++i) {
    std::vector<uint8_t> q = QueryWire(names[i], LDNS_RR_TYPE_A, 100 + i);
    stream.push_back(q.size() >> 8);
    stream.push_back(q.size() & 0xff);
    stream.insert(stream.end(), q.begin(), q.end());
  }
  ASSERT_EQ(send(fd, stream.data(), stream.size(), 0), static_cast<ssize_t>(stream.size()));
  std::vector<int> ids;
  for (int i = 0; i < 3; ++i) {
    std::optional<std::vector<uint8_t>> frame = ReadFrame(fd);
    ASSERT_TRUE(frame.has_value()) << "answer " << i;
    LdnsPktPtr r = Parse(*frame);
    EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR);
    EXPECT_EQ(ldns_pkt_ancount(r.get()), 1);
    ids.push_back(ldns_pkt_id(r.get()));
  }
  EXPECT_THAT(ids, UnorderedElementsAre(100, 101, 102));
  close(fd);
}

TEST_F(ForwardingTest, IdleTcpConnectionIsClosed) {
  int fd = TcpConnect(Rebound());
  const absl::Time start = absl::Now();
  char byte;
  EXPECT_EQ(recv(fd, &byte, 1, 0), 0);  // EOF: the server closed it
  const absl::Duration waited = absl::Now() - start;
  EXPECT_GE(waited, absl::Milliseconds(800));  // tcp-idle-timeout: 1000
  EXPECT_LT(waited, absl::Milliseconds(2500));
  close(fd);
}

// With every slot held by a silent client, a new connection takes the slot of the one that has
// waited longest (RFC 7766 6.2.3 lets a server close idle connections under pressure), so the
// silent clients cannot keep a real one out; UDP is served all along.
TEST_F(ForwardingTest, TcpConnectionLimitHoldsAndUdpStillWorks) {
  absl::SleepFor(absl::Milliseconds(100));  // let earlier tests' connections close
  std::vector<int> held;
  for (int i = 0; i < kTcpLimit; ++i) held.push_back(TcpConnect(Rebound()));
  absl::SleepFor(absl::Milliseconds(100));
  int extra = TcpConnect(Rebound());
  std::vector<uint8_t> q = QueryWire(n::kV4Only, LDNS_RR_TYPE_A, 55);
  q.insert(q.begin(), {static_cast<uint8_t>(q.size() >> 8), static_cast<uint8_t>(q.size())});
  ASSERT_EQ(send(extra, q.data(), q.size(), 0), static_cast<ssize_t>(q.size()));
  std::optional<std::vector<uint8_t>> frame = ReadFrame(extra);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(ldns_pkt_id(Parse(*frame).get()), 55);
  char byte;
  EXPECT_LE(recv(held[0], &byte, 1, 0), 0) << "the longest-waiting connection is still open";
  LdnsPktPtr udp = Ask(n::kV4Only, LDNS_RR_TYPE_A);
  ASSERT_NE(udp, nullptr);
  EXPECT_EQ(ldns_pkt_ancount(udp.get()), 1);
  close(extra);
  for (int fd : held) close(fd);
}

TEST_F(ForwardingTest, LoopbackForwardersNeedDoNotQueryLocalhostOff) {
  // unbound's default do-not-query-localhost: yes leaves loopback forwarders out; with none
  // left rebound says so and exits instead of answering SERVFAIL to everything.
  const std::string conf = hierarchy().dir() + "/rebound-localhost.conf";
  std::ofstream(conf) << absl::StrCat("server:\n  interface: 127.0.0.11\n",
                                      "forward-zone:\n  name: \".\"\n  forward-addr: ",
                                      ReferenceResolverEndpoint().ToString(), "\n");
  absl::StatusOr<Subprocess> strict =
      Subprocess::Start({REBOUND_BINARY, "-c", conf}, hierarchy().dir() + "/rebound-strict.log");
  ASSERT_TRUE(strict.ok()) << strict.status();
  absl::StatusOr<int> status = strict->Wait(absl::Seconds(5));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << DescribeWaitStatus(*status);
  EXPECT_THAT(strict->LogTail(), ::testing::HasSubstr("set do-not-query-localhost: no"));
}

// Last, because it stops the upstream: cached answers outlive it.
TEST_F(ForwardingTest, ZzCachedAnswersSurviveTheUpstreamGoingAway) {
  LdnsPktPtr before = Ask(n::kMxExchange, LDNS_RR_TYPE_A);
  ASSERT_NE(before, nullptr);
  ASSERT_TRUE(hierarchy().StopUnbound().ok());
  absl::SleepFor(absl::Milliseconds(1100));
  LdnsPktPtr after = Ask(n::kMxExchange, LDNS_RR_TYPE_A);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(after.get()), LDNS_RCODE_NOERROR);
  EXPECT_THAT(RdataStrings(after.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(std::string(n::kMxExchangeA)));
  EXPECT_LT(FirstTtl(after.get(), LDNS_SECTION_ANSWER),
            FirstTtl(before.get(), LDNS_SECTION_ANSWER));
  // A name never asked before has nowhere to come from.
  QueryOptions patient;
  patient.timeout = absl::Seconds(12);
  LdnsPktPtr uncached = Ask(n::kHalfdeadWww, LDNS_RR_TYPE_A, patient);
  ASSERT_NE(uncached, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(uncached.get()), LDNS_RCODE_SERVFAIL);
}

}  // namespace
}  // namespace rebound::integration
