#include "resolver/iterator/delegation_finder.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace rebound {
namespace {

// At or below.
bool IsAtOrBelow(const ldns_rdf* name, const ldns_rdf* zone) {
  return ldns_dname_compare(name, zone) == 0 || ldns_dname_is_subdomain(name, zone);
}

}  // namespace

DelegationFinder::DelegationFinder(const RrsetCache* cache, const ldns_rr_list& root_hints)
    : cache_(cache),
      hints_(DelegationPoint::FromRecords(LdnsRdfPtr(ldns_dname_new_frm_str(".")).get(),
                                          &root_hints, &root_hints)) {}

absl::Status DelegationFinder::AddStubZone(const std::string& zone,
                                           const std::vector<Endpoint>& addrs,
                                           const std::vector<std::string>& hosts, bool stub_first) {
  LdnsRdfPtr name(ldns_dname_new_frm_str(zone.c_str()));
  if (name == nullptr) return absl::InvalidArgumentError(absl::StrCat("bad stub-zone ", zone));
  StubZone stub{DelegationPoint(name.get()), stub_first};
  if (!addrs.empty()) {
    // stub-addr servers have no name: they are filed under the zone's own name, marked as
    // looked up so the iterator never asks for that name's addresses.
    NameServer& unnamed = stub.servers.AddNameServer(name.get());
    unnamed.lookup_started = true;
    for (const Endpoint& addr : addrs) stub.servers.AddAddress(name.get(), addr);
  }
  for (const std::string& host : hosts) {
    LdnsRdfPtr host_name(ldns_dname_new_frm_str(host.c_str()));
    if (host_name == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("stub-zone ", zone, ": bad stub-host ", host));
    }
    stub.servers.AddNameServer(host_name.get());
  }
  stubs_.push_back(std::move(stub));
  return absl::OkStatus();
}

const DelegationFinder::StubZone* DelegationFinder::ClosestStub(const ldns_rdf* name) const {
  const StubZone* best = nullptr;
  for (const StubZone& stub : stubs_) {
    if (!IsAtOrBelow(name, stub.servers.zone())) continue;
    if (best == nullptr || ldns_dname_label_count(stub.servers.zone()) >
                               ldns_dname_label_count(best->servers.zone())) {
      best = &stub;
    }
  }
  return best;
}

std::optional<DelegationFinder::Start> DelegationFinder::Find(const ldns_rdf* name,
                                                              ldns_rr_class rr_class,
                                                              bool skip_stubs) const {
  std::optional<DelegationPoint> cached =
      DelegationPoint::ClosestFromCache(*cache_, name, rr_class);
  const StubZone* stub = skip_stubs ? nullptr : ClosestStub(name);
  if (stub != nullptr && (!cached || ldns_dname_label_count(stub->servers.zone()) >=
                                         ldns_dname_label_count(cached->zone()))) {
    Start start{stub->servers.Clone(), true, stub->first};
    // Addresses of stub-host names may be cached by now.
    for (NameServer& server : start.delegation.servers()) {
      if (server.lookup_started) continue;
      for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
        if (LdnsRrListPtr records = cache_->Lookup(server.name.get(), type, rr_class)) {
          start.delegation.AddAddressRecords(records.get());
        }
      }
    }
    return start;
  }
  if (!cached) return std::nullopt;
  return Start{*std::move(cached), false, false};
}

}  // namespace rebound
