#include "tls/https_server.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "resolver/core/callback_guard.h"
#include "resolver/core/connection_pressure.h"
#include "resolver/core/listen_socket.h"
#include "resolver/core/log.h"
#include "tls/h2_server_session.h"
#include "tls/loop_timer.h"
#include "tls/tls_session.h"
#include "tls/tls_stream.h"

namespace rebound {
namespace {

constexpr int kListenBacklog = 256;

}  // namespace

struct HttpsServer::Listener {
  uv_tcp_t tcp;
  HttpsServer* owner = nullptr;  // null once closing
  Endpoint address;              // as given to Listen, for HttpsServerOptions::admit
};

// One client connection: TLS, then HTTP/2. Owned by the server's table; responders hold weak
// references, and every entry point holds a strong one so that closing inside it is safe.
class HttpsServer::Connection : public TlsStream::Delegate,
                                public std::enable_shared_from_this<Connection> {
 public:
  Connection(HttpsServer* server, uint64_t id)
      : server_(server), id_(id), idle_(server->loop_, [this] { OnIdle(); }) {}

  // Takes the connection off `listener`. PermissionDenied when options.admit turns the client
  // away: the socket is closed then, before any byte of the handshake is read or sent.
  absl::Status Accept(Listener* listener) {
    absl::StatusOr<std::unique_ptr<TlsSession>> session = TlsSession::Server(*server_->context_);
    if (!session.ok()) return session.status();
    absl::StatusOr<std::unique_ptr<TlsStream>> stream = TlsStream::Accept(
        reinterpret_cast<uv_stream_t*>(&listener->tcp), *std::move(session), this);
    if (!stream.ok()) return stream.status();
    stream_ = *std::move(stream);
    if (server_->options_.admit) {
      admission_ = server_->options_.admit(stream_->peer(), listener->address);
      if (admission_ == nullptr) {
        stream_.reset();  // no handshake yet, so no close_notify either: a plain TCP close
        return absl::PermissionDeniedError(
            absl::StrCat(listener->address.ToString(), ": turned away at accept"));
      }
    }
    StartWaiting();  // covers the handshake too
    return absl::OkStatus();
  }

  // How long the connection has waited for a whole request; nullopt while a request is being
  // answered (or once it is closed): such a connection is not idle.
  std::optional<absl::Duration> WaitedFor(absl::Time now) const {
    if (closed_ || (h2_ != nullptr && h2_->awaiting_reply() > 0)) return std::nullopt;
    return now - waiting_since_;
  }

  // Moves a waiting connection's deadline earlier when `wait` from the start of its wait ends
  // sooner (under pressure); never later.
  void Tighten(absl::Duration wait) {
    if (closed_ || (h2_ != nullptr && h2_->awaiting_reply() > 0)) return;
    const absl::Time wanted = waiting_since_ + wait;
    if (wanted >= deadline_) return;
    deadline_ = wanted;
    idle_.Start(wanted - absl::Now());
  }

  void OnTlsEstablished() override {
    auto self = shared_from_this();
    if (stream_->alpn() != kAlpnH2) {
      // Reached only by a client that sent no ALPN at all: one that offered other protocols
      // failed the handshake already (TlsServerContext). HTTP/1.1 is not served.
      static RateLimiter limiter;
      if (limiter.Allow()) {
        Log(LogLevel::kDetail, "https: %s did not ask for h2 (ALPN), closing",
            stream_->peer().ToString());
      }
      return Close();
    }
    H2ServerLimits limits;
    limits.max_request_body = server_->options_.max_request_body;
    limits.max_concurrent_streams = server_->options_.max_streams_per_connection;
    absl::StatusOr<std::unique_ptr<H2ServerSession>> h2 = H2ServerSession::Create(limits);
    if (!h2.ok()) {
      Log(LogLevel::kError, "https: %s", h2.status().ToString());
      return Close();
    }
    h2_ = *std::move(h2);
    Flush();  // SETTINGS
  }

  void OnTlsData(absl::string_view plaintext) override {
    auto self = shared_from_this();
    // No timer restarts here: bytes are not a request (the slow-drip attack of issue 15).
    if (h2_ == nullptr) return;
    const absl::Status received = h2_->Receive(plaintext);
    Flush();  // also the GOAWAY nghttp2 queues for a protocol error
    if (closed_) return;
    if (!received.ok()) {
      static RateLimiter limiter;
      if (limiter.Allow()) {
        Log(LogLevel::kDetail, "https: %s: %s", stream_->peer().ToString(), received.ToString());
      }
      return Close();
    }
    CancelAbandoned();
    Dispatch();
  }

  void OnTlsClosed(const absl::Status& why) override {
    auto self = shared_from_this();
    if (h2_ == nullptr && LogEnabled(LogLevel::kQuery)) {
      Log(LogLevel::kQuery, "https: connection ended before HTTP/2: %s", why.ToString());
    }
    Close();
  }

  // Stops everything now; the object itself goes when the last reference does.
  void Close() {
    if (closed_) return;
    closed_ = true;
    idle_.Stop();
    // The client is gone: nobody is left to answer. Not at shutdown (HttpsServer::Close), when
    // the work goes down with the server.
    if (!server_->closing_) {
      for (auto& [stream_id, cancel] : std::exchange(in_progress_, {})) cancel();
    }
    stream_.reset();  // closes the socket (close_notify first, best effort)
    h2_.reset();
    admission_.reset();                // the slot is the client's netblock's again at once
    server_->connections_.erase(id_);  // may drop the last owning reference but one: the caller's
  }

 private:
  void Dispatch() {
    for (H2ServerSession::Received& received : h2_->TakeRequests()) {
      received.request.peer = stream_->peer();
      std::weak_ptr<Connection> weak = weak_from_this();
      const int32_t stream_id = received.stream_id;
      server_->handler_(received.request,
                        HttpsResponder(
                            [weak, stream_id](HttpsReply reply) {
                              if (std::shared_ptr<Connection> connection = weak.lock()) {
                                connection->Respond(stream_id, std::move(reply));
                              }
                            },
                            [weak, stream_id](HttpsCancel cancel) {
                              std::shared_ptr<Connection> connection = weak.lock();
                              if (connection == nullptr || connection->closed_) return;
                              if (!connection->h2_->AwaitsReply(stream_id)) return;
                              connection->in_progress_[stream_id] = std::move(cancel);
                            }));
      if (closed_) return;  // the handler closed (or destroyed) the server
    }
  }

  // Streams the client reset while their answers were being worked out (issue 15 item 5).
  void CancelAbandoned() {
    const std::vector<int32_t> abandoned = h2_->TakeAbandoned();
    for (int32_t stream_id : abandoned) {
      auto it = in_progress_.find(stream_id);
      if (it == in_progress_.end()) continue;
      HttpsCancel cancel = std::move(it->second);
      in_progress_.erase(it);
      cancel();
    }
    // The reset took the last request in progress: the wait for the next one starts now.
    if (!abandoned.empty() && h2_->awaiting_reply() == 0) StartWaiting();
  }

  void Respond(int32_t stream_id, HttpsReply reply) {
    in_progress_.erase(stream_id);
    if (closed_ || h2_ == nullptr) return;
    if (!h2_->Respond(stream_id, std::move(reply))) return;
    // The last answer went out: the wait for the next whole request starts now.
    if (h2_->awaiting_reply() == 0) StartWaiting();
    Flush();
  }

  void Flush() {
    std::string out;
    const absl::Status status = h2_->TakeOutput(&out);
    if (!out.empty()) stream_->Write(out);
    if (!status.ok() || h2_->finished()) Close();
  }

  void OnIdle() {
    auto self = shared_from_this();
    if (closed_) return;
    if (h2_ == nullptr) return Close();  // the handshake never completed
    // The handler is still working: the next wait starts with the last response (Respond).
    // Look again later all the same, for a request that ends without one (its stream reset).
    if (h2_->awaiting_reply() > 0) return StartWaiting();
    h2_->GoAway();  // RFC 9113 6.8: tell the client which streams were processed
    Flush();
    Close();
  }

  // The connection waits for a whole request from now on, within the server's current bound.
  void StartWaiting() {
    waiting_since_ = absl::Now();
    const absl::Duration wait = server_->MessageWaitNow();
    deadline_ = waiting_since_ + wait;
    idle_.Start(wait);
  }

  HttpsServer* server_;
  uint64_t id_;
  LoopTimer idle_;
  absl::Time waiting_since_;
  absl::Time deadline_;
  std::shared_ptr<void> admission_;  // from options.admit, held while the connection lives
  std::unique_ptr<TlsStream> stream_;
  std::unique_ptr<H2ServerSession> h2_;
  // The handler's cancel (HttpsResponder::OnCancel) for each request not answered yet.
  absl::flat_hash_map<int32_t, HttpsCancel> in_progress_;
  bool closed_ = false;
};

HttpsServer::HttpsServer(uv_loop_t* loop, const TlsServerContext* context,
                         HttpsServerOptions options, HttpsHandler handler)
    : loop_(loop), context_(context), options_(options), handler_(std::move(handler)) {}

HttpsServer::~HttpsServer() { Close(); }

absl::Status HttpsServer::Listen(const Endpoint& address, bool reuse_port) {
  absl::StatusOr<int> fd = OpenListenSocket(address, SOCK_STREAM, reuse_port);
  if (!fd.ok()) return fd.status();
  auto* listener = new Listener;
  uv_tcp_init(loop_, &listener->tcp);
  listener->tcp.data = listener;
  listener->owner = this;
  listener->address = address;
  auto close_listener = [](Listener* l) {
    uv_close(reinterpret_cast<uv_handle_t*>(&l->tcp),
             [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
  };
  int rc = uv_tcp_open(&listener->tcp, *fd);
  if (rc != 0) close(*fd);  // not adopted by the handle
  if (rc == 0) {
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener->tcp), kListenBacklog,
                   [](uv_stream_t* stream, int status) {
                     GuardCallback("https accept", [&] {
                       auto* l = static_cast<Listener*>(stream->data);
                       if (status == 0 && l->owner != nullptr) l->owner->OnIncoming(l);
                     });
                   });
  }
  sockaddr_storage local{};
  int length = sizeof local;
  if (rc == 0)
    rc = uv_tcp_getsockname(&listener->tcp, reinterpret_cast<sockaddr*>(&local), &length);
  if (rc != 0) {
    close_listener(listener);
    return absl::UnavailableError(
        absl::StrCat("https listen on ", address.ToString(), ": ", uv_strerror(rc)));
  }
  listeners_.push_back(listener);
  local_addresses_.push_back(Endpoint::FromSockaddr(reinterpret_cast<const sockaddr*>(&local)));
  return absl::OkStatus();
}

void HttpsServer::Close() {
  closing_ = true;
  for (Listener* listener : listeners_) {
    listener->owner = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(&listener->tcp),
             [](uv_handle_t* h) { delete static_cast<Listener*>(h->data); });
  }
  listeners_.clear();
  // Connection::Close erases from the table, so walk a copy.
  auto connections = std::move(connections_);
  connections_.clear();
  for (auto& [id, connection] : connections) connection->Close();
}

