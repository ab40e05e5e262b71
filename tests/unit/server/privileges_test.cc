#include "resolver/server/privileges.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace rebound {
namespace {

using ::testing::HasSubstr;

// chown needs root; CI runs as root, so there a skip is a failure.
class MakeDirectoryWritableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) {
      const char* ci = std::getenv("CI");
      ASSERT_FALSE(ci != nullptr && std::string(ci) == "true") << "needs root, which CI has";
      GTEST_SKIP() << "needs root to give a directory to another user";
    }
    const passwd* nobody = getpwnam("nobody");
    ASSERT_NE(nobody, nullptr);
    account_ = {"nobody", nobody->pw_uid, nobody->pw_gid};
    char pattern[] = "/tmp/rebound-privileges-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    if (!root_.empty()) std::filesystem::remove_all(root_);
  }

  Account account_;
  std::string root_;
};

TEST_F(MakeDirectoryWritableTest, AMissingDirectoryIsMadeForTheAccount) {
  const std::string dir = root_ + "/rebound";
  ASSERT_TRUE(MakeDirectoryWritableFor(dir + "/bootstrap.json", account_).ok());
  struct stat st {};
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, account_.uid);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
}

TEST_F(MakeDirectoryWritableTest, AnExistingDirectoryTheAccountCannotWriteIsAnError) {
  ASSERT_EQ(chmod(root_.c_str(), 0755), 0);  // root's, as /var/lib is
  absl::Status s = MakeDirectoryWritableFor(root_ + "/bootstrap.json", account_);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr(root_ + " is not writable by user nobody, which rebound runs as"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("chown nobody " + root_));
}

TEST_F(MakeDirectoryWritableTest, DirectoriesTheAccountCanWriteAreLeftAsTheyAre) {
  ASSERT_EQ(chown(root_.c_str(), account_.uid, account_.gid), 0);
  ASSERT_EQ(chmod(root_.c_str(), 0700), 0);
  EXPECT_TRUE(MakeDirectoryWritableFor(root_ + "/bootstrap.json", account_).ok());
  ASSERT_EQ(chown(root_.c_str(), 0, 0), 0);
  ASSERT_EQ(chmod(root_.c_str(), 01777), 0);  // as /tmp
  EXPECT_TRUE(MakeDirectoryWritableFor(root_ + "/bootstrap.json", account_).ok());
}

}  // namespace
}  // namespace rebound
