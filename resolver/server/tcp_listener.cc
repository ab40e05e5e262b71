#include "resolver/server/tcp_listener.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "resolver/core/callback_guard.h"
#include "resolver/core/connection_pressure.h"
#include "resolver/core/listen_socket.h"
#include "resolver/core/log.h"
#include "resolver/server/tcp_framing.h"
#include "tls/tls_session.h"
#include "tls/tls_stream.h"

namespace rebound {
namespace {

constexpr int kListenBacklog = 256;

struct FramedWrite {
  uv_write_t req;
  std::vector<uint8_t> bytes;  // two-byte length + message
};

}  // namespace

// One client connection. Deletes itself once its handles are closed (the socket and the
// deadline timer; with TLS the TlsStream closes its own socket, so only the timer); replies find
// it through its id in the listener's table, so a reply for a closed connection is dropped.
class TcpListener::Connection : public TlsStream::Delegate {
 public:
  Connection(TcpListener* listener, uint64_t id) : listener_(listener), id_(id) {
    tcp_.data = deadline_.data = this;
  }

  uint64_t id() const { return id_; }

  // Takes the next pending connection off the listening socket.
  bool Accept(uv_loop_t* loop) {
    uv_timer_init(loop, &deadline_);
    if (listener_->tls_ != nullptr) return AcceptTls();
    uv_tcp_init(loop, &tcp_);
    open_handles_ = 2;
    if (uv_accept(reinterpret_cast<uv_stream_t*>(&listener_->server_), Stream()) != 0) return false;
    sockaddr_storage peer{};
    int len = sizeof peer;
    if (uv_tcp_getpeername(&tcp_, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return false;
    client_ = {.address = Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&peer)),
               .tcp = true,
               .local = listener_->interface_,
               .protocol = ClientProtocol::kTcp};
    return true;
  }

  const Endpoint& peer() const { return client_.address; }

  // TlsStream::Delegate. The handshake needs nothing from us: a client that offered ALPN without
  // "dot" has failed it already (TlsServerContext), and one that offered none is served too, as
  // RFC 7858 does not ask clients for ALPN.
  void OnTlsEstablished() override {}
  void OnTlsData(absl::string_view plaintext) override {
    OnBytes(plaintext.data(), plaintext.size());
  }
  // From libuv's close callback, which TlsStream does not guard.
  void OnTlsClosed(const absl::Status& why) override {
    GuardCallback("tls closed", [&] {
      if (!closed_ && !tls_->established()) {
        static RateLimiter limiter;
        if (limiter.Allow()) Log(LogLevel::kDetail, "tls: handshake: %s", why.ToString());
      }
      Close();
    });
  }

  // Whether the client may use this connection, decided before anything is read from it:
  // access-control and interface-action (deny closes at once; refuse is answered REFUSED, on
  // the shortest bound), then its netblock's tcp-connection-limit.
  bool Admit() {
    const ListenerAccess& access = listener_->access_;
    if (access.acl != nullptr) {
      const AccessAction action = access.acl->Lookup(client_.address, client_.local);
      if (action == AccessAction::kDeny) return false;
      refused_ = action == AccessAction::kRefuse;
    }
    if (access.per_client != nullptr) {
      ticket_ = access.per_client->Admit(client_.address);
      if (ticket_ == nullptr) return false;
    }
    return true;
  }

  void Start() {
    StartWaiting();
    ResumeReading();
  }

  // How long the connection has waited for a message; nullopt while it has queries in flight
  // (or once it is closed): such a connection is not idle (RFC 7766 6.2.3).
  std::optional<uint64_t> WaitedMs(uint64_t now) const {
    if (closed_ || pending_ > 0 || waiting_since_ == 0) return std::nullopt;
    return now - waiting_since_;
  }

