// The HTTP/1.1 of the metrics listener (RFC 9112), no more than a scraper needs: one request per
// connection, its head read whole, no body; the response decided from the request line alone.
#ifndef REBOUND_RESOLVER_METRICS_METRICS_HTTP_H_
#define REBOUND_RESOLVER_METRICS_METRICS_HTTP_H_

#include <cstddef>
#include <functional>
#include <string>

#include "absl/strings/string_view.h"

namespace rebound {

// What the bytes read so far hold.
enum class HeadState {
  kIncomplete,  // no blank line yet, and still within the size limit
  kComplete,    // a well-formed request line and header lines, up to the blank line
  kMalformed,   // not an HTTP/1.x request
  kTooLarge,    // no blank line within the size limit
};

struct RequestHead {
  HeadState state = HeadState::kIncomplete;
  std::string method;
  std::string path;  // the target without its query string
};

// Reads a request head: "METHOD SP target SP HTTP/1.x CRLF", header lines, CRLF. A head that
// does not end within `max_bytes` is kTooLarge.
RequestHead ReadRequestHead(absl::string_view bytes, size_t max_bytes);

// The whole response to a complete (or refused) head, always with Connection: close:
// GET or HEAD of /metrics: 200 with body() (HEAD: its length and no body); another path: 404;
// another method on /metrics: 405 with Allow; malformed: 400; too large: 431 (RFC 6585 5).
// body() is called only for a 200.
std::string MetricsResponse(const RequestHead& head, const std::function<std::string()>& body);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_METRICS_METRICS_HTTP_H_
