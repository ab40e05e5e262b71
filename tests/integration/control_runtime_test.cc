// rebound-control's runtime changes (issue 17): local_zone, local_data and their removal, and
// forward_add / forward_remove, made to the running daemon and answered from the next query,
// side by side with unbound and unbound-control given the same commands on the same hierarchy;
// and its request list: dump_requestlist and flush_requestlist with questions stuck on a black
// hole, compared with unbound-control's.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/scripted_auth_server.h"
#include "tests/integration/fixture/shell_command.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kListen[] = "127.0.0.18";
// A zone the hierarchy does not have (NXDOMAIN from the root) that the reference unbound
// answers from its own local data: where forward_add sends rebound.
constexpr char kForwardedZone[] = "forwarded.test.";
constexpr char kForwardedName[] = "www.forwarded.test.";
constexpr char kForwardedAddress[] = "192.0.2.53";

// The lines of `text` that contain `part`.
std::vector<std::string> LinesWith(const std::string& text, absl::string_view part) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StrContains(line, part)) lines.emplace_back(line);
  }
  return lines;
}

class ControlRuntimeTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() { StartSharedHierarchy({"bash", "nsd", "unbound"}, false); }

 protected:
  void SetUp() override {
    HierarchyTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    const std::string rebound_socket = absl::StrCat(hierarchy().dir(), "/run/rebound-rt.sock");
    const std::string unbound_socket = absl::StrCat(hierarchy().dir(), "/unbound-rt.sock");
    const std::string control = "remote-control:\n  control-enable: yes\n";
    rebound_config_ = absl::StrCat(hierarchy().dir(), "/control-runtime.conf");
    absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
        StartRebound(REBOUND_BINARY, hierarchy(), "control-runtime",
                     absl::StrCat(RecursiveServerConfig(hierarchy(), kListen), control,
                                  "  control-interface: ", rebound_socket, "\n"),
                     EndpointAt(kListen));
    ASSERT_TRUE(rebound.ok()) << rebound.status();
    rebound_ = *std::move(rebound);
    // The reference unbound recurses over the same hierarchy and answers kForwardedZone itself.
    ASSERT_TRUE(hierarchy()
                    .StartUnbound(ReferenceResolverEndpoint(),
                                  absl::StrCat("  local-zone: \"", kForwardedZone, "\" static\n",
                                               "  local-data: \"", kForwardedName, " 300 IN A ",
                                               kForwardedAddress, "\"\n", control,
                                               "  control-interface: ", unbound_socket, "\n"))
                    .ok());
    unbound_config_ = absl::StrCat(hierarchy().dir(), "/unbound-127.0.0.53-53.conf");
  }
  void TearDown() override { hierarchy().StopUnbound().IgnoreError(); }

  CommandResult Rebound(const std::string& command, const std::string& stdin_file = "") {
    return RunCommand(absl::StrCat(REBOUND_CONTROL_BINARY, " -c ", rebound_config_, " ", command),
                      stdin_file);
  }
  CommandResult Unbound(const std::string& command, const std::string& stdin_file = "") {
    return RunCommand(absl::StrCat("unbound-control -c ", unbound_config_, " ", command),
                      stdin_file);
  }
  // Both tools given `command`: the same output and exit code.
  void BothSay(const std::string& command, const std::string& expected,
               const std::string& stdin_file = "") {
    const CommandResult ours = Rebound(command, stdin_file);
    const CommandResult theirs = Unbound(command, stdin_file);
    EXPECT_EQ(ours.output, expected) << command << "\n" << rebound_->LogTail();
    EXPECT_EQ(theirs.output, expected) << command << " (unbound-control)";
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << command;
  }
  // rebound's answer to (name, A): its RCODE, AA and addresses.
  struct Answer {
    ldns_pkt_rcode rcode = LDNS_RCODE_SERVFAIL;
    bool aa = false;
    std::vector<std::string> addresses;
  };
  Answer Ask(const Endpoint& server, absl::string_view name) {
    absl::StatusOr<LdnsPktPtr> reply = Query(server, name, LDNS_RR_TYPE_A);
    EXPECT_TRUE(reply.ok()) << name << ": " << reply.status();
    if (!reply.ok()) return {};
    return {ldns_pkt_get_rcode(reply->get()), static_cast<bool>(ldns_pkt_aa(reply->get())),
            RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A)};
  }
  Answer AskRebound(absl::string_view name) { return Ask(EndpointAt(kListen), name); }

  std::string rebound_config_, unbound_config_;
  std::unique_ptr<Subprocess> rebound_;
};

