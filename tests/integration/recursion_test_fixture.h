// The fixture of recursion_test.cc: the rebounds it starts, the authoritative servers the
// test plays, the data they serve, and the helpers that read replies. Included by that one file
// only (its suite state is defined there).
#ifndef REBOUND_TESTS_INTEGRATION_RECURSION_TEST_FIXTURE_H_
#define REBOUND_TESTS_INTEGRATION_RECURSION_TEST_FIXTURE_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "tests/integration/fixture/client_from.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/scripted_auth_server.h"
#include "tests/integration/fixture/subprocess.h"
#include "tests/integration/fixture/suite_servers_test.h"

namespace rebound::integration::recursion_test {

namespace n = names;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// Listening addresses of the rebounds this file starts (each with its own config).
constexpr char kSharedRebound[] = "127.0.0.10";
// Cold cache for the poisoning test.
constexpr char kPoisonRebound[] = "127.0.0.11";
// qname-minimisation: no.
constexpr char kNoQminRebound[] = "127.0.0.12";
// Dead root hints plus a stub-zone.
constexpr char kStubRebound[] = "127.0.0.13";
// A forward-zone for one zone, recursion for the rest.
constexpr char kMixedRebound[] = "127.0.0.14";
// do-ip4: no, so it can listen on IPv6 only.
constexpr char kNoIp4Rebound[] = "::1";
// A forwarder played by the test, for the forward-zone-beside-recursion test.
constexpr char kFakeForwarder[] = "127.0.0.56";
// Root hints of the stub-zone test name this; nothing listens there.
constexpr char kDeadRoot[] = "127.0.99.1";

// rebound gives each client query about 10 s; the slack covers a loaded machine.
constexpr absl::Duration kClientBudget = absl::Seconds(12);
constexpr absl::Duration kPatience = absl::Seconds(15);  // client timeout when the budget is tested

// Data served by the zones the test plays. All global-looking, none in the NSD hierarchy.
constexpr char kPoisonName[] = "poison.scripted.test.";
constexpr char kPoisonLegitA[] = "20.30.40.60";
constexpr char kPoisonBogusA[] = "6.6.6.6";
constexpr char kCaseA[] = "20.30.40.61";  // case0 .. case5.scripted.test.
constexpr int kCaseNames = 6;
constexpr char kNoCaseName[] = "nocase.scripted.test.";
constexpr char kNoCaseA[] = "20.30.40.62";
constexpr char kNoEdnsName[] = "noedns.scripted.test.";
constexpr char kNoEdnsA[] = "20.30.40.63";
constexpr char kDeepName[] = "a.b.c.scripted.test.";
constexpr char kDeepA[] = "20.30.40.64";
constexpr char kFlakyA[] = "20.30.40.65";  // n0 .. n7 of refused.test. and servfail.test.
constexpr int kFlakyNames = 8;
constexpr char kLossyName[] = "lossy.scripted.test.";
constexpr char kLossyA[] = "20.30.40.66";
constexpr char kForwardedA[] = "20.30.40.99";  // what the fake forwarder says www.beta.example is

std::string S(absl::string_view v) { return std::string(v); }
Endpoint At(absl::string_view address) { return EndpointAt(address); }

std::string Soa(absl::string_view zone, absl::string_view primary) {
  return absl::StrCat(zone, " 3600 IN SOA ", primary, " hostmaster.", zone,
                      " 1 3600 900 604800 60");
}

StaticZone ScriptedZone() {
  std::vector<std::string> records = {
      Soa(n::kScriptedZone, n::kScriptedNs),
      absl::StrCat(n::kScriptedZone, " 3600 IN NS ", n::kScriptedNs),
      absl::StrCat(n::kScriptedNs, " 3600 IN A ", n::kScriptedServer),
      absl::StrCat(kPoisonName, " 3600 IN A ", kPoisonLegitA),
      absl::StrCat(kNoCaseName, " 3600 IN A ", kNoCaseA),
      absl::StrCat(kNoEdnsName, " 3600 IN A ", kNoEdnsA),
      absl::StrCat(kDeepName, " 3600 IN A ", kDeepA),
      absl::StrCat(kLossyName, " 3600 IN A ", kLossyA),
  };
  for (int i = 0; i < kCaseNames; ++i) {
    records.push_back(absl::StrCat("case", i, ".", n::kScriptedZone, " 3600 IN A ", kCaseA));
  }
  return StaticZone(n::kScriptedZone, records);
}

// refused.test. or servfail.test.: ns1 (bad) and ns2 (good), names n0 .. n7.
StaticZone FlakyZone(absl::string_view zone, absl::string_view bad, absl::string_view good) {
  std::vector<std::string> records = {
      Soa(zone, absl::StrCat("ns2.", zone)),
      absl::StrCat(zone, " 3600 IN NS ns1.", zone),
      absl::StrCat(zone, " 3600 IN NS ns2.", zone),
      absl::StrCat("ns1.", zone, " 3600 IN A ", bad),
      absl::StrCat("ns2.", zone, " 3600 IN A ", good),
  };
  for (int i = 0; i < kFlakyNames; ++i) {
    records.push_back(absl::StrCat("n", i, ".", zone, " 3600 IN A ", kFlakyA));
  }
  return StaticZone(zone, records);
}

ScriptedAuthServer::Handler Answering(StaticZone zone) {
  return [zone](const ldns_pkt& query) { return zone.Answer(query); };
}

ScriptedAuthServer::Handler Failing(ldns_pkt_rcode rcode) {
  return [rcode](const ldns_pkt& query) {
    LdnsPktPtr reply = ReplyTo(query, rcode);
    ldns_pkt_set_aa(reply.get(), false);
    return reply;
  };
}

std::string Lower(absl::string_view name) { return absl::AsciiStrToLower(name); }

// `name` is `zone` or below it (both absolute, any case).
bool UnderZone(absl::string_view name, absl::string_view zone) {
  const std::string n = Lower(name), z = Lower(zone);
  return n == z || absl::EndsWith(n, absl::StrCat(".", z));
}

bool HasUpper(absl::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return absl::ascii_isupper(c); });
}

