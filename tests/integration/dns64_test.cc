// rebound as a DNS64 resolver (RFC 6147) recursing over the loopback hierarchy: AAAA synthesis
// from A records under the configured prefixes (RFC 6052 layouts for every prefix length), the
// cases where it must not synthesize (real AAAA, NXDOMAIN, no A, non-global IPv4 under the
// Well-Known Prefix, DO=1 with CD=1, clients outside dns64-clients), the TTL of a synthesized
// record, CNAME chains, the PTR mapping of RFC 6147 5.3.1, ipv4only.arpa (RFC 7050, RFC 8880)
// and the rule that the cache holds only real records.
//
// Three rebounds, each with its own config, answer the tests; their caches carry over from test
// to test, so a test that depends on what is cached asks names no earlier test asked.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <ldns/ldns.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/scripted_auth_server.h"
#include "tests/integration/fixture/subprocess.h"
#include "tests/integration/fixture/suite_servers_test.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::IsEmpty;
using ::testing::Le;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

// The main DNS64 rebound: the Well-Known Prefix only, DNS64 for kInsideClients only.
constexpr char kWkpRebound[] = "127.0.0.30";
// Two /96 prefixes (the WKP and a network-specific one) and dns64-ignore-aaaa.
constexpr char kTwoPrefixRebound[] = "127.0.0.31";
// One prefix of each shorter RFC 6052 length, dns64-synthall and dns64-mapped.
constexpr char kLayoutRebound[] = "127.0.0.32";

// The test's ordinary queries leave from 127.0.0.1 (the kernel's source for any 127/8
// destination); kOutsideClient is bound explicitly to be a client dns64-clients leaves out.
constexpr char kInsideClients[] = "127.0.0.0/26";
constexpr char kOutsideClient[] = "127.0.0.200";

constexpr char kNsp96[] = "2001:db8:64::/96";
// RFC 6052 2.2: one network-specific prefix per length, pairwise disjoint.
constexpr char kNsp32[] = "3fff:64::/32";
constexpr char kNsp40[] = "2001:db8:4000::/40";
constexpr char kNsp48[] = "2001:db8:48::/48";
constexpr char kNsp56[] = "2001:db8:56:5600::/56";
constexpr char kNsp64[] = "2001:db8:64:64::/64";

// ipv4only.arpa (RFC 7050 2.2, RFC 8880 2): its A records, and their AAAA under 64:ff9b::/96.
constexpr char kIpv4Only[] = "ipv4only.arpa.";
constexpr char kIpv4OnlyA1[] = "192.0.0.170";
constexpr char kIpv4OnlyA2[] = "192.0.0.171";

std::string Lower(absl::string_view v) { return absl::AsciiStrToLower(v); }
Endpoint At(absl::string_view address) { return EndpointAt(address); }

// A TTL straight from the authority or a fresh synthesis: `ttl`, give or take the seconds the
// test has run.
::testing::Matcher<uint32_t> FreshTtl(uint32_t ttl) { return AllOf(Le(ttl), Ge(ttl - 30)); }

// The ip6.arpa. name of an IPv6 address (RFC 3596 2.5): its 32 nibbles, lowest first.
std::string Ip6ArpaName(const char* address) {
  in6_addr a{};
  EXPECT_EQ(inet_pton(AF_INET6, address, &a), 1) << address;
  std::string name;
  for (int i = 15; i >= 0; --i) {
    absl::StrAppend(&name, absl::Hex(a.s6_addr[i] & 0xf), ".", absl::Hex(a.s6_addr[i] >> 4), ".");
  }
  return name + "ip6.arpa.";
}

// "owner TYPE rdata" per record of a section, owner lowercased, in the order sent.
std::vector<std::string> SectionLines(const ldns_pkt* pkt, ldns_pkt_section section) {
  const ldns_rr_list* list = section == LDNS_SECTION_ANSWER      ? ldns_pkt_answer(pkt)
                             : section == LDNS_SECTION_AUTHORITY ? ldns_pkt_authority(pkt)
                                                                 : ldns_pkt_additional(pkt);
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    char* owner = ldns_rdf2str(ldns_rr_owner(rr));
    char* type = ldns_rr_type2str(ldns_rr_get_type(rr));
    std::vector<std::string> fields;
    for (size_t f = 0; f < ldns_rr_rd_count(rr); ++f) {
      char* field = ldns_rdf2str(ldns_rr_rdf(rr, f));
      fields.push_back(field != nullptr ? field : "?");
      free(field);
    }
    out.push_back(absl::StrCat(Lower(owner != nullptr ? owner : "?"), " ",
                               type != nullptr ? type : "?", " ", absl::StrJoin(fields, " ")));
    free(owner);
    free(type);
  }
  return out;
}

