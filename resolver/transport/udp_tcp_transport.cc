#include "resolver/transport/udp_tcp_transport.h"

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "resolver/core/callback_guard.h"
#include "resolver/core/random.h"
#include "resolver/transport/upstream_query.h"
#include "resolver/transport/upstream_tap.h"
#include "resolver/wire/message_check.h"
#include "resolver/wire/wire_format.h"

namespace rebound {
namespace {

constexpr int kPortBindAttempts = 8;
// Events taken from the epoll set per epoll_wait.
constexpr int kEventBatch = 64;
constexpr size_t kMaxQuerySize = kMaxUpstreamQuerySize;

// `code` is a libuv error, which on Unix is -errno.
absl::Status UvError(absl::string_view what, int code) {
  const std::string message = absl::StrCat(what, ": ", uv_strerror(code));
  switch (code) {
    case UV_ECONNREFUSED:
    case UV_ENETUNREACH:
    case UV_EHOSTUNREACH:
    case UV_EADDRNOTAVAIL:
    case UV_EAFNOSUPPORT:
    case UV_ECONNRESET:
    case UV_EPIPE:
      return absl::UnavailableError(message);
    // Out of descriptors, buffers or memory here: nothing to do with the server.
    case UV_EMFILE:
    case UV_ENFILE:
    case UV_ENOBUFS:
    case UV_ENOMEM:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status ErrnoError(absl::string_view what) { return UvError(what, -errno); }

}  // namespace

struct UdpTcpTransport::LoopHandles {
  uv_poll_t poll;
  uv_timer_t timer;
  int open = 0;  // handles not yet closed; the struct is freed when the last one is
};

// One question to one server: its UDP socket, its deadline and the callback, and after a
// truncated reply its TCP connection. Freed by Finish().
class UdpTcpTransport::Exchange : public DeadlineHeap::Entry {
 public:
  Exchange(UdpTcpTransport* owner, uint64_t number, const Endpoint& server,
           const UpstreamQuestion& q, absl::Duration timeout, Callback cb)
      : owner_(owner),
        number_(number),
        server_(server),
        question_(q),
        timeout_ms_(static_cast<uint64_t>(absl::ToInt64Milliseconds(timeout))),
        cb_(std::move(cb)),
        tap_(owner->options_.dnstap, q) {
    question_.name = nullptr;  // the caller's: Start copies it into name_
    question_.zone = nullptr;  // likewise; tap_ has its copy
  }

  ~Exchange() { CloseUdp(); }

  // Copies the question's name (the caller's may go away), then sends at once or, when every
  // socket outgoing-range allows is in use (`wait_for_socket`), waits for one until the timeout.
  void Start(const ldns_rdf* name, bool wait_for_socket) {
    absl::Status named = CopyName(name);
    owner_->deadlines_.Set(this, uv_now(owner_->loop_) + timeout_ms_);
    if (named.ok() && wait_for_socket) {
      waiting_ = true;
      owner_->waiting_.push_back(number_);
      return;
    }
    ++owner_->active_;
    if (!named.ok()) return FailSoon(std::move(named));
    if (absl::Status s = StartUdp(); !s.ok()) FailSoon(std::move(s));
  }

  // A socket has come free for this waiting exchange: the whole timeout is the server's now, so
  // that the wait is never taken for the server's slowness.
  void StartWaited() {
    waiting_ = false;
    ++owner_->active_;
    owner_->deadlines_.Set(this, uv_now(owner_->loop_) + timeout_ms_);
    if (absl::Status s = StartUdp(); !s.ok()) FailSoon(std::move(s));
  }

  // Never call back, just release the sockets: the transport is going away, or the caller no
  // longer wants the answer.
  void Abandon() {
    cb_ = nullptr;
    Finish(absl::CancelledError("abandoned"));
  }

  // What epoll reported for the UDP socket. May finish (and free) the exchange.
  void OnSocketEvents(uint32_t events) {
    if ((events & EPOLLOUT) && send_pending_) {
      if (absl::Status s = SendUdp(); !s.ok()) return Finish(std::move(s));
      if (send_pending_) return;
    }
    // EPOLLERR is a queued ICMP error, which recvfrom reports.
    if (events & (EPOLLIN | EPOLLERR)) ReceiveUdp();
  }

  void OnDeadline() {
    if (waiting_) {
      return Finish(absl::ResourceExhaustedError("every upstream socket (outgoing-range) in use"));
    }
    if (!pending_error_.ok()) return Finish(pending_error_);
    Finish(absl::DeadlineExceededError(absl::StrCat("no answer from ", server_.ToString())));
  }

 private:
  // The TCP retry: libuv handles, freed by their close callback, which may come after the
  // exchange is gone (exchange is then null).
  struct TcpRetry {
    uv_tcp_t handle;
    uv_connect_t connect;
    uv_write_t write;
    Exchange* exchange = nullptr;
    std::vector<uint8_t> out;  // the query in flight; must outlive the write request
    std::vector<uint8_t> in;   // bytes received so far
    std::array<char, 16384> chunk;
  };

  absl::Status StartUdp() {
    if (owner_->epoll_fd_ < 0) return absl::InternalError("no epoll set for upstream sockets");
    if (question_.randomize_case) RandomizeCase();
    fd_ = socket(server_.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return ErrnoError("udp socket");
    if (server_.is_v6()) {
      // The port is taken for IPv6 only, as unbound does: no IPv4 port is held by it.
      const int on = 1;
      if (setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) {
        return ErrnoError("udp socket");
      }
    }
    if (absl::Status s = BindRandomPort(); !s.ok()) return s;
    // A connected socket makes the kernel drop datagrams from any other address or port, and
    // report an ICMP port unreachable as ECONNREFUSED, so a dead server is skipped at once.
    if (connect(fd_, server_.sockaddr_ptr(), server_.sockaddr_len()) != 0) {
      return ErrnoError("connect");
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = number_;
    if (epoll_ctl(owner_->epoll_fd_, EPOLL_CTL_ADD, fd_, &event) != 0) {
      return ErrnoError("epoll_ctl");
    }
    return SendUdp();
  }

  absl::Status CopyName(const ldns_rdf* name) {
    if (name == nullptr) return absl::InvalidArgumentError("no query name");
    const size_t size = ldns_rdf_size(name);
    if (size == 0 || size > name_.size()) {
      return absl::InvalidArgumentError("query name longer than 255 octets");
    }
    std::memcpy(name_.data(), ldns_rdf_data(name), size);
    name_size_ = size;
    return absl::OkStatus();
  }

  // RFC 5452 4.5: the source port is part of what a spoofer must guess, so pick it ourselves
  // from the whole unprivileged range instead of trusting the kernel's ephemeral choice.
  absl::Status BindRandomPort() {
    sockaddr_storage local{};
    socklen_t local_size;
    in_port_t* port;
    if (server_.is_v6()) {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&local);
      sin6->sin6_family = AF_INET6;
      sin6->sin6_addr = in6addr_any;
      port = &sin6->sin6_port;
      local_size = sizeof *sin6;
    } else {
      auto* sin = reinterpret_cast<sockaddr_in*>(&local);
      sin->sin_family = AF_INET;
      sin->sin_addr.s_addr = htonl(INADDR_ANY);
      port = &sin->sin_port;
      local_size = sizeof *sin;
    }
    for (int attempt = 0; attempt <= kPortBindAttempts; ++attempt) {
      // The last attempt lets the kernel choose, so a crowded port range still works.
      *port = htons(attempt < kPortBindAttempts
                        ? static_cast<uint16_t>(1024 + SecureRandomBelow(65536 - 1024))
                        : 0);
      if (bind(fd_, reinterpret_cast<const sockaddr*>(&local), local_size) == 0) {
        return absl::OkStatus();
      }
      if (errno != EADDRINUSE && errno != EACCES) return ErrnoError("bind");
    }
    return absl::UnavailableError("no free source port");
  }

  // The query with a fresh random ID (RFC 5452 4.3).
  size_t BuildQuery(uint8_t* out) {
    id_ = SecureRandomU16();
    return WriteUpstreamQuery(question_, {name_.data(), name_size_}, id_,
                              owner_->options_.edns_buffer_size, out);
  }

  // Built on the stack at each try, not kept: an Exchange under 1 KiB stays out of glibc's large
  // bins, whose every allocation first consolidates the fast bins (6% of a DNS64 miss's CPU, by
  // perf). A try that must wait for the socket sent nothing, so the next one's fresh ID is
  // the only one that ever goes out.
  absl::Status SendUdp() {
    std::array<uint8_t, kMaxQuerySize> query;
    const size_t size = BuildQuery(query.data());
    const ssize_t sent = send(fd_, query.data(), size, 0);
    if (sent >= 0) {
      tap_.Query({query.data(), size}, server_, DnstapProtocol::kUdp);
      if (send_pending_) SetSocketEvents(EPOLLIN);
      send_pending_ = false;
      return absl::OkStatus();
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) return ErrnoError("send");
    // The socket buffer is full (it hardly ever is for a fresh socket): send when it drains.
    if (!send_pending_) SetSocketEvents(EPOLLIN | EPOLLOUT);
    send_pending_ = true;
    return absl::OkStatus();
  }

  void SetSocketEvents(uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.u64 = number_;
    epoll_ctl(owner_->epoll_fd_, EPOLL_CTL_MOD, fd_, &event);
  }

  // One datagram per readiness: the set is level-triggered, so another waiting datagram is
  // reported again.
  void ReceiveUdp() {
    sockaddr_storage from{};
    socklen_t from_size = sizeof from;
    const ssize_t size = recvfrom(fd_, owner_->udp_buffer_.data(), owner_->udp_buffer_.size(), 0,
                                  reinterpret_cast<sockaddr*>(&from), &from_size);
    if (size < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return Finish(ErrnoError("recv"));
    }
    // The connected socket filters already; checked again so a reply is never taken from
    // anyone but the server, whatever the kernel does.
    if (!(Endpoint::FromSockaddr(reinterpret_cast<const sockaddr*>(&from)) == server_)) return;
    OnUdpReply(owner_->udp_buffer_.data(), static_cast<size_t>(size));
  }

  // RFC 5452 9.1: the ID, QR and the question count, from the raw bytes before any parsing,
  // so a spoof or a stale reply costs no parse.
  bool HeaderMatches(const uint8_t* data, size_t size) const {
    return size >= wire::kHeaderSize && wire::Load16({data, size}, wire::kIdOffset) == id_ &&
           (data[wire::kFlags1Offset] & wire::kQrBit) != 0 &&
           wire::Load16({data, size}, wire::kQdcountOffset) == 1;
  }

  // RFC 5452 9.1: accept only a reply to this exact question with the ID we chose.
  bool Matches(const ldns_pkt& reply) const {
    return AnswersUpstreamQuery(reply, id_, question_, {name_.data(), name_size_});
  }

  // 0x20: the name as sent, byte for byte (Matches compares without case).
  bool EchoesCase(const ldns_pkt& reply) const {
    const ldns_rdf* echoed = ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(&reply), 0));
    return ldns_rdf_size(echoed) == name_size_ &&
           std::memcmp(ldns_rdf_data(echoed), name_.data(), name_size_) == 0;
  }

  // Flips the case of each letter of the wire-format name at random.
  void RandomizeCase() {
    uint8_t* data = name_.data();
    const size_t size = name_size_;
    uint16_t bits = 0;
    int bits_left = 0;
    for (size_t label = 0; label < size && data[label] != 0; label += data[label] + 1) {
      for (size_t i = label + 1; i <= label + data[label] && i < size; ++i) {
        if (!std::isalpha(data[i])) continue;
        if (bits_left == 0) {
          bits = SecureRandomU16();
          bits_left = 16;
        }
        data[i] = static_cast<uint8_t>((bits & 1) ? std::toupper(data[i]) : std::tolower(data[i]));
        bits >>= 1;
        --bits_left;
      }
    }
  }

  void OnUdpReply(const uint8_t* data, size_t size) {
    if (!HeaderMatches(data, size)) return;  // a spoof or a stale reply: keep waiting for ours
    // Garbage, or what ldns would mishandle (message_check.h): keep waiting.
    LdnsPktPtr reply = ParseMessage(std::span<const uint8_t>(data, size));
    if (reply == nullptr) return;
    if (!Matches(*reply)) return;
    if (question_.randomize_case && !EchoesCase(*reply)) {
      // A spoof, or a server that does not keep the case: keep waiting, and if nothing better
      // comes say so, so the caller can ask again without 0x20.
      pending_error_ = absl::FailedPreconditionError(
          absl::StrCat(server_.ToString(), " did not echo the query name's case"));
      return;
    }
    tap_.Response({data, size}, server_, DnstapProtocol::kUdp);
    if (ldns_pkt_tc(reply.get())) return StartTcp();
    Finish(std::move(reply));
  }

  void StartTcp() {
    CloseUdp();  // no UDP reply is wanted any more
    owner_->deadlines_.Set(this, uv_now(owner_->loop_) + timeout_ms_);
    tcp_ = new TcpRetry;
    tcp_->exchange = this;
    tcp_->handle.data = tcp_->connect.data = tcp_->write.data = tcp_;
    int rc = uv_tcp_init_ex(owner_->loop_, &tcp_->handle, server_.family());
    if (rc != 0) {
      delete std::exchange(tcp_, nullptr);  // never became a handle: nothing to close
      return Finish(UvError("tcp socket", rc));
    }
    rc = uv_tcp_connect(&tcp_->connect, &tcp_->handle, server_.sockaddr_ptr(), OnTcpConnected);
    if (rc != 0) Finish(UvError("tcp connect", rc));
  }

  void OnTcpConnected() {
    std::array<uint8_t, 2 + kMaxQuerySize> query{};
    const size_t size = BuildQuery(query.data() + 2);  // a fresh ID for the new connection
    query[0] = static_cast<uint8_t>(size >> 8);
    query[1] = static_cast<uint8_t>(size);
    tcp_->out.assign(query.begin(), query.begin() + 2 + size);
    tap_.Query({query.data() + 2, size}, server_, DnstapProtocol::kTcp);
    uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(tcp_->out.data()), tcp_->out.size());
    auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_->handle);
    int rc = uv_write(&tcp_->write, stream, &buf, 1, OnTcpWritten);
    if (rc == 0) rc = uv_read_start(stream, OnTcpAlloc, OnTcpRead);
    if (rc != 0) Finish(UvError("tcp write", rc));
  }

