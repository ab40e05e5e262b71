// The daemon's life as a service manager and an unbound user see it (issue 16): systemd's
// notify protocol (sd_notify(3): READY=1 once rebound answers, RELOADING=1 and READY=1 again
// around a reload, STOPPING=1 when told to stop), the log file reopened on SIGUSR1 after
// logrotate has moved it away, and unbound's per-query log lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kListen[] = "127.0.0.15";

// What systemd does for a Type=notify service: an AF_UNIX datagram socket, bound at `name` (a
// path, or '@' and an abstract name), whose name goes to the service in $NOTIFY_SOCKET.
class FakeServiceManager {
 public:
  explicit FakeServiceManager(const std::string& name)
      : name_(name), fd_(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    if (name[0] == '@') address.sun_path[0] = '\0';
    const socklen_t length = offsetof(sockaddr_un, sun_path) + name.size();
    if (name[0] != '@') unlink(name.c_str());
    bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) == 0;
  }
  ~FakeServiceManager() {
    close(fd_);
    if (name_[0] != '@') unlink(name_.c_str());
  }
  bool bound() const { return bound_; }
  const std::string& name() const { return name_; }

  // The next datagram, or "" when none came within `timeout`.
  std::string Receive(absl::Duration timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) != 1) return "";
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, n) : "";
  }

 private:
  std::string name_;
  int fd_;
  bool bound_ = false;
};

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

int RunningUid(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(status, line);) {
    int real = -1;
    if (std::sscanf(line.c_str(), "Uid: %d", &real) == 1) return real;
  }
  return -1;
}

class ProcessLifeTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() { StartSharedHierarchy({"bash", "nsd"}, false); }

 protected:
  // Starts rebound with $NOTIFY_SOCKET set to `manager`, without waiting for it to answer:
  // the notification is what the test waits for.
  absl::StatusOr<Subprocess> StartNotifying(const FakeServiceManager& manager,
                                            const std::string& name, const std::string& extra) {
    const std::string base = absl::StrCat(hierarchy().dir(), "/", name);
    std::ofstream(base + ".conf") << RecursiveServerConfig(hierarchy(), kListen) << extra << "\n"
                                  << kHierarchyLocalZones;
    setenv("NOTIFY_SOCKET", manager.name().c_str(), 1);
    absl::StatusOr<Subprocess> process =
        Subprocess::Start({REBOUND_BINARY, "-c", base + ".conf"}, base + ".log");
    unsetenv("NOTIFY_SOCKET");
    return process;
  }

  // READY=1 means "answering": the first query after it, sent once, gets its answer (a query
  // to a port not yet bound would be refused by the kernel).
  void ExpectReadyOnlyWhenAnswering(FakeServiceManager* manager, Subprocess* rebound) {
    const std::string ready = manager->Receive(absl::Seconds(10));
    ASSERT_THAT(ready, HasSubstr("READY=1")) << rebound->LogTail();
    EXPECT_THAT(ready, HasSubstr("STATUS="));
    absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(kListen), names::kV4Only, LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply.ok()) << reply.status() << "\n" << rebound->LogTail();
    EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_NOERROR);
    EXPECT_EQ(manager->Receive(absl::Milliseconds(200)), "") << "more than one notification";
  }

  void ExpectStoppingOnSigterm(FakeServiceManager* manager, Subprocess* rebound) {
    ASSERT_TRUE(rebound->Signal(SIGTERM).ok());
    EXPECT_THAT(manager->Receive(absl::Seconds(5)), HasSubstr("STOPPING=1"));
    absl::StatusOr<int> status = rebound->Wait(absl::Seconds(5));
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << DescribeWaitStatus(*status);
  }
};

TEST_F(ProcessLifeTest, NotifiesReadyAndStoppingOnAPathSocket) {
  FakeServiceManager manager(hierarchy().dir() + "/notify.sock");
  ASSERT_TRUE(manager.bound()) << std::strerror(errno);
  absl::StatusOr<Subprocess> rebound = StartNotifying(manager, "notify-path", "");
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  ExpectReadyOnlyWhenAnswering(&manager, &*rebound);
  // A reload (SIGHUP) is announced, and READY=1 comes again once it is over.
  ASSERT_TRUE(rebound->Signal(SIGHUP).ok());
  EXPECT_THAT(manager.Receive(absl::Seconds(5)), HasSubstr("RELOADING=1"));
  ExpectReadyOnlyWhenAnswering(&manager, &*rebound);
  ExpectStoppingOnSigterm(&manager, &*rebound);
}

