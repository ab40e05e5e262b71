// A socket address (IPv4 or IPv6 plus port), parsed from unbound's "addr[@port]" notation.
#ifndef REBOUND_RESOLVER_CORE_ENDPOINT_H_
#define REBOUND_RESOLVER_CORE_ENDPOINT_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rebound {

class Endpoint {
 public:
  Endpoint() = default;
  // Copies a kernel address; only AF_INET and AF_INET6 are meaningful.
  static Endpoint FromSockaddr(const sockaddr* sa);
  // "192.0.2.1", "192.0.2.1@5353", "2001:db8::1", "2001:db8::1@5353"; the port defaults to
  // default_port. A scope id ("fe80::1%eth0") is accepted for link-local IPv6.
  static absl::StatusOr<Endpoint> Parse(absl::string_view text, uint16_t default_port);

  int family() const { return addr_.ss_family; }
  bool is_v6() const { return family() == AF_INET6; }
  uint16_t port() const;
  void set_port(uint16_t port);
  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&addr_); }
  socklen_t sockaddr_len() const;
  // "192.0.2.1@53" / "2001:db8::1@53", the same notation Parse reads.
  std::string ToString() const;
  // Address only, without the port.
  std::string AddressString() const;

  // 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104.
  bool IsLoopback() const;
  // The address without the port, as 16 bytes (IPv4 in its IPv4-mapped IPv6 form): one key for
  // one host, whatever port it sent from.
  std::array<uint8_t, 16> AddressBytes() const;

  // Same family, address and port.
  bool operator==(const Endpoint& other) const;

 private:
  sockaddr_storage addr_{};
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_ENDPOINT_H_
