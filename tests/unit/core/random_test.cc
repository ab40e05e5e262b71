#include "resolver/core/random.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace rebound {
namespace {

// A source that hands out a counting byte sequence, so a test can see which bytes came out.
struct CountingSource {
  uint8_t next = 0;
  size_t calls = 0;
  void operator()(uint8_t* out, size_t size) {
    ++calls;
    for (size_t i = 0; i < size; ++i) out[i] = next++;
  }
};

TEST(RandomByteBufferTest, HandsOutTheSourceStreamInOrderOneBlockPerRefill) {
  auto source = std::make_shared<CountingSource>();
  RandomByteBuffer buffer([source](uint8_t* out, size_t size) { (*source)(out, size); });
  EXPECT_EQ(buffer.refills(), 0u) << "nothing is drawn before the first read";
  std::vector<uint8_t> got(RandomByteBuffer::kSize + 10);
  // Reads of odd sizes straddle the block boundary.
  size_t at = 0;
  while (at < got.size()) {
    const size_t n = std::min<size_t>(7, got.size() - at);
    buffer.Read(got.data() + at, n);
    at += n;
  }
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], static_cast<uint8_t>(i)) << "byte " << i << " was repeated or skipped";
  }
  EXPECT_EQ(buffer.refills(), 2u);
  EXPECT_EQ(source->calls, 2u);
}

TEST(RandomByteBufferTest, NextBelowStaysBelowTheBoundAndRejectsTheBiasedTail) {
  // A source whose first words are all in the rejected tail above the largest multiple of 3.
  int words = 0;
  RandomByteBuffer buffer([&words](uint8_t* out, size_t size) {
    for (size_t i = 0; i + 4 <= size; i += 4) {
      const uint32_t v = words++ < 3 ? UINT32_MAX : 5;  // UINT32_MAX % 3 == 0: rejected
      std::memcpy(out + i, &v, 4);
    }
  });
  EXPECT_EQ(buffer.NextBelow(3), 5u % 3);
}

TEST(RandomByteBufferTest, OpenSslBufferGivesDifferentValuesPerBufferAndCoversTheRange) {
  RandomByteBuffer a;
  RandomByteBuffer b;
  std::array<uint8_t, 32> from_a{};
  std::array<uint8_t, 32> from_b{};
  a.Read(from_a.data(), from_a.size());
  b.Read(from_b.data(), from_b.size());
  EXPECT_NE(from_a, from_b) << "two buffers drew the same 256 bits";
  std::set<uint32_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const uint32_t port = a.NextBelow(65536 - 1024);
    ASSERT_LT(port, 65536u - 1024);
    seen.insert(port);
  }
  // 2000 draws from 64512 values: about 31 collisions expected; 1900 distinct is far below.
  EXPECT_GT(seen.size(), 1900u);
}

TEST(SecureRandomTest, IdsVaryAndPortsStayInRange) {
  std::set<uint16_t> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(SecureRandomU16());
  EXPECT_GT(ids.size(), 950u);  // about 7.6 collisions expected among 1000 of 65536
  for (int i = 0; i < 1000; ++i) ASSERT_LT(SecureRandomBelow(10), 10u);
}

TEST(SecureRandomTest, AForkedChildDoesNotRepeatItsParentsBufferedValues) {
  SecureRandomU16();  // the parent's buffer now holds bytes not handed out yet
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  std::array<uint16_t, 16> values{};
  if (child == 0) {
    for (uint16_t& v : values) v = SecureRandomU16();
    const bool ok = write(pipe_fds[1], values.data(), sizeof values) == sizeof values;
    _exit(ok ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::array<uint16_t, 16> from_child{};
  ASSERT_EQ(read(pipe_fds[0], from_child.data(), sizeof from_child),
            static_cast<ssize_t>(sizeof from_child));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  for (uint16_t& v : values) v = SecureRandomU16();
  EXPECT_NE(values, from_child) << "the child handed out the parent's buffered bytes";
}

}  // namespace
}  // namespace rebound
