// Listening sockets made by hand so that SO_REUSEPORT can be set before bind: Debian's libuv
// 1.44 has no UV_UDP_REUSEPORT, and every worker thread binds its own socket to each address.
#ifndef REBOUND_RESOLVER_CORE_LISTEN_SOCKET_H_
#define REBOUND_RESOLVER_CORE_LISTEN_SOCKET_H_

#include "absl/status/statusor.h"
#include "resolver/core/endpoint.h"

namespace rebound {

// A bound, non-blocking socket (SOCK_DGRAM or SOCK_STREAM), IPV6_V6ONLY for IPv6 so that the
// IPv4 and IPv6 wildcard addresses can both be configured. The caller owns the descriptor.
absl::StatusOr<int> OpenListenSocket(const Endpoint& address, int type, bool reuseport);

// Fails when another socket, of another process, is bound to `address` for `type` already: with
// SO_REUSEPORT rebound would share the port with it, and the kernel would split the clients'
// queries between the two (a forgotten unbound, say). To be called before any of rebound's own
// sockets is bound. Other bind errors are left to OpenListenSocket to report.
absl::Status CheckNobodyListens(const Endpoint& address, int type);

// Asks for a socket buffer of `bytes` (`option` is SO_RCVBUF or SO_SNDBUF), as unbound's
// so-rcvbuf and so-sndbuf do. With CAP_NET_ADMIN the request passes over the system's cap
// (net.core.rmem_max / wmem_max, through SO_RCVBUFFORCE / SO_SNDBUFFORCE); without it the kernel
// caps it there. Returns the size granted: what getsockopt reports, halved, since Linux doubles
// the request to allow for its own bookkeeping (socket(7)).
size_t SetSocketBufferSize(int fd, int option, size_t bytes);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_LISTEN_SOCKET_H_