std::string Describe(const std::vector<ScriptedAuthServer::ReceivedQuery>& queries) {
  std::string out;
  for (const auto& q : queries) {
    absl::StrAppend(&out, "  ", q.qname, " type ", q.qtype, q.edns ? " edns" : " no-edns",
                    q.tcp ? " tcp" : " udp", "\n");
  }
  return out.empty() ? "  (none)\n" : out;
}

// "owner TYPE rdata" for every record of a section, owner lowercased: the order of a CNAME
// chain is visible in it.
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

// Every record in any section whose owner is `zone` or below it.
std::vector<std::string> RecordsUnder(const ldns_pkt* pkt, absl::string_view zone) {
  std::vector<std::string> out;
  for (ldns_pkt_section section :
       {LDNS_SECTION_ANSWER, LDNS_SECTION_AUTHORITY, LDNS_SECTION_ADDITIONAL}) {
    for (const std::string& line : SectionLines(pkt, section)) {
      if (UnderZone(line.substr(0, line.find(' ')), zone)) out.push_back(line);
    }
  }
  return out;
}

uint32_t FirstTtl(const ldns_pkt* pkt, ldns_pkt_section section) {
  const ldns_rr_list* list =
      section == LDNS_SECTION_ANSWER ? ldns_pkt_answer(pkt) : ldns_pkt_authority(pkt);
  return ldns_rr_list_rr_count(list) > 0 ? ldns_rr_ttl(ldns_rr_list_rr(list, 0)) : 0;
}

ldns_pkt_rcode Rcode(const LdnsPktPtr& pkt) { return ldns_pkt_get_rcode(pkt.get()); }

uint64_t Count(const NsdQueryStats& stats, const std::string& type) {
  auto it = stats.by_type.find(type);
  return it == stats.by_type.end() ? 0 : it->second;
}

LdnsPktPtr Ask(const Endpoint& server, absl::string_view name, ldns_rr_type type,
               const QueryOptions& options = {}) {
  absl::StatusOr<LdnsPktPtr> reply = Query(server, name, type, options);
  EXPECT_TRUE(reply.ok()) << name << " at " << server.ToString() << ": " << reply.status();
  return reply.ok() ? *std::move(reply) : nullptr;
}

struct TimedReply {
  LdnsPktPtr reply;
  absl::Duration took;
};

TimedReply TimedAsk(const Endpoint& server, absl::string_view name, ldns_rr_type type,
                    absl::Duration timeout = kPatience) {
  QueryOptions options;
  options.timeout = timeout;
  const absl::Time start = absl::Now();
  LdnsPktPtr reply = Ask(server, name, type, options);
  return {std::move(reply), absl::Now() - start};
}

QueryOptions Patient() {
  QueryOptions options;
  options.timeout = kPatience;
  return options;
}

// The answer section is exactly `a` for `name` (and nothing else).
void ExpectSingleA(const LdnsPktPtr& reply, absl::string_view name, absl::string_view a) {
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(Rcode(reply), LDNS_RCODE_NOERROR) << PacketToString(reply.get());
  EXPECT_THAT(SectionLines(reply.get(), LDNS_SECTION_ANSWER),
              ElementsAre(absl::StrCat(Lower(name), " A ", a)))
      << PacketToString(reply.get());
}

struct RecursionServers {
  std::unique_ptr<Subprocess> rebound;
  NsdQueryStats root_before_start;
  std::unique_ptr<ScriptedAuthServer> scripted, blackhole, halfblack_hole, refused_bad,
      refused_good, servfail_bad, servfail_good, forwarder;
};

class RecursionTest : public SuiteServersTest<RecursionServers> {
 public:
  static void SetUpTestSuite() {
    // No reference unbound: the root's query counters must show only rebound's priming.
    StartSuite({"bash", "nsd"}, /*with_unbound=*/false, &StartServers);
  }

