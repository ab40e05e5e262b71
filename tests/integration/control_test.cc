// rebound-control (issue 17): the real daemon driven by the real rebound-control over its
// socket, side by side with unbound and unbound-control on the same hierarchy, asked the same
// questions: the same counter names with the same values, the same output for the same commands.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/shell_command.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

constexpr char kListen[] = "127.0.0.17";
// Both resolvers get this forward-zone, so that list_forwards has something to list; nothing
// asks for names under it.
constexpr char kForwardZone[] =
    "forward-zone:\n  name: \"fwd.invalid.\"\n  forward-addr: 127.0.0.99\n";

// The statistics and the control channel, as both resolvers get them (the interface follows).
std::string ControlOptions() {
  return absl::StrCat("  extended-statistics: yes\n", kForwardZone,
                      "remote-control:\n  control-enable: yes\n");
}

// name=value lines, as both tools print stats (the averages and medians are fractions).
std::map<std::string, double> ParseStats(const std::string& text) {
  std::map<std::string, double> values;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    double value = 0;
    if (absl::SimpleAtod(kv.second, &value)) values[kv.first] = value;
  }
  return values;
}

// "threadN.x" as "thread0.x": the reference unbound runs one thread.
std::string AsThreadZero(const std::string& name) {
  if (!absl::StartsWith(name, "thread")) return name;
  const size_t dot = name.find('.');
  return dot == std::string::npos ? name : absl::StrCat("thread0", name.substr(dot));
}

class ControlTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() { StartSharedHierarchy({"bash", "nsd", "unbound"}, false); }

 protected:
  void SetUp() override {
    HierarchyTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    rebound_socket_ = absl::StrCat(hierarchy().dir(), "/run/rebound-control.sock");
    unbound_socket_ = absl::StrCat(hierarchy().dir(), "/unbound-control.sock");
    const std::string control = ControlOptions();
    rebound_config_ = absl::StrCat(hierarchy().dir(), "/control.conf");
    absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
        StartRebound(REBOUND_BINARY, hierarchy(), "control", ReboundConfig(), EndpointAt(kListen));
    ASSERT_TRUE(rebound.ok()) << rebound.status();
    rebound_ = *std::move(rebound);
    ASSERT_TRUE(
        hierarchy()
            .StartUnbound(ReferenceResolverEndpoint(),
                          absl::StrCat(control, "  control-interface: ", unbound_socket_, "\n"))
            .ok());
    unbound_config_ = absl::StrCat(hierarchy().dir(), "/unbound-127.0.0.53-53.conf");
  }
  void TearDown() override { hierarchy().StopUnbound().IgnoreError(); }

  std::string ReboundConfig() const {
    return absl::StrCat(RecursiveServerConfig(hierarchy(), kListen), ControlOptions(),
                        "  control-interface: ", rebound_socket_, "\n");
  }

  CommandResult Rebound(const std::string& command, const std::string& stdin_file = "") {
    return RunCommand(absl::StrCat(REBOUND_CONTROL_BINARY, " -c ", rebound_config_, " ", command),
                      stdin_file);
  }
  CommandResult Unbound(const std::string& command) {
    return RunCommand(absl::StrCat("unbound-control -c ", unbound_config_, " ", command));
  }
  // The same question of both resolvers.
  void AskBoth(absl::string_view name, ldns_rr_type type) {
    ASSERT_TRUE(Query(EndpointAt(kListen), name, type).ok());
    ASSERT_TRUE(Query(ReferenceResolverEndpoint(), name, type).ok());
  }

  std::string rebound_socket_, unbound_socket_, rebound_config_, unbound_config_;
  std::unique_ptr<Subprocess> rebound_;
};

