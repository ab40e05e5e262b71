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

// How the client came: DNS over TLS and HTTPS by their own values (dnstap.proto SocketProtocol).
inline DnstapProtocol DnstapProtocolOf(const ClientInfo& client) {
  switch (client.protocol) {
    case ClientProtocol::kTls:
      return DnstapProtocol::kDot;
    case ClientProtocol::kHttps:
      return DnstapProtocol::kDoh;
    case ClientProtocol::kTcp:
      return DnstapProtocol::kTcp;
    case ClientProtocol::kUdp:
      break;
  }
  return client.tcp ? DnstapProtocol::kTcp : DnstapProtocol::kUdp;
}

// No-ops with a null sink (dnstap off).
inline void TapClientQuery(DnstapSink* sink, std::span<const uint8_t> query,
                           const ClientInfo& client, absl::Time received) {
  if (sink != nullptr) {
    sink->ClientQuery(query, client.address, client.local, DnstapProtocolOf(client), received);
  }
}

inline void TapClientResponse(DnstapSink* sink, std::span<const uint8_t> response,
                              const ClientInfo& client, absl::Time received, absl::Time sent) {
  if (sink != nullptr) {
    sink->ClientResponse(response, client.address, client.local, DnstapProtocolOf(client), received,
                         sent);
  }
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_CLIENT_TAP_H_
