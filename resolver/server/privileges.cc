#include "resolver/server/privileges.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
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
  // setuid clears every capability unless told to keep them; then all but one go.
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return failed("prctl(PR_SET_KEEPCAPS)");
  if (setuid(account.uid) != 0) return failed("setuid");
  if (absl::Status s = KeepOnlyBindCapability(); !s.ok()) {
    return absl::InternalError(absl::StrCat("username: ", account.name, ": ", s.message()));
  }
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  // A partial drop is worse than none: it would look done.
  if (account.uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
    return absl::InternalError(absl::StrCat("username: ", account.name, ": root came back"));
  }
  return absl::OkStatus();
}

absl::Status MakeDirectoryWritableFor(const std::string& file, const Account& account) {
  std::string dir = std::filesystem::path(file).parent_path().string();
  if (dir.empty()) dir = ".";
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT || mkdir(dir.c_str(), 0750) != 0 ||
        chown(dir.c_str(), account.uid, account.gid) != 0) {
      return absl::InternalError(
          absl::StrCat("cannot make ", dir, " for ", account.name, ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  // The owner's, the group's or everyone's write bit, whichever applies to the account (as
  // access(2) would decide it for that user, ACLs aside).
  const mode_t write_bit = st.st_uid == account.uid   ? S_IWUSR
                           : st.st_gid == account.gid ? S_IWGRP
                                                      : S_IWOTH;
  if (account.uid == 0 || (st.st_mode & write_bit) != 0) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      dir, " is not writable by user ", account.name, ", which rebound runs as (username:); ",
      "make it theirs (chown ", account.name, " ", dir, ") or name a file elsewhere"));
}

// A reload (SIGHUP) binds its listeners again, after the drop: CAP_NET_BIND_SERVICE, and nothing
// else, stays (capabilities(7)), as systemd's AmbientCapabilities=CAP_NET_BIND_SERVICE gives it to
// a service that never had root. (unbound keeps its sockets open instead.)
absl::Status KeepOnlyBindCapability() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  data[CAP_NET_BIND_SERVICE / 32].effective = 1u << (CAP_NET_BIND_SERVICE % 32);
  data[CAP_NET_BIND_SERVICE / 32].permitted = 1u << (CAP_NET_BIND_SERVICE % 32);
  if (syscall(SYS_capset, &header, data) != 0) {
    return absl::InternalError(absl::StrCat("capset: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace rebound
