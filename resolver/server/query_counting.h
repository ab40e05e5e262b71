// What the statistics (worker_stats.h) count of each query read and each response sent, as
// unbound's num.query.* and num.answer.* figures do.
#ifndef REBOUND_RESOLVER_SERVER_QUERY_COUNTING_H_
#define REBOUND_RESOLVER_SERVER_QUERY_COUNTING_H_

#include <cstdint>
#include <span>

#include "resolver/core/request.h"
#include "resolver/core/worker_stats.h"
#include "resolver/wire/query_reader.h"

namespace rebound {

// A query whose header and question were read: its type, class, opcode, header flags, EDNS,
// and how it came (num.query.tcp, .tls, .https, .ipv6).
void CountQuery(std::span<const uint8_t> packet, const QueryView& view, const ClientInfo& client,
                WorkerStats* stats);
// A response on its way to the client: its RCODE, and NODATA (NOERROR without answers).
void CountAnswer(std::span<const uint8_t> response, WorkerStats* stats);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_QUERY_COUNTING_H_
