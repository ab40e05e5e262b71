#include "resolver/transport/udp_tcp_transport.h"

#include <netinet/in.h>

#include <cctype>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "resolver/core/random.h"

namespace rebound {
namespace {

constexpr int kPortBindAttempts = 8;

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
    default:
      return absl::InternalError(message);
  }
}

}  // namespace

// One question to one server: its sockets, its timer and the callback. Deletes itself once its
// handles are closed; libuv runs every pending request's callback (with UV_ECANCELED) before a
// handle's close callback, so nothing touches the Exchange after it is gone.
class UdpTcpTransport::Exchange {
 public:
  Exchange(UdpTcpTransport* owner, const Endpoint& server, const UpstreamQuestion& q,
           absl::Duration timeout, Callback cb)
      : owner_(owner),
        server_(server),
        name_(ldns_rdf_clone(q.name)),
        question_(q),
        timeout_(timeout),
        cb_(std::move(cb)) {
    if (q.randomize_case) RandomizeCase(name_.get());
    question_.name = name_.get();
    udp_.data = tcp_.data = timer_.data = this;
    udp_send_.data = tcp_connect_.data = tcp_write_.data = this;
  }

  void Start() {
    uv_timer_init(owner_->loop_, &timer_);
    ++open_handles_;
    StartTimer(timeout_);
    if (absl::Status s = StartUdp(); !s.ok()) FailSoon(std::move(s));
  }

  // The transport is going away: never call back, just release the handles.
  void Abandon() {
    cb_ = nullptr;
    Finish(absl::CancelledError("transport destroyed"));
  }

