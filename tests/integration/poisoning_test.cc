// Cache poisoning: forged replies from an off-path spoofer, and lies from the zone's own server.
// None may reach rebound's cache or a client; each test then asks rebound for the poisoned names
// and gets the real answer (or the real NXDOMAIN), never the forged data.
//
// What recursion_test.cc already covers is not repeated here: its
// KeepsOnlyInBailiwickRecordsFromAPoisoningServer (a server of scripted.test. adding an A record
// and an NS delegation for alpha.test., a sibling zone, with glue) and the 0x20 tests
// (QueryNamesHaveRandomizedLetterCase, ServerThatDoesNotEchoTheCaseIsStillUsable).
//
// The spoofer (fixture/off_path_spoofer.h) writes raw IPv4/UDP datagrams with any source. It
// learns the port and ID to aim at from the query the scripted server received, and sends its
// forgery before the real server's reply leaves: each forgery is as good as an attacker who won
// the race, wrong in exactly one respect. A control test shows a forgery right in every respect
// is taken, so the others fail for the reason they test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/off_path_spoofer.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/scripted_auth_server.h"
#include "tests/integration/fixture/subprocess.h"
#include "tests/integration/fixture/suite_servers_test.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRebound[] = "127.0.0.10";
constexpr char kLegitA[] = "20.30.40.70";  // every name of the scripted zone below
constexpr char kBogusA[] = "6.6.6.6";      // what the forgeries and the lying server claim
constexpr char kBogusAaaa[] = "2001:db8:666::6";
// Another address in the scripted server's /24, where nothing listens.
constexpr char kScriptedNeighbour[] = "127.0.20.2";

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(s); }

// The names of scripted.test. the tests ask; each test has its own, so the cache of the one
// rebound the suite shares never holds a name before its test asks it.
const std::vector<std::string>& ScriptedNames() {
  static const auto* names = new std::vector<std::string>{
      "wrong-id",   "wrong-port", "wrong-address", "other-name",    "other-type",
      "wrong-case", "control",    "unsolicited",   "parent-hijack", "wrong-case-then-lost"};
  return *names;
}
std::string Scripted(absl::string_view label) { return absl::StrCat(label, ".", n::kScriptedZone); }

StaticZone ScriptedZone() {
  std::vector<std::string> records = {
      absl::StrCat(n::kScriptedZone, " 3600 IN SOA ", n::kScriptedNs, " hostmaster.",
                   n::kScriptedZone, " 1 3600 900 604800 60"),
      absl::StrCat(n::kScriptedZone, " 3600 IN NS ", n::kScriptedNs),
      absl::StrCat(n::kScriptedNs, " 3600 IN A ", n::kScriptedServer),
  };
  for (const std::string& label : ScriptedNames()) {
    records.push_back(absl::StrCat(Scripted(label), " 3600 IN A ", kLegitA));
  }
  return StaticZone(n::kScriptedZone, records);
}

// Flips the letter case of a presentation-format name.
std::string FlipCase(absl::string_view name) {
  std::string out(name);
  for (char& c : out) c = absl::ascii_isupper(c) ? absl::ascii_tolower(c) : absl::ascii_toupper(c);
  return out;
}

// Replaces the question of `pkt` with (name, type).
void SetQuestion(ldns_pkt* pkt, absl::string_view name, ldns_rr_type type) {
  ldns_rr_list_deep_free(ldns_pkt_question(pkt));
  ldns_rr* q = ldns_rr_new();
  ldns_rr_set_question(q, true);
  ldns_rr_set_owner(q, ldns_dname_new_frm_str(std::string(name).c_str()));
  ldns_rr_set_type(q, type);
  ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
  ldns_rr_list* list = ldns_rr_list_new();
  ldns_rr_list_push_rr(list, q);
  ldns_pkt_set_question(pkt, list);
  ldns_pkt_set_qdcount(pkt, 1);
}