// The abstract namespace ('@'), as systemd's own manager socket may be; and READY=1 only once
// root is dropped for username:.
TEST_F(ProcessLifeTest, NotifiesReadyAfterDroppingRootOnAnAbstractSocket) {
  const passwd* nobody = getpwnam("nobody");
  ASSERT_NE(nobody, nullptr) << "no user nobody on this machine";
  const int nobody_uid = static_cast<int>(nobody->pw_uid);
  FakeServiceManager manager(absl::StrCat("@rebound-process-life-", getpid()));
  ASSERT_TRUE(manager.bound()) << std::strerror(errno);
  absl::StatusOr<Subprocess> rebound =
      StartNotifying(manager, "notify-abstract", "  username: nobody\n");
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  const std::string ready = manager.Receive(absl::Seconds(10));
  ASSERT_THAT(ready, HasSubstr("READY=1")) << rebound->LogTail();
  EXPECT_EQ(RunningUid(rebound->pid()), nobody_uid) << "READY=1 before root was dropped";
  ExpectStoppingOnSigterm(&manager, &*rebound);
}

// logrotate's way (unbound.conf(5), logfile:): the file is renamed, SIGUSR1 sent, and rebound
// goes on logging to a new file at the configured path, not to the renamed one.
TEST_F(ProcessLifeTest, SigusrOneReopensTheLogFileAfterARename) {
  const std::string log = hierarchy().dir() + "/rotated.log";
  const std::string moved = log + ".1";
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = StartRebound(
      REBOUND_BINARY, hierarchy(), "rotated",
      RecursiveServerConfig(hierarchy(), kListen) + absl::StrCat("  logfile: \"", log, "\"\n"),
      EndpointAt(kListen));
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  ASSERT_EQ(rename(log.c_str(), moved.c_str()), 0) << std::strerror(errno);
  ASSERT_TRUE((*rebound)->Signal(SIGUSR1).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (access(log.c_str(), F_OK) != 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(access(log.c_str(), F_OK), 0) << "no new log file\n" << Read(moved);
  absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(kListen), names::kV4Only, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status() << "\n" << (*rebound)->LogTail();
  EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_NOERROR);
  const int status = (*rebound)->Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << DescribeWaitStatus(status);

  const std::string before = Read(moved);
  const std::string after = Read(log);
  EXPECT_THAT(before, HasSubstr(" started: "));
  EXPECT_THAT(before, Not(HasSubstr("rebound stopped"))) << "logged on to the renamed file";
  EXPECT_THAT(after, HasSubstr("SIGUSR1: log reopened"));
  EXPECT_THAT(after, HasSubstr("rebound stopped"));
  EXPECT_THAT(after, Not(HasSubstr(" started: ")));
}

// log-queries and log-replies as an unbound user has them (unbound.conf(5)): a line per query
// and per reply, in unbound's words, even at verbosity 0.
TEST_F(ProcessLifeTest, LogQueriesAndLogRepliesWriteUnboundsLines) {
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      StartRebound(REBOUND_BINARY, hierarchy(), "query-lines",
                   RecursiveServerConfig(hierarchy(), kListen) +
                       "  verbosity: 0\n  log-queries: yes\n  log-replies: yes\n",
                   EndpointAt(kListen));
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(kListen), names::kV4Only, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status();
  const std::string log = Read((*rebound)->log_path());
  EXPECT_THAT(log, HasSubstr(absl::StrCat("rebound[info]: 127.0.0.1 ", names::kV4Only, " A IN\n")));
  EXPECT_THAT(
      log, HasSubstr(absl::StrCat("rebound[info]: 127.0.0.1 ", names::kV4Only, " A IN NOERROR ")));
}

}  // namespace
}  // namespace rebound::integration
