// DNS rebinding protection, as unbound's private-address: and private-domain: options give it
// (iterator/iter_priv.c there): A and AAAA records from outside (authoritative servers,
// forwarders, bootstrap relays) whose address is in a private netblock are taken out of the reply
// before anything reads it, unless the record's owner is at or below a private-domain. The
// netblocks are the user's LAN, which a name on the public internet must not be able to point a
// browser at.
#ifndef REBOUND_RESOLVER_ITERATOR_PRIVATE_ADDRESSES_H_
#define REBOUND_RESOLVER_ITERATOR_PRIVATE_ADDRESSES_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dns64/address_range.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

class PrivateAddresses {
 public:
  // No netblocks: nothing is private (unbound's default), and every call below returns at once.
  PrivateAddresses() = default;

  // `domains` are names in presentation format ("home.example."); InvalidArgument naming the
  // name when ldns cannot read one. The config has checked them already.
  static absl::StatusOr<PrivateAddresses> Create(std::vector<AddressRange> netblocks,
                                                 const std::vector<std::string>& domains);

  // Whether any private-address was configured. unbound's filter does nothing without one,
  // whatever private-domain says.
  bool empty() const { return netblocks_.empty(); }

  // Whether `rr` is an A or AAAA record holding an address inside a private netblock whose owner
  // is not at or below a private-domain: a record unbound removes. An IPv4 netblock matches A
  // records only and an IPv6 one AAAA records only (an IPv4-mapped AAAA needs ::ffff:0:0/96).
  bool IsPrivate(const ldns_rr* rr) const;

  // Removes the private records from `records` (frees them, keeps the order of the rest) and the
  // RRSIGs that covered an A or AAAA RRset nothing is left of: unbound drops an emptied RRset
  // with its signatures, and keeps the others' (a partial RRset's signature no longer
  // validates, which is the validator's business). Returns how many private records it took.
  // Null `records` is allowed and empty.
  size_t RemoveFrom(ldns_rr_list* records) const;

 private:
  // Whether the owner name (wire format) is at or below one of domains_.
  bool InPrivateDomain(const ldns_rdf* owner) const;

  std::vector<AddressRange> netblocks_;
  // Each private-domain in wire format, lowercased, for a comparison without allocation.
  std::vector<std::string> domains_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_PRIVATE_ADDRESSES_H_
