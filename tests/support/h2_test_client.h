// The client half of HTTP/2 without I/O, for tests of what a client does with streams: nghttp2's
// own client session frames the GETs and resets, the test moves the bytes (to an H2ServerSession
// directly, or over TLS to the daemon) and feeds back what the server sent.
#ifndef REBOUND_TESTS_SUPPORT_H2_TEST_CLIENT_H_
#define REBOUND_TESTS_SUPPORT_H2_TEST_CLIENT_H_

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <string>

#include "tls/h2_outgoing.h"

namespace rebound::testing {

class H2TestClient {
 public:
  H2TestClient() {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_frame_recv_callback(
        callbacks, [](nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
          auto* self = static_cast<H2TestClient*>(user_data);
          if (frame->hd.type == NGHTTP2_GOAWAY) self->goaway_code_ = frame->goaway.error_code;
          return 0;
        });
    nghttp2_session_client_new(&session_, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, nullptr, 0);
  }
  H2TestClient(const H2TestClient&) = delete;
  H2TestClient& operator=(const H2TestClient&) = delete;
  ~H2TestClient() { nghttp2_session_del(session_); }

  // Submits a GET for `path`; returns its stream id.
  int32_t Get(const std::string& path) {
    const std::string method_name = ":method", method = "GET", scheme_name = ":scheme",
                      scheme = "https", authority_name = ":authority", authority = "relay.test",
                      path_name = ":path";
    const nghttp2_nv fields[] = {H2Field(method_name, method), H2Field(scheme_name, scheme),
                                 H2Field(authority_name, authority), H2Field(path_name, path)};
    return nghttp2_submit_request(session_, nullptr, fields, 4, nullptr, nullptr);
  }
  // nghttp2 drops a reset of a request whose HEADERS it has not framed yet: take Output()
  // between Get and Reset to send both.
  void Reset(int32_t stream_id) {
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream_id, NGHTTP2_CANCEL);
  }
  // The bytes framed so far (the preface and SETTINGS first).
  std::string Output() {
    std::string out;
    (void)TakeH2Output(session_, &out);
    return out;
  }
  // What the server sent.
  void Read(const std::string& bytes) {
    nghttp2_session_mem_recv(session_, reinterpret_cast<const uint8_t*>(bytes.data()),
                             bytes.size());
  }
  // The error code of the GOAWAY the server sent, or -1 when it sent none.
  int64_t goaway_code() const { return goaway_code_; }

 private:
  nghttp2_session* session_ = nullptr;
  int64_t goaway_code_ = -1;
};

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_SUPPORT_H2_TEST_CLIENT_H_