  static absl::Status StartServers(RecursionServers& s) {
    struct Wanted {
      std::unique_ptr<ScriptedAuthServer>* slot;
      absl::string_view address;
    };
    for (const Wanted& w :
         {Wanted{&s.scripted, n::kScriptedServer}, Wanted{&s.blackhole, n::kBlackholeServer},
          Wanted{&s.halfblack_hole, n::kHalfblackHoleServer},
          Wanted{&s.refused_bad, n::kRefusedBadServer},
          Wanted{&s.refused_good, n::kRefusedGoodServer},
          Wanted{&s.servfail_bad, n::kServfailBadServer},
          Wanted{&s.servfail_good, n::kServfailGoodServer}, Wanted{&s.forwarder, kFakeForwarder}}) {
      if (absl::Status st = MoveInto(ScriptedAuthServer::Start(At(w.address)), w.slot); !st.ok()) {
        return st;
      }
    }
    ResetHandlers(s);
    // Before start-up: rebound may prime at once or when the first question needs the root.
    absl::StatusOr<NsdQueryStats> root = hierarchy().QueryStats("root");
    if (!root.ok()) return root.status();
    s.root_before_start = *root;
    // Explicit where rebound's default might differ: the tests below depend on these.
    return MoveInto(StartRebound(REBOUND_BINARY, hierarchy(), "rebound-recursive",
                                 absl::StrCat(RecursiveServerConfig(hierarchy(), kSharedRebound),
                                              "  qname-minimisation: yes\n"
                                              "  edns-buffer-size: 1232\n"),
                                 At(kSharedRebound)),
                    &s.rebound);
  }

 protected:
  // The behaviour every test starts from: scripted.test answers correctly, the black holes are
  // silent, ns1 of refused.test / servfail.test misbehave and ns2 answers, the fake forwarder
  // says kForwardedA for www.beta.example and REFUSED for the rest.
  static void ResetHandlers(RecursionServers& s) {
    s.scripted->SetHandler(Answering(ScriptedZone()));
    s.blackhole->SetHandler(nullptr);
    s.halfblack_hole->SetHandler(nullptr);
    s.refused_bad->SetHandler(Failing(LDNS_RCODE_REFUSED));
    s.refused_good->SetHandler(
        Answering(FlakyZone(n::kRefusedZone, n::kRefusedBadServer, n::kRefusedGoodServer)));
    s.servfail_bad->SetHandler(Failing(LDNS_RCODE_SERVFAIL));
    s.servfail_good->SetHandler(
        Answering(FlakyZone(n::kServfailZone, n::kServfailBadServer, n::kServfailGoodServer)));
    s.forwarder->SetHandler([](const ldns_pkt& query) {
      if (Lower(QuestionName(query)) != Lower(n::kBetaWww) ||
          QuestionType(query) != LDNS_RR_TYPE_A) {
        LdnsPktPtr refused = ReplyTo(query, LDNS_RCODE_REFUSED);
        ldns_pkt_set_aa(refused.get(), false);
        return refused;
      }
      // What a recursive forwarder sends: RA, not AA.
      LdnsPktPtr reply = ReplyTo(query);
      ldns_pkt_set_aa(reply.get(), false);
      ldns_pkt_set_ra(reply.get(), true);
      AddRecord(reply.get(), LDNS_SECTION_ANSWER,
                absl::StrCat(n::kBetaWww, " 300 IN A ", kForwardedA));
      return reply;
    });
  }

  void SetUp() override {
    SuiteServersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    for (ScriptedAuthServer* s : Scripted()) s->ClearQueries();
  }

  void TearDown() override {
    if (IsSkipped() || servers().rebound == nullptr) return;
    ResetHandlers(servers());
    if (HasFailure())
      std::cerr << "shared rebound's log: " << servers().rebound->log_path() << "\n";
  }

  static std::vector<ScriptedAuthServer*> Scripted() {
    return {servers().scripted.get(),       servers().blackhole.get(),
            servers().halfblack_hole.get(), servers().refused_bad.get(),
            servers().refused_good.get(),   servers().servfail_bad.get(),
            servers().servfail_good.get(),  servers().forwarder.get()};
  }

  static Endpoint Rebound() { return At(kSharedRebound); }

  // A rebound of the test's own, listening on `address`, with `extra` appended to the recursive
  // server clause (options indented two spaces, or whole clauses).
  static std::unique_ptr<Subprocess> StartOwnRebound(absl::string_view name,
                                                     absl::string_view address,
                                                     absl::string_view extra) {
    const std::string config = absl::StrCat(RecursiveServerConfig(hierarchy(), address), extra);
    absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
        StartRebound(REBOUND_BINARY, hierarchy(), name, config, At(address));
    EXPECT_TRUE(rebound.ok()) << rebound.status();
    return rebound.ok() ? *std::move(rebound) : nullptr;
  }

  static NsdQueryStats Stats(absl::string_view instance) {
    absl::StatusOr<NsdQueryStats> stats = hierarchy().QueryStats(instance);
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? *stats : NsdQueryStats{};
  }
};

}  // namespace rebound::integration::recursion_test

#endif  // REBOUND_TESTS_INTEGRATION_RECURSION_TEST_FIXTURE_H_
