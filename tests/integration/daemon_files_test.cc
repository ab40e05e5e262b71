// The pid file and the log file the daemon opens as root (issue 15 item 7): whoever can put a
// symlink where they will be must not get rebound to truncate or write the file it points to.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

constexpr char kListen[] = "127.0.0.12";

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

class DaemonFilesTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() { StartSharedHierarchy({"bash", "nsd"}, false); }

 protected:
  void SetUp() override {
    HierarchyTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    victim_ = hierarchy().dir() + "/victim-" + std::to_string(counter_++);
    std::ofstream(victim_) << "precious\n";
  }

  std::string Config(const std::string& extra) {
    return RecursiveServerConfig(hierarchy(), kListen) + extra;
  }

  static inline int counter_ = 0;
  std::string victim_;  // what a symlink planted at the configured path points to
};

TEST_F(DaemonFilesTest, APidFileSymlinkIsReplacedNotWrittenThrough) {
  const std::string pid = hierarchy().dir() + "/planted.pid";
  ASSERT_EQ(symlink(victim_.c_str(), pid.c_str()), 0);
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      StartRebound(REBOUND_BINARY, hierarchy(), "pidfile",
                   Config(absl::StrCat("  pidfile: \"", pid, "\"\n")), EndpointAt(kListen));
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  EXPECT_EQ(Read(victim_), "precious\n") << "rebound wrote its pid through the symlink";
  EXPECT_EQ(Read(pid), absl::StrCat((*rebound)->pid(), "\n"));
  struct stat st;
  ASSERT_EQ(lstat(pid.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(DaemonFilesTest, ALogFileSymlinkIsRefused) {
  const std::string log = hierarchy().dir() + "/planted.log";
  ASSERT_EQ(symlink(victim_.c_str(), log.c_str()), 0);
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = StartRebound(
      REBOUND_BINARY, hierarchy(), "logfile", Config(absl::StrCat("  logfile: \"", log, "\"\n")),
      EndpointAt(kListen), absl::Seconds(3));
  EXPECT_FALSE(rebound.ok()) << "rebound started with its log file a symlink";
  EXPECT_EQ(Read(victim_), "precious\n") << "rebound logged through the symlink";
}

TEST_F(DaemonFilesTest, AnExistingLogFileIsAppendedTo) {
  const std::string log = hierarchy().dir() + "/rebound-own.log";
  std::ofstream(log) << "earlier run\n";
  {
    absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
        StartRebound(REBOUND_BINARY, hierarchy(), "ownlog",
                     Config(absl::StrCat("  logfile: \"", log, "\"\n")), EndpointAt(kListen));
    ASSERT_TRUE(rebound.ok()) << rebound.status();
  }
  const std::string text = Read(log);
  EXPECT_EQ(text.rfind("earlier run\n", 0), 0u) << text;
  EXPECT_THAT(text, ::testing::HasSubstr(" started: "));
}

}  // namespace
}  // namespace rebound::integration
