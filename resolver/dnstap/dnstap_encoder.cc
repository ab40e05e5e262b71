#include "resolver/dnstap/dnstap_encoder.h"

#include <sys/socket.h>

#include <array>

#include "resolver/dnstap/dnstap.pb-c.h"

namespace rebound {
namespace {

// protobuf-c's bytes field points at const data it never writes through.
ProtobufCBinaryData Bytes(std::span<const uint8_t> bytes) {
  return {bytes.size(), const_cast<uint8_t*>(bytes.data())};
}

void SetTime(absl::Time t, uint64_t* sec, protobuf_c_boolean* has_sec, uint32_t* nsec,
             protobuf_c_boolean* has_nsec) {
  const timespec ts = absl::ToTimespec(t);
  *sec = static_cast<uint64_t>(ts.tv_sec);
  *nsec = static_cast<uint32_t>(ts.tv_nsec);
  *has_sec = *has_nsec = true;
}

// An endpoint's address as dnstap carries it: 4 bytes for IPv4, 16 for IPv6, in network order.
std::span<const uint8_t> AddressOf(const Endpoint& endpoint, std::array<uint8_t, 16>& storage) {
  storage = endpoint.AddressBytes();  // IPv4 as ::ffff:a.b.c.d
  if (endpoint.is_v6()) return storage;
  return std::span<const uint8_t>(storage).subspan(12);
}

bool IsInet(const Endpoint& endpoint) {
  return endpoint.family() == AF_INET || endpoint.family() == AF_INET6;
}

}  // namespace

DnstapFrame EncodeDnstap(const DnstapEvent& event) {
  Dnstap__Message message = DNSTAP__MESSAGE__INIT;
  message.type = static_cast<Dnstap__Message__Type>(event.type);
  message.has_socket_protocol = true;
  message.socket_protocol = static_cast<Dnstap__SocketProtocol>(event.protocol);
  // The family is the initiator's, or the responder's when the initiator is unset (the
  // resolver's own side of an upstream exchange).
  const bool has_initiator = IsInet(event.initiator);
  const int family = has_initiator ? event.initiator.family() : event.responder.family();
  if (family == AF_INET || family == AF_INET6) {
    message.has_socket_family = true;
    message.socket_family =
        family == AF_INET6 ? DNSTAP__SOCKET_FAMILY__INET6 : DNSTAP__SOCKET_FAMILY__INET;
  }
  std::array<uint8_t, 16> query_address;
  std::array<uint8_t, 16> response_address;
  if (has_initiator) {
    message.query_address = Bytes(AddressOf(event.initiator, query_address));
    message.has_query_address = true;
    message.query_port = event.initiator.port();
    message.has_query_port = true;
  }
  // A wildcard listening address of the other family (a v4 client on "::") is left out.
  if (IsInet(event.responder) && event.responder.family() == family) {
    message.response_address = Bytes(AddressOf(event.responder, response_address));
    message.has_response_address = true;
    message.response_port = event.responder.port();
    message.has_response_port = true;
  }
  if (event.query_time.has_value()) {
    SetTime(*event.query_time, &message.query_time_sec, &message.has_query_time_sec,
            &message.query_time_nsec, &message.has_query_time_nsec);
  }
  if (event.response_time.has_value()) {
    SetTime(*event.response_time, &message.response_time_sec, &message.has_response_time_sec,
            &message.response_time_nsec, &message.has_response_time_nsec);
  }
  if (!event.query_message.empty()) {
    message.query_message = Bytes(event.query_message);
    message.has_query_message = true;
  }
  if (!event.query_zone.empty()) {
    message.query_zone = Bytes(event.query_zone);
    message.has_query_zone = true;
  }
  if (!event.response_message.empty()) {
    message.response_message = Bytes(event.response_message);
    message.has_response_message = true;
  }

  Dnstap__Dnstap dnstap = DNSTAP__DNSTAP__INIT;
  dnstap.type = DNSTAP__DNSTAP__TYPE__MESSAGE;
  dnstap.message = &message;
  if (!event.identity.empty()) {
    dnstap.identity = Bytes(event.identity);
    dnstap.has_identity = true;
  }
  if (!event.version.empty()) {
    dnstap.version = Bytes(event.version);
    dnstap.has_version = true;
  }

  DnstapFrame frame;
  frame.size = dnstap__dnstap__get_packed_size(&dnstap);
  frame.data.reset(static_cast<uint8_t*>(std::malloc(frame.size)));
  if (frame.data == nullptr) return {};
  dnstap__dnstap__pack(&dnstap, frame.data.get());
  return frame;
}

}  // namespace rebound
