#include "resolver/metrics/metrics_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "resolver/core/callback_guard.h"
#include "resolver/core/check.h"
#include "resolver/core/listen_socket.h"
#include "resolver/core/log.h"
#include "resolver/metrics/metrics_http.h"
#include "resolver/metrics/prometheus_text.h"

namespace rebound {
namespace {

constexpr int kListenBacklog = 64;

uv_handle_t* AsHandle(auto* handle) { return reinterpret_cast<uv_handle_t*>(handle); }
uv_stream_t* AsStream(uv_tcp_t* tcp) { return reinterpret_cast<uv_stream_t*>(tcp); }

// The local or peer address of a connected socket; nullopt when the kernel has none (the peer
// has gone already).
std::optional<Endpoint> AddressOf(uv_tcp_t* tcp, bool peer) {
  sockaddr_storage address{};
  int length = sizeof address;
  const int rc = peer ? uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&address), &length)
                      : uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&address), &length);
  if (rc != 0) return std::nullopt;
  return Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&address));
}

}  // namespace

// One client: read the request head, write the response, then close the sending side and read
// until the client closes (so that an unread byte of its does not turn our close into a reset
// that destroys the response in flight), all within one deadline. Deletes itself once its two
// handles are closed.
class MetricsServer::Connection {
 public:
  explicit Connection(MetricsServer* server) : server_(server) {
    tcp_.data = this;
    deadline_.data = this;
    write_.data = this;
    shutdown_.data = this;
  }

  uv_tcp_t* tcp() { return &tcp_; }

  // Both handles initialized, so Close() may be called from here on.
  void Init(uv_loop_t* loop) {
    uv_tcp_init(loop, &tcp_);
    uv_timer_init(loop, &deadline_);
  }

  void Begin() {
    uv_timer_start(
        &deadline_,
        [](uv_timer_t* timer) {
          GuardCallback("metrics deadline",
                        [&] { static_cast<Connection*>(timer->data)->Close(); });
        },
        static_cast<uint64_t>(absl::ToInt64Milliseconds(server_->options_.deadline)), 0);
    uv_read_start(AsStream(&tcp_), &OnAlloc, &OnRead);
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    server_->Forget(this);
    auto on_closed = [](uv_handle_t* handle) {
      auto* self = static_cast<Connection*>(handle->data);
      if (--self->open_handles_ == 0) delete self;
    };
    uv_close(AsHandle(&tcp_), on_closed);
    uv_close(AsHandle(&deadline_), on_closed);
  }

 private:
  static void OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
    auto* self = static_cast<Connection*>(handle->data);
    *buf = uv_buf_init(self->read_buffer_.data(), self->read_buffer_.size());
  }

  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<Connection*>(stream->data);
    bool handled = false;
    GuardCallback("metrics read", [&] {
      if (nread < 0) {
        self->Close();  // EOF or an error: before the response, nobody to answer
      } else if (!self->draining_) {
        self->OnBytes(absl::string_view(buf->base, static_cast<size_t>(nread)));
      }
      handled = true;
    });
    if (!handled) self->Close();
  }

  void OnBytes(absl::string_view bytes) {
    const size_t limit = server_->options_.max_request_bytes;
    request_.append(bytes.data(), std::min(bytes.size(), limit - request_.size()));
    const RequestHead head = ReadRequestHead(request_, limit);
    if (head.state == HeadState::kIncomplete) return;
    uv_read_stop(AsStream(&tcp_));
    response_ = MetricsResponse(head, [this] { return PrometheusText(server_->report_()); });
    uv_buf_t out = uv_buf_init(response_.data(), response_.size());
    if (uv_write(&write_, AsStream(&tcp_), &out, 1, &OnWritten) != 0) Close();
  }

  static void OnWritten(uv_write_t* request, int status) {
    auto* self = static_cast<Connection*>(request->data);
    GuardCallback("metrics write", [&] {
      if (self->closed_) return;
      if (status < 0 || uv_shutdown(&self->shutdown_, AsStream(&self->tcp_), &OnShutdown) != 0) {
        self->Close();
      }
    });
  }

  static void OnShutdown(uv_shutdown_t* request, int status) {
    auto* self = static_cast<Connection*>(request->data);
    GuardCallback("metrics shutdown", [&] {
      if (self->closed_) return;
      self->draining_ = true;
      if (status < 0 || uv_read_start(AsStream(&self->tcp_), &OnAlloc, &OnRead) != 0) {
        self->Close();
      }
    });
  }

  MetricsServer* const server_;
  uv_tcp_t tcp_;
  uv_timer_t deadline_;
  uv_write_t write_;
  uv_shutdown_t shutdown_;
  int open_handles_ = 2;
  bool closed_ = false;
  bool draining_ = false;  // the response is out: what the client sends now is discarded
  std::string request_;
  std::string response_;
  std::array<char, 2048> read_buffer_;
};

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Bind(const Config& config,
                                                                   ReportFunction report) {
  if (config.metrics_interfaces.empty()) return nullptr;
  auto server =
      std::make_unique<MetricsServer>(config.metrics_interfaces, config.acl, std::move(report));
  if (absl::Status s = server->Listen(); !s.ok()) return s;
  for (const Endpoint& address : config.metrics_interfaces) {
    Log(LogLevel::kOps, "metrics: serving /metrics on %s", address.ToString());
  }
  return server;
}

