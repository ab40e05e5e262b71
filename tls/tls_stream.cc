#include "tls/tls_stream.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "resolver/core/callback_guard.h"

namespace rebound {
namespace {

// Reading stops while more than this waits in libuv's write queue (a peer that sends but does
// not read must not make us buffer without bound) and resumes below the low mark.
constexpr size_t kWriteQueueHigh = 1 << 20;
constexpr size_t kWriteQueueLow = 256 << 10;

// One loop thread reads one socket at a time and every read is consumed before the callback
// returns, so a single buffer per thread serves every connection.
char* ReadBuffer(size_t* size) {
  thread_local std::array<char, 65536> buffer;
  *size = buffer.size();
  return buffer.data();
}

// "... (peer 192.0.2.1@853)": TLS errors do not say which connection they happened on.
absl::Status WithPeer(const absl::Status& status, const Endpoint& peer) {
  return absl::Status(status.code(),
                      absl::StrCat(status.message(), " (peer ", peer.ToString(), ")"));
}

absl::Status UvError(absl::string_view what, const Endpoint& peer, int code) {
  return absl::UnavailableError(absl::StrCat(what, " ", peer.ToString(), ": ", uv_strerror(code)));
}

struct PendingWrite {
  uv_write_t request;
  std::string bytes;  // must outlive the write
};

}  // namespace

// The uv handle and its connect request. Stays alive until libuv's close callback, which
// may come after the TlsStream is gone (owner == nullptr then).
struct TlsStream::Socket {
  uv_tcp_t tcp;
  uv_connect_t connect;
  TlsStream* owner = nullptr;

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp); }
  uv_handle_t* handle() { return reinterpret_cast<uv_handle_t*>(&tcp); }
};

absl::StatusOr<std::unique_ptr<TlsStream>> TlsStream::Connect(uv_loop_t* loop,
                                                              const Endpoint& server,
                                                              std::unique_ptr<TlsSession> session,
                                                              Delegate* delegate) {
  std::unique_ptr<TlsStream> stream(new TlsStream(std::move(session), delegate, server));
  auto* socket = new Socket;
  int rc = uv_tcp_init_ex(loop, &socket->tcp, server.family());
  if (rc != 0) {
    delete socket;  // never became a handle
    return UvError("socket for", server, rc);
  }
  socket->tcp.data = socket->connect.data = socket;
  socket->owner = stream.get();
  stream->socket_ = socket;
  rc = uv_tcp_connect(&socket->connect, &socket->tcp, server.sockaddr_ptr(),
                      [](uv_connect_t* request, int status) {
                        GuardCallback("tls connect", [&] {
                          auto* s = static_cast<Socket*>(request->data);
                          if (s->owner != nullptr) s->owner->OnConnected(status);
                        });
                      });
  if (rc != 0) {
    stream->CloseSocket();
    return UvError("connect to", server, rc);
  }
  return stream;
}

absl::StatusOr<std::unique_ptr<TlsStream>> TlsStream::Accept(uv_stream_t* listener,
                                                             std::unique_ptr<TlsSession> session,
                                                             Delegate* delegate) {
  std::unique_ptr<TlsStream> stream(new TlsStream(std::move(session), delegate, Endpoint()));
  auto* socket = new Socket;
  uv_tcp_init(listener->loop, &socket->tcp);
  socket->tcp.data = socket->connect.data = socket;
  socket->owner = stream.get();
  stream->socket_ = socket;
  int rc = uv_accept(listener, socket->stream());
  sockaddr_storage peer{};
  int length = sizeof peer;
  if (rc == 0) rc = uv_tcp_getpeername(&socket->tcp, reinterpret_cast<sockaddr*>(&peer), &length);
  if (rc != 0) {
    stream->CloseSocket();
    return absl::UnavailableError(absl::StrCat("accept: ", uv_strerror(rc)));
  }
  stream->peer_ = Endpoint::FromSockaddr(reinterpret_cast<const sockaddr*>(&peer));
  uv_tcp_nodelay(&socket->tcp, 1);  // HTTP/2 frames are small and latency matters
  stream->StartReading();
  return stream;
}

TlsStream::~TlsStream() {
  delegate_ = nullptr;
  if (socket_ == nullptr) return;
  socket_->owner = nullptr;
  if (closing_) return;  // already closing; the close callback frees the Socket
  // Best effort: libuv tries the write at once, so close_notify usually reaches the kernel
  // before the close below; if it does not, the peer sees a plain TCP close.
  tls_->Shutdown();
  SendCiphertext();
  CloseSocket();
}

void TlsStream::OnConnected(int status) {
  if (status == UV_ECANCELED || closing_) return;
  if (status < 0) return Fail(UvError("connect to", peer_, status));
  uv_tcp_nodelay(&socket_->tcp, 1);
  StartReading();
  absl::Status handshake = tls_->Handshake();  // the ClientHello
  SendCiphertext();
  if (!handshake.ok()) Fail(WithPeer(handshake, peer_));
}

