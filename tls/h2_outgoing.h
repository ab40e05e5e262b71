// Helpers for what both HTTP/2 sides send through nghttp2: header fields and a body held in a
// string until nghttp2 has framed all of it.
#ifndef REBOUND_TLS_H2_OUTGOING_H_
#define REBOUND_TLS_H2_OUTGOING_H_

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace rebound {

// A header field pointing at `name` and `value`; nghttp2 copies both when the frame is
// submitted, so they need only live until the submit call returns.
inline nghttp2_nv H2Field(const std::string& name, const std::string& value) {
  return {reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
          NGHTTP2_NV_FLAG_NONE};
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
