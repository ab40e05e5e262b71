#include "resolver/iterator/delegation_finder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "resolver/wire/names.h"

namespace rebound {

DelegationFinder::DelegationFinder(const RrsetCache* cache, const ldns_rr_list& root_hints)
    : cache_(cache),
      hints_(DelegationPoint::FromRecords(LdnsRdfPtr(ldns_dname_new_frm_str(".")).get(),
                                          &root_hints, &root_hints)) {
  configured_.Reset(std::make_unique<const ConfiguredZones>());
}

absl::Status DelegationFinder::AddStubZone(const std::string& zone,
                                           const std::vector<Endpoint>& addrs,
                                           const std::vector<std::string>& hosts, bool stub_first) {
  return Add(ConfiguredDelegation{
      .name = zone, .forward = false, .first = stub_first, .addrs = addrs, .hosts = hosts});
}

absl::Status DelegationFinder::AddForwardZone(const std::string& zone,
                                              const std::vector<Endpoint>& addrs,
                                              bool forward_first,
                                              const std::vector<std::string>& hosts) {
  return Add(ConfiguredDelegation{
      .name = zone, .forward = true, .first = forward_first, .addrs = addrs, .hosts = hosts});
}

DelegationFinder::ConfiguredZones DelegationFinder::CloneZones(const ConfiguredZones& zones) {
  ConfiguredZones copy;
  for (const ConfiguredZone& zone : zones) {
    copy.push_back({zone.servers.Clone(), zone.forward, zone.first, zone.given});
  }
  return copy;
}

absl::Status DelegationFinder::Add(const ConfiguredDelegation& given) {
  const std::string& zone = given.name;
  const std::vector<Endpoint>& addrs = given.addrs;
  const std::vector<std::string>& hosts = given.hosts;
  const bool forward = given.forward;
  LdnsRdfPtr name(ldns_dname_new_frm_str(zone.c_str()));
  if (name == nullptr) return absl::InvalidArgumentError(absl::StrCat("bad zone name ", zone));
  ConfiguredZone configured{DelegationPoint(name.get()), forward, given.first, given};
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
  auto next = std::make_unique<ConfiguredZones>(CloneZones(*configured_.Get()));
  std::erase_if(*next, [&](const ConfiguredZone& z) {
    return ldns_dname_compare(z.servers.zone(), name.get()) == 0;
  });
  next->push_back(std::move(configured));
  configured_.Publish(std::move(next));
  return absl::OkStatus();
}

bool DelegationFinder::Remove(const ldns_rdf* name, bool forward) {
  auto next = std::make_unique<ConfiguredZones>(CloneZones(*configured_.Get()));
  const size_t removed = std::erase_if(*next, [&](const ConfiguredZone& z) {
    return z.forward == forward && ldns_dname_compare(z.servers.zone(), name) == 0;
  });
  if (removed == 0) return false;
  configured_.Publish(std::move(next));
  return true;
}

std::vector<ConfiguredDelegation> DelegationFinder::Configured() const {
  std::vector<ConfiguredDelegation> out;
  for (const ConfiguredZone& zone : *configured_.Get()) out.push_back(zone.given);
  return out;
}

const DelegationFinder::ConfiguredZone* DelegationFinder::ClosestConfigured(
    const ldns_rdf* name) const {
  const ConfiguredZone* best = nullptr;
  // One load: the list in force when the lookup starts.
  for (const ConfiguredZone& zone : *configured_.Get()) {
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
