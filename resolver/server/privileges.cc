#include "resolver/server/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace rebound {

absl::StatusOr<Account> LookUpAccount(const std::string& username) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  const int err = getpwnam_r(username.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (found == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("username: no user named '", username, "'",
                     err != 0 ? absl::StrCat(": ", std::strerror(err)) : ""));
  }
  return Account{username, entry.pw_uid, entry.pw_gid};
}

absl::Status DropPrivileges(const Account& account) {
  if (geteuid() == account.uid && getuid() == account.uid) return absl::OkStatus();
  if (geteuid() != 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "username: ", account.name, ": rebound runs as uid ", geteuid(),
        " and cannot become it; start rebound as root (it drops root once its sockets are bound), "
        "or remove username: and give it CAP_NET_BIND_SERVICE to bind port 53"));
  }
  auto failed = [&](const char* call) {
    return absl::InternalError(
        absl::StrCat("username: ", account.name, ": ", call, ": ", std::strerror(errno)));
  };
  if (initgroups(account.name.c_str(), account.gid) != 0) return failed("initgroups");
  if (setgid(account.gid) != 0) return failed("setgid");
  if (setuid(account.uid) != 0) return failed("setuid");
  // A partial drop is worse than none: it would look done.
  if (account.uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
    return absl::InternalError(absl::StrCat("username: ", account.name, ": root came back"));
  }
  return absl::OkStatus();
}

}  // namespace rebound
