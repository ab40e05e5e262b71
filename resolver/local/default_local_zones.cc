#include "resolver/local/default_local_zones.h"

#include "absl/strings/str_cat.h"

namespace rebound {
namespace {

// Every default zone names itself as its own server at localhost, with a negative TTL of three
// hours (RFC 6303 3 asks for SOA and NS records in such zones).
DefaultLocalZone Empty(std::string name, LocalZoneType type = LocalZoneType::kStatic) {
  DefaultLocalZone zone{std::move(name), type, {}};
  zone.records.push_back(absl::StrCat(zone.name, " 10800 IN NS localhost."));
  zone.records.push_back(
      absl::StrCat(zone.name, " 10800 IN SOA localhost. nobody.invalid. 1 3600 1200 604800 10800"));
  return zone;
}

// ::1 reverse (RFC 6303 4.3) and :: reverse (4.2): 31 zero nibbles after the first.
std::string Ipv6ReverseZone(char last_nibble) {
  std::string name(1, last_nibble);
  for (int i = 0; i < 31; ++i) name += ".0";
  return absl::StrCat(name, ".ip6.arpa.");
}

void AddReverseLanZones(std::vector<DefaultLocalZone>& zones) {
  // RFC 1918 private use (RFC 6303 4.1).
  zones.push_back(Empty("10.in-addr.arpa."));
  for (int octet = 16; octet <= 31; ++octet) {
    zones.push_back(Empty(absl::StrCat(octet, ".172.in-addr.arpa.")));
  }
  zones.push_back(Empty("168.192.in-addr.arpa."));
  // "This" network, shared address space (RFC 6598 7), link local, the documentation
  // networks and broadcast (RFC 6303 4.2).
  zones.push_back(Empty("0.in-addr.arpa."));
  for (int octet = 64; octet <= 127; ++octet) {
    zones.push_back(Empty(absl::StrCat(octet, ".100.in-addr.arpa.")));
  }
  zones.push_back(Empty("254.169.in-addr.arpa."));
  zones.push_back(Empty("2.0.192.in-addr.arpa."));
  zones.push_back(Empty("100.51.198.in-addr.arpa."));
  zones.push_back(Empty("113.0.203.in-addr.arpa."));
  zones.push_back(Empty("255.255.255.255.in-addr.arpa."));
  // IPv6: unspecified, unique local (RFC 4193), link local, documentation (RFC 3849).
  zones.push_back(Empty(Ipv6ReverseZone('0')));
  zones.push_back(Empty("d.f.ip6.arpa."));
  for (const char* nibble : {"8", "9", "a", "b"}) {
    zones.push_back(Empty(absl::StrCat(nibble, ".e.f.ip6.arpa.")));
  }
  zones.push_back(Empty("8.b.d.0.1.0.0.2.ip6.arpa."));
}

}  // namespace

std::vector<DefaultLocalZone> DefaultLocalZones(bool unblock_lan_zones) {
  std::vector<DefaultLocalZone> zones;
  // RFC 6761 6.3: localhost and every name below it is the loopback address.
  DefaultLocalZone localhost = Empty("localhost.", LocalZoneType::kRedirect);
  localhost.records.push_back("localhost. 10800 IN A 127.0.0.1");
  localhost.records.push_back("localhost. 10800 IN AAAA ::1");
  zones.push_back(std::move(localhost));

  DefaultLocalZone loopback4 = Empty("127.in-addr.arpa.");
  loopback4.records.push_back("1.0.0.127.in-addr.arpa. 10800 IN PTR localhost.");
  zones.push_back(std::move(loopback4));
  DefaultLocalZone loopback6 = Empty(Ipv6ReverseZone('1'));
  loopback6.records.push_back(absl::StrCat(loopback6.name, " 10800 IN PTR localhost."));
  zones.push_back(std::move(loopback6));

  for (const char* name : {"home.arpa.", "onion.", "test.", "invalid."}) {
    zones.push_back(Empty(name));
  }
  if (!unblock_lan_zones) AddReverseLanZones(zones);
  return zones;
}

}  // namespace rebound
