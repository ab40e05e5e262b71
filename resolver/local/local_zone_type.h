// The local-zone types of unbound.conf(5): what a zone answered locally does with a question its
// local-data has no answer for (and, for the always_* types, with every question).
#ifndef REBOUND_RESOLVER_LOCAL_LOCAL_ZONE_TYPE_H_
#define REBOUND_RESOLVER_LOCAL_LOCAL_ZONE_TYPE_H_

#include <optional>

#include "absl/strings/string_view.h"

namespace rebound {

enum class LocalZoneType {
  kDeny,               // no answer at all, unless local-data matches
  kRefuse,             // REFUSED, unless local-data matches
  kStatic,             // local-data, else NODATA or NXDOMAIN with the apex's SOA
  kTransparent,        // local-data, NODATA for a name that has some; other names resolve
  kTypeTransparent,    // local-data; every other question resolves
  kRedirect,           // every name in the zone gets the apex's data
  kInform,             // transparent, and the client is logged
  kInformDeny,         // deny, logged
  kInformRedirect,     // redirect, logged
  kAlwaysTransparent,  // resolves, local-data or not
  kAlwaysRefuse,       // REFUSED, local-data or not
  kAlwaysNxdomain,     // NXDOMAIN, local-data or not
  kAlwaysNodata,       // NODATA, local-data or not
  kAlwaysDeny,         // no answer, local-data or not
  kAlwaysNull,         // 0.0.0.0 or :: to A and AAAA, NODATA to the rest
  kNoDefault,          // no zone: only turns off a default zone of that name
};

// unbound's spelling ("static", "always_nxdomain", ...); nullopt for any other word.
std::optional<LocalZoneType> ParseLocalZoneType(absl::string_view word);
absl::string_view LocalZoneTypeName(LocalZoneType type);

// The types that log the client's address and question (unbound's inform*).
bool LocalZoneInforms(LocalZoneType type);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_LOCAL_LOCAL_ZONE_TYPE_H_
