// Serves DNS over UDP on one address for one worker loop, in batches: one recvmmsg takes every
// query waiting on the socket (up to kBatch), and the responses ready at once (packet cache
// hits, errors, answers the pipeline finished synchronously) leave in one sendmmsg. Answers the
// pipeline finishes later (upstream replies) are gathered over one turn of the loop and leave
// together just before it next waits for I/O. libuv 1.44 can receive in batches
// (UV_UDP_RECVMMSG) but sends one datagram per call, so the listener polls the socket itself
// (uv_poll_t) and makes the system calls.
#ifndef REBOUND_RESOLVER_SERVER_UDP_LISTENER_H_
#define REBOUND_RESOLVER_SERVER_UDP_LISTENER_H_

#include <sys/socket.h>
#include <uv.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "resolver/core/endpoint.h"
#include "resolver/server/query_handler.h"

namespace rebound {

// A UDP listening socket's buffer sizes (so-rcvbuf, so-sndbuf); 0 leaves the system's default.
struct UdpBufferSizes {
  size_t receive = 0;
  size_t send = 0;
};

class UdpListener {
 public:
  // Datagrams taken per recvmmsg, and responses per sendmmsg.
  static constexpr int kBatch = 32;
  // The largest query read whole; a longer datagram is answered FORMERR. Queries are a question
  // and an OPT, far below this; the limit keeps each receive slot to one page.
  static constexpr size_t kMaxQuerySize = 4096;

  // Binds `address` (SO_REUSEPORT when asked, so every worker can bind it) and starts reading.
  // `max_response_size` is the largest response ever sent over UDP: the larger of 512 and
  // edns-buffer-size (RFC 6891 6.2.5). A buffer size the kernel grants only in part is logged,
  // not an error, as in unbound.
  static absl::StatusOr<UdpListener*> Open(uv_loop_t* loop, const Endpoint& address, bool reuseport,
                                           QueryHandler* handler, size_t max_response_size,
                                           UdpBufferSizes buffers = {});
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  // Stops serving; the listener deletes itself once libuv has closed its handles. No reply may
  // be sent after this (the worker drops pending requests first).
  void Close();

  // The address the socket is bound to (with the port the kernel chose, for port 0).
  Endpoint local_address() const;

 private:
  // A response that could not be sent at once (the socket's send buffer was full); sent when
  // the socket is writable again.
  struct Backlogged {
    Endpoint to;
    std::vector<uint8_t> bytes;
  };

  UdpListener(QueryHandler* handler, int fd, size_t max_response_size);
  ~UdpListener() = default;

  static void PollCallback(uv_poll_t* handle, int status, int events);
  void OnPoll(int status, int events);
  // One recvmmsg and the handling of what it brought; returns the number of datagrams.
  int ReceiveBatch();
  // Room for the next response of the batch; empty when the batch is full.
  std::span<uint8_t> NextResponseSlot();
  // Adds the response written to NextResponseSlot() (`size` bytes, for `to`) to the batch.
  void CommitResponse(const sockaddr* to, socklen_t to_len, size_t size);
  // Sends the batch with sendmmsg; what the socket does not take goes to the backlog.
  void Flush();
  // A response the pipeline finished: joins the batch, which leaves at the end of the query
  // batch being handled, or else before the loop next waits for I/O (flush_before_poll_).
  void Send(std::vector<uint8_t> bytes, const Endpoint& to);
  void SendNow(std::vector<uint8_t> bytes, const Endpoint& to);
  void AddToBacklog(Endpoint to, std::vector<uint8_t> bytes);
  void DrainBacklog();
  void UpdatePolling();

  QueryHandler* handler_;
  Endpoint interface_;  // as configured: what interface-action rules name
  int fd_;
  uv_poll_t poll_;
  // Runs Flush() in the loop's prepare phase, which comes before every wait for I/O: whatever
  // callback (socket, timer) queued a response, it leaves before the loop can block.
  uv_prepare_t flush_before_poll_;
  bool flush_armed_ = false;
  int open_handles_ = 0;
  const size_t response_slot_size_;
  bool in_batch_ = false;
  bool want_writable_ = false;

  // Receive side: kBatch slots of kMaxQuerySize bytes, left uninitialized so that only the
  // pages datagrams land in are ever touched.
  std::unique_ptr<uint8_t[]> query_buffers_;
  std::array<mmsghdr, kBatch> queries_{};
  std::array<iovec, kBatch> query_iovs_{};
  std::array<sockaddr_storage, kBatch> query_peers_{};

  // Send side: the responses of the current batch.
  std::unique_ptr<uint8_t[]> response_buffers_;
  std::array<mmsghdr, kBatch> responses_{};
  std::array<iovec, kBatch> response_iovs_{};
  std::array<sockaddr_storage, kBatch> response_peers_{};
  int responses_ready_ = 0;

  std::deque<Backlogged> backlog_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_UDP_LISTENER_H_
