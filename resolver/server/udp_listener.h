// Serves DNS over UDP on one address for one worker loop.
#ifndef REBOUND_RESOLVER_SERVER_UDP_LISTENER_H_
#define REBOUND_RESOLVER_SERVER_UDP_LISTENER_H_

#include <uv.h>

#include <array>

#include "absl/status/statusor.h"
#include "resolver/core/endpoint.h"
#include "resolver/server/query_handler.h"

namespace rebound {

class UdpListener {
 public:
  // Binds `address` (SO_REUSEPORT when asked, so every worker can bind it) and starts reading.
  static absl::StatusOr<UdpListener*> Open(uv_loop_t* loop, const Endpoint& address,
                                           bool reuseport, QueryHandler* handler);
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  // Stops serving; the listener deletes itself once libuv has closed the socket. No reply may
  // be sent after this (the worker drops pending requests first).
  void Close();

 private:
  UdpListener(QueryHandler* handler) : handler_(handler) {}
  ~UdpListener() = default;
  void OnDatagram(const char* data, size_t size, const sockaddr* from);
  void Send(std::vector<uint8_t> bytes, const Endpoint& to);

  QueryHandler* handler_;
  uv_udp_t handle_;
  std::array<char, 65536> buffer_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_UDP_LISTENER_H_