  // Moves the deadline of a waiting connection earlier when `wait` from the start of its wait
  // ends sooner (under pressure); never later.
  void Tighten(absl::Duration wait) {
    if (closed_ || pending_ > 0) return;
    const uint64_t now = uv_now(deadline_.loop);
    const uint64_t wanted = waiting_since_ + static_cast<uint64_t>(absl::ToInt64Milliseconds(wait));
    if (wanted >= deadline_at_) return;
    ArmDeadline(wanted > now ? wanted - now : 0);
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    listener_->connections_.erase(id_);
    auto on_closed = [](uv_handle_t* h) {
      auto* self = static_cast<Connection*>(h->data);
      if (--self->open_handles_ == 0) delete self;
    };
    ticket_.reset();  // the slot is the netblock's again at once
    uv_close(reinterpret_cast<uv_handle_t*>(&deadline_), on_closed);
    // The TlsStream closes its socket itself (after close_notify, once the handshake is done);
    // it may be the one calling us, which its contract allows.
    if (listener_->tls_ != nullptr) return tls_.reset();
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_closed);
  }

  void Reply(std::vector<uint8_t> message) {
    --pending_;
    Write(message);
    if (pending_ == 0) StartWaiting();
    if (pending_ < listener_->limits_.max_pipelined) ResumeReading();
  }

 private:
  // A connection on a DNS over TLS listener: the TlsStream accepts and owns the socket.
  bool AcceptTls() {
    open_handles_ = 1;
    absl::StatusOr<std::unique_ptr<TlsSession>> session = TlsSession::Server(*listener_->tls_);
    if (!session.ok()) {
      Log(LogLevel::kError, "tls: %s", session.status().ToString());
      return false;
    }
    absl::StatusOr<std::unique_ptr<TlsStream>> stream = TlsStream::Accept(
        reinterpret_cast<uv_stream_t*>(&listener_->server_), *std::move(session), this);
    if (!stream.ok()) return false;
    tls_ = *std::move(stream);
    client_ = {.address = tls_->peer(),
               .tcp = true,
               .local = listener_->interface_,
               .protocol = ClientProtocol::kTls};
    return true;
  }

