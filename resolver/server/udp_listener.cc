#include "resolver/server/udp_listener.h"

#include <sys/socket.h>
#include <unistd.h>

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "resolver/core/log.h"
#include "resolver/core/listen_socket.h"

namespace rebound {
namespace {

// A reply that could not go out at once waits in libuv's queue with its bytes.
struct QueuedSend {
  uv_udp_send_t req;
  std::vector<uint8_t> bytes;
};

}  // namespace

absl::StatusOr<UdpListener*> UdpListener::Open(uv_loop_t* loop, const Endpoint& address,
                                               bool reuseport, QueryHandler* handler) {
  absl::StatusOr<int> fd = OpenListenSocket(address, SOCK_DGRAM, reuseport);
  if (!fd.ok()) return fd.status();
  auto* listener = new UdpListener(handler);
  uv_udp_init(loop, &listener->handle_);
  listener->handle_.data = listener;
  int rc = uv_udp_open(&listener->handle_, *fd);
  if (rc != 0) close(*fd);  // not adopted by the handle
  if (rc == 0) {
    rc = uv_udp_recv_start(
        &listener->handle_,
        [](uv_handle_t* h, size_t, uv_buf_t* buf) {
          auto* self = static_cast<UdpListener*>(h->data);
          *buf = uv_buf_init(self->buffer_.data(), self->buffer_.size());
        },
        [](uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* from, unsigned) {
          if (nread <= 0 || from == nullptr) return;  // nothing, or a transient socket error
          static_cast<UdpListener*>(h->data)->OnDatagram(buf->base, nread, from);
        });
  }
  if (rc != 0) {
    listener->Close();
    return absl::InternalError(absl::StrCat("udp ", address.ToString(), ": ", uv_strerror(rc)));
  }
  return listener;
}

void UdpListener::Close() {
  uv_close(reinterpret_cast<uv_handle_t*>(&handle_),
           [](uv_handle_t* h) { delete static_cast<UdpListener*>(h->data); });
}

void UdpListener::OnDatagram(const char* data, size_t size, const sockaddr* from) {
  ClientInfo client{Endpoint::FromSockaddr(from), /*tcp=*/false};
  std::span<const uint8_t> packet(reinterpret_cast<const uint8_t*>(data), size);
  handler_->Handle(packet, client, [this, to = client.address](std::vector<uint8_t> bytes) {
    Send(std::move(bytes), to);
  });
}

void UdpListener::Send(std::vector<uint8_t> bytes, const Endpoint& to) {
  uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(bytes.data()), bytes.size());
  int rc = uv_udp_try_send(&handle_, &buf, 1, to.sockaddr_ptr());
  if (rc >= 0) return;
  if (rc == UV_EAGAIN) {
    auto* queued = new QueuedSend{{}, std::move(bytes)};
    queued->req.data = queued;
    buf = uv_buf_init(reinterpret_cast<char*>(queued->bytes.data()), queued->bytes.size());
    rc = uv_udp_send(&queued->req, &handle_, &buf, 1, to.sockaddr_ptr(),
                     [](uv_udp_send_t* req, int) { delete static_cast<QueuedSend*>(req->data); });
    if (rc == 0) return;
    delete queued;
  }
  static RateLimiter limiter;
  if (limiter.Allow()) Log(LogLevel::kDetail, "udp send to %s: %s", to.ToString(), uv_strerror(rc));
}

}  // namespace rebound
