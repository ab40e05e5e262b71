#include "resolver/server/udp_listener.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "resolver/core/callback_guard.h"
#include "resolver/core/listen_socket.h"
#include "resolver/core/log.h"

namespace rebound {
namespace {

// Responses waiting for the socket to take them; beyond this they are dropped, as the kernel
// would drop queries at a full receive buffer.
constexpr size_t kMaxBacklog = 4096;
// Batches taken per wakeup before the loop gets to run timers and upstream replies.
constexpr int kMaxBatchesPerWakeup = 8;

// The socket's buffer is full for now: try again when it is writable.
bool TransientSendError(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS; }

// Asks for a buffer of `bytes`, and says so when the kernel grants less.
void SetBufferSize(int fd, int option, const char* name, size_t bytes) {
  if (bytes == 0) return;
  const size_t granted = SetSocketBufferSize(fd, option, bytes);
  if (granted >= bytes) return;
  // Every worker's socket gets the same answer: one warning per option is enough.
  static std::atomic<bool> warned[2];
  if (warned[option == SO_RCVBUF ? 0 : 1].exchange(true)) return;
  Log(LogLevel::kError, "warning: %s %d: the kernel granted %d; raise %s or run as root", name,
      bytes, granted, option == SO_RCVBUF ? "net.core.rmem_max" : "net.core.wmem_max");
}

void LogSendError(int err) {
  static RateLimiter limiter;
  if (limiter.Allow()) Log(LogLevel::kDetail, "udp send: %s", std::strerror(err));
}

}  // namespace

absl::StatusOr<UdpListener*> UdpListener::Open(uv_loop_t* loop, const Endpoint& address,
                                               bool reuseport, QueryHandler* handler,
                                               size_t max_response_size, UdpBufferSizes buffers) {
  absl::StatusOr<int> fd = OpenListenSocket(address, SOCK_DGRAM, reuseport);
  if (!fd.ok()) return fd.status();
  SetBufferSize(*fd, SO_RCVBUF, "so-rcvbuf", buffers.receive);
  SetBufferSize(*fd, SO_SNDBUF, "so-sndbuf", buffers.send);
  auto* listener = new UdpListener(handler, *fd, max_response_size);
  listener->interface_ = address;
  int rc = uv_poll_init_socket(loop, &listener->poll_, *fd);
  if (rc != 0) {
    close(*fd);
    delete listener;  // no handle was initialized: nothing for libuv to close
    return absl::InternalError(absl::StrCat("udp ", address.ToString(), ": ", uv_strerror(rc)));
  }
  uv_prepare_init(loop, &listener->flush_before_poll_);  // cannot fail
  listener->open_handles_ = 2;
  listener->poll_.data = listener->flush_before_poll_.data = listener;
  rc = uv_poll_start(&listener->poll_, UV_READABLE, &UdpListener::PollCallback);
  if (rc != 0) {
    listener->Close();
    return absl::InternalError(absl::StrCat("udp ", address.ToString(), ": ", uv_strerror(rc)));
  }
  return listener;
}

UdpListener::UdpListener(QueryHandler* handler, int fd, size_t max_response_size)
    : handler_(handler),
      fd_(fd),
      response_slot_size_(std::max(max_response_size, QueryHandler::kMinOutSize)),
      query_buffers_(new uint8_t[kBatch * kMaxQuerySize]),
      response_buffers_(new uint8_t[kBatch * response_slot_size_]) {
  for (int i = 0; i < kBatch; ++i) {
    query_iovs_[i] = {query_buffers_.get() + i * kMaxQuerySize, kMaxQuerySize};
    queries_[i].msg_hdr.msg_iov = &query_iovs_[i];
    queries_[i].msg_hdr.msg_iovlen = 1;
    queries_[i].msg_hdr.msg_name = &query_peers_[i];
    response_iovs_[i] = {response_buffers_.get() + i * response_slot_size_, 0};
    responses_[i].msg_hdr.msg_iov = &response_iovs_[i];
    responses_[i].msg_hdr.msg_iovlen = 1;
    responses_[i].msg_hdr.msg_name = &response_peers_[i];
  }
}

void UdpListener::Close() {
  auto on_closed = [](uv_handle_t* h) {
    auto* self = static_cast<UdpListener*>(h->data);
    if (--self->open_handles_ > 0) return;
    close(self->fd_);  // uv_poll_t watches the descriptor but does not own it
    delete self;
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&flush_before_poll_), on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_), on_closed);
}

Endpoint UdpListener::local_address() const {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
  return Endpoint::FromSockaddr(reinterpret_cast<const sockaddr*>(&address));
}

void UdpListener::PollCallback(uv_poll_t* handle, int status, int events) {
  GuardCallback("udp listener poll",
                [&] { static_cast<UdpListener*>(handle->data)->OnPoll(status, events); });
}

void UdpListener::OnPoll(int status, int events) {
  if (status < 0) {
    static RateLimiter limiter;
    if (limiter.Allow()) Log(LogLevel::kDetail, "udp poll: %s", uv_strerror(status));
    return;
  }
  if ((events & UV_WRITABLE) != 0) DrainBacklog();
  if ((events & UV_READABLE) != 0) {
    for (int round = 0; round < kMaxBatchesPerWakeup; ++round) {
      if (ReceiveBatch() < kBatch) break;  // the socket is empty
    }
  }
}

