// Helpers for what both HTTP/2 sides send through nghttp2: header fields and a body held in a
// string until nghttp2 has framed all of it.
#ifndef REBOUND_TLS_H2_OUTGOING_H_
#define REBOUND_TLS_H2_OUTGOING_H_

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace rebound {

// A header field pointing at `name` and `value`; nghttp2 copies both when the frame is
// submitted, so they need only live until the submit call returns.
inline nghttp2_nv H2Field(const std::string& name, const std::string& value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
}

// Appends everything nghttp2 has ready to send on `session` to `out`.
inline absl::Status TakeH2Output(nghttp2_session* session, std::string* out) {
  for (;;) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session, &data);
    if (n < 0) {
      return absl::InternalError(absl::StrCat("HTTP/2: ", nghttp2_strerror(static_cast<int>(n))));
    }
    if (n == 0) return absl::OkStatus();
    out->append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
  }
}

// A message body nghttp2 pulls in DATA frames as flow control allows. It must stay at the same
// address until the stream is closed.
struct H2Body {
  std::string bytes;
  size_t sent = 0;

  nghttp2_data_provider Provider() {
    nghttp2_data_provider provider{};
    provider.source.ptr = this;
    provider.read_callback = [](nghttp2_session*, int32_t, uint8_t* buf, size_t length,
                                uint32_t* data_flags, nghttp2_data_source* source,
                                void*) -> ssize_t {
      auto* body = static_cast<H2Body*>(source->ptr);
      const size_t n = std::min(length, body->bytes.size() - body->sent);
      if (n > 0) std::memcpy(buf, body->bytes.data() + body->sent, n);
      body->sent += n;
      if (body->sent == body->bytes.size()) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
      return static_cast<ssize_t>(n);
    };
    return provider;
  }
};

}  // namespace rebound

#endif  // REBOUND_TLS_H2_OUTGOING_H_
