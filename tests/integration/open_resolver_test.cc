// rebound is not an open resolver and not an amplifier: a client outside access-control gets
// REFUSED (or, for `deny`, nothing) for every query type, ANY included, and costs rebound no
// recursion; ANY is answered with one RRset (RFC 8482), over UDP and TCP, so its response stays
// about as small as an ordinary one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tests/integration/fixture/client_from.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

namespace n = names;

constexpr char kRebound[] = "127.0.0.10";
// A client inside 127/8 (allowed by the base config).
constexpr char kInsider[] = "127.0.0.99";
// Clients the config names: one refused, one denied.
constexpr char kRefusedClient[] = "127.0.66.1";
constexpr char kDeniedClient[] = "127.0.77.1";
// A client no rule names: outside 127/8, so unbound's default (refuse) applies. The test adds the
// address to the namespace's loopback interface.
constexpr char kStrangerClient[] = "192.0.2.77";

Endpoint At(absl::string_view address, uint16_t port = 53) { return EndpointAt(address, port); }

// What an outsider might ask: ordinary types, the amplifiers (ANY, TXT, DNSKEY), zone transfer.
const std::vector<ldns_rr_type>& OutsiderTypes() {
  static const auto* types = new std::vector<ldns_rr_type>{
      LDNS_RR_TYPE_A,  LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_ANY, LDNS_RR_TYPE_TXT,    LDNS_RR_TYPE_MX,
      LDNS_RR_TYPE_NS, LDNS_RR_TYPE_SOA,  LDNS_RR_TYPE_PTR, LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_AXFR};
  return *types;
}

std::string TypeName(ldns_rr_type type) {
  char* text = ldns_rr_type2str(type);
  std::string name = text != nullptr ? text : "?";
  free(text);
  return name;
}

// Every record of the answer section has the same owner and type: one RRset.
bool IsOneRrset(const ldns_pkt* pkt) {
  const ldns_rr_list* answer = ldns_pkt_answer(pkt);
  for (size_t i = 1; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* a = ldns_rr_list_rr(answer, 0);
    const ldns_rr* b = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(a) != ldns_rr_get_type(b) ||
        ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(b)) != 0) {
      return false;
    }
  }
  return true;
}

// The answer section's records in uncompressed wire form, summed: all a response needs to carry
// beyond the question (and OPT) it echoes.
size_t AnswerBytes(const ldns_pkt* pkt) {
  size_t total = 0;
  const ldns_rr_list* answer = ldns_pkt_answer(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    uint8_t* wire = nullptr;
    size_t size = 0;
    if (ldns_rr2wire(&wire, ldns_rr_list_rr(answer, i), LDNS_SECTION_ANSWER, &size) ==
        LDNS_STATUS_OK) {
      total += size;
    }
    LDNS_FREE(wire);
  }
  return total;
}

class OpenResolverTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() {
    StartSharedHierarchy({"bash", "nsd", "ip"}, /*with_unbound=*/false);
    status_ = new absl::Status();
    if (!hierarchy_started()) return;
    // The stranger's address, on loopback, so it can send (only inside this test's namespace).
    *status_ =
        RunToCompletion({"ip", "addr", "add", absl::StrCat(kStrangerClient, "/32"), "dev", "lo"},
                        hierarchy().dir() + "/ip-addr.log", absl::Seconds(10));
    if (!status_->ok()) return;
    absl::StatusOr<std::unique_ptr<Subprocess>> started =
        StartRebound(REBOUND_BINARY, hierarchy(), "rebound-acl",
                     absl::StrCat(RecursiveServerConfig(hierarchy(), kRebound),
                                  "  access-control: ", kRefusedClient, "/24 refuse\n",
                                  "  access-control: ", kDeniedClient, "/24 deny\n"),
                     At(kRebound));
    if (!started.ok()) {
      *status_ = started.status();
      return;
    }
    rebound_ = started->release();
  }

  static void TearDownTestSuite() {
    delete rebound_;
    rebound_ = nullptr;
    delete status_;
    status_ = nullptr;
    StopSharedHierarchy();
  }

 protected:
  void SetUp() override {
    HierarchyTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(status_->ok()) << *status_;
    ASSERT_NE(rebound_, nullptr);
  }
  void TearDown() override {
    if (HasFailure() && rebound_ != nullptr) std::cerr << "rebound log: " << rebound_->log_path();
  }

  struct Exchange {
    std::vector<uint8_t> query;
    absl::StatusOr<std::vector<uint8_t>> reply;
    LdnsPktPtr parsed;  // null when no reply or not DNS
  };

  static Exchange Ask(absl::string_view client, absl::string_view name, ldns_rr_type type, bool tcp,
                      absl::Duration timeout = absl::Seconds(5)) {
    static uint16_t next_id = 0x4000;
    Exchange e;
    e.query = QueryMessage(name, type, ++next_id);
    e.reply = ExchangeFrom(At(client, 0), At(kRebound), e.query, tcp, timeout);
    if (e.reply.ok()) e.parsed = ParseReply(*e.reply);
    return e;
  }

  // A REFUSED that carries nothing but the question (and an OPT, as the query had one): never
  // bigger than the query.
  static void ExpectBareRefused(const Exchange& e, absl::string_view what) {
    ASSERT_TRUE(e.reply.ok()) << what << ": " << e.reply.status();
    ASSERT_NE(e.parsed, nullptr) << what;
    EXPECT_EQ(ldns_pkt_get_rcode(e.parsed.get()), LDNS_RCODE_REFUSED)
        << what << "\n"
        << PacketToString(e.parsed.get());
    EXPECT_EQ(ldns_pkt_ancount(e.parsed.get()), 0) << what;
    EXPECT_EQ(ldns_pkt_nscount(e.parsed.get()), 0) << what;
    EXPECT_LE(e.reply->size(), e.query.size()) << what;
  }

  static absl::Status* status_;
  static Subprocess* rebound_;
};

absl::Status* OpenResolverTest::status_ = nullptr;
Subprocess* OpenResolverTest::rebound_ = nullptr;