  // Sends one message behind its two-byte length (RFC 1035 4.2.2): straight to the socket when
  // libuv has nothing queued for it (uv_try_write refuses otherwise, which keeps the order), and
  // what the socket does not take at once through libuv's queue, in a copy. Over TLS the same
  // framing goes inside one TLS write (RFC 7858 3.3), which TlsStream queues in order.
  void Write(std::span<const uint8_t> message) {
    if (closed_) return;
    uint8_t length[2] = {static_cast<uint8_t>(message.size() >> 8),
                         static_cast<uint8_t>(message.size())};
    if (tls_ != nullptr) {
      std::string framed(reinterpret_cast<const char*>(length), sizeof length);
      framed.append(reinterpret_cast<const char*>(message.data()), message.size());
      return tls_->Write(framed);
    }
    uv_buf_t bufs[2] = {
        uv_buf_init(reinterpret_cast<char*>(length), sizeof length),
        uv_buf_init(const_cast<char*>(reinterpret_cast<const char*>(message.data())),
                    message.size())};
    int written = uv_try_write(Stream(), bufs, 2);
    if (written == UV_EAGAIN) written = 0;
    if (written < 0) return Close();
    const size_t done = static_cast<size_t>(written);
    if (done == message.size() + 2) return;
    auto* write = new FramedWrite{{}, {}};
    write->req.data = write;
    write->bytes.reserve(message.size() + 2 - done);
    if (done < 2) write->bytes.insert(write->bytes.end(), length + done, length + 2);
    const size_t message_done = done < 2 ? 0 : done - 2;
    write->bytes.insert(write->bytes.end(), message.begin() + message_done, message.end());
    uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(write->bytes.data()), write->bytes.size());
    const int rc = uv_write(&write->req, Stream(), &buf, 1, [](uv_write_t* req, int status) {
      auto* w = static_cast<FramedWrite*>(req->data);
      auto* self = static_cast<Connection*>(req->handle->data);
      delete w;
      if (status < 0 && status != UV_ECANCELED)
        GuardCallback("tcp write", [self] { self->Close(); });
    });
    if (rc != 0) {
      delete write;
      Close();
    }
  }

  uv_stream_t* Stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }

  void ResumeReading() {
    if (reading_ || closed_) return;
    reading_ = true;
    if (tls_ != nullptr) return tls_->PauseReading(false);
    uv_read_start(
        Stream(),
        [](uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
          *buf = uv_buf_init(nullptr, 0);  // what libuv gets if the buffer cannot be had
          GuardCallback("tcp read buffer", [&] {
            auto* self = static_cast<Connection*>(h->data);
            self->read_buffer_.resize(std::max<size_t>(suggested, 4096));
            *buf = uv_buf_init(self->read_buffer_.data(), self->read_buffer_.size());
          });
        },
        [](uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
          GuardCallback("tcp read", [&] {
            auto* self = static_cast<Connection*>(s->data);
            if (nread < 0) return self->Close();  // EOF or error: the client is done
            self->OnBytes(buf->base, static_cast<size_t>(nread));
          });
        });
  }

  void OnBytes(const char* data, size_t size) {
    if (size == 0) return;
    // No timer restarts here: a byte is not a message (the slow-drip attack of issue 15).
    framing_.Append(std::span(reinterpret_cast<const uint8_t*>(data), size));
    std::span<const uint8_t> message;
    while (!closed_) {
      const TcpFraming::Next next = framing_.Take(&message);
      if (next == TcpFraming::Next::kNotDns) return Close();  // not DNS: stop talking
      if (next == TcpFraming::Next::kIncomplete) break;
      ++pending_;
      const uint64_t id = id_;
      TcpListener* listener = listener_;
      // Errors and packet cache hits are answered at once, into the listener's scratch buffer;
      // the pipeline answers later, or before Handle returns when it needs no I/O.
      const std::span<uint8_t> out(listener_->scratch_.get(), kTcpMaxMessage);
      const QueryHandler::Handled handled =
          listener_->handler_->Handle(message, client_, out, [listener, id] {
            return QueryHandler::Reply([listener, id](std::vector<uint8_t> reply) {
              auto it = listener->connections_.find(id);
              if (it != listener->connections_.end()) it->second->Reply(std::move(reply));
            });
          });
      if (handled.outcome != QueryHandler::Outcome::kPending) --pending_;
      if (handled.outcome == QueryHandler::Outcome::kAnswered) Write(out.first(handled.size));
      // A whole message came: the wait for the next one starts now (or at the last answer).
      if (!closed_ && pending_ == 0) StartWaiting();
    }
    if (closed_) return;
    framing_.Compact();
    // Pause reading while too many queries are in flight.
    if (pending_ >= listener_->limits_.max_pipelined && reading_) {
      reading_ = false;
      if (tls_ != nullptr) return tls_->PauseReading(true);
      uv_read_stop(Stream());
    }
  }

  // The connection waits for a message from now on: it must arrive whole within the listener's
  // current bound (RFC 7766 6.2.3 idle timeout, shorter under pressure; always the shortest for
  // a refused client, who gets nothing but REFUSED).
  void StartWaiting() {
    if (closed_) return;
    waiting_since_ = uv_now(deadline_.loop);
    const absl::Duration wait =
        refused_ ? MessageWait(listener_->limits_.idle_timeout, 1, 1) : listener_->MessageWaitNow();
    ArmDeadline(static_cast<uint64_t>(absl::ToInt64Milliseconds(wait)));
  }

  void ArmDeadline(uint64_t ms) {
    deadline_at_ = uv_now(deadline_.loop) + ms;
    uv_timer_start(
        &deadline_,
        [](uv_timer_t* t) {
          GuardCallback("tcp deadline", [t] { static_cast<Connection*>(t->data)->OnDeadline(); });
        },
        ms, 0);
  }

  // RFC 7766 6.2.3: a connection is idle only when no query is outstanding; one that has queries
  // in flight waits for their answers, and its next wait starts with the last of them.
  void OnDeadline() {
    if (pending_ > 0) return StartWaiting();  // looked at again; Reply starts the real wait
    Close();
  }

  TcpListener* listener_;
  uint64_t id_;
  ClientInfo client_;
  uv_tcp_t tcp_;                    // plain DNS over TCP only
  std::unique_ptr<TlsStream> tls_;  // DNS over TLS only
  uv_timer_t deadline_;
  ConnectionLimits::Ticket ticket_;  // the client's tcp-connection-limit count, while open
  uint64_t waiting_since_ = 0;       // loop time (ms) the current wait for a message began
  uint64_t deadline_at_ = 0;         // loop time (ms) the deadline timer fires
  int open_handles_ = 1;             // the deadline timer, and the socket unless TLS owns it
  int pending_ = 0;
  bool refused_ = false;  // access-control refuse: answered REFUSED, on the shortest bound
  bool reading_ = false;
  bool closed_ = false;
  TcpFraming framing_;  // the bytes read that are not yet a whole message
  std::vector<char> read_buffer_;
};

