// An IPv4 or IPv6 netblock ("10.0.0.0/8", "::ffff:0:0/96"): the ranges DNS64 excludes from AAAA
// answers (RFC 6147 5.1.4) or restricts synthesis to, and the client ranges configuration matches.
#ifndef REBOUND_DNS64_ADDRESS_RANGE_H_
#define REBOUND_DNS64_ADDRESS_RANGE_H_

#include <netinet/in.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "resolver/core/endpoint.h"

namespace rebound {

class AddressRange {
 public:
  // "::ffff:0:0/96", "10.0.0.0/8", or a bare address "192.0.2.1" (a host: /32 or /128).
  // InvalidArgument naming the text on a bad address or length (not a number, > 32 for IPv4,
  // > 128 for IPv6); the caller adds file:line. Host bits beyond the length are cleared, not
  // rejected, as unbound's access-control does: "10.1.2.3/8" is 10.0.0.0/8, and ToString says so.
  static absl::StatusOr<AddressRange> Parse(absl::string_view text);

  bool is_v6() const { return v6_; }
  int length() const { return length_; }

  // Whether the first length() bits of `a` are this range's. A range matches only addresses of
  // its own family: false for an IPv6 address against an IPv4 range and the other way round.
  bool Contains(const in6_addr& a) const;
  bool Contains(const in_addr& a) const;
  // The endpoint's address (the port is ignored). An IPv4-mapped IPv6 client (::ffff:a.b.c.d,
  // what a dual-stack socket reports for an IPv4 peer; RFC 4291 2.5.5.2) is also matched as
  // a.b.c.d against IPv4 ranges, so that "10.0.0.0/8" means the same on either kind of socket.
  bool Contains(const Endpoint& e) const;

  // "10.0.0.0/8", "::ffff:0.0.0.0/96" (RFC 5952 form); Parse reads it back to an equal range.
  std::string ToString() const;

  bool operator==(const AddressRange& other) const;

 private:
  AddressRange(bool v6, const in6_addr& bytes, int length)
      : v6_(v6), bytes_(bytes), length_(length) {}

  bool v6_;
  // The address in network order; an IPv4 range uses the first 4 bytes. Zero past length_.
  in6_addr bytes_;
  int length_;
};

}  // namespace rebound

#endif  // REBOUND_DNS64_ADDRESS_RANGE_H_
