// The client side of one HTTP/2 connection (RFC 9113), as nghttp2 implements it, without I/O:
// bytes from the server go in through Receive(), bytes for the server come out of TakeOutput(),
// and each stream's end is reported through the StreamDone callback.
#ifndef REBOUND_TLS_H2_CLIENT_SESSION_H_
#define REBOUND_TLS_H2_CLIENT_SESSION_H_

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tls/https_messages.h"

namespace rebound {

struct H2ClientRequest {
  std::string method;
  std::string authority;
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  std::string body;                                          // sent with content-length
};

class H2ClientSession {
 public:
  // Runs inside Receive() when a stream ends: its complete response, or why there is none.
  // `refused`: the server did not process the request (REFUSED_STREAM, or above the last
  // stream of a GOAWAY), so it may be sent again on a new connection (RFC 9113 8.7). Must not
  // call back into the session.
  using StreamDone =
      std::function<void(int32_t stream_id, absl::StatusOr<HttpsResponse> result, bool refused)>;

  // Responses whose body (or content-length) exceeds max_response_body end with
  // ResourceExhausted and the stream is reset.
  static absl::StatusOr<std::unique_ptr<H2ClientSession>> Create(size_t max_response_body,
                                                                 StreamDone on_stream_done);
  H2ClientSession(const H2ClientSession&) = delete;
  H2ClientSession& operator=(const H2ClientSession&) = delete;
  ~H2ClientSession();

  // Queues the request on a new stream; returns the stream id.
  absl::StatusOr<int32_t> Submit(H2ClientRequest request);
  // Resets the stream (CANCEL); StreamDone is not called for it.
  void Cancel(int32_t stream_id);

  // Connection-level failures (the session is then finished): DataLoss.
  absl::Status Receive(absl::string_view bytes);
  absl::Status TakeOutput(std::string* out);

  // False after a GOAWAY or once the stream ids are used up: new requests need a new connection.
  bool accepts_requests() const;
  // Nothing more to read or write: the connection can be closed.
  bool finished() const;
  size_t open_streams() const { return streams_.size(); }
  // Why the connection ended, when nghttp2 or the server said so ("" otherwise).
  const std::string& end_reason() const { return end_reason_; }

 private:
  struct Stream;
  H2ClientSession(size_t max_response_body, StreamDone on_stream_done);
  Stream* Find(int32_t stream_id);
  void FailStream(int32_t stream_id, Stream* stream, absl::Status why);

  static int OnHeader(nghttp2_session* session, const nghttp2_frame* frame, const uint8_t* name,
                      size_t name_length, const uint8_t* value, size_t value_length, uint8_t flags,
                      void* user_data);
  static int OnDataChunk(nghttp2_session* session, uint8_t flags, int32_t stream_id,
                         const uint8_t* data, size_t length, void* user_data);
  static int OnFrameReceived(nghttp2_session* session, const nghttp2_frame* frame, void* user_data);
  static int OnStreamClose(nghttp2_session* session, int32_t stream_id, uint32_t error_code,
                           void* user_data);
  static int OnError(nghttp2_session* session, int lib_error_code, const char* message,
                     size_t length, void* user_data);

  size_t max_response_body_;
  StreamDone on_stream_done_;
  nghttp2_session* session_ = nullptr;
  absl::flat_hash_map<int32_t, std::unique_ptr<Stream>> streams_;
  std::string end_reason_;
};

}  // namespace rebound

#endif  // REBOUND_TLS_H2_CLIENT_SESSION_H_