TEST_F(ControlTest, StatsHaveUnboundsNamesAndValuesForTheSameQuestions) {
  if (!unbound_config_.empty() && !std::ifstream(unbound_config_)) GTEST_SKIP() << "no unbound";
  // From zero on both (the fixture asked each a question to see it up).
  ASSERT_EQ(Rebound("stats").exit_code, 0);
  ASSERT_EQ(Unbound("stats").exit_code, 0);
  // Cold, then warm: misses, then hits; an NXDOMAIN and a NODATA.
  AskBoth(n::kV4Only, LDNS_RR_TYPE_A);
  AskBoth(n::kV4Only, LDNS_RR_TYPE_A);
  AskBoth(n::kV6Only, LDNS_RR_TYPE_AAAA);
  AskBoth(n::kV4Only, LDNS_RR_TYPE_AAAA);
  AskBoth("nonexistent.alpha.test.", LDNS_RR_TYPE_AAAA);
  const CommandResult ours = Rebound("stats_noreset");
  const CommandResult theirs = Unbound("stats_noreset");
  ASSERT_EQ(ours.exit_code, 0) << ours.output;
  ASSERT_EQ(theirs.exit_code, 0) << theirs.output;
  const std::map<std::string, double> a = ParseStats(ours.output);
  const std::map<std::string, double> b = ParseStats(theirs.output);
  for (const char* name : {"total.num.queries",
                           "total.num.cachehits",
                           "total.num.cachemiss",
                           "total.num.recursivereplies",
                           "total.requestlist.exceeded",
                           "num.query.type.A",
                           "num.query.type.AAAA",
                           "num.query.class.IN",
                           "num.query.opcode.QUERY",
                           "num.query.tcp",
                           "num.query.ipv6",
                           "num.query.flags.RD",
                           "num.query.flags.CD",
                           "num.query.edns.present",
                           "num.query.edns.DO",
                           "num.answer.rcode.NOERROR",
                           "num.answer.rcode.NXDOMAIN",
                           "num.answer.rcode.SERVFAIL",
                           "num.answer.rcode.nodata",
                           "unwanted.queries"}) {
    ASSERT_TRUE(b.contains(name)) << name << " is not unbound's\n" << theirs.output;
    ASSERT_TRUE(a.contains(name)) << name << " missing\n" << ours.output;
    EXPECT_EQ(a.at(name), b.at(name)) << name;
  }
  EXPECT_EQ(a.at("total.num.queries"), 5);
  EXPECT_EQ(a.at("total.num.cachehits"), 1);
  // Every figure rebound prints under an unbound name is one unbound-control prints too (with
  // thread0 for any thread: unbound runs one here).
  for (const auto& [any_thread_name, value] : a) {
    const std::string name = AsThreadZero(any_thread_name);
    if (absl::StartsWith(name, "num.dns64") || absl::StartsWith(name, "num.bootstrap") ||
        absl::StartsWith(name, "num.relay") || absl::StartsWith(name, "num.answer.local") ||
        absl::StartsWith(name, "num.answer.packetcache") || absl::StartsWith(name, "num.dnstap")) {
      continue;
    }
    EXPECT_TRUE(b.contains(name)) << name << " is not a name unbound-control prints";
  }
  // stats resets, as in unbound: what follows counts from zero.
  ASSERT_EQ(Rebound("stats").exit_code, 0);
  EXPECT_EQ(ParseStats(Rebound("stats").output).at("total.num.queries"), 0);
}

TEST_F(ControlTest, CommandsAnswerAsUnboundControlDoes) {
  for (const char* command :
       {"list_forwards", "verbosity 2", "verbosity x", "flush_infra all", "flush_infra bad",
        "flush v4only.alpha.test", "flush_type v4only.alpha.test A", "flush_type v4only.alpha.test",
        "foo", "flush"}) {
    const CommandResult ours = Rebound(command);
    const CommandResult theirs = Unbound(command);
    EXPECT_EQ(ours.output, theirs.output) << command;
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << command;
  }
  EXPECT_THAT(Rebound("flush_zone alpha.test").output,
              MatchesRegex("ok removed [0-9]+ rrsets, [0-9]+ messages and 0 key entries\n"));
  const CommandResult status = Rebound("status");
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_THAT(status.output, HasSubstr(") is running...\n"));
  EXPECT_THAT(status.output, HasSubstr("threads: "));
}

