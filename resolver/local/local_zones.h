// The zones rebound answers itself, from local-zone:, local-data: and local-data-ptr: and the
// default zones (default_local_zones.h), with unbound's rules for each zone type
// (unbound.conf(5), local-zone:). Built once from the configuration and then read-only, so every
// worker thread may share one.
#ifndef REBOUND_RESOLVER_LOCAL_LOCAL_ZONES_H_
#define REBOUND_RESOLVER_LOCAL_LOCAL_ZONES_H_

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "resolver/local/local_zone_type.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// The lines as the configuration gave them; `where` ("file:line") is for Build's errors.
struct LocalZonesConfig {
  struct Zone {
    std::string name;  // absolute, lowercase
    LocalZoneType type = LocalZoneType::kStatic;
    std::string where;
    bool operator==(const Zone&) const = default;
  };
  struct Data {
    std::string record;  // one resource record in presentation form
    std::string where;
    bool operator==(const Data&) const = default;
  };
  std::vector<Zone> zones;
  std::vector<Data> data;
  bool unblock_lan_zones = false;  // unbound's unblock-lan-zones
  // The reverse zones of the DNS64 prefixes, whose PTR questions DNS64 answers (RFC 6147
  // 5.3.1): resolved even under a default zone (a prefix in 2001:db8::/32 or in a ULA), unless
  // the user made a local-zone of the same name. (unbound lets the default zone win.)
  std::vector<std::string> dns64_reverse_zones;
  bool operator==(const LocalZonesConfig&) const = default;
};

// What to do with a question.
struct LocalAnswer {
  enum class Kind {
    kResolve,  // not answered locally: resolve it as usual
    kDrop,     // send nothing (deny)
    kAnswer,   // send rcode with these records, AA set
  };
  Kind kind = Kind::kResolve;
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  LdnsRrListPtr answer;     // null when empty
  LdnsRrListPtr authority;  // the zone's SOA in a negative answer, or null
  // inform, inform_deny, inform_redirect: the client is to be logged, with this zone's name.
  bool inform = false;
  absl::string_view zone;
};

class LocalZones {
 public:
  // Errors name the line ("file:line: ...") of the local-zone: or local-data: at fault.
  static absl::StatusOr<LocalZones> Build(const LocalZonesConfig& config);

  LocalZones(LocalZones&&) = default;
  LocalZones& operator=(LocalZones&&) = default;

  // The answer to (qname, qtype, qclass). `qname` is in wire format, in any case, as the query
  // has it. Only class IN is answered locally, as in unbound, where local zones are class IN.
  LocalAnswer Answer(std::span<const uint8_t> qname, uint16_t qtype, uint16_t qclass) const;

  size_t zone_count() const { return zones_.size(); }
  // rebound-control's list_local_zones and list_local_data: "name type" lines, and every
  // record in presentation form, sorted so the output is stable.
  std::string ZoneListing() const;
  std::string DataListing() const;
  // Every zone's name, absolute, in presentation form, in no particular order.
  std::vector<std::string> ZoneNames() const;

  // rebound-control's changes, made to a copy that is then published
  // (resolver/core/published.h), with unbound-control's meaning for each command.
  // A deep copy.
  LocalZones Clone() const;
  // local_zone NAME TYPE: an existing zone of that name takes the type and keeps its data.
  absl::Status SetZone(absl::string_view name, LocalZoneType type);
  // local_zone_remove NAME: the zone of exactly that name, with its data (a default zone too);
  // nothing when there is none.
  absl::Status RemoveZone(absl::string_view name);
  // local_data RR: as a local-data: line (outside every zone, a transparent zone of its name).
  absl::Status AddData(absl::string_view record) { return AddRecord(record, "local_data"); }
  // local_data_remove NAME: every record at exactly that name; the empty names above it that
  // no other record needs go too, so a static zone answers NXDOMAIN there again.
  absl::Status RemoveData(absl::string_view name);

 private:
  struct Zone {
    LocalZoneType type;
    std::string name;  // presentation form, for the inform log line
    // The SOA at the apex, with its TTL lowered to its minimum field (RFC 2308 3): the authority
    // section of a negative answer. Null when the zone has no SOA.
    LdnsRrPtr negative_soa;
  };
  // The records at one name, by type; an empty non-terminal (a name above some local data) has
  // none, yet exists, so a static zone answers it NODATA rather than NXDOMAIN.
  struct Node {
    std::vector<std::pair<uint16_t, LdnsRrListPtr>> rrsets;
    const ldns_rr_list* Find(uint16_t type) const;
  };

  LocalZones() = default;
  absl::Status AddZone(const std::string& name, LocalZoneType type, absl::string_view where);
  absl::Status AddRecord(absl::string_view text, absl::string_view where);
  // False when no zone can be at or above `qname` (wire form, any case): its last label is no
  // zone's. Allocates nothing.
  bool MayHold(std::span<const uint8_t> qname) const;
  // The most specific zone at or above `key` (a lowercase wire name), with its own key.
  std::pair<const std::string*, const Zone*> FindZone(absl::string_view key) const;
  // unbound's local_data_answer: the zone's data, if it answers the question.
  // The nodes no record needs (not at or above one, within its zone) are erased, and the top
  // labels recomputed: after a removal.
  void Prune();
  bool AnswerFromData(const Zone& zone, const Node* node, std::span<const uint8_t> qname,
                      uint16_t qtype, LocalAnswer& out) const;
  // unbound's local_zones_zone_answer: what the zone type says without matching data.
  void AnswerFromType(const Zone& zone, const Node* node, std::span<const uint8_t> qname,
                      uint16_t qtype, LocalAnswer& out) const;

  // Keyed by the lowercase wire-format name.
  absl::flat_hash_map<std::string, Zone> zones_;
  absl::flat_hash_map<std::string, Node> nodes_;
  // The last label (wire form, with the root byte) of every zone: a question under none of them
  // is not local, found with one lookup. A zone at the root itself sets has_root_zone_.
  absl::flat_hash_set<std::string> top_labels_;
  bool has_root_zone_ = false;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_LOCAL_LOCAL_ZONES_H_