// A forged reply, built from the query the scripted server saw, and where it claims to be from.
struct Forgery {
  LdnsPktPtr reply;
  Endpoint source;
};
// Makes one respect of a correct forgery wrong (or none, for the control).
using Spoil = std::function<void(Forgery&, const ScriptedAuthServer::ReceivedQuery&)>;

struct PoisoningServers {
  std::unique_ptr<OffPathSpoofer> spoofer;
  std::unique_ptr<ScriptedAuthServer> scripted;
  std::unique_ptr<Subprocess> rebound;
};

class PoisoningTest : public SuiteServersTest<PoisoningServers> {
 public:
  static void SetUpTestSuite() {
    StartSuite({"bash", "nsd"}, /*with_unbound=*/false, &StartServers);
  }

  static absl::Status StartServers(PoisoningServers& s) {
    if (absl::Status st = MoveInto(OffPathSpoofer::Open(), &s.spoofer); !st.ok()) return st;
    if (absl::Status st =
            MoveInto(ScriptedAuthServer::Start(EndpointAt(n::kScriptedServer)), &s.scripted);
        !st.ok()) {
      return st;
    }
    ResetHandler(s);
    // 0x20 explicitly: the wrong-case test depends on it.
    return MoveInto(StartRebound(REBOUND_BINARY, hierarchy(), "rebound-poisoning",
                                 absl::StrCat(RecursiveServerConfig(hierarchy(), kRebound),
                                              "  use-caps-for-id: yes\n"),
                                 EndpointAt(kRebound)),
                    &s.rebound);
  }

 protected:
  static void ResetHandler(PoisoningServers& s) {
    StaticZone zone = ScriptedZone();
    s.scripted->SetHandler([zone](const ldns_pkt& q) { return zone.Answer(q); });
  }

  void SetUp() override {
    SuiteServersTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    servers().scripted->ClearQueries();
  }

  void TearDown() override {
    if (IsSkipped() || servers().rebound == nullptr) return;
    ResetHandler(servers());
    if (HasFailure()) std::cerr << "rebound log: " << servers().rebound->log_path() << "\n";
  }

  static LdnsPktPtr Ask(absl::string_view name, ldns_rr_type type) {
    QueryOptions options;
    options.timeout = absl::Seconds(12);
    absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(kRebound), name, type, options);
    EXPECT_TRUE(reply.ok()) << name << ": " << reply.status();
    return reply.ok() ? *std::move(reply) : nullptr;
  }

  // The real answer for `name` (an A of the scripted zone, or of the hierarchy), and nothing
  // forged anywhere in the message.
  static void ExpectRealA(absl::string_view name, absl::string_view a) {
    LdnsPktPtr r = Ask(name, LDNS_RR_TYPE_A);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_NOERROR) << PacketToString(r.get());
    EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, name),
                ElementsAre(std::string(a)))
        << PacketToString(r.get());
    EXPECT_THAT(PacketToString(r.get()), Not(HasSubstr(kBogusA)));
  }

  static void ExpectNoSuchData(absl::string_view name, ldns_rr_type type, ldns_pkt_rcode rcode) {
    LdnsPktPtr r = Ask(name, type);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(r.get()), rcode) << PacketToString(r.get());
    EXPECT_EQ(ldns_pkt_ancount(r.get()), 0) << PacketToString(r.get());
    EXPECT_THAT(PacketToString(r.get()), Not(HasSubstr(kBogusA)));
    EXPECT_THAT(PacketToString(r.get()), Not(HasSubstr(kBogusAaaa)));
  }

  // The scripted server answers truly, but for the A query of `target` the spoofer first sends a
  // forgery (claiming kBogusA, from the scripted server, to rebound's port, with the query's ID
  // and question as received), spoiled by `spoil`. Returns how many forgeries went out.
  static std::shared_ptr<std::atomic<int>> SpoofAnswersFor(const std::string& target, Spoil spoil) {
    auto sent = std::make_shared<std::atomic<int>>(0);
    StaticZone zone = ScriptedZone();
    ScriptedAuthServer* server = servers().scripted.get();
    const OffPathSpoofer* spoofer = servers().spoofer.get();
    server->SetHandler([=](const ldns_pkt& query) {
      LdnsPktPtr real = zone.Answer(query);
      if (Lower(QuestionName(query)) != target || QuestionType(query) != LDNS_RR_TYPE_A) {
        return real;
      }
      // Recorded before the handler runs: this query's source address and port.
      const ScriptedAuthServer::ReceivedQuery seen = server->queries().back();
      Forgery forgery{ReplyTo(query), server->endpoint()};
      ldns_pkt_set_aa(forgery.reply.get(), true);
      AddRecord(forgery.reply.get(), LDNS_SECTION_ANSWER,
                absl::StrCat(seen.qname, " 3600 IN A ", kBogusA));
      spoil(forgery, seen);
      // Counted before it goes: a forgery that is taken reaches the client before this thread
      // would get to count it afterwards.
      sent->fetch_add(1);
      absl::Status s = spoofer->Send(forgery.source, seen.from, *forgery.reply);
      if (!s.ok()) {
        sent->fetch_sub(1);
        std::cerr << "spoofer: " << s << "\n";
      }
      return real;
    });
    return sent;
  }

  // A forgery spoiled by `spoil` changes nothing: the client gets the real A, now and from the
  // cache.
  static void ExpectForgeryIgnored(absl::string_view label, Spoil spoil) {
    const std::string name = Scripted(label);
    std::shared_ptr<std::atomic<int>> sent = SpoofAnswersFor(name, std::move(spoil));
    ExpectRealA(name, kLegitA);
    EXPECT_GE(sent->load(), 1) << "no forgery was sent: the test tested nothing";
    ResetHandler(servers());
    ExpectRealA(name, kLegitA);  // cached
  }
};

