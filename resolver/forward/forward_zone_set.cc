#include "resolver/forward/forward_zone_set.h"

#include "absl/strings/str_cat.h"

namespace rebound {

absl::Status ForwardZoneSet::Add(const std::string& zone, std::vector<Endpoint> servers,
                                 bool first) {
  if (servers.empty()) return absl::InvalidArgumentError(absl::StrCat("zone ", zone, ": no servers"));
  LdnsRdfPtr name(ldns_dname_new_frm_str(zone.c_str()));
  if (name == nullptr) return absl::InvalidArgumentError(absl::StrCat("bad zone name: ", zone));
  ldns_dname2canonical(name.get());
  zones_.push_back({std::move(name), std::move(servers), first});
  return absl::OkStatus();
}

const ForwardZoneSet::Zone* ForwardZoneSet::Find(const ldns_rdf* qname) const {
  const ForwardZoneSet::Zone* best = nullptr;
  for (const ForwardZoneSet::Zone& zone : zones_) {
    const bool contains = ldns_dname_compare(zone.name.get(), qname) == 0 ||
                          ldns_dname_is_subdomain(qname, zone.name.get());
    if (contains && (best == nullptr ||
                     ldns_dname_label_count(zone.name.get()) >
                         ldns_dname_label_count(best->name.get()))) {
      best = &zone;
    }
  }
  return best;
}

}  // namespace rebound
