// The HTTP requests and responses the HTTPS client and server exchange with their callers: just
// what DNS over HTTPS (RFC 8484) and the JSON bootstrap form need.
#ifndef REBOUND_TLS_HTTPS_MESSAGES_H_
#define REBOUND_TLS_HTTPS_MESSAGES_H_

#include <cstdint>
#include <functional>
#include <string>

#include "resolver/core/endpoint.h"

namespace rebound {

// What the client received.
struct HttpsResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// What the server received.
struct HttpsRequest {
  std::string method;
  std::string path;  // with the query, as in :path
  std::string content_type;
  std::string body;
  Endpoint peer;
};

// What the server's handler answers.
struct HttpsReply {
  int status = 200;
  std::string content_type;
  std::string body;
  uint32_t max_age = 0;  // sent as cache-control: max-age when > 0 (RFC 8484 5.1)
};

}  // namespace rebound

#endif  // REBOUND_TLS_HTTPS_MESSAGES_H_
