// Files the daemon writes as root at a path from its config (logfile, pidfile), opened so that
// whoever can write where the path points cannot turn the write against another file: the
// final component is never followed as a symlink (O_NOFOLLOW), the directory it lives in must
// be one only root or the daemon's own user can change (or sticky, as /tmp, where nobody can
// replace another's file), a file found there must be a plain file of the daemon's user with no
// other links, and a new one is created 0644 whatever the umask (an existing one keeps its mode).
#ifndef REBOUND_RESOLVER_CORE_OWNED_FILE_H_
#define REBOUND_RESOLVER_CORE_OWNED_FILE_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rebound {

// The directory `path` is in may hold the daemon's files: a directory, owned by root or the
// effective user, and not writable by group or others unless sticky.
absl::Status CheckDirectoryFor(const std::string& path);

// A descriptor open for appending at `path` (created 0644 when missing), after the checks
// above; never truncates what is there.
absl::StatusOr<int> OpenOwnedFileForAppend(const std::string& path);

// With username:, rebound's files (the bootstrap state, the cache file) are written by that user
// after root is dropped, and read back at the next start partly before it: files and
// directories of `uid` then count as rebound's own too. Call once, before any file is opened.
void TrustFilesOf(uid_t uid);

// A descriptor open for reading `path`, after the same checks: a file whose content rebound
// trusts (the bootstrap state it warms its cache with) must be one nobody else could have put
// there. NotFoundError when there is no such file.
absl::StatusOr<int> OpenOwnedFileForReading(const std::string& path);

// Replaces `path` with a file holding `contents`, `mode` (0644 unless the file says what names
// were looked up): written to a new file in the same directory, then renamed over `path`, so a
// reader sees the old content or the new, never a part, and a symlink at `path` is replaced
// rather than followed.
absl::Status WriteOwnedFileAtomically(const std::string& path, absl::string_view contents,
                                      mode_t mode = 0644);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_OWNED_FILE_H_
