#include "resolver/local/local_zones.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "resolver/local/default_local_zones.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

// unbound's TTL for local-data written without one.
constexpr uint32_t kDefaultLocalTtl = 3600;

// Length bytes are below 64, so lowering every byte touches only the labels' letters.
std::string LowerWireName(std::span<const uint8_t> name) {
  std::string key(name.begin(), name.end());
  for (char& c : key) c = absl::ascii_tolower(c);
  return key;
}

std::string LowerWireName(const ldns_rdf* name) {
  return LowerWireName({ldns_rdf_data(name), ldns_rdf_size(name)});
}

// The wire name one label up; the root stays the root.
absl::string_view Parent(absl::string_view key) {
  if (key.size() <= 1) return key;
  return key.substr(1 + static_cast<uint8_t>(key[0]));
}

// The last label before the root, with the root byte: the key of a top-level domain.
absl::string_view TopLabel(absl::string_view key) {
  while (key.size() > 1 && Parent(key).size() > 1) key = Parent(key);
  return key;
}

LdnsRrListPtr CopyRrset(const ldns_rr_list* rrset, const ldns_rdf* owner) {
  LdnsRrListPtr copy(ldns_rr_list_clone(rrset));
  if (owner != nullptr) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(copy.get()); ++i) {
      ldns_rr* rr = ldns_rr_list_rr(copy.get(), i);
      ldns_rdf_deep_free(ldns_rr_owner(rr));
      ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
    }
  }
  return copy;
}

LdnsRdfPtr NameRdf(std::span<const uint8_t> wire) {
  return LdnsRdfPtr(ldns_dname_new_frm_data(static_cast<uint16_t>(wire.size()), wire.data()));
}

// always_null's answer: the zero address of the type asked (unbound's TTL, 3600).
LdnsRrListPtr NullAddress(std::span<const uint8_t> qname, uint16_t qtype) {
  const char* text = qtype == LDNS_RR_TYPE_A ? ". 3600 IN A 0.0.0.0" : ". 3600 IN AAAA ::";
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, text, kDefaultLocalTtl, nullptr, nullptr) != LDNS_STATUS_OK) {
    return nullptr;
  }
  ldns_rdf_deep_free(ldns_rr_owner(rr));
  ldns_rr_set_owner(rr, NameRdf(qname).release());
  LdnsRrListPtr list(ldns_rr_list_new());
  ldns_rr_list_push_rr(list.get(), rr);
  return list;
}

bool IsRedirect(LocalZoneType type) {
  return type == LocalZoneType::kRedirect || type == LocalZoneType::kInformRedirect;
}

// The always_* types and always_transparent ignore local-data.
bool IgnoresData(LocalZoneType type) {
  switch (type) {
    case LocalZoneType::kAlwaysTransparent:
    case LocalZoneType::kAlwaysRefuse:
    case LocalZoneType::kAlwaysNxdomain:
    case LocalZoneType::kAlwaysNodata:
    case LocalZoneType::kAlwaysDeny:
    case LocalZoneType::kAlwaysNull:
      return true;
    default:
      return false;
  }
}

}  // namespace

const ldns_rr_list* LocalZones::Node::Find(uint16_t type) const {
  for (const auto& [rrset_type, rrset] : rrsets) {
    if (rrset_type == type) return rrset.get();
  }
  return nullptr;
}

absl::StatusOr<LocalZones> LocalZones::Build(const LocalZonesConfig& config) {
  LocalZones zones;
  absl::flat_hash_set<std::string> no_default;
  for (const LocalZonesConfig::Zone& zone : config.zones) {
    if (zone.type == LocalZoneType::kNoDefault) {
      no_default.insert(zone.name);
    } else if (absl::Status s = zones.AddZone(zone.name, zone.type, zone.where); !s.ok()) {
      return s;
    }
  }
  for (const std::string& name : config.dns64_reverse_zones) {
    LdnsRdfPtr rdf(ldns_dname_new_frm_str(name.c_str()));
    if (rdf == nullptr || zones.zones_.contains(LowerWireName(rdf.get()))) continue;
    const std::string where = absl::StrCat("dns64-prefix reverse zone ", name);
    if (absl::Status s = zones.AddZone(name, LocalZoneType::kAlwaysTransparent, where); !s.ok()) {
      return s;
    }
  }
  // A default zone gives way to the user's zone of the same name, or to nodefault.
  for (const DefaultLocalZone& zone : DefaultLocalZones(config.unblock_lan_zones)) {
    if (no_default.contains(zone.name)) continue;
    LdnsRdfPtr name(ldns_dname_new_frm_str(zone.name.c_str()));
    if (zones.zones_.contains(LowerWireName(name.get()))) continue;
    const std::string where = absl::StrCat("default zone ", zone.name);
    if (absl::Status s = zones.AddZone(zone.name, zone.type, where); !s.ok()) return s;
    for (const std::string& record : zone.records) {
      if (absl::Status s = zones.AddRecord(record, where); !s.ok()) return s;
    }
  }
  for (const LocalZonesConfig::Data& data : config.data) {
    if (absl::Status s = zones.AddRecord(data.record, data.where); !s.ok()) return s;
  }
  return zones;
}

