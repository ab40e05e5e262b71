// rebound-control against a daemon that never answers, on real sockets on loopback: it must give
// up within its timeout (-t) with the reason, never hang, whether the connection, the TLS
// handshake or the answer is what never comes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/common/child_process.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_ca.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;

constexpr int kTimeoutSeconds = 2;

// A listening socket that never says a word: a socket file at `path`, or 127.0.0.1 on a port of
// the kernel's choosing. `backlog` 0 leaves room for one connection the listener never accepts.
class SilentListener {
 public:
  static std::unique_ptr<SilentListener> OnFile(const std::string& path, int backlog = 16) {
    auto listener = std::unique_ptr<SilentListener>(new SilentListener);
    listener->fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    EXPECT_EQ(bind(listener->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    listener->Listen(backlog, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    return listener;
  }
  static std::unique_ptr<SilentListener> OnTcp(int backlog = 16) {
    auto listener = std::unique_ptr<SilentListener>(new SilentListener);
    listener->fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(listener->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t length = sizeof addr;
    getsockname(listener->fd_, reinterpret_cast<sockaddr*>(&addr), &length);
    listener->port_ = ntohs(addr.sin_port);
    listener->Listen(backlog, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    return listener;
  }
  ~SilentListener() {
    for (int fd : {fd_, accepted_, filler_}) {
      if (fd >= 0) close(fd);
    }
  }

  // Takes the next connection (within a few seconds) and keeps it open, silent.
  bool AcceptAndKeepQuiet() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 5000) != 1) return false;
    accepted_ = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    return accepted_ >= 0;
  }
  uint16_t port() const { return port_; }

 private:
  SilentListener() = default;
  // With backlog 0, one connection of the test's own fills the queue: the next one waits.
  void Listen(int backlog, const sockaddr* addr, socklen_t length) {
    EXPECT_EQ(listen(fd_, backlog), 0);
    if (backlog > 0) return;
    filler_ = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    EXPECT_EQ(connect(filler_, addr, length), 0) << std::strerror(errno);
  }

  int fd_ = -1;
  int accepted_ = -1;
  int filler_ = -1;
  uint16_t port_ = 0;
};

class ReboundControlTimeoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create("control-timeout-");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<testing::TempDir>(*std::move(dir));
  }

  // A config whose remote-control: clause is `clause`.
  std::string WriteConfig(const std::string& clause) {
    const std::string path = dir_->path() + "/rebound.conf";
    std::ofstream(path) << "server:\n  verbosity: 0\nremote-control:\n  control-enable: yes\n"
                        << clause;
    return path;
  }

  struct Outcome {
    int exit_code = -1;
    absl::Duration took;
    std::string said;
  };

  // Runs `rebound-control -c config -t 2 stats_noreset`; with `listener`, accepts its
  // connection and keeps it silent until rebound-control gives up.
  Outcome RunAgainst(const std::string& config, SilentListener* accepting) {
    const absl::Time start = absl::Now();
    absl::StatusOr<testing::ChildProcess> control =
        testing::ChildProcess::Start({REBOUND_CONTROL_BINARY, "-c", config, "-t",
                                      absl::StrCat(kTimeoutSeconds), "stats_noreset"},
                                     dir_->path() + "/control.log");
    EXPECT_TRUE(control.ok()) << control.status();
    if (!control.ok()) return {};
    if (accepting != nullptr) {
      EXPECT_TRUE(accepting->AcceptAndKeepQuiet());
    }
    Outcome outcome;
    outcome.exit_code = control->Wait();
    outcome.took = absl::Now() - start;
    outcome.said = control->Log();
    return outcome;
  }

  // Gave up with the reason, after the timeout and well before twice it.
  static void ExpectGaveUp(const Outcome& outcome, const std::string& what) {
    EXPECT_EQ(outcome.exit_code, 1) << outcome.said;
    EXPECT_THAT(outcome.said, HasSubstr(absl::StrCat("rebound-control: error: ", what)));
    EXPECT_THAT(outcome.said,
                HasSubstr(absl::StrCat("timed out after ", kTimeoutSeconds, " seconds")));
    EXPECT_GE(outcome.took, absl::Seconds(kTimeoutSeconds) - absl::Milliseconds(100));
    EXPECT_LT(outcome.took, absl::Seconds(2 * kTimeoutSeconds));
  }

  std::unique_ptr<testing::TempDir> dir_;
};

TEST_F(ReboundControlTimeoutTest, ASocketFileThatAcceptsAndNeverAnswers) {
  const std::string path = dir_->path() + "/control.sock";
  std::unique_ptr<SilentListener> listener = SilentListener::OnFile(path);
  const Outcome outcome =
      RunAgainst(WriteConfig(absl::StrCat("  control-interface: ", path, "\n")), listener.get());
  ExpectGaveUp(outcome, "read: ");
}

TEST_F(ReboundControlTimeoutTest, ATcpListenerThatAcceptsAndNeverAnswers) {
  std::unique_ptr<SilentListener> listener = SilentListener::OnTcp();
  const Outcome outcome = RunAgainst(
      WriteConfig(absl::StrCat("  control-interface: 127.0.0.1\n  control-port: ", listener->port(),
                               "\n  control-use-cert: no\n")),
      listener.get());
  ExpectGaveUp(outcome, "read: ");
}

// control-use-cert: yes (unbound's default): the TLS handshake is what never ends.
TEST_F(ReboundControlTimeoutTest, ATlsHandshakeThatNeverEnds) {
  if (!testing::CheckOpenSslCli().ok()) GTEST_SKIP() << "no openssl command";
  ASSERT_TRUE(testing::ChildProcess::Run({REBOUND_CONTROL_SETUP, "-d", dir_->path()},
                                         dir_->path() + "/setup.log")
                  .ok());
  std::unique_ptr<SilentListener> listener = SilentListener::OnTcp();
  const std::string d = dir_->path();
  const Outcome outcome =
      RunAgainst(WriteConfig(absl::StrCat(
                     "  control-interface: 127.0.0.1\n  control-port: ", listener->port(),
                     "\n  control-use-cert: yes\n  server-key-file: ", d, "/rebound_server.key\n",
                     "  server-cert-file: ", d, "/rebound_server.pem\n  control-key-file: ", d,
                     "/rebound_control.key\n  control-cert-file: ", d, "/rebound_control.pem\n")),
                 listener.get());
  ExpectGaveUp(outcome, "TLS with 127.0.0.1: ");
}

// A listener whose queue is full never completes the connection: the kernel drops the SYN (TCP)
// or makes connect(2) wait (a socket file).
TEST_F(ReboundControlTimeoutTest, AConnectionThatIsNeverTaken) {
  std::unique_ptr<SilentListener> tcp = SilentListener::OnTcp(/*backlog=*/0);
  ExpectGaveUp(RunAgainst(WriteConfig(absl::StrCat("  control-interface: 127.0.0.1\n  "
                                                   "control-port: ",
                                                   tcp->port(), "\n  control-use-cert: no\n")),
                          nullptr),
               "connect 127.0.0.1@");
  const std::string path = dir_->path() + "/full.sock";
  std::unique_ptr<SilentListener> file = SilentListener::OnFile(path, /*backlog=*/0);
  ExpectGaveUp(RunAgainst(WriteConfig(absl::StrCat("  control-interface: ", path, "\n")), nullptr),
               absl::StrCat("connect ", path, ": "));
}

}  // namespace
}  // namespace rebound
