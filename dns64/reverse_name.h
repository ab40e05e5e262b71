// Reverse-mapping names for DNS64's PTR handling (RFC 6147 5.3.1): an ip6.arpa name under a
// NAT64 prefix is answered by a CNAME to the in-addr.arpa name of the embedded IPv4 address.
#ifndef REBOUND_DNS64_REVERSE_NAME_H_
#define REBOUND_DNS64_REVERSE_NAME_H_

#include <netinet/in.h>

#include <optional>

#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// The address named by a full ip6.arpa name: 32 one-nibble labels, least significant first,
// then "ip6.arpa." (RFC 3596 2.5), letters in any case (RFC 4343). nullopt for anything else:
// a name that is not a DNAME, shorter or longer names (a PTR query for a partial name is not
// an address), labels that are not one hex digit, another suffix.
std::optional<in6_addr> Ip6ArpaToAddress(const ldns_rdf* name);

// "33.2.0.192.in-addr.arpa." for 192.0.2.33 (RFC 1035 3.5).
LdnsRdfPtr InAddrArpaName(in_addr v4);

}  // namespace rebound

#endif  // REBOUND_DNS64_REVERSE_NAME_H_
