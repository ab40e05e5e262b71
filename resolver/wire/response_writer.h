// Renders the message a client finally receives: the answer a stage built, framed with the
// client's own header bits, question and EDNS, and cut to the size the client can take.
#ifndef REBOUND_RESOLVER_WIRE_RESPONSE_WRITER_H_
#define REBOUND_RESOLVER_WIRE_RESPONSE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "resolver/wire/ldns_ptr.h"
#include "resolver/wire/query_reader.h"

namespace rebound {

struct ResponseOptions {
  // The largest message the client takes: MaxUdpResponseSize() over UDP, 65535 over TCP.
  size_t max_size = 512;
  // Whether the query carried an OPT RR; only then does the response carry one (RFC 6891 7).
  bool query_had_edns = false;
  // The payload size we advertise in our OPT (RFC 6891 6.2.5); below 512 is sent as 512.
  uint16_t edns_buffer_size = 1232;
  // The query's DO bit, echoed in our OPT (RFC 3225 3).
  bool edns_do = false;
  // RFC 8914: an Extended DNS Error to put in our OPT (only when the query had EDNS), with its
  // EXTRA-TEXT cut to kMaxEdeTextSize octets.
  std::optional<uint16_t> ede_info_code = std::nullopt;
  std::string ede_extra_text = {};
};

inline constexpr size_t kMaxEdeTextSize = 100;

// Renders the response to `query` (as parsed by ldns from what the client sent) carrying
// `answer`'s AA flag, RCODE and answer, authority and additional sections (an OPT in `answer`
// is the upstream's and is not copied).
//  - ID, opcode, RD and CD come from the query (RFC 1035 4.1.1, RFC 4035 3.2.2); QR and RA are
//    set; AD is clear, as rebound does not validate (RFC 4035 3.2.3).
//  - The question is the query's, letter case kept: 0x20 clients compare it byte for byte.
//  - An extended RCODE (above 15, or from `answer`'s own EDNS fields) goes in the OPT; without
//    EDNS the client cannot be told it and gets SERVFAIL.
//  - When the message exceeds opts.max_size the additional section is left out first, without
//    TC (RFC 2181 9); when it is still too large, only header, question and OPT are sent, with
//    TC set (RFC 1035 4.2.1).
// Fails with InvalidArgument when opts.max_size is below 512 or the query has no question.
absl::StatusOr<std::vector<uint8_t>> RenderResponse(const ldns_pkt& query, const ldns_pkt& answer,
                                                    const ResponseOptions& opts);

// Renders an error response (FORMERR, NOTIMP, REFUSED, SERVFAIL, BADVERS, ...) straight from the
// query bytes, for queries that may not survive an ldns parse. `view` is what ReadQuery filled
// for `query_packet`; `rcode` is the full 12-bit RCODE (see ErrorRcode()).
//  - ID, opcode, RD and CD are echoed; QR and RA are set.
//  - The question is echoed only when ReadQuery read it whole.
//  - An OPT (version 0, our `edns_buffer_size`, the query's DO bit) is added when the query had a
//    readable one (RFC 6891 7); it carries an extended RCODE such as BADVERS (6.1.3). Without
//    one, an extended RCODE becomes SERVFAIL.
// Returns an empty vector when `query_packet` has no whole header: there is no one to answer.
std::vector<uint8_t> RenderErrorResponse(std::span<const uint8_t> query_packet,
                                         const QueryView& view, uint16_t rcode,
                                         uint16_t edns_buffer_size);

// The largest UDP response for a client: 512 without EDNS (RFC 1035 4.2.1); with EDNS the
// smaller of the client's payload size and ours, never below 512 (RFC 6891 6.2.3, 6.2.5).
size_t MaxUdpResponseSize(bool has_edns, uint16_t client_udp_size, uint16_t edns_buffer_size);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_WIRE_RESPONSE_WRITER_H_
