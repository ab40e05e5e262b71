// Names and types in presentation form, for log lines and messages.
#ifndef REBOUND_RESOLVER_WIRE_PRESENTATION_H_
#define REBOUND_RESOLVER_WIRE_PRESENTATION_H_

#include <cstdlib>
#include <string>

#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// Takes ownership of a string ldns allocated; "?" for null.
inline std::string TakeLdnsString(char* text) {
  std::string out = text != nullptr ? text : "?";
  free(text);
  return out;
}

inline std::string NameString(const ldns_rdf* name) { return TakeLdnsString(ldns_rdf2str(name)); }
inline std::string TypeString(ldns_rr_type type) { return TakeLdnsString(ldns_rr_type2str(type)); }

}  // namespace rebound

#endif  // REBOUND_RESOLVER_WIRE_PRESENTATION_H_
