// The addresses of a network interface by name, for unbound's "interface: eth0" (issue 16).
#ifndef REBOUND_RESOLVER_CONFIG_INTERFACE_ADDRESSES_H_
#define REBOUND_RESOLVER_CONFIG_INTERFACE_ADDRESSES_H_

#include <optional>
#include <string>
#include <vector>

#include "resolver/core/endpoint.h"

namespace rebound::config_internal {

// Every IPv4 and IPv6 address the interface named `name` has now, with `port` (link-local IPv6
// with its scope), as unbound takes an interface name; nullopt when no interface has that name.
// An interface that exists but has no address gives an empty list.
std::optional<std::vector<Endpoint>> InterfaceAddresses(const std::string& name, uint16_t port);

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_INTERFACE_ADDRESSES_H_