MetricsServer::MetricsServer(std::vector<Endpoint> addresses, AccessControlList acl,
                             ReportFunction report, MetricsServerOptions options)
    : addresses_(std::move(addresses)),
      report_(std::move(report)),
      options_(options),
      acl_(std::move(acl)) {
  CHECK(uv_loop_init(&loop_) == 0);
  stop_signal_.data = this;
  uv_async_init(&loop_, &stop_signal_, [](uv_async_t* async) {
    GuardCallback("metrics stop",
                  [&] { static_cast<MetricsServer*>(async->data)->CloseEverything(); });
  });
}

MetricsServer::~MetricsServer() {
  Stop();
  uv_loop_close(&loop_);
}

absl::Status MetricsServer::Listen() {
  for (const Endpoint& address : addresses_) {
    absl::StatusOr<int> fd = OpenListenSocket(address, SOCK_STREAM, /*reuseport=*/false);
    if (!fd.ok())
      return absl::Status(fd.status().code(),
                          absl::StrCat("metrics-interface: ", fd.status().message()));
    auto listener = std::make_unique<uv_tcp_t>();
    uv_tcp_init(&loop_, listener.get());
    listener->data = this;
    listeners_.push_back(std::move(listener));
    int rc = uv_tcp_open(listeners_.back().get(), *fd);
    if (rc != 0) {
      close(*fd);
    } else {
      rc = uv_listen(AsStream(listeners_.back().get()), kListenBacklog, &OnConnection);
    }
    if (rc != 0) {
      return absl::UnavailableError(absl::StrCat("metrics-interface: cannot listen on ",
                                                 address.ToString(), ": ", uv_strerror(rc)));
    }
  }
  return absl::OkStatus();
}

void MetricsServer::Start() {
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
}

void MetricsServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (thread_.joinable()) {
    uv_async_send(&stop_signal_);
    thread_.join();
  } else {
    // Never started: close on this thread, then let the closes finish.
    CloseEverything();
    uv_run(&loop_, UV_RUN_DEFAULT);
  }
}

void MetricsServer::SetAccessControl(AccessControlList acl) {
  absl::MutexLock lock(&acl_mutex_);
  acl_ = std::move(acl);
}

std::vector<Endpoint> MetricsServer::BoundAddresses() const {
  std::vector<Endpoint> bound;
  for (const auto& listener : listeners_) {
    std::optional<Endpoint> address = AddressOf(listener.get(), /*peer=*/false);
    if (address.has_value()) bound.push_back(*address);
  }
  return bound;
}

void MetricsServer::OnConnection(uv_stream_t* server, int status) {
  GuardCallback("metrics accept", [&] {
    if (status < 0) return;
    static_cast<MetricsServer*>(server->data)->Accept(server);
  });
}

void MetricsServer::Accept(uv_stream_t* server) {
  auto* connection = new Connection(this);
  connection->Init(&loop_);
  connections_.insert(connection);
  if (uv_accept(server, AsStream(connection->tcp())) != 0) {
    connection->Close();
    return;
  }
  // The connection limit, then access-control: refused and denied clients alike are closed
  // without a word, as the page would tell them what the resolver does.
  const std::optional<Endpoint> peer = AddressOf(connection->tcp(), /*peer=*/true);
  const std::optional<Endpoint> local = AddressOf(connection->tcp(), /*peer=*/false);
  if (connections_.size() > options_.max_connections || !peer.has_value() || !local.has_value() ||
      !Allowed(*peer, *local)) {
    connection->Close();
    return;
  }
  connection->Begin();
}

bool MetricsServer::Allowed(const Endpoint& client, const Endpoint& local) {
  absl::MutexLock lock(&acl_mutex_);
  switch (acl_.Lookup(client, local)) {
    case AccessAction::kAllow:
    case AccessAction::kAllowSnoop:
    case AccessAction::kAllowSetRd:
      return true;
    case AccessAction::kRefuse:
    case AccessAction::kDeny:
      return false;
  }
  return false;
}

void MetricsServer::CloseEverything() {
  for (auto& listener : listeners_) {
    if (!uv_is_closing(AsHandle(listener.get()))) uv_close(AsHandle(listener.get()), nullptr);
  }
  const std::vector<Connection*> open(connections_.begin(), connections_.end());
  for (Connection* connection : open) connection->Close();
  if (!uv_is_closing(AsHandle(&stop_signal_))) uv_close(AsHandle(&stop_signal_), nullptr);
}

}  // namespace rebound
