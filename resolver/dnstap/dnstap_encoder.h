// Builds one dnstap frame (a serialized dnstap.Dnstap, dnstap.proto) from what a hook saw.
#ifndef REBOUND_RESOLVER_DNSTAP_DNSTAP_ENCODER_H_
#define REBOUND_RESOLVER_DNSTAP_DNSTAP_ENCODER_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>

#include "absl/time/time.h"
#include "resolver/core/dnstap_sink.h"
#include "resolver/core/endpoint.h"

namespace rebound {

// dnstap's Message.Type values for the events a resolver logs.
enum class DnstapMessageType : uint8_t {
  kResolverQuery = 3,
  kResolverResponse = 4,
  kClientQuery = 5,
  kClientResponse = 6,
  kForwarderQuery = 7,
  kForwarderResponse = 8,
};

// One event. Spans are borrowed for the call only; an empty one is left out of the frame, and so
// is an unset endpoint, and a responder of another family than the initiator's (a wildcard
// listening address).
struct DnstapEvent {
  DnstapMessageType type = DnstapMessageType::kClientQuery;
  std::span<const uint8_t> identity = {};
  std::span<const uint8_t> version = {};
  DnstapProtocol protocol = DnstapProtocol::kUdp;
  Endpoint initiator = {};  // query_address and query_port: who sent the query
  Endpoint responder = {};  // response_address and response_port: who answers it
  std::optional<absl::Time> query_time = {};
  std::optional<absl::Time> response_time = {};
  std::span<const uint8_t> query_message = {};
  std::span<const uint8_t> query_zone = {};
  std::span<const uint8_t> response_message = {};
};

struct MallocFree {
  void operator()(uint8_t* p) const { std::free(p); }
};
// A frame in memory from malloc, as fstrm frees it (fstrm_free_wrapper).
struct DnstapFrame {
  std::unique_ptr<uint8_t, MallocFree> data;
  size_t size = 0;
};

// The serialized frame; data is null if memory ran out.
DnstapFrame EncodeDnstap(const DnstapEvent& event);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_DNSTAP_DNSTAP_ENCODER_H_
