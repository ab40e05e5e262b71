// The server side of one HTTP/2 connection (RFC 9113), as nghttp2 implements it, without I/O:
// bytes from the client go in through Receive(), complete requests come out of TakeRequests(),
// replies go in through Respond(), and bytes for the client come out of TakeOutput().
#ifndef REBOUND_TLS_H2_SERVER_SESSION_H_
#define REBOUND_TLS_H2_SERVER_SESSION_H_

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tls/https_messages.h"

namespace rebound {

struct H2ServerLimits {
  size_t max_request_body = 65535;        // beyond it: 413 without asking the handler
  uint32_t max_concurrent_streams = 100;  // SETTINGS_MAX_CONCURRENT_STREAMS
  size_t max_header_bytes = 16 * 1024;    // per request, counted as RFC 9113 6.5.2 does
  // RST_STREAM from the client: a burst of this many, then this many a second. Past that the
  // connection ends with GOAWAY(ENHANCE_YOUR_CALM): HEADERS and RST_STREAM in pairs start work
  // that MAX_CONCURRENT_STREAMS never sees (the "rapid reset" attack, CVE-2023-44487), and no
  // honest DoH client resets streams faster than it gets answers.
  double reset_burst = 100;
  double resets_per_second = 10;
};

class H2ServerSession {
 public:
  struct Received {
    int32_t stream_id = 0;
    HttpsRequest request;  // peer is left for the caller to fill in
  };

  // Queues the server's SETTINGS, which must open the connection (RFC 9113 3.4).
  static absl::StatusOr<std::unique_ptr<H2ServerSession>> Create(H2ServerLimits limits);
  H2ServerSession(const H2ServerSession&) = delete;
  H2ServerSession& operator=(const H2ServerSession&) = delete;
  ~H2ServerSession();

  // Connection-level failures (the client is broken or hostile; close): DataLoss, or
  // ResourceExhausted past the reset rate (with GOAWAY queued). `now` paces the reset rate.
  absl::Status Receive(absl::string_view bytes, absl::Time now = absl::Now());
  // Requests completed (header block and body) since the last call, oldest first, leaving out
  // those the client has reset already. Each must get exactly one Respond() (or none if the
  // connection goes away).
  std::vector<Received> TakeRequests();
  // Streams handed out by TakeRequests() that the client has reset (or that closed otherwise)
  // before they were answered, since the last call: the work for them can stop.
  std::vector<int32_t> TakeAbandoned();
  // A request handed out by TakeRequests() whose stream is open and has no reply yet.
  bool AwaitsReply(int32_t stream_id) const;
  // Queues the reply. False if the stream is gone (the client reset it) or was answered.
  bool Respond(int32_t stream_id, HttpsReply reply);
  // Graceful end: GOAWAY(NO_ERROR); the session is finished once it has been sent.
  void GoAway();

  absl::Status TakeOutput(std::string* out);
  bool finished() const;
  // Requests handed out by TakeRequests() that have no reply yet.
  size_t awaiting_reply() const { return awaiting_reply_; }

 private:
  struct Stream;
  explicit H2ServerSession(H2ServerLimits limits);
  Stream* Find(int32_t stream_id);
  void Submit(int32_t stream_id, Stream* stream, HttpsReply reply);
  void RejectTooLarge(int32_t stream_id, Stream* stream);
  // Takes one token for a reset; false (and GOAWAY queued) when none is left.
  bool TakeResetToken();

  static int OnBeginHeaders(nghttp2_session* session, const nghttp2_frame* frame, void* user_data);
  static int OnHeader(nghttp2_session* session, const nghttp2_frame* frame, const uint8_t* name,
                      size_t name_length, const uint8_t* value, size_t value_length, uint8_t flags,
                      void* user_data);
  static int OnDataChunk(nghttp2_session* session, uint8_t flags, int32_t stream_id,
                         const uint8_t* data, size_t length, void* user_data);
  static int OnFrameReceived(nghttp2_session* session, const nghttp2_frame* frame, void* user_data);
  static int OnFrameSent(nghttp2_session* session, const nghttp2_frame* frame, void* user_data);
  static int OnStreamClose(nghttp2_session* session, int32_t stream_id, uint32_t error_code,
                           void* user_data);

  H2ServerLimits limits_;
  nghttp2_session* session_ = nullptr;
  absl::flat_hash_map<int32_t, std::unique_ptr<Stream>> streams_;
  std::vector<Received> ready_;
  std::vector<int32_t> abandoned_;
  size_t awaiting_reply_ = 0;
  // Token bucket for the client's RST_STREAM frames.
  double reset_tokens_;
  absl::Time now_;
  absl::Time tokens_at_;
  bool too_many_resets_ = false;
};

}  // namespace rebound

#endif  // REBOUND_TLS_H2_SERVER_SESSION_H_
