// The log file reopened at its configured path (SIGUSR1, for logrotate): lines after ReopenLog go
// to a new file there, and a path that cannot be opened leaves the log where it was.
#include "resolver/core/log.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

}  // namespace
}  // namespace rebound
