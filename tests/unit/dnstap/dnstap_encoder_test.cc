#include "resolver/dnstap/dnstap_encoder.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/dnstap/dnstap.pb-c.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

Endpoint At(const char* text) {
  absl::StatusOr<Endpoint> e = Endpoint::Parse(text, 53);
  EXPECT_TRUE(e.ok()) << text;
  return *e;
}

std::vector<uint8_t> BytesOf(const ProtobufCBinaryData& data) {
  return std::vector<uint8_t>(data.data, data.data + data.len);
}

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Decodes with protobuf-c's own reader, which checks the frame against the schema.
struct Decoded {
  explicit Decoded(const DnstapFrame& frame)
      : dnstap(dnstap__dnstap__unpack(nullptr, frame.size, frame.data.get())) {}
  ~Decoded() {
    if (dnstap != nullptr) dnstap__dnstap__free_unpacked(dnstap, nullptr);
  }
  Dnstap__Dnstap* dnstap;
};

TEST(DnstapEncoderTest, ResolverQueryDecodesToItsFields) {
  const std::vector<uint8_t> query = {0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0,
                                      0,    3,    'f',  'o',  'o',  0,    0, 1, 0, 1};
  const std::vector<uint8_t> zone = {4, 't', 'e', 's', 't', 0};
  const std::string identity = "resolver-1";
  const std::string version = "rebound 0.1.0";
  DnstapFrame frame = EncodeDnstap({.type = DnstapMessageType::kResolverQuery,
                                    .identity = Span(identity),
                                    .version = Span(version),
                                    .protocol = DnstapProtocol::kTcp,
                                    .responder = At("192.0.2.53@5353"),
                                    .query_time = absl::FromUnixNanos(1700000000123456789),
                                    .query_message = query,
                                    .query_zone = zone});
  ASSERT_NE(frame.data, nullptr);
  Decoded d(frame);
  ASSERT_NE(d.dnstap, nullptr);
  EXPECT_EQ(d.dnstap->type, DNSTAP__DNSTAP__TYPE__MESSAGE);
  ASSERT_TRUE(d.dnstap->has_identity);
  EXPECT_EQ(std::string(d.dnstap->identity.data, d.dnstap->identity.data + d.dnstap->identity.len),
            identity);
  ASSERT_TRUE(d.dnstap->has_version);
  EXPECT_EQ(std::string(d.dnstap->version.data, d.dnstap->version.data + d.dnstap->version.len),
            version);
  EXPECT_FALSE(d.dnstap->has_extra);
  const Dnstap__Message* m = d.dnstap->message;
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->type, DNSTAP__MESSAGE__TYPE__RESOLVER_QUERY);
  EXPECT_EQ(static_cast<int>(m->type), 3);  // the protocol's number, which readers decode by
  ASSERT_TRUE(m->has_socket_family);
  EXPECT_EQ(m->socket_family, DNSTAP__SOCKET_FAMILY__INET);
  ASSERT_TRUE(m->has_socket_protocol);
  EXPECT_EQ(m->socket_protocol, DNSTAP__SOCKET_PROTOCOL__TCP);
  EXPECT_FALSE(m->has_query_address);  // the resolver's own side is left out
  EXPECT_FALSE(m->has_query_port);
  ASSERT_TRUE(m->has_response_address);
  EXPECT_THAT(BytesOf(m->response_address), ElementsAre(192, 0, 2, 53));
  ASSERT_TRUE(m->has_response_port);
  EXPECT_EQ(m->response_port, 5353u);
  ASSERT_TRUE(m->has_query_time_sec);
  EXPECT_EQ(m->query_time_sec, 1700000000u);
  ASSERT_TRUE(m->has_query_time_nsec);
  EXPECT_EQ(m->query_time_nsec, 123456789u);
  ASSERT_TRUE(m->has_query_message);
  EXPECT_THAT(BytesOf(m->query_message), ElementsAreArray(query));
  ASSERT_TRUE(m->has_query_zone);
  EXPECT_THAT(BytesOf(m->query_zone), ElementsAreArray(zone));
  EXPECT_FALSE(m->has_response_message);
  EXPECT_FALSE(m->has_response_time_sec);
}

TEST(DnstapEncoderTest, ClientResponseOverIpv6CarriesBothAddressesAndTimes) {
  const std::vector<uint8_t> response = {0xab, 0xcd, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 0};
  DnstapFrame frame = EncodeDnstap({.type = DnstapMessageType::kClientResponse,
                                    .protocol = DnstapProtocol::kUdp,
                                    .initiator = At("2001:db8::7@40000"),
                                    .responder = At("2001:db8::1@53"),
                                    .query_time = absl::FromUnixSeconds(1000),
                                    .response_time = absl::FromUnixMillis(1000250),
                                    .response_message = response});
  ASSERT_NE(frame.data, nullptr);
  Decoded d(frame);
  ASSERT_NE(d.dnstap, nullptr);
  EXPECT_FALSE(d.dnstap->has_identity);  // not configured to be sent
  EXPECT_FALSE(d.dnstap->has_version);
  const Dnstap__Message* m = d.dnstap->message;
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(static_cast<int>(m->type), 6);  // CLIENT_RESPONSE
  EXPECT_EQ(m->socket_family, DNSTAP__SOCKET_FAMILY__INET6);
  EXPECT_EQ(m->socket_protocol, DNSTAP__SOCKET_PROTOCOL__UDP);
  EXPECT_THAT(BytesOf(m->query_address),
              ElementsAre(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7));
  EXPECT_EQ(m->query_port, 40000u);
  EXPECT_THAT(BytesOf(m->response_address),
              ElementsAre(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
  EXPECT_EQ(m->response_port, 53u);
  EXPECT_EQ(m->query_time_sec, 1000u);
  EXPECT_EQ(m->query_time_nsec, 0u);
  EXPECT_EQ(m->response_time_sec, 1000u);
  EXPECT_EQ(m->response_time_nsec, 250000000u);
  EXPECT_THAT(BytesOf(m->response_message), ElementsAreArray(response));
  EXPECT_FALSE(m->has_query_message);
  EXPECT_FALSE(m->has_query_zone);
}

TEST(DnstapEncoderTest, UnsetResponderIsLeftOut) {
  DnstapFrame frame = EncodeDnstap({.type = DnstapMessageType::kClientQuery,
                                    .initiator = At("127.0.0.1@1234"),
                                    .query_time = absl::FromUnixSeconds(5)});
  Decoded d(frame);
  ASSERT_NE(d.dnstap, nullptr);
  EXPECT_EQ(static_cast<int>(d.dnstap->message->type), 5);  // CLIENT_QUERY
  EXPECT_TRUE(d.dnstap->message->has_query_address);
  EXPECT_FALSE(d.dnstap->message->has_response_address);
  EXPECT_FALSE(d.dnstap->message->has_response_port);
}

}  // namespace
}  // namespace rebound
