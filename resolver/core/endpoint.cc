#include "resolver/core/endpoint.h"

#include <arpa/inet.h>
#include <net/if.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rebound {

Endpoint Endpoint::FromSockaddr(const sockaddr* sa) {
  Endpoint e;
  if (sa->sa_family == AF_INET) {
    std::memcpy(&e.addr_, sa, sizeof(sockaddr_in));
  } else if (sa->sa_family == AF_INET6) {
    std::memcpy(&e.addr_, sa, sizeof(sockaddr_in6));
  }
  return e;
}

absl::StatusOr<Endpoint> Endpoint::Parse(absl::string_view text, uint16_t default_port) {
  absl::string_view host = text;
  uint16_t port = default_port;
  if (size_t at = text.rfind('@'); at != absl::string_view::npos) {
    host = text.substr(0, at);
    uint32_t p = 0;
    if (!absl::SimpleAtoi(text.substr(at + 1), &p) || p == 0 || p > 65535) {
      return absl::InvalidArgumentError(absl::StrCat("bad port in '", text, "'"));
    }
    port = static_cast<uint16_t>(p);
  }
  std::string host_str(host);
  uint32_t scope = 0;
  if (size_t pct = host_str.find('%'); pct != std::string::npos) {
    scope = if_nametoindex(host_str.c_str() + pct + 1);
    if (scope == 0) {
      return absl::InvalidArgumentError(absl::StrCat("unknown interface in '", text, "'"));
    }
    host_str.resize(pct);
  }
  Endpoint e;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&e.addr_);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&e.addr_);
  if (inet_pton(AF_INET, host_str.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else if (inet_pton(AF_INET6, host_str.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_scope_id = scope;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("not an IP address: '", host, "'"));
  }
  e.set_port(port);
  return e;
}

uint16_t Endpoint::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&addr_)->sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr_)->sin6_port);
  return 0;
}

void Endpoint::set_port(uint16_t port) {
  if (family() == AF_INET) reinterpret_cast<sockaddr_in*>(&addr_)->sin_port = htons(port);
  if (family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&addr_)->sin6_port = htons(port);
}

std::array<uint8_t, 16> Endpoint::AddressBytes() const {
  std::array<uint8_t, 16> bytes{};
  if (family() == AF_INET6) {
    std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in6*>(&addr_)->sin6_addr, 16);
  } else if (family() == AF_INET) {
    bytes[10] = bytes[11] = 0xff;
    std::memcpy(bytes.data() + 12, &reinterpret_cast<const sockaddr_in*>(&addr_)->sin_addr, 4);
  }
  return bytes;
}

socklen_t Endpoint::sockaddr_len() const {
  return family() == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

std::string Endpoint::AddressString() const {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr_)->sin_addr, buf, sizeof buf);
  } else if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr_)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

bool Endpoint::IsLoopback() const {
  if (family() == AF_INET) {
    return (ntohl(reinterpret_cast<const sockaddr_in*>(&addr_)->sin_addr.s_addr) >> 24) == 127;
  }
  if (family() != AF_INET6) return false;
  const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(&addr_)->sin6_addr;
  return IN6_IS_ADDR_LOOPBACK(&a) || (IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127);
}

std::string Endpoint::ToString() const { return absl::StrCat(AddressString(), "@", port()); }

bool Endpoint::operator==(const Endpoint& other) const {
  if (family() != other.family() || port() != other.port()) return false;
  if (family() == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(&addr_)->sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in*>(&other.addr_)->sin_addr.s_addr;
  }
  if (family() == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(&addr_)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(&other.addr_)->sin6_addr,
                       sizeof(in6_addr)) == 0;
  }
  return true;
}

}  // namespace rebound
