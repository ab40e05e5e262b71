// The zones a resolver answers itself unless told otherwise, as unbound does by default: names
// that must never reach the root (RFC 6761 6: localhost, test, invalid; RFC 7686: onion;
// RFC 8375: home.arpa) and the reverse zones of loopback, private and reserved addresses, which
// no server on the internet can answer (RFC 6303 4, the AS112 zones).
#ifndef REBOUND_RESOLVER_LOCAL_DEFAULT_LOCAL_ZONES_H_
#define REBOUND_RESOLVER_LOCAL_DEFAULT_LOCAL_ZONES_H_

#include <string>
#include <vector>

#include "resolver/local/local_zone_type.h"

namespace rebound {

struct DefaultLocalZone {
  std::string name;  // absolute, lowercase
  LocalZoneType type;
  std::vector<std::string> records;  // local-data lines, in presentation form
};

// unbound 1.17's list and contents. With unblock_lan_zones (unbound's unblock-lan-zones: yes)
// the reverse zones of private and reserved addresses are left out, so their questions go
// upstream; localhost, the loopback reverse zones and the RFC 6761/7686/8375 names stay.
std::vector<DefaultLocalZone> DefaultLocalZones(bool unblock_lan_zones);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_LOCAL_DEFAULT_LOCAL_ZONES_H_
