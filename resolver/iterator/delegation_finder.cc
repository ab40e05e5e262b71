#include "resolver/iterator/delegation_finder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "resolver/wire/names.h"

namespace rebound {
namespace {}  // namespace

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
                                              bool forward_first) {
  return Add(zone, addrs, {}, true, forward_first);
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
      return absl::InvalidArgumentError(absl::StrCat("stub-zone ", zone, ": bad stub-host ", host));
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
  return Start{*std::move(cached), false, false, false};
}

}  // namespace rebound