absl::Status LocalZones::AddZone(const std::string& name, LocalZoneType type,
                                 absl::string_view where) {
  LdnsRdfPtr rdf(ldns_dname_new_frm_str(name.c_str()));
  if (rdf == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": '", name, "' is not a domain name"));
  }
  std::string key = LowerWireName(rdf.get());
  if (key.size() == 1) {
    has_root_zone_ = true;
  } else {
    top_labels_.insert(std::string(TopLabel(key)));
  }
  if (!zones_.try_emplace(std::move(key), Zone{type, NameString(rdf.get()), nullptr}).second) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": duplicate local-zone ", name));
  }
  return absl::OkStatus();
}

absl::Status LocalZones::AddRecord(absl::string_view text, absl::string_view where) {
  auto error = [&](absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": local-data '", text, "': ", message));
  };
  ldns_rr* parsed = nullptr;
  LdnsRdfPtr root(ldns_dname_new_frm_str("."));
  const std::string line(text);
  if (ldns_rr_new_frm_str(&parsed, line.c_str(), kDefaultLocalTtl, root.get(), nullptr) !=
      LDNS_STATUS_OK) {
    return error("not a resource record");
  }
  LdnsRrPtr rr(parsed);
  if (ldns_rr_get_class(rr.get()) != LDNS_RR_CLASS_IN) return error("only class IN is served");
  const uint16_t type = ldns_rr_get_type(rr.get());
  const std::string owner = LowerWireName(ldns_rr_owner(rr.get()));
  auto [zone_key, zone] = FindZone(owner);
  if (zone == nullptr) {
    // unbound: local-data outside every local-zone makes a transparent zone of its own name.
    if (absl::Status s =
            AddZone(NameString(ldns_rr_owner(rr.get())), LocalZoneType::kTransparent, where);
        !s.ok()) {
      return s;
    }
    std::tie(zone_key, zone) = FindZone(owner);
  }
  if (IsRedirect(zone->type) && owner != *zone_key) {
    return error(absl::StrCat("a redirect zone's data must be at its name, ", zone->name));
  }
  if (IsRedirect(zone->type) && type == LDNS_RR_TYPE_CNAME) {
    return error("not supported: a CNAME in a redirect zone (unbound resolves its target)");
  }
  // The name and every name up to the apex exist (empty non-terminals, RFC 8020 2).
  for (absl::string_view name = owner; name.size() >= zone_key->size(); name = Parent(name)) {
    nodes_.try_emplace(std::string(name));
    if (name.size() == zone_key->size()) break;
  }
  Node& node = nodes_[owner];
  const bool has_cname = node.Find(LDNS_RR_TYPE_CNAME) != nullptr;
  if ((type == LDNS_RR_TYPE_CNAME && !node.rrsets.empty() && !has_cname) ||
      (type != LDNS_RR_TYPE_CNAME && has_cname)) {
    return error("a CNAME cannot share its name with other data (RFC 1034 3.6.2)");
  }
  if (type == LDNS_RR_TYPE_SOA && owner == *zone_key) {
    LdnsRrPtr soa(ldns_rr_clone(rr.get()));
    const uint32_t minimum = ldns_rdf2native_int32(ldns_rr_rdf(soa.get(), 6));
    ldns_rr_set_ttl(soa.get(), std::min(ldns_rr_ttl(soa.get()), minimum));
    zones_.find(*zone_key)->second.negative_soa = std::move(soa);
  }
  auto rrset = std::find_if(node.rrsets.begin(), node.rrsets.end(),
                            [type](const auto& entry) { return entry.first == type; });
  if (rrset == node.rrsets.end()) {
    node.rrsets.emplace_back(type, LdnsRrListPtr(ldns_rr_list_new()));
    rrset = std::prev(node.rrsets.end());
  }
  for (size_t i = 0; i < ldns_rr_list_rr_count(rrset->second.get()); ++i) {
    if (ldns_rr_compare(ldns_rr_list_rr(rrset->second.get(), i), rr.get()) == 0) {
      return absl::OkStatus();  // the same record twice is one record
    }
  }
  ldns_rr_list_push_rr(rrset->second.get(), rr.release());
  return absl::OkStatus();
}

std::pair<const std::string*, const LocalZones::Zone*> LocalZones::FindZone(
    absl::string_view key) const {
  if (!has_root_zone_ && (key.size() <= 1 || !top_labels_.contains(TopLabel(key)))) {
    return {nullptr, nullptr};
  }
  for (absl::string_view name = key;; name = Parent(name)) {
    if (auto it = zones_.find(name); it != zones_.end()) return {&it->first, &it->second};
    if (name.size() <= 1) return {nullptr, nullptr};
  }
}

