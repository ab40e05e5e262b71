// The logfile and pidfile are opened as root at a path from the config (issue 15 item 7): no
// symlink followed, nothing truncated, a directory others cannot change, 0644, atomic writes.
#include "resolver/core/owned_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace rebound {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

class OwnedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rebound-owned-file-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    victim_ = dir_ + "/victim";
    std::ofstream(victim_) << "precious\n";
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  std::string dir_;
  std::string victim_;  // a file that someone else's symlink points at
};

TEST_F(OwnedFileTest, AppendNeverFollowsASymlinkNorTruncates) {
  const std::string log = dir_ + "/rebound.log";
  ASSERT_EQ(symlink(victim_.c_str(), log.c_str()), 0);
  EXPECT_FALSE(OpenOwnedFileForAppend(log).ok());
  EXPECT_EQ(Read(victim_), "precious\n");
  // A plain file of ours is appended to, not truncated.
  absl::StatusOr<int> fd = OpenOwnedFileForAppend(victim_);
  ASSERT_TRUE(fd.ok()) << fd.status();
  ASSERT_EQ(write(*fd, "more\n", 5), 5);
  close(*fd);
  EXPECT_EQ(Read(victim_), "precious\nmore\n");
}

TEST_F(OwnedFileTest, NewFilesAre0644WhateverTheUmask) {
  const mode_t old = umask(0077);
  absl::StatusOr<int> fd = OpenOwnedFileForAppend(dir_ + "/new.log");
  ASSERT_TRUE(WriteOwnedFileAtomically(dir_ + "/new.pid", "1\n").ok());
  umask(old);
  ASSERT_TRUE(fd.ok()) << fd.status();
  close(*fd);
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/new.log").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  ASSERT_EQ(stat((dir_ + "/new.pid").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(OwnedFileTest, AnExistingLogFileKeepsTheModeItsOwnerGaveIt) {
  ASSERT_EQ(chmod(victim_.c_str(), 0600), 0);
  absl::StatusOr<int> fd = OpenOwnedFileForAppend(victim_);
  ASSERT_TRUE(fd.ok()) << fd.status();
  close(*fd);
  struct stat st;
  ASSERT_EQ(stat(victim_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(OwnedFileTest, AHardLinkIsRefused) {
  const std::string log = dir_ + "/linked.log";
  ASSERT_EQ(link(victim_.c_str(), log.c_str()), 0);
  EXPECT_FALSE(OpenOwnedFileForAppend(log).ok());
}

TEST_F(OwnedFileTest, ADirectoryOthersCanWriteIsRefusedUnlessSticky) {
  ASSERT_EQ(chmod(dir_.c_str(), 0777), 0);
  EXPECT_FALSE(OpenOwnedFileForAppend(dir_ + "/x.log").ok());
  EXPECT_FALSE(WriteOwnedFileAtomically(dir_ + "/x.pid", "1\n").ok());
  ASSERT_EQ(chmod(dir_.c_str(), 01777), 0);  // as /tmp: nobody replaces another's file
  EXPECT_TRUE(WriteOwnedFileAtomically(dir_ + "/x.pid", "1\n").ok());
  EXPECT_FALSE(CheckDirectoryFor(dir_ + "/missing/x.pid").ok());
}

TEST_F(OwnedFileTest, ThePidFileReplacesASymlinkInsteadOfWritingThroughIt) {
  const std::string pid = dir_ + "/rebound.pid";
  ASSERT_EQ(symlink(victim_.c_str(), pid.c_str()), 0);
  ASSERT_TRUE(WriteOwnedFileAtomically(pid, "4242\n").ok());
  EXPECT_EQ(Read(victim_), "precious\n");
  EXPECT_EQ(Read(pid), "4242\n");
  struct stat st;
  ASSERT_EQ(lstat(pid.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  // Written again: the whole new content, nothing of the old.
  ASSERT_TRUE(WriteOwnedFileAtomically(pid, "7\n").ok());
  EXPECT_EQ(Read(pid), "7\n");
}

// With username:, the files the dropped user wrote are read back at the next start while still
// root (bootstrap-state-file): that user's files must then count as rebound's own.
TEST_F(OwnedFileTest, TheUsernameUsersFilesAreReadBackAfterARestart) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give the file to another user";
  const uid_t nobody = 65534;
  const std::string file = dir_ + "/state";
  std::ofstream(file) << "remembered\n";
  ASSERT_EQ(chown(dir_.c_str(), nobody, nobody), 0);
  ASSERT_EQ(chown(file.c_str(), nobody, nobody), 0);
  EXPECT_FALSE(OpenOwnedFileForReading(file).ok());
  TrustFilesOf(nobody);
  absl::StatusOr<int> fd = OpenOwnedFileForReading(file);
  EXPECT_TRUE(fd.ok()) << fd.status();
  if (fd.ok()) close(*fd);
  TrustFilesOf(static_cast<uid_t>(-1));
}

}  // namespace
}  // namespace rebound
