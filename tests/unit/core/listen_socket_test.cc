#include "resolver/core/listen_socket.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace rebound {
namespace {

// A sysctl under /proc/sys/net/core, such as rmem_max.
size_t CoreSysctl(const std::string& name) {
  std::ifstream file("/proc/sys/net/core/" + name);
  size_t value = 0;
  file >> value;
  return value;
}

class ListenSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<int> fd =
        OpenListenSocket(Endpoint::Parse("127.0.0.1", 0).value(), SOCK_DGRAM, false);
    ASSERT_TRUE(fd.ok()) << fd.status();
    fd_ = *fd;
  }
  void TearDown() override {
    if (fd_ >= 0) close(fd_);
  }

  // What the kernel grants a request of `bytes`: all of it to root (SO_*BUFFORCE), at most the
  // sysctl cap to anyone else.
  static size_t Expected(size_t bytes, const std::string& cap) {
    return geteuid() == 0 ? bytes : std::min(bytes, CoreSysctl(cap));
  }

  int fd_ = -1;
};

TEST_F(ListenSocketTest, ReceiveBufferIsGrantedUpToTheSystemCap) {
  constexpr size_t kAsked = 3 << 20;  // above Debian's default cap of 208 KiB
  EXPECT_EQ(SetSocketBufferSize(fd_, SO_RCVBUF, kAsked), Expected(kAsked, "rmem_max"));
}

TEST_F(ListenSocketTest, SendBufferIsGrantedUpToTheSystemCap) {
  constexpr size_t kAsked = 3 << 20;
  EXPECT_EQ(SetSocketBufferSize(fd_, SO_SNDBUF, kAsked), Expected(kAsked, "wmem_max"));
}

TEST_F(ListenSocketTest, ASmallBufferIsGrantedAsAsked) {
  EXPECT_EQ(SetSocketBufferSize(fd_, SO_RCVBUF, 16384), 16384u);
}

}  // namespace
}  // namespace rebound