  void OnTcpData(const char* data, size_t size) {
    std::vector<uint8_t>& in = tcp_->in;
    in.insert(in.end(), data, data + size);
    if (in.size() < 2) return;
    const size_t length = (size_t{in[0]} << 8) | in[1];
    if (in.size() < 2 + length) return;
    LdnsPktPtr reply = ParseMessage(std::span<const uint8_t>(in.data() + 2, length));
    if (reply == nullptr) return Finish(absl::DataLossError("unparseable TCP reply"));
    // Over TCP nobody can inject a reply, so a mismatch means a broken server.
    if (!Matches(*reply)) return Finish(absl::DataLossError("TCP reply to another question"));
    tap_.Response({in.data() + 2, length}, server_, DnstapProtocol::kTcp);
    Finish(std::move(reply));
  }

  // Errors found inside Query() are reported from the loop, as the Transport contract says.
  void FailSoon(absl::Status status) {
    pending_error_ = std::move(status);
    owner_->deadlines_.Set(this, uv_now(owner_->loop_));
  }

  void CloseUdp() {
    // Closing removes the socket from the epoll set too (nothing else holds it: CLOEXEC, no dup).
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  // Reports `result` and frees the exchange; the caller must not touch it afterwards.
  void Finish(absl::StatusOr<LdnsPktPtr> result) {
    UdpTcpTransport* owner = owner_;
    if (!waiting_) --owner->active_;
    owner_->exchanges_.erase(number_);
    if (owner_->exchanges_.empty()) owner_->SetKeepsLoopAlive(false);
    owner_->deadlines_.Remove(this);
    if (tcp_ != nullptr) {
      tcp_->exchange = nullptr;
      uv_close(reinterpret_cast<uv_handle_t*>(&tcp_->handle),
               [](uv_handle_t* h) { delete static_cast<TcpRetry*>(h->data); });
    }
    Callback cb = std::move(cb_);
    delete this;  // closes the UDP socket
    owner->StartWaiting();
    if (cb) cb(std::move(result));
  }

  static void OnTcpAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
    auto* tcp = static_cast<TcpRetry*>(handle->data);
    *buf = uv_buf_init(tcp->chunk.data(), tcp->chunk.size());
  }
  static void OnTcpConnected(uv_connect_t* req, int status) {
    Exchange* self = static_cast<TcpRetry*>(req->data)->exchange;
    if (self == nullptr || status == UV_ECANCELED) return;
    GuardCallback("upstream tcp connect", [&] {
      if (status < 0) return self->Finish(UvError("tcp connect", status));
      self->OnTcpConnected();
    });
  }
  static void OnTcpWritten(uv_write_t* req, int status) {
    Exchange* self = static_cast<TcpRetry*>(req->data)->exchange;
    if (self == nullptr || status == UV_ECANCELED) return;
    GuardCallback("upstream tcp write", [&] {
      if (status < 0) self->Finish(UvError("tcp write", status));
    });
  }
  static void OnTcpRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    Exchange* self = static_cast<TcpRetry*>(stream->data)->exchange;
    if (self == nullptr) return;
    GuardCallback("upstream tcp read", [&] {
      if (nread == UV_EOF) return self->Finish(absl::UnavailableError("tcp closed by server"));
      if (nread < 0) return self->Finish(UvError("tcp read", static_cast<int>(nread)));
      self->OnTcpData(buf->base, static_cast<size_t>(nread));
    });
  }

  UdpTcpTransport* owner_;
  uint64_t number_;
  Endpoint server_;
  UpstreamQuestion question_;
  uint64_t timeout_ms_;
  Callback cb_;
  int fd_ = -1;
  bool waiting_ = false;  // for a socket: not started yet
  bool send_pending_ = false;
  uint16_t id_ = 0;
  absl::Status pending_error_;                      // an error to report when the deadline comes
  std::array<uint8_t, wire::kMaxNameLength> name_;  // wire format, letter case as sent
  size_t name_size_ = 0;
  TcpRetry* tcp_ = nullptr;
  UpstreamTap tap_;
};