absl::StatusOr<TcpListener*> TcpListener::Open(uv_loop_t* loop, const Endpoint& address,
                                               bool reuseport, QueryHandler* handler,
                                               TcpLimits limits, ListenerAccess access,
                                               const TlsServerContext* tls) {
  absl::StatusOr<int> fd = OpenListenSocket(address, SOCK_STREAM, reuseport);
  if (!fd.ok()) return fd.status();
  auto* listener = new TcpListener(handler, limits, access, address, tls);
  uv_tcp_init(loop, &listener->server_);
  listener->server_.data = listener;
  int rc = uv_tcp_open(&listener->server_, *fd);
  if (rc != 0) close(*fd);  // not adopted by the handle
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener->server_), kListenBacklog,
                   [](uv_stream_t* s, int status) {
                     if (status != 0) return;
                     GuardCallback("tcp accept",
                                   [s] { static_cast<TcpListener*>(s->data)->OnIncoming(); });
                   });
  }
  if (rc != 0) {
    listener->Close();
    return absl::InternalError(
        absl::StrCat(listener->protocol(), " ", address.ToString(), ": ", uv_strerror(rc)));
  }
  return listener;
}

Endpoint TcpListener::local_address() const {
  sockaddr_storage address{};
  int length = sizeof address;
  uv_tcp_getsockname(&server_, reinterpret_cast<sockaddr*>(&address), &length);
  return Endpoint::FromSockaddr(reinterpret_cast<const sockaddr*>(&address));
}

absl::Duration TcpListener::MessageWaitNow() const {
  return MessageWait(limits_.idle_timeout, connections_.size(),
                     static_cast<size_t>(limits_.max_connections));
}

void TcpListener::TightenDeadlines() {
  const absl::Duration wait = MessageWaitNow();
  if (wait >= limits_.idle_timeout) return;
  for (auto& [id, connection] : connections_) connection->Tighten(wait);
}

bool TcpListener::EvictLongestWaiting() {
  const uint64_t now = uv_now(server_.loop);
  Connection* longest = nullptr;
  uint64_t longest_wait = 0;
  for (auto& [id, connection] : connections_) {
    const std::optional<uint64_t> waited = connection->WaitedMs(now);
    if (waited && (longest == nullptr || *waited > longest_wait)) {
      longest = connection;
      longest_wait = *waited;
    }
  }
  if (longest == nullptr ||
      longest_wait < static_cast<uint64_t>(absl::ToInt64Milliseconds(kMinWaitBeforeEviction))) {
    return false;
  }
  longest->Close();
  return true;
}

void TcpListener::OnIncoming() {
  auto* connection = new Connection(this, next_connection_id_++);
  const bool accepted = connection->Accept(server_.loop);
  connections_.emplace(connection->id(), connection);
  // Denied clients and clients over their netblock's tcp-connection-limit: closed before a byte
  // is read, so they hold nothing.
  if (accepted && !connection->Admit()) {
    static RateLimiter limiter;
    if (limiter.Allow()) {
      Log(LogLevel::kDetail, "%s: %s denied or over its tcp-connection-limit, closed", protocol(),
          connection->peer().ToString());
    }
    connection->Close();
    return;
  }
  // Over the limit, the connection that has waited longest for a message makes room (RFC 7766
  // 6.2.3), or else the new one is accepted and closed at once, so the backlog cannot fill with
  // clients that will never be served.
  if (!accepted || (connections_.size() > static_cast<size_t>(limits_.max_connections) &&
                    !EvictLongestWaiting())) {
    static RateLimiter limiter;
    if (accepted && limiter.Allow()) Log(LogLevel::kOps, "%s connection limit reached", protocol());
    connection->Close();
    return;
  }
  connection->Start();
  TightenDeadlines();
}

void TcpListener::Close() {
  std::vector<Connection*> open;
  for (auto& [id, c] : connections_) open.push_back(c);
  for (Connection* c : open) c->Close();
  uv_close(reinterpret_cast<uv_handle_t*>(&server_),
           [](uv_handle_t* h) { delete static_cast<TcpListener*>(h->data); });
}

}  // namespace rebound
