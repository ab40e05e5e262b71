// username: as in unbound: rebound starts as root to bind port 53 and open its files, then runs
// as the named account (issue 16). Without root, binding port 53 needs CAP_NET_BIND_SERVICE
// (setcap cap_net_bind_service=+ep rebound, or AmbientCapabilities= in a systemd unit).
#ifndef REBOUND_RESOLVER_SERVER_PRIVILEGES_H_
#define REBOUND_RESOLVER_SERVER_PRIVILEGES_H_

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"

namespace rebound {

struct Account {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};

// The account `username` names; an error when there is none (checked at start, before anything
// is bound, so that a typo stops the start instead of leaving rebound running as root).
absl::StatusOr<Account> LookUpAccount(const std::string& username);

// Becomes `account` for good: its supplementary groups, its group, its user (setgroups, setgid,
// setuid, in that order), and checks that root cannot be regained. When the process already runs
// as that user there is nothing to do; as any other non-root user it cannot change, and that is
// an error naming the way out.
// Of root's capabilities only CAP_NET_BIND_SERVICE is kept, so that a reload can bind port 53.
absl::Status DropPrivileges(const Account& account);

// A file rebound rewrites while it runs as `account` (bootstrap-state-file, replaced by a rename
// in its directory): its directory is made if missing, owned by the account; an existing one the
// account cannot write to is an error naming the way out. Call as root, before the drop.
absl::Status MakeDirectoryWritableFor(const std::string& file, const Account& account);

// Leaves the process CAP_NET_BIND_SERVICE (effective and permitted) and no other capability.
absl::Status KeepOnlyBindCapability();

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_PRIVILEGES_H_