std::vector<uint32_t> Ttls(const ldns_pkt* pkt, ldns_pkt_section section, ldns_rr_type type) {
  const ldns_rr_list* list =
      section == LDNS_SECTION_ANSWER ? ldns_pkt_answer(pkt) : ldns_pkt_authority(pkt);
  std::vector<uint32_t> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    if (ldns_rr_get_type(ldns_rr_list_rr(list, i)) == type) {
      out.push_back(ldns_rr_ttl(ldns_rr_list_rr(list, i)));
    }
  }
  return out;
}

std::vector<std::string> Aaaa(const LdnsPktPtr& reply) {
  return RdataStrings(reply.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA);
}

LdnsPktPtr Ask(absl::string_view server, absl::string_view name, ldns_rr_type type,
               QueryOptions options = {}) {
  options.timeout = absl::Seconds(6);
  absl::StatusOr<LdnsPktPtr> reply = Query(At(server), name, type, options);
  EXPECT_TRUE(reply.ok()) << name << " at " << server << ": " << reply.status();
  return reply.ok() ? *std::move(reply) : nullptr;
}

// A recursive query with the header and EDNS bits the dns_client does not set (CD).
std::vector<uint8_t> QueryWire(absl::string_view name, ldns_rr_type type, uint16_t id, bool do_bit,
                               bool cd) {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(std::string(name).c_str()), type,
                                  LDNS_RR_CLASS_IN, LDNS_RD | (cd ? LDNS_CD : 0)));
  ldns_pkt_set_id(q.get(), id);
  ldns_pkt_set_edns_udp_size(q.get(), 1232);
  ldns_pkt_set_edns_do(q.get(), do_bit);
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, q.get(), &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  return out;
}

LdnsPktPtr Parse(const std::vector<uint8_t>& wire) {
  ldns_pkt* pkt = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&pkt, wire.data(), wire.size()), LDNS_STATUS_OK);
  return LdnsPktPtr(pkt);
}

LdnsPktPtr AskWithFlags(absl::string_view server, absl::string_view name, ldns_rr_type type,
                        bool do_bit, bool cd) {
  absl::StatusOr<std::vector<uint8_t>> reply =
      SendRaw(At(server), QueryWire(name, type, 4711, do_bit, cd), /*tcp=*/false, absl::Seconds(6));
  EXPECT_TRUE(reply.ok()) << name << ": " << reply.status();
  return reply.ok() ? Parse(*reply) : nullptr;
}

// Asks over UDP from `source`, a loopback address of the test's choosing, so that rebound sees
// another client than 127.0.0.1.
LdnsPktPtr AskFrom(const char* source, absl::string_view server, absl::string_view name,
                   ldns_rr_type type) {
  const std::vector<uint8_t> query = QueryWire(name, type, 4242, false, false);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source, &local.sin_addr);
  timeval tv = absl::ToTimeval(absl::Seconds(6));
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const Endpoint to = At(server);
  std::optional<std::vector<uint8_t>> reply;
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 &&
      sendto(fd, query.data(), query.size(), 0, to.sockaddr_ptr(), to.sockaddr_len()) > 0) {
    std::vector<uint8_t> buf(65535);
    ssize_t got = recv(fd, buf.data(), buf.size(), 0);
    if (got > 0) reply = std::vector<uint8_t>(buf.begin(), buf.begin() + got);
  }
  close(fd);
  EXPECT_TRUE(reply.has_value()) << "no reply to " << name << " from " << source;
  return reply.has_value() ? Parse(*reply) : nullptr;
}

// NOERROR, nothing in the answer section, `zone`'s SOA in the authority section.
void ExpectNodata(const LdnsPktPtr& reply, absl::string_view zone) {
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(reply.get()), LDNS_RCODE_NOERROR) << PacketToString(reply.get());
  EXPECT_THAT(SectionLines(reply.get(), LDNS_SECTION_ANSWER), IsEmpty())
      << PacketToString(reply.get());
  EXPECT_THAT(RdataStrings(reply.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA, zone), SizeIs(1))
      << PacketToString(reply.get());
}

