// rebound-control's lookup (DaemonControl::Lookup): the delegation a query for a name starts
// from and its servers with what the infra cache knows of them, in the shape of unbound's
// print_deleg_lookup (unbound-control(8), lookup). rebound's infra cache keeps no per-type
// timeouts and no probe delay, so tA and tAAAA are 0 and tother counts the timeouts in a row.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "resolver/daemon_control.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

// One address's line: unbound's print_dp_details.
std::string ServerLine(const InfraCache& infra, const Endpoint& server, const ldns_rdf* zone,
                       absl::Time now) {
  std::string line = absl::StrFormat("%-16s\t", server.AddressString());
  std::optional<InfraServerInfo> info = infra.Lookup(server);
  if (!info.has_value() || !info->srtt.has_value()) {
    return absl::StrCat(line, "not in infra cache.\n");
  }
  const int64_t srtt = absl::ToInt64Milliseconds(*info->srtt);
  const int64_t var = absl::ToInt64Milliseconds(info->rttvar);
  absl::StrAppendFormat(
      &line,
      "%srto %d msec, ttl %d, ping %d var %d rtt %d, tA 0, tAAAA 0, tother %d, "
      "%s\n",
      infra.IsLame(server, zone) ? "LAME " : "", absl::ToInt64Milliseconds(infra.Timeout(server)),
      std::max<int64_t>(0, absl::ToInt64Seconds(info->expiry - now)), srtt, var, srtt + 4 * var,
      info->consecutive_timeouts, info->edns_unsupported ? "noEDNS probed." : "EDNS 0 probed.");
  return line;
}

// unbound's print_dp_main without the cached RRsets, then one line per address.
std::string DelegationText(const InfraCache& infra, const DelegationPoint& dp) {
  size_t missing = 0, addresses = 0;
  for (const NameServer& ns : dp.servers()) {
    if (ns.addresses.empty() && !ns.lookup_started) ++missing;
    addresses += ns.addresses.size();
  }
  std::string out = absl::StrCat("Delegation with ", dp.servers().size(), " names, of which ",
                                 missing, " can be examined to query further addresses.\n",
                                 "It provides ", addresses, " IP addresses.\n");
  const absl::Time now = absl::Now();
  for (const NameServer& ns : dp.servers()) {
    for (const Endpoint& a : ns.addresses)
      absl::StrAppend(&out, ServerLine(infra, a, dp.zone(), now));
  }
  return out;
}

}  // namespace

std::string DaemonControl::Lookup(const ldns_rdf* name) {
  absl::ReaderMutexLock lock(&mu_);
  std::string out =
      absl::StrCat("The following name servers are used for lookup of ", NameString(name), "\n");
  std::optional<DelegationFinder::Start> start = shared_->delegations->Find(name, LDNS_RR_CLASS_IN);
  if (!start.has_value()) {
    return absl::StrCat(out, "no delegation from cache; goes to configured roots\n");
  }
  if (start->forward) {
    absl::StrAppend(&out, "forwarding request:\n");
  } else if (start->configured) {
    absl::StrAppend(&out, "The noprime stub servers are used:\n");
  }
  return absl::StrCat(out, DelegationText(shared_->infra, start->delegation));
}

}  // namespace rebound
