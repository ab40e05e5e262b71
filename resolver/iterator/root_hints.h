// The root hints: the servers of "." the iterator starts from before it has primed the root's
// NS RRset from the root itself (RFC 8109 3). Compiled in, or read from a named.root file.
#ifndef REBOUND_RESOLVER_ITERATOR_ROOT_HINTS_H_
#define REBOUND_RESOLVER_ITERATOR_ROOT_HINTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// The IANA root servers a..m.root-servers.net: 13 NS records for "." followed by an A and an
// AAAA record for each name, all class IN with TTL 3600000, as in IANA's named.root. The list is
// the caller's to keep.
LdnsRrListPtr BuiltInRootHints();

// Parses a root hints file in zone-file format (IANA's named.root): NS records owned by "." and
// A/AAAA records for the names they point at. Comments, blank lines, parentheses, $TTL and
// $ORIGIN work as in a zone file (RFC 1035 5.1); the origin starts at "." and the default TTL at
// 3600000. The result holds the NS records in file order, then the address records.
//
// Errors are InvalidArgumentError "filename:line: reason", the line being where the offending
// record starts: a record ldns cannot parse, a record of another class or type, an NS record
// whose owner is not ".", an address record for a name no NS record names, $INCLUDE. A file
// without any NS record or without any address record is an error too ("filename: reason").
absl::StatusOr<LdnsRrListPtr> ParseRootHints(absl::string_view text, absl::string_view filename);

// Reads and parses `path`; NotFoundError when the file cannot be read.
absl::StatusOr<LdnsRrListPtr> LoadRootHintsFile(const std::string& path);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_ROOT_HINTS_H_