// ---- The off-path spoofer -----------------------------------------------------------------------

// The control: right source, port, ID, question and letter case. rebound cannot tell it from
// the real reply, and takes it: the other forgeries fail only by what each gets wrong.
TEST_F(PoisoningTest, ControlAForgeryRightInEveryRespectIsTaken) {
  const std::string name = Scripted("control");
  std::shared_ptr<std::atomic<int>> sent =
      SpoofAnswersFor(name, [](Forgery&, const ScriptedAuthServer::ReceivedQuery&) {});
  LdnsPktPtr r = Ask(name, LDNS_RR_TYPE_A);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(sent->load(), 1);
  EXPECT_THAT(RdataStrings(r.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(std::string(kBogusA)))
      << "the spoofer's datagrams do not reach rebound, so the tests below prove nothing:\n"
      << PacketToString(r.get());
}

TEST_F(PoisoningTest, ForgeryWithTheWrongIdIsIgnored) {
  ExpectForgeryIgnored("wrong-id", [](Forgery& f, const ScriptedAuthServer::ReceivedQuery&) {
    ldns_pkt_set_id(f.reply.get(), static_cast<uint16_t>(ldns_pkt_id(f.reply.get()) + 1));
  });
}

TEST_F(PoisoningTest, ForgeryFromTheWrongSourcePortIsIgnored) {
  ExpectForgeryIgnored("wrong-port", [](Forgery& f, const ScriptedAuthServer::ReceivedQuery&) {
    f.source.set_port(5353);
  });
}

TEST_F(PoisoningTest, ForgeryFromTheWrongSourceAddressIsIgnored) {
  ExpectForgeryIgnored("wrong-address", [](Forgery& f, const ScriptedAuthServer::ReceivedQuery&) {
    f.source = EndpointAt(kScriptedNeighbour);
  });
}

TEST_F(PoisoningTest, ForgeryForAnotherNameIsIgnoredAndDoesNotPoisonThatName) {
  const std::string victim = Scripted("victim-other-name");  // does not exist
  ExpectForgeryIgnored(
      "other-name", [victim](Forgery& f, const ScriptedAuthServer::ReceivedQuery&) {
        LdnsPktPtr reply(ldns_pkt_new());
        ldns_pkt_set_id(reply.get(), ldns_pkt_id(f.reply.get()));
        ldns_pkt_set_qr(reply.get(), true);
        ldns_pkt_set_aa(reply.get(), true);
        SetQuestion(reply.get(), victim, LDNS_RR_TYPE_A);
        AddRecord(reply.get(), LDNS_SECTION_ANSWER, absl::StrCat(victim, " 3600 IN A ", kBogusA));
        f.reply = std::move(reply);
      });
  ExpectNoSuchData(victim, LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN);
}

TEST_F(PoisoningTest, ForgeryForAnotherTypeIsIgnoredAndDoesNotPoisonThatType) {
  const std::string name = Scripted("other-type");
  ExpectForgeryIgnored("other-type",
                       [name](Forgery& f, const ScriptedAuthServer::ReceivedQuery& seen) {
                         SetQuestion(f.reply.get(), seen.qname, LDNS_RR_TYPE_AAAA);
                         ldns_rr_list_deep_free(ldns_pkt_answer(f.reply.get()));
                         ldns_pkt_set_answer(f.reply.get(), ldns_rr_list_new());
                         ldns_pkt_set_ancount(f.reply.get(), 0);
                         AddRecord(f.reply.get(), LDNS_SECTION_ANSWER,
                                   absl::StrCat(seen.qname, " 3600 IN AAAA ", kBogusAaaa));
                       });
  // The name has an A record only: NODATA for AAAA.
  ExpectNoSuchData(name, LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR);
}

// draft-vixie-dnsext-dns0x20: the right ID and port, but the name's letter case as a blind
// attacker must guess it; rebound's query had its own random case.
TEST_F(PoisoningTest, ForgeryWithTheWrongLetterCaseIsIgnored) {
  ExpectForgeryIgnored("wrong-case", [](Forgery& f, const ScriptedAuthServer::ReceivedQuery& seen) {
    SetQuestion(f.reply.get(), FlipCase(seen.qname), LDNS_RR_TYPE_A);
  });
  // The server did echo the case, so rebound still asks it with 0x20.
  bool mixed = false;
  for (const auto& q : servers().scripted->queries()) {
    mixed |= q.qname != Lower(q.qname);
  }
  EXPECT_TRUE(mixed) << "rebound stopped using 0x20 with a server that echoes the case";
}

// Issue 15 item 7: a blind forger who guesses the case wrong, while the real reply is lost,
// must not switch 0x20 off for the server: the next queries to it still carry random case.
TEST_F(PoisoningTest, OneWrongCaseForgeryAndALostReplyLeave0x20On) {
  const std::string name = Scripted("wrong-case-then-lost");
  std::shared_ptr<std::atomic<int>> forged = std::make_shared<std::atomic<int>>(0);
  StaticZone zone = ScriptedZone();
  ScriptedAuthServer* server = servers().scripted.get();
  const OffPathSpoofer* spoofer = servers().spoofer.get();
  server->SetHandler([=](const ldns_pkt& query) -> LdnsPktPtr {
    LdnsPktPtr real = zone.Answer(query);
    if (Lower(QuestionName(query)) != name || forged->load() > 0) return real;
    const ScriptedAuthServer::ReceivedQuery seen = server->queries().back();
    Forgery forgery{ReplyTo(query), server->endpoint()};
    SetQuestion(forgery.reply.get(), FlipCase(seen.qname), LDNS_RR_TYPE_A);
    AddRecord(forgery.reply.get(), LDNS_SECTION_ANSWER,
              absl::StrCat(seen.qname, " 3600 IN A ", kBogusA));
    forged->fetch_add(1);
    if (absl::Status st = spoofer->Send(forgery.source, seen.from, *forgery.reply); !st.ok()) {
      std::cerr << "spoofer: " << st << "\n";
    }
    return nullptr;  // and the real reply is lost
  });
  ExpectRealA(name, kLegitA);
  ASSERT_EQ(forged->load(), 1);
  ResetHandler(servers());
  servers().scripted->ClearQueries();
  ExpectNoSuchData(Scripted("after-the-wrong-case-forgery"), LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN);
  bool mixed = false;
  for (const auto& q : servers().scripted->queries()) mixed |= q.qname != Lower(q.qname);
  EXPECT_TRUE(mixed) << "one forged reply turned 0x20 off for the server";
}

// ---- A lying authority -----------------------------------------------------------------------

// In-bailiwick lies the bailiwick rule alone does not stop: records of the server's own zone
// for names nobody asked about, in the answer and additional sections.
TEST_F(PoisoningTest, UnsolicitedRecordsOfTheZoneAreNotCached) {
  const std::string name = Scripted("unsolicited");
  const std::string in_answer = Scripted("unasked-answer");
  const std::string in_additional = Scripted("unasked-additional");
  StaticZone zone = ScriptedZone();
  servers().scripted->SetHandler([=](const ldns_pkt& query) {
    LdnsPktPtr reply = zone.Answer(query);
    if (Lower(QuestionName(query)) == name) {
      AddRecord(reply.get(), LDNS_SECTION_ANSWER, absl::StrCat(in_answer, " 3600 IN A ", kBogusA));
      AddRecord(reply.get(), LDNS_SECTION_ADDITIONAL,
                absl::StrCat(in_additional, " 3600 IN A ", kBogusA));
      AddRecord(reply.get(), LDNS_SECTION_ADDITIONAL,
                absl::StrCat(n::kScriptedNs, " 3600 IN AAAA ", kBogusAaaa));
    }
    return reply;
  });
  ExpectRealA(name, kLegitA);
  ResetHandler(servers());
  ExpectNoSuchData(in_answer, LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN);
  ExpectNoSuchData(in_additional, LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN);
  ExpectNoSuchData(n::kScriptedNs, LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR);
}

// The server of scripted.test. claims to serve its parent, test., and hands out an address for
// the parent's server: a resolver that believed it would send every .test question here.
TEST_F(PoisoningTest, ParentZoneHijackIsIgnored) {
  const std::string name = Scripted("parent-hijack");
  const std::string tld_ns = "ns1.nic.test.";
  StaticZone zone = ScriptedZone();
  servers().scripted->SetHandler([=](const ldns_pkt& query) {
    LdnsPktPtr reply = zone.Answer(query);
    if (Lower(QuestionName(query)) == name) {
      AddRecord(reply.get(), LDNS_SECTION_AUTHORITY, absl::StrCat("test. 3600 IN NS ", tld_ns));
      AddRecord(reply.get(), LDNS_SECTION_AUTHORITY, ". 3600 IN NS ns.scripted.test.");
      AddRecord(reply.get(), LDNS_SECTION_ADDITIONAL,
                absl::StrCat(tld_ns, " 3600 IN A ", n::kScriptedServer));
      AddRecord(reply.get(), LDNS_SECTION_ADDITIONAL,
                absl::StrCat(n::kHalfdeadWww, " 3600 IN A ", kBogusA));
    }
    return reply;
  });
  ExpectRealA(name, kLegitA);
  // Names of test.'s other children come from their real servers, and the liar is not asked.
  ExpectRealA(n::kHalfdeadWww, n::kHalfdeadWwwA);
  ExpectRealA(n::kGluelessWww, n::kGluelessWwwA);
  ExpectRealA(tld_ns, n::kTestTldServer);
  for (const auto& q : servers().scripted->queries()) {
    EXPECT_TRUE(absl::EndsWith(Lower(q.qname), n::kScriptedZone))
        << "rebound asked the hijacker about " << q.qname;
  }
}

// Kashpureff: a referral to a child zone whose server lies outside the referring zone, with
// "glue" for that server's name. The glue is out of bailiwick and must not be believed, let
// alone cached as ns1.beta.example.'s address.
TEST_F(PoisoningTest, OutOfBailiwickGlueInAReferralIsIgnored) {
  const std::string child = Scripted("glue-hijack");
  const std::string beta_ns = absl::StrCat("ns1.", n::kBetaZone);
  servers().scripted->SetHandler([=](const ldns_pkt& query) {
    if (!absl::EndsWith(Lower(QuestionName(query)), child)) return ScriptedZone().Answer(query);
    LdnsPktPtr referral = ReplyTo(query);
    ldns_pkt_set_aa(referral.get(), false);
    AddRecord(referral.get(), LDNS_SECTION_AUTHORITY, absl::StrCat(child, " 3600 IN NS ", beta_ns));
    AddRecord(referral.get(), LDNS_SECTION_ADDITIONAL,
              absl::StrCat(beta_ns, " 3600 IN A ", kBogusA));
    return referral;
  });
  // The child's server is really ns1.beta.example. (127.0.11.1), which serves no such zone: the
  // child cannot be resolved, and is not answered with anything made up.
  LdnsPktPtr r = Ask(absl::StrCat("www.", child), LDNS_RR_TYPE_A);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(ldns_pkt_ancount(r.get()), 0) << PacketToString(r.get());
  EXPECT_THAT(PacketToString(r.get()), Not(HasSubstr(kBogusA)));
  ResetHandler(servers());
  ExpectRealA(beta_ns, n::kBetaServer);
}

// Issue 15 item 7: glue "A 0.0.0.0" reaches this host, whose kernel takes the unspecified
// address as its own (a UDP socket connected to 0.0.0.0 talks to 127.0.0.1), past
// do-not-query-localhost, which looked only for 127/8 and ::1. This rebound has
// do-not-query-localhost off (its whole hierarchy is on loopback), so what it shows is that
// 0.0.0.0 is never asked, whatever that option says: a local service on 127.0.0.1:53 hears
// nothing and its answer never reaches the client.
TEST_F(PoisoningTest, GlueForTheUnspecifiedAddressIsNeverAsked) {
  absl::StatusOr<std::unique_ptr<ScriptedAuthServer>> local =
      ScriptedAuthServer::Start(EndpointAt("127.0.0.1"), [](const ldns_pkt& query) {
        LdnsPktPtr lie = ReplyTo(query);
        ldns_pkt_set_aa(lie.get(), true);
        AddRecord(lie.get(), LDNS_SECTION_ANSWER,
                  absl::StrCat(QuestionName(query), " 3600 IN A ", kBogusA));
        return lie;
      });
  ASSERT_TRUE(local.ok()) << local.status();
  const std::string child = Scripted("unspecified-glue");
  const std::string child_ns = absl::StrCat("ns.", child);
  servers().scripted->SetHandler([=](const ldns_pkt& query) {
    if (!absl::EndsWith(Lower(QuestionName(query)), child)) return ScriptedZone().Answer(query);
    LdnsPktPtr referral = ReplyTo(query);
    ldns_pkt_set_aa(referral.get(), false);
    AddRecord(referral.get(), LDNS_SECTION_AUTHORITY,
              absl::StrCat(child, " 3600 IN NS ", child_ns));
    AddRecord(referral.get(), LDNS_SECTION_ADDITIONAL,
              absl::StrCat(child_ns, " 3600 IN A 0.0.0.0"));
    return referral;
  });
  LdnsPktPtr r = Ask(absl::StrCat("www.", child), LDNS_RR_TYPE_A);
  ASSERT_NE(r, nullptr);
  EXPECT_THAT(PacketToString(r.get()), Not(HasSubstr(kBogusA)));
  EXPECT_EQ(ldns_pkt_get_rcode(r.get()), LDNS_RCODE_SERVFAIL) << PacketToString(r.get());
  EXPECT_THAT((*local)->queries(), ::testing::IsEmpty()) << "a query went to 0.0.0.0";
}

}  // namespace
}  // namespace rebound::integration
