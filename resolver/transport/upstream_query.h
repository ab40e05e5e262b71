// The query a transport sends upstream and the check that a reply answers it, shared by the UDP
// and TCP transport and the DNS over TLS one.
#ifndef REBOUND_RESOLVER_TRANSPORT_UPSTREAM_QUERY_H_
#define REBOUND_RESOLVER_TRANSPORT_UPSTREAM_QUERY_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "resolver/core/transport.h"
#include "resolver/wire/wire_format.h"

namespace rebound {

// Header, name, QTYPE and QCLASS, and an OPT without options.
inline constexpr size_t kMaxUpstreamQuerySize =
    wire::kHeaderSize + wire::kMaxNameLength + wire::kQuestionFixedSize + wire::kEmptyOptSize;

// Writes the query for `q` with ID `id` and the wire-format `name` (as it is to be sent) to
// `out`, which must hold kMaxUpstreamQuerySize bytes: a header, the question and, unless the
// server rejected EDNS, an OPT record advertising `edns_buffer_size` (RFC 6891 6.1.2). Returns
// its size.
size_t WriteUpstreamQuery(const UpstreamQuestion& q, std::span<const uint8_t> name, uint16_t id,
                          uint16_t edns_buffer_size, uint8_t* out);

// RFC 5452 9.1: a reply with ID `id`, QR set, and exactly the question asked (the name compared
// without case, RFC 4343).
bool AnswersUpstreamQuery(const ldns_pkt& reply, uint16_t id, const UpstreamQuestion& q,
                          std::span<const uint8_t> name);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_TRANSPORT_UPSTREAM_QUERY_H_