bool LocalZones::MayHold(std::span<const uint8_t> qname) const {
  if (has_root_zone_) return true;
  // The last label, lowercased on the stack: every query pays for this, and most names are
  // under no local zone's top label (com., net., ...), so they allocate nothing.
  size_t at = 0;
  while (at < qname.size() && qname[at] != 0) {
    const size_t next = at + 1 + qname[at];
    if (next >= qname.size()) return false;
    if (qname[next] == 0) {
      std::array<char, 1 + 63 + 1> top;
      const size_t size = next + 1 - at;
      if (size > top.size()) return false;
      for (size_t i = 0; i < size; ++i) top[i] = absl::ascii_tolower(qname[at + i]);
      return top_labels_.contains(absl::string_view(top.data(), size));
    }
    at = next;
  }
  return false;  // the root
}

LocalAnswer LocalZones::Answer(std::span<const uint8_t> qname, uint16_t qtype,
                               uint16_t qclass) const {
  LocalAnswer out;
  if (qclass != LDNS_RR_CLASS_IN || !MayHold(qname)) return out;
  const std::string key = LowerWireName(qname);
  auto [zone_key, zone] = FindZone(key);
  if (zone == nullptr) return out;
  out.inform = LocalZoneInforms(zone->type);
  out.zone = zone->name;
  const Node* node = nullptr;
  if (!IgnoresData(zone->type)) {
    auto it = nodes_.find(IsRedirect(zone->type) ? absl::string_view(*zone_key) : key);
    if (it != nodes_.end()) node = &it->second;
    if (AnswerFromData(*zone, node, qname, qtype, out)) return out;
  }
  AnswerFromType(*zone, node, qname, qtype, out);
  return out;
}

bool LocalZones::AnswerFromData(const Zone& zone, const Node* node, std::span<const uint8_t> qname,
                                uint16_t qtype, LocalAnswer& out) const {
  if (node == nullptr) return false;
  const ldns_rr_list* rrset = node->Find(qtype);
  // A CNAME answers every other type at its name; it is not followed (unbound does the same).
  if (rrset == nullptr) rrset = node->Find(LDNS_RR_TYPE_CNAME);
  if (rrset == nullptr) return false;
  // A redirect zone answers every name below it with the apex's data, as a wildcard would.
  LdnsRdfPtr owner = IsRedirect(zone.type) ? NameRdf(qname) : nullptr;
  out.kind = LocalAnswer::Kind::kAnswer;
  out.answer = CopyRrset(rrset, owner.get());
  return true;
}

void LocalZones::AnswerFromType(const Zone& zone, const Node* node, std::span<const uint8_t> qname,
                                uint16_t qtype, LocalAnswer& out) const {
  auto negative = [&](ldns_pkt_rcode rcode) {
    out.kind = LocalAnswer::Kind::kAnswer;
    out.rcode = rcode;
    if (zone.negative_soa != nullptr) {
      out.authority.reset(ldns_rr_list_new());
      ldns_rr_list_push_rr(out.authority.get(), ldns_rr_clone(zone.negative_soa.get()));
    }
  };
  switch (zone.type) {
    case LocalZoneType::kDeny:
    case LocalZoneType::kAlwaysDeny:
    case LocalZoneType::kInformDeny:
      out.kind = LocalAnswer::Kind::kDrop;
      return;
    case LocalZoneType::kRefuse:
    case LocalZoneType::kAlwaysRefuse:
      out.kind = LocalAnswer::Kind::kAnswer;
      out.rcode = LDNS_RCODE_REFUSED;
      return;
    case LocalZoneType::kStatic:
    case LocalZoneType::kAlwaysNxdomain:
      negative(node != nullptr ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN);
      return;
    case LocalZoneType::kRedirect:
    case LocalZoneType::kInformRedirect:
    case LocalZoneType::kAlwaysNodata:
      negative(LDNS_RCODE_NOERROR);
      return;
    case LocalZoneType::kAlwaysNull:
      out.kind = LocalAnswer::Kind::kAnswer;
      if (qtype == LDNS_RR_TYPE_A || qtype == LDNS_RR_TYPE_AAAA) {
        out.answer = NullAddress(qname, qtype);
      }
      return;
    case LocalZoneType::kTransparent:
    case LocalZoneType::kInform:
      // A name with local data of other types has no data of this one (NODATA); a name
      // without any (an empty non-terminal included) is resolved.
      if (node != nullptr && !node->rrsets.empty()) negative(LDNS_RCODE_NOERROR);
      return;
    case LocalZoneType::kTypeTransparent:
    case LocalZoneType::kAlwaysTransparent:
    case LocalZoneType::kNoDefault:
      return;
  }
}

