#include "resolver/core/owned_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace rebound {
namespace {

constexpr mode_t kFileMode = 0644;

// The errno's own code (ENOENT is NotFound), for the caller that tells a missing file apart.
absl::Status ErrnoStatus(absl::string_view what, const std::string& path) {
  const int error = errno;
  return absl::ErrnoToStatus(error, absl::StrCat(what, " ", path));
}

// TrustFilesOf's user; root's own files are always rebound's while it runs as root.
std::atomic<int64_t> trusted_uid{-1};

bool IsRebounds(uid_t owner) {
  return owner == geteuid() || static_cast<int64_t>(owner) == trusted_uid.load();
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// A file already at the path must be the daemon's own plain file: one another user made, or a
// hard link to some other file, would have the daemon write where that user chose.
absl::Status CheckOpenedFile(int fd, const std::string& path) {
  struct stat st;
  if (fstat(fd, &st) != 0) return ErrnoStatus("cannot stat", path);
  if (!S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a regular file"));
  }
  if (!IsRebounds(st.st_uid)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " belongs to uid ", st.st_uid, ", not to rebound's user"));
  }
  if (st.st_nlink != 1) {
    return absl::FailedPreconditionError(absl::StrCat(path, " has other hard links"));
  }
  return absl::OkStatus();
}

}  // namespace

void TrustFilesOf(uid_t uid) { trusted_uid.store(uid); }

absl::Status CheckDirectoryFor(const std::string& path) {
  const std::string dir = DirectoryOf(path);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) return ErrnoStatus("cannot stat directory", dir);
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(dir, " is not a directory"));
  }
  if (st.st_uid != 0 && !IsRebounds(st.st_uid)) {
    return absl::FailedPreconditionError(
        absl::StrCat("directory ", dir, " belongs to uid ", st.st_uid));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("directory ", dir, " is writable by others and not sticky"));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> OpenOwnedFileForAppend(const std::string& path) {
  if (absl::Status s = CheckDirectoryFor(path); !s.ok()) return s;
  constexpr int kFlags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC;
  // Created here, or opened as it is: only a file rebound made gets rebound's mode.
  int fd = open(path.c_str(), kFlags | O_CREAT | O_EXCL, kFileMode);
  const bool created = fd >= 0;
  if (!created && errno == EEXIST) fd = open(path.c_str(), kFlags);
  if (fd < 0) return ErrnoStatus("cannot open", path);  // ELOOP: a symlink
  if (absl::Status s = CheckOpenedFile(fd, path); !s.ok()) {
    close(fd);
    return s;
  }
  // O_CREAT's mode is cut by the umask; the file is meant to be readable by all.
  if (created) fchmod(fd, kFileMode);
  return fd;
}

absl::StatusOr<int> OpenOwnedFileForReading(const std::string& path) {
  if (absl::Status s = CheckDirectoryFor(path); !s.ok()) return s;
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("cannot open", path);
  if (absl::Status s = CheckOpenedFile(fd, path); !s.ok()) {
    close(fd);
    return s;
  }
  return fd;
}

absl::Status WriteOwnedFileAtomically(const std::string& path, absl::string_view contents,
                                      mode_t mode) {
  if (absl::Status s = CheckDirectoryFor(path); !s.ok()) return s;
  const std::string temp = absl::StrCat(path, ".new.", getpid());
  unlink(temp.c_str());  // a leftover of this same pid; O_EXCL refuses anything else there
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus("cannot create", temp);
  fchmod(fd, mode);
  bool ok = true;
  for (size_t done = 0; ok && done < contents.size();) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  const absl::Status written = ok ? absl::OkStatus() : ErrnoStatus("cannot write", temp);
  close(fd);
  if (!written.ok()) {
    unlink(temp.c_str());
    return written;
  }
  // rename(2) replaces the directory entry: a symlink at `path` is replaced, never followed.
  if (rename(temp.c_str(), path.c_str()) != 0) {
    const absl::Status s = ErrnoStatus("cannot rename to", path);
    unlink(temp.c_str());
    return s;
  }
  return absl::OkStatus();
}

}  // namespace rebound
