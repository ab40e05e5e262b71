// Start-up of the real daemon as an unbound user meets it (issue 16): a resolver left running on
// the configured address (a forgotten unbound, which binds with SO_REUSEPORT as rebound does)
// makes rebound refuse to start with a message naming the address, instead of sharing the port
// and silently splitting the clients' queries with it; rebound's own threads still share theirs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

using ::testing::HasSubstr;

constexpr char kListen[] = "127.0.0.14";

// A socket bound to kListen port 53 the way unbound binds its own (SO_REUSEADDR and
// SO_REUSEPORT), listening when it is TCP; closed when the object goes.
class OtherResolversSocket {
 public:
  explicit OtherResolversSocket(int type) : fd_(socket(AF_INET, type | SOCK_CLOEXEC, 0)) {
    const int on = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    setsockopt(fd_, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    const Endpoint at = EndpointAt(kListen);
    bound_ = bind(fd_, at.sockaddr_ptr(), at.sockaddr_len()) == 0 &&
             (type != SOCK_STREAM || listen(fd_, 16) == 0);
  }
  ~OtherResolversSocket() { close(fd_); }
  bool bound() const { return bound_; }

 private:
  int fd_;
  bool bound_ = false;
};

class StartupTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() { StartSharedHierarchy({"bash", "nsd"}, false); }

 protected:
  absl::StatusOr<std::unique_ptr<Subprocess>> Start(const std::string& name,
                                                    const std::string& extra = "") {
    return StartRebound(REBOUND_BINARY, hierarchy(), name,
                        RecursiveServerConfig(hierarchy(), kListen) + extra, EndpointAt(kListen),
                        absl::Seconds(3));
  }
};

TEST_F(StartupTest, AnotherResolverOnTheUdpPortStopsTheStart) {
  OtherResolversSocket other(SOCK_DGRAM);
  ASSERT_TRUE(other.bound());
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = Start("udp-taken");
  ASSERT_FALSE(rebound.ok()) << "rebound started beside another resolver's UDP socket";
  EXPECT_THAT(std::string(rebound.status().message()),
              HasSubstr(absl::StrCat("another process already listens on ", kListen, "@53 (udp)")));
}

TEST_F(StartupTest, AnotherResolverOnTheTcpPortStopsTheStart) {
  OtherResolversSocket other(SOCK_STREAM);
  ASSERT_TRUE(other.bound());
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = Start("tcp-taken");
  ASSERT_FALSE(rebound.ok()) << "rebound started beside another resolver's TCP listener";
  EXPECT_THAT(std::string(rebound.status().message()),
              HasSubstr(absl::StrCat("another process already listens on ", kListen, "@53 (tcp)")));
}

// --version and --help, as a user of unbound types them (-V and -h as well); the version is in
// the start-up line of the log too.
TEST_F(StartupTest, VersionAndHelp) {
  int run = 0;
  // What `rebound flag` printed, after checking it exited with `status_ok`.
  auto output = [&](const char* flag, bool status_ok) {
    const std::string out = absl::StrCat(hierarchy().dir(), "/cli-", run++, ".out");
    EXPECT_EQ(RunToCompletion({REBOUND_BINARY, flag}, out, absl::Seconds(5)).ok(), status_ok)
        << flag;
    return ReadFileTail(out, 4096);
  };
  for (const char* flag : {"--version", "-V"}) {
    EXPECT_THAT(output(flag, true), ::testing::MatchesRegex("rebound [0-9]+\\.[0-9]+\\.[0-9]+\n"));
  }
  for (const char* flag : {"--help", "-h"}) EXPECT_THAT(output(flag, true), HasSubstr("--version"));
  EXPECT_THAT(output("--no-such-option", false), HasSubstr("usage: rebound"));
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = Start("version");
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  EXPECT_THAT((*rebound)->LogTail(1 << 16), ::testing::ContainsRegex("rebound [0-9.]+ started: "));
}

// The real user id of process `pid` (/proc/PID/status), or -1.
int RunningUid(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(status, line);) {
    int real = -1;
    if (std::sscanf(line.c_str(), "Uid: %d", &real) == 1) return real;
  }
  return -1;
}

// username: as in unbound: port 53 is bound as root, then the daemon runs as that user, and
// still answers.
TEST_F(StartupTest, UsernameDropsRootAfterBindingPort53) {
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr) << "no user nobody on this machine";
  const uid_t nobody_uid = nobody->pw_uid;
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = Start("nobody", "  username: nobody\n");
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  EXPECT_EQ(RunningUid((*rebound)->pid()), static_cast<int>(nobody_uid));
  absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(kListen), names::kV4Only, LDNS_RR_TYPE_A, {});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_NOERROR);
}

TEST_F(StartupTest, AUsernameThatNamesNobodyStopsTheStart) {
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      Start("nosuchuser", "  username: no-such-user-here\n");
  ASSERT_FALSE(rebound.ok());
  EXPECT_THAT(std::string(rebound.status().message()),
              HasSubstr("username: no user named 'no-such-user-here'"));
}

// Its own threads each bind the address with SO_REUSEPORT: that is no other process.
TEST_F(StartupTest, ItsOwnThreadsShareTheirPortAndItAnswers) {
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = Start("threads", "  num-threads: 2\n");
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(kListen), names::kV4Only, LDNS_RR_TYPE_A, {});
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_NOERROR);
}

}  // namespace
}  // namespace rebound::integration