std::string LocalZones::ZoneListing() const {
  std::vector<std::string> lines;
  for (const auto& [key, zone] : zones_) {
    lines.push_back(absl::StrCat(zone.name, " ", LocalZoneTypeName(zone.type), "\n"));
  }
  std::sort(lines.begin(), lines.end());
  return absl::StrJoin(lines, "");
}

std::vector<std::string> LocalZones::ZoneNames() const {
  std::vector<std::string> names;
  names.reserve(zones_.size());
  for (const auto& [key, zone] : zones_) names.push_back(zone.name);
  return names;
}

std::string LocalZones::DataListing() const {
  std::vector<std::string> lines;
  for (const auto& [key, node] : nodes_) {
    for (const auto& [type, rrset] : node.rrsets) {
      for (size_t i = 0; i < ldns_rr_list_rr_count(rrset.get()); ++i) {
        char* text = ldns_rr2str(ldns_rr_list_rr(rrset.get(), i));
        if (text != nullptr) lines.emplace_back(text);
        free(text);
      }
    }
  }
  std::sort(lines.begin(), lines.end());
  return absl::StrJoin(lines, "");
}

LocalZones LocalZones::Clone() const {
  LocalZones copy;
  for (const auto& [key, zone] : zones_) {
    copy.zones_.try_emplace(
        key, Zone{zone.type, zone.name,
                  LdnsRrPtr(zone.negative_soa ? ldns_rr_clone(zone.negative_soa.get()) : nullptr)});
  }
  for (const auto& [key, node] : nodes_) {
    Node& to = copy.nodes_[key];
    for (const auto& [type, rrset] : node.rrsets) {
      to.rrsets.emplace_back(type, LdnsRrListPtr(ldns_rr_list_clone(rrset.get())));
    }
  }
  copy.top_labels_ = top_labels_;
  copy.has_root_zone_ = has_root_zone_;
  return copy;
}

absl::Status LocalZones::SetZone(absl::string_view name, LocalZoneType type) {
  LdnsRdfPtr rdf(ldns_dname_new_frm_str(std::string(name).c_str()));
  if (rdf == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' is not a domain name"));
  }
  // unbound-control: a zone that exists takes the new type, and keeps its data.
  if (auto it = zones_.find(LowerWireName(rdf.get())); it != zones_.end()) {
    it->second.type = type;
    return absl::OkStatus();
  }
  return AddZone(NameString(rdf.get()), type, "local_zone");
}

absl::Status LocalZones::RemoveZone(absl::string_view name) {
  LdnsRdfPtr rdf(ldns_dname_new_frm_str(std::string(name).c_str()));
  if (rdf == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' is not a domain name"));
  }
  const std::string key = LowerWireName(rdf.get());
  if (!zones_.contains(key)) return absl::OkStatus();
  // The zone's data goes with it, as unbound keeps data inside its zone.
  std::vector<std::string> owned;
  for (const auto& [node_key, node] : nodes_) {
    if (const std::string* zone_key = FindZone(node_key).first;
        zone_key != nullptr && *zone_key == key) {
      owned.push_back(node_key);
    }
  }
  for (const std::string& node_key : owned) nodes_.erase(node_key);
  zones_.erase(key);
  Prune();
  return absl::OkStatus();
}

absl::Status LocalZones::RemoveData(absl::string_view name) {
  LdnsRdfPtr rdf(ldns_dname_new_frm_str(std::string(name).c_str()));
  if (rdf == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' is not a domain name"));
  }
  const std::string key = LowerWireName(rdf.get());
  auto node = nodes_.find(key);
  if (node == nodes_.end()) return absl::OkStatus();
  node->second.rrsets.clear();
  // The SOA at a zone's apex was also its negative answers' authority.
  if (auto zone = zones_.find(key); zone != zones_.end()) zone->second.negative_soa.reset();
  Prune();
  return absl::OkStatus();
}

void LocalZones::Prune() {
  absl::flat_hash_set<std::string> needed;
  for (const auto& [key, node] : nodes_) {
    if (node.rrsets.empty()) continue;
    const std::string* zone_key = FindZone(key).first;
    for (absl::string_view name = key;; name = Parent(name)) {
      needed.insert(std::string(name));
      if (zone_key == nullptr || name.size() <= zone_key->size() || name.size() <= 1) break;
    }
  }
  absl::erase_if(nodes_, [&](const auto& entry) { return !needed.contains(entry.first); });
  top_labels_.clear();
  has_root_zone_ = false;
  for (const auto& [key, zone] : zones_) {
    if (key.size() == 1) {
      has_root_zone_ = true;
    } else {
      top_labels_.insert(std::string(TopLabel(key)));
    }
  }
}

}  // namespace rebound