 private:
  absl::Status StartUdp() {
    int rc = uv_udp_init_ex(owner_->loop_, &udp_, server_.family());
    if (rc != 0) return UvError("udp socket", rc);
    ++open_handles_;
    udp_open_ = true;
    if (absl::Status s = BindRandomPort(); !s.ok()) return s;
    // A connected socket makes the kernel drop datagrams from any other address or port.
    if ((rc = uv_udp_connect(&udp_, server_.sockaddr_ptr())) != 0) return UvError("connect", rc);
    out_ = BuildQuery();
    uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(out_.data()), out_.size());
    if ((rc = uv_udp_send(&udp_send_, &udp_, &buf, 1, nullptr, OnUdpSent)) != 0) {
      return UvError("send", rc);
    }
    if ((rc = uv_udp_recv_start(&udp_, OnAlloc, OnUdpRead)) != 0) return UvError("recv", rc);
    return absl::OkStatus();
  }

  // RFC 5452 4.5: the source port is part of what a spoofer must guess, so pick it ourselves
  // from the whole unprivileged range instead of trusting the kernel's ephemeral choice.
  absl::Status BindRandomPort() {
    Endpoint local = *Endpoint::Parse(server_.is_v6() ? "::" : "0.0.0.0", 0);
    const unsigned flags = server_.is_v6() ? UV_UDP_IPV6ONLY : 0;
    for (int attempt = 0; attempt <= kPortBindAttempts; ++attempt) {
      // The last attempt lets the kernel choose, so a crowded port range still works.
      local.set_port(attempt < kPortBindAttempts ? 1024 + SecureRandomBelow(65536 - 1024) : 0);
      const int rc = uv_udp_bind(&udp_, local.sockaddr_ptr(), flags);
      if (rc == 0) return absl::OkStatus();
      if (rc != UV_EADDRINUSE && rc != UV_EACCES) return UvError("bind", rc);
    }
    return absl::UnavailableError("no free source port");
  }

  std::vector<uint8_t> BuildQuery() {
    id_ = SecureRandomU16();
    uint16_t flags = 0;
    if (question_.recursion_desired) flags |= LDNS_RD;
    if (question_.checking_disabled) flags |= LDNS_CD;
    LdnsPktPtr pkt(ldns_pkt_query_new(ldns_rdf_clone(question_.name), question_.type,
                                      question_.qclass, flags));
    ldns_pkt_set_id(pkt.get(), id_);
    if (question_.edns) {
      ldns_pkt_set_edns_udp_size(pkt.get(), owner_->options_.edns_buffer_size);
      ldns_pkt_set_edns_do(pkt.get(), question_.dnssec_ok);
    }
    return PacketToWire(*pkt);
  }

  // RFC 5452 9.1: accept only a reply to this exact question with the ID we chose.
  bool Matches(const ldns_pkt& reply) const {
    if (ldns_pkt_id(&reply) != id_ || !ldns_pkt_qr(&reply)) return false;
    if (ldns_pkt_qdcount(&reply) != 1) return false;
    const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(&reply), 0);
    return q != nullptr && ldns_rr_get_type(q) == question_.type &&
           ldns_rr_get_class(q) == question_.qclass &&
           ldns_dname_compare(ldns_rr_owner(q), question_.name) == 0;
  }

  // 0x20: the name as sent, byte for byte (Matches compares without case).
  bool EchoesCase(const ldns_pkt& reply) const {
    const ldns_rdf* echoed = ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(&reply), 0));
    return ldns_rdf_size(echoed) == ldns_rdf_size(question_.name) &&
           std::memcmp(ldns_rdf_data(echoed), ldns_rdf_data(question_.name),
                       ldns_rdf_size(echoed)) == 0;
  }

  // Flips the case of each letter of a wire-format name at random.
  static void RandomizeCase(ldns_rdf* name) {
    uint8_t* data = ldns_rdf_data(name);
    const size_t size = ldns_rdf_size(name);
    uint16_t bits = 0;
    int bits_left = 0;
    for (size_t label = 0; label < size && data[label] != 0; label += data[label] + 1) {
      for (size_t i = label + 1; i <= label + data[label] && i < size; ++i) {
        if (!std::isalpha(data[i])) continue;
        if (bits_left == 0) {
          bits = SecureRandomU16();
          bits_left = 16;
        }
        data[i] = (bits & 1) ? std::toupper(data[i]) : std::tolower(data[i]);
        bits >>= 1;
        --bits_left;
      }
    }
  }

  void OnUdpReply(const uint8_t* data, size_t size) {
    ldns_pkt* raw = nullptr;
    if (ldns_wire2pkt(&raw, data, size) != LDNS_STATUS_OK) return;  // garbage: keep waiting
    LdnsPktPtr reply(raw);
    if (!Matches(*reply)) return;  // a spoof or a stale reply: keep waiting for ours
    if (question_.randomize_case && !EchoesCase(*reply)) {
      // A spoof, or a server that does not keep the case: keep waiting, and if nothing better
      // comes say so, so the caller can ask again without 0x20.
      pending_error_ = absl::FailedPreconditionError(
          absl::StrCat(server_.ToString(), " did not echo the query name's case"));
      return;
    }
    if (ldns_pkt_tc(reply.get())) {
      StartTcp();
      return;
    }
    Finish(std::move(reply));
  }

  void StartTcp() {
    uv_udp_recv_stop(&udp_);
    StartTimer(timeout_);
    int rc = uv_tcp_init_ex(owner_->loop_, &tcp_, server_.family());
    if (rc != 0) return Finish(UvError("tcp socket", rc));
    ++open_handles_;
    tcp_open_ = true;
    rc = uv_tcp_connect(&tcp_connect_, &tcp_, server_.sockaddr_ptr(), OnTcpConnected);
    if (rc != 0) Finish(UvError("tcp connect", rc));
  }

  void OnTcpConnected() {
    std::vector<uint8_t> query = BuildQuery();  // a fresh ID for the new connection
    out_.assign({static_cast<uint8_t>(query.size() >> 8), static_cast<uint8_t>(query.size())});
    out_.insert(out_.end(), query.begin(), query.end());
    uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(out_.data()), out_.size());
    int rc = uv_write(&tcp_write_, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1, OnTcpWritten);
    if (rc == 0) rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), OnAlloc, OnTcpRead);
    if (rc != 0) Finish(UvError("tcp write", rc));
  }

  void OnTcpData(const char* data, size_t size) {
    in_.insert(in_.end(), data, data + size);
    if (in_.size() < 2) return;
    const size_t length = (size_t{in_[0]} << 8) | in_[1];
    if (in_.size() < 2 + length) return;
    ldns_pkt* raw = nullptr;
    if (ldns_wire2pkt(&raw, in_.data() + 2, length) != LDNS_STATUS_OK) {
      return Finish(absl::DataLossError("unparseable TCP reply"));
    }
    LdnsPktPtr reply(raw);
    // Over TCP nobody can inject a reply, so a mismatch means a broken server.
    if (!Matches(*reply)) return Finish(absl::DataLossError("TCP reply to another question"));
    Finish(std::move(reply));
  }

  void StartTimer(absl::Duration d) {
    uv_timer_start(&timer_, OnTimer, static_cast<uint64_t>(absl::ToInt64Milliseconds(d)), 0);
  }

  // Errors found inside Query() are reported from the loop, as the Transport contract says.
  void FailSoon(absl::Status status) {
    pending_error_ = std::move(status);
    uv_timer_start(&timer_, OnTimer, 0, 0);
  }

  void Finish(absl::StatusOr<LdnsPktPtr> result) {
    if (finished_) return;
    finished_ = true;
    owner_->exchanges_.erase(this);
    uv_timer_stop(&timer_);
    Close(reinterpret_cast<uv_handle_t*>(&timer_));
    if (udp_open_) Close(reinterpret_cast<uv_handle_t*>(&udp_));
    if (tcp_open_) Close(reinterpret_cast<uv_handle_t*>(&tcp_));
    if (cb_) std::exchange(cb_, nullptr)(std::move(result));
  }

  void Close(uv_handle_t* handle) {
    uv_close(handle, [](uv_handle_t* h) {
      auto* self = static_cast<Exchange*>(h->data);
      if (--self->open_handles_ == 0) delete self;
    });
  }

  static void OnAlloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
    auto* self = static_cast<Exchange*>(handle->data);
    *buf = uv_buf_init(self->owner_->udp_buffer_.data(), self->owner_->udp_buffer_.size());
  }
  static void OnUdpSent(uv_udp_send_t* req, int status) {
    auto* self = static_cast<Exchange*>(req->data);
    if (status < 0 && status != UV_ECANCELED) self->Finish(UvError("send", status));
  }
  static void OnUdpRead(uv_udp_t* handle, ssize_t nread, const uv_buf_t* buf, const sockaddr* addr,
                        unsigned) {
    auto* self = static_cast<Exchange*>(handle->data);
    if (nread < 0) return self->Finish(UvError("recv", static_cast<int>(nread)));
    if (nread == 0) return;  // nothing more to read now
    if (addr != nullptr && !(Endpoint::FromSockaddr(addr) == self->server_)) return;
    self->OnUdpReply(reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(nread));
  }
  static void OnTcpConnected(uv_connect_t* req, int status) {
    auto* self = static_cast<Exchange*>(req->data);
    if (status == UV_ECANCELED) return;
    if (status < 0) return self->Finish(UvError("tcp connect", status));
    self->OnTcpConnected();
  }
  static void OnTcpWritten(uv_write_t* req, int status) {
    auto* self = static_cast<Exchange*>(req->data);
    if (status < 0 && status != UV_ECANCELED) self->Finish(UvError("tcp write", status));
  }
  static void OnTcpRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<Exchange*>(stream->data);
    if (nread == UV_EOF) return self->Finish(absl::UnavailableError("tcp closed by server"));
    if (nread < 0) return self->Finish(UvError("tcp read", static_cast<int>(nread)));
    self->OnTcpData(buf->base, static_cast<size_t>(nread));
  }
  static void OnTimer(uv_timer_t* timer) {
    auto* self = static_cast<Exchange*>(timer->data);
    if (!self->pending_error_.ok()) return self->Finish(self->pending_error_);
    self->Finish(
        absl::DeadlineExceededError(absl::StrCat("no answer from ", self->server_.ToString())));
  }

  UdpTcpTransport* owner_;
  Endpoint server_;
  LdnsRdfPtr name_;
  UpstreamQuestion question_;
  absl::Duration timeout_;
  Callback cb_;
  uint16_t id_ = 0;
  std::vector<uint8_t> out_;    // the query in flight; must outlive the send request
  std::vector<uint8_t> in_;     // TCP bytes received so far
  absl::Status pending_error_;  // an error to report when the timer fires
  bool finished_ = false;
  bool udp_open_ = false;
  bool tcp_open_ = false;
  int open_handles_ = 0;
  uv_timer_t timer_;
  uv_udp_t udp_;
  uv_udp_send_t udp_send_;
  uv_tcp_t tcp_;
  uv_connect_t tcp_connect_;
  uv_write_t tcp_write_;
};

UdpTcpTransport::UdpTcpTransport(uv_loop_t* loop, UdpTcpTransportOptions options)
    : loop_(loop), options_(options) {}

UdpTcpTransport::~UdpTcpTransport() {
  // Abandon() erases from the set, so iterate over a copy.
  std::vector<Exchange*> live(exchanges_.begin(), exchanges_.end());
  for (Exchange* e : live) e->Abandon();
}

void UdpTcpTransport::Query(const Endpoint& server, const UpstreamQuestion& q,
                            absl::Duration timeout, Callback cb) {
  auto* exchange = new Exchange(this, server, q, timeout, std::move(cb));
  exchanges_.insert(exchange);
  exchange->Start();
}

}  // namespace rebound
