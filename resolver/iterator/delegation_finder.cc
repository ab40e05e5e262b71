#include "resolver/iterator/delegation_finder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "resolver/wire/names.h"

namespace rebound {

DelegationFinder::DelegationFinder(const RrsetCache* cache, const ldns_rr_list& root_hints)
    : cache_(cache),
      hints_(DelegationPoint::FromRecords(LdnsRdfPtr(ldns_dname_new_frm_str(".")).get(),
                                          &root_hints, &root_hints)) {}

absl::Status DelegationFinder::AddStubZone(const std::string& zone,
                                           const std::vector<Endpoint>& addrs,
                                           const std::vector<std::string>& hosts, bool stub_first) {
  return Add(zone, addrs, hosts, false, stub_first);
}

absl::Status DelegationFinder::AddForwardZone(const std::string& zone,
                                              const std::vector<Endpoint>& addrs,
                                              bool forward_first,
                                              const std::vector<std::string>& hosts) {
  return Add(zone, addrs, hosts, true, forward_first);
}

absl::Status DelegationFinder::Add(const std::string& zone, const std::vector<Endpoint>& addrs,
                                   const std::vector<std::string>& hosts, bool forward,
                                   bool first) {
  LdnsRdfPtr name(ldns_dname_new_frm_str(zone.c_str()));
  if (name == nullptr) return absl::InvalidArgumentError(absl::StrCat("bad zone name ", zone));
  ConfiguredZone configured{DelegationPoint(name.get()), forward, first};
  if (!addrs.empty()) {
    // Servers given by address have no name: they are filed under the zone's own name, marked
    // as looked up so the iterator never asks for that name's addresses.
    NameServer& unnamed = configured.servers.AddNameServer(name.get());
    unnamed.lookup_started = true;
    for (const Endpoint& addr : addrs) configured.servers.AddAddress(name.get(), addr);
  }
  for (const std::string& host : hosts) {
    LdnsRdfPtr host_name(ldns_dname_new_frm_str(host.c_str()));
    if (host_name == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(forward ? "forward-zone " : "stub-zone ", zone, ": bad host name ", host));
    }
    configured.servers.AddNameServer(host_name.get());
  }
  configured_.push_back(std::move(configured));
  return absl::OkStatus();
}

const DelegationFinder::ConfiguredZone* DelegationFinder::ClosestConfigured(
    const ldns_rdf* name) const {
  const ConfiguredZone* best = nullptr;
  for (const ConfiguredZone& zone : configured_) {
    if (!IsAtOrBelow(name, zone.servers.zone())) continue;
    if (best == nullptr || ldns_dname_label_count(zone.servers.zone()) >
                               ldns_dname_label_count(best->servers.zone())) {
      best = &zone;
    }
  }
  return best;
}

std::optional<DelegationFinder::Start> DelegationFinder::Find(const ldns_rdf* name,
                                                              ldns_rr_class rr_class,
                                                              bool skip_configured) const {
  const ConfiguredZone* configured = skip_configured ? nullptr : ClosestConfigured(name);
  // Below a forward zone nothing is iterated, so delegations cached there do not count.
  if (configured != nullptr && configured->forward) {
    return Start{configured->servers.Clone(), true, true, configured->first};
  }
  std::optional<DelegationPoint> cached =
      DelegationPoint::ClosestFromCache(*cache_, name, rr_class);
  if (configured != nullptr && (!cached || ldns_dname_label_count(configured->servers.zone()) >=
                                               ldns_dname_label_count(cached->zone()))) {
    return Start{configured->servers.Clone(), true, false, configured->first};
  }
  if (!cached) return std::nullopt;
  if (ldns_dname_label_count(cached->zone()) == 0) KeepHintAddresses(&*cached);
  return Start{*std::move(cached), false, false, false};
}

// The root's NS RRset from priming (RFC 8109 4.1) may come without the servers' addresses, or
// they may expire before it does: the hints' addresses still reach the root servers they name,
// and when no cached root server has an address at all, the hints' servers join the delegation.
// Without this the root would be asked for the addresses of its own servers, and nothing
// would be reachable.
void DelegationFinder::KeepHintAddresses(DelegationPoint* root) const {
  bool any_address = false;
  for (NameServer& server : root->servers()) {
    if (server.addresses.empty()) {
      if (const NameServer* hinted = FindHint(server.name.get())) {
        for (const Endpoint& address : hinted->addresses) {
          root->AddAddress(server.name.get(), address);
        }
      }
    }
    any_address = any_address || !server.addresses.empty();
  }
  if (any_address) return;
  for (const NameServer& hinted : hints_.servers()) {
    root->AddNameServer(hinted.name.get());
    for (const Endpoint& address : hinted.addresses) root->AddAddress(hinted.name.get(), address);
  }
}

const NameServer* DelegationFinder::FindHint(const ldns_rdf* name) const {
  for (const NameServer& hinted : hints_.servers()) {
    if (ldns_dname_compare(hinted.name.get(), name) == 0) return &hinted;
  }
  return nullptr;
}

}  // namespace rebound
