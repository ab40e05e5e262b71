// Which clients may use the resolver: unbound's access-control rules with longest-prefix match,
// and its interface-action rules for the clients no access-control rule covers.
#ifndef REBOUND_RESOLVER_CONFIG_ACCESS_CONTROL_LIST_H_
#define REBOUND_RESOLVER_CONFIG_ACCESS_CONTROL_LIST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "resolver/core/endpoint.h"

namespace rebound {

enum class AccessAction : uint8_t {
  kAllow,       // answer queries with RD=1, recursing as needed; refuse RD=0 (as unbound does)
  kAllowSnoop,  // as kAllow, and answer RD=0 queries from the cache (cache snooping)
  kAllowSetRd,  // as kAllow, treating every query as if RD=1
  kRefuse,      // answer with REFUSED
  kDeny,        // drop silently
};

// Reads an unbound action name: allow, allow_snoop, allow_setrd, refuse, deny, and the variants
// we treat as one of those (refuse_non_local as refuse, deny_non_local as deny).
absl::StatusOr<AccessAction> ParseAccessAction(absl::string_view text);
absl::string_view AccessActionName(AccessAction action);

// A default-constructed list holds unbound's defaults: 127.0.0.0/8, ::1/128 and
// ::ffff:127.0.0.0/104 allowed, everything else (0.0.0.0/0, ::/0) refused. Rules added with Add()
// override a default for the same netblock, as in unbound.
//
// An IPv4-mapped IPv6 client (::ffff:a.b.c.d, seen on dual-stack sockets) is matched as the IPv4
// client it is; for the same reason a rule for a netblock inside ::ffff:0:0/96 is stored as the
// IPv4 netblock it covers.
class AccessControlList {
 public:
  AccessControlList();

  // netblock: "192.0.2.0/24", "2001:db8::/32", or an address alone (a /32 or /128). Host bits
  // below the prefix are ignored, as unbound does. A second rule for a netblock that an earlier
  // Add() already set keeps the first one (unbound's choice) and returns AlreadyExistsError.
  absl::Status Add(absl::string_view netblock, AccessAction action);

  // The action of the longest matching prefix. Called on every packet: a few hash probes, one per
  // distinct prefix length in use, no allocation.
  AccessAction Lookup(const Endpoint& client) const;

  // The action for `client` reaching the listening address `local`, as unbound 1.16+ decides it:
  // the longest access-control rule that covers the client (the localhost defaults included),
  // else the interface-action of `local`, else refuse. The default /0 refuse rules count as
  // unbound's "interfaces are refused by default", so they do not hide an interface-action;
  // an access-control line for 0.0.0.0/0 or ::/0 does (unbound.conf(5): "any access-control*:
  // setting overrides all interface-*: settings for targeted clients").
  AccessAction Lookup(const Endpoint& client, const Endpoint& local) const;

  // interface-action: `local` is a listening address with its port (interface@port). A second
  // rule for the same address and port keeps the first and returns AlreadyExistsError.
  absl::Status AddInterfaceAction(const Endpoint& local, AccessAction action);
  // The interface-action for `local`; refuse when there is none (unbound's default).
  AccessAction InterfaceAction(const Endpoint& local) const;
  const std::vector<std::pair<Endpoint, AccessAction>>& interface_actions() const {
    return interface_actions_;
  }

  // The rules as ("netblock", action), sorted, for logging and tests.
  std::vector<std::pair<std::string, AccessAction>> Rules() const;

  // Same rules with the same actions (regardless of which were defaults).
  bool operator==(const AccessControlList& other) const;

 private:
  struct V6Key {
    uint64_t hi = 0;
    uint64_t lo = 0;
    uint8_t prefix_len = 0;
    bool operator==(const V6Key&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const V6Key& k) {
      return H::combine(std::move(h), k.hi, k.lo, k.prefix_len);
    }
  };
  // An IPv4 rule's key: the prefix length in the high bits, the masked address in the low 32.
  static uint64_t V4Key(uint32_t addr, int prefix_len);

  void SetV4(uint32_t addr, int prefix_len, AccessAction action);
  void SetV6(uint64_t hi, uint64_t lo, int prefix_len, AccessAction action);
  // The longest rule covering the address; with `defaults_count` false the default /0 rules
  // (not set through Add) match nothing.
  std::optional<AccessAction> MatchV4(uint32_t addr, bool defaults_count) const;
  std::optional<AccessAction> MatchV6(uint64_t hi, uint64_t lo, bool defaults_count) const;
  std::optional<AccessAction> Match(const Endpoint& client, bool defaults_count) const;

  absl::flat_hash_map<uint64_t, AccessAction> v4_rules_;
  absl::flat_hash_map<V6Key, AccessAction> v6_rules_;
  // Prefix lengths present, longest first: Lookup probes only these.
  std::vector<uint8_t> v4_lengths_;
  std::vector<uint8_t> v6_lengths_;
  // Keys set through Add(), to tell a duplicate user rule from the override of a default.
  absl::flat_hash_set<uint64_t> v4_added_;
  absl::flat_hash_set<V6Key> v6_added_;
  // interface-action rules: a handful at most, so a list.
  std::vector<std::pair<Endpoint, AccessAction>> interface_actions_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONFIG_ACCESS_CONTROL_LIST_H_
