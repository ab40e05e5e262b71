// Issue 16, local zones: rebound and unbound, given the same local-zone:, local-data: and
// local-data-ptr: lines, give the same answers, header to authority section, for every zone type
// and for the default zones (RFC 6761, 6303, 7686, 8375); and none of those questions reaches an
// authoritative server of the hierarchy.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "resolver/wire/ldns_ptr.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"
#include "tests/integration/fixture/suite_servers_test.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::ElementsAre;

constexpr char kRebound[] = "127.0.0.40";
constexpr char kUnbound[] = "127.0.0.41";

// Lines for both resolvers' server: clause. alpha.test. is a real zone of the hierarchy: a
// typetransparent zone over it answers one name locally and leaves the rest to its servers.
constexpr char kLocalZones[] =
    "  local-zone: \"home.lan.\" static\n"
    "  local-data: \"home.lan. 600 IN SOA ns.home.lan. admin.home.lan. 1 3600 600 86400 300\"\n"
    "  local-data: \"router.home.lan. A 192.168.1.1\"\n"
    "  local-data: \"router.home.lan. AAAA fd00::1\"\n"
    "  local-data: 'router.home.lan. TXT \"the router\"'\n"
    "  local-data: \"nas.storage.home.lan. 120 A 192.168.1.2\"\n"
    "  local-data: \"www.home.lan. CNAME router.home.lan.\"\n"
    "  local-data-ptr: \"192.168.1.1 router.home.lan.\"\n"
    "  local-data-ptr: \"fd00::1 7200 router.home.lan.\"\n"
    "  local-zone: \"ads.example.\" always_null\n"
    "  local-zone: \"tracker.example.\" redirect\n"
    "  local-data: \"tracker.example. A 192.0.2.99\"\n"
    "  local-zone: \"refused.example.\" refuse\n"
    "  local-data: \"ok.refused.example. A 192.0.2.98\"\n"
    "  local-zone: \"blocked.example.\" deny\n"
    "  local-zone: \"nx.example.\" always_nxdomain\n"
    "  local-zone: \"nodata.example.\" always_nodata\n"
    "  local-zone: \"alpha.test.\" typetransparent\n"
    "  local-data: \"local.alpha.test. A 192.0.2.97\"\n"
    "  local-data: \"standalone.example. A 192.0.2.96\"\n";

struct Question {
  std::string name;
  ldns_rr_type type;
};

// Answered without asking anyone.
std::vector<Question> LocalQuestions() {
  return {
      {"router.home.lan.", LDNS_RR_TYPE_A},
      {"ROUTER.home.lan.", LDNS_RR_TYPE_AAAA},
      {"router.home.lan.", LDNS_RR_TYPE_TXT},
      {"router.home.lan.", LDNS_RR_TYPE_MX},
      {"storage.home.lan.", LDNS_RR_TYPE_A},
      {"nas.storage.home.lan.", LDNS_RR_TYPE_A},
      {"missing.home.lan.", LDNS_RR_TYPE_A},
      {"home.lan.", LDNS_RR_TYPE_SOA},
      {"www.home.lan.", LDNS_RR_TYPE_A},
      {"1.1.168.192.in-addr.arpa.", LDNS_RR_TYPE_PTR},
      {"2.1.168.192.in-addr.arpa.", LDNS_RR_TYPE_PTR},
      {"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.",
       LDNS_RR_TYPE_PTR},
      {"a.ads.example.", LDNS_RR_TYPE_A},
      {"a.ads.example.", LDNS_RR_TYPE_AAAA},
      {"a.ads.example.", LDNS_RR_TYPE_MX},
      {"x.y.tracker.example.", LDNS_RR_TYPE_A},
      {"x.y.tracker.example.", LDNS_RR_TYPE_AAAA},
      {"ok.refused.example.", LDNS_RR_TYPE_A},
      {"no.refused.example.", LDNS_RR_TYPE_A},
      {"a.nx.example.", LDNS_RR_TYPE_A},
      {"a.nodata.example.", LDNS_RR_TYPE_A},
      {"local.alpha.test.", LDNS_RR_TYPE_A},
      {"standalone.example.", LDNS_RR_TYPE_A},
      {"standalone.example.", LDNS_RR_TYPE_AAAA},
      // The default zones.
      {"localhost.", LDNS_RR_TYPE_A},
      {"www.localhost.", LDNS_RR_TYPE_AAAA},
      {"localhost.", LDNS_RR_TYPE_MX},
      {"1.0.0.127.in-addr.arpa.", LDNS_RR_TYPE_PTR},
      {"2.0.0.127.in-addr.arpa.", LDNS_RR_TYPE_PTR},
      {"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
       LDNS_RR_TYPE_PTR},
      {"hidden.onion.", LDNS_RR_TYPE_A},
      {"printer.home.arpa.", LDNS_RR_TYPE_AAAA},
      {"4.3.2.10.in-addr.arpa.", LDNS_RR_TYPE_PTR},
      {"4.3.20.172.in-addr.arpa.", LDNS_RR_TYPE_PTR},
      {"1.1.254.169.in-addr.arpa.", LDNS_RR_TYPE_PTR},
      {"1.2.65.100.in-addr.arpa.", LDNS_RR_TYPE_PTR},
      {"1.0.8.e.f.ip6.arpa.", LDNS_RR_TYPE_PTR},
      {"1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", LDNS_RR_TYPE_PTR},
  };
}

