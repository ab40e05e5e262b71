// An HTTPS client for DNS over HTTPS (RFC 8484): one TLS connection with HTTP/2 to one server,
// reused for many requests, one stream each. Lives on one libuv loop and is used from it only.
#ifndef REBOUND_TLS_HTTPS_CLIENT_H_
#define REBOUND_TLS_HTTPS_CLIENT_H_

#include <uv.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "resolver/core/endpoint.h"
#include "tls/https_messages.h"
#include "tls/loop_timer.h"
#include "tls/tls_context.h"

namespace rebound {

// Errors a request can end with, so callers can tell them apart:
//   PermissionDenied   the certificate failed verification (OpenSSL's reason, the name expected)
//   FailedPrecondition the server does not speak HTTP/2 (ALPN h2)
//   Unavailable        TCP refused/unreachable, connection closed or reset, GOAWAY, stream reset
//   DataLoss           HTTP/2 or TLS protocol errors, a response cut short
//   DeadlineExceeded   no complete response within the request's timeout
//   ResourceExhausted  the response body is larger than kMaxResponseBody
// A failure that breaks the connection fails every request on it; the next request connects
// anew. Two exceptions, each retried once on a new connection: streams the server refused
// unprocessed (REFUSED_STREAM, GOAWAY), and a GET sent on a reused connection that then closed
// without a word (the server closing it as idle at that moment). There is never a fallback to
// an unverified or unencrypted connection.
class HttpsConnection {
 public:
  using ResponseCallback = std::function<void(absl::StatusOr<HttpsResponse>)>;

  static constexpr size_t kMaxResponseBody = 64 * 1024;

  // tls_name: sent as SNI and the certificate must match it; an IP literal must match an IP SAN
  // instead and is not sent as SNI (RFC 6066 3). It is also the :authority (with ":port" when
  // the server's port is not 443, RFC 9110 7.2; an IPv6 literal in brackets).
  HttpsConnection(uv_loop_t* loop, const TlsClientContext* context, Endpoint server,
                  std::string tls_name);
  HttpsConnection(const HttpsConnection&) = delete;
  HttpsConnection& operator=(const HttpsConnection&) = delete;
  // Abandons everything: no callback runs after destruction. May be called from a callback.
  ~HttpsConnection();

  // Connects first when not connected (concurrent requests share one handshake), then sends.
  // `cb` runs exactly once, on the loop, never inside Get/Post. Returns an id for Cancel.
  uint64_t Get(const std::string& path_and_query, const std::string& accept, absl::Duration timeout,
               ResponseCallback cb);
  // Sends `accept: <content_type>` too: a DoH POST wants its answer in the form it asked in
  // (RFC 8484 4.1).
  uint64_t Post(const std::string& path, const std::string& content_type, std::string body,
                absl::Duration timeout, ResponseCallback cb);
  // Its callback never runs; the connection stays up for the others. Unknown ids are ignored.
  void Cancel(uint64_t request_id);

  // An established HTTP/2 connection that takes new requests exists.
  bool connected() const;
  // TLS connections opened so far (for tests and statistics).
  uint64_t connections_opened() const { return connections_opened_; }

 private:
  class Link;
  struct Request;
  struct Completion {
    uint64_t id;
    ResponseCallback cb;
    absl::StatusOr<HttpsResponse> result;
  };

  uint64_t Start(std::unique_ptr<Request> request);
  absl::StatusOr<Link*> CurrentLink();
  void Submit(Link* link, Request* request);
  void AssignWaitingRequests();
  bool Flush(Link* link);
  bool RetireIfDone(Link* link);
  void DropLink(Link* link, absl::Status why);
  void Complete(uint64_t id, absl::StatusOr<HttpsResponse> result);
  void Settle();
  void Rearm();
  void OnTimer();
  void Expire(uint64_t id);
  void OnLinkEstablished(Link* link);
  void OnLinkData(Link* link, absl::string_view plaintext);
  void OnLinkClosed(Link* link, const absl::Status& why);
  void OnStreamDone(Link* link, int32_t stream_id, absl::StatusOr<HttpsResponse> result,
                    bool refused);

  uv_loop_t* loop_;
  const TlsClientContext* context_;
  Endpoint server_;
  std::string tls_name_;
  std::string authority_;
  uint64_t next_id_ = 1;
  uint64_t connections_opened_ = 0;
  absl::flat_hash_map<uint64_t, std::unique_ptr<Request>> requests_;
  // The link new requests go to, and older ones that still finish streams after a GOAWAY.
  std::unique_ptr<Link> link_;
  std::vector<std::unique_ptr<Link>> draining_;
  std::deque<Completion> completions_;  // finished, waiting for Deliver()
  LoopTimer timer_;                     // request deadlines, and delivery from the loop
  std::shared_ptr<char> alive_;         // expires with this object: Deliver() checks it
};

}  // namespace rebound

#endif  // REBOUND_TLS_HTTPS_CLIENT_H_