// A synthesized answer: NOERROR, not authoritative (RFC 6147 5.1.7 leaves AA to the server, and
// a recursive resolver never holds the zone), the answer section exactly `lines`.
void ExpectAnswer(const LdnsPktPtr& reply, const std::vector<std::string>& lines) {
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(reply.get()), LDNS_RCODE_NOERROR) << PacketToString(reply.get());
  EXPECT_FALSE(ldns_pkt_aa(reply.get())) << PacketToString(reply.get());
  EXPECT_EQ(SectionLines(reply.get(), LDNS_SECTION_ANSWER), lines) << PacketToString(reply.get());
}

std::string Line(absl::string_view owner, absl::string_view type, absl::string_view rdata) {
  return absl::StrCat(Lower(owner), " ", type, " ", rdata);
}

struct Dns64Servers {
  std::unique_ptr<Subprocess> wkp, two_prefixes, layouts;
};

class Dns64Test : public SuiteServersTest<Dns64Servers> {
 public:
  static void SetUpTestSuite() {
    // No reference unbound: the root's counters must show only rebound's queries.
    StartSuite({"bash", "nsd"}, /*with_unbound=*/false, &StartServers);
  }

  static absl::Status StartServers(Dns64Servers& s) {
    const std::string dns64 = "  module-config: \"dns64 iterator\"\n";
    struct Wanted {
      std::unique_ptr<Subprocess>* slot;
      const char* name;
      const char* address;
      std::string options;
    };
    const Wanted wanted[] = {
        {&s.wkp, "rebound-dns64-wkp", kWkpRebound,
         absl::StrCat(dns64,
                      "  dns64-prefix: 64:ff9b::/96\n"
                      "  dns64-synthall: no\n"
                      "  dns64-exclude: ::ffff:0:0/96\n"
                      "  dns64-clients: ",
                      kInsideClients, "\n")},
        {&s.two_prefixes, "rebound-dns64-two-prefixes", kTwoPrefixRebound,
         absl::StrCat(dns64, "  dns64-prefix: 64:ff9b::/96\n  dns64-prefix: ", kNsp96,
                      "\n"
                      // Any case, no final dot: still the name.
                      "  dns64-ignore-aaaa: DUAL.alpha.test\n")},
        {&s.layouts, "rebound-dns64-layouts", kLayoutRebound,
         absl::StrCat(dns64, "  dns64-prefix: ", kNsp32, "\n  dns64-prefix: ", kNsp40,
                      "\n  dns64-prefix: ", kNsp48, "\n  dns64-prefix: ", kNsp56,
                      "\n  dns64-prefix: ", kNsp64,
                      "\n"
                      "  dns64-synthall: yes\n"
                      "  dns64-mapped: 5.6.7.0/24\n")},
    };
    for (const Wanted& w : wanted) {
      if (absl::Status st = MoveInto(
              StartRebound(REBOUND_BINARY, hierarchy(), w.name,
                           absl::StrCat(RecursiveServerConfig(hierarchy(), w.address), w.options),
                           At(w.address)),
              w.slot);
          !st.ok()) {
        return st;
      }
    }
    return absl::OkStatus();
  }

 protected:
  void TearDown() override {
    if (HasFailure()) {
      for (const auto* p : {&servers().wkp, &servers().two_prefixes, &servers().layouts}) {
        if (*p != nullptr) std::cerr << "rebound log: " << (*p)->log_path() << "\n";
      }
    }
  }

  static uint64_t RootQueries() {
    absl::StatusOr<NsdQueryStats> stats = hierarchy().QueryStats("root");
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->queries : 0;
  }
};

// ---- Synthesis under the Well-Known Prefix ---------------------------------------------------

TEST_F(Dns64Test, AOnlyNameGetsAaaaMadeFromItsA) {
  for (int round = 0; round < 2; ++round) {  // the second round comes from the cache
    SCOPED_TRACE(round == 0 ? "resolved" : "cached");
    LdnsPktPtr r = Ask(kWkpRebound, n::kV4Only, LDNS_RR_TYPE_AAAA);
    ExpectAnswer(r, {Line(n::kV4Only, "AAAA", "64:ff9b::506:708")});
  }
}

