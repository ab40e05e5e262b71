// TcpFraming: messages come out whole and in order however the stream is cut, a partial one
// waits for the rest, and a length that cannot frame a DNS message stops the stream.
#include "resolver/server/tcp_framing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

namespace rebound {
namespace {

using ::testing::ElementsAre;

std::vector<uint8_t> Message(uint8_t fill, size_t size) { return std::vector<uint8_t>(size, fill); }

// Two-byte length, then the message.
std::vector<uint8_t> Framed(const std::vector<uint8_t>& message) {
  std::vector<uint8_t> out = {static_cast<uint8_t>(message.size() >> 8),
                              static_cast<uint8_t>(message.size())};
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

// Takes every whole message there is, as the TCP listener does after each read.
std::vector<std::vector<uint8_t>> TakeAll(TcpFraming& framing, TcpFraming::Next* last) {
  std::vector<std::vector<uint8_t>> out;
  std::span<const uint8_t> message;
  while ((*last = framing.Take(&message)) == TcpFraming::Next::kMessage) {
    out.emplace_back(message.begin(), message.end());
  }
  framing.Compact();
  return out;
}

TEST(TcpFramingTest, WholeMessagesInOneRead) {
  std::vector<uint8_t> stream = Framed(Message('a', 12));
  const std::vector<uint8_t> second = Framed(Message('b', 300));
  stream.insert(stream.end(), second.begin(), second.end());
  TcpFraming framing;
  framing.Append(stream);
  TcpFraming::Next last;
  EXPECT_THAT(TakeAll(framing, &last), ElementsAre(Message('a', 12), Message('b', 300)));
  EXPECT_EQ(last, TcpFraming::Next::kIncomplete);
  EXPECT_EQ(framing.pending_bytes(), 0u);
}

TEST(TcpFramingTest, AMessageCutAnywhereWaitsForTheRest) {
  const std::vector<uint8_t> stream = Framed(Message('q', 40));
  for (size_t cut = 0; cut < stream.size(); ++cut) {
    TcpFraming framing;
    framing.Append(std::span(stream).first(cut));
    TcpFraming::Next last;
    EXPECT_TRUE(TakeAll(framing, &last).empty()) << cut;
    EXPECT_EQ(last, TcpFraming::Next::kIncomplete) << cut;
    EXPECT_EQ(framing.pending_bytes(), cut);
    framing.Append(std::span(stream).subspan(cut));
    EXPECT_THAT(TakeAll(framing, &last), ElementsAre(Message('q', 40))) << cut;
  }
}

TEST(TcpFramingTest, OneByteAtATime) {
  std::vector<uint8_t> stream = Framed(Message('x', 12));
  const std::vector<uint8_t> second = Framed(Message('y', 17));
  stream.insert(stream.end(), second.begin(), second.end());
  TcpFraming framing;
  std::vector<std::vector<uint8_t>> got;
  TcpFraming::Next last;
  for (uint8_t byte : stream) {
    framing.Append(std::span(&byte, 1));
    for (std::vector<uint8_t>& message : TakeAll(framing, &last)) got.push_back(message);
  }
  EXPECT_THAT(got, ElementsAre(Message('x', 12), Message('y', 17)));
}

TEST(TcpFramingTest, TheLargestMessage) {
  TcpFraming framing;
  framing.Append(Framed(Message('m', 65535)));
  TcpFraming::Next last;
  EXPECT_THAT(TakeAll(framing, &last), ElementsAre(Message('m', 65535)));
}

// The length is judged as soon as it is in, before any of the message: the listener closes the
// connection then, and the messages before it were still served.
TEST(TcpFramingTest, ALengthBelowAHeaderIsNotDns) {
  std::vector<uint8_t> stream = Framed(Message('a', 12));
  stream.push_back(0);
  stream.push_back(11);
  TcpFraming framing;
  framing.Append(stream);
  TcpFraming::Next last;
  EXPECT_THAT(TakeAll(framing, &last), ElementsAre(Message('a', 12)));
  EXPECT_EQ(last, TcpFraming::Next::kNotDns);
  std::span<const uint8_t> message;
  EXPECT_EQ(framing.Take(&message), TcpFraming::Next::kNotDns);  // and stays so
}

TEST(TcpFramingTest, ZeroLengthIsNotDns) {
  TcpFraming framing;
  framing.Append(std::vector<uint8_t>{0, 0});
  std::span<const uint8_t> message;
  EXPECT_EQ(framing.Take(&message), TcpFraming::Next::kNotDns);
}

}  // namespace
}  // namespace rebound