TEST_F(OpenResolverTest, InsiderIsAnswered) {
  Exchange e = Ask(kInsider, n::kV4Only, LDNS_RR_TYPE_A, /*tcp=*/false);
  ASSERT_NE(e.parsed, nullptr) << e.reply.status();
  EXPECT_EQ(ldns_pkt_get_rcode(e.parsed.get()), LDNS_RCODE_NOERROR);
  EXPECT_THAT(RdataStrings(e.parsed.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ::testing::ElementsAre(std::string(n::kV4OnlyA)));
}

TEST_F(OpenResolverTest, RefusedClientGetsRefusedForEveryTypeWithoutRecursion) {
  const uint64_t before = AllNsdQueries();
  for (const char* client : {kRefusedClient, kStrangerClient}) {
    for (bool tcp : {false, true}) {
      for (ldns_rr_type type : OutsiderTypes()) {
        // Names nobody asked: a refused client must not make rebound look them up.
        const std::string what = absl::StrCat(client, tcp ? " tcp " : " udp ", TypeName(type));
        ExpectBareRefused(Ask(client, n::kDualStack, type, tcp), what);
        ExpectBareRefused(Ask(client, n::kBetaWww, type, tcp), what);
      }
    }
  }
  EXPECT_EQ(AllNsdQueries(), before) << "refused clients made rebound query the hierarchy";
}

TEST_F(OpenResolverTest, DeniedClientGetsNothingForEveryType) {
  const uint64_t before = AllNsdQueries();
  for (bool tcp : {false, true}) {
    for (ldns_rr_type type : OutsiderTypes()) {
      const std::string what = absl::StrCat(tcp ? "tcp " : "udp ", TypeName(type));
      Exchange e = Ask(kDeniedClient, n::kMxOwner, type, tcp, absl::Milliseconds(300));
      EXPECT_FALSE(e.reply.ok()) << what << ": a denied client got a reply";
      // UDP: silence. TCP: silence too (the connection is accepted, nothing is ever answered).
      EXPECT_TRUE(absl::IsDeadlineExceeded(e.reply.status()) ||
                  absl::IsUnavailable(e.reply.status()))
          << what << ": " << e.reply.status();
    }
  }
  EXPECT_EQ(AllNsdQueries(), before) << "denied clients made rebound query the hierarchy";
}

// ANY for the zone apex (SOA, NS, MX at alpha.test.): one RRset of them, not all three.
TEST_F(OpenResolverTest, AnyIsAnsweredWithOneRrsetOverUdpAndTcp) {
  // What a conventional ANY answer would hold: every RRset of the name. (NSD itself answers ANY
  // with one RRset, RFC 8482 4.1, so the apex's RRsets are asked of it one by one.)
  std::string zone_data;
  size_t conventional_bytes = QueryMessage(n::kMxOwner, LDNS_RR_TYPE_ANY, 7).size();
  for (ldns_rr_type type : {LDNS_RR_TYPE_SOA, LDNS_RR_TYPE_NS, LDNS_RR_TYPE_MX}) {
    absl::StatusOr<std::vector<uint8_t>> one = ExchangeFrom(
        At(kInsider, 0), At(n::kAlphaServer), QueryMessage(n::kMxOwner, type, 7), /*tcp=*/true);
    ASSERT_TRUE(one.ok()) << one.status();
    LdnsPktPtr parsed = ParseReply(*one);
    ASSERT_NE(parsed, nullptr);
    ASSERT_GE(ldns_pkt_ancount(parsed.get()), 1) << PacketToString(parsed.get());
    conventional_bytes += AnswerBytes(parsed.get());
    zone_data += SectionToString(parsed.get(), LDNS_SECTION_ANSWER);
  }
  for (int round = 0; round < 2; ++round) {  // resolved, then from the cache
    for (bool tcp : {false, true}) {
      const std::string what = absl::StrCat(round == 0 ? "first " : "again ", tcp ? "tcp" : "udp");
      Exchange e = Ask(kInsider, n::kMxOwner, LDNS_RR_TYPE_ANY, tcp);
      ASSERT_NE(e.parsed, nullptr) << what << ": " << e.reply.status();
      const ldns_pkt* r = e.parsed.get();
      EXPECT_EQ(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR) << what;
      ASSERT_GE(ldns_pkt_ancount(r), 1) << what << "\n" << PacketToString(r);
      EXPECT_TRUE(IsOneRrset(r)) << what << "\n" << PacketToString(r);
      // RFC 8482 4.1, 4.3: one of the apex's real RRsets, whichever rebound knows (the upstream
      // answer's, or the preferred one in its cache).
      const ldns_rr* first = ldns_rr_list_rr(ldns_pkt_answer(r), 0);
      char* owner = ldns_rdf2str(ldns_rr_owner(first));
      EXPECT_EQ(absl::AsciiStrToLower(owner), n::kMxOwner) << what;
      free(owner);
      for (size_t i = 0; i < ldns_pkt_ancount(r); ++i) {
        char* rdata = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(ldns_pkt_answer(r), i), 0));
        EXPECT_THAT(zone_data, ::testing::HasSubstr(rdata)) << what << ": not the zone's data";
        free(rdata);
      }
      EXPECT_EQ(ldns_pkt_nscount(r), 0) << what;
      // ldns takes the OPT out of the additional section: nothing else may be there.
      EXPECT_EQ(ldns_pkt_arcount(r), 0) << what;
      EXPECT_TRUE(ldns_pkt_edns(r)) << what;
      // Bounded: the question echoed plus the one RRset, and well under the authority's answer.
      EXPECT_LE(e.reply->size(), e.query.size() + AnswerBytes(r)) << what;
      EXPECT_LT(e.reply->size(), conventional_bytes) << what;
      if (round == 0 && !tcp) {
        std::cout << "ANY " << n::kMxOwner << ": query " << e.query.size() << " bytes, rebound's "
                  << "answer " << e.reply->size() << " bytes, a conventional answer at least "
                  << conventional_bytes << " bytes\n";
      }
    }
  }
}