// A reply in a form two resolvers are compared on: RCODE, AA, and the answer and authority
// sections, each record in canonical form (RFC 4034 6.2), TTL included: local data has fixed TTLs.
std::string Summary(const Endpoint& resolver, const Question& q, bool with_ttl = true) {
  QueryOptions options;
  options.timeout = absl::Seconds(2);
  absl::StatusOr<LdnsPktPtr> reply = Query(resolver, q.name, q.type, options);
  if (!reply.ok()) return "no reply";
  const ldns_pkt* pkt = reply->get();
  const ldns_lookup_table* rcode = ldns_lookup_by_id(ldns_rcodes, ldns_pkt_get_rcode(pkt));
  std::string out =
      absl::StrCat(rcode != nullptr ? rcode->name : "RCODE?", ldns_pkt_aa(pkt) ? " aa" : "");
  for (ldns_pkt_section section : {LDNS_SECTION_ANSWER, LDNS_SECTION_AUTHORITY}) {
    const ldns_rr_list* list = ldns_pkt_get_section_clone(pkt, section);
    LdnsRrListPtr owned(const_cast<ldns_rr_list*>(list));
    absl::StrAppend(&out, " |");
    for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      LdnsRrPtr copy(ldns_rr_clone(ldns_rr_list_rr(list, i)));
      ldns_rr2canonical(copy.get());
      if (!with_ttl) ldns_rr_set_ttl(copy.get(), 0);
      char* text = ldns_rr2str(copy.get());
      absl::StrAppend(&out, " ", absl::StripTrailingAsciiWhitespace(text != nullptr ? text : "?"));
      free(text);
    }
  }
  return out;
}

struct LocalZonesServers {
  std::unique_ptr<Subprocess> rebound;
};

class LocalZonesTest : public SuiteServersTest<LocalZonesServers> {
 public:
  static void SetUpTestSuite() {
    StartSuite({"bash", "nsd", "unbound"}, /*with_unbound=*/false, &StartServers);
  }

  static absl::Status StartServers(LocalZonesServers& s) {
    if (absl::Status st = hierarchy().StartUnbound(EndpointAt(kUnbound), kLocalZones); !st.ok()) {
      return st;
    }
    return MoveInto(
        StartRebound(REBOUND_BINARY, hierarchy(), "rebound-local-zones",
                     absl::StrCat(RecursiveServerConfig(hierarchy(), kRebound), kLocalZones),
                     EndpointAt(kRebound)),
        &s.rebound);
  }

 protected:
  // The hierarchy's query count once it has stopped moving: the reference unbound's own start-up
  // questions (its readiness probe, its priming) may still be arriving.
  static uint64_t QuietNsdQueries() {
    uint64_t count = AllNsdQueries();
    for (int i = 0; i < 20; ++i) {
      absl::SleepFor(absl::Milliseconds(200));
      const uint64_t now = AllNsdQueries();
      if (now == count) break;
      count = now;
    }
    return count;
  }

  void TearDown() override {
    if (IsSkipped() || !HasFailure() || servers().rebound == nullptr) return;
    std::cerr << "rebound log: " << servers().rebound->log_path()
              << "\nunbound log: " << hierarchy().UnboundLogPath(EndpointAt(kUnbound)) << "\n";
  }
};

TEST_F(LocalZonesTest, SameAnswersAsUnboundAndNothingReachesAnAuthority) {
  const std::vector<Question> questions = LocalQuestions();
  std::vector<std::string> answers;
  const uint64_t before = QuietNsdQueries();
  for (const Question& q : questions) answers.push_back(Summary(EndpointAt(kRebound), q));
  EXPECT_EQ(AllNsdQueries(), before) << "a question for a local zone reached an authority";
  for (size_t i = 0; i < answers.size(); ++i) {
    const Question& q = questions[i];
    EXPECT_NE(answers[i], "no reply") << q.name;
    EXPECT_EQ(answers[i], Summary(EndpointAt(kUnbound), q))
        << q.name << " type " << q.type << ": rebound and unbound disagree";
  }
  // Spot checks of what both said, so that agreeing on something wrong fails too.
  EXPECT_EQ(Summary(EndpointAt(kRebound), {"router.home.lan.", LDNS_RR_TYPE_A}),
            "NOERROR aa | router.home.lan.\t3600\tIN\tA\t192.168.1.1 |");
  EXPECT_EQ(Summary(EndpointAt(kRebound), {"missing.home.lan.", LDNS_RR_TYPE_A}),
            "NXDOMAIN aa | | home.lan.\t300\tIN\tSOA\tns.home.lan. admin.home.lan. 1 3600 600 "
            "86400 300");
  EXPECT_EQ(Summary(EndpointAt(kRebound), {"x.y.tracker.example.", LDNS_RR_TYPE_A}),
            "NOERROR aa | x.y.tracker.example.\t3600\tIN\tA\t192.0.2.99 |");
}

TEST_F(LocalZonesTest, DenyZonesSendNothingAndTypetransparentZonesResolveTheRest) {
  // A name of the hierarchy's alpha.test. that the local data does not hold: resolved there.
  const Question resolved{std::string(n::kV4Only), LDNS_RR_TYPE_A};
  const std::string answer = Summary(EndpointAt(kRebound), resolved, /*with_ttl=*/false);
  EXPECT_EQ(answer, absl::StrCat("NOERROR | ", n::kV4Only, "\t0\tIN\tA\t", n::kV4OnlyA, " |"));
  EXPECT_EQ(answer, Summary(EndpointAt(kUnbound), resolved, /*with_ttl=*/false));
  // unbound answers nothing at all for a deny zone; no more does rebound.
  const Question denied{"www.blocked.example.", LDNS_RR_TYPE_A};
  EXPECT_EQ(Summary(EndpointAt(kUnbound), denied), "no reply");
  EXPECT_EQ(Summary(EndpointAt(kRebound), denied), "no reply");
}

}  // namespace
}  // namespace rebound::integration