void TlsStream::StartReading() {
  if (reading_ || closing_ || read_paused_ || owner_paused_) return;
  reading_ = true;
  uv_read_start(
      socket_->stream(),
      [](uv_handle_t*, size_t, uv_buf_t* buf) {
        size_t size = 0;
        char* data = ReadBuffer(&size);
        *buf = uv_buf_init(data, static_cast<unsigned int>(size));
      },
      [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
        GuardCallback("tls read", [&] {
          auto* s = static_cast<Socket*>(stream->data);
          if (s->owner == nullptr) return;
          if (nread < 0) {
            TlsStream* self = s->owner;
            return self->Fail(nread == UV_EOF
                                  ? absl::UnavailableError(absl::StrCat("connection closed by ",
                                                                        self->peer_.ToString()))
                                  : UvError("read from", self->peer_, static_cast<int>(nread)));
          }
          if (nread > 0) s->owner->OnRead(buf->base, static_cast<size_t>(nread));
        });
      });
}

void TlsStream::OnRead(const char* data, size_t size) {
  // The Delegate may destroy this TlsStream; the Socket outlives this call either way, and its
  // owner pointer says whether `this` still exists.
  Socket* socket = socket_;
  tls_->Receive(absl::string_view(data, size));
  if (!tls_->established()) {
    absl::Status handshake = tls_->Handshake();
    SendCiphertext();  // the next flight, or the alert that explains a failure
    if (!handshake.ok()) return Fail(WithPeer(handshake, peer_));
    if (!tls_->established()) return;
    if (delegate_ != nullptr) delegate_->OnTlsEstablished();
    if (socket->owner == nullptr || closing_) return;
  }
  std::string plaintext;
  absl::Status read = tls_->ReadPlaintext(&plaintext);
  SendCiphertext();  // e.g. a key update answer
  if (!plaintext.empty() && delegate_ != nullptr) {
    delegate_->OnTlsData(plaintext);
    if (socket->owner == nullptr || closing_) return;
  }
  if (!read.ok()) return Fail(WithPeer(read, peer_));
  if (tls_->peer_closed()) {
    Fail(absl::UnavailableError(absl::StrCat("TLS closed by ", peer_.ToString())));
  }
}

void TlsStream::Write(absl::string_view plaintext) {
  if (closing_ || !tls_->established()) return;
  if (absl::Status s = tls_->WritePlaintext(plaintext); !s.ok()) return Fail(std::move(s));
  SendCiphertext();
}

void TlsStream::SendCiphertext() {
  if (closing_) return;
  std::string bytes = tls_->TakeCiphertext();
  if (bytes.empty()) return;
  auto* write = new PendingWrite{{}, std::move(bytes)};
  write->request.data = write;
  uv_buf_t buf = uv_buf_init(write->bytes.data(), static_cast<unsigned int>(write->bytes.size()));
  const int rc =
      uv_write(&write->request, socket_->stream(), &buf, 1, [](uv_write_t* request, int status) {
        auto* s = static_cast<Socket*>(request->handle->data);
        delete static_cast<PendingWrite*>(request->data);
        if (s->owner == nullptr || status == UV_ECANCELED) return;
        GuardCallback("tls write", [&] {
          if (status < 0) {
            return s->owner->Fail(UvError("write to", s->owner->peer_, status));
          }
          s->owner->OnWritten();
        });
      });
  if (rc != 0) {
    delete write;
    return Fail(UvError("write to", peer_, rc));
  }
  if (!read_paused_ && uv_stream_get_write_queue_size(socket_->stream()) > kWriteQueueHigh) {
    read_paused_ = true;
    UpdateReading();
  }
}

void TlsStream::OnWritten() {
  if (read_paused_ && !closing_ &&
      uv_stream_get_write_queue_size(socket_->stream()) < kWriteQueueLow) {
    read_paused_ = false;
    UpdateReading();
  }
}

void TlsStream::PauseReading(bool pause) {
  owner_paused_ = pause;
  UpdateReading();
}

void TlsStream::UpdateReading() {
  if (closing_ || socket_ == nullptr) return;
  const bool wanted = !read_paused_ && !owner_paused_;
  if (wanted == reading_) return;
  if (wanted) return StartReading();
  uv_read_stop(socket_->stream());
  reading_ = false;
}

void TlsStream::Fail(absl::Status why) {
  if (closing_) return;
  close_reason_ = std::move(why);
  CloseSocket();
}

void TlsStream::CloseSocket() {
  if (closing_ || socket_ == nullptr) return;
  closing_ = true;
  uv_close(socket_->handle(), [](uv_handle_t* handle) {
    auto* socket = static_cast<Socket*>(handle->data);
    TlsStream* owner = socket->owner;
    delete socket;
    if (owner != nullptr) owner->OnSocketClosed();
  });
}

// Reporting from the close callback keeps OnTlsClosed out of the owner's own calls (a Write
// that fails) and makes it the last thing the Delegate hears.
void TlsStream::OnSocketClosed() {
  socket_ = nullptr;
  Delegate* delegate = std::exchange(delegate_, nullptr);
  const absl::Status why = close_reason_;  // the Delegate may destroy this TlsStream
  if (delegate != nullptr && !why.ok()) delegate->OnTlsClosed(why);
}

}  // namespace rebound
