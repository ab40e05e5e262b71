// rebound-control's forward_add, forward_remove, stub_add and stub_remove, with
// unbound-control's arguments and messages (unbound-control(8)):
//   forward_add [+i] zone addr...    stub_add [+ip] zone addr...
//   forward_remove [+i] zone         stub_remove [+i] zone
// An argument that is not an address (addr or addr@port) is a server's name, whose addresses
// are looked up as forward-host's and stub-host's are. +i (no DNSSEC validation for the zone)
// is accepted and changes nothing, as rebound does not validate; +p marks a stub primed, which
// list_stubs shows and rebound does not do (stub-prime is ignored likewise).
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "resolver/control/control_commands.h"
#include "resolver/wire/ldns_ptr.h"
#include "resolver/wire/presentation.h"

namespace rebound {

std::string ControlCommands::ChangeDelegation(absl::string_view command,
                                              const std::vector<absl::string_view>& args) {
  const bool forward = command == "forward_add" || command == "forward_remove";
  const bool add = command == "forward_add" || command == "stub_add";
  ConfiguredDelegation zone{.forward = forward};
  size_t at = 0;
  for (; at < args.size() && absl::StartsWith(args[at], "+"); ++at) {
    if (at + 1 >= args.size()) {
      return absl::StrCat("error could not find next argument after ", args[at], "\n");
    }
    for (char option : args[at].substr(1)) {
      if (option == 'p' && !forward && add) {
        zone.prime = true;
      } else if (option != 'i') {
        return absl::StrCat("error: unknown option ", args[at].substr(1), "\n");
      }
    }
  }
  if (at >= args.size()) return "error: this option requires a domain name\n";
  ldns_rdf* parsed = nullptr;
  if (ldns_str2rdf_dname(&parsed, std::string(args[at]).c_str()) != LDNS_STATUS_OK) {
    return absl::StrCat("error cannot parse name ", args[at], "\n");
  }
  LdnsRdfPtr name(parsed);
  if (!add) {
    target_->RemoveDelegation(name.get(), forward);
    return "ok\n";
  }
  zone.name = NameString(name.get());
  if (at + 1 >= args.size()) {
    return absl::StrCat("error could not find next argument after ", args[at], "\n");
  }
  for (size_t i = at + 1; i < args.size(); ++i) {
    if (absl::StatusOr<Endpoint> address = Endpoint::Parse(args[i], 53); address.ok()) {
      zone.addrs.push_back(*address);
      continue;
    }
    ldns_rdf* host = nullptr;
    if (ldns_str2rdf_dname(&host, std::string(args[i]).c_str()) != LDNS_STATUS_OK) {
      return absl::StrCat("error cannot parse '", args[i], "'\n");
    }
    zone.hosts.push_back(NameString(host));
    ldns_rdf_deep_free(host);
  }
  absl::Status s = target_->AddDelegation(zone);
  return s.ok() ? "ok\n" : absl::StrCat("error ", s.message(), "\n");
}

}  // namespace rebound