// With several RRsets of the name cached, the preference decides: the alias, else addresses.
TEST_F(OpenResolverTest, AnyFromTheCachePrefersAliasesAndAddresses) {
  for (ldns_rr_type type : {LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_A}) {
    Exchange e = Ask(kInsider, n::kDualStack, type, /*tcp=*/false);
    ASSERT_NE(e.parsed, nullptr) << e.reply.status();
  }
  Exchange chain = Ask(kInsider, n::kChain1, LDNS_RR_TYPE_A, /*tcp=*/false);
  ASSERT_NE(chain.parsed, nullptr) << chain.reply.status();
  const uint64_t before = AllNsdQueries();
  for (bool tcp : {false, true}) {
    // dual has A and AAAA: the A RRset.
    Exchange dual = Ask(kInsider, n::kDualStack, LDNS_RR_TYPE_ANY, tcp);
    ASSERT_NE(dual.parsed, nullptr) << dual.reply.status();
    EXPECT_THAT(SectionToString(dual.parsed.get(), LDNS_SECTION_ANSWER),
                ::testing::Not(::testing::HasSubstr("AAAA")));
    EXPECT_THAT(RdataStrings(dual.parsed.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
                ::testing::ElementsAre(std::string(n::kDualStackA)));
    // chain1 is an alias: its CNAME alone, not chased.
    Exchange alias = Ask(kInsider, n::kChain1, LDNS_RR_TYPE_ANY, tcp);
    ASSERT_NE(alias.parsed, nullptr) << alias.reply.status();
    EXPECT_THAT(RdataStrings(alias.parsed.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME),
                ::testing::ElementsAre(std::string(n::kChain2)));
    EXPECT_EQ(ldns_pkt_ancount(alias.parsed.get()), 1) << PacketToString(alias.parsed.get());
  }
  EXPECT_EQ(AllNsdQueries(), before) << "answered from the cache, yet the hierarchy was asked";
}

TEST_F(OpenResolverTest, AnyForANameThatDoesNotExistIsNxdomain) {
  for (bool tcp : {false, true}) {
    Exchange e = Ask(kInsider, n::kNxdomain, LDNS_RR_TYPE_ANY, tcp);
    ASSERT_NE(e.parsed, nullptr) << e.reply.status();
    EXPECT_EQ(ldns_pkt_get_rcode(e.parsed.get()), LDNS_RCODE_NXDOMAIN)
        << PacketToString(e.parsed.get());
    EXPECT_EQ(ldns_pkt_ancount(e.parsed.get()), 0);
  }
}

TEST_F(OpenResolverTest, OrdinaryAnswersAreNotCut) {
  // The ANY rule touches ANY only: the other types of the apex come whole.
  Exchange ns = Ask(kInsider, n::kMxOwner, LDNS_RR_TYPE_NS, /*tcp=*/false);
  ASSERT_NE(ns.parsed, nullptr) << ns.reply.status();
  EXPECT_THAT(RdataStrings(ns.parsed.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_NS),
              ::testing::ElementsAre(absl::StrCat("ns1.", n::kAlphaZone)));
  Exchange aaaa = Ask(kInsider, n::kDualStack, LDNS_RR_TYPE_AAAA, /*tcp=*/true);
  ASSERT_NE(aaaa.parsed, nullptr) << aaaa.reply.status();
  EXPECT_THAT(RdataStrings(aaaa.parsed.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA),
              ::testing::ElementsAre(std::string(n::kDualStackAaaa)));
}

}  // namespace
}  // namespace rebound::integration