TEST_F(ControlTest, FlushMakesTheNextQuestionGoUpstream) {
  ASSERT_TRUE(Query(EndpointAt(kListen), n::kV4Only, LDNS_RR_TYPE_A).ok());
  uint64_t before = AllNsdQueries();
  ASSERT_TRUE(Query(EndpointAt(kListen), n::kV4Only, LDNS_RR_TYPE_A).ok());
  EXPECT_EQ(AllNsdQueries(), before) << "not cached";
  EXPECT_EQ(Rebound("flush v4only.alpha.test").output, "ok\n");
  before = AllNsdQueries();
  absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(kListen), n::kV4Only, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok());
  EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ::testing::ElementsAre(n::kV4OnlyA));
  EXPECT_GT(AllNsdQueries(), before) << "answered from the flushed cache";
}

TEST_F(ControlTest, ReloadAppliesTheFileAndSocketIsForRootAndTheUserOnly) {
  struct stat st;
  ASSERT_EQ(stat(rebound_socket_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ofstream(rebound_config_, std::ios::app)
      << "server:\n  local-data: \"printer.lan. A 192.0.2.7\"\n";
  const CommandResult reload = Rebound("reload");
  EXPECT_EQ(reload.output, "ok\n") << rebound_->LogTail();
  absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(kListen), "printer.lan.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok());
  EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ::testing::ElementsAre("192.0.2.7"));
  // A configuration that cannot start (an address nobody has): the error, and the running
  // configuration stays.
  std::ofstream(rebound_config_, std::ios::app) << "server:\n  interface: 192.0.2.99\n";
  const CommandResult broken = Rebound("reload");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_THAT(broken.output, StartsWith("error"));
  EXPECT_TRUE(Query(EndpointAt(kListen), "printer.lan.", LDNS_RR_TYPE_A).ok());
}

// dump_cache before a restart, load_cache after: the names are answered from the cache, with no
// query reaching an authority.
TEST_F(ControlTest, ADumpLoadedAfterARestartAnswersWithoutUpstreamQueries) {
  ASSERT_TRUE(Query(EndpointAt(kListen), n::kV4Only, LDNS_RR_TYPE_A).ok());
  ASSERT_TRUE(Query(EndpointAt(kListen), "nonexistent.alpha.test.", LDNS_RR_TYPE_A).ok());
  const CommandResult dump = Rebound("dump_cache");
  ASSERT_EQ(dump.exit_code, 0);
  EXPECT_THAT(dump.output, StartsWith("START_RRSET_CACHE\n"));
  EXPECT_THAT(dump.output, ::testing::EndsWith("EOF\n"));
  const std::string file = absl::StrCat(hierarchy().dir(), "/control.dump");
  std::ofstream(file) << dump.output;

  rebound_->Stop();
  absl::StatusOr<std::unique_ptr<Subprocess>> again =
      StartRebound(REBOUND_BINARY, hierarchy(), "control", ReboundConfig(), EndpointAt(kListen));
  ASSERT_TRUE(again.ok()) << again.status();
  rebound_ = *std::move(again);
  EXPECT_EQ(Rebound("load_cache", file).output, "ok\n");
  const uint64_t before = AllNsdQueries();
  absl::StatusOr<LdnsPktPtr> positive = Query(EndpointAt(kListen), n::kV4Only, LDNS_RR_TYPE_A);
  absl::StatusOr<LdnsPktPtr> negative =
      Query(EndpointAt(kListen), "nonexistent.alpha.test.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(positive.ok() && negative.ok());
  EXPECT_THAT(RdataStrings(positive->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ::testing::ElementsAre(n::kV4OnlyA));
  EXPECT_EQ(ldns_pkt_get_rcode(negative->get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(AllNsdQueries(), before) << "the loaded cache did not answer";
  // A broken dump: the line, and exit 1.
  std::ofstream(file) << "START_RRSET_CACHE\n;rrset nonsense\n";
  const CommandResult broken = Rebound("load_cache", file);
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_THAT(broken.output, HasSubstr("line 2"));
}

// The same protocol on a socket file: an operator's own unbound-control drives rebound too.
TEST_F(ControlTest, UnboundControlItselfDrivesRebound) {
  const std::string config = absl::StrCat(hierarchy().dir(), "/unbound-control-for-rebound.conf");
  std::ofstream(config) << "server:\n  chroot: \"\"\nremote-control:\n  control-enable: yes\n"
                        << "  control-interface: " << rebound_socket_ << "\n";
  const CommandResult status = RunCommand(absl::StrCat("unbound-control -c ", config, " status"));
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_THAT(status.output, HasSubstr(absl::StrCat("rebound (pid ", rebound_->pid(), ")")));
  const CommandResult stats =
      RunCommand(absl::StrCat("unbound-control -c ", config, " stats_noreset"));
  EXPECT_EQ(stats.exit_code, 0);
  EXPECT_TRUE(ParseStats(stats.output).contains("total.num.queries")) << stats.output;
}

// How many lines of what `process` logged hold `text` (the log file is the earlier tests' too).
size_t LogLinesWith(const Subprocess& process, absl::string_view text) {
  size_t count = 0;
  for (absl::string_view line : absl::StrSplit(process.LogTail(1 << 20), '\n')) {
    if (absl::StrContains(line, text)) ++count;
  }
  return count;
}

// Whether a line with `text` beyond the `before` there were shows up within `timeout`.
bool LogShowsAnother(const Subprocess& process, absl::string_view text, size_t before,
                     absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (LogLinesWith(process, text) > before) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

// SIGTERM while `rebound-control reload` waits for the main thread: rebound stops cleanly and at
// once, and the reload is answered with an error instead of waiting out its 60 s. The timing is
// made certain by holding the main thread inside a first reload: the file includes a FIFO,
// whose open(2) waits until the test writes to it.
TEST_F(ControlTest, AStopWhileAReloadIsPendingEndsBothPromptly) {
  const std::string fifo = absl::StrCat(hierarchy().dir(), "/held-reload.conf");
  unlink(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // rebound-control reads its own file, which must not wait on the FIFO.
  const std::string client_config = absl::StrCat(hierarchy().dir(), "/control-client.conf");
  std::ofstream(client_config) << "remote-control:\n  control-enable: yes\n  control-interface: "
                               << rebound_socket_ << "\n";
  std::ofstream(rebound_config_, std::ios::app) << "include: \"" << fifo << "\"\n";
  const size_t reloads = LogLinesWith(*rebound_, "reloading the configuration");
  const size_t commands = LogLinesWith(*rebound_, "control: reload");
  ASSERT_TRUE(rebound_->Signal(SIGHUP).ok());
  ASSERT_TRUE(LogShowsAnother(*rebound_, "reloading the configuration", reloads, absl::Seconds(5)));

  // The command waits for the main thread, which is still held in the first reload.
  absl::StatusOr<Subprocess> reload =
      Subprocess::Start({REBOUND_CONTROL_BINARY, "-c", client_config, "reload"},
                        absl::StrCat(hierarchy().dir(), "/held-reload.log"));
  ASSERT_TRUE(reload.ok()) << reload.status();
  ASSERT_TRUE(LogShowsAnother(*rebound_, "control: reload", commands, absl::Seconds(5)))
      << rebound_->LogTail();
  ASSERT_TRUE(rebound_->Signal(SIGTERM).ok());
  absl::SleepFor(absl::Milliseconds(300));
  // The stop waits for the reload to end; it does not kill the process in the middle of it.
  ASSERT_TRUE(rebound_->Running()) << rebound_->LogTail();

  // The first reload goes on and ends (the FIFO is no regular file: that reload fails and the
  // running configuration stays, which does not matter here).
  // ENXIO: the main thread has not opened it yet (a loaded machine); it is on its way.
  int writer = open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  for (const absl::Time deadline = absl::Now() + absl::Seconds(5);
       writer < 0 && errno == ENXIO && absl::Now() < deadline;) {
    absl::SleepFor(absl::Milliseconds(20));
    writer = open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  }
  ASSERT_GE(writer, 0) << std::strerror(errno);
  close(writer);
  const absl::Time released = absl::Now();
  absl::StatusOr<int> daemon = rebound_->Wait(absl::Seconds(10));
  ASSERT_TRUE(daemon.ok()) << daemon.status() << "\n" << rebound_->LogTail();
  EXPECT_TRUE(WIFEXITED(*daemon) && WEXITSTATUS(*daemon) == 0) << DescribeWaitStatus(*daemon);
  EXPECT_LT(absl::Now() - released, absl::Seconds(5));
  absl::StatusOr<int> control = reload->Wait(absl::Seconds(5));
  ASSERT_TRUE(control.ok()) << control.status();
  EXPECT_TRUE(WIFEXITED(*control) && WEXITSTATUS(*control) == 1) << DescribeWaitStatus(*control);
  EXPECT_THAT(reload->LogTail(), HasSubstr("error rebound is stopping; no reload was done"));
  unlink(fifo.c_str());
}

// A client that asks for dump_cache and stops reading must not hold a stop back: the control
// thread's write would wait out its 60 s transfer timeout; the stop cuts the connection short.
TEST_F(ControlTest, AStopIsNotHeldBackByAClientThatStopsReadingADump) {
  // About 1.5 MB of dump, more than the socket's buffers hold.
  const std::string file = absl::StrCat(hierarchy().dir(), "/big.dump");
  {
    std::ofstream dump(file);
    dump << "START_RRSET_CACHE\n";
    for (int i = 0; i < 30000; ++i) {
      dump << ";rrset 86400 1 0 7 0\nn" << i << ".big.test.\t86400\tIN\tA\t192.0.2.1\n";
    }
    dump << "END_RRSET_CACHE\nSTART_MSG_CACHE\nEND_MSG_CACHE\nEOF\n";
  }
  ASSERT_EQ(Rebound("load_cache", file).output, "ok\n");

  // rebound-control's first line, from a client that then never reads.
  const int client = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{.sun_family = AF_UNIX, .sun_path = {}};
  ASSERT_LT(rebound_socket_.size(), sizeof address.sun_path);
  std::memcpy(address.sun_path, rebound_socket_.data(), rebound_socket_.size());
  ASSERT_EQ(connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0)
      << std::strerror(errno);
  const size_t dumps = LogLinesWith(*rebound_, "control: dump_cache");
  const std::string line = "UBCT1 dump_cache\n";
  ASSERT_EQ(write(client, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  ASSERT_TRUE(LogShowsAnother(*rebound_, "control: dump_cache", dumps, absl::Seconds(5)));
  absl::SleepFor(absl::Milliseconds(500));  // the buffers fill; the daemon's write now waits

  ASSERT_TRUE(rebound_->Signal(SIGTERM).ok());
  const absl::Time stopped = absl::Now();
  absl::StatusOr<int> daemon = rebound_->Wait(absl::Seconds(30));
  ASSERT_TRUE(daemon.ok()) << daemon.status() << "\n" << rebound_->LogTail();
  EXPECT_TRUE(WIFEXITED(*daemon) && WEXITSTATUS(*daemon) == 0) << DescribeWaitStatus(*daemon);
  EXPECT_LT(absl::Now() - stopped, absl::Seconds(5)) << "the stop waited for the client";
  close(client);
}

TEST_F(ControlTest, StatusOfAStoppedDaemonExitsThreeAsUnboundControl) {
  rebound_->Stop();
  EXPECT_EQ(Rebound("status").exit_code, 3);
  EXPECT_EQ(Unbound("status").exit_code, 0);
}

}  // namespace
}  // namespace rebound::integration
