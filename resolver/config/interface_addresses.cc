#include "resolver/config/interface_addresses.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <sys/socket.h>

namespace rebound::config_internal {

std::optional<std::vector<Endpoint>> InterfaceAddresses(const std::string& name, uint16_t port) {
  if (name.empty() || if_nametoindex(name.c_str()) == 0) return std::nullopt;
  std::vector<Endpoint> addresses;
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return addresses;
  for (const ifaddrs* ifa = all; ifa != nullptr; ifa = ifa->ifa_next) {
    if (ifa->ifa_addr == nullptr || name != ifa->ifa_name) continue;
    const int family = ifa->ifa_addr->sa_family;
    if (family != AF_INET && family != AF_INET6) continue;
    Endpoint address = Endpoint::FromSockaddr(ifa->ifa_addr);
    address.set_port(port);
    addresses.push_back(address);
  }
  freeifaddrs(all);
  return addresses;
}

}  // namespace rebound::config_internal