TEST_F(Dns64Test, SynthesisWorksOverTcpAndKeepsTheQuestionAsAsked) {
  QueryOptions tcp;
  tcp.tcp = true;
  ExpectAnswer(Ask(kWkpRebound, n::kV4Only, LDNS_RR_TYPE_AAAA, tcp),
               {Line(n::kV4Only, "AAAA", "64:ff9b::506:708")});
  const std::string mixed_case = "V4oNLY.alpha.TEST.";
  LdnsPktPtr r = Ask(kWkpRebound, mixed_case, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(QuestionName(*r), mixed_case);
  EXPECT_THAT(Aaaa(r), ElementsAre("64:ff9b::506:708")) << PacketToString(r.get());
}

TEST_F(Dns64Test, AQueriesAreNeverChanged) {
  LdnsPktPtr r = Ask(kWkpRebound, n::kV4Only, LDNS_RR_TYPE_A);
  ExpectAnswer(r, {Line(n::kV4Only, "A", n::kV4OnlyA)});
  LdnsPktPtr v6 = Ask(kWkpRebound, n::kV6Only, LDNS_RR_TYPE_A);
  ExpectNodata(v6, n::kAlphaZone);
}

TEST_F(Dns64Test, RealAaaaIsAnsweredWithoutSynthesis) {
  ExpectAnswer(Ask(kWkpRebound, n::kDualStack, LDNS_RR_TYPE_AAAA),
               {Line(n::kDualStack, "AAAA", n::kDualStackAaaa)});
  ExpectAnswer(Ask(kWkpRebound, n::kV6Only, LDNS_RR_TYPE_AAAA),
               {Line(n::kV6Only, "AAAA", n::kV6OnlyAaaa)});
}

TEST_F(Dns64Test, MappedAaaaCountsAsAbsentAndTheAIsSynthesized) {
  // RFC 6147 5.1.4: ::ffff:0:0/96 is in dns64-exclude, so mapped's only AAAA does not count.
  ExpectAnswer(Ask(kWkpRebound, n::kMapped, LDNS_RR_TYPE_AAAA),
               {Line(n::kMapped, "AAAA", "64:ff9b::506:70a")});
}

TEST_F(Dns64Test, InZoneCnameChainEndsInTheSynthesizedAaaa) {
  ExpectAnswer(
      Ask(kWkpRebound, n::kChain1, LDNS_RR_TYPE_AAAA),
      {Line(n::kChain1, "CNAME", n::kChain2), Line(n::kChain2, "CNAME", n::kChain3),
       Line(n::kChain3, "CNAME", n::kV4Only), Line(n::kV4Only, "AAAA", "64:ff9b::506:708")});
}

TEST_F(Dns64Test, CrossZoneCnameChainEndsInTheSynthesizedAaaa) {
  // 44.55.66.77 = 0x2c37424d.
  ExpectAnswer(Ask(kWkpRebound, n::kCross, LDNS_RR_TYPE_AAAA),
               {Line(n::kCross, "CNAME", n::kCrossMid), Line(n::kCrossMid, "CNAME", n::kCrossEnd),
                Line(n::kCrossEnd, "AAAA", "64:ff9b::2c37:424d")});
}

TEST_F(Dns64Test, NxdomainAndNodataStayAsTheyAre) {
  LdnsPktPtr nx = Ask(kWkpRebound, n::kNxdomain, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(nx, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(nx.get()), LDNS_RCODE_NXDOMAIN) << PacketToString(nx.get());
  EXPECT_EQ(ldns_pkt_ancount(nx.get()), 0) << PacketToString(nx.get());
  EXPECT_THAT(RdataStrings(nx.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA, n::kAlphaZone),
              SizeIs(1))
      << PacketToString(nx.get());
  // No A either: nothing to synthesize from.
  ExpectNodata(Ask(kWkpRebound, n::kNodata, LDNS_RR_TYPE_AAAA), n::kAlphaZone);
  ExpectNodata(Ask(kWkpRebound, n::kEmptyNonTerminal, LDNS_RR_TYPE_AAAA), n::kAlphaZone);
}

TEST_F(Dns64Test, NonGlobalIpv4IsNotSynthesizedUnderTheWellKnownPrefix) {
  // RFC 6052 3.1: 64:ff9b::/96 must not represent non-global IPv4 addresses.
  ExpectNodata(Ask(kWkpRebound, n::kPrivate10, LDNS_RR_TYPE_AAAA), n::kAlphaZone);
  ExpectNodata(Ask(kWkpRebound, n::kPrivate192, LDNS_RR_TYPE_AAAA), n::kAlphaZone);
}

TEST_F(Dns64Test, SynthesizedTtlIsCappedByTheNegativeTtlOfTheAaaaZone) {
  // RFC 6147 5.1.7: min(A TTL, SOA MINIMUM of the zone that said "no AAAA"). Both names are
  // asked here first, so only a few seconds can have gone off the TTL.
  LdnsPktPtr beta = Ask(kWkpRebound, n::kBetaWww, LDNS_RR_TYPE_AAAA);  // A 1800, negative 240
  ASSERT_NE(beta, nullptr);
  EXPECT_THAT(Aaaa(beta), ElementsAre("64:ff9b::141e:2832")) << PacketToString(beta.get());
  EXPECT_THAT(Ttls(beta.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA),
              ElementsAre(FreshTtl(n::kBetaNegativeTtl)))
      << PacketToString(beta.get());
  LdnsPktPtr glueless = Ask(kWkpRebound, n::kGluelessWww, LDNS_RR_TYPE_AAAA);  // 1200, 180
  ASSERT_NE(glueless, nullptr);
  EXPECT_THAT(Aaaa(glueless), ElementsAre("64:ff9b::141e:2833")) << PacketToString(glueless.get());
  EXPECT_THAT(Ttls(glueless.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA),
              ElementsAre(FreshTtl(n::kGluelessNegativeTtl)))
      << PacketToString(glueless.get());
  // At the end of a chain the zone is the final name's (gamma.test: A 7200, negative 120).
  LdnsPktPtr cross = Ask(kWkpRebound, n::kCrossEnd, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(cross, nullptr);
  EXPECT_THAT(Ttls(cross.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA),
              ElementsAre(Le(n::kGammaNegativeTtl)))
      << PacketToString(cross.get());
}

// ---- Who gets DNS64, and what the cache keeps -------------------------------------------------

TEST_F(Dns64Test, ClientOutsideDns64ClientsGetsThePlainAnswer) {
  // v4only was synthesized for 127.0.0.1 above; a client dns64-clients leaves out must get
  // what the zone says, NODATA. That also shows the synthesized record was not cached as data.
  ExpectAnswer(Ask(kWkpRebound, n::kV4Only, LDNS_RR_TYPE_AAAA),
               {Line(n::kV4Only, "AAAA", "64:ff9b::506:708")});
  ExpectNodata(AskFrom(kOutsideClient, kWkpRebound, n::kV4Only, LDNS_RR_TYPE_AAAA), n::kAlphaZone);
  // The other order: the plain NODATA cached first must not stop synthesis for a DNS64 client.
  ExpectNodata(AskFrom(kOutsideClient, kWkpRebound, n::kV4nsWww, LDNS_RR_TYPE_AAAA), n::kV4nsZone);
  ExpectAnswer(Ask(kWkpRebound, n::kV4nsWww, LDNS_RR_TYPE_AAAA),
               {Line(n::kV4nsWww, "AAAA", "64:ff9b::141e:2835")});
  ExpectNodata(AskFrom(kOutsideClient, kWkpRebound, n::kV4nsWww, LDNS_RR_TYPE_AAAA), n::kV4nsZone);
  // Nor does the PTR mapping apply to it: ip6.arpa. is NXDOMAIN at the root.
  LdnsPktPtr ptr =
      AskFrom(kOutsideClient, kWkpRebound, Ip6ArpaName("64:ff9b::506:708"), LDNS_RR_TYPE_PTR);
  ASSERT_NE(ptr, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(ptr.get()), LDNS_RCODE_NXDOMAIN) << PacketToString(ptr.get());
  EXPECT_THAT(SectionLines(ptr.get(), LDNS_SECTION_ANSWER), IsEmpty()) << PacketToString(ptr.get());
  // Real records are the same for everyone.
  ExpectAnswer(AskFrom(kOutsideClient, kWkpRebound, n::kV4Only, LDNS_RR_TYPE_A),
               {Line(n::kV4Only, "A", n::kV4OnlyA)});
}

TEST_F(Dns64Test, PacketCacheNeverServesOneViewsAnswerToTheOther) {
  // The very same query bytes from a client inside dns64-clients and from one outside, three
  // times each, alternating: from the second round on both are answered from the caches without
  // a query to the hierarchy. Were the two views one packet cache entry, one client would get
  // the other's answer. The letter case changes each round, as a 0x20 client's would.
  // (The CNAME's target is compressed against the question, so it takes the question's case
  // too, as in any freshly rendered response: the lines are compared without case.)
  constexpr char kInsideClient[] = "127.0.0.2";
  const std::vector<std::string> synthesized = {
      Lower(Line(n::kChain3, "CNAME", n::kV4Only)),
      Lower(Line(n::kV4Only, "AAAA", "64:ff9b::506:708"))};
  const std::vector<std::string> plain = {Lower(Line(n::kChain3, "CNAME", n::kV4Only))};
  auto lowered = [](const LdnsPktPtr& reply) {
    std::vector<std::string> lines = SectionLines(reply.get(), LDNS_SECTION_ANSWER);
    for (std::string& line : lines) line = Lower(line);
    return lines;
  };
  const std::string names[] = {std::string(n::kChain3), "CHAIN3.alpha.test.", "cHaIn3.AlPhA.tEsT."};
  uint64_t after_first_round = 0;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(names[round]);
    LdnsPktPtr inside = AskFrom(kInsideClient, kWkpRebound, names[round], LDNS_RR_TYPE_AAAA);
    ASSERT_NE(inside, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(inside.get()), LDNS_RCODE_NOERROR);
    EXPECT_EQ(lowered(inside), synthesized) << PacketToString(inside.get());
    EXPECT_EQ(QuestionName(*inside), names[round]);
    LdnsPktPtr outside = AskFrom(kOutsideClient, kWkpRebound, names[round], LDNS_RR_TYPE_AAAA);
    ASSERT_NE(outside, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(outside.get()), LDNS_RCODE_NOERROR);
    EXPECT_EQ(lowered(outside), plain) << PacketToString(outside.get());
    EXPECT_EQ(QuestionName(*outside), names[round]);
    EXPECT_THAT(
        RdataStrings(outside.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA, n::kAlphaZone),
        SizeIs(1))
        << PacketToString(outside.get());
    if (round == 0) after_first_round = AllNsdQueries();
  }
  EXPECT_EQ(AllNsdQueries(), after_first_round) << "later rounds were not answered from the cache";
}

TEST_F(Dns64Test, DnssecOkWithCheckingDisabledIsNotSynthesized) {
  // RFC 6147 5.5: a client that sets DO and CD validates itself; a synthesized record would fail
  // its validation. With CD clear the resolver answers for it, so it may synthesize.
  // mail: CD=1 first (cold), then CD=0, then CD=1 again (the synthesized answer is not reused).
  ExpectNodata(AskWithFlags(kWkpRebound, n::kMxExchange, LDNS_RR_TYPE_AAAA, true, true),
               n::kAlphaZone);
  ExpectAnswer(AskWithFlags(kWkpRebound, n::kMxExchange, LDNS_RR_TYPE_AAAA, true, false),
               {Line(n::kMxExchange, "AAAA", "64:ff9b::506:70b")});
  ExpectNodata(AskWithFlags(kWkpRebound, n::kMxExchange, LDNS_RR_TYPE_AAAA, true, true),
               n::kAlphaZone);
  // x.ent: DO=1 CD=0 first.
  ExpectAnswer(AskWithFlags(kWkpRebound, n::kBelowEmptyNonTerminal, LDNS_RR_TYPE_AAAA, true, false),
               {Line(n::kBelowEmptyNonTerminal, "AAAA", "64:ff9b::506:70c")});
  ExpectNodata(AskWithFlags(kWkpRebound, n::kBelowEmptyNonTerminal, LDNS_RR_TYPE_AAAA, true, true),
               n::kAlphaZone);
  // CD alone, without DO, does not stop synthesis (the client cannot validate without RRSIGs).
  ExpectAnswer(AskWithFlags(kWkpRebound, n::kV4Only, LDNS_RR_TYPE_AAAA, false, true),
               {Line(n::kV4Only, "AAAA", "64:ff9b::506:708")});
}

// ---- PTR (RFC 6147 5.3.1) ---------------------------------------------------------------------

TEST_F(Dns64Test, PtrInsideThePrefixIsACnameToTheIpv4ReverseName) {
  const std::string ip6 = Ip6ArpaName("64:ff9b::506:708");
  ExpectAnswer(Ask(kWkpRebound, ip6, LDNS_RR_TYPE_PTR),
               {Line(ip6, "CNAME", n::kV4OnlyReverse),
                Line(n::kV4OnlyReverse, "PTR", n::kV4OnlyReversePtr)});
  // An address whose in-addr.arpa. name does not exist: the CNAME, then that NXDOMAIN.
  const std::string nx = Ip6ArpaName("64:ff9b::406:708");
  LdnsPktPtr r = Ask(kWkpRebound, nx, LDNS_RR_TYPE_PTR);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NXDOMAIN) << PacketToString(r.get());
  EXPECT_THAT(SectionLines(r.get(), LDNS_SECTION_ANSWER),
              ElementsAre(Line(nx, "CNAME", n::kUndelegatedReverse)))
      << PacketToString(r.get());
}

TEST_F(Dns64Test, PtrOutsideEveryPrefixIsResolvedNormally) {
  // ip6.arpa. does not exist in this hierarchy: NXDOMAIN from the root. But 2001:db8::/32, the
  // documentation prefix, is a default local zone (RFC 6303 4.6), answered without asking.
  for (const auto& [address, soa_owner] :
       {std::pair{n::kDualStackAaaa.data(), "8.b.d.0.1.0.0.2.ip6.arpa."},
        std::pair{"64:ff9c::506:708", "."}}) {
    SCOPED_TRACE(address);
    LdnsPktPtr r = Ask(kWkpRebound, Ip6ArpaName(address), LDNS_RR_TYPE_PTR);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NXDOMAIN) << PacketToString(r.get());
    EXPECT_THAT(SectionLines(r.get(), LDNS_SECTION_ANSWER), IsEmpty()) << PacketToString(r.get());
    EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA, soa_owner),
                SizeIs(1))
        << PacketToString(r.get());
  }
}