// local_data answers the next query, even for a name whose resolved answer the packet cache
// holds; local_data_remove gives the name back to resolution; local_zone and local_zone_remove
// likewise for a whole zone. Nothing restarts: the daemon keeps its pid and its cache.
TEST_F(ControlRuntimeTest, LocalZoneAndLocalDataTakeEffectForTheNextQuery) {
  ASSERT_THAT(AskRebound(n::kV4Only).addresses, ElementsAre(n::kV4OnlyA));
  ASSERT_THAT(AskRebound(n::kV4Only).addresses, ElementsAre(n::kV4OnlyA));  // now cached
  const std::string record = absl::StrCat(n::kV4Only, " 300 IN A 192.0.2.77");
  BothSay(absl::StrCat("local_data ", record), "ok\n");
  Answer local = AskRebound(n::kV4Only);
  EXPECT_EQ(local.rcode, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(local.aa);
  EXPECT_THAT(local.addresses, ElementsAre("192.0.2.77"));
  EXPECT_THAT(Ask(ReferenceResolverEndpoint(), n::kV4Only).addresses, ElementsAre("192.0.2.77"));
  // Listed as unbound lists it.
  EXPECT_EQ(LinesWith(Rebound("list_local_data").output, "192.0.2.77"),
            LinesWith(Unbound("list_local_data").output, "192.0.2.77"));
  EXPECT_THAT(LinesWith(Rebound("list_local_zones").output, n::kV4Only),
              ElementsAre(absl::StrCat(n::kV4Only, " transparent")));
  EXPECT_EQ(LinesWith(Rebound("list_local_zones").output, n::kV4Only),
            LinesWith(Unbound("list_local_zones").output, n::kV4Only));

  BothSay(absl::StrCat("local_data_remove ", n::kV4Only), "ok\n");
  EXPECT_THAT(AskRebound(n::kV4Only).addresses, ElementsAre(n::kV4OnlyA));
  EXPECT_THAT(LinesWith(Rebound("list_local_data").output, "192.0.2.77"), IsEmpty());

  // The transparent zone local_data made stays, as in unbound: v4only.alpha.test. is resolved
  // under it. A static zone over a resolvable zone: NXDOMAIN, authoritative, until removed.
  EXPECT_THAT(AskRebound(n::kV6Only).rcode, LDNS_RCODE_NOERROR);  // cached: NODATA for A
  BothSay(absl::StrCat("local_zone ", n::kAlphaZone, " static"), "ok\n");
  Answer blocked = AskRebound(n::kV6Only);
  EXPECT_EQ(blocked.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(blocked.aa);
  EXPECT_EQ(Ask(ReferenceResolverEndpoint(), n::kV6Only).rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(AskRebound(n::kV4Only).addresses, ElementsAre(n::kV4OnlyA));
  EXPECT_EQ(LinesWith(Rebound("list_local_zones").output, n::kAlphaZone),
            LinesWith(Unbound("list_local_zones").output, n::kAlphaZone));
  BothSay(absl::StrCat("local_zone_remove ", n::kAlphaZone), "ok\n");
  Answer resolved = AskRebound(n::kV6Only);
  EXPECT_EQ(resolved.rcode, LDNS_RCODE_NOERROR);
  EXPECT_FALSE(resolved.aa);

  // The bulk forms read standard input, one argument a line.
  const std::string zones = absl::StrCat(hierarchy().dir(), "/runtime-zones.txt");
  std::ofstream(zones) << "a.bulk.invalid. static\nb.bulk.invalid. refuse\n";
  BothSay("local_zones", "added 2 zones\n", zones);
  EXPECT_EQ(AskRebound("b.bulk.invalid.").rcode, LDNS_RCODE_REFUSED);
  const std::string datas = absl::StrCat(hierarchy().dir(), "/runtime-datas.txt");
  std::ofstream(datas) << "x.a.bulk.invalid. A 192.0.2.1\nx.a.bulk.invalid. AAAA 2001:db8::1\n";
  BothSay("local_datas", "added 2 datas\n", datas);
  EXPECT_THAT(AskRebound("x.a.bulk.invalid.").addresses, ElementsAre("192.0.2.1"));
  const std::string names = absl::StrCat(hierarchy().dir(), "/runtime-names.txt");
  std::ofstream(names) << "a.bulk.invalid.\nb.bulk.invalid.\n";
  BothSay("local_zones_remove", "removed 2 zones\n", names);
  EXPECT_EQ(LinesWith(Rebound("list_local_zones").output, "bulk.invalid."),
            std::vector<std::string>{});
  // Errors in unbound-control's words.
  BothSay("local_zone example.", "error could not find next argument after example.\n");
  BothSay("local_zone example. nonsense", "error not a zone type. nonsense\n");
}

// forward_add sends the zone's next queries to the forwarder (the reference unbound, which has
// the zone as local data, where the hierarchy has no such zone); forward_remove gives the zone
// back to recursion. What the caches held under the zone does not hide either change.
TEST_F(ControlRuntimeTest, ForwardAddSendsAZoneToAForwarderAndForwardRemoveUndoesIt) {
  EXPECT_EQ(AskRebound(kForwardedName).rcode, LDNS_RCODE_NXDOMAIN);  // from the root, cached
  const std::string forwarder = ReferenceResolverEndpoint().AddressString();
  BothSay(absl::StrCat("forward_add +i ", kForwardedZone, " ", forwarder), "ok\n");
  Answer forwarded = AskRebound(kForwardedName);
  EXPECT_EQ(forwarded.rcode, LDNS_RCODE_NOERROR);
  EXPECT_THAT(forwarded.addresses, ElementsAre(kForwardedAddress));
  const std::vector<std::string> listed = LinesWith(Rebound("list_forwards").output, "forwarded");
  EXPECT_THAT(listed, ElementsAre(absl::StrCat(kForwardedZone, " IN forward ", forwarder)));
  EXPECT_EQ(listed, LinesWith(Unbound("list_forwards").output, "forwarded"));
  BothSay(absl::StrCat("forward_remove +i ", kForwardedZone), "ok\n");
  EXPECT_EQ(AskRebound(kForwardedName).rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(LinesWith(Rebound("list_forwards").output, "forwarded"), IsEmpty());
  // A stub zone likewise: the alpha.test server named directly.
  BothSay(absl::StrCat("stub_add ", kForwardedZone, " ", forwarder), "ok\n");
  EXPECT_THAT(LinesWith(Rebound("list_stubs").output, "forwarded"),
              ElementsAre(absl::StrCat(kForwardedZone, " IN stub noprime ", forwarder)));
  EXPECT_EQ(LinesWith(Rebound("list_stubs").output, "forwarded"),
            LinesWith(Unbound("list_stubs").output, "forwarded"));
  BothSay(absl::StrCat("stub_remove ", kForwardedZone), "ok\n");
  EXPECT_THAT(LinesWith(Rebound("list_stubs").output, "forwarded"), IsEmpty());
}

// lookup: the delegation a query starts from and its servers with their RTT, in unbound's shape:
// the same header, the same delegation counts and the server the hierarchy has for alpha.test.
TEST_F(ControlRuntimeTest, LookupShowsTheDelegationAndItsServersAsUnboundDoes) {
  ASSERT_THAT(AskRebound(n::kV4Only).addresses, ElementsAre(n::kV4OnlyA));
  ASSERT_THAT(Ask(ReferenceResolverEndpoint(), n::kV4Only).addresses, ElementsAre(n::kV4OnlyA));
  const CommandResult ours = Rebound(absl::StrCat("lookup ", n::kV4Only));
  const CommandResult theirs = Unbound(absl::StrCat("lookup ", n::kV4Only));
  ASSERT_EQ(ours.exit_code, 0) << ours.output;
  EXPECT_EQ(LinesWith(ours.output, "name servers are used"),
            LinesWith(theirs.output, "name servers are used"));
  EXPECT_EQ(LinesWith(ours.output, "It provides"), LinesWith(theirs.output, "It provides"));
  const std::vector<std::string> server = LinesWith(ours.output, std::string(n::kAlphaServer));
  ASSERT_EQ(server.size(), 1u) << ours.output;
  EXPECT_THAT(server[0], ::testing::MatchesRegex(
                             "127\\.0\\.10\\.1 *\trto [0-9]+ msec, ttl [0-9]+, ping [0-9]+ var "
                             "[0-9]+ rtt [0-9]+, tA 0, tAAAA 0, tother 0, EDNS 0 probed\\."));
  // A forward zone: unbound's "forwarding request:".
  ASSERT_EQ(Rebound(absl::StrCat("forward_add ", kForwardedZone, " 127.0.0.53")).output, "ok\n");
  EXPECT_THAT(Rebound(absl::StrCat("lookup ", kForwardedName)).output,
              HasSubstr("forwarding request:\nDelegation with 1 names"));
}

// One line of dump_requestlist, unbound's "%3d %4s %2s %s %s %s", taken apart.
struct RequestLine {
  std::string columns;  // "%4s %2s %s": type, class and name, spacing included
  std::string age;      // seconds with six decimals, or "-"
  std::string status;   // module and what it waits for
};
// The line for `name` (the first), if `dump` has one. The number in front is left out: it is the
// line's place in the thread's list, which holds other work in unbound (its own sub-queries).
std::optional<RequestLine> RequestLineFor(const std::string& dump, absl::string_view name) {
  for (const std::string& line : LinesWith(dump, absl::StrCat(" ", name, " "))) {
    if (line.size() < 4) continue;
    const std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (words.size() < 6) continue;
    const size_t name_end = line.find(absl::StrCat(" ", name, " ")) + name.size() + 1;
    return RequestLine{line.substr(3, name_end - 3), words[4],
                       line.substr(name_end + 1 + words[4].size() + 1)};
  }
  return std::nullopt;
}

// Seconds with six decimals ("0.503211"), as unbound's get_mesh_age prints a client's wait.
bool IsUnboundAge(absl::string_view age) {
  const size_t dot = age.find('.');
  if (dot == absl::string_view::npos || dot == 0 || age.size() - dot - 1 != 6) return false;
  for (size_t i = 0; i < age.size(); ++i) {
    if (i != dot && !absl::ascii_isdigit(age[i])) return false;
  }
  return true;
}

// dump_requestlist shows the questions rebound is working on in unbound-control's format, the
// same columns and status as unbound-control prints for the same stuck question; after
// flush_requestlist (ok from both) neither lists it, the lookups stop (no more queries reach the
// black hole), a client on TCP is told SERVFAIL at once, and rebound goes on answering.
TEST_F(ControlRuntimeTest, DumpRequestlistShowsStuckQuestionsAsUnboundDoesAndFlushDropsThem) {
  absl::StatusOr<std::unique_ptr<ScriptedAuthServer>> blackhole =
      ScriptedAuthServer::Start(EndpointAt(n::kBlackholeServer));  // answers nothing
  ASSERT_TRUE(blackhole.ok()) << blackhole.status();
  constexpr char kTcpName[] = "tcp.blackhole.test.";
  // Each resolver asked www.blackhole.test. over UDP, rebound also kTcpName over TCP; the
  // answers are waited for on threads of their own.
  absl::StatusOr<LdnsPktPtr> rebound_udp, unbound_udp, rebound_tcp;
  absl::Time rebound_tcp_answered;
  std::thread ask_rebound([&] {
    rebound_udp =
        Query(EndpointAt(kListen), n::kBlackholeWww, LDNS_RR_TYPE_A, {.timeout = absl::Seconds(4)});
  });
  std::thread ask_unbound([&] {
    unbound_udp = Query(ReferenceResolverEndpoint(), n::kBlackholeWww, LDNS_RR_TYPE_A,
                        {.timeout = absl::Seconds(4)});
  });
  std::thread ask_rebound_tcp([&] {
    rebound_tcp = Query(EndpointAt(kListen), kTcpName, LDNS_RR_TYPE_AAAA,
                        {.tcp = true, .timeout = absl::Seconds(20)});
    rebound_tcp_answered = absl::Now();
  });
  // Once each resolver has a query out to the black hole.
  std::optional<RequestLine> ours, ours_tcp, theirs;
  std::string our_dump, their_dump;
  for (const absl::Time until = absl::Now() + absl::Seconds(5); absl::Now() < until;
       absl::SleepFor(absl::Milliseconds(100))) {
    our_dump = Rebound("dump_requestlist").output;
    their_dump = Unbound("dump_requestlist").output;
    ours = RequestLineFor(our_dump, n::kBlackholeWww);
    ours_tcp = RequestLineFor(our_dump, kTcpName);
    theirs = RequestLineFor(their_dump, n::kBlackholeWww);
    if (ours && ours_tcp && theirs && absl::StrContains(ours->status, "wait for") &&
        absl::StrContains(ours_tcp->status, "wait for") &&
        absl::StrContains(theirs->status, "wait for")) {
      break;
    }
  }
  ASSERT_TRUE(ours.has_value()) << our_dump;
  ASSERT_TRUE(ours_tcp.has_value()) << our_dump;
  ASSERT_TRUE(theirs.has_value()) << their_dump;
  EXPECT_THAT(our_dump,
              ::testing::StartsWith("thread #0\n#   type cl name    seconds    module status\n"));
  EXPECT_EQ(ours->columns, absl::StrCat("    A IN ", n::kBlackholeWww));
  EXPECT_EQ(ours->columns, theirs->columns);
  EXPECT_TRUE(IsUnboundAge(ours->age)) << ours->age;
  EXPECT_TRUE(IsUnboundAge(theirs->age)) << theirs->age;
  const std::string waiting = absl::StrCat("iterator wait for ", n::kBlackholeServer);
  EXPECT_EQ(ours->status, waiting) << our_dump;
  EXPECT_EQ(theirs->status, waiting) << their_dump;
  EXPECT_EQ(ours_tcp->columns, absl::StrCat(" AAAA IN ", kTcpName));
  EXPECT_EQ(ours_tcp->status, waiting);

  BothSay("flush_requestlist", "ok\n");
  const absl::Time flushed = absl::Now();
  const size_t queries_at_flush = (*blackhole)->queries().size();
  EXPECT_EQ(RequestLineFor(Rebound("dump_requestlist").output, n::kBlackholeWww), std::nullopt);
  EXPECT_EQ(RequestLineFor(Rebound("dump_requestlist").output, kTcpName), std::nullopt);
  EXPECT_EQ(RequestLineFor(Unbound("dump_requestlist").output, n::kBlackholeWww), std::nullopt);
  ask_rebound_tcp.join();
  ask_rebound.join();
  ask_unbound.join();
  // The TCP client is told at once (its lookup had seconds of budget left); the UDP clients get
  // nothing from either resolver, as unbound drops them.
  ASSERT_TRUE(rebound_tcp.ok()) << rebound_tcp.status();
  EXPECT_EQ(ldns_pkt_get_rcode(rebound_tcp->get()), LDNS_RCODE_SERVFAIL);
  EXPECT_LT(rebound_tcp_answered - flushed, absl::Seconds(2));
  EXPECT_TRUE(absl::IsDeadlineExceeded(rebound_udp.status())) << rebound_udp.status();
  EXPECT_TRUE(absl::IsDeadlineExceeded(unbound_udp.status())) << unbound_udp.status();
  // The lookups stopped with their requests: nothing more was sent to the black hole for them.
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ((*blackhole)->queries().size(), queries_at_flush);

  // rebound goes on: an ordinary question is answered, and a new stuck one is listed (the
  // black hole forgotten first, which its timeouts could have marked down by now).
  EXPECT_THAT(AskRebound(n::kV4Only).addresses, ElementsAre(n::kV4OnlyA));
  ASSERT_EQ(Rebound("flush_infra all").output, "ok\n");
  std::thread ask_again([&] {
    Query(EndpointAt(kListen), n::kBlackholeWww, LDNS_RR_TYPE_A, {.timeout = absl::Seconds(1)})
        .status()
        .IgnoreError();
  });
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_NE(RequestLineFor(Rebound("dump_requestlist").output, n::kBlackholeWww), std::nullopt);
  ask_again.join();
  std::cout << "rebound-control dump_requestlist (before the flush):\n"
            << our_dump << "unbound-control dump_requestlist:\n"
            << their_dump;
}

// The request list commands while SIGHUP reloads replace the workers: each runs before a reload
// or after it, on the workers then running (never on one a reload has stopped), and neither the
// commands nor the daemon fail.
TEST_F(ControlRuntimeTest, RequestListCommandsDuringReloadsReachOnlyTheRunningWorkers) {
  std::thread reloader([this] {
    for (int i = 0; i < 8; ++i) {
      EXPECT_TRUE(rebound_->Signal(SIGHUP).ok());
      absl::SleepFor(absl::Milliseconds(150));
    }
  });
  int commands = 0;
  for (const absl::Time until = absl::Now() + absl::Milliseconds(1500); absl::Now() < until;
       ++commands) {
    const bool dump = commands % 2 == 0;
    const CommandResult result = Rebound(dump ? "dump_requestlist" : "flush_requestlist");
    EXPECT_EQ(result.exit_code, 0) << result.output;
    if (dump) {
      EXPECT_THAT(result.output, ::testing::StartsWith("thread #0\n#   type cl name"));
    } else {
      EXPECT_EQ(result.output, "ok\n");
    }
  }
  reloader.join();
  EXPECT_GT(commands, 4);
  ASSERT_TRUE(rebound_->Running()) << rebound_->LogTail();
  std::ifstream log(rebound_->log_path());
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_GE(LinesWith(text, "reloaded:").size(), 2u);
  EXPECT_THAT(AskRebound(n::kV4Only).addresses, ElementsAre(n::kV4OnlyA));
  EXPECT_THAT(Rebound("dump_requestlist").output,
              ::testing::StartsWith("thread #0\n#   type cl name"));
}

}  // namespace
}  // namespace rebound::integration
