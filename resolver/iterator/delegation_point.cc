#include "resolver/iterator/delegation_point.h"

#include <arpa/inet.h>

#include <cstring>

namespace rebound {
namespace {

// `v4` in host order.
bool MayBeServerAddressV4(uint32_t v4) {
  const uint32_t first_octet = v4 >> 24;
  return first_octet != 0 && first_octet < 224;
}

}  // namespace

bool MayBeServerAddress(const Endpoint& address) {
  if (address.family() == AF_INET) {
    return MayBeServerAddressV4(
        ntohl(reinterpret_cast<const sockaddr_in*>(address.sockaddr_ptr())->sin_addr.s_addr));
  }
  if (address.family() != AF_INET6) return false;
  const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(address.sockaddr_ptr())->sin6_addr;
  if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_MULTICAST(&a)) return false;
  if (IN6_IS_ADDR_V4MAPPED(&a)) {
    uint32_t v4;
    std::memcpy(&v4, &a.s6_addr[12], sizeof v4);
    return MayBeServerAddressV4(ntohl(v4));
  }
  return true;
}

std::optional<Endpoint> AddressOfRecord(const ldns_rr* rr) {
  const ldns_rr_type type = ldns_rr_get_type(rr);
  if ((type != LDNS_RR_TYPE_A && type != LDNS_RR_TYPE_AAAA) || ldns_rr_rd_count(rr) != 1) {
    return std::nullopt;
  }
  const ldns_rdf* rdf = ldns_rr_rdf(rr, 0);
  sockaddr_storage ss{};
  if (type == LDNS_RR_TYPE_A && ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_A &&
      ldns_rdf_size(rdf) == 4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(53);
    std::memcpy(&sin->sin_addr, ldns_rdf_data(rdf), 4);
  } else if (type == LDNS_RR_TYPE_AAAA && ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_AAAA &&
             ldns_rdf_size(rdf) == 16) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(53);
    std::memcpy(&sin6->sin6_addr, ldns_rdf_data(rdf), 16);
  } else {
    return std::nullopt;
  }
  return Endpoint::FromSockaddr(reinterpret_cast<const sockaddr*>(&ss));
}

DelegationPoint::DelegationPoint(const ldns_rdf* zone) : zone_(ldns_rdf_clone(zone)) {
  ldns_dname2canonical(zone_.get());
}

DelegationPoint DelegationPoint::FromRecords(const ldns_rdf* zone, const ldns_rr_list* ns_rrset,
                                             const ldns_rr_list* addresses) {
  DelegationPoint dp(zone);
  for (size_t i = 0; i < ldns_rr_list_rr_count(ns_rrset); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(ns_rrset, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS || ldns_rr_rd_count(rr) != 1) continue;
    const ldns_rdf* target = ldns_rr_rdf(rr, 0);
    if (ldns_rdf_get_type(target) == LDNS_RDF_TYPE_DNAME) dp.AddNameServer(target);
  }
  if (addresses != nullptr) dp.AddAddressRecords(addresses);
  return dp;
}

std::optional<DelegationPoint> DelegationPoint::ClosestFromCache(const RrsetCache& cache,
                                                                 const ldns_rdf* name,
                                                                 ldns_rr_class rr_class) {
  LdnsRdfPtr zone(ldns_rdf_clone(name));
  while (true) {
    if (LdnsRrListPtr ns = cache.Lookup(zone.get(), LDNS_RR_TYPE_NS, rr_class)) {
      DelegationPoint dp = FromRecords(zone.get(), ns.get(), nullptr);
      for (NameServer& server : dp.servers_) {
        for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
          if (LdnsRrListPtr addrs = cache.Lookup(server.name.get(), type, rr_class)) {
            dp.AddAddressRecords(addrs.get());
          }
        }
      }
      if (!dp.servers_.empty()) return dp;
    }
    if (ldns_dname_label_count(zone.get()) == 0) return std::nullopt;
    zone.reset(ldns_dname_left_chop(zone.get()));
    if (zone == nullptr) return std::nullopt;
  }
}

DelegationPoint DelegationPoint::Clone() const {
  DelegationPoint copy(zone_.get());
  for (const NameServer& server : servers_) {
    NameServer& added = copy.AddNameServer(server.name.get());
    added.addresses = server.addresses;
    added.lookup_started = server.lookup_started;
  }
  return copy;
}

NameServer* DelegationPoint::Find(const ldns_rdf* ns_name) {
  for (NameServer& server : servers_) {
    if (ldns_dname_compare(server.name.get(), ns_name) == 0) return &server;
  }
  return nullptr;
}

NameServer& DelegationPoint::AddNameServer(const ldns_rdf* name) {
  if (NameServer* existing = Find(name)) return *existing;
  NameServer server;
  server.name.reset(ldns_rdf_clone(name));
  ldns_dname2canonical(server.name.get());
  servers_.push_back(std::move(server));
  return servers_.back();
}

void DelegationPoint::AddAddress(const ldns_rdf* ns_name, const Endpoint& address) {
  NameServer* server = Find(ns_name);
  if (server == nullptr) return;
  for (const Endpoint& known : server->addresses) {
    if (known == address) return;
  }
  server->addresses.push_back(address);
}

void DelegationPoint::AddAddressRecords(const ldns_rr_list* records) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records, i);
    if (std::optional<Endpoint> address = AddressOfRecord(rr)) {
      AddAddress(ldns_rr_owner(rr), *address);
    }
  }
}

}  // namespace rebound