void HttpsServer::OnIncoming(Listener* listener) {
  const uint64_t id = next_connection_id_++;
  auto connection = std::make_shared<Connection>(this, id);
  // Clients turned away by options.admit go first, so that they cannot make room below.
  if (absl::Status status = connection->Accept(listener); !status.ok()) {
    static RateLimiter limiter;
    if (limiter.Allow()) Log(LogLevel::kDetail, "https: %s", status.ToString());
    return;
  }
  // Over the limit, the connection that has waited longest for a request makes room (as RFC 7766
  // 6.2.3 allows for DNS over TCP), or else the new one is closed at once, so the backlog cannot
  // fill with clients that will never be served.
  if (connections_.size() >= static_cast<size_t>(options_.max_connections) &&
      !EvictLongestWaiting()) {
    static RateLimiter limiter;
    if (limiter.Allow()) {
      Log(LogLevel::kOps, "https connection limit (%d) reached", options_.max_connections);
    }
    connection->Close();
    return;
  }
  connections_.emplace(id, std::move(connection));
  TightenDeadlines();
}

bool HttpsServer::EvictLongestWaiting() {
  const absl::Time now = absl::Now();
  std::shared_ptr<Connection> longest;
  absl::Duration longest_wait;
  for (auto& [id, connection] : connections_) {
    const std::optional<absl::Duration> waited = connection->WaitedFor(now);
    if (waited && (longest == nullptr || *waited > longest_wait)) {
      longest = connection;
      longest_wait = *waited;
    }
  }
  if (longest == nullptr || longest_wait < kMinWaitBeforeEviction) return false;
  longest->Close();
  return true;
}

absl::Duration HttpsServer::MessageWaitNow() const {
  return MessageWait(options_.idle_timeout, connections_.size(),
                     static_cast<size_t>(options_.max_connections));
}

void HttpsServer::TightenDeadlines() {
  const absl::Duration wait = MessageWaitNow();
  if (wait >= options_.idle_timeout) return;
  for (auto& [id, connection] : connections_) connection->Tighten(wait);
}

}  // namespace rebound
