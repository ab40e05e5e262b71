// The log file reopened at its configured path (SIGUSR1, for logrotate): lines after ReopenLog go
// to a new file there, and a path that cannot be opened leaves the log where it was.
#include "resolver/core/log.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rebound {
namespace {

using ::testing::AllOf;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rebound-log-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/rebound.log";
    moved_ = path_ + ".1";
    ASSERT_TRUE(ConfigureLog(1, path_).ok());
    Log(LogLevel::kOps, "before the rotation");
    ASSERT_EQ(std::rename(path_.c_str(), moved_.c_str()), 0);
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  std::string dir_;
  std::string path_;   // the configured logfile
  std::string moved_;  // where logrotate renamed it to
};

TEST_F(LogTest, LinesAfterAReopenGoToANewFileAtThePath) {
  ASSERT_TRUE(ReopenLog().ok());
  Log(LogLevel::kOps, "after the rotation");
  EXPECT_THAT(Read(moved_), HasSubstr("before the rotation"));
  EXPECT_THAT(Read(moved_), Not(HasSubstr("after the rotation")));
  EXPECT_THAT(Read(path_), HasSubstr("after the rotation"));
  EXPECT_THAT(Read(path_), Not(HasSubstr("before the rotation")));
}

// The checks of owned_file.h hold for the reopened file too: a symlink planted at the path is not
// followed, and the log goes on in the file it had.
TEST_F(LogTest, AReopenThatFailsKeepsTheFileItHad) {
  const std::string victim = dir_ + "/victim";
  std::ofstream(victim) << "precious\n";
  ASSERT_EQ(symlink(victim.c_str(), path_.c_str()), 0);
  EXPECT_FALSE(ReopenLog().ok());
  Log(LogLevel::kOps, "after the failed reopen");
  EXPECT_EQ(Read(victim), "precious\n");
  EXPECT_THAT(Read(moved_), HasSubstr("after the failed reopen"));
}

// use-syslog: the lines go to the syslog socket as RFC 3164 datagrams, facility daemon, with
// the line's severity; once it is turned off they go to the file again.
TEST(SyslogTest, LinesGoToTheSocketWithFacilityDaemonAndTheirSeverity) {
  char tmpl[] = "/tmp/rebound-syslog-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string socket_path = std::string(tmpl) + "/log";
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size());
  ASSERT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  const timeval one_second{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &one_second, sizeof one_second);
  auto receive = [fd] {
    char buffer[2048];
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, n) : std::string("(nothing)");
  };
  ASSERT_TRUE(ConfigureLog(2, "").ok());
  UseSyslog(socket_path);
  Log(LogLevel::kOps, "serving");
  Log(LogLevel::kError, "trouble");
  Log(LogLevel::kDetail, "detail");
  const std::string tag = absl::StrCat(" rebound[", getpid(), "]: ");
  EXPECT_THAT(receive(), AllOf(StartsWith("<30>"), EndsWith(tag + "serving")));
  EXPECT_THAT(receive(), AllOf(StartsWith("<27>"), EndsWith(tag + "trouble")));
  EXPECT_THAT(receive(), AllOf(StartsWith("<31>"), EndsWith(tag + "detail")));
  UseSyslog("");
  Log(LogLevel::kOps, "after");
  EXPECT_EQ(receive(), "(nothing)");
  close(fd);
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace rebound