UdpTcpTransport::UdpTcpTransport(uv_loop_t* loop, UdpTcpTransportOptions options)
    : loop_(loop), options_(options), handles_(new LoopHandles) {
  handles_->poll.data = handles_->timer.data = this;
  uv_timer_init(loop_, &handles_->timer);
  ++handles_->open;
  // Without an epoll set every query fails (from the loop, with the reason); nothing else does.
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ >= 0 && uv_poll_init(loop_, &handles_->poll, epoll_fd_) == 0) {
    ++handles_->open;
    uv_poll_start(&handles_->poll, UV_READABLE, [](uv_poll_t* poll, int, int) {
      GuardCallback("upstream sockets",
                    [poll] { static_cast<UdpTcpTransport*>(poll->data)->OnSocketsReady(); });
    });
  } else if (epoll_fd_ >= 0) {
    close(std::exchange(epoll_fd_, -1));
  }
  SetKeepsLoopAlive(false);
}

UdpTcpTransport::~UdpTcpTransport() {
  waiting_.clear();  // nothing may start now
  // Abandon() erases from the map, so iterate over a copy.
  std::vector<Exchange*> live;
  live.reserve(exchanges_.size());
  for (const auto& [number, exchange] : exchanges_) live.push_back(exchange);
  for (Exchange* e : live) e->Abandon();
  // The handles outlive the transport until closed: they point at their struct from now on.
  handles_->poll.data = handles_->timer.data = handles_;
  auto close_handle = [](uv_handle_t* h) {
    auto* handles = static_cast<LoopHandles*>(h->data);
    if (--handles->open == 0) delete handles;
  };
  // uv_close stops the poll at once, so the epoll set can be closed right after.
  if (epoll_fd_ >= 0) uv_close(reinterpret_cast<uv_handle_t*>(&handles_->poll), close_handle);
  uv_close(reinterpret_cast<uv_handle_t*>(&handles_->timer), close_handle);
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

uint64_t UdpTcpTransport::Query(const Endpoint& server, const UpstreamQuestion& q,
                                absl::Duration timeout, Callback cb) {
  const uint64_t number = next_exchange_++;
  // One per query out: below 1 KiB it comes from glibc's small bins (SendUdp says why).
  static_assert(sizeof(Exchange) < 1024);
  auto* exchange = new Exchange(this, number, server, q, timeout, std::move(cb));
  if (exchanges_.empty()) SetKeepsLoopAlive(true);
  exchanges_.emplace(number, exchange);
  const bool full = options_.max_sockets > 0 && active_ >= options_.max_sockets;
  exchange->Start(q.name, full);
  if (deadlines_.Earliest() == exchange) ArmTimer();
  return number;
}

void UdpTcpTransport::Cancel(uint64_t ticket) {
  auto it = exchanges_.find(ticket);
  if (it != exchanges_.end()) it->second->Abandon();
}

void UdpTcpTransport::StartWaiting() {
  bool started = false;
  while (!waiting_.empty() && (options_.max_sockets == 0 || active_ < options_.max_sockets)) {
    auto it = exchanges_.find(waiting_.front());
    waiting_.pop_front();
    // Gone already: timed out or cancelled while it waited.
    if (it == exchanges_.end()) continue;
    it->second->StartWaited();
    started = true;
  }
  if (started) ArmTimer();
}

void UdpTcpTransport::SetKeepsLoopAlive(bool alive) {
  auto set = [alive](uv_handle_t* h) {
    if (alive) {
      uv_ref(h);
    } else {
      uv_unref(h);
    }
  };
  set(reinterpret_cast<uv_handle_t*>(&handles_->timer));
  if (epoll_fd_ >= 0) set(reinterpret_cast<uv_handle_t*>(&handles_->poll));
}

void UdpTcpTransport::OnSocketsReady() {
  epoll_event events[kEventBatch];
  int n;
  do {
    n = epoll_wait(epoll_fd_, events, kEventBatch, 0);
    for (int i = 0; i < n; ++i) {
      // An exchange finished earlier in this batch finds nothing here.
      auto it = exchanges_.find(events[i].data.u64);
      if (it != exchanges_.end()) it->second->OnSocketEvents(events[i].events);
    }
  } while (n == kEventBatch);
}

void UdpTcpTransport::OnTimer() {
  const uint64_t now = uv_now(loop_);
  while (DeadlineHeap::Entry* earliest = deadlines_.Earliest()) {
    if (earliest->deadline() > now) break;
    static_cast<Exchange*>(earliest)->OnDeadline();  // finishes it, which leaves the heap
  }
  ArmTimer();
}

void UdpTcpTransport::ArmTimer() {
  const DeadlineHeap::Entry* earliest = deadlines_.Earliest();
  if (earliest == nullptr) {
    uv_timer_stop(&handles_->timer);
    return;
  }
  const uint64_t now = uv_now(loop_);
  const uint64_t delay = earliest->deadline() > now ? earliest->deadline() - now : 0;
  uv_timer_start(
      &handles_->timer,
      [](uv_timer_t* timer) {
        GuardCallback("upstream timeouts",
                      [timer] { static_cast<UdpTcpTransport*>(timer->data)->OnTimer(); });
      },
      delay, 0);
}

}  // namespace rebound