// ---- ipv4only.arpa (RFC 7050, RFC 8880) -------------------------------------------------------

TEST_F(Dns64Test, Ipv4OnlyArpaIsAnsweredLocally) {
  // Resolve something first so priming is behind us: only ipv4only.arpa is measured.
  ASSERT_NE(Ask(kWkpRebound, n::kV4Only, LDNS_RR_TYPE_A), nullptr);
  const uint64_t before = AllNsdQueries();
  LdnsPktPtr aaaa = Ask(kWkpRebound, kIpv4Only, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(aaaa, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(aaaa.get()), LDNS_RCODE_NOERROR) << PacketToString(aaaa.get());
  EXPECT_THAT(Aaaa(aaaa), UnorderedElementsAre("64:ff9b::c000:aa", "64:ff9b::c000:ab"))
      << PacketToString(aaaa.get());
  LdnsPktPtr a = Ask(kWkpRebound, kIpv4Only, LDNS_RR_TYPE_A);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(a.get()), LDNS_RCODE_NOERROR) << PacketToString(a.get());
  EXPECT_THAT(RdataStrings(a.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              UnorderedElementsAre(kIpv4OnlyA1, kIpv4OnlyA2))
      << PacketToString(a.get());
  EXPECT_EQ(AllNsdQueries(), before) << "ipv4only.arpa was sent to the hierarchy";
}

// ---- Several prefixes, dns64-ignore-aaaa ------------------------------------------------------

TEST_F(Dns64Test, EveryPrefixGetsOneAaaaPerARecord) {
  LdnsPktPtr r = Ask(kTwoPrefixRebound, n::kV4Only, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR) << PacketToString(r.get());
  EXPECT_THAT(Aaaa(r), UnorderedElementsAre("64:ff9b::506:708", "2001:db8:64::506:708"))
      << PacketToString(r.get());
  LdnsPktPtr ipv4only = Ask(kTwoPrefixRebound, kIpv4Only, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(ipv4only, nullptr);
  EXPECT_THAT(Aaaa(ipv4only), UnorderedElementsAre("64:ff9b::c000:aa", "64:ff9b::c000:ab",
                                                   "2001:db8:64::c000:aa", "2001:db8:64::c000:ab"))
      << PacketToString(ipv4only.get());
}

TEST_F(Dns64Test, NonGlobalIpv4IsSynthesizedUnderANetworkSpecificPrefixOnly) {
  // RFC 6052 3.1 restricts the Well-Known Prefix only.
  ExpectAnswer(Ask(kTwoPrefixRebound, n::kPrivate10, LDNS_RR_TYPE_AAAA),
               {Line(n::kPrivate10, "AAAA", "2001:db8:64::a01:203")});
  ExpectAnswer(Ask(kTwoPrefixRebound, n::kPrivate192, LDNS_RR_TYPE_AAAA),
               {Line(n::kPrivate192, "AAAA", "2001:db8:64::c0a8:10a")});
}

TEST_F(Dns64Test, IgnoredAaaaIsReplacedBySynthesis) {
  LdnsPktPtr r = Ask(kTwoPrefixRebound, n::kDualStack, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(Aaaa(r), UnorderedElementsAre("64:ff9b::506:709", "2001:db8:64::506:709"))
      << PacketToString(r.get());
  // Only that name: v6only's AAAA is still real.
  ExpectAnswer(Ask(kTwoPrefixRebound, n::kV6Only, LDNS_RR_TYPE_AAAA),
               {Line(n::kV6Only, "AAAA", n::kV6OnlyAaaa)});
}

TEST_F(Dns64Test, LargeSynthesizedAnswerTruncatesOverUdpAndIsCompleteOverTcp) {
  // big.alpha.test's 100 A records are documentation addresses (not global): nothing under the
  // Well-Known Prefix, 100 AAAA under the network-specific one, about 2.8 KB.
  ExpectNodata(Ask(kWkpRebound, n::kBigA, LDNS_RR_TYPE_AAAA), n::kAlphaZone);
  LdnsPktPtr udp = Ask(kTwoPrefixRebound, n::kBigA, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(udp, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(udp.get()), LDNS_RCODE_NOERROR) << PacketToString(udp.get());
  EXPECT_TRUE(ldns_pkt_tc(udp.get())) << "1232-byte buffer, ~2.8 KB answer";
  QueryOptions tcp;
  tcp.tcp = true;
  LdnsPktPtr full = Ask(kTwoPrefixRebound, n::kBigA, LDNS_RR_TYPE_AAAA, tcp);
  ASSERT_NE(full, nullptr);
  EXPECT_FALSE(ldns_pkt_tc(full.get()));
  const std::vector<std::string> aaaa = Aaaa(full);
  EXPECT_THAT(aaaa, SizeIs(n::kBigACount));
  EXPECT_THAT(aaaa, Contains("2001:db8:64::c633:6401"));  // 198.51.100.1
  EXPECT_THAT(aaaa, Contains("2001:db8:64::c633:6464"));  // 198.51.100.100
  EXPECT_THAT(aaaa, Not(Contains("64:ff9b::c633:6401")));
}

TEST_F(Dns64Test, PtrUnderANetworkSpecificPrefix) {
  const std::string ip6 = Ip6ArpaName("2001:db8:64::506:708");
  ExpectAnswer(Ask(kTwoPrefixRebound, ip6, LDNS_RR_TYPE_PTR),
               {Line(ip6, "CNAME", n::kV4OnlyReverse),
                Line(n::kV4OnlyReverse, "PTR", n::kV4OnlyReversePtr)});
}

// ---- RFC 6052 2.2 layouts, dns64-synthall, dns64-mapped ---------------------------------------

TEST_F(Dns64Test, ShorterPrefixesPlaceTheIpv4AroundTheZeroUOctet) {
  // 5.6.7.8 = 05 06 07 08; bits 64..71 (the u octet) stay zero, the suffix is zero.
  LdnsPktPtr r = Ask(kLayoutRebound, n::kV4Only, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR) << PacketToString(r.get());
  EXPECT_THAT(Aaaa(r), UnorderedElementsAre("3fff:64:506:708::",            // /32
                                            "2001:db8:4005:607:8::",        // /40
                                            "2001:db8:48:506:7:800::",      // /48
                                            "2001:db8:56:5605:6:708::",     // /56
                                            "2001:db8:64:64:5:607:800:0"))  // /64
      << PacketToString(r.get());
}

TEST_F(Dns64Test, SynthallSynthesizesEvenWhenRealAaaaExists) {
  LdnsPktPtr r = Ask(kLayoutRebound, n::kDualStack, LDNS_RR_TYPE_AAAA);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR) << PacketToString(r.get());
  // 5.6.7.9 under each prefix; whether the real one is kept beside them is rebound's choice.
  for (const char* synthesized :
       {"3fff:64:506:709::", "2001:db8:4005:607:9::", "2001:db8:48:506:7:900::",
        "2001:db8:56:5605:6:709::", "2001:db8:64:64:5:607:900:0"}) {
    EXPECT_THAT(Aaaa(r), Contains(synthesized)) << PacketToString(r.get());
  }
}

TEST_F(Dns64Test, OnlyMappedIpv4RangesAreSynthesized) {
  // dns64-mapped: 5.6.7.0/24 leaves www.beta.example's 20.30.40.50 out.
  ExpectNodata(Ask(kLayoutRebound, n::kBetaWww, LDNS_RR_TYPE_AAAA), n::kBetaZone);
  ExpectAnswer(Ask(kLayoutRebound, n::kBetaWww, LDNS_RR_TYPE_A),
               {Line(n::kBetaWww, "A", n::kBetaWwwA)});
}

}  // namespace
}  // namespace rebound::integration