int UdpListener::ReceiveBatch() {
  for (mmsghdr& m : queries_) m.msg_hdr.msg_namelen = sizeof(sockaddr_storage);
  const int n = recvmmsg(fd_, queries_.data(), kBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) {
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      static RateLimiter limiter;
      if (limiter.Allow()) Log(LogLevel::kDetail, "udp receive: %s", std::strerror(errno));
    }
    return 0;
  }
  in_batch_ = true;
  for (int i = 0; i < n; ++i) {
    const msghdr& header = queries_[i].msg_hdr;
    const auto* from = reinterpret_cast<const sockaddr*>(&query_peers_[i]);
    const ClientInfo client{Endpoint::FromSockaddr(from), /*tcp=*/false, interface_};
    const std::span<const uint8_t> packet(query_buffers_.get() + i * kMaxQuerySize,
                                          std::min<size_t>(queries_[i].msg_len, kMaxQuerySize));
    // Synchronous replies to other requests may have filled the batch.
    if (responses_ready_ == kBatch) Flush();
    const std::span<uint8_t> out = NextResponseSlot();
    QueryHandler::Handled handled;
    if ((header.msg_flags & MSG_TRUNC) != 0) {
      handled = handler_->HandleOversized(packet, client, out);
    } else {
      handled = handler_->Handle(packet, client, out, [this, &client] {
        return QueryHandler::Reply([this, to = client.address](std::vector<uint8_t> bytes) {
          Send(std::move(bytes), to);
        });
      });
    }
    if (handled.outcome == QueryHandler::Outcome::kAnswered) {
      CommitResponse(from, header.msg_namelen, handled.size);
    }
  }
  in_batch_ = false;
  Flush();
  return n;
}

std::span<uint8_t> UdpListener::NextResponseSlot() {
  if (responses_ready_ == kBatch) return {};
  return std::span(response_buffers_.get() + responses_ready_ * response_slot_size_,
                   response_slot_size_);
}

void UdpListener::CommitResponse(const sockaddr* to, socklen_t to_len, size_t size) {
  const int slot = responses_ready_++;
  std::memcpy(&response_peers_[slot], to, std::min<size_t>(to_len, sizeof(sockaddr_storage)));
  responses_[slot].msg_hdr.msg_namelen = to_len;
  response_iovs_[slot].iov_len = size;
}

void UdpListener::Flush() {
  int sent = 0;
  while (sent < responses_ready_) {
    const int rc = sendmmsg(fd_, responses_.data() + sent, responses_ready_ - sent, MSG_DONTWAIT);
    if (rc > 0) {
      sent += rc;
      continue;
    }
    const int err = errno;
    if (err == EINTR) continue;
    if (TransientSendError(err)) {
      for (int i = sent; i < responses_ready_; ++i) {
        const auto* base = static_cast<const uint8_t*>(response_iovs_[i].iov_base);
        AddToBacklog(Endpoint::FromSockaddr(reinterpret_cast<const sockaddr*>(&response_peers_[i])),
                     std::vector<uint8_t>(base, base + response_iovs_[i].iov_len));
      }
      break;
    }
    // This one datagram cannot go (its destination is unusable): skip it, send the rest.
    LogSendError(err);
    ++sent;
  }
  responses_ready_ = 0;
  if (flush_armed_) {
    uv_prepare_stop(&flush_before_poll_);
    flush_armed_ = false;
  }
  UpdatePolling();
}

void UdpListener::Send(std::vector<uint8_t> bytes, const Endpoint& to) {
  if (bytes.size() > response_slot_size_) return SendNow(std::move(bytes), to);
  if (responses_ready_ == kBatch) Flush();
  std::memcpy(NextResponseSlot().data(), bytes.data(), bytes.size());
  CommitResponse(to.sockaddr_ptr(), to.sockaddr_len(), bytes.size());
  // Inside ReceiveBatch the batch's own Flush sends it; otherwise the prepare phase does.
  if (!in_batch_ && !flush_armed_) {
    flush_armed_ = true;
    uv_prepare_start(&flush_before_poll_, [](uv_prepare_t* h) {
      GuardCallback("udp listener flush", [h] { static_cast<UdpListener*>(h->data)->Flush(); });
    });
  }
}

void UdpListener::SendNow(std::vector<uint8_t> bytes, const Endpoint& to) {
  if (backlog_.empty()) {
    const ssize_t rc =
        sendto(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT, to.sockaddr_ptr(), to.sockaddr_len());
    if (rc >= 0) return;
    if (!TransientSendError(errno)) return LogSendError(errno);
  }
  AddToBacklog(to, std::move(bytes));
  UpdatePolling();
}

void UdpListener::AddToBacklog(Endpoint to, std::vector<uint8_t> bytes) {
  if (backlog_.size() >= kMaxBacklog) {
    static RateLimiter limiter;
    if (limiter.Allow()) Log(LogLevel::kOps, "udp send backlog full: dropping responses");
    return;
  }
  backlog_.push_back({std::move(to), std::move(bytes)});
}

void UdpListener::DrainBacklog() {
  while (!backlog_.empty()) {
    const Backlogged& next = backlog_.front();
    const ssize_t rc = sendto(fd_, next.bytes.data(), next.bytes.size(), MSG_DONTWAIT,
                              next.to.sockaddr_ptr(), next.to.sockaddr_len());
    if (rc < 0 && TransientSendError(errno)) break;
    if (rc < 0) LogSendError(errno);
    backlog_.pop_front();
  }
  UpdatePolling();
}

void UdpListener::UpdatePolling() {
  const bool want_writable = !backlog_.empty();
  if (want_writable == want_writable_) return;
  want_writable_ = want_writable;
  uv_poll_start(&poll_, UV_READABLE | (want_writable ? UV_WRITABLE : 0),
                &UdpListener::PollCallback);
}

}  // namespace rebound
