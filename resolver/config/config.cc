#include "resolver/config/config.h"

namespace rebound {

std::vector<Endpoint> DefaultInterfaces(uint16_t port) {
  // Both literals are valid addresses, so Parse cannot fail here.
  return {*Endpoint::Parse("127.0.0.1", port), *Endpoint::Parse("::1", port)};
}

std::vector<AddressRange> DefaultDns64Exclude() {
  // A valid literal, so Parse cannot fail here.
  return {*AddressRange::Parse("::ffff:0:0/96")};
}

Config DefaultConfig() { return Config{}; }

}  // namespace rebound
