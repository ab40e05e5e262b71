// dnstap's CLIENT_QUERY and CLIENT_RESPONSE for the QueryHandler: a client's query as it came,
// and the response as it went, whatever answered it (cache, local zone, pipeline, error).
#ifndef REBOUND_RESOLVER_SERVER_CLIENT_TAP_H_
#define REBOUND_RESOLVER_SERVER_CLIENT_TAP_H_

#include <cstdint>
#include <span>

#include "absl/time/time.h"
#include "resolver/core/dnstap_sink.h"
#include "resolver/core/request.h"

namespace rebound {

// TCP covers DNS over TLS and HTTPS too: ClientInfo says only whether there is a connection.
inline DnstapProtocol ClientProtocol(const ClientInfo& client) {
  return client.tcp ? DnstapProtocol::kTcp : DnstapProtocol::kUdp;
}

// No-ops with a null sink (dnstap off).
inline void TapClientQuery(DnstapSink* sink, std::span<const uint8_t> query,
                           const ClientInfo& client, absl::Time received) {
  if (sink != nullptr) {
    sink->ClientQuery(query, client.address, client.local, ClientProtocol(client), received);
  }
}

inline void TapClientResponse(DnstapSink* sink, std::span<const uint8_t> response,
                              const ClientInfo& client, absl::Time received, absl::Time sent) {
  if (sink != nullptr) {
    sink->ClientResponse(response, client.address, client.local, ClientProtocol(client), received,
                         sent);
  }
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_CLIENT_TAP_H_
